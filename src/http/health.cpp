#include "http/health.hpp"

#include <nlohmann/json.hpp>

#include "base/version.hpp"
#include "http/responses.hpp"

namespace communique {

HttpResponse handle_health(Store& store) {
  auto schema = store.schema_version();
  if (!schema) {
    return error_response(make_error(ErrorCode::unavailable, schema.error().message));
  }
  nlohmann::json body{{"status", "ok"}, {"version", version()}, {"schema_version", *schema}};
  return json_response(200, body.dump());
}

}  // namespace communique
