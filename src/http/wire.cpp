#include "http/wire.hpp"

#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "base/text.hpp"

namespace communique {

namespace {

inline bool is_control(char c) {
  return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
}

void append_clean(std::string& out, std::string_view text) {
  const auto start = out.size();
  out.append(text);
  for (char& c : std::span(out).subspan(start)) {
    if (is_control(c)) {
      c = ' ';
    }
  }
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  append_clean(out, name);
  out.append(": ");
  append_clean(out, value);
  out.append("\r\n");
}

bool has_header(const HttpResponse& response, std::string_view name) {
  return std::any_of(response.headers.begin(), response.headers.end(), [name](const auto& header) {
    return equals_ignoring_case(header.first, name);
  });
}

}  // namespace

std::string to_wire(const HttpResponse& response, unsigned version, bool keep_alive, bool head) {
  std::string out;
  out.reserve(256 + response.body.size());
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  out.append(std::to_string(response.status));
  out.push_back(' ');
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  for (const auto& [name, value] : response.headers) {
    append_header(out, name, value);
  }
  append_header(out, "Server", "Communique");
  if (!response.content_type.empty()) {
    append_header(out, "Content-Type", response.content_type);
  }
  if (!has_header(response, "X-Content-Type-Options")) {
    append_header(out, "X-Content-Type-Options", "nosniff");
  }
  if (!has_header(response, "Cache-Control")) {
    append_header(out, "Cache-Control", "no-store");
  }
  append_header(out, "Content-Length", std::to_string(response.body.size()));
  // HTTP/1.1 keeps a connection open unless told; HTTP/1.0 closes it unless told.
  if (!keep_alive && version != 10) {
    append_header(out, "Connection", "close");
  } else if (keep_alive && version == 10) {
    append_header(out, "Connection", "keep-alive");
  }
  out.append("\r\n");
  if (!head) {
    out.append(response.body);
  }
  return out;
}

}  // namespace communique
