#include "config/extender_config.h"

#include <cmath>

#include <yaml-cpp/yaml.h>

#include "acesniper/kube/yaml_fields.h"

#include "acesniper/common/read_file.h"

namespace acesniper::extender {

namespace {

using namespace kube::yaml;  // NOLINT: the readers

Status Parse(const YAML::Node& root, ExtenderConfig* c) {
  if (!root || root.IsNull()) return Status::Ok();  // an empty file: every default
  ACESNIPER_RETURN_IF_ERROR(CheckKeys(root, "", {"listen", "urlPrefix", "tls", "model", "cluster", "policy", "server"}));
  ACESNIPER_RETURN_IF_ERROR(ReadString(root, "", "urlPrefix", &c->url_prefix));
  if (const YAML::Node l = root["listen"]) {
    ACESNIPER_RETURN_IF_ERROR(CheckKeys(l, "listen", {"address", "port"}));
    ACESNIPER_RETURN_IF_ERROR(ReadString(l, "listen.", "address", &c->address));
    long port = c->port;
    ACESNIPER_RETURN_IF_ERROR(ReadInt(l, "listen.", "port", 0, 65535, &port));
    c->port = static_cast<int>(port);
  }
  if (const YAML::Node t = root["tls"]) {
    ACESNIPER_RETURN_IF_ERROR(CheckKeys(t, "tls", {"certFile", "keyFile", "clientCAFile"}));
    ACESNIPER_RETURN_IF_ERROR(ReadString(t, "tls.", "certFile", &c->tls.cert_file));
    ACESNIPER_RETURN_IF_ERROR(ReadString(t, "tls.", "keyFile", &c->tls.key_file));
    ACESNIPER_RETURN_IF_ERROR(ReadString(t, "tls.", "clientCAFile", &c->tls.client_ca_file));
  }
  if (const YAML::Node m = root["model"]) {
    ACESNIPER_RETURN_IF_ERROR(CheckKeys(m, "model", {"latencyModel", "catalogue", "reloadSeconds"}));
    ACESNIPER_RETURN_IF_ERROR(ReadString(m, "model.", "latencyModel", &c->model_file));
    ACESNIPER_RETURN_IF_ERROR(ReadString(m, "model.", "catalogue", &c->catalogue_file));
    ACESNIPER_RETURN_IF_ERROR(ReadNumber(m, "model.", "reloadSeconds", 0.1, 86400, &c->reload_seconds));
  }
  if (const YAML::Node k = root["cluster"]) {
    ACESNIPER_RETURN_IF_ERROR(CheckKeys(k, "cluster", {"apiServer", "nodesFile", "podsFile", "refreshSeconds"}));
    if (const YAML::Node a = k["apiServer"]) {
      if (a.IsScalar()) {
        if (a.as<std::string>() != "in-cluster")
          return Bad("cluster.apiServer", "must be in-cluster or a mapping {url, tokenFile, caFile}");
        c->api_in_cluster = true;
      } else {
        ACESNIPER_RETURN_IF_ERROR(CheckKeys(a, "cluster.apiServer", {"url", "tokenFile", "caFile", "timeoutSeconds"}));
        ACESNIPER_RETURN_IF_ERROR(ReadString(a, "cluster.apiServer.", "url", &c->api.url));
        ACESNIPER_RETURN_IF_ERROR(ReadString(a, "cluster.apiServer.", "tokenFile", &c->api.token_file));
        ACESNIPER_RETURN_IF_ERROR(ReadString(a, "cluster.apiServer.", "caFile", &c->api.ca_file));
        ACESNIPER_RETURN_IF_ERROR(ReadNumber(a, "cluster.apiServer.", "timeoutSeconds", 0.1, 600, &c->api.timeout_seconds));
        if (c->api.url.rfind("https://", 0) != 0 && c->api.url.rfind("http://", 0) != 0)
          return Bad("cluster.apiServer.url", "must start with https:// or http://");
      }
    }
    ACESNIPER_RETURN_IF_ERROR(ReadString(k, "cluster.", "nodesFile", &c->nodes_file));
    ACESNIPER_RETURN_IF_ERROR(ReadString(k, "cluster.", "podsFile", &c->pods_file));
    ACESNIPER_RETURN_IF_ERROR(ReadNumber(k, "cluster.", "refreshSeconds", 0.1, 3600, &c->refresh_seconds));
  }
  if (const YAML::Node p = root["policy"]) {
    ACESNIPER_RETURN_IF_ERROR(
        CheckKeys(p, "policy", {"queueCap", "maxSlowdown", "nodeWithoutHrm", "defaultBandwidthMBps", "linkLatencySeconds"}));
    long cap = c->decide.policy.queue_cap;
    ACESNIPER_RETURN_IF_ERROR(ReadInt(p, "policy.", "queueCap", 1, 1000000, &cap));
    c->decide.policy.queue_cap = static_cast<int>(cap);
    ACESNIPER_RETURN_IF_ERROR(ReadNumber(p, "policy.", "maxSlowdown", 0, 1e6, &c->decide.policy.max_slowdown));
    if (c->decide.policy.max_slowdown > 0 && c->decide.policy.max_slowdown < 1)
      return Bad("policy.maxSlowdown", "must be 0 (no limit) or at least 1");
    std::string rule = "neutral";
    ACESNIPER_RETURN_IF_ERROR(ReadString(p, "policy.", "nodeWithoutHrm", &rule));
    if (rule == "neutral") c->decide.node_without_hrm = NodeWithoutHrmRule::kNeutral;
    else if (rule == "filter") c->decide.node_without_hrm = NodeWithoutHrmRule::kFilter;
    else return Bad("policy.nodeWithoutHrm", "'" + rule + "' is neither neutral nor filter");
    ACESNIPER_RETURN_IF_ERROR(ReadNumber(p, "policy.", "defaultBandwidthMBps", 1e-6, 1e9, &c->decide.default_bandwidth_mb_s));
    ACESNIPER_RETURN_IF_ERROR(ReadNumber(p, "policy.", "linkLatencySeconds", 0, 60, &c->decide.link_latency_s));
  }
  if (const YAML::Node s = root["server"]) {
    ACESNIPER_RETURN_IF_ERROR(CheckKeys(s, "server", {"maxBodyBytes", "readTimeoutSeconds", "maxConnections", "logRequests"}));
    long body = static_cast<long>(c->max_body_bytes), conns = c->max_connections;
    ACESNIPER_RETURN_IF_ERROR(ReadInt(s, "server.", "maxBodyBytes", 1024, 1l << 32, &body));
    ACESNIPER_RETURN_IF_ERROR(ReadNumber(s, "server.", "readTimeoutSeconds", 0.1, 3600, &c->read_timeout_seconds));
    ACESNIPER_RETURN_IF_ERROR(ReadInt(s, "server.", "maxConnections", 1, 100000, &conns));
    ACESNIPER_RETURN_IF_ERROR(ReadBool(s, "server.", "logRequests", &c->log_requests));
    c->max_body_bytes = static_cast<size_t>(body);
    c->max_connections = static_cast<int>(conns);
  }
  return Status::Ok();
}

}  // namespace

Result<ExtenderConfig> ParseExtenderConfig(const std::string& yaml_text, const std::string& source) {
  ExtenderConfig c;
  try {
    Status st = Parse(YAML::Load(yaml_text), &c);
    if (!st.ok()) return st.WithContext(source);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(source + ": not valid YAML: " + e.what());
  }
  if (c.url_prefix.empty() || c.url_prefix[0] != '/' || c.url_prefix.back() == '/')
    if (c.url_prefix != "/") return Status::InvalidArgument(source + ": urlPrefix: must start with '/' and not end with one");
  if (c.url_prefix == "/") c.url_prefix.clear();
  if (c.tls.cert_file.empty() != c.tls.key_file.empty())
    return Status::InvalidArgument(source + ": tls: certFile and keyFile go together");
  if (!c.tls.client_ca_file.empty() && !c.tls.enabled())
    return Status::InvalidArgument(source + ": tls.clientCAFile needs certFile and keyFile");
  if (c.uses_api_server() && (!c.nodes_file.empty() || !c.pods_file.empty()))
    return Status::InvalidArgument(source + ": cluster: apiServer and nodesFile/podsFile are alternatives, not both");
  if (c.model_file.empty() || c.catalogue_file.empty())
    return Status::InvalidArgument(source + ": model.latencyModel and model.catalogue must not be empty");
  return c;
}

Result<ExtenderConfig> LoadExtenderConfig(const std::string& path) {
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return ParseExtenderConfig(*text, path);
}

}  // namespace acesniper::extender
