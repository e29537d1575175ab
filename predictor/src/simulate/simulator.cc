#include "acesniper/simulate/simulator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include "acesniper/generate/generator.h"
#include "acesniper/simulate/event_queue.h"

namespace acesniper {

namespace {

enum EventKind { kArrival = 0, kFinish = 1 };

// A latency table as a policy's source; networks in `unknown` were never measured.
class TableSource : public LatencySource {
 public:
  TableSource(const Eigen::MatrixXd& ms, std::vector<bool> unknown) : ms_(ms), unknown_(std::move(unknown)) {}
  std::optional<double> InferenceMs(int network, int platform) const override {
    if (network < 0 || network >= ms_.rows() || platform < 0 || platform >= ms_.cols()) return std::nullopt;
    if (!unknown_.empty() && unknown_[static_cast<size_t>(network)]) return std::nullopt;
    return ms_(network, platform);
  }

 private:
  const Eigen::MatrixXd& ms_;
  std::vector<bool> unknown_;
};

// Which networks count as never measured: round(share x N) of them, chosen by the seed.
std::vector<bool> NewNetworks(size_t n, double share, uint64_t seed) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  SplitMix64 rng(seed ^ 0x6e65772d6e657473ULL);
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[static_cast<size_t>(rng.Uniform(static_cast<int64_t>(i)))]);
  std::vector<bool> unknown(n, false);
  const auto count = static_cast<size_t>(std::llround(share * static_cast<double>(n)));
  for (size_t i = 0; i < count && i < n; ++i) unknown[order[i]] = true;
  return unknown;
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos)), hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

std::vector<Task> DrawTasks(const Workload& w, const SimulationOptions& o) {
  std::vector<Task> tasks;
  const TaskTemplate& tt = w.tasks;
  const auto networks = static_cast<int64_t>(w.table.networks.size());
  if (networks == 0 || !(o.rate_per_s > 0)) return tasks;
  std::vector<double> zero_wait(static_cast<size_t>(networks));
  for (int64_t j = 0; j < networks; ++j) zero_wait[static_cast<size_t>(j)] = ZeroWaitSeconds(w, static_cast<int>(j), tt);
  SplitMix64 rng(o.seed);
  double t = 0;
  for (uint64_t id = 0;; ++id) {
    t += -std::log(1.0 - rng.Unit()) / o.rate_per_s;  // exponential gaps: a Poisson process
    if (t >= o.duration_s) break;
    Task task;
    task.id = id;
    task.network = static_cast<int>(rng.Uniform(networks));
    task.arrival_s = t;
    const double slack = tt.deadline_slack_min + rng.Unit() * (tt.deadline_slack_max - tt.deadline_slack_min);
    task.deadline_s = t + slack * zero_wait[static_cast<size_t>(task.network)];
    task.inferences = tt.inferences;
    task.input_mb = tt.inferences * tt.input_mb_per_inference;
    task.result_mb = tt.inferences * tt.result_mb_per_inference;
    if (!w.table.features.empty()) task.features = &w.table.features[static_cast<size_t>(task.network)];
    tasks.push_back(task);
  }
  return tasks;
}

