// One pass of the node agent: probe the platform's fingerprint; benchmark the HRM reference set
// when there is no vector yet, the fingerprint or the HRM spec changed, or the schedule says so
// (an interrupted benchmark resumes from its store); fit the vector; save it locally; publish
// it on the Node when the Node does not carry it yet.
//   node -> benchmark latencies (store) -> HRM vector (state) -> Node annotations and labels
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/kube/node_metadata.h"
#include "agent/agent_config.h"
#include "agent/agent_state.h"
#include "agent/node_publisher.h"

namespace acesniper::agent {

struct PassEnvironment {
  std::vector<std::string> default_worker;  // {"/usr/bin/acesniper", "measure-worker"}
  double now_unix = 0;
  Sleeper sleep;
  std::function<void(const nlohmann::json&)> log;  // one event per call
};

struct PassReport {
  std::string benchmark_reason;  // empty: no benchmark this pass
  size_t measured = 0, skipped = 0;  // reference networks measured now / already in the store
  double benchmark_seconds = 0;
  AgentState state;
  bool published = false;  // this pass changed the Node
};

// The annotations and labels that `state` puts on the Node.
kube::DesiredNodeMetadata DesiredMetadata(const AgentConfig& c, const AgentState& state);

// `publish` false: benchmark and save only (--no-publish, or no API server at hand).
Result<PassReport> RunAgentPass(const AgentConfig& c, const PassEnvironment& env, bool publish = true);

}  // namespace acesniper::agent
