// Deterministic weights for a graph's layers, so that the TorchScript and the ONNX form of a
// generated network carry the very same numbers (and give the same outputs on any runtime).
#pragma once

#include <cstdint>
#include <vector>

#include "acesniper/graph/graph.h"

namespace acesniper {

struct LayerWeights {
  Shape weight_shape;          // conv [out, in/groups, kh, kw]; linear [out, in]; norm [C]
  std::vector<float> weight;   // He-normal for conv/linear; norm scale near 1
  std::vector<float> bias;     // empty when the layer has none
  std::vector<float> mean;     // batch norm running mean
  std::vector<float> var;      // batch norm running variance (positive)
};

// Weights of node `index` (conv, linear, batch and layer norm; empty for other ops), a pure function of
// (graph, index, seed).
LayerWeights InitLayerWeights(const Graph& g, int index, uint64_t seed);

}  // namespace acesniper
