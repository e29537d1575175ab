// The extender's view of the cluster from API objects: the node cache (NodeNames mode) from a
// v1.NodeList, and each node's queue (eq. 1's waiting time Tw) from a v1.PodList. Pure functions
// of the JSON and the time: the same code reads a file, a list from the API server, or a test's
// fixture. docs/design.md ("Node queue state") explains the estimate.
#pragma once

#include <memory>
#include <string_view>

#include "handlers/decide.h"
#include "state/cluster_snapshot.h"

namespace acesniper::extender {

// Errors: not JSON, not a list, an item without metadata.name. A node whose annotations are bad
// is kept, with the reason in its record (it then gets the node-without-HRM rule).
Result<std::shared_ptr<const NodeCache>> NodeCacheFromNodeList(std::string_view json_text, double default_bandwidth_mb_s);

// Work placed and not finished, per node: every pod bound to a node (spec.nodeName), in phase
// Pending or Running, whose acesniper.io annotations parse and whose network and node have an
// estimate. Its service time is predicted as in DecidePod; a Running pod has already done
// (now - status.startTime) of it. busy_until = now + the sum of what remains. Pods that cannot
// be estimated still count as unfinished (they hold a queue slot) but add no time.
Result<std::shared_ptr<const NodeLoads>> NodeLoadsFromPodList(std::string_view json_text, const ModelBundle& bundle,
                                                              const NodeCache& nodes, const DecideOptions& options,
                                                              double now_unix_s);

}  // namespace acesniper::extender
