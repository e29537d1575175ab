// Yardstick: the fluid (linear-programming) upper bound on the task rate a node mix can sustain.
// Tasks of network j make up a share p_j of arrivals; x_jn tasks/s of network j go to node n,
// each occupying it for s_jn = Td + Ti (measured). Maximise the rate r subject to
//   sum_n x_jn = p_j r  for every network,   sum_j x_jn s_jn <= 1  for every node,   x >= 0.
// No scheduler sustains more. Solved with GLPK's simplex (a Debian package).
#pragma once

#include "acesniper/common/status.h"
#include "acesniper/simulate/workload.h"

namespace acesniper {

// Networks are equally likely (as DrawTasks draws them).
Result<double> FluidThroughputBound(const Workload& w);

}  // namespace acesniper
