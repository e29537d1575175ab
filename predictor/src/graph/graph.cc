#include "acesniper/graph/graph.h"

#include <algorithm>
#include <sstream>

namespace acesniper {

std::string ShapeToString(const Shape& s) {
  std::ostringstream o;
  o << '[';
  for (size_t i = 0; i < s.size(); ++i) o << (i ? "," : "") << s[i];
  o << ']';
  return o.str();
}

int64_t NumElements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

const char* OpKindName(OpKind k) {
  switch (k) {
    case OpKind::kInput: return "input";
    case OpKind::kConv: return "conv";
    case OpKind::kPool: return "pool";
    case OpKind::kGlobalPool: return "global_pool";
    case OpKind::kAdaptivePool: return "adaptive_pool";
    case OpKind::kBatchNorm: return "batch_norm";
    case OpKind::kLayerNorm: return "layer_norm";
    case OpKind::kActivation: return "activation";
    case OpKind::kLinear: return "linear";
    case OpKind::kMatMul: return "matmul";
    case OpKind::kAdd: return "add";
    case OpKind::kMul: return "mul";
    case OpKind::kConcat: return "concat";
    case OpKind::kSoftmax: return "softmax";
    case OpKind::kFlatten: return "flatten";
    case OpKind::kLayout: return "layout";
    case OpKind::kOther: return "other";
  }
  return "?";
}

const char* ActKindName(ActKind k) {
  switch (k) {
    case ActKind::kReLU: return "relu";
    case ActKind::kReLU6: return "relu6";
    case ActKind::kSigmoid: return "sigmoid";
    case ActKind::kTanh: return "tanh";
    case ActKind::kSiLU: return "silu";
    case ActKind::kHardSwish: return "hardswish";
    case ActKind::kHardSigmoid: return "hardsigmoid";
    case ActKind::kGELU: return "gelu";
  }
  return "?";
}

namespace {

Status Bad(const Node& n, const std::string& what) {
  return Status::InvalidArgument("layer '" + n.name + "' (" + OpKindName(n.op) + "): " + what);
}

int64_t ConvOut(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
  return (in + 2 * p - d * (k - 1) - 1) / s + 1;
}

int64_t PoolOut(int64_t in, int64_t k, int64_t s, int64_t p, bool ceil_mode) {
  int64_t span = in + 2 * p - k;
  int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  // PyTorch/ONNX rule: the last window must start inside the input or its left padding.
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

Result<Shape> Broadcast(const std::vector<Shape>& shapes) {
  size_t rank = 0;
  for (const auto& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const auto& s : shapes) {
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[rank - s.size() + i];
      int64_t d = s[i];
      if (d == o || d == 1) continue;
      if (o == 1) { o = d; continue; }
      return Status::InvalidArgument("shapes do not broadcast");
    }
  }
  return out;
}

Result<Shape> Infer(const Graph& g, const Node& n) {
  std::vector<Shape> in;
  for (int i : n.inputs) in.push_back(g.node(i).out);
  auto need_rank4 = [&]() -> Status {
    if (in.size() != 1) return Bad(n, "needs exactly one input");
    if (in[0].size() != 4) return Bad(n, "needs a 4-D input (N,C,H,W), got " + ShapeToString(in[0]));
    return Status::Ok();
  };
  switch (n.op) {
    case OpKind::kInput:
      return n.out;
    case OpKind::kConv: {
      ACESNIPER_RETURN_IF_ERROR(need_rank4());
      const ConvAttrs& c = n.conv;
      if (c.out_channels <= 0 || c.kernel_h <= 0 || c.kernel_w <= 0 || c.stride_h <= 0 ||
          c.stride_w <= 0 || c.dilation_h <= 0 || c.dilation_w <= 0 || c.groups <= 0 ||
          c.pad_h < 0 || c.pad_w < 0)
        return Bad(n, "non-positive kernel, stride, dilation, groups or channels, or negative padding");
      if (in[0][1] % c.groups != 0 || c.out_channels % c.groups != 0)
        return Bad(n, "channels " + std::to_string(in[0][1]) + "->" + std::to_string(c.out_channels) +
                          " not divisible by groups " + std::to_string(c.groups));
      int64_t h = ConvOut(in[0][2], c.kernel_h, c.stride_h, c.pad_h, c.dilation_h);
      int64_t w = ConvOut(in[0][3], c.kernel_w, c.stride_w, c.pad_w, c.dilation_w);
      if (h <= 0 || w <= 0) return Bad(n, "kernel larger than padded input " + ShapeToString(in[0]));
      return Shape{in[0][0], c.out_channels, h, w};
    }
    case OpKind::kPool: {
      ACESNIPER_RETURN_IF_ERROR(need_rank4());
      const PoolAttrs& p = n.pool;
      if (p.kernel_h <= 0 || p.kernel_w <= 0 || p.stride_h <= 0 || p.stride_w <= 0 || p.pad_h < 0 ||
          p.pad_w < 0)
        return Bad(n, "non-positive kernel or stride, or negative padding");
      if (2 * p.pad_h > p.kernel_h || 2 * p.pad_w > p.kernel_w)
        return Bad(n, "padding larger than half the kernel");
      int64_t h = PoolOut(in[0][2], p.kernel_h, p.stride_h, p.pad_h, p.ceil_mode);
      int64_t w = PoolOut(in[0][3], p.kernel_w, p.stride_w, p.pad_w, p.ceil_mode);
      if (h <= 0 || w <= 0) return Bad(n, "window larger than padded input " + ShapeToString(in[0]));
      return Shape{in[0][0], in[0][1], h, w};
    }
    case OpKind::kGlobalPool:
      ACESNIPER_RETURN_IF_ERROR(need_rank4());
      return Shape{in[0][0], in[0][1], 1, 1};
    case OpKind::kAdaptivePool:
      ACESNIPER_RETURN_IF_ERROR(need_rank4());
      if (n.pool.out_h <= 0 || n.pool.out_w <= 0) return Bad(n, "non-positive output size");
      return Shape{in[0][0], in[0][1], n.pool.out_h, n.pool.out_w};
    case OpKind::kBatchNorm:
      if (in.size() != 1 || in[0].size() < 2) return Bad(n, "needs one input of rank >= 2");
      return in[0];
    case OpKind::kLayerNorm:
    case OpKind::kActivation:
      if (in.size() != 1 || in[0].empty()) return Bad(n, "needs one input of rank >= 1");
      return in[0];
    case OpKind::kSoftmax: {
      if (in.size() != 1 || in[0].empty()) return Bad(n, "needs one input of rank >= 1");
      int64_t r = static_cast<int64_t>(in[0].size());
      if (n.axis < -r || n.axis >= r) return Bad(n, "axis out of range");
      return in[0];
    }
    case OpKind::kLinear: {
      if (in.size() != 1 || in[0].empty()) return Bad(n, "needs one input of rank >= 1");
      if (n.out_features <= 0) return Bad(n, "non-positive out_features");
      Shape s = in[0];
      s.back() = n.out_features;
      return s;
    }
    case OpKind::kMatMul: {
      if (n.contraction > 0) {  // an einsum: the importer computed the shape (graph/einsum.h)
        if (in.size() != 2 || n.out.empty()) return Bad(n, "an einsum needs two inputs and its output shape");
        return n.out;
      }
      if (in.size() != 2 || in[0].size() < 2 || in[1].size() < 2)
        return Bad(n, "needs two inputs of rank >= 2");
      const Shape& a = in[0];
      const Shape& b = in[1];
      if (a.back() != b[b.size() - 2])
        return Bad(n, "inner dimensions differ: " + ShapeToString(a) + " x " + ShapeToString(b));
      auto batch = Broadcast({Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2)});
      if (!batch.ok()) return Bad(n, "batch dimensions do not broadcast");
      Shape s = batch.value();
      s.push_back(a[a.size() - 2]);
      s.push_back(b.back());
      return s;
    }
    case OpKind::kAdd:
    case OpKind::kMul: {
      if (in.empty()) return Bad(n, "needs at least one input");
      if (in.size() == 1) return n.out.empty() ? in[0] : n.out;  // the other operand is a constant
      auto s = Broadcast(in);
      if (!s.ok()) {
        std::string msg = "input shapes do not broadcast:";
        for (const auto& x : in) msg += " " + ShapeToString(x);
        return Bad(n, msg);
      }
      return s.value();
    }
    case OpKind::kConcat: {
      if (in.empty()) return Bad(n, "needs at least one input");
      int64_t r = static_cast<int64_t>(in[0].size());
      if (n.axis < -r || n.axis >= r) return Bad(n, "axis out of range");
      size_t ax = static_cast<size_t>(n.axis < 0 ? n.axis + r : n.axis);
      if (in.size() == 1) {  // the other operands are constants: the caller knows the result
        if (n.out.empty()) return Bad(n, "a one-input concat needs its output shape");
        return n.out;
      }
      Shape s = in[0];
      for (size_t i = 1; i < in.size(); ++i) {
        if (in[i].size() != in[0].size()) return Bad(n, "inputs of different rank");
        for (size_t d = 0; d < s.size(); ++d) {
          if (d == ax) continue;
          if (in[i][d] != s[d])
            return Bad(n, "inputs differ outside the concat axis: " + ShapeToString(in[0]) + " vs " +
                              ShapeToString(in[i]));
        }
        s[ax] += in[i][ax];
      }
      return s;
    }
    case OpKind::kFlatten: {
      if (in.size() != 1 || in[0].empty()) return Bad(n, "needs one input");
      int64_t r = static_cast<int64_t>(in[0].size());
      int64_t start = n.axis < 0 ? n.axis + r : n.axis;
      if (start < 0 || start >= r) return Bad(n, "start_dim out of range");
      Shape s(in[0].begin(), in[0].begin() + start);
      int64_t rest = 1;
      for (int64_t d = start; d < r; ++d) rest *= in[0][static_cast<size_t>(d)];
      s.push_back(rest);
      return s;
    }
    case OpKind::kLayout:
      if (!n.layout.empty()) {
        if (in.size() != 1) return Bad(n, "a layout with steps needs one input");
        Shape s = in[0];
        for (const LayoutStep& step : n.layout) {
          if (!step.permute) {
            if (NumElements(step.dims) != NumElements(s))
              return Bad(n, "cannot reshape " + ShapeToString(s) + " to " + ShapeToString(step.dims));
            s = step.dims;
            continue;
          }
          if (step.dims.size() != s.size()) return Bad(n, "a permutation of another rank");
          Shape p(s.size());
          std::vector<bool> seen(s.size(), false);
          for (size_t i = 0; i < p.size(); ++i) {
            int64_t a = step.dims[i];
            if (a < 0 || a >= static_cast<int64_t>(s.size()) || seen[static_cast<size_t>(a)]) return Bad(n, "not a permutation");
            seen[static_cast<size_t>(a)] = true;
            p[i] = s[static_cast<size_t>(a)];
          }
          s = std::move(p);
        }
        return s;
      }
      [[fallthrough]];
    case OpKind::kOther:
      if (in.empty()) return Bad(n, "needs at least one input");
      if (n.out.empty()) return Bad(n, "output shape must be given");
      return n.out;
  }
  return Bad(n, "unknown op");
}

}  // namespace

