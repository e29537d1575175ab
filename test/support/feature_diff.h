// Test helper: names of features that differ between two analyses (relative tolerance 1e-9).
#pragma once

#include <cmath>
#include <string>

#include "acesniper/analyze/features.h"

namespace acesniper::testing {

inline std::string FeatureDiff(const Features& a, const Features& b) {
  std::string diff;
  auto na = a.Named(), nb = b.Named();
  if (na.size() != nb.size()) return "different feature counts";
  for (size_t i = 0; i < na.size(); ++i) {
    double x = na[i].second, y = nb[i].second;
    if (std::fabs(x - y) > 1e-9 * std::max(1.0, std::fabs(x)))
      diff += na[i].first + "(" + std::to_string(x) + " vs " + std::to_string(y) + ") ";
  }
  return diff;
}

}  // namespace acesniper::testing
