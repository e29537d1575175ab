#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "acesniper/simulate/event_queue.h"
#include "acesniper/simulate/fluid_bound.h"
#include "acesniper/simulate/scenario.h"
#include "acesniper/simulate/simulator.h"
#include "sim_fixture.h"
#include "temp_dir.h"

using namespace acesniper;

TEST_CASE("the event queue pops in time order, ties in scheduling order", "[simulate]") {
  EventQueue q;
  q.Schedule(2.0, 0, 1);
  q.Schedule(1.0, 0, 2);
  q.Schedule(2.0, 1, 3);
  q.Schedule(1.0, 1, 4);
  std::vector<int64_t> order;
  while (!q.empty()) order.push_back(q.Pop().subject);
  CHECK(order == std::vector<int64_t>{2, 4, 1, 3});
}

TEST_CASE("arrivals are a Poisson process at the asked rate", "[simulate]") {
  Workload w = testing::TwoNodeWorkload();
  SimulationOptions o;
  o.rate_per_s = 5;
  o.duration_s = 10000;
  std::vector<Task> tasks = DrawTasks(w, o);
  // Count ~ Poisson(50000): within 4 standard deviations (224 each).
  CHECK(std::fabs(static_cast<double>(tasks.size()) - 50000) < 4 * std::sqrt(50000.0));
  // Exponential gaps: mean 0.2 s and coefficient of variation 1.
  double sum = 0, sq = 0;
  for (size_t i = 1; i < tasks.size(); ++i) {
    double g = tasks[i].arrival_s - tasks[i - 1].arrival_s;
    sum += g;
    sq += g * g;
  }
  const double n = static_cast<double>(tasks.size() - 1), mean = sum / n, sd = std::sqrt(sq / n - mean * mean);
  CHECK(mean == Approx(0.2).epsilon(0.02));
  CHECK(sd / mean == Approx(1.0).epsilon(0.03));
  size_t a = 0;
  for (const Task& t : tasks) a += t.network == 0;
  CHECK(static_cast<double>(a) / static_cast<double>(tasks.size()) == Approx(0.5).margin(0.02));
}

TEST_CASE("a run is a pure function of its seed", "[simulate]") {
  Workload w = testing::TwoNodeWorkload();
  SimulationOptions o;
  o.rate_per_s = 1.5;
  o.duration_s = 200;
  for (PolicyKind k : AllPolicies()) {
    auto a = Simulate(w, k, {}, o), b = Simulate(w, k, {}, o);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->awt_s == b->awt_s);
    CHECK(a->p99_response_s == b->p99_response_s);
    CHECK(a->tasks == b->tasks);
  }
  SimulationOptions other = o;
  other.seed = 2;
  CHECK(Simulate(w, PolicyKind::kPolling, {}, other)->tasks != Simulate(w, PolicyKind::kPolling, {}, o)->tasks);
}

TEST_CASE("one task alone: response time is its best node's service, no waiting", "[simulate]") {
  Workload w = testing::TwoNodeWorkload();
  SimulationOptions o;
  o.rate_per_s = 0.001;
  o.duration_s = 1000;  // one arrival expected: take the first seed that gives exactly one
  std::vector<Task> tasks;
  for (o.seed = 1; o.seed < 100 && tasks.size() != 1; ++o.seed) tasks = DrawTasks(w, o);
  --o.seed;
  REQUIRE(tasks.size() == 1);
  auto r = Simulate(w, PolicyKind::kSlo, {}, o);
  REQUIRE(r.ok());
  const double best = tasks[0].network == 0 ? 0.1 : 0.2;  // the fast node
  CHECK(r->awt_s == 0);
  CHECK(r->mean_response_s == Approx(best));
  CHECK(r->zero_wait_mean_s == Approx(best));
  CHECK(r->deadline_attainment == 1.0);
}

