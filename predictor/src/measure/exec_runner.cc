#include "acesniper/measure/exec_runner.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>

#include "acesniper/export/writers.h"

namespace acesniper {

namespace {

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Tail(const std::string& s, size_t n = 300) {
  std::string t = s.size() > n ? "..." + s.substr(s.size() - n) : s;
  for (char& c : t)
    if (c == '\n' || c == '\r') c = ' ';
  return t;
}

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s->find(from, pos)) != std::string::npos; pos += to.size()) s->replace(pos, from.size(), to);
}

// One network's command, and the scratch file it reads (removed with it).
class LoadedCommand : public LoadedNetwork {
 public:
  LoadedCommand(const PlatformConfig& config, std::string command, std::string scratch_file)
      : config_(config), command_(std::move(command)), scratch_file_(std::move(scratch_file)) {}
  ~LoadedCommand() override {
    if (!scratch_file_.empty()) std::remove(scratch_file_.c_str());
  }
  Result<double> RunOnce() override {
    auto r = RunShellCommand(command_, config_.command_timeout_seconds);
    if (!r.ok()) return r.status();
    return ExecRunner::ParseLatency(config_, *r);
  }

 private:
  PlatformConfig config_;
  std::string command_;
  std::string scratch_file_;
};

}  // namespace

ExecRunner::ExecRunner(PlatformConfig config, std::string scratch_dir)
    : config_(std::move(config)), scratch_dir_(std::move(scratch_dir)) {
  if (!config_.version_command.empty()) {
    auto r = RunShellCommand(config_.version_command, 60);
    version_ = r.ok() ? Tail(r->output, 200) : "version command failed: " + r.status().message();
  }
}

nlohmann::json ExecRunner::Describe() const {
  return {{"engine", "exec"}, {"command", config_.command}, {"tool_version", version_}};
}

std::string ExecRunner::ExpandCommand(const std::string& templ, const NetworkJob& job, const std::string& onnx_path) {
  Shape shape = job.input_shape;
  if (!shape.empty()) shape[0] = job.batch;
  std::string dims;
  for (int64_t d : shape) dims += (dims.empty() ? "" : "x") + std::to_string(d);
  std::string c = templ;
  ReplaceAll(&c, "{onnx}", ShellQuote(onnx_path));
  ReplaceAll(&c, "{torchscript}", ShellQuote(job.torchscript_path));
  ReplaceAll(&c, "{batch}", std::to_string(job.batch));
  ReplaceAll(&c, "{input_shape}", dims);
  ReplaceAll(&c, "{name}", ShellQuote(job.name));
  return c;
}

Result<std::unique_ptr<LoadedNetwork>> ExecRunner::Load(const NetworkJob& job) {
  std::string onnx = job.onnx_path;
  std::string scratch;
  bool wants_onnx = config_.command.find("{onnx}") != std::string::npos;
  if (config_.command.find("{torchscript}") != std::string::npos && job.torchscript_path.empty())
    return Status::Unsupported("the command takes {torchscript}, and " + job.name + " has no TorchScript file");
  if (wants_onnx && onnx.empty()) {
    if (!job.graph) return Status::Unsupported("the command takes {onnx}, and " + job.name + " has no ONNX file");
    scratch = scratch_dir_ + "/" + job.name + ".onnx";
    Status st = WriteOnnx(*job.graph, job.weight_seed, scratch);
    if (!st.ok()) return st.code() == Status::Code::kUnsupported ? st : st.WithContext("writing the ONNX file");
    onnx = scratch;
  }
  return std::unique_ptr<LoadedNetwork>(new LoadedCommand(config_, ExpandCommand(config_.command, job, onnx), scratch));
}

Result<double> ExecRunner::ParseLatency(const PlatformConfig& p, const CommandResult& r) {
  if (r.timed_out)
    return Status::Internal("the command did not finish within " + std::to_string(p.command_timeout_seconds) + " s");
  if (!p.unsupported_regex.empty() && std::regex_search(r.output, std::regex(p.unsupported_regex)))
    return Status::Unsupported("the tool cannot run it: " + Tail(r.output));
  if (r.exit_code != 0 || r.signal != 0)
    return Status::Internal("the command " + DescribeExit(r.exit_code, r.signal) + ": " + Tail(r.output));
  std::smatch m;
  if (!std::regex_search(r.output, m, std::regex(p.latency_regex)) || m.size() < 2)
    return Status::Internal("no latency in the command's output (latency_regex '" + p.latency_regex + "'): " + Tail(r.output));
  std::string num = m[1].str();
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(num, &used);
    if (used != num.size()) throw std::invalid_argument(num);
  } catch (const std::exception&) {
    return Status::Internal("latency_regex captured '" + num + "', which is not a number");
  }
  if (!std::isfinite(v) || v <= 0) return Status::Internal("the tool reported a latency of '" + num + "'");
  return v * p.latency_scale_to_ms;
}

}  // namespace acesniper
