// The API-server client's errors without a server (the integration test drives it against a fake
// API server over HTTP and HTTPS).
#include <cstdlib>

#include <catch2/catch.hpp>

#include "acesniper/kube/api_client.h"

using namespace acesniper;
using namespace acesniper::kube;
using Catch::Matchers::Contains;

TEST_CASE("API client: bad URLs and unreachable servers are errors naming them") {
  ApiServerConfig c;
  for (const char* url : {"ftp://host", "host:6443", "https://", "https://host/api"}) {
    c.url = url;
    Result<std::string> r = ApiGet(c, "/api/v1/nodes");
    INFO(url);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
  }
  c.url = "http://127.0.0.1:1";  // nothing listens on port 1
  c.timeout_seconds = 2;
  Result<std::string> refused = ApiGet(c, "/api/v1/nodes");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kIOError);
  CHECK_THAT(refused.status().message(), Contains("http://127.0.0.1:1"));
  c.token_file = "/nonexistent/token";
  CHECK_THAT(ApiGet(c, "/api/v1/nodes").status().message(), Contains("token"));
}

TEST_CASE("API client: in-cluster config needs the service environment") {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  if (host) return;  // running inside a cluster: nothing to check here
  Result<ApiServerConfig> c = InClusterConfig();
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == Status::Code::kNotFound);
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  c = InClusterConfig();
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  REQUIRE(c.ok());
  CHECK(c->url == "https://10.96.0.1:443");
  CHECK_THAT(c->token_file, Contains("serviceaccount/token"));
}