Result<int> Graph::AddInput(const Shape& shape, const std::string& name) {
  Node n;
  n.op = OpKind::kInput;
  n.name = name;
  n.out = shape;
  return Add(std::move(n));
}

Result<int> Graph::Add(Node node) {
  if (node.name.empty()) node.name = std::string(OpKindName(node.op)) + "_" + std::to_string(nodes_.size());
  if (node.op == OpKind::kInput) {
    if (!nodes_.empty()) return Bad(node, "the input must be the first and only input layer");
    if (!node.inputs.empty()) return Bad(node, "an input has no inputs");
    if (node.out.empty()) return Bad(node, "input shape is empty");
    for (int64_t d : node.out)
      if (d <= 0) return Bad(node, "input shape " + ShapeToString(node.out) + " has a non-positive dimension");
  } else {
    if (nodes_.empty()) return Bad(node, "the first layer must be the input");
    for (int i : node.inputs)
      if (i < 0 || static_cast<size_t>(i) >= nodes_.size())
        return Bad(node, "refers to layer " + std::to_string(i) + " which does not precede it");
  }
  auto shape = Infer(*this, node);
  if (!shape.ok()) return shape.status();
  for (int64_t d : shape.value())
    if (d <= 0) return Bad(node, "output shape " + ShapeToString(shape.value()) + " has a non-positive dimension");
  if (!node.out.empty() && node.out != shape.value())
    return Bad(node, "declared output " + ShapeToString(node.out) + " but inputs give " +
                         ShapeToString(shape.value()));
  node.out = shape.value();
  nodes_.push_back(std::move(node));
  return static_cast<int>(nodes_.size()) - 1;
}

