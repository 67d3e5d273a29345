// The route table: every endpoint and who may call it, on one screen.
//
// Policy: it decides which role each endpoint needs (Access) and which routes answer
// quickly or in batches; admitting a request is the gate's (http/access.hpp), what an
// endpoint does is its handler's, and limits on size and time are the server's.
#pragma once

#include <vector>

#include "http/router.hpp"
#include "http/services.hpp"

namespace communique {

// The routes, their handlers holding a copy of `services` (whose references must outlive
// the router).
std::vector<Route> make_routes(RouteServices services);

}  // namespace communique
