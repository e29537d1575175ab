// Shared test helpers for the extender: the shipped default model (models/default) with a
// catalogue from the committed feature table, nodes carrying the shipped HRM vectors, and pods
// with acesniper.io annotations, all as the API server would serialise them.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "acesniper/common/read_file.h"
#include "acesniper/kube/annotations.h"
#include "state/cluster_snapshot.h"

namespace acesniper::extender::testing {

inline std::string ModelDir() { return ACESNIPER_MODEL_DIR; }
inline std::string RepoDir() { return ACESNIPER_REPO_DIR; }

inline std::shared_ptr<const ModelBundle> DefaultBundle() {
  static std::shared_ptr<const ModelBundle> bundle = [] {
    Result<std::shared_ptr<const ModelBundle>> b =
        LoadModelBundle(ModelDir() + "/latency-model.json", RepoDir() + "/data/features.csv.gz");
    if (!b.ok()) throw std::runtime_error(b.status().message());
    return *b;
  }();
  return bundle;
}

// The compact HRM annotation value of a shipped platform (e.g. "torch-eager-1t").
inline std::string HrmAnnotation(const std::string& platform) {
  Result<std::string> text = ReadTextFile(ModelDir() + "/hrm/" + platform + ".json");
  if (!text.ok()) throw std::runtime_error(text.status().message());
  Result<HrmVector> v = HrmVector::Parse(*text);
  if (!v.ok()) throw std::runtime_error(v.status().message());
  return v->ToCompactString();
}

// A Node as the API server sends it, with a realistic status; `hrm_platform` empty: no HRM.
inline nlohmann::json NodeObject(const std::string& name, const std::string& hrm_platform) {
  nlohmann::json n = {
      {"kind", "Node"},
      {"apiVersion", "v1"},
      {"metadata",
       {{"name", name},
        {"uid", "uid-" + name},
        {"resourceVersion", "1234"},
        {"creationTimestamp", "2026-11-01T00:00:00Z"},
        {"labels", {{"kubernetes.io/hostname", name}, {"kubernetes.io/arch", "amd64"}}},
        {"annotations", nlohmann::json::object()}}},
      {"spec", {{"podCIDR", "10.244.1.0/24"}}},
      {"status",
       {{"capacity", {{"cpu", "2"}, {"memory", "24Gi"}, {"pods", "110"}}},
        {"allocatable", {{"cpu", "2"}, {"memory", "23Gi"}, {"pods", "110"}}},
        {"conditions",
         {{{"type", "Ready"}, {"status", "True"}, {"lastHeartbeatTime", "2026-11-27T00:00:00Z"}, {"reason", "KubeletReady"}}}},
        {"addresses", {{{"type", "InternalIP"}, {"address", "10.0.0.1"}}}},
        {"nodeInfo", {{"kubeletVersion", "v1.29.0"}, {"osImage", "Debian GNU/Linux 12 (bookworm)"}}}}}};
  if (!hrm_platform.empty()) {
    n["metadata"]["annotations"][kube::kNodeHrm] = HrmAnnotation(hrm_platform);
    n["metadata"]["labels"][kube::kLabelPlatform] = hrm_platform;
  }
  return n;
}

inline nlohmann::json PodObject(const std::string& name, const kube::Annotations& annotations,
                                const std::string& created = "2026-11-27T00:00:00Z") {
  nlohmann::json ann = nlohmann::json::object();
  for (const auto& [k, v] : annotations) ann[k] = v;
  return {{"kind", "Pod"},
          {"apiVersion", "v1"},
          {"metadata", {{"name", name}, {"namespace", "ml"}, {"uid", "uid-" + name}, {"creationTimestamp", created},
                        {"annotations", ann}}},
          {"spec", {{"schedulerName", "acesniper"}, {"containers", {{{"name", "infer"}, {"image", "infer:1"}}}}}},
          {"status", {{"phase", "Pending"}}}};
}

}  // namespace acesniper::extender::testing
