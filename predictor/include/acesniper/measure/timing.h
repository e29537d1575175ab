// The timing protocol (docs/measurement.md): each network is visited several times, each time in
// a fresh worker process; a visit warms up, then repeats runs until the median is known to a set
// precision or the visit's share of the time budget is spent; outliers above the bulk are
// rejected and the summary is robust (median, MAD, min) plus the coefficient of variation of what
// was kept. The network's figure is its fastest visit: on a shared machine a process lands in a
// fast or a slow state for its whole life (docs/measurement.md shows it), and the fast one is the
// platform's own speed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "acesniper/common/status.h"

namespace acesniper {

struct TimingOptions {
  int warmup_runs = 2;            // at least this many untimed runs (TorchScript optimises on run 2)
  double warmup_seconds = 0.1;    // and warm up for at least this long (0: exactly warmup_runs)
  int min_runs = 5;               // timed runs before the stability test may stop
  int max_runs = 100;             // hard cap on timed runs
  double budget_seconds = 1.0;    // after this much timed running, stop once 3 runs are in
  double target_rel_error = 0.02; // stop when the median's standard error / median is below this
  double outlier_mads = 5.0;      // reject samples above median + this many robust sigmas
  int visits = 3;                 // visits per network; budget and run counts are split among them
};

// The options for one visit: full warm-up (a visit is a fresh process); budget and run counts
// divided among the visits (at least 3 runs each).
TimingOptions VisitOptions(const TimingOptions& o, int visit);

struct TimingSummary {
  double median_ms = 0, mad_ms = 0, min_ms = 0, mean_ms = 0;
  double cv = 0;           // stddev / mean of the kept samples
  int runs = 0;            // timed runs, before rejection
  int rejected = 0;        // outliers dropped
  double seconds = 0;      // wall time of warm-up plus timed runs
  int visits = 1;          // visits combined into this summary
  double visit_spread = 0; // slowest visit median / fastest visit median - 1
};

// The network's summary from its visits: the visit with the lowest median, with runs, rejected
// samples and time summed over all visits. Needs at least one.
TimingSummary CombineVisits(const std::vector<TimingSummary>& visits);

// One run of the network: its latency in milliseconds, or why it could not run.
using RunOnce = std::function<Result<double>()>;

// Robust summary of latency samples (ms). Needs at least one sample.
TimingSummary SummarizeSamples(std::vector<double> samples_ms, double outlier_mads);

// True when the samples pin the median down to `target_rel_error` (standard error of the
// median from the MAD: 1.2533 * 1.4826 * MAD / sqrt(n), relative to the median).
bool MedianIsStable(const std::vector<double>& samples_ms, double target_rel_error);

// Runs the protocol; the first failing run's Status is returned.
Result<TimingSummary> MeasureLatency(const RunOnce& run, const TimingOptions& opts);

// Sets one field of TimingOptions by name (warmup_runs, warmup_seconds, min_runs, max_runs,
// budget_seconds, target_rel_error, outlier_mads, visits), as platform files do; unknown keys and
// negative or fractional counts are errors.
Status ApplyTimingOverride(const std::string& key, double value, TimingOptions* opts);

}  // namespace acesniper
