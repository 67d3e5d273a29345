// The bytes of an HTTP/1.x answer: status line, headers and body in one buffer, so that
// the server writes each answer with a single send.
//
// Beside the handler's own headers it adds Server, Content-Type, Content-Length,
// Connection, and X-Content-Type-Options: nosniff and Cache-Control: no-store unless the
// handler set them. Control characters in a header (a line break in a redirect target
// taken from a letter, say) become spaces: a header can never end early and start another.
#pragma once

#include <string>

#include "http/http_types.hpp"

namespace communique {

// `head`: the answer to a HEAD request (Content-Length of the body, no body).
std::string to_wire(const HttpResponse& response, unsigned version, bool keep_alive, bool head);

}  // namespace communique
