// A hand-made workload for policy and simulator tests: 2 networks on 2 platforms, 2 nodes with
// instant links, so that every time in a test can be worked out by hand.
#pragma once

#include <cmath>

#include "acesniper/simulate/workload.h"

namespace acesniper::testing {

// Network 0 takes 100 ms per inference on platform 0 ("fast") and 1000 ms on platform 1 ("slow");
// network 1 takes 200 ms and 400 ms. Predictions are 10 % high.
inline Workload TwoNodeWorkload() {
  Workload w;
  w.table.networks = {"net-a", "net-b"};
  w.table.platforms = {"fast", "slow"};
  w.table.measured_ms.resize(2, 2);
  w.table.measured_ms << 100, 1000, 200, 400;
  w.table.predicted_ms = w.table.measured_ms * 1.1;
  w.nodes = {{"n-fast", 0, 1e9, 0.0}, {"n-slow", 1, 1e9, 0.0}};
  w.tasks.inferences = 1;
  w.tasks.input_mb_per_inference = 0;
  w.tasks.result_mb_per_inference = 0;
  return w;
}

}  // namespace acesniper::testing
