// acesniper bench-schedule: the time one scheduling decision takes (Ace-Sniper's placement with
// time-spinner correction) on a cluster of N nodes, over many decisions.
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

#include "acesniper/simulate/scenario.h"
#include "acesniper/simulate/simulator.h"
#include "cli_util.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

struct BenchScheduleArgs {
  std::string latencies;
  int nodes = 1000;
  int decisions = 20000;
};

class PredictedSource : public LatencySource {
 public:
  explicit PredictedSource(const LatencyTable& t) : t_(t) {}
  std::optional<double> InferenceMs(int network, int platform) const override { return t_.predicted_ms(network, platform); }

 private:
  const LatencyTable& t_;
};

int RunBenchSchedule(const BenchScheduleArgs& a) {
  const char* me = "acesniper bench-schedule: ";
  const std::string path = a.latencies.empty() ? DefaultLatencyTablePath() : a.latencies;
  Result<LatencyTable> table = LatencyTableFromEvaluation(path, "NNS+HRM", 50);
  if (!table.ok()) {
    std::cerr << me << table.status().message() << "\n";
    return 1;
  }
  Result<Scenario> scenario = DefaultScenario(*table);
  if (!scenario.ok()) {
    std::cerr << me << scenario.status().message() << "\n";
    return 1;
  }
  std::vector<ClusterNode> nodes;
  for (int i = 0; i < a.nodes; ++i) {
    ClusterNode n = scenario->workload.nodes[static_cast<size_t>(i) % scenario->workload.nodes.size()];
    n.name = "node-" + std::to_string(i);
    nodes.push_back(n);
  }
  std::vector<std::vector<double>> features(table->networks.size(), std::vector<double>(60, 1.0));
  scenario->workload.table.features = features;
  PredictedSource source(*table);
  auto policy = MakePolicy(PolicyKind::kAceSniper, nodes, &source, scenario->policy);
  if (!policy.ok()) {
    std::cerr << me << policy.status().message() << "\n";
    return 1;
  }
  SimulationOptions o;
  o.rate_per_s = 1000;
  o.duration_s = 1.5 * a.decisions / o.rate_per_s + 1;
  std::vector<Task> tasks;
  for (const Task& t : DrawTasks(scenario->workload, o)) {
    if (static_cast<int>(tasks.size()) >= a.decisions) break;
    tasks.push_back(t);
  }
  std::vector<double> us;
  us.reserve(tasks.size());
  for (const Task& t : tasks) {
    auto t0 = std::chrono::steady_clock::now();
    int node = (*policy)->Place(t, t.arrival_s);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (node >= 0) (*policy)->Completed(t, node, t.arrival_s, source.InferenceMs(t.network, nodes[static_cast<size_t>(node)].platform).value());
  }
  std::sort(us.begin(), us.end());
  std::cout << std::fixed << std::setprecision(1) << a.nodes << " nodes, " << us.size()
            << " decisions (ace-sniper, time spinner on): median " << us[us.size() / 2] << " us, p99 "
            << us[std::min(us.size() - 1, us.size() * 99 / 100)] << " us\n";
  return 0;
}

}  // namespace

void AddBenchScheduleCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<BenchScheduleArgs>();
  auto* cmd = app.add_subcommand("bench-schedule", "time one scheduling decision among N nodes");
  cmd->add_option("--latencies", a->latencies, "an `acesniper evaluate` JSON (default: docs/evaluation/evaluation.json)");
  cmd->add_option("--nodes", a->nodes, "nodes in the cluster")->check(CLI::Range(1, 1000000));
  cmd->add_option("--decisions", a->decisions, "decisions to time")->check(CLI::Range(1, 10000000));
  cmd->callback([a, &exit_code]() { exit_code = RunBenchSchedule(*a); });
}

}  // namespace acesniper::cli