TEST_CASE("knowing latencies beats not knowing them on a mixed cluster", "[simulate]") {
  // Slow node 10x (net-a) or 2x (net-b) slower: round robin sends half the work there.
  Workload w = testing::TwoNodeWorkload();
  SimulationOptions o;
  o.rate_per_s = 4;
  o.duration_s = 500;
  auto polling = Simulate(w, PolicyKind::kPolling, {}, o), slo = Simulate(w, PolicyKind::kSlo, {}, o),
       ace = Simulate(w, PolicyKind::kAceSniper, {}, o);
  REQUIRE(polling.ok());
  REQUIRE(slo.ok());
  REQUIRE(ace.ok());
  CHECK(slo->mean_response_s < 0.5 * polling->mean_response_s);
  CHECK(ace->mean_response_s < 0.5 * polling->mean_response_s);
  CHECK(slo->deadline_attainment > polling->deadline_attainment);
  // Every network never measured: the SLO-Scheduler is round robin; Ace-Sniper still predicts.
  o.new_network_share = 1;
  auto blind = Simulate(w, PolicyKind::kSlo, {}, o), ace_new = Simulate(w, PolicyKind::kAceSniper, {}, o);
  CHECK(blind->mean_response_s > 2 * ace_new->mean_response_s);
  CHECK(ace_new->mean_response_s == ace->mean_response_s);
}

TEST_CASE("the fluid bound is the LP optimum on a case worked by hand", "[simulate]") {
  Workload w = testing::TwoNodeWorkload();
  // Half the tasks are net-a (0.1 s fast, 1 s slow), half net-b (0.2 s fast, 0.4 s slow). Best:
  // all net-a on fast; net-b split. With rate r: fast busy 0.05 r + 0.2 x = 1, slow 0.4 y = 1 with
  // x + y = 0.5 r: y = 2.5, x = 0.5 r - 2.5, so 0.05 r + 0.1 r - 0.5 = 1, r = 10.
  auto bound = FluidThroughputBound(w);
  REQUIRE(bound.ok());
  CHECK(*bound == Approx(10.0));
}

TEST_CASE("bad simulation options are errors", "[simulate]") {
  Workload w = testing::TwoNodeWorkload();
  SimulationOptions o;
  o.rate_per_s = 0;
  CHECK_FALSE(Simulate(w, PolicyKind::kEdf, {}, o).ok());
  o.rate_per_s = 1;
  o.new_network_share = 1.5;
  CHECK(Simulate(w, PolicyKind::kEdf, {}, o).status().message().find("share") != std::string::npos);
  o.new_network_share = 0;
  o.duration_s = std::nan("");
  CHECK_FALSE(Simulate(w, PolicyKind::kEdf, {}, o).ok());
}

TEST_CASE("cluster files: the default parses; bad ones name what is wrong", "[simulate]") {
  LatencyTable table = testing::TwoNodeWorkload().table;
  auto ok = ParseScenario("nodes:\n  - {name: a, platform: fast, count: 3}\n  - {name: b, platform: slow, bandwidth_mbps: 80}\n"
                          "tasks: {inferences: 4, deadline_slack: [1.5, 3]}\npolicy: {queue_cap: 2}\n",
                          table);
  REQUIRE(ok.ok());
  REQUIRE(ok->workload.nodes.size() == 4);
  CHECK(ok->workload.nodes[0].name == "a-1");
  CHECK(ok->workload.nodes[3].bandwidth_mb_s == Approx(10));
  CHECK(ok->workload.tasks.inferences == 4);
  CHECK(ok->policy.queue_cap == 2);
  auto error = [&](const std::string& yaml) { return ParseScenario(yaml, table).status().message(); };
  CHECK(error("nodes: [").find("not YAML") != std::string::npos);
  CHECK(error("nodes: []").find("'nodes'") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: gpu}\n").find("'gpu'") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast, speed: 3}\n").find("'speed'") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast, bandwidth_mbps: -1}\n").find("bandwidth_mbps") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast, bandwidth_mbps: lots}\n").find("bandwidth_mbps") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast}\n  - {name: a, platform: slow}\n").find("twice") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast}\ntasks: {deadline_slack: [3]}\n").find("deadline_slack") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast}\npolicy: {queue_cap: 0}\n").find("queue_cap") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast}\nextra: 1\n").find("'extra'") != std::string::npos);
  CHECK(error("- 1\n- 2\n").find("mapping") != std::string::npos);

  LatencyTable six;
  six.platforms = {"torch-eager-1t", "torch-eager-2t", "torch-frozen-2t", "torch-noonednn-2t", "torch-refblas-2t", "opencv-2t"};
  six.networks = {"gen-1-0", "resnet50"};
  six.network_sets = {"random", "zoo"};
  six.measured_ms = Eigen::MatrixXd::Ones(2, 6);
  six.predicted_ms = Eigen::MatrixXd::Ones(2, 6);
  auto def = DefaultScenario(six);
  REQUIRE(def.ok());
  CHECK(def->workload.nodes.size() == 10);
  CHECK(def->workload.table.networks == std::vector<std::string>{"gen-1-0"});  // the default draws random networks
}

