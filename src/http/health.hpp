// GET /health: answers {"status":"ok","version":"…","schema_version":N} when the store
// answers, 503 with the error shape when it does not. For load balancers and monitors.
#pragma once

#include "http/http_types.hpp"
#include "store/store.hpp"

namespace communique {

HttpResponse handle_health(Store& store);

}  // namespace communique
