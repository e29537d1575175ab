// The structure checker's second duty (section IV-D): mark (network, platform) pairs the platform
// cannot run. A runner reports such networks as "unsupported" (docs/measurement.md); from those
// reports we learn which operator classes (the analyzer's count_* features) the platform lacks:
// classes never present in a network it ran, picked greedily until they explain every
// unsupported network. A new network that uses one of them is not runnable there. (Routing by
// size, the checker's first duty, is LatencyModel::small_flops.)
#pragma once

#include <string>
#include <vector>

#include "acesniper/model/latency_dataset.h"

namespace acesniper {

struct UnsupportedOperators {
  std::vector<std::string> classes;       // count_* feature names
  std::vector<std::string> unexplained;   // unsupported networks no class explains
};

UnsupportedOperators LearnUnsupportedOperators(const LatencyDataset& data, int platform);

// False when the network uses an operator class in `classes`.
bool IsRunnable(const std::vector<double>& features, const std::vector<std::string>& classes);

}  // namespace acesniper
