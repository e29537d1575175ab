#include "acesniper/policy/policy.h"

#include "acesniper/policy/node_ranking.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

namespace acesniper {

const char* PolicyName(PolicyKind k) {
  switch (k) {
    case PolicyKind::kPolling: return "polling";
    case PolicyKind::kEdf: return "edf";
    case PolicyKind::kSlo: return "slo";
    case PolicyKind::kAceSniper: return "ace-sniper";
  }
  return "?";
}

std::vector<PolicyKind> AllPolicies() {
  return {PolicyKind::kPolling, PolicyKind::kEdf, PolicyKind::kSlo, PolicyKind::kAceSniper};
}

Result<PolicyKind> ParsePolicyName(const std::string& name) {
  for (PolicyKind k : AllPolicies())
    if (name == PolicyName(k)) return k;
  return Status::InvalidArgument("unknown policy '" + name + "' (known: polling, edf, slo, ace-sniper)");
}

namespace {

// Round robin on arrival, first come first served on the node.
class PollingPolicy : public Policy {
 public:
  explicit PollingPolicy(const std::vector<ClusterNode>& nodes) : nodes_(nodes) {}
  const char* name() const override { return "polling"; }
  int Place(const Task&, double) override { return static_cast<int>(next_++ % nodes_.size()); }
  double QueueKey(const Task& t, int) const override { return t.arrival_s; }
  void Completed(const Task&, int, double, double) override {}

 private:
  const std::vector<ClusterNode>& nodes_;
  uint64_t next_ = 0;
};

// Fewest unfinished tasks (ties: round robin); earliest deadline first on the node.
class EdfPolicy : public Policy {
 public:
  explicit EdfPolicy(const std::vector<ClusterNode>& nodes) : unfinished_(nodes.size(), 0) {}
  const char* name() const override { return "edf"; }
  int Place(const Task&, double) override {
    const size_t n = unfinished_.size();
    size_t best = start_ % n;
    for (size_t k = 1; k < n; ++k) {
      size_t i = (start_ + k) % n;
      if (unfinished_[i] < unfinished_[best]) best = i;
    }
    ++start_;
    ++unfinished_[best];
    return static_cast<int>(best);
  }
  double QueueKey(const Task& t, int) const override { return t.deadline_s; }
  void Completed(const Task&, int node, double, double) override { --unfinished_[static_cast<size_t>(node)]; }

 private:
  std::vector<int> unfinished_;
  size_t start_ = 0;
};

// Least laxity first on estimated latencies (slo: measured; ace-sniper: predicted + spinner).
class LaxityPolicy : public Policy {
 public:
  LaxityPolicy(const char* name, const std::vector<ClusterNode>& nodes, const LatencySource* source, const PolicyOptions& o,
               bool spinner)
      : name_(name), nodes_(nodes), source_(source), options_(o), free_at_(nodes.size(), 0.0),
        unfinished_(nodes.size(), 0) {
    if (spinner) spinners_.assign(nodes.size(), TimeSpinner(o.spinner));
  }
  const char* name() const override { return name_; }
  bool DefersLateTasks() const override { return true; }

  int Place(const Task& t, double now) override {
    const size_t n = nodes_.size();
    int best = -1;
    std::vector<double> service(n, 0.0);
    bool known = true;
    for (size_t i = 0; i < n && known; ++i) {
      std::optional<double> s = ServiceSeconds(t, static_cast<int>(i));
      if (!s) known = false;
      else service[i] = *s;
    }
    if (!known) {  // no latency for this network: the fallback, round robin
      best = static_cast<int>(round_robin_++ % n);
      Book(t, best, now, 0.0);
      return best;
    }
    std::vector<NodeEstimate> estimates(n);
    for (size_t i = 0; i < n; ++i)
      estimates[i] = {true, free_at_[i] - now, service[i], TransferBackSeconds(t, nodes_[i]), unfinished_[i]};
    best = RankNodes(estimates, t.deadline_s - now, options_).best;
    if (best >= 0) Book(t, best, now, service[static_cast<size_t>(best)]);
    return best;
  }

  double QueueKey(const Task& t, int node) const override {
    if (node >= 0) {
      std::optional<double> s = ServiceSeconds(t, node);
      return t.deadline_s - s.value_or(0.0);
    }
    double fastest = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (std::optional<double> s = ServiceSeconds(t, static_cast<int>(i))) fastest = std::min(fastest, *s);
    return t.deadline_s - (std::isfinite(fastest) ? fastest : 0.0);
  }

  void Completed(const Task& t, int node, double, double inference_ms) override {
    const size_t i = static_cast<size_t>(node);
    auto it = booked_.find(t.id);
    const double estimate = it == booked_.end() ? 0.0 : it->second;
    if (it != booked_.end()) booked_.erase(it);
    const double actual = TransferInSeconds(t, nodes_[i]) + t.inferences * inference_ms / 1000.0;
    free_at_[i] += actual - estimate;  // the book now holds what really happened
    --unfinished_[i];
    if (!spinners_.empty() && t.features) {
      if (std::optional<double> raw = source_->InferenceMs(t.network, nodes_[i].platform))
        spinners_[i].Observe(*t.features, static_cast<uint64_t>(t.network), *raw, inference_ms);
    }
  }

 private:
  // Td + Ti on the node, estimated; nothing when the source does not know the network.
  std::optional<double> ServiceSeconds(const Task& t, int node) const {
    const ClusterNode& n = nodes_[static_cast<size_t>(node)];
    std::optional<double> ms = source_ ? source_->InferenceMs(t.network, n.platform) : std::nullopt;
    if (!ms) return std::nullopt;
    double per = *ms;
    if (!spinners_.empty() && t.features)
      per = spinners_[static_cast<size_t>(node)].Correct(*t.features, static_cast<uint64_t>(t.network), per);
    return TransferInSeconds(t, n) + t.inferences * per / 1000.0;
  }

  void Book(const Task& t, int node, double now, double service) {
    const size_t i = static_cast<size_t>(node);
    free_at_[i] = std::max(free_at_[i], now) + service;
    ++unfinished_[i];
    booked_[t.id] = service;
  }

  const char* name_;
  const std::vector<ClusterNode>& nodes_;
  const LatencySource* source_;
  PolicyOptions options_;
  std::vector<double> free_at_;   // when each node is estimated to finish what it was given
  std::vector<int> unfinished_;
  std::unordered_map<uint64_t, double> booked_;  // task -> the service time it was booked with
  std::vector<TimeSpinner> spinners_;
  uint64_t round_robin_ = 0;
};

}  // namespace

Result<std::unique_ptr<Policy>> MakePolicy(PolicyKind kind, const std::vector<ClusterNode>& nodes, const LatencySource* source,
                                           const PolicyOptions& options) {
  if (nodes.empty()) return Status::InvalidArgument("a policy needs at least one node");
  if (options.queue_cap < 1) return Status::InvalidArgument("queue_cap must be at least 1");
  switch (kind) {
    case PolicyKind::kPolling: return std::unique_ptr<Policy>(new PollingPolicy(nodes));
    case PolicyKind::kEdf: return std::unique_ptr<Policy>(new EdfPolicy(nodes));
    case PolicyKind::kSlo:
    case PolicyKind::kAceSniper:
      if (!source) return Status::InvalidArgument(std::string(PolicyName(kind)) + " needs a latency source");
      return std::unique_ptr<Policy>(new LaxityPolicy(PolicyName(kind), nodes, source, options,
                                                      kind == PolicyKind::kAceSniper && options.time_spinner));
  }
  return Status::InvalidArgument("unknown policy");
}

}  // namespace acesniper
