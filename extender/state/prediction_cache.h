// Predicted per-inference latencies of (network, node HRM vector) pairs, kept for the lifetime
// of one loaded model (it lives in the ModelBundle, so a reload starts an empty one). A cluster
// runs a few dozen networks on nodes whose vectors change only when their agent re-benchmarks,
// so after the first pod of a network, filter and prioritize need no model evaluation at all.
// Thread-safe; bounded (cleared when full, which only costs recomputation).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "acesniper/model/latency_model.h"

namespace acesniper::extender {

class PredictionCache {
 public:
  explicit PredictionCache(size_t capacity = 1 << 20) : capacity_(capacity) {}

  struct Key {
    uint64_t network = 0, hrm = 0;
    bool operator==(const Key& o) const { return network == o.network && hrm == o.hrm; }
  };
  // Fills found[i] for every key present; one lock for the whole batch.
  void Lookup(const std::vector<Key>& keys, std::vector<std::optional<LatencyPrediction>>* found) const;
  void Insert(const std::vector<Key>& keys, const std::vector<LatencyPrediction>& values);
  size_t size() const;

 private:
  struct Hash {
    size_t operator()(const Key& k) const { return static_cast<size_t>(k.network * 0x9E3779B97F4A7C15ULL ^ k.hrm); }
  };
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<Key, LatencyPrediction, Hash> map_;
};

// 64-bit FNV-1a of bytes: the identity of a network (catalogue key or inline features) and of an
// HRM annotation value, in the cache.
uint64_t Fingerprint64(const void* data, size_t size);

}  // namespace acesniper::extender
