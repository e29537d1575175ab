// The cluster file: nodes (platform, link), task shape and policy options, in YAML.
//
//   nodes:
//     - {name: jetson-a, platform: torch-frozen-2t, bandwidth_mbps: 1000, link_latency_ms: 1, count: 2}
//   tasks: {inferences: 16, input_kb_per_inference: 150, result_kb_per_inference: 1,
//           deadline_slack: [2, 6], networks: random, batch: 1}
//
// `networks` picks the latency table's task networks (random, zoo or all); `batch` runs the
// inferences in batches of that size where the networks were measured at it (UseBatchLatencies).
//   policy: {queue_cap: 4, time_spinner: true}
//
// Every key is checked: an unknown key, a wrong type, a non-positive size or a platform the
// latency table does not have is an error that names the node and the key.
#pragma once

#include <string>

#include "acesniper/common/status.h"
#include "acesniper/policy/policy.h"
#include "acesniper/simulate/workload.h"

namespace acesniper {

struct Scenario {
  Workload workload;
  PolicyOptions policy;
};

// `table` supplies the platforms; the scenario's nodes must use them.
Result<Scenario> ParseScenario(const std::string& yaml_text, const LatencyTable& table);
Result<Scenario> LoadScenario(const std::string& path, const LatencyTable& table);
// The paper-like default: 10 nodes over the table's platforms (at least 5 types), mixed links.
Result<Scenario> DefaultScenario(const LatencyTable& table);
// The default scenario's YAML (written next to results, and a starting point for users).
std::string DefaultScenarioYaml();

}  // namespace acesniper
