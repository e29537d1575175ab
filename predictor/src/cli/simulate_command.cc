// acesniper simulate: the cluster simulator's experiments (Fig. 11 and 12 of the paper): every
// policy at every task rate, and at one rate with a growing share of never-measured networks.
// JSON, a markdown summary and SVG plots go to --out-dir.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "acesniper/analyze/feature_table.h"
#include "acesniper/measure/store.h"
#include "acesniper/report/svg_plot.h"
#include "acesniper/simulate/fluid_bound.h"
#include "acesniper/simulate/scenario.h"
#include "acesniper/simulate/simulator.h"
#include "cli_util.h"
#include "commands.h"

namespace acesniper::cli {

namespace {

namespace fs = std::filesystem;

struct SimulateArgs {
  std::string cluster;
  std::string latencies;
  std::string features;
  std::string batch_store;
  std::string method = "NNS+HRM";
  int d = 50;
  std::string rates = "5:70:5";
  std::string shares;            // e.g. 0:1:0.1; empty: no Fig. 12 sweep
  double share_rate = 65;
  double duration = 400;
  std::string policies = "all";
  uint64_t seed = 1;
  std::string out_dir;
  bool json = false;
};

// "a:b:step" or "x" or "x,y,z" -> values (inclusive of b up to rounding).
Result<std::vector<double>> ParseSweep(const std::string& s, const char* what) {
  std::vector<double> out;
  auto number = [&](const std::string& t) -> Result<double> {
    try {
      size_t used = 0;
      double v = std::stod(t, &used);
      if (used != t.size() || !std::isfinite(v)) throw std::invalid_argument(t);
      return v;
    } catch (const std::exception&) {
      return Status::InvalidArgument(std::string(what) + ": '" + t + "' is not a number");
    }
  };
  if (s.find(':') != std::string::npos) {
    std::vector<std::string> parts;
    std::stringstream in(s);
    for (std::string p; std::getline(in, p, ':');) parts.push_back(p);
    if (parts.size() != 3) return Status::InvalidArgument(std::string(what) + ": expected FROM:TO:STEP, got '" + s + "'");
    Result<double> a = number(parts[0]), b = number(parts[1]), step = number(parts[2]);
    if (!a.ok()) return a.status();
    if (!b.ok()) return b.status();
    if (!step.ok()) return step.status();
    if (!(*step > 0) || *b < *a) return Status::InvalidArgument(std::string(what) + ": need FROM <= TO and STEP > 0");
    if ((*b - *a) / *step > 10000) return Status::InvalidArgument(std::string(what) + ": more than 10000 values");
    for (int k = 0;; ++k) {
      double v = *a + k * *step;
      if (v > *b + 1e-9 * std::max(1.0, std::fabs(*b))) break;
      out.push_back(std::round(v * 1e9) / 1e9);
    }
    return out;
  }
  for (const std::string& t : SplitCommas(s)) {
    Result<double> v = number(t);
    if (!v.ok()) return v.status();
    out.push_back(*v);
  }
  if (out.empty()) return Status::InvalidArgument(std::string(what) + ": no values");
  return out;
}

nlohmann::json ToJson(const SimulationResult& r) {
  return {{"policy", r.policy},
          {"rate_per_s", r.rate_per_s},
          {"new_network_share", r.new_network_share},
          {"tasks", r.tasks},
          {"finished_in_time", r.finished_in_time},
          {"tps", r.tps},
          {"goodput", r.goodput},
          {"awt_s", r.awt_s},
          {"mean_response_s", r.mean_response_s},
          {"p99_response_s", r.p99_response_s},
          {"deadline_attainment", r.deadline_attainment},
          {"load_std", r.load_std},
          {"zero_wait_mean_s", r.zero_wait_mean_s},
          {"makespan_s", r.makespan_s}};
}

// One SVG: a metric against x, one line per policy.
void WritePlot(const std::string& path, const std::vector<SimulationResult>& runs, const std::vector<PolicyKind>& policies,
               bool x_is_share, double (*metric)(const SimulationResult&), const std::string& title,
               const std::string& x_label, const std::string& y_label) {
  std::vector<PlotSeries> series;
  for (PolicyKind k : policies) {
    PlotSeries s;
    s.label = PolicyName(k);
    s.line = true;
    for (const SimulationResult& r : runs) {
      if (r.policy != PolicyName(k)) continue;
      s.x.push_back(x_is_share ? r.new_network_share : r.rate_per_s);
      s.y.push_back(metric(r));
    }
    series.push_back(s);
  }
  PlotOptions o;
  o.title = title;
  o.x_label = x_label;
  o.y_label = y_label;
  std::ofstream(path) << RenderSvgPlot(series, o);
}

int RunSimulate(const SimulateArgs& a) {
  const char* me = "acesniper simulate: ";
  auto fail = [&](const Status& s) {
    std::cerr << me << s.message() << "\n";
    return 1;
  };
  std::error_code ec;
  // A comma-separated option's paths, or the default where it is not given.
  const auto paths_or = [](const std::string& given, const std::string& fallback) {
    return given.empty() ? std::vector<std::string>{fallback} : SplitCommas(given);
  };
  std::vector<LatencyTable> parts;  // one per evaluation JSON: CPU and GPU platforms come from separate runs
  for (const std::string& given : paths_or(a.latencies, DefaultLatencyTablePath())) {
    Result<LatencyTable> part = LatencyTableFromEvaluation(fs::proximate(given, ec).lexically_normal().string(), a.method, a.d);
    if (!part.ok()) return fail(part.status().WithContext(a.latencies.empty() ? "the default latency table (pass --latencies)" : "--latencies"));
    parts.push_back(std::move(*part));
  }
  Result<LatencyTable> table = CombineLatencyTables(parts);
  if (!table.ok()) return fail(table.status().WithContext("--latencies"));
  const std::string features =
      fs::proximate(a.features.empty() ? DefaultFeatureTablePath() : a.features, ec).lexically_normal().string();
  if (fs::exists(features) || !a.features.empty()) {
    Result<std::vector<FeatureRow>> rows = ReadFeatureTable(features);
    if (!rows.ok()) return fail(rows.status().WithContext("--features"));
    std::map<std::string, const FeatureRow*> by_name;
    for (const FeatureRow& r : *rows) by_name[r.network] = &r;
    std::vector<std::vector<double>> values;
    for (const std::string& n : table->networks) {
      auto it = by_name.find(n);
      if (it == by_name.end()) {
        values.clear();  // the time spinner needs every network's features; without them it is off
        std::cerr << me << "note: network '" << n << "' is not in " << features << ": the time spinner is off\n";
        break;
      }
      values.push_back(it->second->values);
    }
    table->features = std::move(values);
  }
  Result<Scenario> scenario = a.cluster.empty() ? DefaultScenario(*table) : LoadScenario(a.cluster, *table);
  if (!scenario.ok()) return fail(scenario.status());
  const int batch = scenario->workload.tasks.batch;
  if (batch > 1) {  // the inferences run in batches: what a batch really takes comes from a store
    std::string store;  // the stores read, for the messages
    BatchLatencies batch_ms;
    for (const std::string& given : paths_or(a.batch_store, DefaultBatchStorePath())) {
      const std::string path = fs::proximate(given, ec).lexically_normal().string();
      store += (store.empty() ? "" : ", ") + path;
      Result<std::vector<MeasurementRecord>> rows = ReadStore(path);
      if (!rows.ok()) return fail(rows.status().WithContext("--batch-latencies (tasks run at batch " + std::to_string(batch) + ")"));
      for (const MeasurementRecord& r : *rows)
        if (r.batch == batch && r.status == MeasureStatus::kOk) batch_ms[{r.network, r.platform}] = r.median_ms;
    }
    const size_t before = scenario->workload.table.networks.size();
    const size_t left = UseBatchLatencies(&scenario->workload.table, batch_ms, batch);
    if (left == 0)
      return fail(Status::NotFound("'" + store + "' has no network of the task set measured at batch " +
                                   std::to_string(batch) + " on every platform of the latency table"));
    std::cerr << me << "note: " << left << " of " << before << " task networks are measured at batch " << batch
              << " on every platform (" << store << "); the others are left out\n";
  }
  std::vector<PolicyKind> policies;
  if (a.policies == "all") {
    policies = AllPolicies();
  } else {
    for (const std::string& name : SplitCommas(a.policies)) {
      Result<PolicyKind> k = ParsePolicyName(name);
      if (!k.ok()) return fail(k.status().WithContext("--policies"));
      policies.push_back(*k);
    }
  }
  Result<std::vector<double>> rates = ParseSweep(a.rates, "--rates");
  if (!rates.ok()) return fail(rates.status());
  std::vector<double> shares;
  if (!a.shares.empty()) {
    Result<std::vector<double>> s = ParseSweep(a.shares, "--new-network-share");
    if (!s.ok()) return fail(s.status());
    shares = *s;
  }
  for (double r : *rates)
    if (!(r > 0)) return fail(Status::InvalidArgument("--rates: every rate must be > 0"));
  for (double s : shares)
    if (!(s >= 0 && s <= 1)) return fail(Status::InvalidArgument("--new-network-share: every share must be within [0, 1]"));

  Result<double> bound = FluidThroughputBound(scenario->workload);
  if (!bound.ok()) return fail(bound.status());
  auto run_all = [&](double rate, double share, std::vector<SimulationResult>* out, double* seconds) -> Status {
    for (PolicyKind k : policies) {
      SimulationOptions o;
      o.rate_per_s = rate;
      o.duration_s = a.duration;
      o.seed = a.seed;
      o.new_network_share = share;
      auto t0 = std::chrono::steady_clock::now();
      Result<SimulationResult> r = Simulate(scenario->workload, k, scenario->policy, o);
      *seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!r.ok()) return r.status();
      out->push_back(*r);
    }
    return Status::Ok();
  };
  std::vector<SimulationResult> by_rate, by_share;
  double rate_seconds = 0, share_seconds = 0;
  for (double r : *rates)
    if (Status st = run_all(r, 0.0, &by_rate, &rate_seconds); !st.ok()) return fail(st);
  for (double s : shares)
    if (Status st = run_all(a.share_rate, s, &by_share, &share_seconds); !st.ok()) return fail(st);

