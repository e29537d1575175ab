// `acesniper measure-worker`: started by `acesniper measure`, one per platform, in its own
// process; reads jobs on fd 3 and answers on fd 4 (benchmark.h). Not for direct use.
#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "acesniper/measure/benchmark.h"
#include "acesniper/measure/exec_runner.h"
#include "acesniper/measure/host.h"
#include "acesniper/opencv/opencv_runner.h"
#include "acesniper/torch/torch_runner.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

constexpr int kJobsFd = 3, kRepliesFd = 4;

int Fail(const std::string& msg) {
  std::string line = nlohmann::json{{"error", msg}}.dump() + "\n";
  if (::write(kRepliesFd, line.data(), line.size()) < 0) std::cerr << "acesniper measure-worker: " << msg << "\n";
  return 1;
}

int RunWorker(const std::string& platform_json, const std::string& scratch_dir) {
  // Tools the exec runner starts must not inherit the protocol pipes (a tool that outlives a
  // crashed worker would hide the crash from the parent).
  ::fcntl(kJobsFd, F_SETFD, FD_CLOEXEC);
  ::fcntl(kRepliesFd, F_SETFD, FD_CLOEXEC);
  PlatformConfig p;
  try {
    auto parsed = ParsePlatforms({{"platforms", nlohmann::json::array({nlohmann::json::parse(platform_json)})}});
    if (!parsed.ok()) return Fail(parsed.status().message());
    p = parsed->front();
  } catch (const std::exception& e) {
    return Fail(std::string("--platform-json is not JSON: ") + e.what());
  }
  Status here = PlatformAvailableHere(p);
  if (!here.ok()) return Fail(here.message());
  std::vector<int> cpus = AllowedCpus();
  cpus.resize(static_cast<size_t>(p.threads));
  if (Status st = PinToCpus(cpus); !st.ok()) return Fail(st.message());
  std::unique_ptr<Runner> runner;
  switch (p.runner) {
    case RunnerKind::kTorch: {
      auto dir = BlasLibraryPath(p.blas);
      std::string loaded = LibraryDefiningSymbol("sgemm_");
      std::string want = dir.ok() ? dir->substr(0, dir->find(':')) : "";
      if (!want.empty() && loaded.rfind(want + "/", 0) != 0)
        return Fail("asked for the '" + p.blas + "' BLAS from " + want + ", but sgemm_ resolves to '" + loaded + "'");
      runner = MakeTorchRunner(p);
      break;
    }
    case RunnerKind::kOpenCv: runner = MakeOpenCvRunner(p); break;
    case RunnerKind::kExec: runner = std::make_unique<ExecRunner>(p, scratch_dir); break;
  }
  return ServeMeasurements(*runner, p, kJobsFd, kRepliesFd);
}

}  // namespace

void AddMeasureWorkerCommand(CLI::App& app, int& exit_code) {
  auto platform = std::make_shared<std::string>();
  auto scratch = std::make_shared<std::string>("/tmp");
  auto* cmd = app.add_subcommand("measure-worker", "");  // empty description: hidden from --help
  cmd->group("");
  cmd->add_option("--platform-json", *platform)->required();
  cmd->add_option("--scratch-dir", *scratch);
  cmd->callback([platform, scratch, &exit_code]() { exit_code = RunWorker(*platform, *scratch); });
}

}  // namespace acesniper::cli
