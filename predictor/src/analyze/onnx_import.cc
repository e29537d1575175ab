#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "acesniper/analyze/importers.h"
#include "acesniper/graph/einsum.h"
#include "graph_draft.h"
#include "onnx_shape_folding.h"

namespace acesniper {

namespace {

bool IsFloatType(int t) {
  using T = onnx::TensorProto;
  return t == T::FLOAT || t == T::DOUBLE || t == T::FLOAT16 || t == T::BFLOAT16;
}

struct ValueInfo {
  int elem_type = 0;
  Shape shape;
  bool known = false;
};

const onnx::AttributeProto* Attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
std::vector<int64_t> Ints(const onnx::NodeProto& n, const std::string& name, std::vector<int64_t> def) {
  const auto* a = Attr(n, name);
  if (!a) return def;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}
int64_t Int(const onnx::NodeProto& n, const std::string& name, int64_t def) {
  const auto* a = Attr(n, name);
  return a ? a->i() : def;
}
float Float(const onnx::NodeProto& n, const std::string& name, float def) {
  const auto* a = Attr(n, name);
  return a ? a->f() : def;
}

// Scalar value of a float constant tensor, if it is one.
std::optional<double> Scalar(const onnx::TensorProto* t) {
  if (!t || NumElements(Shape(t->dims().begin(), t->dims().end())) != 1) return std::nullopt;
  if (t->data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
  if (t->float_data_size() == 1) return t->float_data(0);
  if (t->raw_data().size() == 4) {
    float f;
    std::memcpy(&f, t->raw_data().data(), 4);
    return f;
  }
  return std::nullopt;
}

class OnnxImporter {
 public:
  explicit OnnxImporter(onnx::ModelProto& m) : model_(m) {}
  Result<Graph> Run(const ImportOptions& opts);

 private:
  Status SetInput(const ImportOptions& opts);
  Status Infer();
  void RecordShapes();
  int CompleteEinsumShapes();
  Status MapNode(const onnx::NodeProto& n);
  void Rewrite();
  Result<Shape> ShapeOf(const std::string& name, const onnx::NodeProto& n) const;
  int64_t SpatialZeroPad(const onnx::NodeProto& n) const;
  std::vector<int64_t> IntsOfConst(const std::string& name) const;

  onnx::ModelProto& model_;
  GraphDraft draft_;
  std::unordered_map<std::string, ValueInfo> info_;
  std::unordered_map<std::string, const onnx::TensorProto*> consts_;   // initializers + Constant nodes
  std::unordered_map<std::string, std::set<std::string>> leaves_;       // constant value -> float initializers
  std::unordered_map<std::string, int> act_;                           // activation -> draft index
  std::unordered_map<std::string, int64_t> leaf_size_;                 // learned tensor -> elements
  std::set<std::string> counted_;                                      // learned tensors already attributed
  std::string input_name_;
};

Status OnnxImporter::SetInput(const ImportOptions& opts) {
  const auto& g = model_.graph();
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  onnx::ValueInfoProto* input = nullptr;
  for (auto& vi : *model_.mutable_graph()->mutable_input()) {
    if (inits.count(vi.name())) continue;
    if (input) return Status::Unsupported("ONNX model has more than one input ('" + input->name() + "', '" + vi.name() + "')");
    input = &vi;
  }
  if (!input) return Status::InvalidArgument("ONNX model has no input");
  input_name_ = input->name();
  if (!input->type().has_tensor_type() || !IsFloatType(input->type().tensor_type().elem_type()))
    return Status::Unsupported("ONNX input '" + input_name_ + "' is not a floating-point tensor");
  Shape file_shape;
  for (const auto& d : input->type().tensor_type().shape().dim())
    file_shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  bool file_known = !file_shape.empty();
  for (int64_t d : file_shape) file_known = file_known && d > 0;
  Shape shape = opts.input_shape ? *opts.input_shape : (file_known ? file_shape : kDefaultInputShape);
  if (shape != file_shape) {
    // A new shape invalidates every recorded intermediate shape: infer them afresh.
    model_.mutable_graph()->clear_value_info();
    for (auto& o : *model_.mutable_graph()->mutable_output()) o.mutable_type()->mutable_tensor_type()->clear_shape();
    auto* s = input->mutable_type()->mutable_tensor_type()->mutable_shape();
    s->clear_dim();
    for (int64_t d : shape) s->add_dim()->set_dim_value(d);
  }
  return Status::Ok();
}

// ONNX's shape inference divides by strides and dilations without checking them (libonnx 1.12
// dies with SIGFPE on a zero stride, found by test/fuzz). Reject such attributes first.
Status CheckWindowAttributes(const onnx::GraphProto& g) {
  static const std::set<std::string> kWindowed = {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "MaxPool",
                                                  "AveragePool", "LpPool", "MaxUnpool", "MaxRoiPool", "Col2Im"};
  for (const auto& n : g.node()) {
    if (!kWindowed.count(n.op_type())) continue;
    for (const char* name : {"strides", "dilations", "kernel_shape"}) {
      const auto* a = Attr(n, name);
      if (!a) continue;
      for (int64_t v : a->ints())
        if (v <= 0)
          return Status::InvalidArgument("ONNX " + n.op_type() + " node '" + n.name() + "' has " + name + " " +
                                         std::to_string(v) + " (must be positive)");
    }
    const auto* group = Attr(n, "group");
    if (group && group->i() <= 0)
      return Status::InvalidArgument("ONNX " + n.op_type() + " node '" + n.name() + "' has group " +
                                     std::to_string(group->i()) + " (must be positive)");
  }
  return Status::Ok();
}

Status OnnxImporter::Infer() {
  ACESNIPER_RETURN_IF_ERROR(CheckWindowAttributes(model_.graph()));
  // Shape inference, then folding of the shape computations it made constant, until nothing
  // more folds (each round can only make more shapes static).
  for (int round = 0; round < 64; ++round) {
    try {
      onnx::ShapeInferenceOptions o(/*check_type=*/false, /*strict=*/0, /*data_prop=*/true);
      onnx::shape_inference::InferShapes(model_, onnx::OpSchemaRegistry::Instance(), o);
    } catch (const std::exception& e) {
      return Status::InvalidArgument(std::string("ONNX shape inference failed: ") + e.what());
    }
    RecordShapes();
    std::unordered_map<std::string, Shape> known;
    for (const auto& [name, v] : info_)
      if (v.known) known[name] = v.shape;
    auto folded = FoldShapeComputations(*model_.mutable_graph(), known);
    if (!folded.ok()) return folded.status();
    if (folded.value() + CompleteEinsumShapes() == 0) break;
  }
  return Status::Ok();
}

// libonnx 1.12 leaves some einsum outputs without a shape (equations with spaces, as PyTorch
// writes them); compute those from the equation and record them for the next inference round.
int OnnxImporter::CompleteEinsumShapes() {
  int added = 0;
  for (const auto& n : model_.graph().node()) {
    if (n.op_type() != "Einsum" || n.input_size() != 2 || n.output_size() != 1) continue;
    auto o = info_.find(n.output(0));
    if (o != info_.end() && o->second.known) continue;
    std::vector<Shape> in;
    for (const auto& name : n.input()) {
      auto it = info_.find(name);
      if (it == info_.end() || !it->second.known) break;
      in.push_back(it->second.shape);
    }
    const auto* eq = Attr(n, "equation");
    if (in.size() != 2 || !eq) continue;
    auto e = AnalyzeEinsum(eq->s(), in);
    if (!e) continue;
    auto* vi = model_.mutable_graph()->add_value_info();
    vi->set_name(n.output(0));
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(info_.at(n.input(0)).elem_type);
    for (int64_t d : e->out) tt->mutable_shape()->add_dim()->set_dim_value(d);
    ++added;
  }
  return added;
}

void OnnxImporter::RecordShapes() {
  info_.clear();
  auto record = [&](const onnx::ValueInfoProto& vi) {
    if (!vi.type().has_tensor_type()) return;
    ValueInfo v;
    v.elem_type = vi.type().tensor_type().elem_type();
    v.known = vi.type().tensor_type().has_shape();
    for (const auto& d : vi.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() <= 0) v.known = false;
      v.shape.push_back(d.dim_value());
    }
    info_[vi.name()] = v;
  };
  for (const auto& vi : model_.graph().input()) record(vi);
  for (const auto& vi : model_.graph().value_info()) record(vi);
  for (const auto& vi : model_.graph().output()) record(vi);
}

Result<Shape> OnnxImporter::ShapeOf(const std::string& name, const onnx::NodeProto& n) const {
  auto c = consts_.find(name);
  if (c != consts_.end()) return Shape(c->second->dims().begin(), c->second->dims().end());
  auto it = info_.find(name);
  if (it == info_.end() || !it->second.known)
    return Status::InvalidArgument("ONNX: cannot infer the shape of '" + name + "' (" + n.op_type() + " node '" +
                                   n.name() + "')");
  return it->second.shape;
}

std::vector<int64_t> OnnxImporter::IntsOfConst(const std::string& name) const {
  auto it = consts_.find(name);
  if (it == consts_.end() || it->second->data_type() != onnx::TensorProto::INT64) return {};
  const onnx::TensorProto* t = it->second;
  std::vector<int64_t> v(t->int64_data().begin(), t->int64_data().end());
  if (v.empty() && !t->raw_data().empty()) {
    v.resize(t->raw_data().size() / sizeof(int64_t));
    std::memcpy(v.data(), t->raw_data().data(), v.size() * sizeof(int64_t));
  }
  return v;
}

// A Pad that adds the same number of zeros on all four sides of H and W of a 4-D tensor (and
// nothing to N, C) returns that number; anything else -1.
int64_t OnnxImporter::SpatialZeroPad(const onnx::NodeProto& n) const {
  const auto* mode = Attr(n, "mode");
  if (mode && mode->s() != "constant") return -1;
  if (n.input_size() > 2 && !n.input(2).empty()) {
    auto c = consts_.find(n.input(2));
    auto v = c == consts_.end() ? std::nullopt : Scalar(c->second);
    if (!v || *v != 0.0) return -1;
  }
  std::vector<int64_t> pads = n.input_size() > 1 ? IntsOfConst(n.input(1)) : Ints(n, "pads", {});
  if (pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5]) return -1;
  if (pads[2] != pads[3] || pads[2] != pads[6] || pads[2] != pads[7]) return -1;
  return pads[2];
}

Status OnnxImporter::MapNode(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  if (op == "Constant") {
    const auto* v = Attr(n, "value");
    if (v && v->has_t() && n.output_size() > 0) consts_[n.output(0)] = &v->t();
    for (const auto& o : n.output()) leaves_[o];
    return Status::Ok();
  }
  std::vector<int> inputs;
  std::vector<Shape> const_shapes;
  std::set<std::string> leaves;
  for (int i = 0; i < n.input_size(); ++i) {
    const std::string& in = n.input(i);
    if (in.empty()) continue;
    auto a = act_.find(in);
    if (a != act_.end()) { inputs.push_back(a->second); continue; }
    auto c = consts_.find(in);
    if (c != consts_.end()) const_shapes.emplace_back(c->second->dims().begin(), c->second->dims().end());
    else if (info_.count(in) && info_.at(in).known) const_shapes.push_back(info_.at(in).shape);
    bool running_stat = op == "BatchNormalization" && (i == 3 || i == 4);
    if (!running_stat && leaves_.count(in)) leaves.insert(leaves_[in].begin(), leaves_[in].end());
  }
  if (inputs.empty()) {  // computed from constants only: part of a weight, not of the data flow
    if (op == "Identity" && leaves.size() == 1 && n.output_size() == 1) {
      // PyTorch's exporter stores equal-valued parameters once and gives the others an Identity
      // of it: each Identity stands for a parameter of its own.
      leaf_size_[n.output(0)] = leaf_size_[*leaves.begin()];
      leaves_[n.output(0)] = {n.output(0)};
      return Status::Ok();
    }
    for (const auto& o : n.output()) leaves_[o] = leaves;
    return Status::Ok();
  }
  if (n.output_size() == 0) return Status::Ok();
  auto oi = info_.find(n.output(0));
  if (oi != info_.end() && !IsFloatType(oi->second.elem_type)) return Status::Ok();  // Shape and friends
  if (op == "Identity" || op == "Dropout") {
    act_[n.output(0)] = inputs[0];
    return Status::Ok();
  }

  Node node;
  node.name = n.name().empty() ? n.output(0) : n.name();
  node.source_op = op;
  node.inputs = inputs;
  auto out = ShapeOf(n.output(0), n);
  if (!out.ok()) return out.status();
  node.out = out.value();
  auto input_is_act = [&](int i) { return i < n.input_size() && act_.count(n.input(i)) > 0; };
  auto const_shape = [&](int i) -> Result<Shape> {
    if (i >= n.input_size() || n.input(i).empty()) return Status::InvalidArgument("missing input");
    return ShapeOf(n.input(i), n);
  };

  if (op == "Conv" && input_is_act(0) && !input_is_act(1)) {
    auto w = const_shape(1);
    if (!w.ok()) return w.status();
    std::string auto_pad = Attr(n, "auto_pad") ? Attr(n, "auto_pad")->s() : "NOTSET";
    auto pads = Ints(n, "pads", {0, 0, 0, 0});
    auto s = Ints(n, "strides", {1, 1});
    auto d = Ints(n, "dilations", {1, 1});
    if (w->size() == 4 && auto_pad == "NOTSET" && pads.size() == 4 && pads[0] == pads[2] && pads[1] == pads[3] &&
        s.size() == 2 && d.size() == 2) {
      node.op = OpKind::kConv;
      node.inputs = {inputs[0]};
      node.conv.out_channels = (*w)[0];
      node.conv.kernel_h = (*w)[2];
      node.conv.kernel_w = (*w)[3];
      node.conv.stride_h = s[0]; node.conv.stride_w = s[1];
      node.conv.pad_h = pads[0]; node.conv.pad_w = pads[1];
      node.conv.dilation_h = d[0]; node.conv.dilation_w = d[1];
      node.conv.groups = Int(n, "group", 1);
      node.conv.bias = n.input_size() > 2 && !n.input(2).empty();
    }
  } else if (op == "Gemm" && input_is_act(0) && !input_is_act(1) && Int(n, "transA", 0) == 0) {
    auto b = const_shape(1);
    if (!b.ok()) return b.status();
    if (b->size() == 2) {
      node.op = OpKind::kLinear;
      node.inputs = {inputs[0]};
      node.out_features = Int(n, "transB", 0) ? (*b)[0] : (*b)[1];
      node.bias = n.input_size() > 2 && !n.input(2).empty();
    }
  } else if (op == "MatMul") {
    if (inputs.size() == 2) {
      node.op = OpKind::kMatMul;
    } else if (input_is_act(0)) {
      auto b = const_shape(1);
      if (!b.ok()) return b.status();
      if (b->size() == 2) {
        node.op = OpKind::kLinear;
        node.out_features = (*b)[1];
        node.bias = false;
      }
    }
  } else if (op == "Einsum" && inputs.size() == 2 && Attr(n, "equation")) {
    auto a = ShapeOf(n.input(0), n), b = ShapeOf(n.input(1), n);
    if (a.ok() && b.ok()) {
      auto e = AnalyzeEinsum(Attr(n, "equation")->s(), {a.value(), b.value()});
      if (e && e->out == node.out) {
        node.op = OpKind::kMatMul;
        node.contraction = e->contraction;
      }
    }
  } else if (op == "BatchNormalization") {
    node.op = OpKind::kBatchNorm;
    node.inputs = {inputs[0]};
    node.bias = true;
    node.eps = Float(n, "epsilon", 1e-5f);
  } else if (op == "LayerNormalization") {
    int64_t axis = Int(n, "axis", -1);
    int64_t rank = static_cast<int64_t>(node.out.size());
    if (axis == -1 || axis == rank - 1) {
      node.op = OpKind::kLayerNorm;
      node.inputs = {inputs[0]};
      node.bias = true;
      node.eps = Float(n, "epsilon", 1e-5f);
    }
  } else if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "HardSwish" || op == "HardSigmoid" ||
             op == "Gelu") {
    node.op = OpKind::kActivation;
    node.act = op == "Relu" ? ActKind::kReLU : op == "Sigmoid" ? ActKind::kSigmoid : op == "Tanh" ? ActKind::kTanh
             : op == "HardSwish" ? ActKind::kHardSwish : op == "HardSigmoid" ? ActKind::kHardSigmoid : ActKind::kGELU;
  } else if (op == "Clip" && n.input_size() >= 3) {
    auto lo = Scalar(consts_.count(n.input(1)) ? consts_[n.input(1)] : nullptr);
    auto hi = Scalar(consts_.count(n.input(2)) ? consts_[n.input(2)] : nullptr);
    if (lo && hi && *lo == 0.0 && *hi == 6.0) {
      node.op = OpKind::kActivation;
      node.act = ActKind::kReLU6;
      node.inputs = {inputs[0]};
    }
  } else if ((op == "MaxPool" || op == "AveragePool") && Ints(n, "dilations", {1, 1}) == std::vector<int64_t>{1, 1}) {
    auto k = Ints(n, "kernel_shape", {});
    auto pads = Ints(n, "pads", {0, 0, 0, 0});
    auto s = Ints(n, "strides", {1, 1});
    if (k.size() == 2 && s.size() == 2 && pads.size() == 4 && pads[0] == pads[2] && pads[1] == pads[3]) {
      node.op = OpKind::kPool;
      node.pool.type = op == "MaxPool" ? PoolType::kMax : PoolType::kAvg;
      node.pool.kernel_h = k[0]; node.pool.kernel_w = k[1];
      node.pool.stride_h = s[0]; node.pool.stride_w = s[1];
      node.pool.pad_h = pads[0]; node.pool.pad_w = pads[1];
      node.pool.ceil_mode = Int(n, "ceil_mode", 0) != 0;
      node.pool.count_include_pad = Int(n, "count_include_pad", 0) != 0;
    }
  } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    node.op = OpKind::kGlobalPool;
    node.pool.type = op == "GlobalMaxPool" ? PoolType::kMax : PoolType::kAvg;
  } else if (op == "Add" || op == "Sum") {
    node.op = OpKind::kAdd;
  } else if (op == "Mul") {
    node.op = OpKind::kMul;
  } else if (op == "Concat") {
    node.op = OpKind::kConcat;
    node.axis = Int(n, "axis", 0);
  } else if (op == "Softmax") {
    node.op = OpKind::kSoftmax;
    node.axis = Int(n, "axis", -1);
  } else if (op == "Flatten" && Int(n, "axis", 1) == 1) {
    node.op = OpKind::kFlatten;
    node.axis = 1;
  } else if (op == "Reshape" || op == "Transpose" || op == "Squeeze" || op == "Unsqueeze" || op == "Gather" ||
             op == "Slice" || op == "Pad" || op == "Expand" || op == "Split" || op == "Tile" || op == "Flatten" ||
             op == "DepthToSpace" || op == "SpaceToDepth" || op == "Cast") {
    node.op = OpKind::kLayout;
  }
  // Anything not matched above stays kOther, named by source_op: counted, never dropped.

  // Learned tensors reaching this layer that are not its own weights become extra parameters.
  int64_t attributed = 0;
  for (const auto& leaf : leaves) {
    if (counted_.count(leaf)) continue;
    counted_.insert(leaf);
    attributed += leaf_size_[leaf];
  }
  std::string out0 = n.output(0);
  if (op == "Split") {  // one layout node per output
    for (const auto& o : n.output()) {
      Node part = node;
      part.name = node.name + ":" + o;
      auto s = ShapeOf(o, n);
      if (!s.ok()) return s.status();
      part.out = s.value();
      act_[o] = draft_.Add(part);
    }
    return Status::Ok();
  }
  int idx = draft_.Add(node, const_shapes);
  draft_.at(idx).attributed = attributed;
  if (op == "Pad") draft_.at(idx).spatial_pad = SpatialZeroPad(n);
  act_[out0] = idx;
  return Status::Ok();
}

