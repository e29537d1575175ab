// A minimal Kubernetes API client: authenticated requests over HTTPS with the cluster's CA (or
// plain HTTP for tests and local proxies such as `kubectl proxy` or KubeEdge's MetaServer).
// Shared by the extender (node and pod lists) and the node agent (GET and PATCH of its Node).
// Debian 12 packages no Kubernetes C++ client; this is ~200 lines on Boost.Beast and OpenSSL.
#pragma once

#include <string>

#include "acesniper/common/status.h"

namespace acesniper::kube {

struct ApiServerConfig {
  std::string url;         // https://host:port or http://host:port
  std::string token_file;  // bearer token, re-read on every request (projected tokens rotate); may be empty
  std::string ca_file;     // PEM bundle that signs the API server's certificate (https); empty: system CAs
  std::string ca_pem;      // or the bundle itself (a kubeconfig's certificate-authority-data)
  std::string token;       // a literal bearer token (a kubeconfig's user.token); token_file wins
  // Client certificate authentication (kubeconfig users of kubeadm and kind): files or PEM text.
  std::string client_cert_file, client_key_file, client_cert_pem, client_key_pem;
  double timeout_seconds = 10;
  size_t max_body_bytes = 256u << 20;
};

// In a pod: KUBERNETES_SERVICE_HOST / _PORT and the service account's token and ca.crt.
// NotFound when not running in a cluster.
Result<ApiServerConfig> InClusterConfig();

struct ApiCall {
  std::string method = "GET";  // GET or PATCH
  std::string path;            // e.g. "/api/v1/nodes/edge-1"
  std::string body;            // PATCH only
  std::string content_type;    // PATCH only, e.g. "application/merge-patch+json"
};
struct ApiResponse {
  int status = 0;
  std::string body;
};

// One request; any HTTP status is a response (the caller decides: 409 means retry). Connection,
// TLS, certificate and token-file errors are IOError. Thread-compatible: one call at a time per
// client, a new connection per call.
Result<ApiResponse> ApiRequest(const ApiServerConfig& config, const ApiCall& call);

// GET `path` (e.g. "/api/v1/nodes"); the body on 200, else an IOError naming the status and the
// start of the body.
Result<std::string> ApiGet(const ApiServerConfig& config, const std::string& path);

}  // namespace acesniper::kube
