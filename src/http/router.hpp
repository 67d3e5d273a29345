// Router: matches a method and path against the route table.
//
// Patterns are literal segments and `{name}` captures (`/api/v1/lists/{id}`), matched
// segment by segment; the first route in table order wins. A path that matches some
// route with another method is told apart so that the server answers 405 with Allow.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.hpp"

namespace communique {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Who may call a route. Sign-in and roles come with accounts; until then every route is
// public and the table says so.
enum class Access { public_route };

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::public_route;
  Handler handler;
};

class Router {
 public:
  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
  };

  std::optional<Match> match(std::string_view method, std::string_view path) const;
  // The methods allowed on `path` (empty when no route matches it at all).
  std::vector<std::string> allowed_methods(std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

  // Answers `request`: the matching handler's response, 404 or 405 (with Allow) when
  // nothing matches, 500 when the handler throws (logged, never shown to the client).
  // Independent of any transport; the server calls it on the blocking pool. `route`
  // receives the matched pattern (or "-"), which the access log records instead of the
  // path so that tokens in paths never reach a log.
  HttpResponse handle(HttpRequest request, std::string* route = nullptr) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace communique
