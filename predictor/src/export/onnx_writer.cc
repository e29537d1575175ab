#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

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
  m.set_ir_version(7);  // IR 7 goes with opset 13
  m.set_producer_name("acesniper");
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
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
          default: return Status::Unsupported(std::string("ONNX writer: activation ") + ActKindName(n.act));
        }
        break;
      case OpKind::kLinear:
        if (g.node(n.inputs[0]).out.size() != 2) return Status::Unsupported("ONNX writer: linear on a non-2-D input");
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
      case OpKind::kFlatten:
        if (n.axis != 1) return Status::Unsupported("ONNX writer: flatten from an axis other than 1");
        p->set_op_type("Flatten");
        AddInt(p, "axis", 1);
        break;
      default:
        return Status::Unsupported(std::string("ONNX writer: op ") + OpKindName(n.op));
    }
  }
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
