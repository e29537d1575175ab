// Scheduling policies (sections III-A, IV-D, V-C): where a task runs and in which order a node
// runs its queue. One library for the simulator and the Kubernetes extender: only the clock and
// the source of events differ. docs/policy.md defines each policy and the "extra limits".
//
//   polling     round robin on arrival; each node runs its queue first come, first served.
//   edf         the node with the fewest unfinished tasks; each node runs its queue by earliest
//               deadline. Neither knows any latency.
//   slo         the measurement-based SLO-Scheduler: latencies measured on every platform. It
//               places a task where it is estimated to finish first and runs queues by least
//               laxity; a network it has no measurement for goes round robin (its fallback).
//   ace-sniper  the same least-laxity rule on latencies predicted by the latency model from each
//               node's HRM vector, corrected per node by a time spinner from finished tasks.
//
// Extra limits of the laxity policies: (1) at most queue_cap unfinished tasks per node; a task
// arriving when every node is full waits in a central queue, ordered by laxity, for the next
// node to finish; (2) a task goes to the node with the earliest estimated completion, so it is
// never placed where it is estimated to miss Tm while another node is estimated to meet it;
// (3) a task that can no longer meet Tm yields to those that still can (DefersLateTasks);
// (4) a task is never placed on a node more than max_slowdown times slower (estimated) than its
// fastest node: a slow node's time goes to the tasks it is relatively good at.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/model/time_spinner.h"
#include "acesniper/policy/latency_source.h"
#include "acesniper/policy/task.h"

namespace acesniper {

enum class PolicyKind { kPolling, kEdf, kSlo, kAceSniper };
const char* PolicyName(PolicyKind k);
Result<PolicyKind> ParsePolicyName(const std::string& name);  // polling, edf, slo, ace-sniper
std::vector<PolicyKind> AllPolicies();

struct PolicyOptions {
  int queue_cap = 4;          // laxity policies: unfinished tasks per node before tasks wait centrally
  double max_slowdown = 2;    // laxity policies: never place on a node this many times slower than the
                              // task's fastest node (0: no limit); docs/policy.md shows why 2
  bool time_spinner = true;   // ace-sniper: correct each node's predictions from finished tasks
  TimeSpinnerOptions spinner = [] {
    TimeSpinnerOptions o;
    o.refit_every = 8;        // a refit is 256 x ~60 Pearson terms: every 8th task is plenty
    return o;
  }();
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual const char* name() const = 0;
  // The node for a task that arrives, or waits centrally, at `now`; -1: keep it waiting
  // centrally until a node finishes a task.
  virtual int Place(const Task& t, double now) = 0;
  // A node's queue runs the task with the lowest key first; node -1 is the central queue.
  virtual double QueueKey(const Task& t, int node) const = 0;
  // True when keys are latest start times (deadline - estimated service): then the task with the
  // lowest key not yet past runs first, and tasks that can no longer meet Tm wait until none
  // that can is left (extra limit 3: a late task does not make a punctual one late too).
  virtual bool DefersLateTasks() const { return false; }
  // The task finished on `node` at `now`; each inference really took `inference_ms`.
  virtual void Completed(const Task& t, int node, double now, double inference_ms) = 0;
};

// `source`: the latencies the policy may use (slo: measured; ace-sniper: predicted); the others
// ignore it. The policy keeps pointers to `nodes` and `source`: they must outlive it.
Result<std::unique_ptr<Policy>> MakePolicy(PolicyKind kind, const std::vector<ClusterNode>& nodes, const LatencySource* source,
                                           const PolicyOptions& options = {});

}  // namespace acesniper
