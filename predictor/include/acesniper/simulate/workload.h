// What a simulation runs: the cluster's nodes, the networks tasks use, what each really takes on
// each platform (measured), what the latency model predicts for it (each node's HRM vector), and
// how tasks are drawn. Built from a cluster file (scenario.h) and a latency table.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "acesniper/common/status.h"
#include "acesniper/policy/task.h"

namespace acesniper {

// Per-inference latencies (ms) of networks (rows) on platforms (columns). NaN: not known.
struct LatencyTable {
  std::vector<std::string> networks, platforms;
  std::vector<std::string> network_sets;  // per network: "random" or "zoo" (the evaluation's test sets)
  std::vector<int> measured_batch;        // per network: the batch its measured_ms comes from (1 or B)
  Eigen::MatrixXd measured_ms, predicted_ms;
  std::vector<std::vector<double>> features;  // per network (FeatureDefs() order); may be empty
  std::string source;                         // where it came from (file, method, d)

  int FindPlatform(const std::string& name) const;
};

// Reads the predictions of one method at one d from an `acesniper evaluate` JSON (its
// leave-one-platform-out results): each platform's test networks, measured and predicted while
// that platform was held out and the networks were never trained on. Only networks present on
// every platform are kept. Errors name the file and what is missing.
Result<LatencyTable> LatencyTableFromEvaluation(const std::string& path, const std::string& method, int d);

// Several tables side by side: the platforms of all of them (a platform in two is an error: which
// prediction would count?), the networks present in every one, in the first one's order, with the
// first one's set labels. For latency tables from separate evaluations, such as the CPU platforms'
// and the GPU platforms' (each prediction still made with its platform held out). Features are
// left empty (the caller fills them for the networks kept). An error when no network is common.
Result<LatencyTable> CombineLatencyTables(const std::vector<LatencyTable>& parts);

// The networks of one set: "random", "zoo", or "all" (every one). An error when none is left.
Result<LatencyTable> SelectNetworks(const LatencyTable& t, const std::string& set);

// Measured latencies at batch B, keyed by (network, platform): the median of one run of B inferences.
using BatchLatencies = std::map<std::pair<std::string, std::string>, double>;

// Tasks whose inferences run as batches of B: a network measured at batch B on every platform of
// the table gets measured_ms = (batch-B median) / B, the measured per-inference cost of batching
// (predicted_ms is left as the model's batch-1 prediction: the policies that use predictions
// learn the batching gain from finished tasks). The other networks are removed: what a batch of
// them takes is not known everywhere. Returns how many networks are left.
size_t UseBatchLatencies(LatencyTable* t, const BatchLatencies& batch_ms, int batch);

// How tasks are drawn.
struct TaskTemplate {
  int inferences = 16;                      // a batch of 16, run as 16 inferences one after another
  double input_mb_per_inference = 0.15;     // a JPEG-compressed 224x224 image
  double result_mb_per_inference = 0.001;
  double deadline_slack_min = 2, deadline_slack_max = 6;  // Tm = slack x best zero-wait response
  std::string networks = "random";  // which of the latency table's networks tasks use: random, zoo, all
  int batch = 1;  // the batch size the inferences run in, where measured at it (UseBatchLatencies)
};

struct Workload {
  std::vector<ClusterNode> nodes;
  LatencyTable table;
  TaskTemplate tasks;
};

// The best zero-wait response time (Td + Ti + Tb, measured) of `network` over the nodes.
double ZeroWaitSeconds(const Workload& w, int network, const TaskTemplate& t);

}  // namespace acesniper
