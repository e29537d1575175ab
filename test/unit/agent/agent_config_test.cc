#include <catch2/catch.hpp>

#include "agent/agent_config.h"

using namespace acesniper::agent;

TEST_CASE("Agent config: defaults, every field, and NODE_NAME") {
  auto c = ParseAgentConfig("apiServer: in-cluster\n", "t.yaml", "node-from-env");
  REQUIRE(c.ok());
  CHECK(c->node_name == "node-from-env");
  CHECK(c->api.kind == ApiServerSource::Kind::kInCluster);
  CHECK(c->platform == "torch-eager-2t");
  CHECK(c->state_dir == "/var/lib/acesniper");
  auto full = ParseAgentConfig(R"(nodeName: jetson-1
apiServer: {url: "http://127.0.0.1:10550", timeoutSeconds: 3}
platform: jetson-orin-trt-fp16
platformsFile: /etc/acesniper/platforms.json
platformLabel: jetson-orin-trt-fp16
extraLabels: {acesniper.io/accelerator: jetson-orin}
worker: [/usr/bin/acesniper, measure-worker]
model: /m.json
stateDir: /s
networkTimeoutSeconds: 900
rebenchmarkHours: 0
checkSeconds: 60
bandwidthMBps: 12.5
retry: {attempts: 8, initialSeconds: 2, maxSeconds: 120}
)", "t.yaml", "ignored");
  REQUIRE(full.ok());
  CHECK(full->node_name == "jetson-1");
  CHECK(full->api.kind == ApiServerSource::Kind::kDirect);
  CHECK(full->api.direct.url == "http://127.0.0.1:10550");
  CHECK(full->api_timeout_seconds == 3);
  CHECK(full->extra_labels.at("acesniper.io/accelerator") == "jetson-orin");
  CHECK(full->worker.size() == 2);
  CHECK(full->retry.attempts == 8);
  CHECK(full->bandwidth_mb_s == 12.5);
  auto kc = ParseAgentConfig("nodeName: n\napiServer: {kubeconfig: /etc/kubeedge/kubeconfig, context: edge}\n", "t", "");
  REQUIRE(kc.ok());
  CHECK(kc->api.kind == ApiServerSource::Kind::kKubeconfig);
  CHECK(kc->api.context == "edge");
}

TEST_CASE("Agent config errors name the key") {
  auto bad = [](const std::string& yaml, const std::string& expect) {
    auto c = ParseAgentConfig(yaml, "agent.yaml", "");
    CHECK_FALSE(c.ok());
    CHECK_THAT(c.status().message(), Catch::Matchers::Contains("agent.yaml") && Catch::Matchers::Contains(expect));
  };
  const std::string head = "nodeName: n\n";
  bad(head, "apiServer is required");
  bad("apiServer: in-cluster\n", "NODE_NAME");
  bad(head + "apiServer: out-of-cluster\n", "apiServer");
  bad(head + "apiServer: {url: x}\n", "apiServer.url");
  bad(head + "apiServer: {kubeconfig: k, url: 'http://x'}\n", "alternatives");
  bad(head + "apiServer: {context: c, url: 'http://x'}\n", "apiServer.context");
  bad(head + "apiServer: in-cluster\nchecksSeconds: 1\n", "checksSeconds: unknown key");
  bad(head + "apiServer: in-cluster\ncheckSeconds: -1\n", "checkSeconds");
  bad(head + "apiServer: in-cluster\nretry: {attempts: 1.5}\n", "retry.attempts");
  bad(head + "apiServer: in-cluster\nretry: {initialSeconds: 10, maxSeconds: 1}\n", "retry.maxSeconds");
  bad(head + "apiServer: in-cluster\nplatform: 'torch eager'\n", "platform");
  bad(head + "apiServer: in-cluster\nextraLabels: {acesniper.io/x: 'a b'}\n", "extraLabels");
  bad(head + "apiServer: in-cluster\nextraLabels: [a]\n", "extraLabels");
  bad(head + "apiServer: in-cluster\nworker: /usr/bin/acesniper\n", "worker");
  bad(head + "apiServer: in-cluster\nmodel: ''\n", "model");
  bad("nodeName: [1\n", "not valid YAML");
}
