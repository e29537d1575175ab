#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "acesniper/analyze/features.h"
#include "acesniper/graph/graph_hash.h"
#include "acesniper/measure/benchmark.h"
#include "acesniper/measure/reference_set.h"
#include "acesniper/torch/torchscript.h"
#include "cli_util.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

namespace fs = std::filesystem;

struct MeasureArgs {
  std::string platforms;   // comma-separated
  std::string platforms_file;
  std::string models_dir;
  uint64_t generate = 0;
  uint64_t seed = 1;
  uint64_t first = 0;
  double min_flops = GeneratorOptions().min_flops;
  double max_flops = GeneratorOptions().max_flops;
  bool extended = false;
  bool reference_set = false;
  std::vector<int64_t> batches = {1};
  std::string out;
  bool resume = false;
  double timeout = 300;
};

// Every model in `dir`: NAME.pt and/or NAME.onnx (the same network in two forms). Its identity
// and FLOPs come from the ONNX form where there is one (faster to import).
Result<std::vector<BenchmarkNetwork>> ModelFileNetworks(const std::string& dir, const std::vector<int64_t>& batches) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("--models: '" + dir + "' is not a directory");
  std::map<std::string, std::pair<std::string, std::string>> models;  // name -> (torchscript, onnx)
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string ext = e.path().extension().string();
    std::string stem = e.path().stem().string();
    if (ext == ".pt" || ext == ".pth" || ext == ".torchscript") models[stem].first = e.path().string();
    if (ext == ".onnx") models[stem].second = e.path().string();
  }
  if (models.empty()) return Status::NotFound("--models: no .pt or .onnx files in '" + dir + "'");
  std::vector<BenchmarkNetwork> out;
  for (const auto& [name, files] : models) {
    auto g = ImportModelFile(files.second.empty() ? files.first : files.second, ImportOptions{});
    if (!g.ok()) return g.status().WithContext("model '" + name + "'");
    std::string hash = GraphStructureHash(*g);
    double flops = AnalyzeGraph(*g).Get("flops_total");
    for (int64_t b : batches)
      out.push_back({name, hash, flops, b, JobForFiles(name, files.first, files.second, g->input_shape(), b)});
  }
  return out;
}

std::string Duration(double s) {
  char buf[32];
  if (s < 90) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 5400) std::snprintf(buf, sizeof buf, "%.1fm", s / 60);
  else std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
  return buf;
}

