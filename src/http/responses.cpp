#include "http/responses.hpp"

#include <nlohmann/json.hpp>

#include "base/log.hpp"

namespace communique {

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_input:
      return 400;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::rate_limited:
      return 429;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::io:
    case ErrorCode::storage:
    case ErrorCode::internal:
      return 500;
  }
  return 500;
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  nlohmann::json body{{"error", {{"code", code}, {"message", message}}}};
  return json_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse error_response(const Error& error) {
  const int status = http_status_for(error.code);
  if (status >= 500) {
    logger("http")->error("{}: {}", to_string(error.code), error.message);
    return error_response(status, to_string(error.code),
                          status == 503 ? "the service is busy; try again shortly"
                                        : "an internal error occurred; it has been logged");
  }
  return error_response(status, to_string(error.code), error.message);
}

}  // namespace communique
