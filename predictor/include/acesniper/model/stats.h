// Small statistics used by feature selection, the time spinner and the evaluation: Pearson and
// Spearman correlation and the paper's error metrics (Table VI). Plain vectors, no Eigen.
#pragma once

#include <cstddef>
#include <vector>

namespace acesniper {

// Pearson correlation of x and y (same length). 0 when either is constant or n < 2: a constant
// feature carries no signal, and callers rank by |r|.
double Pearson(const std::vector<double>& x, const std::vector<double>& y);

// Average ranks (ties share the mean of their positions), 1-based.
std::vector<double> Ranks(const std::vector<double>& x);

// Spearman's rho: Pearson of the average ranks.
double Spearman(const std::vector<double>& x, const std::vector<double>& y);

// Relative-error figures of predictions against measurements (both in the same unit, measured
// values > 0). within_* are shares in [0, 1] of |pred / measured - 1| <= 5, 10, 15 %.
struct ErrorMetrics {
  size_t n = 0;
  double mape = 0;       // mean |pred - measured| / measured, as a fraction (0.1 = 10 %)
  double median_ape = 0;
  double within_5 = 0, within_10 = 0, within_15 = 0;
  double spearman = 0;
};
ErrorMetrics ComputeErrorMetrics(const std::vector<double>& predicted, const std::vector<double>& measured);

double MedianOf(std::vector<double> v);  // NaN for an empty vector

}  // namespace acesniper
