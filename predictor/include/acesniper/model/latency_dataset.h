// The measured dataset as a matrix: networks (with their features) x platforms -> latency.
// Built from measurement stores and the feature table; the training and evaluation input.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "acesniper/analyze/feature_table.h"
#include "acesniper/common/status.h"
#include "acesniper/measure/store.h"

namespace acesniper {

struct LatencyDataset {
  std::vector<std::string> platforms;     // names, in first-seen order
  std::vector<std::string> platform_ids;  // fingerprint id of each
  std::vector<FeatureRow> networks;       // feature table order, measured networks only
  Eigen::MatrixXd latency_ms;             // networks x platforms: median ms of ok rows, NaN otherwise
  // networks x platforms: the MeasureStatus of the row, or -1 where there is none.
  Eigen::Matrix<int8_t, Eigen::Dynamic, Eigen::Dynamic> status;

  int FindNetwork(const std::string& name) const;   // -1 if absent
  int FindPlatform(const std::string& name) const;  // -1 if absent
  double FeatureValue(int network, const std::string& feature) const;
};

// Rows of one batch size. Errors: a measured network missing from the feature table, or whose
// name and hash disagree with it; a platform name with two fingerprints (say which: the software
// changed, and the two need different names); the same (platform, network) twice.
Result<LatencyDataset> BuildLatencyDataset(const std::vector<MeasurementRecord>& records,
                                           const std::vector<FeatureRow>& features, int64_t batch = 1);

// Features as model inputs: log1p of every value (counts and FLOPs span decades).
Eigen::MatrixXd NetworkInputs(const LatencyDataset& data);
Eigen::VectorXd NetworkInputRow(const std::vector<double>& feature_values);

}  // namespace acesniper