Status Graph::Validate() const {
  if (nodes_.empty()) return Status::InvalidArgument("empty graph: no layers");
  if (nodes_.front().op != OpKind::kInput) return Status::InvalidArgument("the first layer is not the input");
  if (nodes_.size() < 2) return Status::InvalidArgument("empty graph: an input and no layers");
  std::vector<int> uses(nodes_.size(), 0);
  for (size_t i = 1; i < nodes_.size(); ++i) {
    if (nodes_[i].op == OpKind::kInput) return Status::InvalidArgument("more than one input layer");
    for (int j : nodes_[i].inputs) {
      if (j < 0 || static_cast<size_t>(j) >= i)
        return Status::InvalidArgument("layer '" + nodes_[i].name + "' refers forwards");
      ++uses[static_cast<size_t>(j)];
    }
  }
  for (size_t i = 0; i + 1 < nodes_.size(); ++i)
    if (uses[i] == 0)
      return Status::InvalidArgument("layer '" + nodes_[i].name + "' is never used (the last layer is the output)");
  return Status::Ok();
}

int64_t NodeParams(const Graph& g, const Node& n) {
  int64_t p = n.extra_params;
  switch (n.op) {
    case OpKind::kConv: {
      int64_t cin = g.node(n.inputs[0]).out[1];
      p += n.conv.out_channels * (cin / n.conv.groups) * n.conv.kernel_h * n.conv.kernel_w;
      if (n.conv.bias) p += n.conv.out_channels;
      break;
    }
    case OpKind::kLinear: {
      int64_t in = g.node(n.inputs[0]).out.back();
      p += n.out_features * in + (n.bias ? n.out_features : 0);
      break;
    }
    case OpKind::kBatchNorm:
      if (n.bias) p += 2 * g.node(n.inputs[0]).out[1];
      break;
    case OpKind::kLayerNorm:
      if (n.bias) p += 2 * g.node(n.inputs[0]).out.back();
      break;
    default:
      break;
  }
  return p;
}

