#include "acesniper/model/time_spinner.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <boost/math/distributions/students_t.hpp>

#include "acesniper/analyze/features.h"
#include "acesniper/model/stats.h"

namespace acesniper {

namespace {

// The |t| a correlation must reach over n points for the best of `features` tries to be
// significant at `alpha` overall: Student's t with n - 2 degrees of freedom at alpha / features,
// two-sided (Bonferroni).
double FeatureThreshold(size_t n, size_t features, double alpha) {
  if (n < 3 || features == 0 || !(alpha > 0)) return INFINITY;
  if (alpha >= 1) return 0;
  const boost::math::students_t dist(static_cast<double>(n - 2));
  return boost::math::quantile(boost::math::complement(dist, alpha / (2.0 * static_cast<double>(features))));
}

// Whether at least `share` of the values differ from their median. For share <= 1/2 that is:
// no value fills more than 1 - share of them (such a value is a majority, hence the median), which
// a majority vote finds in one pass without sorting; otherwise the median is found.
bool HasSupport(const std::vector<double>& values, double share) {
  const double n = static_cast<double>(values.size());
  if (share <= 0.5) {
    double candidate = 0;
    size_t votes = 0;
    for (double v : values) {  // Boyer-Moore: the majority value, if there is one
      if (votes == 0) {
        candidate = v;
        votes = 1;
      } else if (v == candidate) {
        ++votes;
      } else {
        --votes;
      }
    }
    const auto same = std::count(values.begin(), values.end(), candidate);
    return n - static_cast<double>(same) >= share * n;
  }
  std::vector<double> sorted = values;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const auto off = std::count_if(values.begin(), values.end(), [&](double v) { return v != median; });
  return static_cast<double>(off) >= share * n;
}

// Clips values beyond `mads` robust standard deviations (1.4826 MAD) of their median.
void ClipOutliers(std::vector<double>& values, double mads) {
  if (!(mads > 0) || values.size() < 3) return;
  const double median = MedianOf(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double v : values) deviations.push_back(std::fabs(v - median));
  const double bound = mads * 1.4826 * MedianOf(deviations);
  if (!(bound > 0)) return;  // most residuals equal: nothing to measure an outlier by
  for (double& v : values) v = std::clamp(v, median - bound, median + bound);
}

}  // namespace

// FNV-1a over the features' 64-bit patterns, then a final mix: equal features, equal id.
uint64_t TimeSpinner::NetworkKey(const std::vector<double>& features) {
  uint64_t h = 1469598103934665603ULL;
  for (double v : features) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    h = (h ^ bits) * 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

void TimeSpinner::Observe(const std::vector<double>& features, uint64_t network, double predicted_ms,
                          double measured_ms) {
  if (!(predicted_ms > 0) || !(measured_ms > 0) || !std::isfinite(predicted_ms) || !std::isfinite(measured_ms)) return;
  std::vector<double> x;
  x.reserve(features.size());
  for (double v : features) x.push_back(std::log1p(std::max(0.0, v)));
  inputs_.push_back(std::move(x));
  const double residual = std::log(measured_ms) - std::log(predicted_ms);
  residuals_.push_back(residual);
  networks_.push_back(network);
  OwnResiduals& own = own_[network];
  own.residuals.push_back(residual);
  own.median = MedianOf(own.residuals);
  while (residuals_.size() > options_.window) {
    auto it = own_.find(networks_.front());
    std::vector<double>& v = it->second.residuals;
    v.erase(std::find(v.begin(), v.end(), residuals_.front()));
    if (v.empty()) {
      own_.erase(it);
    } else {
      it->second.median = MedianOf(v);
    }
    residuals_.pop_front();
    inputs_.pop_front();
    networks_.pop_front();
  }
  if (++since_refit_ >= std::max<size_t>(1, options_.refit_every) || residuals_.size() <= options_.min_for_feature) {
    Refit();
    since_refit_ = 0;
  }
}

void TimeSpinner::Refit() {
  const size_t n = residuals_.size();
  std::vector<double> r(residuals_.begin(), residuals_.end());
  ClipOutliers(r, options_.residual_clip_mads);
  double mean = 0;
  for (double v : r) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0;
  for (double v : r) ss += (v - mean) * (v - mean);
  column_ = -1;
  b_ = 0;
  // The mean residual, where it stands out from its own noise.
  const double se = n >= 2 ? std::sqrt(ss / static_cast<double>(n - 1) / static_cast<double>(n)) : 0;
  const bool mean_significant = n >= 2 && (se == 0 ? mean != 0 : std::fabs(mean) / se >= options_.min_mean_t);
  a_ = mean_significant ? mean : 0;
  if (n < options_.min_for_feature) return;
  const size_t f = inputs_.front().size();
  double best = 0;
  size_t tried = 0;
  std::vector<double> col(n);
  for (size_t j = 0; j < f; ++j) {
    for (size_t i = 0; i < n; ++i) col[i] = inputs_[i][j];
    if (!HasSupport(col, options_.min_feature_support)) continue;
    ++tried;
    double p = std::fabs(Pearson(col, r));
    if (p > best) {
      best = p;
      column_ = static_cast<int>(j);
    }
  }
  const double t = best >= 1 ? INFINITY : best * std::sqrt(static_cast<double>(n - 2) / (1 - best * best));
  if (column_ < 0 || !(t >= FeatureThreshold(n, tried, options_.feature_alpha))) {
    column_ = -1;
    return;
  }
  double mx = 0;
  for (size_t i = 0; i < n; ++i) mx += inputs_[i][static_cast<size_t>(column_)];
  mx /= static_cast<double>(n);
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < n; ++i) {
    double dx = inputs_[i][static_cast<size_t>(column_)] - mx;
    sxy += dx * (r[i] - mean);
    sxx += dx * dx;
  }
  b_ = sxx > 0 ? sxy / sxx : 0;
  a_ = mean - b_ * mx;
  lo_ = hi_ = inputs_[0][static_cast<size_t>(column_)];
  for (size_t i = 1; i < n; ++i) {
    lo_ = std::min(lo_, inputs_[i][static_cast<size_t>(column_)]);
    hi_ = std::max(hi_, inputs_[i][static_cast<size_t>(column_)]);
  }
}

double TimeSpinner::Correct(const std::vector<double>& features, uint64_t network, double predicted_ms) const {
  if (residuals_.empty()) return predicted_ms;
  if (options_.per_network_memory) {
    auto it = own_.find(network);
    if (it != own_.end())
      return predicted_ms * std::exp(std::clamp(it->second.median, -options_.max_log_correction, options_.max_log_correction));
  }
  double c = a_;
  if (column_ >= 0 && static_cast<size_t>(column_) < features.size())
    c += b_ * std::clamp(std::log1p(std::max(0.0, features[static_cast<size_t>(column_)])), lo_, hi_);
  c = std::clamp(c, -options_.max_log_correction, options_.max_log_correction);
  return predicted_ms * std::exp(c);
}

std::string TimeSpinner::feature() const {
  if (column_ < 0 || static_cast<size_t>(column_) >= FeatureDefs().size()) return "";
  return FeatureDefs()[static_cast<size_t>(column_)].name;
}

}  // namespace acesniper
