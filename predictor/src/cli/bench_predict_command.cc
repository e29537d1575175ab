// acesniper bench-predict: how long one batched prediction of N (network, platform) pairs takes
// (the extender predicts every candidate node for a pod in one batch). Prints median and p99.
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

#include "acesniper/analyze/features.h"
#include "acesniper/generate/generator.h"
#include "acesniper/model/latency_model.h"
#include "cli_util.h"
#include "commands.h"

namespace acesniper::cli {

namespace {


struct BenchArgs {
  std::string model;
  std::vector<std::string> hrm;
  int pairs = 1000;
  int repeats = 200;
};

int RunBench(const BenchArgs& a) {
  const char* me = "acesniper bench-predict: ";
  const std::string dir = DefaultModelDir();
  Result<LatencyModel> model = LatencyModel::Load(a.model.empty() ? dir + "/latency-model.json" : a.model);
  if (!model.ok()) {
    std::cerr << me << model.status().message() << "\n";
    return 1;
  }
  Result<std::vector<HrmVector>> loaded = LoadHrmVectors(a.hrm.empty() ? ShippedHrmFiles() : a.hrm, model->spec);
  if (!loaded.ok()) {
    std::cerr << me << loaded.status().message() << "\n";
    return 1;
  }
  std::vector<HrmVector> hrms = std::move(loaded).value();
  if (hrms.empty()) {
    std::cerr << me << "no HRM vector in '" << dir << "/hrm'\n";
    return 1;
  }
  // 50 generated networks x the platforms, repeated to `pairs`.
  std::vector<std::vector<double>> features;
  GeneratorOptions o;
  o.seed = 99;
  for (uint64_t i = 0; i < 50; ++i) features.push_back(AnalyzeGraph(GenerateNetwork(o, i)->graph).values());
  std::vector<PredictionQuery> q;
  for (int k = 0; k < a.pairs; ++k)
    q.push_back({&features[static_cast<size_t>(k) % features.size()], &hrms[static_cast<size_t>(k) % hrms.size()]});
  LatencyModel& m = *model;
  std::vector<double> ms;
  for (int r = 0; r < a.repeats + 5; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    Result<std::vector<LatencyPrediction>> p = m.Predict(q);
    double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!p.ok()) {
      std::cerr << me << p.status().message() << "\n";
      return 1;
    }
    if (r >= 5) ms.push_back(t);  // the first calls warm LibTorch's allocator
  }
  std::sort(ms.begin(), ms.end());
  std::cout << std::fixed << std::setprecision(3) << a.pairs << " pairs per batch, " << a.repeats
            << " batches, " << (m.inference ? "PCN forward pass in Eigen" : "cost prior only, no PCN") << ", 1 thread: median " << ms[ms.size() / 2]
            << " ms, p99 " << ms[std::min(ms.size() - 1, ms.size() * 99 / 100)] << " ms\n";
  return 0;
}

}  // namespace

void AddBenchPredictCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench-predict", "time one batched prediction of N (network, platform) pairs");
  cmd->add_option("--model", a->model, "latency model (default: the shipped one)");
  cmd->add_option("--hrm", a->hrm, "HRM vectors to predict for (repeatable; default: the shipped ones)");
  cmd->add_option("--pairs", a->pairs, "pairs per batch")->check(CLI::Range(1, 1000000));
  cmd->add_option("--repeats", a->repeats, "batches timed")->check(CLI::Range(1, 100000));
  cmd->callback([a, &exit_code]() { exit_code = RunBench(*a); });
}

}  // namespace acesniper::cli