// Canonical rewrites that undo ONNX's spelling of single PyTorch operators.
void OnnxImporter::Rewrite() {
  std::vector<int> uses = draft_.Consumers();
  auto single = [&](int i) { return uses[static_cast<size_t>(i)] == 1; };
  auto is = [&](int i, OpKind k, const char* src = nullptr) {
    const Node& n = draft_.at(i).node;
    return !draft_.at(i).dead && n.op == k && (!src || n.source_op == src);
  };
  for (int i = 0; i < draft_.size(); ++i) {
    DraftNode& d = draft_.at(i);
    if (d.dead) continue;
    Node& n = d.node;
    // SiLU: x * sigmoid(x)
    if (n.op == OpKind::kMul && n.inputs.size() == 2) {
      for (int side = 0; side < 2; ++side) {
        int x = n.inputs[static_cast<size_t>(side)], s = n.inputs[static_cast<size_t>(1 - side)];
        const Node& sn = draft_.at(s).node;
        if (is(s, OpKind::kActivation) && sn.act == ActKind::kSigmoid && sn.inputs == std::vector<int>{x} && single(s)) {
          n.op = OpKind::kActivation;
          n.act = ActKind::kSiLU;
          n.inputs = {x};
          draft_.at(s).dead = true;
          break;
        }
      }
    }
    // GELU (erf form): ((x * (erf(x / sqrt2) + 1)) * 0.5
    if (n.op == OpKind::kMul && n.inputs.size() == 1 && is(n.inputs[0], OpKind::kMul) && single(n.inputs[0])) {
      int m1 = n.inputs[0];
      const Node& m1n = draft_.at(m1).node;
      if (m1n.inputs.size() == 2) {
        for (int side = 0; side < 2; ++side) {
          int x = m1n.inputs[static_cast<size_t>(side)], a = m1n.inputs[static_cast<size_t>(1 - side)];
          if (!is(a, OpKind::kAdd) || draft_.at(a).node.inputs.size() != 1 || !single(a)) continue;
          int e = draft_.at(a).node.inputs[0];
          if (!is(e, OpKind::kOther, "Erf") || !single(e)) continue;
          int dv = draft_.at(e).node.inputs[0];
          if (!is(dv, OpKind::kOther, "Div") || !single(dv) || draft_.at(dv).node.inputs != std::vector<int>{x}) continue;
          n.op = OpKind::kActivation;
          n.act = ActKind::kGELU;
          n.inputs = {x};
          for (int k : {m1, a, e, dv}) draft_.at(k).dead = true;
          break;
        }
      }
    }
    // Linear with a 3-D input: MatMul(x, W) + b
    if (n.op == OpKind::kAdd && n.inputs.size() == 1 && d.consts.size() == 1 && d.consts[0].size() == 1) {
      int l = n.inputs[0];
      Node& ln = draft_.at(l).node;
      if (is(l, OpKind::kLinear, "MatMul") && !ln.bias && single(l) && d.consts[0][0] == ln.out_features) {
        ln.bias = true;
        draft_.at(l).attributed += d.attributed;  // the bias, intrinsic from now on
        draft_.Replace(i, l);
        uses = draft_.Consumers();
      }
    }
    // avg_pool2d with padding: Pad(zeros) + AveragePool
    if (n.op == OpKind::kPool && n.pool.type == PoolType::kAvg && n.pool.pad_h == 0 && n.pool.pad_w == 0) {
      int p = n.inputs[0];
      const DraftNode& pd = draft_.at(p);
      if (is(p, OpKind::kLayout, "Pad") && pd.spatial_pad >= 0 && single(p) && 2 * pd.spatial_pad <= n.pool.kernel_h &&
          2 * pd.spatial_pad <= n.pool.kernel_w) {
        n.pool.pad_h = n.pool.pad_w = pd.spatial_pad;
        n.pool.count_include_pad = true;
        n.inputs = pd.node.inputs;
        draft_.at(p).dead = true;
      }
    }
    // torch.roll: Concat of Slices of one tensor, same shape as that tensor
    if (n.op == OpKind::kConcat && n.inputs.size() >= 2) {
      int src = -1;
      bool roll = true;
      for (int in : n.inputs) {
        const Node& sn = draft_.at(in).node;
        if (!is(in, OpKind::kLayout, "Slice") || sn.inputs.size() != 1 || !single(in)) { roll = false; break; }
        if (src == -1) src = sn.inputs[0];
        if (sn.inputs[0] != src) { roll = false; break; }
      }
      if (roll && src >= 0 && draft_.at(src).node.out == n.out) {
        for (int in : n.inputs) draft_.at(in).dead = true;
        n.op = OpKind::kLayout;
        n.source_op = "Roll";
        n.inputs = {src};
      }
    }
  }
}

