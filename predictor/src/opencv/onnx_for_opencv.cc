#include "acesniper/opencv/onnx_for_opencv.h"

#include <cstring>
#include <map>
#include <optional>
#include <set>

#include <onnx/onnx_pb.h>

namespace acesniper {

namespace {

// The value of a one-element float tensor.
std::optional<float> ScalarFloat(const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
  for (int64_t d : t.dims())
    if (d != 1) return std::nullopt;
  if (t.float_data_size() == 1) return t.float_data(0);
  if (t.raw_data().size() == sizeof(float)) {
    float v;
    std::memcpy(&v, t.raw_data().data(), sizeof v);  // ONNX raw data is little-endian, as is every host we build for
    return v;
  }
  return std::nullopt;
}

// Clip(x, min, max) with constant bounds -> Clip(x) with min and max attributes (OpenCV 4.6 reads
// only the opset-6 form). Returns how many nodes changed.
int ClipBoundsToAttributes(onnx::GraphProto* graph, const std::map<std::string, int>& initializer) {
  std::map<std::string, const onnx::TensorProto*> constant;
  for (const onnx::NodeProto& n : graph->node())
    if (n.op_type() == "Constant" && n.output_size() == 1 && n.attribute_size() == 1 && n.attribute(0).name() == "value")
      constant[n.output(0)] = &n.attribute(0).t();
  for (const auto& [name, index] : initializer) constant.emplace(name, &graph->initializer(index));
  int changed = 0;
  for (onnx::NodeProto& n : *graph->mutable_node()) {
    if (n.op_type() != "Clip" || n.input_size() < 2) continue;
    std::optional<float> bound[2];
    bool constant_bounds = true;
    for (int i = 1; i < n.input_size() && i <= 2; ++i) {
      if (n.input(i).empty()) continue;  // an omitted bound
      auto c = constant.find(n.input(i));
      if (c != constant.end()) bound[i - 1] = ScalarFloat(*c->second);
      constant_bounds = constant_bounds && bound[i - 1].has_value();
    }
    if (!constant_bounds) continue;
    n.mutable_input()->DeleteSubrange(1, n.input_size() - 1);
    const char* names[2] = {"min", "max"};
    for (int i = 0; i < 2; ++i) {
      if (!bound[i]) continue;
      onnx::AttributeProto* a = n.add_attribute();
      a->set_name(names[i]);
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(*bound[i]);
    }
    ++changed;
  }
  return changed;
}

}  // namespace

Result<OpenCvOnnx> OnnxForOpenCv(const std::string& bytes, const std::string& name) {
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    return Status::InvalidArgument("'" + name + "' is not a valid ONNX model (protobuf parse failed)");
  onnx::GraphProto* graph = model.mutable_graph();
  std::map<std::string, int> initializer;  // name -> index
  for (int i = 0; i < graph->initializer_size(); ++i) initializer[graph->initializer(i).name()] = i;
  // Identities of initializers, possibly chained (an Identity of an Identity's output).
  std::set<int> dropped;
  bool changed = true;
  while (changed) {
    changed = false;
    for (int i = 0; i < graph->node_size(); ++i) {
      const onnx::NodeProto& n = graph->node(i);
      if (dropped.count(i) || n.op_type() != "Identity" || n.input_size() != 1 || n.output_size() != 1) continue;
      auto source = initializer.find(n.input(0));
      if (source == initializer.end() || initializer.count(n.output(0))) continue;
      onnx::TensorProto* copy = graph->add_initializer();
      *copy = graph->initializer(source->second);
      copy->set_name(n.output(0));
      initializer[n.output(0)] = graph->initializer_size() - 1;
      dropped.insert(i);
      changed = true;
    }
  }
  OpenCvOnnx out;
  out.inlined = static_cast<int>(dropped.size());
  out.clips = ClipBoundsToAttributes(graph, initializer);
  std::set<std::string> constant;
  for (const onnx::NodeProto& n : graph->node())
    if (n.op_type() == "Constant")
      for (const std::string& o : n.output()) constant.insert(o);
  auto computed = [&](const std::string& v) { return !v.empty() && !initializer.count(v) && !constant.count(v); };
  std::map<std::string, OpenCvOnnx::Producer> producer;
  for (int i = 0; i < graph->node_size(); ++i) {
    const onnx::NodeProto& n = graph->node(i);
    if (dropped.count(i) || n.output_size() == 0) continue;
    const std::string layer = n.name().empty() ? n.output(0) : n.name();
    for (int k = 0; k < n.output_size(); ++k) producer[n.output(k)] = {layer, k, n.op_type()};
  }
  for (int i = 0; i < graph->node_size(); ++i) {
    const onnx::NodeProto& n = graph->node(i);
    const std::string& op = n.op_type();
    if ((op == "Mul" || op == "Add" || op == "Sub" || op == "Div") && n.input_size() == 2 && n.output_size() >= 1 &&
        computed(n.input(0)) && computed(n.input(1)))
      out.binary.push_back({op, n.output(0), producer[n.output(0)], producer[n.input(0)], producer[n.input(1)], n.input(0),
                            n.input(1)});
  }
  for (const onnx::ValueInfoProto& v : graph->input())
    if (!initializer.count(v.name())) out.graph_inputs.push_back(v.name());
  if (dropped.empty() && out.clips == 0) {
    out.model = bytes;
    return out;
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < graph->node_size(); ++i)
    if (!dropped.count(i)) *kept.Add() = graph->node(i);
  graph->mutable_node()->Swap(&kept);
  if (!model.SerializeToString(&out.model))
    return Status::Internal("'" + name + "': the rewritten ONNX model could not be serialised (over 2 GB?)");
  return out;
}

Result<std::string> DecomposeHardSigmoids(const std::string& bytes, const std::set<std::string>& outputs,
                                          const std::string& name) {
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    return Status::InvalidArgument("'" + name + "' is not a valid ONNX model (protobuf parse failed)");
  onnx::GraphProto* graph = model.mutable_graph();
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  size_t done = 0;
  for (const onnx::NodeProto& n : graph->node()) {
    if (n.output_size() == 0 || !outputs.count(n.output(0))) {
      *nodes.Add() = n;
      continue;
    }
    if (n.op_type() != "HardSigmoid" || n.input_size() != 1)
      return Status::InvalidArgument("'" + name + "': node '" + n.output(0) + "' (" + n.op_type() + ") is not a HardSigmoid");
    float alpha = 0.2f, beta = 0.5f;  // the ONNX defaults
    for (const onnx::AttributeProto& a : n.attribute()) {
      if (a.name() == "alpha") alpha = a.f();
      if (a.name() == "beta") beta = a.f();
    }
    const std::string& out = n.output(0);
    for (const auto& [suffix, v] : {std::pair<std::string, float>{".alpha", alpha}, {".beta", beta}}) {
      onnx::TensorProto* t = graph->add_initializer();
      t->set_name(out + suffix);
      t->set_data_type(onnx::TensorProto::FLOAT);
      t->add_float_data(v);
    }
    auto add = [&](const std::string& op, std::vector<std::string> in, const std::string& o) {
      onnx::NodeProto* m = nodes.Add();
      m->set_op_type(op);
      m->set_name(o);
      for (const std::string& i : in) m->add_input(i);
      m->add_output(o);
      return m;
    };
    add("Mul", {n.input(0), out + ".alpha"}, out + ".scaled");
    add("Add", {out + ".scaled", out + ".beta"}, out + ".shifted");
    onnx::NodeProto* clip = add("Clip", {out + ".shifted"}, out);  // the opset-6 form OpenCV reads
    for (const auto& [attr, v] : {std::pair<const char*, float>{"min", 0.0f}, {"max", 1.0f}}) {
      onnx::AttributeProto* a = clip->add_attribute();
      a->set_name(attr);
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(v);
    }
    ++done;
  }
  if (done != outputs.size())
    return Status::InvalidArgument("'" + name + "': " + std::to_string(outputs.size() - done) +
                                   " of the HardSigmoid nodes to rewrite are not in the model");
  graph->mutable_node()->Swap(&nodes);
  std::string out;
  if (!model.SerializeToString(&out))
    return Status::Internal("'" + name + "': the rewritten ONNX model could not be serialised (over 2 GB?)");
  return out;
}

}  // namespace acesniper