TEST_CASE("latency tables come from evaluation JSON; malformed ones are errors", "[simulate]") {
  testing::TempDir dir;
  const std::string path = dir.File("eval.json");
  std::ofstream(path) << R"({"results": [
    {"method": "NNS+HRM", "d": 50, "platform": "p1", "networks": ["a", "b"], "measured_ms": [1, 2], "predicted_ms": [1.1, 2.2]},
    {"method": "NNS+HRM", "d": 50, "platform": "p2", "networks": ["b", "a", "c"], "measured_ms": [4, 3, 5], "predicted_ms": [4, 3, 5]},
    {"method": "FLOPs", "d": 50, "platform": "p1", "networks": ["a"], "measured_ms": [1], "predicted_ms": [9]}]})";
  auto t = LatencyTableFromEvaluation(path, "NNS+HRM", 50);
  REQUIRE(t.ok());
  CHECK(t->networks == std::vector<std::string>{"a", "b"});  // c is not on every platform
  CHECK(t->network_sets == std::vector<std::string>{"random", "random"});  // results without a set are random ones
  CHECK(t->measured_ms(1, 1) == 4);
  CHECK(t->predicted_ms(0, 0) == Approx(1.1));
  CHECK(LatencyTableFromEvaluation(path, "NNS+HRM", 10).status().message().find("d = 10") != std::string::npos);
  std::ofstream(dir.File("bad.json")) << R"({"results": [{"method": "NNS+HRM", "d": "fifty"}]})";
  CHECK(LatencyTableFromEvaluation(dir.File("bad.json"), "NNS+HRM", 50).status().message().find("malformed") != std::string::npos);
  std::ofstream(dir.File("notjson.json")) << "{";
  CHECK(LatencyTableFromEvaluation(dir.File("notjson.json"), "NNS+HRM", 50).status().message().find("not JSON") != std::string::npos);
  CHECK_FALSE(LatencyTableFromEvaluation(dir.File("missing.json"), "NNS+HRM", 50).ok());
}

