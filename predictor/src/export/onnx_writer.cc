#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <fstream>

#include "acesniper/export/writers.h"
#include "acesniper/graph/weights.h"

namespace acesniper {

namespace {

void AddInts(onnx::NodeProto* n, const char* name, std::vector<int64_t> v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
void AddInt(onnx::NodeProto* n, const char* name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void AddFloat(onnx::NodeProto* n, const char* name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
std::string AddTensor(onnx::GraphProto* g, const std::string& name, const Shape& shape, const std::vector<float>& v) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape) t->add_dims(d);
  t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
  return name;
}
// Constants as Constant nodes, as PyTorch's exporter writes them (initializers are parameters).
std::string AddConstant(onnx::GraphProto* g, const std::string& name, const onnx::TensorProto& value) {
  onnx::NodeProto* c = g->add_node();
  c->set_name(name);
  c->set_op_type("Constant");
  c->add_output(name);
  auto* a = c->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  *a->mutable_t() = value;
  return name;
}
std::string AddScalar(onnx::GraphProto* g, const std::string& name, float v) {
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_float_data(v);
  return AddConstant(g, name, t);
}
std::string AddInt64s(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& v) {
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto::INT64);
  t.add_dims(static_cast<int64_t>(v.size()));
  for (int64_t x : v) t.add_int64_data(x);
  return AddConstant(g, name, t);
}
// The output of a layer's first ONNX node, and its name (OpenCV wants node names unique).
void SetOutput(onnx::NodeProto* p, const std::string& output) {
  p->set_output(0, output);
  p->set_name(output);
}
// One more ONNX node after the first of a layer (layers that ONNX spells as several nodes).
onnx::NodeProto* AddStep(onnx::GraphProto* g, const char* op, std::vector<std::string> inputs, const std::string& output) {
  onnx::NodeProto* p = g->add_node();
  p->set_name(output);
  p->set_op_type(op);
  for (const std::string& in : inputs) p->add_input(in);
  p->add_output(output);
  return p;
}
// Graphs with only Table IV's operators keep opset 13 (their files stay as they were); the
// others need 17 for LayerNormalization and HardSwish.
bool NeedsOpset17(const Graph& g) {
  for (const Node& n : g.nodes()) {
    if (n.op == OpKind::kActivation && n.act != ActKind::kReLU && n.act != ActKind::kSigmoid && n.act != ActKind::kTanh)
      return true;
    if (n.op == OpKind::kLayerNorm || n.op == OpKind::kSoftmax || n.op == OpKind::kMatMul || n.op == OpKind::kMul ||
        n.op == OpKind::kLayout)
      return true;
  }
  return false;
}

void SetValueInfo(onnx::ValueInfoProto* vi, const std::string& name, const Shape& s) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : s) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

}  // namespace

Status CheckOnnxFile(const std::string& path) {
  try {
    onnx::checker::check_model(path);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("onnx checker rejects '" + path + "': " + e.what());
  }
  return Status::Ok();
}

