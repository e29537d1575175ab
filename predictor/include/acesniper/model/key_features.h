// Key feature extraction, the paper's Algorithm 1: repeatedly pick the feature with the largest
// |Pearson| against the current target, fit the original target linearly on the picked features,
// and make the residual the new target.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "acesniper/common/status.h"

namespace acesniper {

struct KeyFeatureOptions {
  int max_features = 7;           // K: the paper ends with seven key features
  double min_abs_pearson = 1e-6;  // stop early when no remaining feature correlates with the residual
};

struct KeyFeatureSelection {
  std::vector<int> columns;             // picked columns of the feature matrix, in pick order
  std::vector<double> abs_pearson;      // |r| of each against the residual it was picked on
  std::vector<double> residual_rms;     // RMS of the residual after each pick
};

// features: one row per network, one column per feature; target: latency (or any transform of
// it). Errors: mismatched sizes, fewer than 3 rows, non-finite values, max_features < 1.
Result<KeyFeatureSelection> ExtractKeyFeatures(const Eigen::MatrixXd& features, const Eigen::VectorXd& target,
                                               const KeyFeatureOptions& options = {});

}  // namespace acesniper
