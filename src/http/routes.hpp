// The route table: every endpoint and who may call it, on one screen.
#pragma once

#include <vector>

#include "http/router.hpp"
#include "http/services.hpp"

namespace communique {

// The routes, their handlers holding a copy of `services` (whose references must outlive
// the router).
std::vector<Route> make_routes(RouteServices services);

}  // namespace communique
