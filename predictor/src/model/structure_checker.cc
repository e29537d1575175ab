#include "acesniper/model/structure_checker.h"

#include <set>

#include "acesniper/analyze/features.h"

namespace acesniper {

namespace {

std::vector<size_t> CountColumns() {
  std::vector<size_t> cols;
  for (size_t c = 0; c < FeatureDefs().size(); ++c)
    if (std::string(FeatureDefs()[c].name).rfind("count_", 0) == 0) cols.push_back(c);
  return cols;
}

}  // namespace

UnsupportedOperators LearnUnsupportedOperators(const LatencyDataset& data, int platform) {
  UnsupportedOperators out;
  std::vector<size_t> ran, failed;
  for (size_t i = 0; i < data.networks.size(); ++i) {
    int8_t s = data.status(static_cast<Eigen::Index>(i), platform);
    if (s == static_cast<int8_t>(MeasureStatus::kOk)) ran.push_back(i);
    if (s == static_cast<int8_t>(MeasureStatus::kUnsupported)) failed.push_back(i);
  }
  // Candidates: operator classes the platform has never run.
  std::vector<size_t> candidates;
  for (size_t c : CountColumns()) {
    bool seen = false;
    for (size_t i : ran) seen = seen || data.networks[i].values[c] > 0;
    if (!seen) candidates.push_back(c);
  }
  std::set<size_t> open(failed.begin(), failed.end());
  while (!open.empty()) {
    size_t best = 0, best_cover = 0;
    for (size_t c : candidates) {
      size_t cover = 0;
      for (size_t i : open) cover += data.networks[i].values[c] > 0;
      if (cover > best_cover) {
        best_cover = cover;
        best = c;
      }
    }
    if (best_cover == 0) break;
    out.classes.push_back(FeatureDefs()[best].name);
    for (auto it = open.begin(); it != open.end();) it = data.networks[*it].values[best] > 0 ? open.erase(it) : std::next(it);
  }
  for (size_t i : open) out.unexplained.push_back(data.networks[i].network);
  return out;
}

bool IsRunnable(const std::vector<double>& features, const std::vector<std::string>& classes) {
  for (const std::string& name : classes)
    for (size_t c = 0; c < FeatureDefs().size() && c < features.size(); ++c)
      if (name == FeatureDefs()[c].name && features[c] > 0) return false;
  return true;
}

}  // namespace acesniper