  nlohmann::json j;
  std::ostringstream cmd;
  cmd << "acesniper simulate" << (a.cluster.empty() ? "" : " --cluster " + a.cluster) << " --rates " << a.rates
      << " --duration " << a.duration << " --policies " << a.policies << " --seed " << a.seed;
  if (!a.latencies.empty()) cmd << " --latencies " << a.latencies;
  if (!a.batch_store.empty()) cmd << " --batch-latencies " << a.batch_store;
  if (!a.shares.empty()) cmd << " --new-network-share " << a.shares << " --share-rate " << a.share_rate;
  j["command"] = cmd.str();
  const LatencyTable& used = scenario->workload.table;
  j["latencies"] = used.source;
  j["networks"] = used.networks.size();
  j["network_names"] = used.networks;
  j["task_networks"] = scenario->workload.tasks.networks;
  j["task_batch"] = scenario->workload.tasks.batch;
  j["time_spinner_features"] = !table->features.empty();
  j["nodes"] = nlohmann::json::array();
  for (const ClusterNode& n : scenario->workload.nodes)
    j["nodes"].push_back({{"name", n.name},
                          {"platform", table->platforms[static_cast<size_t>(n.platform)]},
                          {"bandwidth_mb_s", n.bandwidth_mb_s},
                          {"link_latency_s", n.link_latency_s}});
  j["fluid_bound_tps"] = *bound;
  j["by_rate"] = nlohmann::json::array();
  for (const auto& r : by_rate) j["by_rate"].push_back(ToJson(r));
  j["by_new_network_share"] = nlohmann::json::array();
  for (const auto& r : by_share) j["by_new_network_share"].push_back(ToJson(r));
  j["wall_seconds"] = {{"by_rate", rate_seconds}, {"by_new_network_share", share_seconds}};
  if (a.json) std::cout << j.dump(2) << "\n";

