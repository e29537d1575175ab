// The "layer cost" feature group (schema acesniper.nns/v2, input-size bins since v3, fc weights,
// exponential activations, pooling windows and grouped-convolution elements since v4): the quantities a per-layer cost
// model prices. Latency on a CPU is close to a sum over layers, each costing by its kind and
// shape; these features are that sum's terms, so a model linear in them (model/cost_prior.h) is
// a sum of per-layer costs. docs/features.md defines each one.
#pragma once

#include <functional>
#include <string>

#include "acesniper/graph/graph.h"

namespace acesniper {

// Adds node `i`'s cost terms to the features through `at` (a feature's value by name). Called for
// every node but the input, counted or not (layout ops move data too).
void AddLayerCostTerms(const Graph& g, int i, const std::function<double&(const char*)>& at);

}  // namespace acesniper
