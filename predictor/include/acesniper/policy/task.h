// The paper's task model (section III-A, eq. 1-2) as the scheduling policies see it. A task is a
// batch of inferences of one network with a maximum response time Tm; its response time is
//   Tr = Tw (waiting) + Td (input to the node) + Ti (inference) + Tb (result back),
// and the objective is min sum Tr subject to Tr < Tm. Times in seconds, sizes in MB.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace acesniper {

struct Task {
  uint64_t id = 0;
  int network = 0;              // index into the networks the latency sources know
  double arrival_s = 0;
  double deadline_s = 0;        // absolute: arrival + Tm
  int inferences = 16;          // run one after another on the node
  double input_mb = 0, result_mb = 0;
  const std::vector<double>* features = nullptr;  // FeatureDefs() order (time spinner); may be null
};

struct ClusterNode {
  std::string name;
  int platform = 0;             // index into the platforms the latency sources know
  double bandwidth_mb_s = 125;  // link to the node (1 Gbit/s)
  double link_latency_s = 0.001;
};

// Td and Tb of eq. 1 over the node's link.
inline double TransferInSeconds(const Task& t, const ClusterNode& n) { return n.link_latency_s + t.input_mb / n.bandwidth_mb_s; }
inline double TransferBackSeconds(const Task& t, const ClusterNode& n) { return n.link_latency_s + t.result_mb / n.bandwidth_mb_s; }

}  // namespace acesniper
