#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "acesniper/kube/kubeconfig.h"
#include "temp_dir.h"

using namespace acesniper::kube;

namespace {

// The kubeconfig files live in one directory per test run, removed at exit.
const acesniper::testing::TempDir& Dir() {
  static const acesniper::testing::TempDir dir;
  return dir;
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = Dir().File("kubeconfig-" + name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("LoadKubeconfig takes the current context's cluster and user") {
  // "-----BEGIN X-----" base64-encoded, to check the decoding.
  const std::string path = WriteTemp("ok", R"(apiVersion: v1
kind: Config
current-context: edge
contexts:
- {name: other, context: {cluster: far, user: nobody}}
- {name: edge, context: {cluster: near, user: agent}}
clusters:
- {name: far, cluster: {server: "https://far:6443"}}
- {name: near, cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: LS0tLS1CRUdJTiBYLS0tLS0=}}
users:
- {name: agent, user: {tokenFile: token.txt, client-certificate: certs/agent.crt, client-key: /abs/agent.key}}
)");
  auto c = LoadKubeconfig(path);
  REQUIRE(c.ok());
  CHECK(c->url == "https://10.0.0.1:6443");
  CHECK(c->ca_pem == "-----BEGIN X-----");
  CHECK(c->token_file == Dir().File("token.txt"));  // relative to the kubeconfig's directory
  CHECK(c->client_cert_file == Dir().File("certs/agent.crt"));
  CHECK(c->client_key_file == "/abs/agent.key");
  auto other = LoadKubeconfig(path, "other");
  CHECK_FALSE(other.ok());  // its user does not exist
  CHECK_THAT(other.status().message(), Catch::Matchers::Contains("no user named 'nobody'"));
}

TEST_CASE("LoadKubeconfig refuses what would weaken or bypass TLS, and names it") {
  auto check = [](const std::string& name, const std::string& text, const std::string& expect) {
    auto c = LoadKubeconfig(WriteTemp(name, text));
    CHECK_FALSE(c.ok());
    CHECK_THAT(c.status().message(), Catch::Matchers::Contains(expect));
  };
  const std::string head = "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n";
  check("insecure", head + "clusters: [{name: c, cluster: {server: 'https://h', insecure-skip-tls-verify: true}}]\n"
                           "users: [{name: u, user: {token: t}}]\n", "insecure-skip-tls-verify");
  check("exec", head + "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                       "users: [{name: u, user: {exec: {command: aws}}}]\n", "'exec'");
  check("badb64", head + "clusters: [{name: c, cluster: {server: 'https://h', certificate-authority-data: 'abc'}}]\n"
                         "users: [{name: u, user: {token: t}}]\n", "certificate-authority-data is not base64");
  check("noserver", head + "clusters: [{name: c, cluster: {}}]\nusers: [{name: u, user: {token: t}}]\n", "has no server");
  check("nocontext", "clusters: []\n", "no current-context");
  check("notyaml", "a: [1\n", "not YAML");
  CHECK(LoadKubeconfig("/nonexistent/kubeconfig").status().code() == acesniper::Status::Code::kNotFound);
}
