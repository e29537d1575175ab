#include "acesniper/policy/node_ranking.h"

#include <algorithm>
#include <limits>

namespace acesniper {

const char* NodeRejectionName(NodeRejection r) {
  switch (r) {
    case NodeRejection::kNone: return "none";
    case NodeRejection::kNoEstimate: return "no-estimate";
    case NodeRejection::kQueueFull: return "queue-full";
    case NodeRejection::kTooSlow: return "too-slow";
    case NodeRejection::kMissesDeadline: return "misses-deadline";
  }
  return "?";
}

NodeRanking RankNodes(const std::vector<NodeEstimate>& nodes, double time_left_s, const PolicyOptions& options) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const size_t n = nodes.size();
  NodeRanking r;
  r.rejection.assign(n, NodeRejection::kNone);
  r.finish_s.assign(n, kInf);
  double fastest = kInf;
  for (const NodeEstimate& e : nodes)
    if (e.known) fastest = std::min(fastest, e.service_s);
  for (size_t i = 0; i < n; ++i) {
    const NodeEstimate& e = nodes[i];
    if (!e.known) {
      r.rejection[i] = NodeRejection::kNoEstimate;
      continue;
    }
    r.finish_s[i] = std::max(e.wait_s, 0.0) + e.service_s + e.back_s;
    if (e.unfinished >= options.queue_cap) r.rejection[i] = NodeRejection::kQueueFull;
    else if (options.max_slowdown > 0 && e.service_s > options.max_slowdown * fastest) r.rejection[i] = NodeRejection::kTooSlow;
    else if (r.finish_s[i] <= time_left_s) ++r.meets_deadline;
  }
  double best_finish = kInf;
  for (size_t i = 0; i < n; ++i) {
    if (r.rejection[i] != NodeRejection::kNone) continue;
    if (r.meets_deadline > 0 && r.finish_s[i] > time_left_s) {
      r.rejection[i] = NodeRejection::kMissesDeadline;
      continue;
    }
    if (r.finish_s[i] < best_finish) {
      best_finish = r.finish_s[i];
      r.best = static_cast<int>(i);
    }
  }
  return r;
}

}  // namespace acesniper
