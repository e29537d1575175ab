// Measures with an external tool we cannot link (trtexec on a Jetson, a Cambricon or vendor
// benchmark): a command template is run per inference sample and a regular expression reads the
// latency from its output. A platform with such a tool usually times many inferences itself; set
// its timing to min_runs 1 then.
#pragma once

#include <string>

#include "acesniper/measure/platform.h"
#include "acesniper/measure/runner.h"
#include "acesniper/measure/subprocess.h"

namespace acesniper {

class ExecRunner : public Runner {
 public:
  // `scratch_dir` receives the ONNX files of generated networks; each is removed when its
  // LoadedNetwork is.
  ExecRunner(PlatformConfig config, std::string scratch_dir);
  nlohmann::json Describe() const override;
  Result<std::unique_ptr<LoadedNetwork>> Load(const NetworkJob& job) override;

  // The command for a job (placeholders replaced, paths shell-quoted).
  static std::string ExpandCommand(const std::string& templ, const NetworkJob& job, const std::string& onnx_path);
  // Reads the latency from a finished command, per the platform's rules.
  static Result<double> ParseLatency(const PlatformConfig& p, const CommandResult& r);

 private:
  PlatformConfig config_;
  std::string scratch_dir_;
  std::string version_;
};

}  // namespace acesniper
