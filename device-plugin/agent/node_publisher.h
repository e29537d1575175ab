// Publishes the agent's annotations and labels on its Node: GET the Node, do nothing when every
// key already has its value, else a JSON merge patch carrying the resourceVersion that was read
// (optimistic concurrency). A 409 Conflict reads the Node again and retries at once; an outage
// (connection error, 429, 5xx) retries with exponential backoff; authentication, authorisation,
// a missing Node and Kubernetes limits fail at once, with the reason.
#pragma once

#include <functional>
#include <string>

#include "acesniper/common/status.h"
#include "acesniper/kube/api_client.h"
#include "acesniper/kube/node_metadata.h"
#include "agent/agent_config.h"

namespace acesniper::agent {

struct PublishReport {
  bool patched = false;  // false: the Node already carried every value
  int attempts = 0;      // GETs made
  int conflicts = 0;     // 409s answered with a retry
};

using Sleeper = std::function<void(double seconds)>;

Result<PublishReport> PublishNodeMetadata(const kube::ApiServerConfig& api, const std::string& node,
                                          const kube::DesiredNodeMetadata& desired, const RetryPolicy& retry,
                                          const Sleeper& sleep);

}  // namespace acesniper::agent
