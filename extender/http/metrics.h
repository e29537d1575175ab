// Prometheus text exposition (format 0.0.4), hand-written: Debian 12 has no Prometheus C++
// client, and the extender needs only counters and one histogram family. Thread-safe.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>

namespace acesniper::extender {

class Metrics {
 public:
  // One finished request: verb (filter, prioritize, healthz, readyz, metrics, other), status.
  void ObserveRequest(const std::string& verb, int status, double seconds);
  void AddPredictions(long n, long cache_hits);
  void AddFilteredForDeadline(long n);
  void AddPodErrors(long n);       // pods whose annotations were wrong (result Error)
  void ModelReloaded(bool ok);
  std::string Render() const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                      0.05,   0.1,   0.2,   0.5,   1,    5};

 private:
  struct Histogram {
    std::array<long, kBuckets.size()> counts{};
    long count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, long> requests_;
  std::map<std::string, Histogram> durations_;
  long predictions_ = 0, cache_hits_ = 0, filtered_for_deadline_ = 0, pod_errors_ = 0, reloads_ok_ = 0, reloads_failed_ = 0;
};

}  // namespace acesniper::extender
