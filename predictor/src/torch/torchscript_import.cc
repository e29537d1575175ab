// TorchScript -> canonical Graph. The archive is loaded, its forward graph inlined, and run once
// on zeros with the size and dtype of every tensor value as extra outputs, so each layer's shape
// is the one PyTorch really produces. Operators map to graph ops as listed in docs/features.md.
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/script.h>

#include <fstream>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "../analyze/graph_draft.h"
#include "acesniper/graph/einsum.h"
#include "acesniper/torch/torchscript.h"

namespace acesniper {

namespace {

using torch::jit::Value;

const std::unordered_set<std::string> kShapeOnly = {
    "aten::size", "aten::new_zeros", "aten::new_ones", "aten::new_full", "aten::new_empty", "aten::zeros_like",
    "aten::ones_like", "aten::empty_like", "aten::full_like", "aten::dim", "aten::numel", "prim::shape"};
const std::unordered_set<std::string> kAlias = {
    "aten::dropout", "aten::dropout_", "aten::feature_dropout", "aten::alpha_dropout", "aten::contiguous",
    "aten::clone", "aten::detach", "aten::to", "aten::type_as"};
const std::unordered_set<std::string> kLayout = {
    "aten::view", "aten::reshape", "aten::permute", "aten::transpose", "aten::t", "aten::unsqueeze",
    "aten::squeeze", "aten::select", "aten::slice", "aten::expand", "aten::expand_as", "aten::roll", "aten::pad",
    "aten::constant_pad_nd", "aten::narrow", "aten::unflatten", "aten::flatten", "aten::repeat", "aten::index_select",
    "aten::pixel_shuffle", "aten::view_as", "aten::reshape_as", "aten::movedim"};
const std::map<std::string, ActKind> kActs = {
    {"aten::relu", ActKind::kReLU},           {"aten::relu_", ActKind::kReLU},
    {"aten::relu6", ActKind::kReLU6},         {"aten::sigmoid", ActKind::kSigmoid},
    {"aten::sigmoid_", ActKind::kSigmoid},    {"aten::tanh", ActKind::kTanh},
    {"aten::tanh_", ActKind::kTanh},          {"aten::silu", ActKind::kSiLU},
    {"aten::silu_", ActKind::kSiLU},          {"aten::hardswish", ActKind::kHardSwish},
    {"aten::hardswish_", ActKind::kHardSwish}, {"aten::hardsigmoid", ActKind::kHardSigmoid},
    {"aten::hardsigmoid_", ActKind::kHardSigmoid}, {"aten::gelu", ActKind::kGELU}};

std::optional<c10::IValue> ConstOf(Value* v) { return torch::jit::toIValue(v); }

// A constant int list, whether a prim::Constant or a prim::ListConstruct of constants.
std::vector<int64_t> IntsOf(Value* v, std::vector<int64_t> def = {}) {
  if (v->node()->kind() == c10::prim::ListConstruct) {
    std::vector<int64_t> out;
    for (Value* e : v->node()->inputs()) {
      auto iv = ConstOf(e);
      if (!iv || !iv->isInt()) return def;
      out.push_back(iv->toInt());
    }
    return out;
  }
  auto iv = ConstOf(v);
  if (!iv || !iv->isIntList()) return def;
  return iv->toIntVector();
}
std::optional<int64_t> IntOf(Value* v) {
  auto iv = ConstOf(v);
  if (!iv || !iv->isInt()) return std::nullopt;
  return iv->toInt();
}
std::optional<double> DoubleOf(Value* v) {
  auto iv = ConstOf(v);
  if (!iv) return std::nullopt;
  if (iv->isDouble()) return iv->toDouble();
  if (iv->isInt()) return static_cast<double>(iv->toInt());
  return std::nullopt;
}
bool IsNone(Value* v) { return v->type()->kind() == c10::TypeKind::NoneType || v->mustBeNone(); }

Result<Shape> LoadShapeEntry(const torch::jit::ExtraFilesMap& extra) {
  auto it = extra.find(kTorchScriptShapeEntry);
  if (it == extra.end() || it->second.empty()) return Status::NotFound("no shape entry");
  return ParseShape(it->second);
}

class TorchScriptImporter {
 public:
  TorchScriptImporter(torch::jit::Module& m, Shape shape) : module_(m), shape_(std::move(shape)) {}
  Result<Graph> Run();

