// The extender's verbs as pure functions from a request body (and a snapshot and the time) to a
// response: no sockets, no clocks, no globals. http/ calls them; tests call them directly.
#pragma once

#include <string>

#include "handlers/decide.h"
#include "state/cluster_snapshot.h"

namespace acesniper::extender {

struct VerbResponse {
  int status = 200;          // 400: the request itself could not be decoded
  std::string body;          // JSON
  PodDecision decision;      // for metrics and the log line
  std::string pod;           // namespace/name, when decoded
  size_t candidates = 0;
  bool nodes_mode = false;
};

// ExtenderArgs -> ExtenderFilterResult. A pod whose annotations are wrong gets 200 with `Error`
// (kube-scheduler records it on the pod, where its team sees it); an undecodable body gets 400.
VerbResponse HandleFilter(std::string body, const ClusterSnapshot& snapshot, const DecideOptions& options,
                          double now_unix_s);

// ExtenderArgs -> HostPriorityList (every candidate, 0..10). Prioritize errors are ignored by
// kube-scheduler, so a wrong pod gets neutral scores (0) rather than an error.
VerbResponse HandlePrioritize(std::string body, const ClusterSnapshot& snapshot, const DecideOptions& options,
                              double now_unix_s);

}  // namespace acesniper::extender
