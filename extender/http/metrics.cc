#include "http/metrics.h"

#include <sstream>

namespace acesniper::extender {

void Metrics::ObserveRequest(const std::string& verb, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{verb, status}];
  Histogram& h = durations_[verb];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::AddPredictions(long n, long cache_hits) {
  std::lock_guard<std::mutex> lock(mu_);
  predictions_ += n;
  cache_hits_ += cache_hits;
}
void Metrics::AddFilteredForDeadline(long n) {
  std::lock_guard<std::mutex> lock(mu_);
  filtered_for_deadline_ += n;
}
void Metrics::AddPodErrors(long n) {
  std::lock_guard<std::mutex> lock(mu_);
  pod_errors_ += n;
}
void Metrics::ModelReloaded(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(ok ? reloads_ok_ : reloads_failed_);
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream o;
  o << "# HELP acesniper_extender_requests_total HTTP requests by verb and status code.\n"
    << "# TYPE acesniper_extender_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    o << "acesniper_extender_requests_total{verb=\"" << key.first << "\",code=\"" << key.second << "\"} " << n << "\n";
  o << "# HELP acesniper_extender_request_duration_seconds Time from a request read to its response ready, by verb.\n"
    << "# TYPE acesniper_extender_request_duration_seconds histogram\n";
  for (const auto& [verb, h] : durations_) {
    for (size_t i = 0; i < kBuckets.size(); ++i)
      o << "acesniper_extender_request_duration_seconds_bucket{verb=\"" << verb << "\",le=\"" << kBuckets[i] << "\"} "
        << h.counts[i] << "\n";
    o << "acesniper_extender_request_duration_seconds_bucket{verb=\"" << verb << "\",le=\"+Inf\"} " << h.count << "\n"
      << "acesniper_extender_request_duration_seconds_sum{verb=\"" << verb << "\"} " << h.sum << "\n"
      << "acesniper_extender_request_duration_seconds_count{verb=\"" << verb << "\"} " << h.count << "\n";
  }
  auto counter = [&o](const char* name, const char* help, long v) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n" << name << " " << v << "\n";
  };
  counter("acesniper_extender_predictions_total", "Latency predictions made (one per pod and node with an HRM vector).",
          predictions_);
  counter("acesniper_extender_prediction_cache_hits_total", "Of those, latencies served from the prediction cache.", cache_hits_);
  counter("acesniper_extender_filtered_for_deadline_total", "Nodes filtered because they would miss the pod's deadline.",
          filtered_for_deadline_);
  counter("acesniper_extender_pod_errors_total", "Filter calls answered with Error for a pod's wrong annotations.", pod_errors_);
  counter("acesniper_extender_model_reloads_total", "Model and catalogue loads that succeeded.", reloads_ok_);
  counter("acesniper_extender_model_reload_failures_total", "Model or catalogue loads that failed (the old model stays).",
          reloads_failed_);
  return o.str();
}

}  // namespace acesniper::extender