int64_t NodeMacs(const Graph& g, const Node& n) {
  switch (n.op) {
    case OpKind::kConv: {
      int64_t cin = g.node(n.inputs[0]).out[1];
      return NumElements(n.out) * (cin / n.conv.groups) * n.conv.kernel_h * n.conv.kernel_w;
    }
    case OpKind::kLinear:
      return NumElements(n.out) * g.node(n.inputs[0]).out.back();
    case OpKind::kMatMul:
      if (n.contraction > 0) return NumElements(n.out) * n.contraction;
      return NumElements(n.out) * g.node(n.inputs[0]).out.back();
    default:
      return 0;
  }
}

int64_t NodeElementwiseOps(const Graph& g, const Node& n) {
  switch (n.op) {
    case OpKind::kInput:
    case OpKind::kConv:
    case OpKind::kLinear:
    case OpKind::kMatMul:
    case OpKind::kFlatten:
    case OpKind::kLayout:
      return 0;
    case OpKind::kPool:
      return NumElements(n.out) * n.pool.kernel_h * n.pool.kernel_w;
    case OpKind::kGlobalPool:
    case OpKind::kAdaptivePool:
      return NumElements(g.node(n.inputs[0]).out);
    default:
      return NumElements(n.out);
  }
}

int64_t NodeMemoryAccess(const Graph& g, const Node& n) {
  if (n.op == OpKind::kInput || n.op == OpKind::kFlatten || n.op == OpKind::kLayout) return 0;
  int64_t m = NumElements(n.out) + NodeParams(g, n);
  for (int i : n.inputs) m += NumElements(g.node(i).out);
  return m;
}

namespace {
bool IsMovement(const Node& n) { return (n.op == OpKind::kLayout || n.op == OpKind::kFlatten) && n.inputs.size() == 1; }
}  // namespace

Result<Graph> MergeMovementChains(const Graph& g) {
  std::vector<Node> nodes = g.nodes();
  std::vector<bool> dead(nodes.size(), false);
  auto steps_of = [](const Node& n) {  // a flatten as a reshape step
    return n.op == OpKind::kFlatten ? std::vector<LayoutStep>{{false, n.out}} : n.layout;
  };
  auto unknown = [](const Node& n) { return n.op == OpKind::kLayout && n.layout.empty(); };  // imported
  for (size_t j = nodes.size(); j-- > 0;) {
    if (!IsMovement(nodes[j])) continue;
    std::vector<size_t> users;
    bool all_movement = true;
    for (size_t k = j + 1; k < nodes.size(); ++k) {
      if (dead[k] || std::find(nodes[k].inputs.begin(), nodes[k].inputs.end(), static_cast<int>(j)) == nodes[k].inputs.end()) continue;
      all_movement = all_movement && IsMovement(nodes[k]);
      users.push_back(k);
    }
    if (!all_movement || users.empty()) continue;
    for (size_t k : users) {
      std::vector<LayoutStep> steps;
      if (!unknown(nodes[j]) && !unknown(nodes[k])) {
        steps = steps_of(nodes[j]);
        for (const LayoutStep& s : steps_of(nodes[k])) steps.push_back(s);
      }
      nodes[k].op = OpKind::kLayout;
      nodes[k].layout = std::move(steps);
      nodes[k].inputs = nodes[j].inputs;
      nodes[k].extra_params += users.front() == k ? nodes[j].extra_params : 0;
    }
    dead[j] = true;
  }
  Graph out;
  std::vector<int> index(nodes.size(), -1);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (dead[i]) continue;
    Node n = std::move(nodes[i]);
    for (int& in : n.inputs) in = index[static_cast<size_t>(in)];
    Result<int> r = out.Add(std::move(n));
    if (!r.ok()) return r.status();
    index[i] = r.value();
  }
  return out;
}

}  // namespace acesniper
