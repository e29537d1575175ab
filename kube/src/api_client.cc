#include "acesniper/kube/api_client.h"

#include <cstdlib>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "acesniper/common/read_file.h"
#include "acesniper/kube/timed_socket.h"

namespace acesniper::kube {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Url {
  bool tls = false;
  std::string host, port;
};

Result<Url> ParseUrl(const std::string& url) {
  Url u;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return Status::InvalidArgument("API server URL '" + url + "' must start with https:// or http://");
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos)
    return Status::InvalidArgument("API server URL '" + url + "' must be scheme://host[:port] without a path");
  // host, host:port, [v6], [v6]:port
  const size_t bracket = rest.rfind(']');
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    u.host = rest.substr(0, colon);
    u.port = rest.substr(colon + 1);
  } else {
    u.host = rest;
    u.port = u.tls ? "443" : "80";
  }
  if (u.host.size() >= 2 && u.host.front() == '[' && u.host.back() == ']') u.host = u.host.substr(1, u.host.size() - 2);
  if (u.host.empty() || u.port.empty()) return Status::InvalidArgument("API server URL '" + url + "' has no host or port");
  return u;
}

template <class Stream>
Result<ApiResponse> Exchange(Stream& stream, const Url& url, const ApiCall& call, const std::string& token, size_t limit) {
  const http::verb verb = call.method == "PATCH" ? http::verb::patch : http::verb::get;
  http::request<http::string_body> req{verb, call.path, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::accept, "application/json");
  req.set(http::field::user_agent, "acesniper");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (verb == http::verb::patch) {
    req.set(http::field::content_type, call.content_type);
    req.body() = call.body;
  }
  req.prepare_payload();
  beast::error_code ec;
  http::write(stream, req, ec);
  const std::string what = call.method + " " + call.path;
  if (ec) return Status::IOError("API server: sending " + what + ": " + ec.message());
  beast::flat_buffer buffer;
  buffer.reserve(64 * 1024);
  http::response_parser<http::string_body> parser;
  parser.body_limit(limit);
  http::read(stream, buffer, parser, ec);
  if (ec) return Status::IOError("API server: reading " + what + ": " + ec.message());
  ApiResponse r;
  r.status = static_cast<int>(parser.get().result_int());
  r.body = std::move(parser.get().body());
  return r;
}

Status ConfigureTls(asio::ssl::context& ctx, const ApiServerConfig& config) {
  beast::error_code ec;
  if (!config.ca_pem.empty()) ctx.add_certificate_authority(asio::buffer(config.ca_pem), ec);
  else if (!config.ca_file.empty()) ctx.load_verify_file(config.ca_file, ec);
  else ctx.set_default_verify_paths(ec);
  if (ec) return Status::IOError("API server CA '" + (config.ca_pem.empty() ? config.ca_file : "inline PEM") + "': " + ec.message());
  if (!config.client_cert_pem.empty()) ctx.use_certificate_chain(asio::buffer(config.client_cert_pem), ec);
  else if (!config.client_cert_file.empty()) ctx.use_certificate_chain_file(config.client_cert_file, ec);
  if (ec) return Status::IOError("API client certificate: " + ec.message());
  if (!config.client_key_pem.empty()) ctx.use_private_key(asio::buffer(config.client_key_pem), asio::ssl::context::pem, ec);
  else if (!config.client_key_file.empty()) ctx.use_private_key_file(config.client_key_file, asio::ssl::context::pem, ec);
  if (ec) return Status::IOError("API client key: " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<ApiServerConfig> InClusterConfig() {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port) return Status::NotFound("not in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
  ApiServerConfig c;
  const std::string h = host;
  c.url = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
  c.token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  c.ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  return c;
}

Result<ApiResponse> ApiRequest(const ApiServerConfig& config, const ApiCall& call) {
  if (call.method != "GET" && call.method != "PATCH")
    return Status::InvalidArgument("API client: unsupported method '" + call.method + "'");
  Result<Url> url = ParseUrl(config.url);
  if (!url.ok()) return url.status();
  std::string token = config.token;
  if (!config.token_file.empty()) {
    Result<std::string> t = ReadTextFile(config.token_file);
    if (!t.ok()) return t.status().WithContext("API server token");
    token = *t;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  }
  asio::io_context io;
  beast::error_code ec;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(url->host, url->port, ec);
  if (ec) return Status::IOError("API server " + config.url + ": " + ec.message());
  beast::tcp_stream tcp_stream(io);
  tcp_stream.connect(endpoints, ec);
  if (ec) return Status::IOError("API server " + config.url + ": connect: " + ec.message());
  // Every read and write waits at most the timeout (a hung API server fails the call).
  const TimedSocket::Args timed{&tcp_stream.socket(), static_cast<int>(config.timeout_seconds * 1000)};
  if (!url->tls) {
    TimedSocket plain(timed);
    return Exchange(plain, *url, call, token, config.max_body_bytes);
  }

  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1);
  ACESNIPER_RETURN_IF_ERROR(ConfigureTls(ctx, config));
  ctx.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<TimedSocket> stream(timed, ctx);
  ctx.set_verify_callback(asio::ssl::host_name_verification(url->host));
  SSL_set_tlsext_host_name(stream.native_handle(), url->host.c_str());
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return Status::IOError("API server " + config.url + ": TLS: " + ec.message());
  Result<ApiResponse> response = Exchange(stream, *url, call, token, config.max_body_bytes);
  stream.shutdown(ec);  // the peer may just close; either way the body is complete
  return response;
}

Result<std::string> ApiGet(const ApiServerConfig& config, const std::string& path) {
  Result<ApiResponse> r = ApiRequest(config, ApiCall{"GET", path, "", ""});
  if (!r.ok()) return r.status();
  if (r->status != 200)
    return Status::IOError("API server: GET " + path + " answered " + std::to_string(r->status) + ": " + r->body.substr(0, 200));
  return std::move(r->body);
}

}  // namespace acesniper::kube
