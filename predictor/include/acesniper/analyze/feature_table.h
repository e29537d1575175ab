// The feature table: one CSV row per network (name, network_hash, every feature of the schema
// in FeatureDefs() order). It is the "DNN -> features" step written down once, so that training
// and evaluation need neither the generator nor the model files. Plain or .gz on reading.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "acesniper/analyze/features.h"
#include "acesniper/common/status.h"

namespace acesniper {

struct FeatureRow {
  std::string network;       // e.g. gen-1-17, resnet50
  std::string network_hash;  // GraphStructureHash
  std::vector<double> values;  // FeatureDefs() order
};

// "network,network_hash,<feature names>"
std::string FeatureTableHeader();
std::string FormatFeatureRow(const FeatureRow& row);

// Strict: the header must match this build's schema exactly (a table from another schema is
// refused, naming the first differing column), every value must be a finite number, and a
// network_hash may appear only once.
Result<std::vector<FeatureRow>> ReadFeatureTable(const std::string& path);
Result<std::vector<FeatureRow>> ParseFeatureTable(const std::string& text, const std::string& source);

}  // namespace acesniper
