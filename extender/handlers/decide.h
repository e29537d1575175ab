// The decision for one pod over its candidate nodes, as a pure function of the request, the
// snapshot and the time: predicted latency per node (the latency model on each node's HRM), the
// node's waiting time from its queue, then the scheduling library's placement rule (RankNodes,
// the same code the simulator's ace-sniper policy runs). Filter and prioritize both call it.
#pragma once

#include <string>
#include <vector>

#include "acesniper/policy/policy.h"
#include "state/cluster_snapshot.h"
#include "wire/extender_wire.h"

namespace acesniper::extender {

enum class NodeWithoutHrmRule { kNeutral, kFilter };

struct DecideOptions {
  PolicyOptions policy;                 // queue_cap, max_slowdown (time_spinner unused here)
  NodeWithoutHrmRule node_without_hrm = NodeWithoutHrmRule::kNeutral;
  double default_bandwidth_mb_s = 125;  // a node without acesniper.io/bandwidth-mb-s (1 Gbit/s)
  double link_latency_s = 0.001;        // per transfer, each way
};

struct NodeVerdict {
  std::string name;
  bool pass = true;
  bool unresolvable = false;  // preemption cannot help (not runnable, HRM missing)
  std::string reason;         // why it failed, or why it passed without an estimate; empty otherwise
  int score = 0;              // 0..10
  double predicted_ms = -1;   // per inference; -1 when none
  double finish_s = -1;       // Tw + Td + Ti + Tb from now; -1 when none
};

struct PodDecision {
  bool opted_in = false;
  std::string error;                 // non-empty: the pod's annotations are wrong (names which)
  std::vector<NodeVerdict> nodes;    // in candidate order
  int predictions = 0;               // latencies used (from the model or its cache)
  int cache_hits = 0;                // of those, from the prediction cache
  int filtered_for_deadline = 0;     // nodes failed because they would miss Tm
};

struct Candidate {
  std::string name;
  const NodeRecord* record = nullptr;  // null: the extender knows nothing of this node
};

PodDecision DecidePod(const PodInfo& pod, const std::vector<Candidate>& candidates, const ClusterSnapshot& snapshot,
                      const DecideOptions& options, double now_unix_s);

}  // namespace acesniper::extender
