// The discrete-event cluster simulator (own event loop, deterministic under a seed). Tasks
// arrive as a Poisson process at `rate_per_s` for `duration_s`; each draws a network uniformly
// from the latency table and a deadline slack. A node runs one task at a time: it receives the
// input (Td), runs the inferences (Ti, the measured latency), and the result travels back (Tb)
// while the node starts its next task. The run continues until every task has finished, so
// waiting times are complete; throughput counts only what finished within the duration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/policy/policy.h"
#include "acesniper/simulate/workload.h"

namespace acesniper {

// A run holds every task in memory: rate x duration above this is refused.
inline constexpr double kMaxExpectedTasks = 2e7;

struct SimulationOptions {
  double rate_per_s = 10;
  double duration_s = 400;
  uint64_t seed = 1;
  // Share of the table's networks that were never measured: the SLO-Scheduler has no latency for
  // them (round robin); the latency model predicts them as any other.
  double new_network_share = 0;
};

struct SimulationResult {
  std::string policy;
  double rate_per_s = 0, new_network_share = 0;
  size_t tasks = 0, finished_in_time = 0;  // finished_in_time: finished within duration_s
  double tps = 0;                 // tasks finished within the duration, per second
  double goodput = 0;             // of those, the ones that met Tm, per second
  double awt_s = 0;               // average waiting time Tw
  double mean_response_s = 0, p99_response_s = 0;
  double deadline_attainment = 0; // share of all tasks with Tr <= Tm
  double load_std = 0;            // standard deviation over nodes of the busy share within the duration
  double zero_wait_mean_s = 0;    // yardstick: mean best Td + Ti + Tb with no waiting at all
  double makespan_s = 0;          // when the last task finished
};

// The tasks of one run: the same for every policy at the same (seed, rate, duration).
std::vector<Task> DrawTasks(const Workload& w, const SimulationOptions& o);

// One run of one policy. Errors: bad options or a policy that cannot be built.
Result<SimulationResult> Simulate(const Workload& w, PolicyKind policy, const PolicyOptions& policy_options,
                                  const SimulationOptions& o);

}  // namespace acesniper
