// Graph -> an in-memory TorchScript module (what WriteTorchScript saves), for runners that
// measure a network without writing it to disk. LibTorch types: acesniper_torch only.
#pragma once

#include <torch/script.h>

#include <cstdint>

#include "acesniper/common/status.h"
#include "acesniper/graph/graph.h"

namespace acesniper {

// The module in eval mode; its weights come from InitLayerWeights(g, i, weight_seed).
Result<torch::jit::Module> BuildTorchModule(const Graph& g, uint64_t weight_seed);

}  // namespace acesniper