Result<SimulationResult> Simulate(const Workload& w, PolicyKind kind, const PolicyOptions& policy_options,
                                  const SimulationOptions& o) {
  if (!(o.rate_per_s > 0) || !std::isfinite(o.rate_per_s)) return Status::InvalidArgument("the task rate must be > 0");
  if (!(o.duration_s > 0) || !std::isfinite(o.duration_s)) return Status::InvalidArgument("the duration must be > 0");
  if (o.rate_per_s * o.duration_s > kMaxExpectedTasks)
    return Status::InvalidArgument("rate x duration asks for more than " + std::to_string(static_cast<long>(kMaxExpectedTasks)) +
                                   " tasks");
  if (!(o.new_network_share >= 0 && o.new_network_share <= 1))
    return Status::InvalidArgument("the share of new networks must be within [0, 1]");
  if (w.nodes.empty() || w.table.networks.empty()) return Status::InvalidArgument("the workload has no nodes or no networks");
  for (const ClusterNode& n : w.nodes)
    if (n.platform < 0 || n.platform >= w.table.measured_ms.cols())
      return Status::InvalidArgument("node '" + n.name + "' has a platform the latency table lacks");

  const std::vector<Task> tasks = DrawTasks(w, o);
  TableSource measured(w.table.measured_ms, NewNetworks(w.table.networks.size(), o.new_network_share, o.seed));
  TableSource predicted(w.table.predicted_ms, {});
  Result<std::unique_ptr<Policy>> made =
      MakePolicy(kind, w.nodes, kind == PolicyKind::kSlo ? static_cast<const LatencySource*>(&measured) : &predicted,
                 policy_options);
  if (!made.ok()) return made.status();
  Policy& policy = **made;

  using Key = std::pair<double, uint64_t>;  // (policy's queue key, task id)
  struct NodeRun {
    bool busy = false;
    std::map<Key, size_t> queue;
    double busy_in_window = 0;
  };
  std::vector<NodeRun> nodes(w.nodes.size());
  std::map<Key, size_t> central;
  std::vector<int> node_of(tasks.size(), -1);
  std::vector<double> start(tasks.size(), 0), done(tasks.size(), 0);
  EventQueue events;
  for (size_t i = 0; i < tasks.size(); ++i) events.Schedule(tasks[i].arrival_s, kArrival, static_cast<int64_t>(i));

  auto actual_ms = [&](const Task& t, int node) {
    return w.table.measured_ms(t.network, w.nodes[static_cast<size_t>(node)].platform);
  };
  // The queue entry to run next: the lowest key; with late-task deferral, the lowest not yet past.
  const bool defer = policy.DefersLateTasks();
  auto next_of = [&](std::map<Key, size_t>& q, double now) {
    if (!defer) return q.begin();
    auto it = q.lower_bound(Key{now, 0});
    return it == q.end() ? q.begin() : it;
  };
  auto try_start = [&](int node, double now) {
    NodeRun& n = nodes[static_cast<size_t>(node)];
    if (n.busy || n.queue.empty()) return;
    auto next = next_of(n.queue, now);
    const size_t i = next->second;
    n.queue.erase(next);
    const Task& t = tasks[i];
    const double service = TransferInSeconds(t, w.nodes[static_cast<size_t>(node)]) + t.inferences * actual_ms(t, node) / 1000.0;
    n.busy = true;
    n.busy_in_window += std::max(0.0, std::min(now + service, o.duration_s) - std::min(now, o.duration_s));
    start[i] = now;
    events.Schedule(now + service, kFinish, static_cast<int64_t>(i));
  };
  auto assign = [&](size_t i, int node, double now) {
    node_of[i] = node;
    nodes[static_cast<size_t>(node)].queue.emplace(Key{policy.QueueKey(tasks[i], node), tasks[i].id}, i);
    try_start(node, now);
  };

  while (!events.empty()) {
    const SimEvent e = events.Pop();
    const auto i = static_cast<size_t>(e.subject);
    const Task& t = tasks[i];
    if (e.kind == kArrival) {
      int node = policy.Place(t, e.time);
      if (node < 0) central.emplace(Key{policy.QueueKey(t, -1), t.id}, i);
      else assign(i, node, e.time);
      continue;
    }
    const int node = node_of[i];
    const ClusterNode& where = w.nodes[static_cast<size_t>(node)];
    done[i] = e.time + TransferBackSeconds(t, where);
    policy.Completed(t, node, e.time, actual_ms(t, node));
    nodes[static_cast<size_t>(node)].busy = false;
    while (!central.empty()) {
      auto next = next_of(central, e.time);
      const size_t c = next->second;
      int to = policy.Place(tasks[c], e.time);
      if (to < 0) break;
      central.erase(next);
      assign(c, to, e.time);
    }
    try_start(node, e.time);
  }

  SimulationResult r;
  r.policy = policy.name();
  r.rate_per_s = o.rate_per_s;
  r.new_network_share = o.new_network_share;
  r.tasks = tasks.size();
  std::vector<double> response;
  double wait_sum = 0, zero_wait_sum = 0;
  size_t met = 0, good = 0;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const Task& t = tasks[i];
    const double tr = done[i] - t.arrival_s;
    response.push_back(tr);
    wait_sum += start[i] - t.arrival_s;
    zero_wait_sum += ZeroWaitSeconds(w, t.network, w.tasks);
    const bool meets = done[i] <= t.deadline_s;
    met += meets;
    if (done[i] <= o.duration_s) {
      ++r.finished_in_time;
      good += meets;
    }
    r.makespan_s = std::max(r.makespan_s, done[i]);
  }
  if (!tasks.empty()) {
    const double n = static_cast<double>(tasks.size());
    r.awt_s = wait_sum / n;
    r.mean_response_s = std::accumulate(response.begin(), response.end(), 0.0) / n;
    r.p99_response_s = Percentile(response, 0.99);
    r.deadline_attainment = static_cast<double>(met) / n;
    r.zero_wait_mean_s = zero_wait_sum / n;
  }
  r.tps = static_cast<double>(r.finished_in_time) / o.duration_s;
  r.goodput = static_cast<double>(good) / o.duration_s;
  double mean_load = 0;
  for (const NodeRun& n : nodes) mean_load += n.busy_in_window / o.duration_s;
  mean_load /= static_cast<double>(nodes.size());
  double var = 0;
  for (const NodeRun& n : nodes) var += std::pow(n.busy_in_window / o.duration_s - mean_load, 2);
  r.load_std = std::sqrt(var / static_cast<double>(nodes.size()));
  return r;
}

}  // namespace acesniper