int RunMeasure(const MeasureArgs& a) {
  const char* me = "acesniper measure: ";
  int sources = (!a.models_dir.empty()) + (a.generate > 0) + a.reference_set;
  if (sources != 1) {
    std::cerr << me << "give exactly one of --models DIR, --generate N, --reference-set\n";
    return 2;
  }
  std::vector<PlatformConfig> platforms;
  for (const auto& name : SplitCommas(a.platforms)) {
    auto p = FindPlatform(name, a.platforms_file);
    if (!p.ok()) {
      std::cerr << me << p.status().message() << "\n";
      return 2;
    }
    platforms.push_back(*p);
  }
  if (platforms.empty()) {
    std::cerr << me << "--platform names no platform (see acesniper platforms)\n";
    return 2;
  }
  std::error_code ec;
  if (!a.resume && fs::exists(a.out, ec) && fs::file_size(a.out, ec) > 0) {
    std::cerr << me << "'" << a.out << "' exists; pass --resume to add to it (done networks are skipped)\n";
    return 2;
  }
  Result<std::vector<BenchmarkNetwork>> nets = Status::Internal("no networks");
  if (a.reference_set) {
    nets = NamedBenchmarkNetworks(ReferenceSetNames(), a.batches);
  } else if (a.generate > 0) {
    GeneratorOptions o;
    o.seed = a.seed;
    o.min_flops = a.min_flops;
    o.max_flops = a.max_flops;
    o.extended = a.extended;
    nets = GeneratedBenchmarkNetworks(o, a.first, a.generate, a.batches);
  } else {
    nets = ModelFileNetworks(a.models_dir, a.batches);
  }
  if (!nets.ok()) {
    std::cerr << me << nets.status().message() << "\n";
    return 1;
  }
  auto store = MeasurementStore::Open(a.out);
  if (!store.ok()) {
    std::cerr << me << store.status().message() << "\n";
    return 1;
  }
  if (store->torn_bytes_dropped() > 0)
    std::cerr << me << "dropped a torn last row (" << store->torn_bytes_dropped() << " bytes) of '" << a.out
              << "'; that network is measured again\n";
  // The workers' scratch files go under $TMPDIR (default /tmp); removed at the end, left behind
  // only when the run is killed.
  const fs::path tmp_dir = fs::temp_directory_path(ec);
  if (ec) {
    const char* env = std::getenv("TMPDIR");
    std::cerr << me << "TMPDIR '" << (env ? env : "") << "' is not a directory: " << ec.message() << "\n";
    return 1;
  }
  std::string scratch_template = (tmp_dir / "acesniper-measure-XXXXXX").string();
  const char* scratch = ::mkdtemp(scratch_template.data());
  if (!scratch) {
    std::cerr << me << "cannot create a scratch directory in " << tmp_dir.string() << ": " << std::strerror(errno)
              << " (set TMPDIR to another directory)\n";
    return 1;
  }
  std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  const bool tty = ::isatty(2);
  int exit_code = 0;
  for (const PlatformConfig& p : platforms) {
    BenchmarkOptions o;
    o.platform = p;
    o.worker_command = {self, "measure-worker", "--scratch-dir", scratch};
    o.network_timeout_seconds = a.timeout;
    double last_print = -1e9;
    o.on_progress = [&](const BenchmarkProgress& pr) {
      size_t todo = pr.total - pr.skipped;
      bool final = pr.done == todo;
      if (!tty && !final && pr.seconds - last_print < 30) return;
      last_print = pr.seconds;
      double rate = pr.seconds > 0 ? pr.done / pr.seconds : 0;
      double eta = rate > 0 ? (todo - pr.done) / rate : 0;
      std::fprintf(stderr, "%s[%s] %zu/%zu done (%zu skipped), %.2f net/s, ETA %s, last %s: %s%s", tty ? "\r\033[K" : "",
                   p.name.c_str(), pr.done + pr.skipped, pr.total, pr.skipped, rate, Duration(eta).c_str(),
                   pr.last->network.c_str(), MeasureStatusName(pr.last->status),
                   tty ? "" : "\n");
    };
    auto report = RunBenchmark(*nets, o, *store);
    if (tty) std::fprintf(stderr, "\n");
    if (!report.ok()) {
      std::cerr << me << report.status().message() << "\n";
      exit_code = 1;
      continue;
    }
    std::cout << p.name << " (" << report->platform_id << "): " << report->ok << " ok, " << report->unsupported
              << " unsupported, " << report->failed << " failed, " << report->timeout << " timed out, " << report->crashed
              << " crashed, " << report->skipped << " already measured; " << Duration(report->seconds) << std::endl;
  }
  fs::remove_all(scratch, ec);
  return exit_code;
}

}  // namespace

void AddMeasureCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<MeasureArgs>();
  auto* cmd = app.add_subcommand("measure", "measure networks' latency on platforms of this machine into a store");
  cmd->add_option("--platform", a->platforms, "platform name(s), comma-separated (acesniper platforms)")->required();
  cmd->add_option("--platforms-file", a->platforms_file, "JSON file with more platforms");
  cmd->add_option("--models", a->models_dir, "directory of NAME.pt / NAME.onnx model files");
  cmd->add_option("--generate", a->generate, "measure N generated networks");
  cmd->add_option("--seed", a->seed, "generator seed for --generate");
  cmd->add_option("--first", a->first, "index of the first generated network");
  cmd->add_option("--min-flops", a->min_flops, "generator budget, lower end")->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-flops", a->max_flops, "generator budget, upper end")->check(CLI::PositiveNumber);
  cmd->add_flag("--extended", a->extended, "the extended space: inverted residual and transformer blocks too (genx-SEED-INDEX; docs/generator.md)");
  cmd->add_flag("--reference-set", a->reference_set, "the fixed HRM reference set (" + std::to_string(ReferenceSetNames().size()) + " networks)");
  cmd->add_option("--batch", a->batches, "batch size(s), e.g. --batch 1 --batch 16")->check(CLI::PositiveNumber);
  cmd->add_option("--out", a->out, "the measurement store (CSV)")->required();
  cmd->add_flag("--resume", a->resume, "add to an existing store, skipping what it has");
  cmd->add_option("--timeout", a->timeout, "seconds per network (load and all runs)")->check(CLI::PositiveNumber);
  cmd->callback([a, &exit_code]() { exit_code = RunMeasure(*a); });
}

}  // namespace acesniper::cli
