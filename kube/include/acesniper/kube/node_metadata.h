// A Node's metadata as the node agent reads and writes it: the current annotations, labels and
// resourceVersion; Kubernetes' limits on label syntax and annotation size, checked before
// anything is sent; and the JSON merge patch that sets the agent's keys under optimistic
// concurrency (the resourceVersion in the patch makes a stale write fail with 409 Conflict).
#pragma once

#include <map>
#include <string>

#include "acesniper/common/status.h"

namespace acesniper::kube {

// Kubernetes' limit on all annotations of one object together (keys plus values), in bytes.
inline constexpr size_t kMaxTotalAnnotationBytes = 256 * 1024;

struct NodeMetadata {
  std::string name;
  std::string resource_version;
  std::map<std::string, std::string> annotations, labels;
};

// A v1.Node JSON object: its metadata. Errors name what was missing or of the wrong type.
Result<NodeMetadata> ParseNodeMetadata(const std::string& node_json);

// A qualified key: optional DNS-subdomain prefix (<= 253) and "/", then a name of <= 63
// characters, alphanumeric at both ends, with '-', '_' and '.' between.
Status ValidateQualifiedKey(const std::string& key);
// A label value: empty, or <= 63 characters, alphanumeric at both ends, '-', '_', '.' between.
Status ValidateLabelValue(const std::string& key, const std::string& value);

// What the agent wants on its node.
struct DesiredNodeMetadata {
  std::map<std::string, std::string> annotations, labels;
};

// Every key and value is valid, and the node's annotations with these applied stay within
// kMaxTotalAnnotationBytes. The error names the key and the limit.
Status ValidateDesired(const DesiredNodeMetadata& desired, const NodeMetadata& current);

// True when every desired key already has the desired value.
bool IsUpToDate(const DesiredNodeMetadata& desired, const NodeMetadata& current);

// {"metadata":{"resourceVersion":rv,"annotations":{...},"labels":{...}}} for
// Content-Type application/merge-patch+json. Only the agent's keys; others are untouched.
std::string MergePatchBody(const DesiredNodeMetadata& desired, const std::string& resource_version);

}  // namespace acesniper::kube
