// acesniper-extender's configuration: types with their defaults here, loading and validation in
// extender_config.cc (once, at start). docs/extender.md lists every field; an example is
// extender/config/example.yaml.
#pragma once

#include <string>

#include "acesniper/common/status.h"
#include "acesniper/kube/api_client.h"
#include "handlers/decide.h"

namespace acesniper::extender {

struct TlsConfig {
  std::string cert_file, key_file;  // both or neither: HTTPS when set
  std::string client_ca_file;       // optional: require client certificates signed by it
  bool enabled() const { return !cert_file.empty(); }
};

struct ExtenderConfig {
  std::string address = "0.0.0.0";
  int port = 8888;
  std::string url_prefix = "/acesniper";  // {prefix}/filter, {prefix}/prioritize (urlPrefix in the scheduler)
  TlsConfig tls;

  std::string model_file = "/etc/acesniper/model/latency-model.json";
  std::string catalogue_file = "/etc/acesniper/model/catalogue.csv";
  double reload_seconds = 10;  // how often the model files are checked for a change (stat only)

  // Node cache (NodeNames mode) and node queues: a v1.NodeList / v1.PodList, listed from the API
  // server, or read from files (tests, offline use). Not both.
  bool api_in_cluster = false;  // cluster.apiServer: in-cluster (the pod's service account)
  kube::ApiServerConfig api;    // cluster.apiServer: {url, tokenFile, caFile}; url empty: no API server
  std::string nodes_file;      // empty: the cache holds nothing (Nodes mode needs none)
  std::string pods_file;       // empty: no queue state (every node estimated idle)
  double refresh_seconds = 2;  // how often the node and pod sources are re-read
  bool uses_api_server() const { return api_in_cluster || !api.url.empty(); }

  DecideOptions decide;

  size_t max_body_bytes = 32u << 20;  // a NodeList of 1,000 realistic nodes is ~5 MB
  double read_timeout_seconds = 10;   // per request read; kube-scheduler's httpTimeout is 5 s
  int max_connections = 64;           // beyond this a connection gets 503 and is closed
  bool log_requests = true;           // one JSON line per call on stderr
};

// Reads and validates a YAML file. Unknown keys, wrong types, out-of-range values and files
// that are not there are errors naming the key (e.g. "policy.queueCap: must be an integer >= 1").
Result<ExtenderConfig> LoadExtenderConfig(const std::string& path);
Result<ExtenderConfig> ParseExtenderConfig(const std::string& yaml_text, const std::string& source);

}  // namespace acesniper::extender
