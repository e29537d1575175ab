#include "acesniper/kube/node_metadata.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace acesniper::kube {

namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// name part: [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?
bool IsLabelName(const std::string& s) {
  if (s.empty() || s.size() > 63 || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s)
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// DNS-1123 subdomain: lowercase alphanumeric, '-' and '.', alphanumeric at both ends of each label.
bool IsDnsSubdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    std::string part = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || part.size() > 63) return false;
    for (char c : part)
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) return false;
    if (part.front() == '-' || part.back() == '-') return false;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

Result<std::map<std::string, std::string>> StringMap(const nlohmann::json& meta, const char* field) {
  std::map<std::string, std::string> out;
  if (!meta.contains(field) || meta[field].is_null()) return out;
  if (!meta[field].is_object()) return Status::InvalidArgument(std::string("Node metadata.") + field + " is not an object");
  for (auto it = meta[field].begin(); it != meta[field].end(); ++it) {
    if (!it.value().is_string())
      return Status::InvalidArgument(std::string("Node metadata.") + field + "['" + it.key() + "'] is not a string");
    out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

}  // namespace

Result<NodeMetadata> ParseNodeMetadata(const std::string& node_json) {
  nlohmann::json j = nlohmann::json::parse(node_json, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("the Node is not JSON");
  if (!j.is_object() || !j.contains("metadata") || !j["metadata"].is_object())
    return Status::InvalidArgument("the Node has no metadata object");
  const nlohmann::json& meta = j["metadata"];
  NodeMetadata m;
  if (!meta.contains("name") || !meta["name"].is_string()) return Status::InvalidArgument("the Node has no metadata.name");
  m.name = meta["name"].get<std::string>();
  if (!meta.contains("resourceVersion") || !meta["resourceVersion"].is_string())
    return Status::InvalidArgument("Node '" + m.name + "' has no metadata.resourceVersion string");
  m.resource_version = meta["resourceVersion"].get<std::string>();
  auto annotations = StringMap(meta, "annotations");
  if (!annotations.ok()) return annotations.status();
  auto labels = StringMap(meta, "labels");
  if (!labels.ok()) return labels.status();
  m.annotations = std::move(*annotations);
  m.labels = std::move(*labels);
  return m;
}

Status ValidateQualifiedKey(const std::string& key) {
  const size_t slash = key.find('/');
  const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  if (slash != std::string::npos && !IsDnsSubdomain(key.substr(0, slash)))
    return Status::InvalidArgument("key '" + key + "': the prefix must be a DNS subdomain (lowercase, <= 253 characters)");
  if (!IsLabelName(name))
    return Status::InvalidArgument("key '" + key + "': the name must be 1-63 characters, alphanumeric at both ends, "
                                   "with '-', '_' or '.' between");
  return Status::Ok();
}

Status ValidateLabelValue(const std::string& key, const std::string& value) {
  if (value.empty() || IsLabelName(value)) return Status::Ok();
  return Status::InvalidArgument("label " + key + "='" + value + "': a label value must be at most 63 characters, "
                                 "alphanumeric at both ends, with '-', '_' or '.' between");
}

Status ValidateDesired(const DesiredNodeMetadata& desired, const NodeMetadata& current) {
  for (const auto& [k, v] : desired.labels) {
    ACESNIPER_RETURN_IF_ERROR(ValidateQualifiedKey(k));
    ACESNIPER_RETURN_IF_ERROR(ValidateLabelValue(k, v));
  }
  std::map<std::string, std::string> merged = current.annotations;
  for (const auto& [k, v] : desired.annotations) {
    ACESNIPER_RETURN_IF_ERROR(ValidateQualifiedKey(k));
    merged[k] = v;
  }
  size_t total = 0;
  for (const auto& [k, v] : merged) total += k.size() + v.size();
  if (total > kMaxTotalAnnotationBytes) {
    std::string biggest;
    size_t biggest_size = 0;
    for (const auto& [k, v] : desired.annotations)
      if (v.size() >= biggest_size) biggest = k, biggest_size = v.size();
    return Status::InvalidArgument("the node's annotations would total " + std::to_string(total) + " bytes, over Kubernetes' " +
                                   std::to_string(kMaxTotalAnnotationBytes) + "-byte limit (" + biggest + " is " +
                                   std::to_string(biggest_size) + " bytes)");
  }
  return Status::Ok();
}

bool IsUpToDate(const DesiredNodeMetadata& desired, const NodeMetadata& current) {
  for (const auto& [k, v] : desired.annotations) {
    auto it = current.annotations.find(k);
    if (it == current.annotations.end() || it->second != v) return false;
  }
  for (const auto& [k, v] : desired.labels) {
    auto it = current.labels.find(k);
    if (it == current.labels.end() || it->second != v) return false;
  }
  return true;
}

std::string MergePatchBody(const DesiredNodeMetadata& desired, const std::string& resource_version) {
  nlohmann::json meta = {{"resourceVersion", resource_version}};
  if (!desired.annotations.empty()) meta["annotations"] = desired.annotations;
  if (!desired.labels.empty()) meta["labels"] = desired.labels;
  return nlohmann::json{{"metadata", meta}}.dump();
}

}  // namespace acesniper::kube
