// The laxity policies' placement rule as a pure function of per-node estimates, so that the
// simulator's policies (policy.h) and the Kubernetes extender decide with the same code: only
// where the estimates come from differs (the simulator's book; the extender's view of the
// cluster). Extra limits 1, 2 and 4 of policy.h are applied here; docs/policy.md defines them.
#pragma once

#include <vector>

#include "acesniper/policy/policy.h"

namespace acesniper {

// One candidate node for one task, estimated at the moment of the decision. Seconds.
struct NodeEstimate {
  bool known = false;   // false: no latency estimate for this task on this node
  double wait_s = 0;    // Tw: until the node has finished what it was given
  double service_s = 0; // Td + Ti: the input in, then every inference
  double back_s = 0;    // Tb
  int unfinished = 0;   // tasks placed on the node and not finished
};

enum class NodeRejection {
  kNone,
  kNoEstimate,      // no estimate: the caller decides (the extender has a configurable rule)
  kQueueFull,       // extra limit 1: unfinished >= queue_cap
  kTooSlow,         // extra limit 4: service > max_slowdown x the fastest node's
  kMissesDeadline,  // extra limit 2: estimated to miss Tm while another node meets it
};
const char* NodeRejectionName(NodeRejection r);

struct NodeRanking {
  std::vector<NodeRejection> rejection;  // per node, in input order
  std::vector<double> finish_s;          // Tw + Td + Ti + Tb from now; +inf without an estimate
  int best = -1;                         // earliest finish among the nodes not rejected; -1: none
  int meets_deadline = 0;                // nodes not rejected for another reason that meet Tm
};

// `time_left_s`: Tm minus the time the task has already existed (+inf: no deadline). A node
// that misses Tm is rejected only when some other node not rejected for another reason meets
// it: a task that every node would make late still goes to the one that finishes it first.
NodeRanking RankNodes(const std::vector<NodeEstimate>& nodes, double time_left_s, const PolicyOptions& options);

}  // namespace acesniper
