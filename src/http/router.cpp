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

bool match_pattern(std::string_view pattern, std::string_view path,
                   std::map<std::string, std::string>* params) {
  const auto wanted = split_path(pattern);
  const auto given = split_path(path);
  if (wanted.size() != given.size()) {
    return false;
  }
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const auto segment = wanted[i];
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
      if (params != nullptr) {
        (*params)[std::string(segment.substr(1, segment.size() - 2))] = std::string(given[i]);
      }
      continue;
    }
    if (segment != given[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Router::Match> Router::match(std::string_view method, std::string_view path) const {
  for (const auto& route : routes_) {
    if (route.method != method) {
      continue;
    }
    Match found;
    if (match_pattern(route.pattern, path, &found.params)) {
      found.route = &route;
      return found;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Router::allowed_methods(std::string_view path) const {
  std::vector<std::string> methods;
  for (const auto& route : routes_) {
    if (match_pattern(route.pattern, path, nullptr)) {
      methods.push_back(route.method);
    }
  }
  return methods;
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
    if (found->route->access != Access::public_route) {
      if (!gate_) {
        return error_response(401, "unauthenticated", "sign in first");
      }
      if (auto refusal = gate_(request, found->route->access)) {
        return std::move(*refusal);
      }
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
