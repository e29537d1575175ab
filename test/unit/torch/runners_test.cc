// The in-process runners (LibTorch, OpenCV DNN) on small generated networks and on bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "acesniper/export/writers.h"
#include "acesniper/generate/generator.h"
#include "acesniper/measure/timing.h"
#include "acesniper/opencv/opencv_runner.h"
#include "acesniper/torch/torch_runner.h"
#include "temp_dir.h"

using namespace acesniper;

namespace {

NetworkJob SmallNetwork(uint64_t index, bool extended = false) {
  GeneratorOptions o;
  o.seed = 11;
  o.max_flops = 1e8;
  o.extended = extended;
  auto net = GenerateNetwork(o, index);
  REQUIRE(net.ok());
  NetworkJob job;
  job.name = net->name;
  job.graph = net->graph;
  job.weight_seed = o.seed;
  job.input_shape = net->graph.input_shape();
  return job;
}

PlatformConfig Named(const std::string& name) {
  for (const auto& p : BuiltinPlatforms())
    if (p.name == name) return p;
  FAIL("no built-in platform " << name);
  return {};
}

void MeasuresSmallNetworks(Runner& runner) {
  TimingOptions quick;
  quick.min_runs = 3;
  quick.max_runs = 5;
  for (uint64_t i = 0; i < 4; ++i) {
    NetworkJob job = SmallNetwork(i);
    INFO(job.name);
    auto net = runner.Load(job);
    INFO(net.status().ToString());
    REQUIRE(net.ok());
    auto t = MeasureLatency([&] { return (*net)->RunOnce(); }, quick);
    REQUIRE(t.ok());
    CHECK(t->median_ms > 0);
    CHECK(t->min_ms <= t->median_ms);
    CHECK(t->runs >= 3);
  }
}

}  // namespace

TEST_CASE("LibTorch runner: eager, frozen, channels-last and without oneDNN", "[runner][torch]") {
  for (const char* name : {"torch-eager-1t", "torch-frozen-1t", "torch-channels-last-2t", "torch-noonednn-2t"}) {
    INFO(name);
    auto runner = MakeTorchRunner(Named(name));
    CHECK(runner->Describe()["engine"] == "libtorch");
    CHECK_FALSE(runner->Describe()["blas_library"].get<std::string>().empty());
    MeasuresSmallNetworks(*runner);
  }
}

TEST_CASE("LibTorch runner reads a TorchScript file, and batch 16 is slower than batch 1", "[runner][torch]") {
  testing::TempDir dir;
  NetworkJob gen = SmallNetwork(1);
  REQUIRE(WriteTorchScript(*gen.graph, gen.weight_seed, dir.File("n.pt")).ok());
  NetworkJob file;
  file.name = "n";
  file.torchscript_path = dir.File("n.pt");
  file.input_shape = gen.input_shape;
  auto runner = MakeTorchRunner(Named("torch-eager-1t"));
  auto net1 = runner->Load(file);
  REQUIRE(net1.ok());
  file.batch = 16;
  auto net16 = runner->Load(file);  // both loaded at once
  REQUIRE(net16.ok());
  // The fastest run of each, over alternating rounds: a busy shared host slows runs down, never
  // up, so minima compare the work itself (16 inferences against one) and not the load.
  double one_ms = 1e300, sixteen_ms = 1e300;
  for (int round = 0; round < 3; ++round) {
    auto one = MeasureLatency([&] { return (*net1)->RunOnce(); }, TimingOptions{});
    auto sixteen = MeasureLatency([&] { return (*net16)->RunOnce(); }, TimingOptions{});
    REQUIRE(one.ok());
    REQUIRE(sixteen.ok());
    one_ms = std::min(one_ms, one->min_ms);
    sixteen_ms = std::min(sixteen_ms, sixteen->min_ms);
  }
  CHECK(sixteen_ms > 2 * one_ms);
}

TEST_CASE("OpenCV DNN runner on generated networks (ONNX in memory) and files", "[runner][opencv]") {
  auto runner = MakeOpenCvRunner(Named("opencv-1t"));
  CHECK(runner->Describe()["engine"] == "opencv-dnn");
  MeasuresSmallNetworks(*runner);
  testing::TempDir dir;
  NetworkJob gen = SmallNetwork(2);
  REQUIRE(WriteOnnx(*gen.graph, gen.weight_seed, dir.File("n.onnx")).ok());
  NetworkJob file;
  file.name = "n";
  file.onnx_path = dir.File("n.onnx");
  file.input_shape = gen.input_shape;
  auto net = runner->Load(file);
  REQUIRE(net.ok());
  CHECK((*net)->RunOnce().ok());
}

TEST_CASE("extended-space networks: LibTorch runs them, OpenCV runs them or says which it cannot", "[runner][opencv]") {
  auto torch_runner = MakeTorchRunner(Named("torch-eager-2t"));
  auto opencv = MakeOpenCvRunner(Named("opencv-1t"));
  int opencv_ran = 0, opencv_unsupported = 0;
  for (uint64_t i = 0; i < 12; ++i) {
    NetworkJob job = SmallNetwork(i, true);
    INFO(job.name);
    auto t = torch_runner->Load(job);
    INFO(t.status().ToString());
    REQUIRE(t.ok());
    CHECK((*t)->RunOnce().ok());
    auto c = opencv->Load(job);
    Status run = c.ok() ? (*c)->RunOnce().status() : c.status();
    INFO(run.ToString());
    CHECK((run.ok() || run.code() == Status::Code::kUnsupported));
    (run.ok() ? opencv_ran : opencv_unsupported) += 1;
  }
  INFO("OpenCV ran " << opencv_ran << ", unsupported " << opencv_unsupported);
  CHECK(opencv_ran > 0);
}

TEST_CASE("runners turn bad model files into errors, never crashes", "[runner][bad-input]") {
  testing::TempDir dir;
  std::ofstream(dir.File("junk.pt")) << "not a zip archive";
  std::ofstream(dir.File("junk.onnx")) << "not a protobuf";
  NetworkJob bad;
  bad.name = "junk";
  bad.input_shape = {1, 3, 32, 32};
  bad.torchscript_path = dir.File("junk.pt");
  bad.onnx_path = dir.File("junk.onnx");
  auto torch_runner = MakeTorchRunner(Named("torch-eager-1t"));
  auto t = torch_runner->Load(bad);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("junk") != std::string::npos);
  auto cv_runner = MakeOpenCvRunner(Named("opencv-1t"));
  CHECK_FALSE(cv_runner->Load(bad).ok());
  NetworkJob missing = bad;
  missing.torchscript_path = dir.File("missing.pt");
  missing.onnx_path = dir.File("missing.onnx");
  CHECK_FALSE(torch_runner->Load(missing).ok());
  CHECK_FALSE(cv_runner->Load(missing).ok());
  // A network whose input shape does not fit: the engine's complaint, reported as unsupported.
  NetworkJob wrong = SmallNetwork(0);
  wrong.input_shape = {1, 7, 5, 5};
  CHECK(torch_runner->Load(wrong).status().code() == Status::Code::kUnsupported);
}