Result<Graph> OnnxImporter::Run(const ImportOptions& opts) {
  if (model_.graph().node_size() == 0) return Status::InvalidArgument("ONNX model has an empty graph (no nodes)");
  ACESNIPER_RETURN_IF_ERROR(SetInput(opts));
  ACESNIPER_RETURN_IF_ERROR(Infer());
  for (const auto& t : model_.graph().initializer()) {
    consts_[t.name()] = &t;
    if (IsFloatType(t.data_type())) {
      leaves_[t.name()] = {t.name()};
      leaf_size_[t.name()] = NumElements(Shape(t.dims().begin(), t.dims().end()));
    } else {
      leaves_[t.name()];
    }
  }
  Node in;
  in.op = OpKind::kInput;
  in.name = input_name_;
  in.out = info_.at(input_name_).shape;
  act_[input_name_] = draft_.Add(in);
  for (const auto& n : model_.graph().node()) ACESNIPER_RETURN_IF_ERROR(MapNode(n).WithContext("ONNX node '" + n.name() + "'"));
  if (model_.graph().output_size() < 1) return Status::InvalidArgument("ONNX model has no output");
  auto o = act_.find(model_.graph().output(0).name());
  if (o == act_.end()) return Status::InvalidArgument("ONNX output '" + model_.graph().output(0).name() + "' does not depend on the input");
  Rewrite();
  return draft_.Finish(o->second);
}

}  // namespace

