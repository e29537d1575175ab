// The network structure analyzer: Table III's dimensions as named features of a Graph.
// Every feature has a stable name in a versioned schema (kFeatureSchema); docs/features.md
// defines each one precisely. Features never travel as bare positional vectors.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "acesniper/graph/graph.h"

namespace acesniper {

inline constexpr const char* kFeatureSchema = "acesniper.nns/v4";

struct FeatureDef {
  const char* name;
  const char* dimension;  // Table III dimension, "memory access", "extra" or "layer cost"
  const char* meaning;
};

// All features in schema order.
const std::vector<FeatureDef>& FeatureDefs();
// FeatureDefs() index of a feature name; -1 when the schema has no such feature.
int FeatureIndex(const std::string& name);
// The "layer cost" group (schema v2): what the cost prior reads, and the PCN does not.
inline constexpr const char* kLayerCostDimension = "layer cost";
bool IsLayerCostFeature(const FeatureDef& def);

class Features {
 public:
  // Value by name; aborts never: an unknown name gives NaN.
  double Get(const std::string& name) const;
  const std::vector<double>& values() const { return values_; }  // in FeatureDefs() order
  std::vector<std::pair<std::string, double>> Named() const;

 private:
  friend Features AnalyzeGraph(const Graph& g);
  std::vector<double> values_;
};

// Computes every feature of the schema. The graph must have passed Graph::Validate().
Features AnalyzeGraph(const Graph& g);

}  // namespace acesniper
