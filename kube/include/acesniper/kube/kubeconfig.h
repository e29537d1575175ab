// An API-server connection from a kubeconfig file (outside a cluster, or on an edge node whose
// kubelet config is at hand): the current (or named) context's cluster server and CA, and its
// user's token, token file or client certificate. TLS verification stays on:
// insecure-skip-tls-verify, exec plugins and auth providers are refused with an error naming them.
#pragma once

#include <string>

#include "acesniper/common/status.h"
#include "acesniper/kube/api_client.h"

namespace acesniper::kube {

// `context` empty: the file's current-context. Relative file paths resolve against the
// kubeconfig's directory, as kubectl does.
Result<ApiServerConfig> LoadKubeconfig(const std::string& path, const std::string& context = "");

}  // namespace acesniper::kube