Result<Shape> ParseShape(const std::string& text) {
  Shape s;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      size_t used = 0;
      long long v = std::stoll(item, &used);
      if (used != item.size() || v <= 0) throw std::invalid_argument("x");
      s.push_back(v);
    } catch (const std::exception&) {
      return Status::InvalidArgument("input shape '" + text + "': '" + item + "' is not a positive integer");
    }
  }
  if (s.size() != 4) return Status::InvalidArgument("input shape '" + text + "' must have 4 values N,C,H,W");
  return s;
}

Result<Graph> ImportOnnx(const std::string& path, const ImportOptions& opts) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IOError("cannot open '" + path + "'");
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return ImportOnnxBytes(data, opts, path);
}

Result<Graph> ImportOnnxBytes(const std::string& bytes, const ImportOptions& opts, const std::string& name) {
  if (bytes.empty()) return Status::InvalidArgument("'" + name + "' is empty");
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) return Status::InvalidArgument("'" + name + "' is not a valid ONNX model (protobuf parse failed)");
  if (!model.has_graph()) return Status::InvalidArgument("'" + name + "' is not an ONNX model (no graph)");
  try {
    OnnxImporter imp(model);
    auto g = imp.Run(opts);
    if (!g.ok()) return g.status().WithContext(name);
    return g;
  } catch (const std::exception& e) {  // protobuf/onnx internals: never let one escape
    return Status::InvalidArgument(name + ": ONNX import failed: " + e.what());
  }
}

}  // namespace acesniper
