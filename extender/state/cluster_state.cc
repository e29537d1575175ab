#include "state/cluster_state.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "wire/extender_wire.h"

namespace acesniper::extender {

namespace {

using nlohmann::json;

Result<json> ParseList(std::string_view text, const char* kind) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument(std::string(kind) + ": not JSON");
  if (!j.is_object()) return Status::InvalidArgument(std::string(kind) + ": not an object");
  auto items = j.find("items");
  if (items == j.end() || items->is_null()) return json::array();
  if (!items->is_array()) return Status::InvalidArgument(std::string(kind) + ".items: must be an array");
  return std::move(*items);
}

std::string StringAt(const json& obj, const char* a, const char* b) {
  auto x = obj.find(a);
  if (x == obj.end() || !x->is_object()) return "";
  auto y = x->find(b);
  return y != x->end() && y->is_string() ? y->get<std::string>() : "";
}

kube::Annotations AnnotationsOf(const json& item) {
  kube::Annotations out;
  auto meta = item.find("metadata");
  if (meta == item.end() || !meta->is_object()) return out;
  auto ann = meta->find("annotations");
  if (ann == meta->end() || !ann->is_object()) return out;
  for (auto it = ann->begin(); it != ann->end(); ++it)
    if (it->is_string()) out.emplace(it.key(), it->get<std::string>());
  return out;
}

}  // namespace

Result<std::shared_ptr<const NodeCache>> NodeCacheFromNodeList(std::string_view json_text, double default_bandwidth_mb_s) {
  Result<json> items = ParseList(json_text, "NodeList");
  if (!items.ok()) return items.status();
  auto cache = std::make_shared<NodeCache>();
  for (size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    if (!item.is_object()) return Status::InvalidArgument("NodeList.items[" + std::to_string(i) + "]: not an object");
    const std::string name = StringAt(item, "metadata", "name");
    if (name.empty()) return Status::InvalidArgument("NodeList.items[" + std::to_string(i) + "].metadata.name: missing");
    (*cache)[name] = NodeRecord::FromAnnotations(AnnotationsOf(item), default_bandwidth_mb_s);
  }
  return std::shared_ptr<const NodeCache>(std::move(cache));
}

Result<std::shared_ptr<const NodeLoads>> NodeLoadsFromPodList(std::string_view json_text, const ModelBundle& bundle,
                                                              const NodeCache& nodes, const DecideOptions& options,
                                                              double now_unix_s) {
  Result<json> items = ParseList(json_text, "PodList");
  if (!items.ok()) return items.status();
  std::unordered_map<std::string, double> remaining_s;
  auto loads = std::make_shared<NodeLoads>();
  for (size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    if (!item.is_object()) return Status::InvalidArgument("PodList.items[" + std::to_string(i) + "]: not an object");
    const std::string node = StringAt(item, "spec", "nodeName");
    const std::string phase = StringAt(item, "status", "phase");
    if (node.empty() || (phase != "Pending" && phase != "Running")) continue;
    PodInfo pod;
    pod.annotations = AnnotationsOf(item);
    pod.name = StringAt(item, "metadata", "name");
    pod.namespace_name = StringAt(item, "metadata", "namespace");
    Result<std::optional<kube::InferenceRequest>> req = kube::ParseInferenceRequest(pod.annotations);
    if (!req.ok() || !req->has_value()) continue;  // not ours, or not decodable: no estimate possible
    NodeLoad& load = (*loads)[node];
    ++load.unfinished;
    auto record = nodes.find(node);
    if (record == nodes.end()) continue;
    // The same estimate a filter call makes, for this one node; no deadline, no queue.
    DecideOptions one = options;
    one.policy.queue_cap = 1 << 30;
    one.policy.max_slowdown = 0;
    ClusterSnapshot alone;
    alone.model = std::shared_ptr<const ModelBundle>(std::shared_ptr<const ModelBundle>(), &bundle);
    PodDecision d = DecidePod(pod, {{node, &record->second}}, alone, one, now_unix_s);
    if (!d.error.empty() || d.nodes[0].finish_s < 0) continue;
    double remaining = d.nodes[0].finish_s;
    const std::string started = StringAt(item, "status", "startTime");
    if (phase == "Running" && !started.empty()) {
      Result<double> t = ParseKubeTime(started);
      if (t.ok()) remaining = std::max(0.0, remaining - std::max(0.0, now_unix_s - *t));
    }
    remaining_s[node] += remaining;
  }
  for (auto& [node, load] : *loads) load.busy_until_unix_s = now_unix_s + remaining_s[node];
  return std::shared_ptr<const NodeLoads>(std::move(loads));
}

}  // namespace acesniper::extender
