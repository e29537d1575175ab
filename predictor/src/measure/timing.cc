#include "acesniper/measure/timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

namespace acesniper {

namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double Mad(const std::vector<double>& v, double median) {
  std::vector<double> d;
  d.reserve(v.size());
  for (double x : v) d.push_back(std::fabs(x - median));
  return Median(d);
}

constexpr double kMadToSigma = 1.4826;      // MAD of a normal sample -> its sigma
constexpr double kMedianEfficiency = 1.2533;  // se(median) = sqrt(pi/2) * sigma / sqrt(n)

}  // namespace

TimingSummary SummarizeSamples(std::vector<double> samples, double outlier_mads) {
  TimingSummary s;
  s.runs = static_cast<int>(samples.size());
  if (samples.empty()) return s;
  double med = Median(samples);
  double sigma = kMadToSigma * Mad(samples, med);
  if (sigma > 0) {
    double cut = med + outlier_mads * sigma;
    auto kept_end = std::remove_if(samples.begin(), samples.end(), [&](double x) { return x > cut; });
    s.rejected = static_cast<int>(samples.end() - kept_end);
    samples.erase(kept_end, samples.end());
  }
  s.median_ms = Median(samples);
  s.mad_ms = Mad(samples, s.median_ms);
  s.min_ms = *std::min_element(samples.begin(), samples.end());
  double sum = 0;
  for (double x : samples) sum += x;
  s.mean_ms = sum / static_cast<double>(samples.size());
  double var = 0;
  for (double x : samples) var += (x - s.mean_ms) * (x - s.mean_ms);
  var /= static_cast<double>(samples.size() > 1 ? samples.size() - 1 : 1);
  s.cv = s.mean_ms > 0 ? std::sqrt(var) / s.mean_ms : 0;
  return s;
}

bool MedianIsStable(const std::vector<double>& samples, double target_rel_error) {
  if (samples.size() < 3) return false;
  double med = Median(samples);
  if (med <= 0) return true;
  double se = kMedianEfficiency * kMadToSigma * Mad(samples, med) / std::sqrt(static_cast<double>(samples.size()));
  return se / med < target_rel_error;
}

Result<TimingSummary> MeasureLatency(const RunOnce& run, const TimingOptions& o) {
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  const auto start = Clock::now();
  for (int i = 0; i < o.warmup_runs || seconds_since(start) < o.warmup_seconds; ++i) {
    auto r = run();
    if (!r.ok()) return r.status();
    if (i + 1 >= o.warmup_runs && *r / 1000.0 > o.warmup_seconds) break;  // one slow run warms enough
  }
  const auto timed_start = Clock::now();
  std::vector<double> samples;
  while (static_cast<int>(samples.size()) < std::max(1, o.max_runs)) {
    auto r = run();
    if (!r.ok()) return r.status();
    samples.push_back(*r);
    int n = static_cast<int>(samples.size());
    if (n >= o.min_runs && MedianIsStable(samples, o.target_rel_error)) break;
    if (n >= 3 && seconds_since(timed_start) >= o.budget_seconds) break;
  }
  TimingSummary s = SummarizeSamples(samples, o.outlier_mads);
  s.seconds = seconds_since(start);
  return s;
}

TimingOptions VisitOptions(const TimingOptions& o, int visit) {
  TimingOptions v = o;
  (void)visit;  // every visit is a fresh process: each warms up fully
  const int n = std::max(1, o.visits);
  v.budget_seconds = o.budget_seconds / n;
  v.min_runs = std::max(std::min(o.min_runs, 3), o.min_runs / n);
  v.max_runs = std::max(std::min(o.max_runs, 3), o.max_runs / n);
  v.visits = 1;
  return v;
}

TimingSummary CombineVisits(const std::vector<TimingSummary>& visits) {
  TimingSummary best = visits.front();
  double slowest = 0;
  int runs = 0, rejected = 0;
  double seconds = 0;
  for (const TimingSummary& v : visits) {
    if (v.median_ms < best.median_ms) best = v;
    slowest = std::max(slowest, v.median_ms);
    runs += v.runs;
    rejected += v.rejected;
    seconds += v.seconds;
  }
  best.runs = runs;
  best.rejected = rejected;
  best.seconds = seconds;
  best.visits = static_cast<int>(visits.size());
  best.visit_spread = best.median_ms > 0 ? slowest / best.median_ms - 1 : 0;
  return best;
}

Status ApplyTimingOverride(const std::string& key, double v, TimingOptions* o) {
  auto as_int = [&](int* field) -> Status {
    if (v < 0 || v != std::floor(v)) return Status::InvalidArgument("timing option '" + key + "' must be a whole number >= 0");
    *field = static_cast<int>(v);
    return Status::Ok();
  };
  auto as_positive = [&](double* field) -> Status {
    if (!(v >= 0) || !std::isfinite(v)) return Status::InvalidArgument("timing option '" + key + "' must be >= 0");
    *field = v;
    return Status::Ok();
  };
  if (key == "warmup_runs") return as_int(&o->warmup_runs);
  if (key == "min_runs") return as_int(&o->min_runs);
  if (key == "max_runs") return as_int(&o->max_runs);
  if (key == "visits") {
    if (v < 1) return Status::InvalidArgument("timing option 'visits' must be at least 1");
    return as_int(&o->visits);
  }
  if (key == "warmup_seconds") return as_positive(&o->warmup_seconds);
  if (key == "budget_seconds") return as_positive(&o->budget_seconds);
  if (key == "target_rel_error") return as_positive(&o->target_rel_error);
  if (key == "outlier_mads") return as_positive(&o->outlier_mads);
  return Status::InvalidArgument("unknown timing option '" + key + "'");
}

}  // namespace acesniper
