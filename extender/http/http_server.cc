#include "http/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "acesniper/kube/timed_socket.h"

namespace acesniper::extender {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  // Shared with connection threads, which may outlive the server.
  std::shared_ptr<asio::io_context> io = std::make_shared<asio::io_context>();
  tcp::acceptor acceptor{*io};
  std::shared_ptr<asio::ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::shared_ptr<std::atomic<int>> active = std::make_shared<std::atomic<int>>(0);
  std::thread accept_thread;
  int port = 0;

  void AcceptLoop();
};

namespace {

template <class Stream>
void WriteSimple(Stream& stream, http::status status, const std::string& body, bool keep_alive, unsigned version) {
  http::response<http::string_body> res{status, version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.keep_alive(keep_alive);
  res.body() = body;
  res.prepare_payload();
  beast::error_code ec;
  http::write(stream, res, ec);
}

template <class Stream>
void Serve(Stream& stream, const HttpServerOptions& options, const HttpHandler& handler) {
  beast::flat_buffer buffer;
  // Beast sizes each read by the buffer's free capacity (at least 512 bytes): without room, a
  // 1 MB NodeList took 2,000 reads and ~6 ms on loopback; with 256 KB it takes a handful.
  buffer.reserve(256 * 1024);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(64 * 1024);
    beast::error_code ec;
    http::read_header(stream, buffer, parser, ec);
    if (!ec && parser.get()[http::field::expect] == "100-continue") {
      // curl sends this for large bodies and waits a second for it otherwise.
      http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
      http::write(stream, go_on, ec);
    }
    if (!ec && !parser.is_done()) http::read(stream, buffer, parser, ec);
    if (ec == http::error::end_of_stream || ec == asio::error::eof) return;
    if (ec == http::error::body_limit) {
      WriteSimple(stream, http::status::payload_too_large,
                  "request body larger than " + std::to_string(options.max_body_bytes) + " bytes\n", false, 11);
      return;
    }
    if (ec) {
      // A malformed request gets 400; a timeout or a reset just closes the connection.
      if (ec.category() == beast::error_code(http::error::bad_target).category()) WriteSimple(stream, http::status::bad_request, ec.message() + "\n", false, 11);
      return;
    }
    http::request<http::string_body>& req = parser.get();
    HttpRequest in{std::string(req.method_string()), std::string(req.target()), std::move(parser.get().body())};
    HttpReply out = handler(std::move(in));
    http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
    res.set(http::field::content_type, out.content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(out.body);
    res.prepare_payload();
    http::write(stream, res, ec);
    if (ec || !req.keep_alive()) return;
  }
}

}  // namespace

using kube::TimedSocket;

namespace {
// One accepted connection: the io_context is declared first so it is destroyed last.
struct Connection {
  std::shared_ptr<asio::io_context> io;
  tcp::socket socket;
  explicit Connection(std::shared_ptr<asio::io_context> c) : io(std::move(c)), socket(*io) {}
};
}  // namespace

void HttpServer::Impl::AcceptLoop() {
  for (;;) {
    auto conn = std::make_shared<Connection>(io);
    tcp::socket& socket = conn->socket;
    beast::error_code ec;
    acceptor.accept(socket, ec);
    if (stopping.load()) return;
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    if (active->load() >= options.max_connections) {
      WriteSimple(socket, http::status::service_unavailable, "too many connections\n", false, 11);
      continue;
    }
    ++*active;
    // Each connection owns what it uses; the server may go away while it finishes.
    std::thread([conn, options = options, handler = handler, tls = tls, active = active]() {
      tcp::socket& socket = conn->socket;
      const TimedSocket::Args timed{&socket, static_cast<int>(options.read_timeout_seconds * 1000)};
      if (tls) {
        asio::ssl::stream<TimedSocket> stream(timed, *tls);
        beast::error_code hec;
        stream.handshake(asio::ssl::stream_base::server, hec);
        if (!hec) Serve(stream, options, handler);
        stream.shutdown(hec);
      } else {
        TimedSocket stream(timed);
        Serve(stream, options, handler);
      }
      beast::error_code cec;
      socket.shutdown(tcp::socket::shutdown_both, cec);
      --*active;
    }).detach();
  }
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  beast::error_code ec;
  if (!options.cert_file.empty()) {
    impl->tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    impl->tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    impl->tls->use_certificate_chain_file(options.cert_file, ec);
    if (ec) return Status::InvalidArgument("tls.certFile '" + options.cert_file + "': " + ec.message());
    impl->tls->use_private_key_file(options.key_file, asio::ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("tls.keyFile '" + options.key_file + "': " + ec.message());
    if (!options.client_ca_file.empty()) {
      impl->tls->load_verify_file(options.client_ca_file, ec);
      if (ec) return Status::InvalidArgument("tls.clientCAFile '" + options.client_ca_file + "': " + ec.message());
      impl->tls->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
  }
  const asio::ip::address addr = asio::ip::make_address(options.address, ec);
  if (ec) return Status::InvalidArgument("listen.address '" + options.address + "': " + ec.message());
  const tcp::endpoint ep(addr, static_cast<unsigned short>(options.port));
  impl->acceptor.open(ep.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(ep, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IOError("cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " + ec.message());
  impl->port = impl->acceptor.local_endpoint().port();
  Impl* raw = impl.get();
  impl->accept_thread = std::thread([raw] { raw->AcceptLoop(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->stopping = true;
  // Wake the blocked accept with a connection of our own, then close.
  beast::error_code ec;
  tcp::socket poke(*impl_->io);
  poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(impl_->port)), ec);
  if (ec) impl_->acceptor.close(ec);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  impl_->acceptor.close(ec);
}

int HttpServer::port() const { return impl_->port; }
int HttpServer::active_connections() const { return impl_->active->load(); }

}  // namespace acesniper::extender
