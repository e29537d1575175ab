#include "state/prediction_cache.h"

namespace acesniper::extender {

void PredictionCache::Lookup(const std::vector<Key>& keys, std::vector<std::optional<LatencyPrediction>>* found) const {
  found->assign(keys.size(), std::nullopt);
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < keys.size(); ++i) {
    auto it = map_.find(keys[i]);
    if (it != map_.end()) (*found)[i] = it->second;
  }
}

void PredictionCache::Insert(const std::vector<Key>& keys, const std::vector<LatencyPrediction>& values) {
  std::lock_guard<std::mutex> lock(mu_);
  if (map_.size() + keys.size() > capacity_) map_.clear();
  for (size_t i = 0; i < keys.size() && i < values.size(); ++i) map_[keys[i]] = values[i];
}

size_t PredictionCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return map_.size();
}

uint64_t Fingerprint64(const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace acesniper::extender
