#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>

#include <fstream>
#include <random>
#include <tuple>

#include "acesniper/analyze/features.h"
#include "acesniper/analyze/importers.h"
#include "acesniper/export/writers.h"
#include "acesniper/generate/generator.h"
#include "feature_diff.h"
#include "temp_dir.h"

using namespace acesniper;

namespace {

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void AddConv(onnx::GraphProto* g, const std::string& in, const std::string& out, int64_t cout, int64_t cin) {
  auto* w = g->add_initializer();
  w->set_name(out + ".w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {cout, cin, int64_t{1}, int64_t{1}}) w->add_dims(d);
  for (int64_t i = 0; i < cout * cin; ++i) w->add_float_data(0.5f);
  auto* n = g->add_node();
  n->set_op_type("Conv");
  n->set_name(out);
  n->add_input(in);
  n->add_input(out + ".w");
  n->add_output(out);
}

onnx::ModelProto TinyModel() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {1, 3, 8, 8}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  return m;
}

void Save(const onnx::ModelProto& m, const std::string& path) {
  std::ofstream f(path, std::ios::binary);
  REQUIRE(m.SerializeToOstream(&f));
}

}  // namespace

TEST_CASE("generated networks written as ONNX pass the checker and import to the same features", "[onnx]") {
  testing::TempDir dir;
  GeneratorOptions o;
  o.seed = 5;
  for (uint64_t i = 0; i < 20; ++i) {
    auto net = GenerateNetwork(o, i);
    REQUIRE(net.ok());
    std::string path = dir.File(net->name + ".onnx");
    REQUIRE(WriteOnnx(net->graph, o.seed, path).ok());
    REQUIRE(CheckOnnxFile(path).ok());
    auto back = ImportOnnx(path, {});
    INFO(net->name << ": " << (back.ok() ? "" : back.status().ToString()));
    REQUIRE(back.ok());
    CHECK(back->input_shape() == net->graph.input_shape());
    CHECK(testing::FeatureDiff(AnalyzeGraph(net->graph), AnalyzeGraph(back.value())) == "");
  }
}

TEST_CASE("the input shape flag overrides the file's and re-infers every shape", "[onnx]") {
  testing::TempDir dir;
  onnx::ModelProto m = TinyModel();
  AddConv(m.mutable_graph(), "x", "y", 4, 3);
  auto* out = m.mutable_graph()->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  Save(m, dir.File("tiny.onnx"));
  auto own = ImportOnnx(dir.File("tiny.onnx"), {});
  REQUIRE(own.ok());
  CHECK(own->node(own->output()).out == Shape{1, 4, 8, 8});
  ImportOptions big;
  big.input_shape = Shape{2, 3, 32, 32};
  auto other = ImportOnnx(dir.File("tiny.onnx"), big);
  REQUIRE(other.ok());
  CHECK(other->node(other->output()).out == Shape{2, 4, 32, 32});
}

TEST_CASE("parameters the exporter stored once behind Identity nodes still count once each", "[onnx]") {
  // PyTorch's exporter keeps one copy of equal-valued parameters (ConvNeXt's layer scales, all
  // 1e-6 at init) and makes the others Identity nodes of it.
  testing::TempDir dir;
  onnx::ModelProto m = TinyModel();
  auto* g = m.mutable_graph();
  auto* scale = g->add_initializer();
  scale->set_name("block0.layer_scale");
  scale->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {3, 1, 1}) scale->add_dims(d);
  for (int i = 0; i < 3; ++i) scale->add_float_data(1e-6f);
  auto* id = g->add_node();
  id->set_op_type("Identity");
  id->add_input("block0.layer_scale");
  id->add_output("block1.layer_scale");
  for (auto [in, s, out] : {std::tuple{"x", "block0.layer_scale", "a"}, std::tuple{"a", "block1.layer_scale", "y"}}) {
    auto* mul = g->add_node();
    mul->set_op_type("Mul");
    mul->set_name(std::string("mul_") + out);
    mul->add_input(s);
    mul->add_input(in);
    mul->add_output(out);
  }
  g->add_output()->set_name("y");
  Save(m, dir.File("scales.onnx"));
  auto r = ImportOnnx(dir.File("scales.onnx"), {});
  REQUIRE(r.ok());
  Features f = AnalyzeGraph(r.value());
  CHECK(f.Get("params_total") == 6);
  CHECK(f.Get("params_other") == 6);
  CHECK(f.Get("count_mul") == 2);
}

