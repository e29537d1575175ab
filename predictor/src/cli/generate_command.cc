#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/export/writers.h"
#include "acesniper/generate/generator.h"
#include "acesniper/graph/graph_hash.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

struct GenerateArgs {
  uint64_t count = 10;
  uint64_t seed = 1;
  uint64_t first = 0;
  std::string out;
  std::string format = "both";
  double min_flops = GeneratorOptions().min_flops;
  double max_flops = GeneratorOptions().max_flops;
  bool extended = false;
};

int RunGenerate(const GenerateArgs& a) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(a.out, ec);
  if (ec) {
    std::cerr << "acesniper generate: cannot create '" << a.out << "': " << ec.message() << "\n";
    return 1;
  }
  GeneratorOptions o;
  o.seed = a.seed;
  o.min_flops = a.min_flops;
  o.max_flops = a.max_flops;
  o.extended = a.extended;
  bool ts = a.format == "both" || a.format == "torchscript";
  bool onnx = a.format == "both" || a.format == "onnx";
  std::ofstream index(fs::path(a.out) / "index.jsonl", std::ios::app);
  if (!index) {
    std::cerr << "acesniper generate: cannot write " << (fs::path(a.out) / "index.jsonl") << "\n";
    return 1;
  }
  std::vector<double> flops;
  auto t0 = std::chrono::steady_clock::now();
  double t_generate = 0, t_write = 0;
  for (uint64_t i = a.first; i < a.first + a.count; ++i) {
    auto g0 = std::chrono::steady_clock::now();
    auto net = GenerateNetwork(o, i);
    if (!net.ok()) {
      std::cerr << "acesniper generate: network " << i << ": " << net.status().ToString() << "\n";
      return 1;
    }
    Features f = AnalyzeGraph(net->graph);
    auto g1 = std::chrono::steady_clock::now();
    t_generate += std::chrono::duration<double>(g1 - g0).count();
    std::string base = (fs::path(a.out) / net->name).string();
    if (ts) {
      Status st = WriteTorchScript(net->graph, o.seed, base + ".pt");
      if (!st.ok()) { std::cerr << "acesniper generate: " << net->name << ": " << st.ToString() << "\n"; return 1; }
    }
    if (onnx) {
      Status st = WriteOnnx(net->graph, o.seed, base + ".onnx");
      if (!st.ok()) { std::cerr << "acesniper generate: " << net->name << ": " << st.ToString() << "\n"; return 1; }
    }
    t_write += std::chrono::duration<double>(std::chrono::steady_clock::now() - g1).count();
    nlohmann::json j = {{"name", net->name}, {"seed", net->seed}, {"index", net->index},
                        {"input_shape", net->graph.input_shape()},
                        {"output_shape", net->graph.node(net->graph.output()).out}, {"layers", f.Get("struct_layers")},
                        {"branches", f.Get("struct_max_branches")},
                        {"flops", f.Get("flops_total")}, {"params", f.Get("params_total")}, {"attempts", net->attempts},
                        {"network_hash", GraphStructureHash(net->graph)}};
    index << j.dump() << "\n";
    flops.push_back(f.Get("flops_total"));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(flops.begin(), flops.end());
  auto q = [&](double p) { return flops.empty() ? 0.0 : flops[static_cast<size_t>(p * (flops.size() - 1))]; };
  std::cout << "generated " << a.count << " networks in " << secs << " s (graph+features " << t_generate
            << " s, files " << t_write << " s) into " << a.out << "\n"
            << "GFLOPs min/p25/median/p75/max: " << q(0) / 1e9 << " " << q(0.25) / 1e9 << " " << q(0.5) / 1e9 << " "
            << q(0.75) / 1e9 << " " << q(1) / 1e9 << "\n";
  return 0;
}

}  // namespace

void AddGenerateCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<GenerateArgs>();
  auto* cmd = app.add_subcommand("generate", "generate random networks (Table IV) as TorchScript and/or ONNX");
  cmd->add_option("--count", args->count, "number of networks")->check(CLI::PositiveNumber);
  cmd->add_option("--seed", args->seed, "generator seed (the set is a pure function of it)");
  cmd->add_option("--first", args->first, "index of the first network (to extend a set)");
  cmd->add_option("--out", args->out, "output directory")->required();
  cmd->add_option("--format", args->format, "torchscript, onnx, both, or none (index.jsonl only)")
      ->check(CLI::IsMember({"torchscript", "onnx", "both", "none"}));
  cmd->add_option("--min-flops", args->min_flops, "compute budget, lower end (FLOPs)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-flops", args->max_flops, "compute budget, upper end (FLOPs)")->check(CLI::PositiveNumber);
  cmd->add_flag("--extended", args->extended, "the extended space: inverted residual and transformer blocks too (genx-SEED-INDEX; docs/generator.md)");
  cmd->callback([args, &exit_code]() { exit_code = RunGenerate(*args); });
}

}  // namespace acesniper::cli
