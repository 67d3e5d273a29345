// The HTTP server: Boost.Beast on one io_context, one coroutine per connection
// (read, handle, write, keep-alive); handlers run on the blocking pool, except answers
// that need no blocking work (Router::try_quick), given on the I/O thread, and batched
// routes (Route::batch), answered a batch at a time (http/batches.hpp).
//
// Policy: a limit on header size (431) and on body size by route (BodySize: 413 before the
// body is read, from its Content-Length); a route for signed-in users admits a request by
// its head before a large or chunked body is read (so an anonymous upload costs nothing);
// caps on open connections, in all and per client address (503 and close); a cap on
// requests waiting for blocking work (503 with Retry-After); a read timeout for a request
// that has started and an idle timeout between keep-alive requests; an access-log line per
// request (method, route, status, milliseconds).
// The timeouts are kept by one watchdog per connection, not by the stream's own deadlines:
// it closes the socket once the connection's deadline has passed (so the pending read or
// write ends), waking at most once a second, which makes a timeout up to a second late.
// On SIGINT or SIGTERM it stops accepting, lets the requests in flight finish (up to
// `shutdown_grace`), and returns. It does not do TLS: put a reverse proxy in front.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "http/router.hpp"

namespace communique {

class BlockingPool;

struct ServerSettings {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free port
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_form_bytes = 64 * 1024;         // BodySize::form
  std::size_t max_json_bytes = 1024 * 1024;       // BodySize::json
  std::size_t max_body_bytes = 8 * 1024 * 1024;   // BodySize::upload
  std::size_t max_connections = 1000;             // open at once, in all
  std::size_t max_connections_per_address = 128;  // from one client (not the trusted proxy)
  std::size_t max_pending_requests = 512;         // handed to blocking work, not answered yet
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{75};
  std::chrono::seconds shutdown_grace{10};
  // The address of a reverse proxy in front (such as "127.0.0.1"): for its requests the
  // client is the last address in X-Forwarded-For. Empty: the peer is the client.
  std::string trusted_proxy;
};

// The client of a request from `peer` carrying `forwarded_for`: the last address of
// X-Forwarded-For when `peer` is the trusted proxy (that is the one it added), else `peer`.
std::string client_address(const std::string& peer, std::string_view forwarded_for,
                           const std::string& trusted_proxy);

// Stops a serve() from another thread, as a stop signal would (to start it again with
// new settings, say). A stop asked for before serve() is ready waits for it.
class ServerStopper {
 public:
  void stop(const std::string& why);

 private:
  friend Result<void> serve(const ServerSettings&, const Router&, BlockingPool&,
                            const std::function<void(const std::string&)>&, ServerStopper*);
  void attach(std::function<void(const std::string&)> stop);  // empty: detach

  std::mutex mutex_;
  std::function<void(const std::string&)> stop_;
  std::optional<std::string> pending_;
};

// Serves until a stop signal, or until `stopper` (when given) stops it. `on_listening`
// receives the bound address ("127.0.0.1:8080") once the socket listens. Errors:
// invalid_input for a bad listen address, unavailable when the port is taken.
Result<void> serve(const ServerSettings& settings, const Router& router, BlockingPool& pool,
                   const std::function<void(const std::string&)>& on_listening,
                   ServerStopper* stopper = nullptr);

}  // namespace communique
