// The OpenAPI 3.1 document of /api/v1, compiled in from openapi.json.
#include "base/embedded_file.hpp"
#include "http/api.hpp"
#include "http/responses.hpp"

namespace communique::http_files {
std::span<const communique::EmbeddedFile> embedded_files();
}

namespace communique::api {

const std::string& openapi_text() {
  static const std::string text(
      find_embedded(http_files::embedded_files(), "openapi.json").value_or("{}"));
  return text;
}

HttpResponse openapi_document(const HttpRequest&, const RouteServices&) {
  return json_response(200, openapi_text());
}

}  // namespace communique::api
