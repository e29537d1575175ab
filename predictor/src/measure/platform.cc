#include "acesniper/measure/platform.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "acesniper/measure/host.h"

namespace acesniper {

const char* RunnerKindName(RunnerKind k) {
  switch (k) {
    case RunnerKind::kTorch: return "torch";
    case RunnerKind::kOpenCv: return "opencv";
    case RunnerKind::kExec: return "exec";
  }
  return "?";
}

std::vector<PlatformConfig> BuiltinPlatforms() {
  std::vector<PlatformConfig> v;
  auto torch = [&](std::string name, int threads, std::string desc) -> PlatformConfig& {
    PlatformConfig p;
    p.name = std::move(name);
    p.threads = threads;
    p.description = std::move(desc);
    p.blas = "openblas";
    v.push_back(p);
    return v.back();
  };
  torch("torch-eager-1t", 1, "LibTorch eager TorchScript, 1 thread, OpenBLAS");
  torch("torch-eager-2t", 2, "LibTorch eager TorchScript, 2 threads, OpenBLAS");
  torch("torch-frozen-2t", 2, "LibTorch frozen + optimize_for_inference, 2 threads, OpenBLAS").frozen = true;
  torch("torch-frozen-1t", 1, "LibTorch frozen + optimize_for_inference, 1 thread, OpenBLAS").frozen = true;
  torch("torch-noonednn-2t", 2, "LibTorch eager with oneDNN disabled (native and BLAS kernels), 2 threads").onednn = false;
  torch("torch-channels-last-2t", 2, "LibTorch eager, channels-last input, 2 threads, OpenBLAS").channels_last = true;
  torch("torch-refblas-2t", 2, "LibTorch eager, 2 threads, reference (netlib) BLAS").blas = "reference";
  torch("torch-bf16-2t", 2, "LibTorch eager in bfloat16, 2 threads (needs avx512_bf16 or amx_bf16)").dtype = "bfloat16";
  for (int t : {1, 2}) {
    PlatformConfig p;
    p.name = "opencv-" + std::to_string(t) + "t";
    p.runner = RunnerKind::kOpenCv;
    p.threads = t;
    p.description = "OpenCV DNN (its own CPU backend) on the ONNX form, " + std::to_string(t) + " thread" + (t > 1 ? "s" : "");
    v.push_back(p);
  }
  return v;
}

nlohmann::json PlatformToJson(const PlatformConfig& p) {
  nlohmann::json j = {{"name", p.name}, {"runner", RunnerKindName(p.runner)}, {"threads", p.threads}};
  if (p.runner == RunnerKind::kTorch) {
    j["frozen"] = p.frozen;
    j["onednn"] = p.onednn;
    j["channels_last"] = p.channels_last;
    j["dtype"] = p.dtype;
    j["blas"] = p.blas;
  }
  if (p.runner == RunnerKind::kExec) {
    j["command"] = p.command;
    j["latency_regex"] = p.latency_regex;
    j["latency_scale_to_ms"] = p.latency_scale_to_ms;
    j["unsupported_regex"] = p.unsupported_regex;
    j["version_command"] = p.version_command;
    j["command_timeout_seconds"] = p.command_timeout_seconds;
  }
  const TimingOptions& t = p.timing;
  j["timing"] = {{"warmup_runs", t.warmup_runs},       {"warmup_seconds", t.warmup_seconds},
                 {"min_runs", t.min_runs},             {"max_runs", t.max_runs},
                 {"budget_seconds", t.budget_seconds}, {"target_rel_error", t.target_rel_error},
                 {"outlier_mads", t.outlier_mads},     {"visits", t.visits}};
  return j;
}

namespace {

Status ParseOne(const nlohmann::json& j, PlatformConfig* p) {
  if (!j.is_object()) return Status::InvalidArgument("a platform must be a JSON object");
  auto str = [&](const char* key, std::string* out, bool required) -> Status {
    if (!j.contains(key)) return required ? Status::InvalidArgument(std::string("missing '") + key + "'") : Status::Ok();
    if (!j[key].is_string()) return Status::InvalidArgument(std::string("'") + key + "' must be a string");
    *out = j[key].get<std::string>();
    return Status::Ok();
  };
  auto boolean = [&](const char* key, bool* out) -> Status {
    if (!j.contains(key)) return Status::Ok();
    if (!j[key].is_boolean()) return Status::InvalidArgument(std::string("'") + key + "' must be true or false");
    *out = j[key].get<bool>();
    return Status::Ok();
  };
  auto number = [&](const char* key, double* out) -> Status {
    if (!j.contains(key)) return Status::Ok();
    if (!j[key].is_number()) return Status::InvalidArgument(std::string("'") + key + "' must be a number");
    *out = j[key].get<double>();
    return Status::Ok();
  };
  static const std::set<std::string> kKnown = {"name", "description", "runner", "threads", "frozen", "onednn",
                                               "channels_last", "dtype", "blas", "command", "latency_regex",
                                               "latency_scale_to_ms", "unsupported_regex", "version_command",
                                               "command_timeout_seconds", "timing"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!kKnown.count(it.key())) return Status::InvalidArgument("unknown field '" + it.key() + "'");
  ACESNIPER_RETURN_IF_ERROR(str("name", &p->name, true));
  if (p->name.empty() || !std::regex_match(p->name, std::regex("[A-Za-z0-9._-]+")))
    return Status::InvalidArgument("'name' must be letters, digits, '.', '_' or '-'");
  ACESNIPER_RETURN_IF_ERROR(str("description", &p->description, false));
  std::string runner;
  ACESNIPER_RETURN_IF_ERROR(str("runner", &runner, true));
  if (runner == "torch") p->runner = RunnerKind::kTorch;
  else if (runner == "opencv") p->runner = RunnerKind::kOpenCv;
  else if (runner == "exec") p->runner = RunnerKind::kExec;
  else return Status::InvalidArgument("'runner' must be torch, opencv or exec, not '" + runner + "'");
  double threads = p->threads;
  ACESNIPER_RETURN_IF_ERROR(number("threads", &threads));
  if (threads < 1 || threads > 1024 || threads != static_cast<int>(threads))
    return Status::InvalidArgument("'threads' must be a whole number from 1");
  p->threads = static_cast<int>(threads);
  ACESNIPER_RETURN_IF_ERROR(boolean("frozen", &p->frozen));
  ACESNIPER_RETURN_IF_ERROR(boolean("onednn", &p->onednn));
  ACESNIPER_RETURN_IF_ERROR(boolean("channels_last", &p->channels_last));
  ACESNIPER_RETURN_IF_ERROR(str("dtype", &p->dtype, false));
  if (p->dtype != "float32" && p->dtype != "bfloat16") return Status::InvalidArgument("'dtype' must be float32 or bfloat16");
  ACESNIPER_RETURN_IF_ERROR(str("blas", &p->blas, false));
  if (auto dir = BlasLibraryPath(p->blas); !dir.ok()) return dir.status();
  ACESNIPER_RETURN_IF_ERROR(str("command", &p->command, p->runner == RunnerKind::kExec));
  ACESNIPER_RETURN_IF_ERROR(str("latency_regex", &p->latency_regex, p->runner == RunnerKind::kExec));
  ACESNIPER_RETURN_IF_ERROR(str("unsupported_regex", &p->unsupported_regex, false));
  ACESNIPER_RETURN_IF_ERROR(str("version_command", &p->version_command, false));
  for (const std::string* re : {&p->latency_regex, &p->unsupported_regex}) {
    if (re->empty()) continue;
    try {
      std::regex r(*re);
      if (re == &p->latency_regex && r.mark_count() < 1)
        return Status::InvalidArgument("'latency_regex' needs a capture group around the number");
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument("bad regular expression '" + *re + "': " + e.what());
    }
  }
  ACESNIPER_RETURN_IF_ERROR(number("latency_scale_to_ms", &p->latency_scale_to_ms));
  if (!(p->latency_scale_to_ms > 0)) return Status::InvalidArgument("'latency_scale_to_ms' must be > 0");
  ACESNIPER_RETURN_IF_ERROR(number("command_timeout_seconds", &p->command_timeout_seconds));
  if (!(p->command_timeout_seconds > 0)) return Status::InvalidArgument("'command_timeout_seconds' must be > 0");
  if (j.contains("timing")) {
    if (!j["timing"].is_object()) return Status::InvalidArgument("'timing' must be an object");
    for (auto it = j["timing"].begin(); it != j["timing"].end(); ++it) {
      if (!it->is_number()) return Status::InvalidArgument("timing option '" + it.key() + "' must be a number");
      ACESNIPER_RETURN_IF_ERROR(ApplyTimingOverride(it.key(), it->get<double>(), &p->timing));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<PlatformConfig>> ParsePlatforms(const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("platforms") || !doc["platforms"].is_array())
    return Status::InvalidArgument("a platforms file is an object with a 'platforms' array");
  std::vector<PlatformConfig> out;
  std::set<std::string> names;
  for (size_t i = 0; i < doc["platforms"].size(); ++i) {
    PlatformConfig p;
    Status st = ParseOne(doc["platforms"][i], &p);
    std::string where = "platform " + std::to_string(i) + (p.name.empty() ? "" : " ('" + p.name + "')");
    if (!st.ok()) return st.WithContext(where);
    if (!names.insert(p.name).second) return Status::InvalidArgument(where + ": name used twice");
    out.push_back(p);
  }
  return out;
}

Result<std::vector<PlatformConfig>> LoadPlatformsFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::NotFound("cannot open platforms file '" + path + "'");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("platforms file '" + path + "' is not JSON: " + e.what());
  }
  auto r = ParsePlatforms(doc);
  if (!r.ok()) return r.status().WithContext("platforms file '" + path + "'");
  return r;
}

Result<PlatformConfig> FindPlatform(const std::string& name, const std::string& platforms_file) {
  std::vector<PlatformConfig> all = BuiltinPlatforms();
  if (!platforms_file.empty()) {
    auto more = LoadPlatformsFile(platforms_file);
    if (!more.ok()) return more.status();
    for (auto& p : *more) all.push_back(p);  // a file may not redefine a built-in name
  }
  std::string names;
  for (const auto& p : all) {
    if (p.name == name) return p;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  return Status::NotFound("no platform '" + name + "' (known: " + names + ")");
}

Result<std::string> BlasLibraryPath(const std::string& blas) {
  if (blas == "system") return std::string();
  if (blas == "openblas") return std::string("/usr/lib/x86_64-linux-gnu/openblas-pthread");
  if (blas == "reference") return std::string("/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack");
  return Status::InvalidArgument("'blas' must be system, openblas or reference, not '" + blas + "'");
}

Status PlatformAvailableHere(const PlatformConfig& p) {
  int cpus = static_cast<int>(AllowedCpus().size());
  if (cpus < p.threads)
    return Status::Unsupported("needs " + std::to_string(p.threads) + " CPUs, this process may use " + std::to_string(cpus));
  if (p.runner == RunnerKind::kTorch) {
    auto dir = BlasLibraryPath(p.blas);
    if (!dir.ok()) return dir.status();
    const std::string first = dir->substr(0, dir->find(':'));
    if (!dir->empty() && !std::filesystem::exists(first + "/libblas.so.3"))
      return Status::Unsupported(first + "/libblas.so.3 is not installed (BLAS '" + p.blas + "')");
    if (p.dtype == "bfloat16") {
      auto flags = CpuFlags();
      if (!flags.count("avx512_bf16") && !flags.count("amx_bf16"))
        return Status::Unsupported("the CPU has no bfloat16 instructions (avx512_bf16, amx_bf16); bf16 would be emulated");
    }
  }
  return Status::Ok();
}

}  // namespace acesniper
