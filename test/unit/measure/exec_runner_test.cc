#include <catch2/catch.hpp>

#include <filesystem>

#include "acesniper/generate/generator.h"
#include "acesniper/measure/exec_runner.h"
#include "temp_dir.h"

using namespace acesniper;

namespace {

const std::string kTool = std::string(ACESNIPER_TEST_DATA_DIR) + "/measure/fake_vendor_tool.sh";

PlatformConfig FakeToolPlatform() {
  PlatformConfig p;
  p.name = "fake-npu";
  p.runner = RunnerKind::kExec;
  p.command = kTool + " {onnx} {name}";
  p.latency_regex = "median = ([0-9.]+) ms";
  p.unsupported_regex = "is not supported";
  p.command_timeout_seconds = 2;
  return p;
}

NetworkJob Generated(const std::string& name) {
  GeneratorOptions o;
  o.max_flops = 1e8;
  auto net = GenerateNetwork(o, 0);
  REQUIRE(net.ok());
  NetworkJob job;
  job.name = name;
  job.graph = net->graph;
  job.weight_seed = o.seed;
  job.input_shape = net->graph.input_shape();
  return job;
}

}  // namespace

TEST_CASE("placeholders are replaced and paths shell-quoted", "[exec]") {
  NetworkJob job;
  job.name = "it's";
  job.input_shape = {1, 3, 224, 224};
  job.batch = 16;
  std::string c = ExecRunner::ExpandCommand("tool --onnx={onnx} --shapes=input:{input_shape} -b {batch} {name}", job,
                                            "/tmp/a b.onnx");
  CHECK(c == "tool --onnx='/tmp/a b.onnx' --shapes=input:16x3x224x224 -b 16 'it'\\''s'");
}

TEST_CASE("the exec runner writes the ONNX file, reads the latency, and removes the file", "[exec]") {
  testing::TempDir dir;
  ExecRunner runner(FakeToolPlatform(), dir.File(""));
  auto net = runner.Load(Generated("gen-0"));
  REQUIRE(net.ok());
  auto ms = (*net)->RunOnce();
  REQUIRE(ms.ok());
  CHECK(*ms >= 3.25);
  CHECK(*ms <= 99.25);
  CHECK(std::filesystem::exists(dir.File("gen-0.onnx")));
  net->reset();
  CHECK_FALSE(std::filesystem::exists(dir.File("gen-0.onnx")));  // removed with its network
}

TEST_CASE("tool failures become clear errors: garbage, exit status, unsupported, hang", "[exec]") {
  testing::TempDir dir;
  ExecRunner runner(FakeToolPlatform(), dir.File(""));
  auto run = [&](const std::string& name) {
    auto net = runner.Load(Generated(name));
    REQUIRE(net.ok());
    return (*net)->RunOnce();
  };
  auto garbage = run("net-1");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.status().message().find("no latency in the command's output") != std::string::npos);
  CHECK(garbage.status().message().find("lorem ipsum") != std::string::npos);
  auto failed = run("net-2");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().message().find("exited with status 3") != std::string::npos);
  CHECK(failed.status().message().find("out of memory") != std::string::npos);
  auto unsupported = run("net-3");
  REQUIRE_FALSE(unsupported.ok());
  CHECK(unsupported.status().code() == Status::Code::kUnsupported);
  auto hung = run("net-4");
  REQUIRE_FALSE(hung.ok());
  CHECK(hung.status().message().find("did not finish within") != std::string::npos);
}

TEST_CASE("a number that is not a latency is rejected", "[exec]") {
  PlatformConfig p = FakeToolPlatform();
  CommandResult r;
  r.exit_code = 0;
  r.output = "median = 0 ms";
  CHECK_FALSE(ExecRunner::ParseLatency(p, r).ok());
  r.output = "median = 1.2.3 ms";
  CHECK(ExecRunner::ParseLatency(p, r).status().message().find("not a number") != std::string::npos);
  p.latency_scale_to_ms = 0.001;
  r.output = "median = 2500 ms";
  REQUIRE(ExecRunner::ParseLatency(p, r).ok());
  CHECK(*ExecRunner::ParseLatency(p, r) == Approx(2.5));
}

TEST_CASE("a command that needs TorchScript gets Unsupported for a generated network", "[exec]") {
  PlatformConfig p = FakeToolPlatform();
  p.command = "tool {torchscript}";
  testing::TempDir dir;
  ExecRunner runner(p, dir.File(""));
  auto st = runner.Load(Generated("gen-0"));
  REQUIRE_FALSE(st.ok());
  CHECK(st.status().code() == Status::Code::kUnsupported);
}
