#include "acesniper/model/key_features.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "acesniper/model/linear_fit.h"
#include "acesniper/model/stats.h"

namespace acesniper {

namespace {

std::vector<double> ToStd(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

}  // namespace

Result<KeyFeatureSelection> ExtractKeyFeatures(const Eigen::MatrixXd& features, const Eigen::VectorXd& target,
                                               const KeyFeatureOptions& options) {
  if (features.rows() != target.size())
    return Status::InvalidArgument("key features: " + std::to_string(features.rows()) + " networks but " +
                                   std::to_string(target.size()) + " latencies");
  if (features.rows() < 3) return Status::InvalidArgument("key features: need at least 3 networks");
  if (options.max_features < 1) return Status::InvalidArgument("key features: max_features must be >= 1");
  if (!features.allFinite() || !target.allFinite())
    return Status::InvalidArgument("key features: non-finite feature or latency");

  KeyFeatureSelection out;
  std::vector<bool> used(static_cast<size_t>(features.cols()), false);
  std::vector<std::vector<double>> columns(static_cast<size_t>(features.cols()));
  for (Eigen::Index j = 0; j < features.cols(); ++j) columns[static_cast<size_t>(j)] = ToStd(features.col(j));
  std::vector<double> residual = ToStd(target);
  int limit = std::min<int>(options.max_features, static_cast<int>(features.cols()));
  while (static_cast<int>(out.columns.size()) < limit) {
    int best = -1;
    double best_r = options.min_abs_pearson;
    for (size_t j = 0; j < columns.size(); ++j) {
      if (used[j]) continue;
      double r = std::fabs(Pearson(columns[j], residual));
      if (r > best_r) {
        best_r = r;
        best = static_cast<int>(j);
      }
    }
    if (best < 0) break;
    used[static_cast<size_t>(best)] = true;
    out.columns.push_back(best);
    out.abs_pearson.push_back(best_r);
    Eigen::MatrixXd picked(features.rows(), static_cast<Eigen::Index>(out.columns.size()));
    for (size_t k = 0; k < out.columns.size(); ++k) picked.col(static_cast<Eigen::Index>(k)) = features.col(out.columns[k]);
    Result<LinearFit> fit = FitLinear(picked, target);
    if (!fit.ok()) return fit.status().WithContext("key features");
    Eigen::VectorXd e = target - fit->Predict(picked);
    residual = ToStd(e);
    out.residual_rms.push_back(std::sqrt(e.squaredNorm() / static_cast<double>(e.size())));
  }
  return out;
}

}  // namespace acesniper