 private:
  Status Record();                              // runs the graph once; fills shapes_, floats_
  Status MapNode(torch::jit::Node* n);
  Result<Shape> ShapeOf(Value* v) const;
  bool IsFloat(Value* v) const;

  torch::jit::Module& module_;
  Shape shape_;
  std::shared_ptr<torch::jit::Graph> graph_;
  std::unordered_map<Value*, Shape> shapes_;                // every tensor value's shape in the probe run
  std::unordered_set<Value*> floats_;                       // ... and which of them are floating point
  std::unordered_map<Value*, c10::IValue> objects_;         // module objects along GetAttr chains
  std::unordered_map<Value*, std::set<std::string>> leaves_;  // constant value -> parameters behind it
  std::unordered_map<std::string, int64_t> param_size_;
  std::set<std::string> counted_;
  std::unordered_map<Value*, int> act_;                     // activation -> draft index
  std::unordered_map<Value*, std::vector<int>> act_list_;   // list of tensors holding activations
  std::unordered_map<Value*, std::pair<int, std::string>> split_;  // list produced by split-like ops
  GraphDraft draft_;
};

Status TorchScriptImporter::Record() {
  // A copy of the graph that returns, for every tensor value, its sizes and dtype (aten::size and
  // prim::dtype inserted right after the value is made). Tensors are freed as usual while it runs,
  // so memory stays that of one forward pass, even for vit_h_14's attention maps.
  auto probe = graph_->copy();
  std::vector<Value*> tensors, original;
  for (auto* node : probe->nodes())
    for (auto* o : node->outputs())
      if (o->type()->kind() == c10::TypeKind::TensorType) tensors.push_back(o);
  for (auto* node : graph_->nodes())
    for (auto* o : node->outputs())
      if (o->type()->kind() == c10::TypeKind::TensorType) original.push_back(o);
  if (original.size() != tensors.size()) return Status::Internal("TorchScript probe graph differs from the original");
  std::vector<Value*> facts;
  for (Value* v : tensors) {
    torch::jit::WithInsertPoint guard(v->node()->next());
    facts.push_back(probe->insert(c10::aten::size, {v}));
    facts.push_back(probe->insert(c10::prim::dtype, {v}));
  }
  auto* tuple = probe->insertNode(probe->createTuple(facts));
  probe->eraseOutput(0);
  probe->registerOutput(tuple->output());
  torch::jit::GraphFunction fn("acesniper_probe", probe, nullptr);
  torch::NoGradGuard no_grad;
  torch::jit::Stack stack{module_._ivalue(), torch::zeros(shape_)};
  fn.run(stack);
  auto elems = stack.back().toTupleRef().elements();
  if (elems.size() != 2 * original.size()) return Status::Internal("TorchScript probe returned a different number of values");
  for (size_t i = 0; i < original.size(); ++i) {
    const auto& sizes = elems[2 * i];
    const auto& dtype = elems[2 * i + 1];
    if (!sizes.isIntList() || !dtype.isInt()) continue;
    shapes_[original[i]] = sizes.toIntVector();
    if (c10::isFloatingType(static_cast<c10::ScalarType>(dtype.toInt()))) floats_.insert(original[i]);
  }
  shapes_[graph_->inputs()[1]] = shape_;
  floats_.insert(graph_->inputs()[1]);
  return Status::Ok();
}

Result<Shape> TorchScriptImporter::ShapeOf(Value* v) const {
  auto it = shapes_.find(v);
  if (it == shapes_.end()) return Status::Internal("no recorded shape for TorchScript value %" + v->debugName());
  return it->second;
}

bool TorchScriptImporter::IsFloat(Value* v) const {
  return floats_.count(v) > 0;
}

Status TorchScriptImporter::MapNode(torch::jit::Node* n) {
  const std::string op = n->kind().toQualString();
  if (op == "prim::GetAttr") {
    auto it = objects_.find(n->input(0));
    if (it == objects_.end() || !it->second.isObject()) return Status::Ok();
    auto obj = it->second.toObject();
    const std::string name = n->s(c10::Symbol::attr("name"));
    auto slot = obj->type()->findAttributeSlot(name);
    if (!slot) return Status::Ok();
    c10::IValue val = obj->getSlot(*slot);
    objects_[n->output()] = val;
    if (val.isTensor() && obj->type()->is_parameter(*slot) && val.toTensor().is_floating_point()) {
      std::string key = n->output()->debugName() + "@" + std::to_string(reinterpret_cast<uintptr_t>(val.toTensor().data_ptr()));
      leaves_[n->output()] = {key};
      param_size_[key] = val.toTensor().numel();
    }
    return Status::Ok();
  }
  // Which inputs are activations?
  std::vector<int> inputs;
  std::set<std::string> leaves;
  bool any_act = false;
  for (size_t i = 0; i < n->inputs().size(); ++i) {
    Value* in = n->input(i);
    if (act_.count(in)) { inputs.push_back(act_[in]); any_act = true; continue; }
    if (act_list_.count(in)) {
      for (int a : act_list_[in]) inputs.push_back(a);
      any_act = true;
    }
    if (split_.count(in)) any_act = true;
    if (leaves_.count(in)) leaves.insert(leaves_[in].begin(), leaves_[in].end());
  }
  if (!any_act || kShapeOnly.count(op)) {
    for (auto* o : n->outputs()) leaves_[o] = leaves;
    return Status::Ok();
  }
  if (op == "prim::ListConstruct") {
    act_list_[n->output()] = inputs;
    leaves_[n->output()] = leaves;
    return Status::Ok();
  }
  if (op == "prim::ListUnpack" || op == "prim::TupleUnpack") {
    auto sp = split_.find(n->input(0));
    if (sp == split_.end()) return Status::Unsupported("TorchScript: unpacking a list not produced by a split");
    for (auto* o : n->outputs()) {
      Node part;
      part.op = OpKind::kLayout;
      part.source_op = sp->second.second;
      part.name = o->debugName();
      part.inputs = {sp->second.first};
      auto s = ShapeOf(o);
      if (!s.ok()) return s.status();
      part.out = s.value();
      act_[o] = draft_.Add(part);
    }
    return Status::Ok();
  }
  if (op == "prim::TupleConstruct") return Status::Ok();  // only outputs are tuples; handled in Run
  if (n->outputs().empty()) return Status::Ok();
  Value* out = n->output(0);
  if (out->type()->kind() == c10::TypeKind::ListType) {  // split, chunk, unbind
    if (inputs.empty()) return Status::Ok();
    split_[out] = {inputs[0], op};
    return Status::Ok();
  }
  if (out->type()->kind() != c10::TypeKind::TensorType || !IsFloat(out)) return Status::Ok();
  if (kAlias.count(op) && !inputs.empty()) {
    act_[out] = inputs[0];
    return Status::Ok();
  }

  Node node;
  node.name = out->debugName();
  node.source_op = op;
  node.inputs = inputs;
  auto shape = ShapeOf(out);
  if (!shape.ok()) return shape.status();
  node.out = shape.value();
  Value* x = n->inputs().size() > 0 ? n->input(0) : nullptr;
  bool x_act = x && act_.count(x);

  if ((op == "aten::_convolution" || op == "aten::conv2d" || op == "aten::convolution") && x_act &&
      !act_.count(n->input(1)) && shapes_.count(n->input(1)) && shapes_[n->input(1)].size() == 4) {
    bool transposed = op != "aten::conv2d" && ConstOf(n->input(6)) && ConstOf(n->input(6))->toBool();
    auto stride = IntsOf(n->input(3)), pad = IntsOf(n->input(4)), dil = IntsOf(n->input(5));
    auto groups = IntOf(n->input(op == "aten::conv2d" ? 6 : 8));
    if (!transposed && stride.size() == 2 && pad.size() == 2 && dil.size() == 2 && groups) {
      const Shape& w = shapes_[n->input(1)];
      node.op = OpKind::kConv;
      node.inputs = {act_[x]};
      node.conv.out_channels = w[0];
      node.conv.kernel_h = w[2]; node.conv.kernel_w = w[3];
      node.conv.stride_h = stride[0]; node.conv.stride_w = stride[1];
      node.conv.pad_h = pad[0]; node.conv.pad_w = pad[1];
      node.conv.dilation_h = dil[0]; node.conv.dilation_w = dil[1];
      node.conv.groups = *groups;
      node.conv.bias = !IsNone(n->input(2));
    }
  } else if (op == "aten::linear" && x_act && !act_.count(n->input(1))) {
    node.op = OpKind::kLinear;
    node.inputs = {act_[x]};
    node.out_features = node.out.back();
    node.bias = !IsNone(n->input(2));
  } else if (op == "aten::matmul" || op == "aten::bmm") {
    if (inputs.size() == 2) {
      node.op = OpKind::kMatMul;
    } else if (x_act && shapes_.count(n->input(1)) && shapes_[n->input(1)].size() == 2) {
      node.op = OpKind::kLinear;
      node.out_features = node.out.back();
      node.bias = false;
    }
  } else if (op == "aten::einsum" && inputs.size() == 2 && n->input(1)->node()->kind() == c10::prim::ListConstruct) {
    auto eq = ConstOf(n->input(0));
    auto* list = n->input(1)->node();
    if (eq && eq->isString() && list->inputs().size() == 2 && shapes_.count(list->input(0)) && shapes_.count(list->input(1))) {
      auto e = AnalyzeEinsum(eq->toStringRef(), {shapes_[list->input(0)], shapes_[list->input(1)]});
      if (e && e->out == node.out) {
        node.op = OpKind::kMatMul;
        node.contraction = e->contraction;
      }
    }
  } else if (op == "aten::batch_norm" && x_act) {
    node.op = OpKind::kBatchNorm;
    node.inputs = {act_[x]};
    node.bias = !IsNone(n->input(1));
    node.eps = DoubleOf(n->input(7)).value_or(1e-5);
  } else if (op == "aten::layer_norm" && x_act && IntsOf(n->input(1)).size() == 1) {
    node.op = OpKind::kLayerNorm;
    node.inputs = {act_[x]};
    node.bias = !IsNone(n->input(2));
    node.eps = DoubleOf(n->input(4)).value_or(1e-5);
  } else if (kActs.count(op) && x_act) {
    node.op = OpKind::kActivation;
    node.act = kActs.at(op);
    node.inputs = {act_[x]};
  } else if ((op == "aten::hardtanh" || op == "aten::hardtanh_") && x_act && DoubleOf(n->input(1)) == 0.0 &&
             DoubleOf(n->input(2)) == 6.0) {
    node.op = OpKind::kActivation;
    node.act = ActKind::kReLU6;
    node.inputs = {act_[x]};
  } else if ((op == "aten::max_pool2d" || op == "aten::avg_pool2d") && x_act) {
    auto k = IntsOf(n->input(1)), s = IntsOf(n->input(2)), p = IntsOf(n->input(3), {0, 0});
    if (s.empty()) s = k;
    bool max = op == "aten::max_pool2d";
    auto dil = max ? IntsOf(n->input(4), {1, 1}) : std::vector<int64_t>{1, 1};
    if (p.size() == 1) p = {p[0], p[0]};
    if (k.size() == 1) k = {k[0], k[0]};
    if (s.size() == 1) s = {s[0], s[0]};
    if (k.size() == 2 && s.size() == 2 && p.size() == 2 && dil == std::vector<int64_t>{1, 1}) {
      node.op = OpKind::kPool;
      node.inputs = {act_[x]};
      node.pool.type = max ? PoolType::kMax : PoolType::kAvg;
      node.pool.kernel_h = k[0]; node.pool.kernel_w = k[1];
      node.pool.stride_h = s[0]; node.pool.stride_w = s[1];
      node.pool.pad_h = p[0]; node.pool.pad_w = p[1];
      auto ceil = ConstOf(n->input(max ? 5 : 4));
      node.pool.ceil_mode = ceil && ceil->isBool() && ceil->toBool();
      if (!max) {
        auto cip = ConstOf(n->input(5));
        node.pool.count_include_pad = !cip || !cip->isBool() || cip->toBool();
      }
    }
  } else if ((op == "aten::adaptive_avg_pool2d" || op == "aten::adaptive_max_pool2d") && x_act) {
    auto o = IntsOf(n->input(1));
    node.inputs = {act_[x]};
    node.pool.type = op == "aten::adaptive_avg_pool2d" ? PoolType::kAvg : PoolType::kMax;
    if (o == std::vector<int64_t>{1, 1} || o == std::vector<int64_t>{1}) {
      node.op = OpKind::kGlobalPool;
    } else if (node.out.size() == 4) {
      node.op = OpKind::kAdaptivePool;
      node.pool.out_h = node.out[2];
      node.pool.out_w = node.out[3];
    }
  } else if (op == "aten::add" || op == "aten::add_") {
    node.op = OpKind::kAdd;
  } else if (op == "aten::mul" || op == "aten::mul_") {
    node.op = OpKind::kMul;
  } else if (op == "aten::cat" || op == "aten::concat") {
    node.op = OpKind::kConcat;
    node.axis = IntOf(n->input(1)).value_or(0);
  } else if (op == "aten::softmax") {
    node.op = OpKind::kSoftmax;
    node.axis = IntOf(n->input(1)).value_or(-1);
  } else if (op == "aten::flatten" && IntOf(n->input(1)) == 1 && IntOf(n->input(2)) == -1) {
    node.op = OpKind::kFlatten;
    node.axis = 1;
  } else if (kLayout.count(op)) {
    node.op = OpKind::kLayout;
  }
  if (node.op == OpKind::kOther && node.inputs.empty()) return Status::Ok();
  int64_t attributed = 0;
  for (const auto& leaf : leaves) {
    if (counted_.insert(leaf).second) attributed += param_size_[leaf];
  }
  int idx = draft_.Add(node);
  draft_.at(idx).attributed = attributed;
  act_[out] = idx;
  return Status::Ok();
}

Result<Graph> TorchScriptImporter::Run() {
  if (!module_.find_method("forward")) return Status::InvalidArgument("TorchScript module has no forward method");
  graph_ = module_.get_method("forward").graph()->copy();
  torch::jit::Inline(*graph_);
  if (graph_->inputs().size() != 2)
    return Status::Unsupported("TorchScript forward takes " + std::to_string(graph_->inputs().size() - 1) +
                               " inputs; one tensor input is supported");
  try {
    ACESNIPER_RETURN_IF_ERROR(Record());
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Status::InvalidArgument("TorchScript model does not run on input " + ShapeToString(shape_) + ": " +
                                   what.substr(0, what.find('\n')));
  }
  objects_[graph_->inputs()[0]] = module_._ivalue();
  Node in;
  in.op = OpKind::kInput;
  in.name = "input";
  in.out = shape_;
  act_[graph_->inputs()[1]] = draft_.Add(in);
  for (auto* n : graph_->nodes()) {
    Status st = MapNode(n);
    if (!st.ok()) return st;
  }
  Value* ret = graph_->outputs()[0];
  if (ret->node()->kind() == c10::prim::TupleConstruct) ret = ret->node()->input(0);
  auto o = act_.find(ret);
  if (o == act_.end()) return Status::InvalidArgument("TorchScript output does not depend on the input");
  if (draft_.size() < 2) return Status::InvalidArgument("TorchScript model has no layers");
  return draft_.Finish(o->second);
}

Result<torch::jit::Module> Load(const std::string& path, torch::jit::ExtraFilesMap& extra) {
  {
    std::ifstream f(path, std::ios::binary);
    if (!f) return Status::IOError("cannot open '" + path + "'");
  }
  try {
    return torch::jit::load(path, torch::kCPU, extra);
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Status::InvalidArgument("'" + path + "' is not a readable TorchScript archive: " + what.substr(0, what.find('\n')));
  }
}

}  // namespace

Result<Graph> ImportTorchScript(const std::string& path, const ImportOptions& opts) {
  torch::jit::ExtraFilesMap extra{{kTorchScriptShapeEntry, ""}};
  auto m = Load(path, extra);
  if (!m.ok()) return m.status();
  Shape shape = kDefaultInputShape;
  if (opts.input_shape) {
    shape = *opts.input_shape;
  } else if (auto s = LoadShapeEntry(extra); s.ok()) {
    shape = s.value();
  }
  try {
    m->eval();
    TorchScriptImporter imp(m.value(), shape);
    auto g = imp.Run();
    if (!g.ok()) return g.status().WithContext(path);
    return g;
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Status::InvalidArgument(path + ": TorchScript import failed: " + what.substr(0, what.find('\n')));
  }
}

Result<Shape> RunTorchScriptOnce(const std::string& path, const Shape& input_shape) {
  torch::jit::ExtraFilesMap extra;
  auto m = Load(path, extra);
  if (!m.ok()) return m.status();
  try {
    m->eval();
    torch::NoGradGuard no_grad;
    auto out = m->forward({torch::zeros(input_shape)});
    if (!out.isTensor()) return Status::Unsupported(path + ": output is not a tensor");
    auto s = out.toTensor().sizes();
    return Shape(s.begin(), s.end());
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Status::InvalidArgument(path + ": run failed: " + what.substr(0, what.find('\n')));
  }
}

}  // namespace acesniper
