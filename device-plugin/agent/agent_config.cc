#include "agent/agent_config.h"

#include <yaml-cpp/yaml.h>

#include "acesniper/common/read_file.h"
#include "acesniper/kube/kubeconfig.h"
#include "acesniper/kube/node_metadata.h"
#include "acesniper/kube/yaml_fields.h"

namespace acesniper::agent {

namespace {

using namespace kube::yaml;  // NOLINT: the readers

Status ReadApiServer(const YAML::Node& root, ApiServerSource* s, double* timeout) {
  const YAML::Node a = root["apiServer"];
  if (!a) return Status::Ok();
  if (a.IsScalar()) {
    if (a.as<std::string>() != "in-cluster")
      return Bad("apiServer", "must be in-cluster, {url, tokenFile, caFile} or {kubeconfig, context}");
    s->kind = ApiServerSource::Kind::kInCluster;
    return Status::Ok();
  }
  ACESNIPER_RETURN_IF_ERROR(CheckKeys(a, "apiServer", {"url", "tokenFile", "caFile", "kubeconfig", "context", "timeoutSeconds"}));
  ACESNIPER_RETURN_IF_ERROR(ReadNumber(a, "apiServer.", "timeoutSeconds", 0.1, 600, timeout));
  if (a["kubeconfig"]) {
    if (a["url"] || a["tokenFile"] || a["caFile"]) return Bad("apiServer", "kubeconfig and url/tokenFile/caFile are alternatives");
    s->kind = ApiServerSource::Kind::kKubeconfig;
    ACESNIPER_RETURN_IF_ERROR(ReadString(a, "apiServer.", "kubeconfig", &s->kubeconfig));
    ACESNIPER_RETURN_IF_ERROR(ReadString(a, "apiServer.", "context", &s->context));
    if (s->kubeconfig.empty()) return Bad("apiServer.kubeconfig", "must not be empty");
    return Status::Ok();
  }
  if (a["context"]) return Bad("apiServer.context", "goes with apiServer.kubeconfig");
  s->kind = ApiServerSource::Kind::kDirect;
  ACESNIPER_RETURN_IF_ERROR(ReadString(a, "apiServer.", "url", &s->direct.url));
  ACESNIPER_RETURN_IF_ERROR(ReadString(a, "apiServer.", "tokenFile", &s->direct.token_file));
  ACESNIPER_RETURN_IF_ERROR(ReadString(a, "apiServer.", "caFile", &s->direct.ca_file));
  if (s->direct.url.rfind("https://", 0) != 0 && s->direct.url.rfind("http://", 0) != 0)
    return Bad("apiServer.url", "must start with https:// or http://");
  return Status::Ok();
}

Status Parse(const YAML::Node& root, AgentConfig* c) {
  if (!root || root.IsNull()) return Status::Ok();
  ACESNIPER_RETURN_IF_ERROR(CheckKeys(root, "", {"nodeName", "apiServer", "platform", "platformsFile", "platformLabel",
                                                 "extraLabels", "worker", "model", "stateDir", "networkTimeoutSeconds",
                                                 "rebenchmarkHours", "checkSeconds", "bandwidthMBps", "retry"}));
  ACESNIPER_RETURN_IF_ERROR(ReadString(root, "", "nodeName", &c->node_name));
  ACESNIPER_RETURN_IF_ERROR(ReadApiServer(root, &c->api, &c->api_timeout_seconds));
  ACESNIPER_RETURN_IF_ERROR(ReadString(root, "", "platform", &c->platform));
  ACESNIPER_RETURN_IF_ERROR(ReadString(root, "", "platformsFile", &c->platforms_file));
  ACESNIPER_RETURN_IF_ERROR(ReadString(root, "", "platformLabel", &c->platform_label));
  ACESNIPER_RETURN_IF_ERROR(ReadStringMap(root, "", "extraLabels", &c->extra_labels));
  ACESNIPER_RETURN_IF_ERROR(ReadStringList(root, "", "worker", &c->worker));
  ACESNIPER_RETURN_IF_ERROR(ReadString(root, "", "model", &c->model_file));
  ACESNIPER_RETURN_IF_ERROR(ReadString(root, "", "stateDir", &c->state_dir));
  ACESNIPER_RETURN_IF_ERROR(ReadNumber(root, "", "networkTimeoutSeconds", 1, 86400, &c->network_timeout_seconds));
  ACESNIPER_RETURN_IF_ERROR(ReadNumber(root, "", "rebenchmarkHours", 0, 24 * 365, &c->rebenchmark_hours));
  ACESNIPER_RETURN_IF_ERROR(ReadNumber(root, "", "checkSeconds", 0.1, 86400, &c->check_seconds));
  ACESNIPER_RETURN_IF_ERROR(ReadNumber(root, "", "bandwidthMBps", 0, 1e9, &c->bandwidth_mb_s));
  if (const YAML::Node r = root["retry"]) {
    ACESNIPER_RETURN_IF_ERROR(CheckKeys(r, "retry", {"attempts", "initialSeconds", "maxSeconds"}));
    long attempts = c->retry.attempts;
    ACESNIPER_RETURN_IF_ERROR(ReadInt(r, "retry.", "attempts", 1, 100, &attempts));
    c->retry.attempts = static_cast<int>(attempts);
    ACESNIPER_RETURN_IF_ERROR(ReadNumber(r, "retry.", "initialSeconds", 0, 3600, &c->retry.initial_seconds));
    ACESNIPER_RETURN_IF_ERROR(ReadNumber(r, "retry.", "maxSeconds", 0, 86400, &c->retry.max_seconds));
  }
  return Status::Ok();
}

}  // namespace

Result<AgentConfig> ParseAgentConfig(const std::string& yaml_text, const std::string& source, const std::string& env_node_name) {
  AgentConfig c;
  try {
    Status st = Parse(YAML::Load(yaml_text), &c);
    if (!st.ok()) return st.WithContext(source);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(source + ": not valid YAML: " + e.what());
  }
  if (c.node_name.empty()) c.node_name = env_node_name;
  if (c.node_name.empty()) return Status::InvalidArgument(source + ": nodeName is not set and $NODE_NAME is empty");
  if (c.api.kind == ApiServerSource::Kind::kNone)
    return Status::InvalidArgument(source + ": apiServer is required (in-cluster, {url, ...} or {kubeconfig, ...})");
  if (c.platform.empty()) return Status::InvalidArgument(source + ": platform must not be empty");
  if (c.model_file.empty() || c.state_dir.empty()) return Status::InvalidArgument(source + ": model and stateDir must not be empty");
  const std::string label = c.platform_label.empty() ? c.platform : c.platform_label;
  if (Status st = kube::ValidateLabelValue("acesniper.io/platform", label); !st.ok())
    return st.WithContext(source + ": " + (c.platform_label.empty() ? "platform" : "platformLabel"));
  for (const auto& [k, v] : c.extra_labels) {
    Status st = kube::ValidateQualifiedKey(k);
    if (st.ok()) st = kube::ValidateLabelValue(k, v);
    if (!st.ok()) return st.WithContext(source + ": extraLabels");
  }
  if (c.retry.max_seconds < c.retry.initial_seconds)
    return Status::InvalidArgument(source + ": retry.maxSeconds must be at least retry.initialSeconds");
  return c;
}

Result<AgentConfig> LoadAgentConfig(const std::string& path, const std::string& env_node_name) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return ParseAgentConfig(*text, path, env_node_name);
}

Result<kube::ApiServerConfig> ResolveApiServer(const AgentConfig& c) {
  Result<kube::ApiServerConfig> r = Status::Internal("no API server");
  switch (c.api.kind) {
    case ApiServerSource::Kind::kNone: return Status::InvalidArgument("no apiServer configured");
    case ApiServerSource::Kind::kInCluster: r = kube::InClusterConfig(); break;
    case ApiServerSource::Kind::kKubeconfig: r = kube::LoadKubeconfig(c.api.kubeconfig, c.api.context); break;
    case ApiServerSource::Kind::kDirect: r = c.api.direct; break;
  }
  if (r.ok()) r->timeout_seconds = c.api_timeout_seconds;
  return r;
}

}  // namespace acesniper::agent
