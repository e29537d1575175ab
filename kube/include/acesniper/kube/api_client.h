// A minimal Kubernetes API client: authenticated GETs of JSON lists, over HTTPS with the cluster's
// CA (or plain HTTP for tests and local proxies such as `kubectl proxy` or KubeEdge's MetaServer).
// Shared by the extender (node and pod lists) and the node agent. Debian 12 packages no
// Kubernetes C++ client; this is ~150 lines on Boost.Beast and OpenSSL.
#pragma once

#include <string>

#include "acesniper/common/status.h"

namespace acesniper::kube {

struct ApiServerConfig {
  std::string url;         // https://host:port or http://host:port
  std::string token_file;  // bearer token, re-read on every request (projected tokens rotate); may be empty
  std::string ca_file;     // PEM bundle that signs the API server's certificate (https); empty: system CAs
  double timeout_seconds = 10;
  size_t max_body_bytes = 256u << 20;
};

// In a pod: KUBERNETES_SERVICE_HOST / _PORT and the service account's token and ca.crt.
// NotFound when not running in a cluster.
Result<ApiServerConfig> InClusterConfig();

// GET `path` (e.g. "/api/v1/nodes"); the body on 200, else an error naming the status and the
// start of the body. Connection, TLS and certificate errors are IOError. Thread-compatible:
// one call at a time per client, a new connection per call.
Result<std::string> ApiGet(const ApiServerConfig& config, const std::string& path);

}  // namespace acesniper::kube
