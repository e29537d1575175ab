// A small HTTP/1.1 server on Boost.Beast (Debian's Boost 1.74): one thread accepts, one thread
// per connection reads requests with keep-alive, a capped body, and a read timeout. Optional
// TLS through Boost.Asio's OpenSSL stream. It knows nothing of the extender: it hands each
// request to a handler function and writes back what that returns. The handler must not throw.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "acesniper/common/status.h"

namespace acesniper::extender {

struct HttpRequest {
  std::string method, target, body;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using HttpHandler = std::function<HttpReply(HttpRequest)>;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  int port = 0;                      // 0: any free port (HttpServer::port() says which)
  size_t max_body_bytes = 32u << 20; // larger bodies get 413 and the connection closes
  double read_timeout_seconds = 10;  // a silent connection is closed after this
  int max_connections = 64;          // beyond: 503 and close
  std::string cert_file, key_file, client_ca_file;  // TLS when cert_file is set
};

class HttpServer {
 public:
  // Binds and starts accepting; errors: the address, the port, or the TLS files. The caller
  // owns the server; destroying it stops accepting (connections in flight finish on their own).
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  int active_connections() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace acesniper::extender
