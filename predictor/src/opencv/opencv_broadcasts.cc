#include "acesniper/opencv/opencv_broadcasts.h"

#include <algorithm>
#include <map>
#include <set>

#include "cv_net.h"

namespace acesniper {

namespace {

std::string ShapeText(const std::vector<int>& s) {
  if (s.empty()) return "?";
  std::string t = "[";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? "," : "") + std::to_string(s[i]);
  return t + "]";
}

size_t Elements(const std::vector<int>& s) {
  size_t n = 1;
  for (int d : s) n *= static_cast<size_t>(std::max(d, 0));
  return s.empty() ? 0 : n;
}

std::vector<int> MatShape(const cv::Mat& m) { return std::vector<int>(m.size.p, m.size.p + m.dims); }

}  // namespace

std::string BroadcastFault::Describe() const {
  return op + " '" + output + "' gives " + ShapeText(got) + " from " + ShapeText(a) + " and " + ShapeText(b);
}

Result<std::vector<BroadcastFault>> FindBroadcastFaults(const OpenCvOnnx& model, const Shape& input_shape) {
  std::vector<BroadcastFault> faults;
  if (model.binary.empty()) return faults;
  try {
    Result<cv::dnn::Net> read = ReadCpuNet(model.model, "the model");
    if (!read.ok()) return read.status();
    Result<cv::Mat> input = RandomInput(input_shape, 1, "the model");
    if (!input.ok()) return input.status();
    cv::dnn::Net& net = *read;
    const std::vector<int> dims = MatShape(*input);
    // OpenCV's layer names: "onnx_node!" + the node's name (4.6), or the name itself.
    std::set<std::string> layers;
    for (const cv::String& l : net.getLayerNames()) layers.insert(l);
    auto layer_name = [&](const OpenCvOnnx::Producer& p) -> std::string {
      if (p.layer.empty()) return "";
      for (const std::string& c : {"onnx_node!" + p.layer, p.layer})
        if (layers.count(c)) return c;
      return "";
    };
    std::vector<cv::String> wanted;
    std::map<std::string, size_t> slot;
    for (const OpenCvOnnx::BinaryNode& n : model.binary)
      for (const OpenCvOnnx::Producer* p : {&n.self, &n.a, &n.b}) {
        const std::string l = layer_name(*p);
        if (!l.empty() && slot.emplace(l, wanted.size()).second) wanted.push_back(l);
      }
    net.setInput(*input);
    std::vector<std::vector<cv::Mat>> blobs;
    if (!wanted.empty()) net.forward(blobs, wanted);
    auto shape_of = [&](const OpenCvOnnx::Producer& p, const std::string& value) -> std::vector<int> {
      if (p.layer.empty())  // a graph input: the network's one input
        return std::find(model.graph_inputs.begin(), model.graph_inputs.end(), value) != model.graph_inputs.end()
                   ? dims
                   : std::vector<int>{};
      auto s = slot.find(layer_name(p));
      if (s == slot.end() || p.index >= static_cast<int>(blobs[s->second].size())) return {};
      return MatShape(blobs[s->second][static_cast<size_t>(p.index)]);
    };
    for (const OpenCvOnnx::BinaryNode& n : model.binary) {
      BroadcastFault f{n.op, n.output, shape_of(n.self, n.output), shape_of(n.a, n.a_value), shape_of(n.b, n.b_value)};
      if (f.got.empty()) continue;  // fused into another layer: nothing to compare
      if (Elements(f.got) < std::max(Elements(f.a), Elements(f.b))) faults.push_back(f);
    }
  } catch (const std::exception& e) {  // cv::Exception included
    return Status::Unsupported(std::string("OpenCV DNN cannot run it: ") + FirstLine(e.what()));
  }
  return faults;
}

Result<std::string> WithoutBroadcastFaults(const OpenCvOnnx& model, const Shape& input_shape, const std::string& name) {
  Result<std::vector<BroadcastFault>> faults = FindBroadcastFaults(model, input_shape);
  if (!faults.ok()) return faults.status();
  if (faults->empty()) return model.model;
  // A wrong node hides the ones after it (their inputs are wrong too), so every HardSigmoid gate
  // of an elementwise node is written out, not only those of the nodes found wrong.
  std::set<std::string> gates;
  for (const OpenCvOnnx::BinaryNode& n : model.binary) {
    if (n.a.op == "HardSigmoid") gates.insert(n.a_value);
    if (n.b.op == "HardSigmoid") gates.insert(n.b_value);
  }
  for (const BroadcastFault& f : *faults) {
    auto n = std::find_if(model.binary.begin(), model.binary.end(),
                          [&](const OpenCvOnnx::BinaryNode& b) { return b.output == f.output; });
    if (n == model.binary.end() || (n->a.op != "HardSigmoid" && n->b.op != "HardSigmoid"))
      return Status::Unsupported("OpenCV DNN computes a wrong shape in " + name + ": " + f.Describe());
  }
  Result<std::string> bytes = DecomposeHardSigmoids(model.model, gates, name);
  if (!bytes.ok()) return bytes.status();
  Result<OpenCvOnnx> fixed = OnnxForOpenCv(*bytes, name);
  if (!fixed.ok()) return fixed.status();
  Result<std::vector<BroadcastFault>> left = FindBroadcastFaults(*fixed, input_shape);
  if (!left.ok()) return left.status();
  if (!left->empty())
    return Status::Unsupported("OpenCV DNN computes a wrong shape in " + name + ", with its HardSigmoid gates written out too: " +
                               left->front().Describe());
  return fixed->model;
}

}  // namespace acesniper
