// What the agent knows between runs, in STATE_DIR/state.json: the last benchmark's platform
// fingerprint id, HRM spec id and vector, and what was last confirmed on the Node. Written
// atomically (temporary file, fsync, rename), so a crash or an API outage loses nothing: the
// vector is published as soon as the API server answers again, even after a restart.
#pragma once

#include <string>

#include "acesniper/common/status.h"

namespace acesniper::agent {

inline constexpr const char* kAgentStateSchema = "acesniper.agent-state/v1";

struct AgentState {
  std::string node;
  std::string platform;             // platform name
  std::string platform_id;          // fingerprint id of the benchmark the vector came from
  std::string spec_id;              // HRM spec id the vector was fitted against
  std::string hrm;                  // HrmVector::ToCompactString(); empty: no vector yet
  std::string benchmarked_at;       // UTC ISO 8601
  double benchmarked_unix = 0;      // seconds since the epoch (for the re-benchmark schedule)
  double benchmark_seconds = 0;     // wall time of the last benchmark
  std::string published_hrm;        // the vector last confirmed on the Node (== hrm: nothing to do)
  std::string published_at;
};

// NotFound when there is no state file yet; InvalidArgument naming the file when it is not a
// state file of this schema.
Result<AgentState> LoadAgentState(const std::string& path);
Status SaveAgentState(const std::string& path, const AgentState& s);

}  // namespace acesniper::agent
