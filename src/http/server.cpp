#include "http/server.hpp"

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <charconv>
#include <csignal>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <type_traits>

#include "async/blocking_pool.hpp"
#include "base/log.hpp"
#include "base/text.hpp"
#include "http/batches.hpp"
#include "http/responses.hpp"
#include "http/wire.hpp"

namespace communique {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct Connection;

struct ServerState {
  const ServerSettings& settings;
  const Router& router;
  BlockingPool& pool;
  Batches batches;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  // Touched on the I/O thread only:
  std::set<Connection*> connections;               // open ones
  std::size_t open = 0;                            // connections accepted and not closed
  std::map<std::string, std::size_t> per_address;  // the same by client address
  std::size_t pending = 0;                         // requests on the blocking pool
  std::size_t turned_away = 0;  // connections over capacity since the last log line
  std::chrono::steady_clock::time_point last_turned_away_log{};
};

Result<tcp::endpoint> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  const auto bad =
      make_error(ErrorCode::invalid_input,
                 "listen address '" + listen + "' is not HOST:PORT, e.g. 127.0.0.1:8080");
  if (colon == std::string::npos) {
    return bad;
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const auto* first = listen.data() + colon + 1;
  const auto* last = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || ptr != last || port > 65535) {
    return bad;
  }
  if (host == "localhost") {
    host = "127.0.0.1";
  }
  boost::system::error_code address_error;
  auto address = asio::ip::make_address(host, address_error);
  if (address_error) {
    return make_error(ErrorCode::invalid_input,
                      "listen host '" + host + "' is not an IP address such as 127.0.0.1");
  }
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

// The request's head; its body is moved in once read.
HttpRequest to_request(const bhttp::request<bhttp::string_body>& in, const std::string& remote,
                       const std::string& trusted_proxy) {
  HttpRequest request;
  request.method = std::string(in.method_string());
  const std::string_view target(in.target().data(), in.target().size());
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    request.query = std::string(target.substr(question + 1));
  }
  for (const auto& field : in) {
    const auto name = field.name_string();
    request.headers[ascii_lower({name.data(), name.size()})] = std::string(field.value());
  }
  request.remote_address =
      trusted_proxy.empty()
          ? remote
          : client_address(remote, request.header("x-forwarded-for"), trusted_proxy);
  return request;
}

// One connection: its socket, and the moment by which the current read or write must be
// done. One watchdog per connection enforces it (see watchdog), so reads and writes need
// no timer of their own.
struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer timer;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  bool open = true;
  bool timed_out = false;
  bool idle = false;  // waiting for a request: a stopping server closes it at once

  void expires_after(std::chrono::seconds timeout) {
    deadline = std::chrono::steady_clock::now() + timeout;
  }
};

