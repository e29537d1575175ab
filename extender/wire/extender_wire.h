// kube-scheduler extender v1 wire types (k8s.io/kube-scheduler/extender/v1): ExtenderArgs in,
// ExtenderFilterResult and HostPriorityList out. The extender types have no JSON tags, so their
// keys are Go field names; they are decoded case-insensitively (upstream's own tests send
// lowercase) and always encoded capitalised. The Pod and Node objects inside are real API
// objects (lowerCamel JSON tags): the whole body is validated (json_scan.h), only their metadata
// is decoded, everything else is accepted and ignored, and in Nodes mode the surviving Node
// objects are echoed byte for byte as they came.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "acesniper/common/status.h"
#include "acesniper/kube/annotations.h"

namespace acesniper::extender {

struct PodInfo {
  std::string name, namespace_name, uid;
  kube::Annotations annotations;
  std::optional<double> created_unix_s;  // metadata.creationTimestamp
};

struct NodeInfo {
  std::string name;
  kube::Annotations annotations;
  size_t raw_begin = 0, raw_end = 0;  // the Node's bytes in ExtenderArgs::body, echoed when it survives
};

struct ExtenderArgs {
  std::string body;  // the request as received (NodeInfo spans point into it)
  PodInfo pod;
  std::optional<std::vector<NodeInfo>> nodes;          // `Nodes` (nodeCacheCapable: false)
  std::optional<std::vector<std::string>> node_names;  // `NodeNames` (nodeCacheCapable: true)
};

// Errors (InvalidArgument) name the JSON path that was wrong: not JSON, not an object, a missing
// Pod, a field of the wrong type, a node without a name, neither Nodes nor NodeNames.
Result<ExtenderArgs> ParseExtenderArgs(std::string body);

// RFC 3339 as metav1.Time writes it ("2026-11-27T04:26:28Z", optional fraction, Z or +hh:mm).
Result<double> ParseKubeTime(const std::string& text);

struct FilterResult {
  bool nodes_mode = false;               // answer in `Nodes` (echo) rather than `NodeNames`
  const ExtenderArgs* args = nullptr;    // Nodes mode: whose body the survivors' bytes come from
  std::vector<const NodeInfo*> nodes;    // Nodes mode: survivors, pointing into `args`
  std::vector<std::string> node_names;   // NodeNames mode: survivors
  std::map<std::string, std::string> failed;               // node -> reason (preemption may help)
  std::map<std::string, std::string> failed_unresolvable;  // node -> reason (it cannot)
  std::string error;                     // non-empty: the scheduling attempt fails with this
};
std::string EncodeFilterResult(const FilterResult& r);

struct HostPriority {
  std::string host;
  int score = 0;  // 0..10 (MaxExtenderPriority)
};
std::string EncodeHostPriorityList(const std::vector<HostPriority>& list);

// The JSON for a request that could not be decoded, for verbs whose result has an Error field.
std::string EncodeFilterError(const std::string& message);

}  // namespace acesniper::extender
