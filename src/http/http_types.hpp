// HttpRequest and HttpResponse: what a handler sees and returns, free of any transport
// type, so handlers are plain functions that tests call directly.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/account.hpp"

namespace communique {

struct HttpRequest {
  std::string method;                          // "GET", "POST"...
  std::string path;                            // without the query string
  std::string query;                           // after '?', undecoded
  std::map<std::string, std::string> headers;  // names lower-cased
  std::map<std::string, std::string> params;   // from the route pattern: {id} → params["id"]
  std::string body;
  std::string remote_address;
  std::optional<Principal> principal;  // set by the access gate on routes that need one

  // The value of header `name` (lower-case), or "" when absent.
  const std::string& header(const std::string& name) const {
    static const std::string none;
    auto found = headers.find(name);
    return found == headers.end() ? none : found->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace communique
