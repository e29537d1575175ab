// Where a policy's idea of inference latency comes from: measured latencies (the SLO-Scheduler's
// oracle, which has none for a network never measured), or the latency model's predictions.
#pragma once

#include <optional>

namespace acesniper {

class LatencySource {
 public:
  virtual ~LatencySource() = default;
  // Milliseconds per inference of `network` on `platform`, or nothing when this source does not
  // know it.
  virtual std::optional<double> InferenceMs(int network, int platform) const = 0;
};

}  // namespace acesniper
