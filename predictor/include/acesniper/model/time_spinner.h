// The time spinner (section IV-D): online correction of one platform's predictions from measured
// feedback. Residuals are taken in log space (r = ln measured - ln predicted, a relative error).
// With enough feedback it picks the network feature whose log1p value correlates best with the
// residuals (Pearson) and fits r = a + b x on it; with less, or when no feature correlates, it
// applies the mean residual. Only a significant correction is applied: a mean residual that is
// noise (small against its standard error) is left out, and so is a feature whose correlation
// could be the best of many chance ones. The line is held to the feature's range in the
// feedback: a network beyond it gets the correction of the nearest end, not an extrapolation.
// Residuals far from their median are clipped first, so that one task a co-located job slowed
// several-fold does not shift every prediction. A network seen before takes its own residuals.
// Recent feedback only (a window), so it follows drift.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace acesniper {

struct TimeSpinnerOptions {
  size_t window = 256;           // feedback kept (oldest dropped first)
  size_t min_for_feature = 8;    // below this many, only the mean residual
  // Significance: the mean residual is applied when |mean| / (sd / sqrt(n)) >= min_mean_t (n >= 2;
  // identical residuals pass); a feature's line when its correlation's t statistic
  // |r| sqrt((n - 2) / (1 - r^2)) passes Student's t test with n - 2 degrees of freedom at
  // feature_alpha / F, two-sided, F the features tried: a Bonferroni bound, because the best of
  // every feature is taken (with the 158 features of schema v4: t >= 4.1 at n = 30, 3.7 at n = 200).
  double min_mean_t = 2.0;
  double feature_alpha = 0.05;
  // A feature is tried only where at least this share of the feedback networks has a value other
  // than the feature's median there: a feature that is 0 for all but one or two networks gets a
  // strong correlation from those alone, and its line carries to no other network.
  double min_feature_support = 0.25;
  // Residuals beyond this many robust standard deviations (1.4826 MAD) of their median are
  // clipped to that bound before the mean, the correlations and the line (0: not clipped): one
  // measurement that went several-fold wrong must not decide the correction.
  double residual_clip_mads = 3.0;
  // A network that has run here before (the same id: see Observe) is corrected by the median of
  // its own residuals in the window, not by the fit over all networks: its measured time is the
  // best prediction of its next one.
  bool per_network_memory = true;
  double max_log_correction = 2.3;  // |correction| cap in ln units (x10 either way)
  size_t refit_every = 1;        // refit the feature and line after this many observations (a
                                 // refit costs window x features; a scheduler may refit less often)
};

class TimeSpinner {
 public:
  explicit TimeSpinner(TimeSpinnerOptions options = {}) : options_(options) {}

  // One completed task: its network's features (FeatureDefs() order), what was predicted before
  // correction, and what was measured. Non-positive or non-finite latencies are ignored.
  // `network` says which network it was (any id the caller keeps: an index, a network hash);
  // without it, a hash of the features is the id.
  void Observe(const std::vector<double>& features, uint64_t network, double predicted_ms, double measured_ms);
  void Observe(const std::vector<double>& features, double predicted_ms, double measured_ms) {
    Observe(features, NetworkKey(features), predicted_ms, measured_ms);
  }

  // The corrected prediction (the input unchanged before any feedback).
  double Correct(const std::vector<double>& features, uint64_t network, double predicted_ms) const;
  double Correct(const std::vector<double>& features, double predicted_ms) const {
    return Correct(features, NetworkKey(features), predicted_ms);
  }

  // The id Observe and Correct use for a network the caller has no id for: a hash of its features.
  static uint64_t NetworkKey(const std::vector<double>& features);

  size_t feedback() const { return residuals_.size(); }
  // The feature the correction uses now ("" for the mean residual or none).
  std::string feature() const;

 private:
  void Refit();
  TimeSpinnerOptions options_;
  std::deque<std::vector<double>> inputs_;  // log1p features
  std::deque<double> residuals_;
  std::deque<uint64_t> networks_;  // which network each feedback was
  struct OwnResiduals {
    std::vector<double> residuals;  // this network's, in the window
    double median = 0;
  };
  std::unordered_map<uint64_t, OwnResiduals> own_;  // by network: Correct looks one up per call
  int column_ = -1;
  size_t since_refit_ = 0;
  double a_ = 0, b_ = 0;
  double lo_ = 0, hi_ = 0;  // the line's feature range (log1p) in the feedback it was fitted on
};

}  // namespace acesniper