TEST_CASE("latency tables of separate evaluations combine: platforms side by side, common networks", "[simulate]") {
  LatencyTable cpu = testing::TwoNodeWorkload().table;  // net-a, net-b on fast, slow
  cpu.network_sets = {"random", "zoo"};
  cpu.source = "cpu.json";
  LatencyTable gpu;
  gpu.source = "gpu.json";
  gpu.networks = {"net-b", "net-c", "net-a"};
  gpu.platforms = {"gpu"};
  gpu.measured_ms = Eigen::MatrixXd{{2.0}, {3.0}, {1.0}};
  gpu.predicted_ms = Eigen::MatrixXd{{2.5}, {3.5}, {1.5}};
  auto both = CombineLatencyTables({cpu, gpu});
  REQUIRE(both.ok());
  CHECK(both->platforms == std::vector<std::string>{"fast", "slow", "gpu"});
  CHECK(both->networks == std::vector<std::string>{"net-a", "net-b"});  // net-c is only on the GPU
  CHECK(both->network_sets == std::vector<std::string>{"random", "zoo"});
  CHECK(both->measured_ms(0, 2) == 1.0);  // net-a on the GPU: its row there, not the same row index
  CHECK(both->predicted_ms(1, 2) == 2.5);
  CHECK(both->measured_ms(1, 1) == cpu.measured_ms(1, 1));
  CHECK(both->source.find(" + gpu.json") != std::string::npos);
  CHECK(CombineLatencyTables({cpu, cpu}).status().message().find("platform 'fast' is in two") != std::string::npos);
  gpu.networks = {"x", "y", "z"};
  CHECK(CombineLatencyTables({cpu, gpu}).status().message().find("no network in common") != std::string::npos);
  CHECK_FALSE(CombineLatencyTables({}).ok());
}

TEST_CASE("tasks can draw one network set and run at a measured batch size", "[simulate]") {
  LatencyTable table = testing::TwoNodeWorkload().table;
  table.network_sets = {"random", "zoo"};
  table.measured_batch = {1, 1};
  table.features = {{1.0}, {2.0}};

  auto zoo = SelectNetworks(table, "zoo");
  REQUIRE(zoo.ok());
  CHECK(zoo->networks == std::vector<std::string>{"net-b"});
  CHECK(zoo->measured_ms(0, 1) == 400);
  CHECK(zoo->predicted_ms(0, 0) == Approx(220));
  CHECK(zoo->features == std::vector<std::vector<double>>{{2.0}});
  CHECK(SelectNetworks(table, "all")->networks.size() == 2);
  CHECK(SelectNetworks(table, "gpu").status().message().find("'gpu'") != std::string::npos);
  LatencyTable random_only = *SelectNetworks(table, "random");
  CHECK(SelectNetworks(random_only, "zoo").status().message().find("no zoo networks") != std::string::npos);

  // net-b measured at batch 4 on both platforms, net-a only on one: net-a is left out.
  BatchLatencies batch_ms = {{{"net-b", "fast"}, 480}, {{"net-b", "slow"}, 1200}, {{"net-a", "fast"}, 300}};
  LatencyTable batched = table;
  CHECK(UseBatchLatencies(&batched, batch_ms, 4) == 1);
  CHECK(batched.networks == std::vector<std::string>{"net-b"});
  CHECK(batched.network_sets == std::vector<std::string>{"zoo"});
  CHECK(batched.measured_ms(0, 0) == Approx(120));  // 480 ms for 4 inferences
  CHECK(batched.measured_ms(0, 1) == Approx(300));
  CHECK(batched.predicted_ms(0, 0) == Approx(220));  // the model's batch-1 prediction stays
  CHECK(batched.features == std::vector<std::vector<double>>{{2.0}});
  CHECK(batched.measured_batch == std::vector<int>{4});
  CHECK(UseBatchLatencies(&batched, {}, 4) == 0);
  CHECK(batched.networks.empty());

  auto s = ParseScenario("nodes:\n  - {name: a, platform: fast}\ntasks: {inferences: 16, batch: 16, networks: zoo}\n", table);
  REQUIRE(s.ok());
  CHECK(s->workload.tasks.batch == 16);
  CHECK(s->workload.table.networks == std::vector<std::string>{"net-b"});
  auto error = [&](const std::string& yaml) { return ParseScenario(yaml, table).status().message(); };
  CHECK(error("nodes:\n  - {name: a, platform: fast}\ntasks: {inferences: 4, batch: 8}\n").find("'batch'") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast}\ntasks: {batch: 2.5}\n").find("'batch'") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast}\ntasks: {networks: [zoo]}\n").find("'networks'") != std::string::npos);
  CHECK(error("nodes:\n  - {name: a, platform: fast}\ntasks: {networks: imagenet}\n").find("'imagenet'") != std::string::npos);
}