TEST_CASE("bad ONNX input gives a clear error, never a crash", "[onnx][bad-input]") {
  testing::TempDir dir;
  SECTION("missing file") {
    auto r = ImportOnnx(dir.File("absent.onnx"), {});
    CHECK(r.status().code() == Status::Code::kIOError);
    CHECK_THAT(r.status().message(), Catch::Contains("cannot open"));
  }
  SECTION("empty file") {
    WriteBytes(dir.File("empty.onnx"), "");
    CHECK_THAT(ImportOnnx(dir.File("empty.onnx"), {}).status().message(), Catch::Contains("is empty"));
  }
  SECTION("random bytes") {
    std::mt19937 rng(1);
    for (int trial = 0; trial < 20; ++trial) {
      std::string junk(4096, '\0');
      for (char& c : junk) c = static_cast<char>(rng());
      WriteBytes(dir.File("junk.onnx"), junk);
      auto r = ImportOnnx(dir.File("junk.onnx"), {});
      CHECK_FALSE(r.ok());
      CHECK_FALSE(r.status().message().empty());
    }
  }
  SECTION("truncated model") {
    GeneratorOptions o;
    auto net = GenerateNetwork(o, 0);
    REQUIRE(net.ok());
    REQUIRE(WriteOnnx(net->graph, 1, dir.File("whole.onnx")).ok());
    std::string bytes = ReadBytes(dir.File("whole.onnx"));
    for (size_t cut : {bytes.size() / 2, bytes.size() - 7, size_t{100}}) {
      WriteBytes(dir.File("cut.onnx"), bytes.substr(0, cut));
      auto r = ImportOnnx(dir.File("cut.onnx"), {});
      CHECK_FALSE(r.ok());
    }
  }
  SECTION("a graph with no nodes") {
    Save(TinyModel(), dir.File("nodes0.onnx"));
    CHECK_THAT(ImportOnnx(dir.File("nodes0.onnx"), {}).status().message(), Catch::Contains("empty graph"));
  }
  SECTION("a graph whose shapes do not fit") {
    onnx::ModelProto m = TinyModel();
    AddConv(m.mutable_graph(), "x", "a", 4, 3);
    AddConv(m.mutable_graph(), "x", "b", 8, 3);
    auto* add = m.mutable_graph()->add_node();
    add->set_op_type("Add");
    add->set_name("sum");
    add->add_input("a");
    add->add_input("b");
    add->add_output("y");
    m.mutable_graph()->add_output()->set_name("y");
    Save(m, dir.File("mismatch.onnx"));
    auto r = ImportOnnx(dir.File("mismatch.onnx"), {});
    REQUIRE_FALSE(r.ok());
    INFO(r.status().ToString());
    CHECK_THAT(r.status().message(), Catch::Contains("sum"));
  }
  SECTION("a zero stride (libonnx's shape inference would divide by it)") {
    onnx::ModelProto m = TinyModel();
    AddConv(m.mutable_graph(), "x", "y", 4, 3);
    auto* a = m.mutable_graph()->mutable_node(0)->add_attribute();
    a->set_name("strides");
    a->set_type(onnx::AttributeProto::INTS);
    a->add_ints(0);
    a->add_ints(1);
    m.mutable_graph()->add_output()->set_name("y");
    Save(m, dir.File("stride0.onnx"));
    auto r = ImportOnnx(dir.File("stride0.onnx"), {});
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("strides 0"));
  }
  SECTION("a malformed input shape") {
    CHECK_FALSE(ParseShape("1,3,224").ok());
    CHECK_FALSE(ParseShape("1,3,-2,2").ok());
    CHECK_FALSE(ParseShape("1,x,2,2").ok());
    CHECK_FALSE(ParseShape("").ok());
    CHECK(ParseShape("1,3,224,224").value() == Shape{1, 3, 224, 224});
  }
}
