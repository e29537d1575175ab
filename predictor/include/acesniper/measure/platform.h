// A platform is hardware plus its software stack, treated as a black box (paper, Table I): here,
// a named runner configuration. The same CPU with another thread count, graph mode, BLAS or
// inference engine is another platform, because other kernels run.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/measure/timing.h"

namespace acesniper {

enum class RunnerKind { kTorch, kOpenCv, kExec };

struct PlatformConfig {
  std::string name;
  std::string description;
  RunnerKind runner = RunnerKind::kTorch;
  int threads = 1;              // intra-op threads, and CPUs the worker is pinned to
  // kTorch
  bool frozen = false;          // torch::jit::freeze + optimize_for_inference
  bool onednn = true;           // oneDNN (MKL-DNN) kernels enabled
  bool channels_last = false;   // input in channels-last memory format
  std::string dtype = "float32";  // or "bfloat16"
  // kTorch: which libblas.so.3 LibTorch loads: "system" (the alternatives link), "openblas",
  // "reference" (netlib); the worker process is started with that library on its search path.
  std::string blas = "system";
  // kExec: shell command template; {onnx} {torchscript} {batch} {input_shape} {name} are replaced.
  std::string command;
  std::string latency_regex;     // first capture group is the latency
  double latency_scale_to_ms = 1.0;  // e.g. 0.001 when the tool prints microseconds
  std::string unsupported_regex; // output matching this means the network cannot run here
  std::string version_command;   // its output goes into the fingerprint
  double command_timeout_seconds = 600;
  TimingOptions timing;
};

const char* RunnerKindName(RunnerKind k);

// The platforms every build offers (acesniper platforms lists them).
std::vector<PlatformConfig> BuiltinPlatforms();

// Platform definitions from JSON: {"platforms": [{"name": ..., "runner": "exec", ...}]}.
// Every field is checked; the error names the platform and field.
Result<std::vector<PlatformConfig>> ParsePlatforms(const nlohmann::json& doc);
Result<std::vector<PlatformConfig>> LoadPlatformsFile(const std::string& path);
nlohmann::json PlatformToJson(const PlatformConfig& p);

// Finds `name` among the built-in platforms and those of `platforms_file` (may be empty).
Result<PlatformConfig> FindPlatform(const std::string& name, const std::string& platforms_file);

// Whether this machine can run the platform at all (enough CPUs, the BLAS library present, bf16
// instructions); the reason when not.
Status PlatformAvailableHere(const PlatformConfig& p);

// Library search path (directories, ':'-separated, BLAS first) that makes the worker load the
// libblas.so.3 and liblapack.so.3 of p.blas; empty for "system".
Result<std::string> BlasLibraryPath(const std::string& blas);

}  // namespace acesniper
