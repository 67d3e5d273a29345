// Building responses, and the one place where an Error becomes an HTTP status.
//
// Every error answer has the same shape: {"error":{"code":"not_found","message":"..."}};
// the code is ErrorCode's name, stable for API clients; the message is for people.
// Internal and storage errors are logged with their detail and answered with a generic
// message, so no database text or stack reaches a client.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "http/http_types.hpp"

namespace communique {

int http_status_for(ErrorCode code);

HttpResponse json_response(int status, std::string body);
HttpResponse error_response(const Error& error);
// An error answer for a status with no Error behind it (404 route, 405, 413...).
HttpResponse error_response(int status, std::string_view code, std::string_view message);

}  // namespace communique