// Closes the connection's socket once its deadline has passed (the pending read or write
// then ends with an error), waking at most once a second; returns when the session ends.
asio::awaitable<void> watchdog(std::shared_ptr<Connection> connection) {
  while (connection->open) {
    const auto now = std::chrono::steady_clock::now();
    if (connection->deadline <= now) {
      connection->timed_out = true;
      beast::error_code ignored;
      connection->socket.close(ignored);
      co_return;
    }
    connection->timer.expires_at(std::min(connection->deadline, now + std::chrono::seconds(1)));
    beast::error_code ec;
    co_await connection->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

// An answer to a request that could not be read (too large, malformed), then close.
asio::awaitable<void> reject(tcp::socket& stream, int status, std::string_view code,
                             std::string_view message) {
  const auto out = to_wire(error_response(status, code, message), 11, false, false);
  beast::error_code ec;
  co_await asio::async_write(stream, asio::buffer(out),
                             asio::redirect_error(asio::use_awaitable, ec));
}

// Answers a request whose body is left unread, then closes the connection gently: stops
// sending, then reads and drops what the client still sends (up to a bound, for a few
// seconds), so that the client reads the answer instead of a reset.
asio::awaitable<void> refuse(Connection& connection, const HttpResponse& response,
                             unsigned version) {
  const auto out = to_wire(response, version, false, false);
  beast::error_code ec;
  co_await asio::async_write(connection.socket, asio::buffer(out),
                             asio::redirect_error(asio::use_awaitable, ec));
  connection.socket.shutdown(tcp::socket::shutdown_send, ec);
  connection.expires_after(std::chrono::seconds(5));
  std::array<char, 16 * 1024> dropped;
  std::size_t total = 0;
  while (!ec && total < 64 * 1024 * 1024) {
    total += co_await connection.socket.async_read_some(
        asio::buffer(dropped), asio::redirect_error(asio::use_awaitable, ec));
  }
}

std::size_t body_limit(const ServerSettings& settings, const Route* route) {
  switch (route != nullptr ? body_size(*route) : BodySize::form) {
    case BodySize::form:
      return settings.max_form_bytes;
    case BodySize::json:
      return settings.max_json_bytes;
    case BodySize::upload:
      return settings.max_body_bytes;
  }
  return settings.max_form_bytes;
}

HttpResponse busy() {
  auto response = error_response(503, "busy", "the server is busy; try again in a moment");
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// Runs `work` on the blocking pool, or nothing at once when max_pending_requests are
// already there (the caller answers busy()).
template <typename Work>
asio::awaitable<std::optional<std::invoke_result_t<Work>>> on_pool(ServerState& state, Work work) {
  if (state.pending >= state.settings.max_pending_requests) {
    co_return std::nullopt;
  }
  ++state.pending;
  std::optional<std::invoke_result_t<Work>> result;
  try {
    result.emplace(co_await run_blocking(state.pool, std::move(work)));
  } catch (...) {
    --state.pending;
    throw;
  }
  --state.pending;
  co_return result;
}

// Whether a signed-in route admits the request, asked from its head before its body is
// read: the refusal to send (a 500 when the gate itself failed), or nothing.
asio::awaitable<std::optional<HttpResponse>> admit_before_body(ServerState& state,
                                                               HttpRequest& request,
                                                               const Route& route) {
  auto refusal = co_await on_pool(state, [&state, &request, &route] {
    try {
      return state.router.admit(request, route);
    } catch (const std::exception& error) {
      logger("http")->error("{} {} admission threw: {}", request.method, route.pattern,
                            error.what());
    }
    return std::optional<HttpResponse>(
        error_response(500, "internal", "an internal error occurred; it has been logged"));
  });
  co_return refusal ? std::move(*refusal) : std::optional<HttpResponse>(busy());
}

asio::awaitable<void> session(tcp::socket socket, std::string remote, ServerState& state) {
  auto log = logger("http");
  beast::error_code ec;
  // Answers are written whole: no reason to hold a segment back waiting for an ACK.
  socket.set_option(tcp::no_delay(true), ec);
  auto connection = std::make_shared<Connection>(std::move(socket));
  auto& stream = connection->socket;
  connection->expires_after(state.settings.read_timeout);
  asio::co_spawn(stream.get_executor(), watchdog(connection), asio::detached);
  state.connections.insert(connection.get());
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(state.settings.max_header_bytes));
    // No limit on the head's Content-Length yet (boost::none would refuse every body in
    // Boost 1.74): the route's limit is applied once the head is read.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    // A keep-alive connection may wait idle for the next request; once bytes arrive the
    // whole request must come within the read timeout. Beast applies one deadline to
    // the read, so the first request uses the read timeout and later ones the idle one.
    connection->expires_after(first ? state.settings.read_timeout : state.settings.idle_timeout);
    first = false;
    connection->idle = true;
    // The head first: the route it names decides how much body may follow, and whether
    // the sender may send one at all.
    co_await bhttp::async_read_header(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    connection->idle = false;
    if (ec == bhttp::error::end_of_stream || connection->timed_out ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      break;
    }
    if (ec) {
      log->warn("unreadable request from {}: {}", remote, ec.message());
      if (ec == bhttp::error::header_limit) {
        co_await reject(stream, 431, "headers_too_large",
                        "the request headers are larger than the server accepts");
      } else {
        co_await reject(stream, 400, "bad_request", "the request is not valid HTTP/1.1");
      }
      break;
    }
    auto& in = parser.get();
    HttpRequest request = to_request(in, remote, state.settings.trusted_proxy);
    const Route* target = state.router.find(request.method, request.path);
    const auto limit = body_limit(state.settings, target);
    const auto too_large = "the request body is larger than " + std::to_string(limit) +
                           " bytes, the most this endpoint accepts";
    if (const auto declared = parser.content_length(); declared && *declared > limit) {
      log->warn("{} {} from {}: body of {} bytes refused", request.method,
                target != nullptr ? target->pattern : "-", remote, *declared);
      co_await refuse(*connection, error_response(413, "payload_too_large", too_large),
                      in.version());
      break;
    }
    parser.body_limit(limit);
    if (!parser.is_done()) {
      const auto declared = parser.content_length();
      if (target != nullptr && target->access != Access::public_route &&
          (parser.chunked() || (declared && *declared > state.settings.max_form_bytes))) {
        if (auto refusal = co_await admit_before_body(state, request, *target)) {
          // The body stays unread: the connection cannot carry another request.
          co_await refuse(*connection, *refusal, in.version());
          log->info("{} {} {} before its body", request.method, target->pattern, refusal->status);
          break;
        }
      }
      if (ascii_lower(std::string(in[bhttp::field::expect])) == "100-continue") {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      connection->expires_after(state.settings.read_timeout);
      co_await bhttp::async_read(stream, buffer, parser,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (connection->timed_out || ec == asio::error::connection_reset ||
          ec == asio::error::operation_aborted) {
        break;
      }
      if (ec) {
        log->warn("unreadable request body from {}: {}", remote, ec.message());
        if (ec == bhttp::error::body_limit) {
          co_await refuse(*connection, error_response(413, "payload_too_large", too_large),
                          in.version());
        } else {
          co_await reject(stream, 400, "bad_request", "the request is not valid HTTP/1.1");
        }
        break;
      }
      request.body = std::move(in.body());
    }
    ++state.in_flight;
    const auto started = std::chrono::steady_clock::now();  // the answer's time, not the upload's
    const bool head = request.method == "HEAD";
    const std::string method = request.method;
    std::string route;
    // The lambda captures by reference only: GCC 12 miscompiles init-captures of
    // coroutine locals (the moved value is destroyed twice).
    // What needs no blocking work is answered here, batched work answers when its batch
    // is done, and the rest goes to the pool.
    const BatchHandler* batch = nullptr;
    auto quick = state.router.try_quick(request, &route, &batch);
    HttpResponse response;
    if (quick) {
      response = std::move(*quick);
    } else if (batch != nullptr) {
      response = co_await state.batches.answer(*batch, std::move(request));
      state.router.record(response.status);
    } else {
      auto answer = co_await on_pool(state, [&state, &request, &route] {
        return state.router.handle(std::move(request), &route);
      });
      response = answer ? std::move(*answer) : busy();
    }
    const int status = response.status;
    // Read once answered: a stop that came while the request ran closes its connection.
    const bool keep_alive = in.keep_alive() && !state.stopping;
    const auto out = to_wire(response, in.version(), keep_alive, head);
    connection->expires_after(state.settings.read_timeout);
    co_await asio::async_write(stream, asio::buffer(out),
                               asio::redirect_error(asio::use_awaitable, ec));
    --state.in_flight;
    const auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    log->info("{} {} {} {:.1f}ms", method, route, status, elapsed.count());
    if (ec || !keep_alive) {
      break;
    }
  }
  stream.shutdown(tcp::socket::shutdown_send, ec);
  connection->open = false;
  connection->timer.cancel();
  state.connections.erase(connection.get());
  --state.open;
  if (auto count = state.per_address.find(remote); count != state.per_address.end()) {
    if (--count->second == 0) {
      state.per_address.erase(count);
    }
  }
}

// Why a new connection from `remote` is not served, or nothing when it may be.
std::optional<std::string> over_capacity(const ServerState& state, const std::string& remote) {
  const auto& settings = state.settings;
  if (state.open >= settings.max_connections) {
    return std::to_string(settings.max_connections) +
           " connections are open (server.max_connections)";
  }
  const auto count = state.per_address.find(remote);
  if (remote != settings.trusted_proxy && count != state.per_address.end() &&
      count->second >= settings.max_connections_per_address) {
    return std::to_string(count->second) + " connections are open from " + remote +
           " (server.max_connections_per_address)";
  }
  return std::nullopt;
}

// Answers a connection over capacity with 503 at once, without reading from it.
asio::awaitable<void> turn_away(tcp::socket socket) {
  const auto out = to_wire(busy(), 11, false, false);
  beast::error_code ec;
  co_await asio::async_write(socket, asio::buffer(out),
                             asio::redirect_error(asio::use_awaitable, ec));
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, ServerState& state) {
  auto executor = co_await asio::this_coro::executor;
  for (;;) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open()) {
        co_return;
      }
      // Out of descriptors or a connection reset before accept: wait a moment, go on.
      logger("http")->warn("accept failed: {}", ec.message());
      asio::steady_timer pause(executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    const auto peer = socket.remote_endpoint(ec);
    std::string remote = ec ? "unknown" : peer.address().to_string();
    if (auto why = over_capacity(state, remote)) {
      // One line a second at most, however many come.
      ++state.turned_away;
      const auto now = std::chrono::steady_clock::now();
      if (now - state.last_turned_away_log >= std::chrono::seconds(1)) {
        logger("http")->warn("turned {} connection(s) away, the last from {}: {}",
                             std::exchange(state.turned_away, 0), remote, *why);
        state.last_turned_away_log = now;
      }
      asio::co_spawn(executor, turn_away(std::move(socket)), asio::detached);
      continue;
    }
    ++state.open;
    ++state.per_address[remote];
    asio::co_spawn(executor, session(std::move(socket), std::move(remote), state), asio::detached);
  }
}

// After a stop signal: closes connections waiting for a request, lets the others finish
// the request they are on (their answer says Connection: close), up to the grace period.
asio::awaitable<void> drain(ServerState& state, asio::io_context& io) {
  auto executor = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + state.settings.shutdown_grace;
  for (Connection* connection : state.connections) {
    if (connection->idle) {
      beast::error_code ignored;
      connection->socket.close(ignored);
    }
  }
  while ((state.in_flight > 0 || !state.connections.empty()) &&
         std::chrono::steady_clock::now() < deadline) {
    asio::steady_timer tick(executor, std::chrono::milliseconds(20));
    beast::error_code ec;
    co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  io.stop();
}

}  // namespace

std::string client_address(const std::string& peer, std::string_view forwarded_for,
                           const std::string& trusted_proxy) {
  if (trusted_proxy.empty() || peer != trusted_proxy || forwarded_for.empty()) {
    return peer;
  }
  const auto comma = forwarded_for.rfind(',');
  const auto last =
      trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
  return last.empty() ? peer : std::string(last);
}

Result<void> serve(const ServerSettings& settings, const Router& router, BlockingPool& pool,
                   const std::function<void(const std::string&)>& on_listening,
                   ServerStopper* stopper) {
  auto endpoint = parse_listen(settings.listen);
  if (!endpoint) {
    return std::move(endpoint).error();
  }
  asio::io_context io(1);
  tcp::acceptor acceptor(io);
  beast::error_code ec;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor.bind(*endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return make_error(ErrorCode::unavailable, "cannot listen on " + settings.listen + ": " +
                                                  ec.message() +
                                                  "; pick another with --listen HOST:PORT");
  }
  const auto bound = acceptor.local_endpoint();
  ServerState state{settings, router, pool, Batches(io.get_executor())};

  const auto begin_stop = [&](const std::string& why) {
    if (state.stopping) {
      return;
    }
    logger("http")->info("{}: stopping (waiting for {} request(s) in flight)", why,
                         state.in_flight.load());
    state.stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    asio::co_spawn(io, drain(state, io), asio::detached);
  };
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& error, int signal_number) {
    if (!error) {
      begin_stop("signal " + std::to_string(signal_number));
    }
  });
  if (stopper != nullptr) {
    stopper->attach([&io, &begin_stop](const std::string& why) {
      asio::post(io, [&begin_stop, why] { begin_stop(why); });
    });
  }
  asio::co_spawn(io, accept_loop(acceptor, state), asio::detached);
  if (on_listening) {
    on_listening(bound.address().to_string() + ":" + std::to_string(bound.port()));
  }
  io.run();
  if (stopper != nullptr) {
    stopper->attach({});
  }
  // Blocking work still running past the grace period answers into this io_context:
  // wait for it while the io_context still exists.
  pool.join();
  state.batches.join();
  logger("http")->info("stopped");
  return ok();
}

void ServerStopper::stop(const std::string& why) {
  std::lock_guard lock(mutex_);
  if (stop_) {
    stop_(why);
  } else {
    pending_ = why;
  }
}

void ServerStopper::attach(std::function<void(const std::string&)> stop) {
  std::lock_guard lock(mutex_);
  stop_ = std::move(stop);
  if (stop_ && pending_) {
    stop_(*std::exchange(pending_, std::nullopt));
  }
}

}  // namespace communique
