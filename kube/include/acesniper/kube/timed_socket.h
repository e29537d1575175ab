// A blocking TCP socket whose every read and write waits at most a timeout for the peer, for
// Boost.Beast's synchronous calls. Asio's synchronous operations wait in poll() without a limit
// after EAGAIN, so SO_RCVTIMEO does not bound them; this wrapper polls with the timeout itself.
// Used by the extender's server and the API-server client.
#pragma once

#include <poll.h>

#include <cerrno>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

namespace acesniper::kube {

class TimedSocket {
 public:
  struct Args {
    boost::asio::ip::tcp::socket* socket;
    int timeout_ms;
  };
  using executor_type = boost::asio::ip::tcp::socket::executor_type;
  using lowest_layer_type = boost::asio::ip::tcp::socket::lowest_layer_type;
  explicit TimedSocket(Args a) : s_(*a.socket), timeout_ms_(a.timeout_ms) {}
  executor_type get_executor() { return s_.get_executor(); }
  lowest_layer_type& lowest_layer() { return s_.lowest_layer(); }
  const lowest_layer_type& lowest_layer() const { return s_.lowest_layer(); }

  template <class Buffers>
  size_t read_some(const Buffers& b, boost::beast::error_code& ec) {
    if (boost::asio::buffer_size(b) == 0 || !Wait(POLLIN, ec)) return 0;
    return s_.read_some(b, ec);
  }
  template <class Buffers>
  size_t write_some(const Buffers& b, boost::beast::error_code& ec) {
    if (boost::asio::buffer_size(b) == 0 || !Wait(POLLOUT, ec)) return 0;
    return s_.write_some(b, ec);
  }
  template <class Buffers>
  size_t read_some(const Buffers& b) {
    boost::beast::error_code ec;
    size_t n = read_some(b, ec);
    if (ec) throw boost::beast::system_error(ec);
    return n;
  }
  template <class Buffers>
  size_t write_some(const Buffers& b) {
    boost::beast::error_code ec;
    size_t n = write_some(b, ec);
    if (ec) throw boost::beast::system_error(ec);
    return n;
  }

 private:
  bool Wait(short events, boost::beast::error_code& ec) {
    pollfd p{s_.native_handle(), events, 0};
    int r;
    do r = ::poll(&p, 1, timeout_ms_);
    while (r < 0 && errno == EINTR);
    if (r == 0) ec = boost::asio::error::timed_out;
    else if (r < 0) ec = boost::beast::error_code(errno, boost::system::system_category());
    else ec = {};
    return r > 0;
  }
  boost::asio::ip::tcp::socket& s_;
  int timeout_ms_;
};

}  // namespace acesniper::kube
