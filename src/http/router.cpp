#include "http/router.hpp"

#include <exception>

#include "base/log.hpp"
#include "http/responses.hpp"

namespace communique {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    auto end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    segments.push_back(path.substr(start, end - start));
    start = end;
  }
  return segments;
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool match_segments(const std::vector<std::string>& wanted,
                    const std::vector<std::string_view>& given,
                    std::map<std::string, std::string>* params) {
  if (wanted.size() != given.size()) {
    return false;
  }
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (!is_capture(wanted[i]) && wanted[i] != given[i]) {
      return false;
    }
  }
  if (params != nullptr) {
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      if (is_capture(wanted[i])) {
        (*params)[wanted[i].substr(1, wanted[i].size() - 2)] = std::string(given[i]);
      }
    }
  }
  return true;
}

}  // namespace

BodySize body_size(const Route& route) {
  if (route.body) {
    return *route.body;
  }
  return route.access == Access::public_route ? BodySize::form : BodySize::json;
}

Router::Router(std::vector<Route> routes, Gate gate)
    : routes_(std::move(routes)), gate_(std::move(gate)) {
  patterns_.reserve(routes_.size());
  for (const auto& route : routes_) {
    std::vector<std::string> segments;
    for (auto segment : split_path(route.pattern)) {
      segments.emplace_back(segment);
    }
    patterns_.push_back(std::move(segments));
  }
}

std::optional<Router::Match> Router::match(std::string_view method, std::string_view path) const {
  const auto given = split_path(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method != method) {
      continue;
    }
    Match found;
    if (match_segments(patterns_[i], given, &found.params)) {
      found.route = &routes_[i];
      return found;
    }
  }
  return std::nullopt;
}

const Route* Router::find(std::string_view method, std::string_view path) const {
  auto found = match(method, path);
  if (!found && method == "HEAD") {
    found = match("GET", path);
  }
  return found ? found->route : nullptr;
}

std::optional<HttpResponse> Router::admit(HttpRequest& request, const Route& route) const {
  if (route.access == Access::public_route) {
    return std::nullopt;
  }
  if (!gate_) {
    return error_response(401, "unauthenticated", "sign in first");
  }
  return gate_(request, route.access);
}

std::vector<std::string> Router::allowed_methods(std::string_view path) const {
  const auto given = split_path(path);
  std::vector<std::string> methods;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (match_segments(patterns_[i], given, nullptr)) {
      methods.push_back(routes_[i].method);
    }
  }
  return methods;
}

std::optional<HttpResponse> Router::try_quick(HttpRequest& request, std::string* route,
                                              const BatchHandler** batch) const {
  auto found = match(request.method, request.path);
  if (!found && request.method == "HEAD") {
    found = match("GET", request.path);
  }
  if (!found) {
    return handle(request, route);  // 404 or 405: no handler runs
  }
  const Route& matched = *found->route;
  if (matched.access != Access::public_route) {
    return std::nullopt;
  }
  if (matched.batch && batch != nullptr) {
    request.params = std::move(found->params);
    *batch = &matched.batch;
    if (route != nullptr) {
      *route = matched.pattern;
    }
    return std::nullopt;
  }
  if (!matched.quick) {
    return std::nullopt;
  }
  request.params = std::move(found->params);
  std::optional<HttpResponse> response;
  try {
    response = matched.quick(request);
  } catch (const std::exception& error) {
    logger("http")->error("{} {} threw: {}", request.method, matched.pattern, error.what());
    response = error_response(500, "internal", "an internal error occurred; it has been logged");
  }
  if (response) {
    if (route != nullptr) {
      *route = matched.pattern;
    }
    if (observer_) {
      observer_(response->status);
    }
  }
  return response;
}

HttpResponse Router::handle(HttpRequest request, std::string* route) const {
  auto response = dispatch(std::move(request), route);
  if (observer_) {
    observer_(response.status);
  }
  return response;
}

HttpResponse Router::dispatch(HttpRequest request, std::string* route) const {
  auto found = match(request.method, request.path);
  if (!found && request.method == "HEAD") {
    found = match("GET", request.path);
  }
  if (route != nullptr) {
    *route = found ? found->route->pattern : "-";
  }
  if (!found) {
    auto allowed = allowed_methods(request.path);
    if (allowed.empty()) {
      return error_response(404, "not_found", "no such page or endpoint: " + request.path);
    }
    std::string allow;
    for (const auto& method : allowed) {
      allow += (allow.empty() ? "" : ", ") + method;
    }
    auto response = error_response(405, "method_not_allowed",
                                   request.method + " is not allowed here; use " + allow);
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  request.params = std::move(found->params);
  try {
    if (auto refusal = admit(request, *found->route)) {
      return std::move(*refusal);
    }
    if (!found->route->handler && found->route->batch) {
      return found->route->batch(std::span(&request, 1)).at(0);  // a batch of one
    }
    return found->route->handler(request);
  } catch (const std::exception& error) {
    logger("http")->error("{} {} threw: {}", request.method, found->route->pattern, error.what());
  } catch (...) {
    logger("http")->error("{} {} threw an unknown exception", request.method,
                          found->route->pattern);
  }
  return error_response(500, "internal", "an internal error occurred; it has been logged");
}

}  // namespace communique
