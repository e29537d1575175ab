// LibTorch first: it brings glog, whose CHECK would otherwise replace Catch's (a failing glog
// CHECK aborts the whole test binary instead of failing one test case).
#include <torch/script.h>
#undef CHECK
#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include "acesniper/analyze/features.h"
#include "acesniper/export/writers.h"
#include "acesniper/generate/generator.h"
#include "acesniper/graph/graph_hash.h"
#include "acesniper/torch/torchscript.h"
#include "feature_diff.h"
#include "temp_dir.h"

using namespace acesniper;

namespace {

// Graph, TorchScript and ONNX forms of a generated network: same features, same structure hash,
// and the TorchScript form runs to the graph's output shape.
void CheckFormsAgree(const GeneratedNetwork& net, const testing::TempDir& dir) {
  const Graph& g = net.graph;
  const std::string pt = dir.File(net.name + ".pt"), onnx = dir.File(net.name + ".onnx");
  REQUIRE(WriteTorchScript(g, net.seed, pt).ok());
  REQUIRE(WriteOnnx(g, net.seed, onnx).ok());
  Features want = AnalyzeGraph(g);
  auto from_ts = ImportTorchScript(pt, {});
  auto from_onnx = ImportOnnx(onnx, {});
  INFO(net.name << " " << (from_ts.ok() ? "" : from_ts.status().ToString())
                << (from_onnx.ok() ? "" : from_onnx.status().ToString()));
  REQUIRE(from_ts.ok());
  REQUIRE(from_onnx.ok());
  CHECK(testing::FeatureDiff(want, AnalyzeGraph(from_ts.value())) == "");
  CHECK(testing::FeatureDiff(want, AnalyzeGraph(from_onnx.value())) == "");
  // The network's identity in the measurement store does not depend on its file format.
  CHECK(GraphStructureHash(*from_ts) == GraphStructureHash(g));
  CHECK(GraphStructureHash(*from_onnx) == GraphStructureHash(g));
  auto shape = RunTorchScriptOnce(pt, g.input_shape());
  REQUIRE(shape.ok());
  CHECK(shape.value() == g.node(g.output()).out);
  std::remove(pt.c_str());
  std::remove(onnx.c_str());
}

}  // namespace

TEST_CASE("100 generated networks: graph, TorchScript and ONNX give the same features, and they run", "[torchscript]") {
  testing::TempDir dir;
  GeneratorOptions o;
  o.seed = 2026;
  for (uint64_t i = 0; i < 100; ++i) {
    auto net = GenerateNetwork(o, i);
    REQUIRE(net.ok());
    CheckFormsAgree(*net, dir);
  }
}

TEST_CASE("60 networks of the extended space: the three forms agree too, and they run", "[torchscript]") {
  testing::TempDir dir;
  GeneratorOptions o;
  o.seed = 2026;
  o.extended = true;
  for (uint64_t i = 0; i < 60; ++i) {
    auto net = GenerateNetwork(o, i);
    REQUIRE(net.ok());
    CheckFormsAgree(*net, dir);
  }
}

TEST_CASE("the TorchScript archive records its input shape and the flag overrides it", "[torchscript]") {
  testing::TempDir dir;
  GeneratorOptions o;
  auto net = GenerateNetwork(o, 1);
  REQUIRE(net.ok());
  REQUIRE(WriteTorchScript(net->graph, 1, dir.File("n.pt")).ok());
  auto g = ImportTorchScript(dir.File("n.pt"), {});
  REQUIRE(g.ok());
  CHECK(g->input_shape() == net->graph.input_shape());
  ImportOptions wrong;
  wrong.input_shape = Shape{1, net->graph.input_shape()[1] + 1, 64, 64};
  auto bad = ImportTorchScript(dir.File("n.pt"), wrong);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("does not run on input"));
}

TEST_CASE("bad TorchScript input gives a clear error, never a crash", "[torchscript][bad-input]") {
  testing::TempDir dir;
  SECTION("random bytes") {
    std::mt19937 rng(3);
    std::string junk(4096, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    std::ofstream(dir.File("junk.pt"), std::ios::binary) << junk;
    auto r = ImportTorchScript(dir.File("junk.pt"), {});
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("not a readable TorchScript archive"));
  }
  SECTION("truncated archive") {
    GeneratorOptions o;
    auto net = GenerateNetwork(o, 2);
    REQUIRE(net.ok());
    REQUIRE(WriteTorchScript(net->graph, 1, dir.File("whole.pt")).ok());
    std::ifstream f(dir.File("whole.pt"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::ofstream(dir.File("cut.pt"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    CHECK_FALSE(ImportTorchScript(dir.File("cut.pt"), {}).ok());
  }
  SECTION("a module with no layers") {
    torch::jit::Module m("__torch__.Empty");
    m.define("def forward(self, x):\n    return x\n");
    m.save(dir.File("empty.pt"));
    auto r = ImportTorchScript(dir.File("empty.pt"), {});
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("no layers"));
  }
  SECTION("a module with two inputs") {
    torch::jit::Module m("__torch__.Two");
    m.define("def forward(self, x, y):\n    return x + y\n");
    m.save(dir.File("two.pt"));
    auto r = ImportTorchScript(dir.File("two.pt"), {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kUnsupported);
  }
  SECTION("an unsupported format") {
    std::ofstream(dir.File("model.txt")) << "conv 3x3\n";
    auto r = ImportModelFile(dir.File("model.txt"), {});
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains("unsupported model format"));
  }
}
