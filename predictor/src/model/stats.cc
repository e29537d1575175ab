#include "acesniper/model/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace acesniper {

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  size_t n = std::min(x.size(), y.size());
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Relative threshold: a column that is constant up to rounding is constant.
  if (sxx <= 1e-24 * (1 + mx * mx) * static_cast<double>(n) || syy <= 1e-24 * (1 + my * my) * static_cast<double>(n)) return 0;
  return sxy / std::sqrt(sxx * syy);
}

std::vector<double> Ranks(const std::vector<double>& x) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> rank(x.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    double mean_rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = mean_rank;
    i = j + 1;
  }
  return rank;
}

double Spearman(const std::vector<double>& x, const std::vector<double>& y) { return Pearson(Ranks(x), Ranks(y)); }

double MedianOf(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

ErrorMetrics ComputeErrorMetrics(const std::vector<double>& predicted, const std::vector<double>& measured) {
  ErrorMetrics m;
  m.n = std::min(predicted.size(), measured.size());
  if (m.n == 0) return m;
  std::vector<double> ape(m.n);
  for (size_t i = 0; i < m.n; ++i) {
    ape[i] = std::fabs(predicted[i] - measured[i]) / measured[i];
    m.mape += ape[i];
    // A tiny tolerance so that an error of exactly 10 % counts as within 10 % despite rounding.
    if (ape[i] <= 0.05 + 1e-12) m.within_5 += 1;
    if (ape[i] <= 0.10 + 1e-12) m.within_10 += 1;
    if (ape[i] <= 0.15 + 1e-12) m.within_15 += 1;
  }
  double n = static_cast<double>(m.n);
  m.mape /= n;
  m.within_5 /= n;
  m.within_10 /= n;
  m.within_15 /= n;
  m.median_ape = MedianOf(ape);
  m.spearman = Spearman(predicted, measured);
  return m;
}

}  // namespace acesniper
