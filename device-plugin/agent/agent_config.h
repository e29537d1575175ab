// The node agent's configuration (YAML; config/example.yaml documents every key): which node,
// how to reach the API server, which platform (runner settings) this node measures with, where
// its local state lives, and how often it checks and re-benchmarks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "acesniper/common/status.h"
#include "acesniper/kube/api_client.h"

namespace acesniper::agent {

struct ApiServerSource {
  enum class Kind { kNone, kInCluster, kDirect, kKubeconfig } kind = Kind::kNone;
  kube::ApiServerConfig direct;      // kDirect: {url, tokenFile, caFile}, e.g. edgecore's MetaServer
  std::string kubeconfig, context;   // kKubeconfig
};

struct RetryPolicy {
  int attempts = 5;               // tries per publication (conflicts and outages alike)
  double initial_seconds = 1;     // backoff before the second try; doubles up to max_seconds
  double max_seconds = 60;
};

struct AgentConfig {
  std::string node_name;          // nodeName, else $NODE_NAME (the DaemonSet sets it)
  ApiServerSource api;            // apiServer
  double api_timeout_seconds = 10;
  std::string platform = "torch-eager-2t";
  std::string platforms_file;     // more platforms (exec runners: TensorRT, Cambricon tools)
  std::string platform_label;     // acesniper.io/platform value; empty: the platform's name
  std::map<std::string, std::string> extra_labels;  // more labels, e.g. the accelerator's name
  std::vector<std::string> worker;  // the measuring worker; empty: `acesniper` beside this binary
  std::string model_file = "/etc/acesniper/model/latency-model.json";
  std::string state_dir = "/var/lib/acesniper";
  double network_timeout_seconds = 300;
  double rebenchmark_hours = 168;  // 0: only when the fingerprint or the HRM spec changes
  double check_seconds = 300;      // fingerprint check and publication retry period
  double bandwidth_mb_s = 0;       // acesniper.io/bandwidth-mb-s; 0: not published
  RetryPolicy retry;
};

// Parses and validates; every error names the key (`source` prefixes it, e.g. the file name).
// `env_node_name` is $NODE_NAME, used when nodeName is absent.
Result<AgentConfig> ParseAgentConfig(const std::string& yaml_text, const std::string& source,
                                     const std::string& env_node_name);
Result<AgentConfig> LoadAgentConfig(const std::string& path, const std::string& env_node_name);

// The API server connection the source describes: in-cluster, kubeconfig or direct.
Result<kube::ApiServerConfig> ResolveApiServer(const AgentConfig& c);

}  // namespace acesniper::agent
