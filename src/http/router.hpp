// Router: matches a method and path against the route table.
//
// Patterns are literal segments and `{name}` captures (`/api/v1/lists/{id}`), matched
// segment by segment; the first route in table order wins. A path that matches some
// route with another method is told apart so that the server answers 405 with Allow.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.hpp"

namespace communique {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Who may call a route: anyone, or a signed-in user holding at least a role.
enum class Access { public_route, viewer, editor, admin };

// The policy that admits a request to a route of some access (http/access.hpp): nothing
// to let it through (having set request.principal), or the refusal to send.
using Gate = std::function<std::optional<HttpResponse>(HttpRequest&, Access)>;

// A handler that answers on the I/O thread because it never blocks, or returns nothing to
// have the route's `handler` run on the blocking pool (a cache miss, say).
using QuickHandler = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

// A handler for requests worth storing together, such as one-click unsubscribes (mail
// providers send them in bursts): it answers a batch at once, one answer per request and
// in their order. The server runs it on the batch thread (http/batches.hpp), not on the
// blocking pool, with the requests that arrived while the previous batch was away, so a
// burst costs one transaction per batch.
using BatchHandler = std::function<std::vector<HttpResponse>(std::span<const HttpRequest>)>;

// How large a body a route reads: the server sets the bytes of each (ServerSettings) and
// refuses a larger one before reading it.
enum class BodySize {
  form,    // public routes: a form or a one-click POST
  json,    // signed-in routes: a JSON document
  upload,  // a file, such as an import
};

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::public_route;
  Handler handler;
  QuickHandler quick = {};  // public routes only
  BatchHandler batch = {};  // public routes only, instead of `handler`
  // Unset: `form` for public routes, `json` for the others.
  std::optional<BodySize> body = std::nullopt;
};

BodySize body_size(const Route& route);

class Router {
 public:
  // Without a gate, only public routes can be reached (others answer 401).
  explicit Router(std::vector<Route> routes, Gate gate = {});

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
  };

  std::optional<Match> match(std::string_view method, std::string_view path) const;
  // The route a request goes to (HEAD falls back to GET), or nullptr.
  const Route* find(std::string_view method, std::string_view path) const;
  // Runs the access gate of `route` on `request` (its head is enough, so a server can ask
  // before it reads a body): the refusal to send, or nothing when the request may go on.
  std::optional<HttpResponse> admit(HttpRequest& request, const Route& route) const;
  // The methods allowed on `path` (empty when no route matches it at all).
  std::vector<std::string> allowed_methods(std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

  // Calls `observer` with the status of every answer (metrics).
  void observe(std::function<void(int status)> observer) { observer_ = std::move(observer); }

  // Answers `request`: the matching handler's response, 404 or 405 (with Allow) when
  // nothing matches, 500 when the handler throws (logged, never shown to the client).
  // Independent of any transport; the server calls it on the blocking pool. `route`
  // receives the matched pattern (or "-"), which the access log records instead of the
  // path so that tokens in paths never reach a log.
  HttpResponse handle(HttpRequest request, std::string* route = nullptr) const;

  // What can be answered on the calling I/O thread without blocking: a request no route
  // takes (404, 405), or one whose public route's quick handler answers. Nothing when
  // handle() must run on the pool.
  // `request.params` is set when a route matches; `batch` is set (and nothing returned)
  // when the route answers in batches.
  std::optional<HttpResponse> try_quick(HttpRequest& request, std::string* route,
                                        const BatchHandler** batch = nullptr) const;
  // Counts an answer given outside handle() and try_quick() (a batched one).
  void record(int status) const {
    if (observer_) {
      observer_(status);
    }
  }

 private:
  HttpResponse dispatch(HttpRequest request, std::string* route) const;

  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // each route's pattern, split once
  Gate gate_;
  std::function<void(int)> observer_;
};

}  // namespace communique
