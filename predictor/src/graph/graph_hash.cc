#include "acesniper/graph/graph_hash.h"

#include <sstream>

#include "acesniper/common/sha256.h"

namespace acesniper {

std::string GraphStructureText(const Graph& g) {
  std::ostringstream o;
  o << "acesniper.graph/v1\n";
  for (const Node& n : g.nodes()) {
    o << OpKindName(n.op) << " out=" << ShapeToString(n.out) << " in=";
    for (int i : n.inputs) o << i << ',';
    switch (n.op) {
      case OpKind::kConv: {
        const ConvAttrs& c = n.conv;
        o << " k=" << c.kernel_h << 'x' << c.kernel_w << " s=" << c.stride_h << 'x' << c.stride_w << " p=" << c.pad_h
          << 'x' << c.pad_w << " d=" << c.dilation_h << 'x' << c.dilation_w << " g=" << c.groups << " b=" << c.bias;
        break;
      }
      case OpKind::kPool: {
        const PoolAttrs& p = n.pool;
        o << " t=" << (p.type == PoolType::kMax ? "max" : "avg") << " k=" << p.kernel_h << 'x' << p.kernel_w
          << " s=" << p.stride_h << 'x' << p.stride_w << " p=" << p.pad_h << 'x' << p.pad_w << " ceil=" << p.ceil_mode;
        if (p.type == PoolType::kAvg) o << " cip=" << p.count_include_pad;  // meaningless for max
        break;
      }
      case OpKind::kGlobalPool:  // the window is the whole plane: the shapes say it all
      case OpKind::kAdaptivePool:
        o << " t=" << (n.pool.type == PoolType::kMax ? "max" : "avg");
        break;
      case OpKind::kActivation: o << " act=" << ActKindName(n.act); break;
      case OpKind::kLinear: o << " b=" << n.bias; break;
      case OpKind::kBatchNorm:
      case OpKind::kLayerNorm: o << " affine=" << n.bias; break;
      case OpKind::kConcat:
      case OpKind::kSoftmax:
      case OpKind::kFlatten: o << " axis=" << n.axis; break;
      case OpKind::kMatMul: o << " contraction=" << n.contraction; break;
      default: break;
    }
    o << '\n';
  }
  return o.str();
}

std::string GraphStructureHash(const Graph& g) { return Sha256Hex(GraphStructureText(g)).substr(0, 16); }

}  // namespace acesniper