Result<std::string> SerializeOnnx(const Graph& g, uint64_t weight_seed) {
  ACESNIPER_RETURN_IF_ERROR(g.Validate());
  onnx::ModelProto m;
  const bool opset17 = NeedsOpset17(g);
  m.set_ir_version(opset17 ? 8 : 7);  // IR 7 goes with opset 13, IR 8 with 17
  m.set_producer_name("acesniper");
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(opset17 ? 17 : kOnnxOpset);
  auto* graph = m.mutable_graph();
  graph->set_name("acesniper");
  auto vname = [&](int i) { return g.node(i).name; };
  for (size_t idx = 0; idx < g.size(); ++idx) {
    const int i = static_cast<int>(idx);
    const Node& n = g.node(i);
    if (n.op == OpKind::kInput) {
      SetValueInfo(graph->add_input(), n.name, n.out);
      continue;
    }
    onnx::NodeProto* p = graph->add_node();
    p->set_name(n.name);
    for (int in : n.inputs) p->add_input(vname(in));
    p->add_output(n.name);
    LayerWeights w = InitLayerWeights(g, i, weight_seed);
    switch (n.op) {
      case OpKind::kConv:
        p->set_op_type("Conv");
        p->add_input(AddTensor(graph, n.name + ".weight", w.weight_shape, w.weight));
        if (n.conv.bias) p->add_input(AddTensor(graph, n.name + ".bias", {n.conv.out_channels}, w.bias));
        AddInts(p, "kernel_shape", {n.conv.kernel_h, n.conv.kernel_w});
        AddInts(p, "strides", {n.conv.stride_h, n.conv.stride_w});
        AddInts(p, "pads", {n.conv.pad_h, n.conv.pad_w, n.conv.pad_h, n.conv.pad_w});
        AddInts(p, "dilations", {n.conv.dilation_h, n.conv.dilation_w});
        AddInt(p, "group", n.conv.groups);
        break;
      case OpKind::kPool:
        p->set_op_type(n.pool.type == PoolType::kMax ? "MaxPool" : "AveragePool");
        AddInts(p, "kernel_shape", {n.pool.kernel_h, n.pool.kernel_w});
        AddInts(p, "strides", {n.pool.stride_h, n.pool.stride_w});
        AddInts(p, "pads", {n.pool.pad_h, n.pool.pad_w, n.pool.pad_h, n.pool.pad_w});
        AddInt(p, "ceil_mode", n.pool.ceil_mode ? 1 : 0);
        if (n.pool.type == PoolType::kAvg) AddInt(p, "count_include_pad", n.pool.count_include_pad ? 1 : 0);
        break;
      case OpKind::kGlobalPool:
        p->set_op_type(n.pool.type == PoolType::kMax ? "GlobalMaxPool" : "GlobalAveragePool");
        break;
      case OpKind::kBatchNorm: {
        const Shape c = {w.weight_shape[0]};
        p->set_op_type("BatchNormalization");
        p->add_input(AddTensor(graph, n.name + ".weight", c, w.weight));
        p->add_input(AddTensor(graph, n.name + ".bias", c, w.bias));
        p->add_input(AddTensor(graph, n.name + ".running_mean", c, w.mean));
        p->add_input(AddTensor(graph, n.name + ".running_var", c, w.var));
        AddFloat(p, "epsilon", static_cast<float>(n.eps));
        break;
      }
      case OpKind::kActivation:
        switch (n.act) {
          case ActKind::kReLU: p->set_op_type("Relu"); break;
          case ActKind::kSigmoid: p->set_op_type("Sigmoid"); break;
          case ActKind::kTanh: p->set_op_type("Tanh"); break;
          case ActKind::kHardSwish: p->set_op_type("HardSwish"); break;
          case ActKind::kHardSigmoid:  // PyTorch's: relu6(x + 3) / 6
            p->set_op_type("HardSigmoid");
            AddFloat(p, "alpha", 1.0f / 6.0f);
            AddFloat(p, "beta", 0.5f);
            break;
          case ActKind::kReLU6:
            p->set_op_type("Clip");
            p->add_input(AddScalar(graph, n.name + ".min", 0.0f));
            p->add_input(AddScalar(graph, n.name + ".max", 6.0f));
            break;
          case ActKind::kSiLU:  // x * sigmoid(x), as PyTorch exports it
            p->set_op_type("Sigmoid");
            SetOutput(p, n.name + "/sigmoid");
            AddStep(graph, "Mul", {vname(n.inputs[0]), n.name + "/sigmoid"}, n.name);
            break;
          case ActKind::kGELU: {  // x * (erf(x / sqrt 2) + 1) * 0.5, as PyTorch exports it before opset 20
            const std::string x = vname(n.inputs[0]);
            p->set_op_type("Div");
            p->add_input(AddScalar(graph, n.name + ".sqrt2", 1.4142135f));
            SetOutput(p, n.name + "/div");
            AddStep(graph, "Erf", {n.name + "/div"}, n.name + "/erf");
            AddStep(graph, "Add", {n.name + "/erf", AddScalar(graph, n.name + ".one", 1.0f)}, n.name + "/add");
            AddStep(graph, "Mul", {x, n.name + "/add"}, n.name + "/mul");
            AddStep(graph, "Mul", {n.name + "/mul", AddScalar(graph, n.name + ".half", 0.5f)}, n.name);
            break;
          }
        }
        break;
      case OpKind::kLinear:
        if (g.node(n.inputs[0]).out.size() != 2) {  // MatMul with the transposed weight, then the bias
          const int64_t out = w.weight_shape[0], in = w.weight_shape[1];
          std::vector<float> wt(w.weight.size());
          for (int64_t o = 0; o < out; ++o)
            for (int64_t i = 0; i < in; ++i) wt[static_cast<size_t>(i * out + o)] = w.weight[static_cast<size_t>(o * in + i)];
          p->set_op_type("MatMul");
          p->add_input(AddTensor(graph, n.name + ".weight", {in, out}, wt));
          if (n.bias) {
            SetOutput(p, n.name + "/matmul");
            AddStep(graph, "Add", {n.name + "/matmul", AddTensor(graph, n.name + ".bias", {out}, w.bias)}, n.name);
          }
          break;
        }
        p->set_op_type("Gemm");
        p->add_input(AddTensor(graph, n.name + ".weight", w.weight_shape, w.weight));
        if (n.bias) p->add_input(AddTensor(graph, n.name + ".bias", {n.out_features}, w.bias));
        AddInt(p, "transB", 1);
        break;
      case OpKind::kAdd:
        if (n.inputs.size() < 2) return Status::Unsupported("ONNX writer: add with a constant");
        p->set_op_type(n.inputs.size() == 2 ? "Add" : "Sum");
        break;
      case OpKind::kConcat:
        if (n.inputs.size() < 2) return Status::Unsupported("ONNX writer: concat with a constant");
        p->set_op_type("Concat");
        AddInt(p, "axis", n.axis);
        break;
      case OpKind::kLayerNorm: {
        const Shape c = {w.weight_shape[0]};
        p->set_op_type("LayerNormalization");
        p->add_input(AddTensor(graph, n.name + ".weight", c, w.weight));
        p->add_input(AddTensor(graph, n.name + ".bias", c, w.bias));
        AddInt(p, "axis", -1);
        AddFloat(p, "epsilon", static_cast<float>(n.eps));
        break;
      }
      case OpKind::kSoftmax:
        p->set_op_type("Softmax");
        AddInt(p, "axis", n.axis);
        break;
      case OpKind::kMatMul:
        if (n.contraction > 0 || n.inputs.size() != 2) return Status::Unsupported("ONNX writer: einsum");
        p->set_op_type("MatMul");
        break;
      case OpKind::kMul:
        if (n.inputs.size() != 2) return Status::Unsupported("ONNX writer: mul with a constant");
        p->set_op_type("Mul");
        break;
      case OpKind::kLayout:  // Reshape and Transpose nodes, one per step
        if (n.layout.empty()) return Status::Unsupported("ONNX writer: a layout node of unknown steps (" + n.source_op + ")");
        for (size_t k = 0; k < n.layout.size(); ++k) {
          const LayoutStep& step = n.layout[k];
          const std::string out = k + 1 == n.layout.size() ? n.name : n.name + "/" + std::to_string(k);
          onnx::NodeProto* q = p;
          if (k == 0) SetOutput(p, out);
          else q = AddStep(graph, "Reshape", {n.name + "/" + std::to_string(k - 1)}, out);
          q->set_op_type(step.permute ? "Transpose" : "Reshape");
          if (step.permute) AddInts(q, "perm", step.dims);
          else q->add_input(AddInt64s(graph, n.name + ".shape" + std::to_string(k), step.dims));
        }
        break;
      case OpKind::kFlatten:
        if (n.axis != 1) return Status::Unsupported("ONNX writer: flatten from an axis other than 1");
        p->set_op_type("Flatten");
        AddInt(p, "axis", 1);
        break;
      default:
        return Status::Unsupported(std::string("ONNX writer: op ") + OpKindName(n.op));
    }
  }
  // Constant nodes first: a node list must be in topological order.
  std::stable_partition(graph->mutable_node()->begin(), graph->mutable_node()->end(),
                        [](const onnx::NodeProto& x) { return x.op_type() == "Constant"; });
  SetValueInfo(graph->add_output(), g.node(g.output()).name, g.node(g.output()).out);
  try {
    onnx::checker::check_model(m);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("ONNX writer produced a model the checker rejects: ") + e.what());
  }
  std::string bytes;
  if (!m.SerializeToString(&bytes)) return Status::Internal("ONNX writer: cannot serialize the model");
  return bytes;
}

Status WriteOnnx(const Graph& g, uint64_t weight_seed, const std::string& path) {
  auto bytes = SerializeOnnx(g, weight_seed);
  if (!bytes.ok()) return bytes.status();
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !f.write(bytes->data(), static_cast<std::streamsize>(bytes->size()))) return Status::IOError("cannot write '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot rename '" + tmp + "' to '" + path + "'");
  return Status::Ok();
}

}  // namespace acesniper
