// OpenCV DNN 4.6 and PyTorch's ONNX export: an Identity of an initializer and Clip with bound
// inputs are rejected; after OnnxForOpenCv the same network loads and runs through the runner. And
// a squeeze-and-excitation Mul that OpenCV imports wrongly is found and fixed (opencv_broadcasts.h).
#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>

#include <fstream>

#include "acesniper/measure/platform.h"
#include "acesniper/opencv/onnx_for_opencv.h"
#include "acesniper/opencv/opencv_broadcasts.h"
#include "acesniper/opencv/opencv_runner.h"
#include "temp_dir.h"

using namespace acesniper;

namespace {

// A small ONNX model written by hand: one float input and output of `shape`, constant weights,
// and nodes named after their one output.
class TestModel {
 public:
  TestModel(const std::string& name, const std::string& input, const std::string& output, std::vector<int64_t> shape) {
    model_.set_ir_version(8);
    model_.add_opset_import()->set_version(17);
    graph_ = model_.mutable_graph();
    graph_->set_name(name);
    for (auto [v, n] : {std::pair{graph_->add_input(), input}, {graph_->add_output(), output}}) {
      v->set_name(n);
      auto* t = v->mutable_type()->mutable_tensor_type();
      t->set_elem_type(onnx::TensorProto::FLOAT);
      for (int64_t d : shape) t->mutable_shape()->add_dim()->set_dim_value(d);
    }
  }
  void Weight(const std::string& name, std::vector<int64_t> dims, float value) {
    auto* w = graph_->add_initializer();
    w->set_name(name);
    w->set_data_type(onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) {
      w->add_dims(d);
      n *= d;
    }
    for (int64_t i = 0; i < n; ++i) w->add_float_data(value);
  }
  onnx::NodeProto* Node(const std::string& op, std::vector<std::string> inputs, const std::string& out) {
    auto* n = graph_->add_node();
    n->set_op_type(op);
    n->set_name(out);
    for (const auto& i : inputs) n->add_input(i);
    n->add_output(out);
    if (op == "Conv") {  // OpenCV needs the kernel shape spelled out
      auto* k = n->add_attribute();
      k->set_name("kernel_shape");
      k->set_type(onnx::AttributeProto::INTS);
      k->add_ints(1);
      k->add_ints(1);
    }
    return n;
  }
  static void Attribute(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  // A Constant node of one float, stored as raw data or as float_data.
  void Constant(const std::string& out, float v, bool raw) {
    auto* n = graph_->add_node();
    n->set_op_type("Constant");
    n->add_output(out);
    auto* a = n->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    if (raw) a->mutable_t()->set_raw_data(std::string(reinterpret_cast<const char*>(&v), sizeof v));
    else a->mutable_t()->add_float_data(v);
  }
  const onnx::ModelProto& model() const { return model_; }

 private:
  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
};

// x (1x3x8x8) -> Conv(w) -> Conv(w3) -> Clip(0, 6), where w3 = Identity(Identity(w)): what the
// exporter writes for equal-valued weights and ReLU6 (the bounds as Constant nodes: one stored as
// raw data, one as float_data).
onnx::ModelProto ExporterStyleModel() {
  TestModel t("shared", "x", "z", {1, 3, 8, 8});
  t.Weight("w", {3, 3, 1, 1}, 0.25f);
  t.Node("Identity", {"w"}, "w2");
  t.Node("Identity", {"w2"}, "w3");
  t.Node("Conv", {"x", "w"}, "c1");
  t.Node("Conv", {"c1", "w3"}, "y");
  t.Constant("lo", 0.0f, true);
  t.Constant("hi", 6.0f, false);
  t.Node("Clip", {"y", "lo", "hi"}, "z");
  return t.model();
}

}  // namespace

TEST_CASE("ONNX for OpenCV: Identity nodes of initializers and Clip bounds rewritten, and the model runs", "[runner][opencv]") {
  std::string bytes;
  REQUIRE(ExporterStyleModel().SerializeToString(&bytes));
  auto rewritten = OnnxForOpenCv(bytes, "shared.onnx");
  REQUIRE(rewritten.ok());
  CHECK(rewritten->inlined == 2);
  onnx::ModelProto back;
  REQUIRE(back.ParseFromString(rewritten->model));
  CHECK(rewritten->clips == 1);
  REQUIRE(back.graph().node_size() == 5);  // Conv, Conv, Constant, Constant, Clip
  CHECK(back.graph().node(0).op_type() == "Conv");
  const onnx::NodeProto& clip = back.graph().node(4);
  REQUIRE(clip.op_type() == "Clip");
  CHECK(clip.input_size() == 1);
  REQUIRE(clip.attribute_size() == 2);
  CHECK(clip.attribute(0).name() == "min");
  CHECK(clip.attribute(0).f() == 0.0f);
  CHECK(clip.attribute(1).name() == "max");
  CHECK(clip.attribute(1).f() == 6.0f);
  REQUIRE(back.graph().initializer_size() == 3);
  CHECK(back.graph().initializer(2).name() == "w3");
  CHECK(back.graph().initializer(2).float_data(0) == 0.25f);

  // A model without such nodes comes back byte for byte.
  auto same = OnnxForOpenCv(rewritten->model, "plain.onnx");
  REQUIRE(same.ok());
  CHECK(same->inlined == 0);
  CHECK(same->clips == 0);
  CHECK(same->model == rewritten->model);
  CHECK(OnnxForOpenCv("not a model", "bad.onnx").status().message().find("'bad.onnx'") != std::string::npos);

  // The runner reads files through the rewrite: the exporter's form loads and runs.
  testing::TempDir dir;
  std::ofstream(dir.File("shared.onnx"), std::ios::binary) << bytes;
  auto platform = FindPlatform("opencv-1t", "");
  REQUIRE(platform.ok());
  auto runner = MakeOpenCvRunner(*platform);
  NetworkJob job;
  job.name = "shared";
  job.onnx_path = dir.File("shared.onnx");
  job.input_shape = {1, 3, 8, 8};
  auto net = runner->Load(job);
  INFO((net.ok() ? "" : net.status().ToString()));
  REQUIRE(net.ok());
  CHECK((*net)->RunOnce().ok());
}

namespace {

// x (1x4x8x8) -> Relu r -> GlobalAveragePool g -> HardSigmoid(1/6, 1/2) s -> Mul(r, s) m -> Conv y:
// a squeeze-and-excitation block as the extended generator writes it (the big input first).
onnx::ModelProto SqueezeExciteModel() {
  TestModel t("se", "x", "y", {1, 4, 8, 8});
  t.Weight("w", {4, 4, 1, 1}, 0.25f);
  t.Node("Relu", {"x"}, "r");
  t.Node("GlobalAveragePool", {"r"}, "g");
  onnx::NodeProto* gate = t.Node("HardSigmoid", {"g"}, "s");
  TestModel::Attribute(gate, "alpha", 1.0f / 6);
  TestModel::Attribute(gate, "beta", 0.5f);
  t.Node("Mul", {"r", "s"}, "m");
  t.Node("Conv", {"m", "w"}, "y");
  return t.model();
}

}  // namespace

TEST_CASE("OpenCV 4.6 mis-imports Mul(x, HardSigmoid(s)); the runner writes the gate out so it computes the block", "[runner][opencv]") {
  std::string bytes;
  REQUIRE(SqueezeExciteModel().SerializeToString(&bytes));
  auto model = OnnxForOpenCv(bytes, "se.onnx");
  REQUIRE(model.ok());
  REQUIRE(model->binary.size() == 1);  // the Mul; Conv's weight is an initializer, not computed
  CHECK(model->binary[0].op == "Mul");
  CHECK(model->binary[0].a_value == "r");
  CHECK(model->binary[0].b_value == "s");
  CHECK(model->binary[0].a.layer == "r");
  CHECK(model->graph_inputs == std::vector<std::string>{"x"});

  // OpenCV's simplifier fuses the pair into HardSwish(s): [1,4,1,1] instead of [1,4,8,8].
  auto faults = FindBroadcastFaults(*model, {1, 4, 8, 8});
  REQUIRE(faults.ok());
  REQUIRE(faults->size() == 1);
  CHECK(faults->front().Describe() == "Mul 'm' gives [1,4,1,1] from [1,4,8,8] and ?");

  // With the gate written out as Clip(s * alpha + beta, 0, 1), the product imports as it should.
  auto fixed = WithoutBroadcastFaults(*model, {1, 4, 8, 8}, "se");
  REQUIRE(fixed.ok());
  onnx::ModelProto back;
  REQUIRE(back.ParseFromString(*fixed));
  std::vector<std::string> ops;
  for (const auto& n : back.graph().node()) ops.push_back(n.op_type() + ":" + n.output(0));
  CHECK(ops == std::vector<std::string>{"Relu:r", "GlobalAveragePool:g", "Mul:s.scaled", "Add:s.shifted", "Clip:s", "Mul:m",
                                        "Conv:y"});
  CHECK(back.graph().node(5).input(0) == "r");  // the product itself is unchanged
  auto again = OnnxForOpenCv(*fixed, "fixed.onnx");
  REQUIRE(again.ok());
  auto none = FindBroadcastFaults(*again, {1, 4, 8, 8});
  REQUIRE(none.ok());
  CHECK(none->empty());

  // Only HardSigmoid nodes are written out, and only nodes the model has.
  CHECK(DecomposeHardSigmoids(bytes, {"r"}, "se.onnx").status().message().find("'r' (Relu) is not a HardSigmoid") !=
        std::string::npos);
  CHECK(DecomposeHardSigmoids(bytes, {"nope"}, "se.onnx").status().code() == Status::Code::kInvalidArgument);
  CHECK(DecomposeHardSigmoids("not a model", {"s"}, "bad.onnx").status().message().find("'bad.onnx'") != std::string::npos);

  // The runner loads and runs the corrected model.
  testing::TempDir dir;
  std::ofstream(dir.File("se.onnx"), std::ios::binary) << bytes;
  auto platform = FindPlatform("opencv-1t", "");
  REQUIRE(platform.ok());
  NetworkJob job;
  job.name = "se";
  job.onnx_path = dir.File("se.onnx");
  job.input_shape = {1, 4, 8, 8};
  auto net = MakeOpenCvRunner(*platform)->Load(job);
  INFO((net.ok() ? "" : net.status().ToString()));
  REQUIRE(net.ok());
  CHECK((*net)->RunOnce().ok());
}
