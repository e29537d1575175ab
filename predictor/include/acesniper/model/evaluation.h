// Leave-one-platform-out evaluation of the latency model and its baselines (section V-B):
// train on every platform but one, give the held-out platform only its d reference latencies,
// and predict every test network on it. Test networks are never seen in training, on any
// platform; the reference networks are never test networks.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/model/latency_dataset.h"
#include "acesniper/model/stats.h"
#include "acesniper/model/trainer.h"

namespace acesniper {

// A way to predict: either a trained conditioned model (TrainOptions), or a regression fitted on
// the held-out platform's reference latencies alone (ln y = a + b ln FLOPs [+ c ln AMC]).
struct EvalMethod {
  std::string name;
  enum class Kind { kTrained, kReferenceRegression } kind = Kind::kTrained;
  TrainOptions train;                         // kTrained
  bool sweep_d = false;                       // evaluated at every EvalOptions::d_values, not only baseline_d
  std::vector<std::string> regression_features;  // kReferenceRegression: log1p of these
};

// The seven methods of issue 4: FLOPs, FLOPs&AMC, HELP-style, NNS+HELP, FLOPs+HRM,
// FLOPs&AMC+HRM, NNS+HRM (Ace-Sniper as the paper has it: the PCN predicts the whole latency),
// then the cost prior (cost_prior.h): LayerCost+HRM (the prior alone, the shipped default) and
// LayerCost+NNS+HRM (the prior with the PCN's correction). `base` supplies the shared training
// options; NNS+HRM and LayerCost+HRM are swept over d.
std::vector<EvalMethod> StandardMethods(const TrainOptions& base);
inline constexpr const char* kPaperMethod = "NNS+HRM";
inline constexpr const char* kDefaultMethod = "LayerCost+HRM";

struct EvalOptions {
  std::vector<std::string> reference_pool;  // reference networks in order; d takes the first d
  std::vector<int> d_values = {10, 20, 50, 100};  // swept for the main method (NNS+HRM)
  int baseline_d = 50;                            // every method at this d
  std::vector<std::string> held_out;              // platforms to hold out (empty: each in turn)
  // Train on exactly these platforms for every held-out one (HELP's protocol, or a new machine
  // whose platforms are all held out; trained once per method and d). Empty: all platforms but
  // the held-out one. A platform may not be both held out and trained on.
  std::vector<std::string> train_platforms;
  std::vector<int> test_networks;                 // dataset rows; never trained on
  std::vector<int> train_networks;                // dataset rows
};

struct EvalCell {
  std::string method, platform, network_set;  // network_set: "random", "zoo" or "nb201"
  int d = 0;
  ErrorMetrics metrics;
  std::vector<ErrorMetrics> quartiles;        // by measured latency on that platform
  std::vector<std::string> networks;
  std::vector<double> predicted_ms, measured_ms;
  double train_seconds = 0;
};

// Runs every (method, d, held-out platform). Errors: a reference network or platform missing
// from the dataset, or d larger than the reference pool.
Result<std::vector<EvalCell>> EvaluateLeaveOnePlatformOut(const LatencyDataset& data, const std::vector<EvalMethod>& methods,
                                                         const EvalOptions& options);

// The time spinner against a real software change: the model predicts platform `to` with the
// stale HRM vector of platform `from` (the same machine before the change), then learns from k
// measured tasks. Both platforms are left out of training. Every count is scored on the same
// networks (the test networks after the largest count); "fresh HRM" is the same model with
// `to`'s own HRM vector, what the node agent publishes after re-running the reference set.
// Training uses options.train_platforms when set (else every platform), less `from` and `to`.
struct DriftResult {
  std::string from, to;
  std::vector<int> feedback;           // task counts
  std::vector<ErrorMetrics> metrics;   // one per count
  std::vector<std::string> features;   // the spinner's feature at each count
  ErrorMetrics fresh_hrm;
  size_t scored = 0;
};
Result<DriftResult> EvaluateDrift(const LatencyDataset& data, const TrainOptions& train, const EvalOptions& options,
                                  const std::string& from, const std::string& to, const std::vector<int>& feedback);

// Measurement repeatability of the dataset: per platform and test set ("random", "extended",
// "zoo"), how often two separate passes over the same networks agree (the floor under any
// predictor's error). mape is the second pass's error taken as a prediction of the first.
struct NoiseFloor {
  std::string platform;
  std::string set;
  size_t networks = 0;
  double within_5 = 0, within_10 = 0, within_15 = 0, median_abs_diff = 0, mape = 0;
};
std::vector<NoiseFloor> MeasureNoiseFloor(const LatencyDataset& first, const LatencyDataset& second);

}  // namespace acesniper
