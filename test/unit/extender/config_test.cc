// acesniper-extender's YAML configuration: defaults, the shipped example, and an error naming
// the key for every kind of bad field.
#include <catch2/catch.hpp>

#include "config/extender_config.h"

using namespace acesniper;
using namespace acesniper::extender;
using Catch::Matchers::Contains;

TEST_CASE("an empty config is every default") {
  Result<ExtenderConfig> c = ParseExtenderConfig("", "empty.yaml");
  REQUIRE(c.ok());
  CHECK(c->port == 8888);
  CHECK(c->url_prefix == "/acesniper");
  CHECK(c->decide.policy.queue_cap == 4);
  CHECK(c->decide.node_without_hrm == NodeWithoutHrmRule::kNeutral);
  CHECK_FALSE(c->tls.enabled());
}

TEST_CASE("the shipped example config loads with every field") {
  Result<ExtenderConfig> c = LoadExtenderConfig(std::string(ACESNIPER_REPO_DIR) + "/extender/config/example.yaml");
  REQUIRE(c.ok());
  CHECK(c->port == 8888);
  CHECK(c->decide.policy.max_slowdown == 2);
  CHECK(c->refresh_seconds == 2);
}

TEST_CASE("every bad field gets an error naming it") {
  struct Case {
    const char* yaml;
    const char* says;
  };
  for (const Case& k : std::vector<Case>{
           {"listen: {port: 70000}", "listen.port: must be an integer in [0, 65535]"},
           {"listen: {port: eighty}", "listen.port"},
           {"listen: {host: x}", "listen.host: unknown key"},
           {"lisen: {}", "lisen: unknown key"},
           {"urlPrefix: scheduler", "urlPrefix: must start with '/'"},
           {"urlPrefix: /x/", "urlPrefix"},
           {"tls: {certFile: a.pem}", "certFile and keyFile go together"},
           {"tls: {clientCAFile: ca.pem}", "clientCAFile needs"},
           {"model: {reloadSeconds: 0}", "model.reloadSeconds"},
           {"model: {latencyModel: ''}", "must not be empty"},
           {"model: {latencyModel: [a, b]}", "model.latencyModel: must be a string"},
           {"policy: {queueCap: 0}", "policy.queueCap"},
           {"policy: {queueCap: 2.5}", "policy.queueCap"},
           {"policy: {maxSlowdown: 0.5}", "policy.maxSlowdown: must be 0 (no limit) or at least 1"},
           {"policy: {maxSlowdown: .nan}", "policy.maxSlowdown"},
           {"policy: {nodeWithoutHrm: drop}", "policy.nodeWithoutHrm: 'drop' is neither"},
           {"policy: {defaultBandwidthMBps: -1}", "policy.defaultBandwidthMBps"},
           {"server: {maxBodyBytes: 10}", "server.maxBodyBytes"},
           {"server: {logRequests: perhaps}", "server.logRequests: must be true or false"},
           {"cluster: {refreshSeconds: -1}", "cluster.refreshSeconds"},
           {"cluster: {apiServer: yes}", "cluster.apiServer: must be in-cluster or a mapping"},
           {"cluster: {apiServer: {url: 'ftp://x'}}", "cluster.apiServer.url: must start with"},
           {"cluster: {apiServer: {url: 'https://x', token: t}}", "cluster.apiServer.token: unknown key"},
           {"cluster: {apiServer: in-cluster, nodesFile: n.json}", "alternatives, not both"},
           {"policy: [1, 2]", "policy: must be a mapping"},
           {"[1, 2]", "config: must be a mapping"},
           {"listen: {port: 1", "not valid YAML"},
       }) {
    Result<ExtenderConfig> c = ParseExtenderConfig(k.yaml, "bad.yaml");
    INFO(k.yaml);
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.status().message(), Contains(k.says));
    CHECK_THAT(c.status().message(), Contains("bad.yaml"));
  }
  Result<ExtenderConfig> api = ParseExtenderConfig("cluster: {apiServer: {url: 'https://10.0.0.1:6443', tokenFile: /t, caFile: /ca}}", "a.yaml");
  REQUIRE(api.ok());
  CHECK(api->uses_api_server());
  CHECK(api->api.ca_file == "/ca");
  Result<ExtenderConfig> missing = LoadExtenderConfig("/nonexistent/extender.yaml");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(), Contains("/nonexistent/extender.yaml"));
}
