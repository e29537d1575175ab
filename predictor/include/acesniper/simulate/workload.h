// What a simulation runs: the cluster's nodes, the networks tasks use, what each really takes on
// each platform (measured), what the latency model predicts for it (each node's HRM vector), and
// how tasks are drawn. Built from a cluster file (scenario.h) and a latency table.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "acesniper/common/status.h"
#include "acesniper/policy/task.h"

namespace acesniper {

// Per-inference latencies (ms) of networks (rows) on platforms (columns). NaN: not known.
struct LatencyTable {
  std::vector<std::string> networks, platforms;
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

// How tasks are drawn.
struct TaskTemplate {
  int inferences = 16;                      // a batch of 16, run as 16 inferences one after another
  double input_mb_per_inference = 0.15;     // a JPEG-compressed 224x224 image
  double result_mb_per_inference = 0.001;
  double deadline_slack_min = 2, deadline_slack_max = 6;  // Tm = slack x best zero-wait response
};

struct Workload {
  std::vector<ClusterNode> nodes;
  LatencyTable table;
  TaskTemplate tasks;
};

// The best zero-wait response time (Td + Ti + Tb, measured) of `network` over the nodes.
double ZeroWaitSeconds(const Workload& w, int network, const TaskTemplate& t);

}  // namespace acesniper
