// Graph -> TorchScript. The forward method is TorchScript source compiled by LibTorch itself
// (Module::define), so the archive is ordinary TorchScript that Python's torch.jit.load reads.
#include <torch/script.h>

#include <sstream>

#include "acesniper/analyze/importers.h"
#include "acesniper/export/writers.h"
#include "acesniper/graph/weights.h"
#include "acesniper/torch/module_builder.h"

namespace acesniper {

namespace {

std::string List(const std::vector<int64_t>& v) {
  std::ostringstream o;
  o << '[';
  for (size_t i = 0; i < v.size(); ++i) o << (i ? ", " : "") << v[i];
  o << ']';
  return o.str();
}

torch::Tensor ToTensor(const std::vector<float>& v, const Shape& shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
}

// Attribute names must be identifiers: layer names from the generator are ("conv3").
std::string Ident(const std::string& s) {
  std::string r;
  for (char c : s) r += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return "l_" + r;
}

}  // namespace

Result<torch::jit::Module> BuildTorchModule(const Graph& g, uint64_t weight_seed) {
  ACESNIPER_RETURN_IF_ERROR(g.Validate());
  try {
    torch::jit::Module m("__torch__.acesniper.Network");
    std::ostringstream src;
    src << "def forward(self, x):\n";
    auto var = [](int i) { return "v" + std::to_string(i); };
    for (size_t idx = 0; idx < g.size(); ++idx) {
      const int i = static_cast<int>(idx);
      const Node& n = g.node(i);
      const std::string id = Ident(n.name);
      LayerWeights w = InitLayerWeights(g, i, weight_seed);
      std::string in0 = n.inputs.empty() ? "" : var(n.inputs[0]);
      src << "    " << var(i) << " = ";
      switch (n.op) {
        case OpKind::kInput:
          src << "x";
          break;
        case OpKind::kConv: {
          const ConvAttrs& c = n.conv;
          m.register_parameter(id + "_weight", ToTensor(w.weight, w.weight_shape), false);
          if (c.bias) m.register_parameter(id + "_bias", ToTensor(w.bias, {c.out_channels}), false);
          src << "torch.conv2d(" << in0 << ", self." << id << "_weight, " << (c.bias ? "self." + id + "_bias" : "None")
              << ", " << List({c.stride_h, c.stride_w}) << ", " << List({c.pad_h, c.pad_w}) << ", "
              << List({c.dilation_h, c.dilation_w}) << ", " << c.groups << ")";
          break;
        }
        case OpKind::kPool: {
          const PoolAttrs& p = n.pool;
          if (p.type == PoolType::kMax)
            src << "torch.max_pool2d(" << in0 << ", " << List({p.kernel_h, p.kernel_w}) << ", "
                << List({p.stride_h, p.stride_w}) << ", " << List({p.pad_h, p.pad_w}) << ", [1, 1], "
                << (p.ceil_mode ? "True" : "False") << ")";
          else
            src << "torch.avg_pool2d(" << in0 << ", " << List({p.kernel_h, p.kernel_w}) << ", "
                << List({p.stride_h, p.stride_w}) << ", " << List({p.pad_h, p.pad_w}) << ", "
                << (p.ceil_mode ? "True" : "False") << ", " << (p.count_include_pad ? "True" : "False") << ")";
          break;
        }
        case OpKind::kGlobalPool:
          if (n.pool.type == PoolType::kMax) src << "torch.adaptive_max_pool2d(" << in0 << ", [1, 1])[0]";
          else src << "torch.adaptive_avg_pool2d(" << in0 << ", [1, 1])";
          break;
        case OpKind::kBatchNorm: {
          const Shape c = {w.weight_shape[0]};
          m.register_parameter(id + "_weight", ToTensor(w.weight, c), false);
          m.register_parameter(id + "_bias", ToTensor(w.bias, c), false);
          m.register_buffer(id + "_running_mean", ToTensor(w.mean, c));
          m.register_buffer(id + "_running_var", ToTensor(w.var, c));
          src << "torch.batch_norm(" << in0 << ", self." << id << "_weight, self." << id << "_bias, self." << id
              << "_running_mean, self." << id << "_running_var, False, 0.1, " << n.eps << ", False)";
          break;
        }
        case OpKind::kActivation:
          switch (n.act) {
            case ActKind::kReLU: src << "torch.relu(" << in0 << ")"; break;
            case ActKind::kSigmoid: src << "torch.sigmoid(" << in0 << ")"; break;
            case ActKind::kTanh: src << "torch.tanh(" << in0 << ")"; break;
            case ActKind::kReLU6: src << "torch.hardtanh(" << in0 << ", 0.0, 6.0)"; break;
            case ActKind::kSiLU: src << "torch.silu(" << in0 << ")"; break;
            case ActKind::kHardSwish: src << "torch.hardswish(" << in0 << ")"; break;
            case ActKind::kHardSigmoid: src << "torch.hardsigmoid(" << in0 << ")"; break;
            case ActKind::kGELU: src << "torch.gelu(" << in0 << ")"; break;
          }
          break;
        case OpKind::kLayerNorm: {
          const Shape c = {w.weight_shape[0]};
          m.register_parameter(id + "_weight", ToTensor(w.weight, c), false);
          m.register_parameter(id + "_bias", ToTensor(w.bias, c), false);
          src << "torch.layer_norm(" << in0 << ", [" << c[0] << "], self." << id << "_weight, self." << id << "_bias, "
              << n.eps << ", False)";
          break;
        }
        case OpKind::kSoftmax:
          src << "torch.softmax(" << in0 << ", " << n.axis << ")";
          break;
        case OpKind::kMatMul:
          if (n.contraction > 0 || n.inputs.size() != 2) return Status::Unsupported("TorchScript writer: einsum");
          src << "torch.matmul(" << in0 << ", " << var(n.inputs[1]) << ")";
          break;
        case OpKind::kMul:
          if (n.inputs.size() != 2) return Status::Unsupported("TorchScript writer: mul needs two inputs");
          src << "torch.mul(" << in0 << ", " << var(n.inputs[1]) << ")";
          break;
        case OpKind::kLayout:
        {
          if (n.layout.empty()) return Status::Unsupported("TorchScript writer: a layout node of unknown steps (" + n.source_op + ")");
          std::string e = in0;
          for (const LayoutStep& step : n.layout)
            e = std::string(step.permute ? "torch.permute(" : "torch.reshape(") + e + ", " + List(step.dims) + ")";
          src << e;
          break;
        }
        case OpKind::kLinear:
          m.register_parameter(id + "_weight", ToTensor(w.weight, w.weight_shape), false);
          if (n.bias) m.register_parameter(id + "_bias", ToTensor(w.bias, {n.out_features}), false);
          src << "torch.linear(" << in0 << ", self." << id << "_weight, " << (n.bias ? "self." + id + "_bias" : "None") << ")";
          break;
        case OpKind::kAdd:
          if (n.inputs.size() != 2) return Status::Unsupported("TorchScript writer: add needs two inputs");
          src << "torch.add(" << in0 << ", " << var(n.inputs[1]) << ")";
          break;
        case OpKind::kConcat: {
          if (n.inputs.size() < 2) return Status::Unsupported("TorchScript writer: concat with a constant");
          src << "torch.cat([";
          for (size_t k = 0; k < n.inputs.size(); ++k) src << (k ? ", " : "") << var(n.inputs[k]);
          src << "], " << n.axis << ")";
          break;
        }
        case OpKind::kFlatten:
          src << "torch.flatten(" << in0 << ", " << n.axis << ")";
          break;
        default:
          return Status::Unsupported(std::string("TorchScript writer: op ") + OpKindName(n.op));
      }
      src << "\n";
    }
    src << "    return " << var(g.output()) << "\n";
    m.define(src.str());
    m.eval();
    return m;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("TorchScript writer: ") + e.what());
  }
}

Status WriteTorchScript(const Graph& g, uint64_t weight_seed, const std::string& path) {
  auto module = BuildTorchModule(g, weight_seed);
  if (!module.ok()) return module.status();
  try {
    torch::jit::Module& m = *module;
    std::string shape;
    for (int64_t d : g.input_shape()) shape += (shape.empty() ? "" : ",") + std::to_string(d);
    torch::jit::ExtraFilesMap extra{{kTorchScriptShapeEntry, shape}};
    std::string tmp = path + ".tmp";
    m.save(tmp, extra);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot rename '" + tmp + "' to '" + path + "'");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("TorchScript writer: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace acesniper