  // A rate as given (0.25, 3.25, 70), not rounded by the table's fixed precision.
  const auto rate_text = [](double rate) {
    std::ostringstream o;
    o << std::defaultfloat << std::setprecision(6) << rate;
    return o.str();
  };
  std::ostringstream md;
  md << std::fixed;
  md << "# Cluster simulation\n\n`" << cmd.str() << "`\n\nLatencies: " << used.source << "; " << used.networks.size()
     << " networks, " << scenario->workload.nodes.size() << " nodes. Fluid upper bound on throughput: "
     << std::setprecision(1) << *bound << " tasks/s.\n\n";
  md << "| rate | policy | TPS | goodput | AWT (s) | p99 Tr (s) | deadlines met | load std | zero-wait Tr (s) |\n"
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : by_rate)
    md << "| " << rate_text(r.rate_per_s) << " | " << r.policy << " | " << std::setprecision(2) << r.tps << " | "
       << r.goodput << " | " << std::setprecision(3) << r.awt_s << " | " << r.p99_response_s << " | " << std::setprecision(1)
       << 100 * r.deadline_attainment << " % | " << std::setprecision(3) << r.load_std << " | " << r.zero_wait_mean_s << " |\n";
  if (!by_share.empty()) {
    md << "\nAt " << rate_text(a.share_rate) << " tasks/s, by share of never-measured networks:\n\n"
       << "| new networks | policy | TPS | AWT (s) | deadlines met |\n|---:|---|---:|---:|---:|\n";
    for (const auto& r : by_share)
      md << "| " << std::setprecision(0) << 100 * r.new_network_share << " % | " << r.policy << " | " << std::setprecision(2)
         << r.tps << " | " << std::setprecision(3) << r.awt_s << " | " << std::setprecision(1) << 100 * r.deadline_attainment
         << " % |\n";
  }
  md << "\nWall time: " << std::setprecision(2) << rate_seconds << " s for the rate sweep, " << share_seconds
     << " s for the share sweep.\n";
  if (!a.json) std::cout << md.str();
  if (!a.out_dir.empty()) {
    fs::create_directories(a.out_dir, ec);
    std::ofstream(a.out_dir + "/simulation.json") << j.dump(2) << "\n";
    std::ofstream(a.out_dir + "/simulation.md") << md.str();
    std::ofstream(a.out_dir + "/cluster.yaml") << (a.cluster.empty() ? DefaultScenarioYaml() : std::string("# see ") + a.cluster + "\n");
    WritePlot(a.out_dir + "/fig11-tps.svg", by_rate, policies, false, [](const SimulationResult& r) { return r.tps; },
              "Throughput", "tasks per second offered", "tasks finished per second");
    WritePlot(a.out_dir + "/fig11-awt.svg", by_rate, policies, false, [](const SimulationResult& r) { return r.awt_s; },
              "Average waiting time", "tasks per second offered", "AWT (s)");
    WritePlot(a.out_dir + "/fig11-load-std.svg", by_rate, policies, false,
              [](const SimulationResult& r) { return r.load_std; }, "Node load imbalance", "tasks per second offered",
              "standard deviation of node busy share");
    if (!by_share.empty()) {
      WritePlot(a.out_dir + "/fig12-tps.svg", by_share, policies, true, [](const SimulationResult& r) { return r.tps; },
                "Throughput with never-measured networks", "share of new networks", "tasks finished per second");
      WritePlot(a.out_dir + "/fig12-awt.svg", by_share, policies, true, [](const SimulationResult& r) { return r.awt_s; },
                "Waiting time with never-measured networks", "share of new networks", "AWT (s)");
    }
    if (!a.json) std::cout << "wrote " << a.out_dir << "/simulation.{json,md} and plots\n";
  }
  return 0;
}

}  // namespace

void AddSimulateCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand("simulate", "simulate the cluster: every policy at every task rate (Fig. 11, 12)");
  cmd->add_option("--cluster", a->cluster, "cluster file (YAML); default: the paper-like 10-node scenario");
  cmd->add_option("--latencies", a->latencies,
                  "`acesniper evaluate` JSON files, comma-separated, each with other platforms: measured and held-out predicted "
                  "latencies (default: docs/evaluation/evaluation.json)");
  cmd->add_option("--batch-latencies", a->batch_store,
                  "measurement stores, comma-separated, with the batch the cluster file's tasks run at (default: data/zoo.csv.gz)");
  cmd->add_option("--features", a->features, "feature table of those networks, for the time spinner (default: data/features.csv.gz)");
  cmd->add_option("--method", a->method, "the evaluation method whose predictions Ace-Sniper uses");
  cmd->add_option("--d", a->d, "its number of reference networks");
  cmd->add_option("--rates", a->rates, "task rates per second, FROM:TO:STEP or a list");
  cmd->add_option("--new-network-share", a->shares, "shares of never-measured networks, FROM:TO:STEP or a list");
  cmd->add_option("--share-rate", a->share_rate, "the task rate of the new-network sweep")->check(CLI::PositiveNumber);
  cmd->add_option("--duration", a->duration, "seconds of arrivals")->check(CLI::PositiveNumber);
  cmd->add_option("--policies", a->policies, "all, or a list of polling, edf, slo, ace-sniper");
  cmd->add_option("--seed", a->seed, "arrivals, networks and deadlines");
  cmd->add_option("--out-dir", a->out_dir, "write simulation.json, simulation.md and SVG plots here");
  cmd->add_flag("--json", a->json, "print the JSON instead of the table");
  cmd->callback([a, &exit_code]() { exit_code = RunSimulate(*a); });
}

}  // namespace acesniper::cli
