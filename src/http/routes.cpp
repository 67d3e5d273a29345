#include "http/routes.hpp"

#include "http/health.hpp"

namespace communique {

std::vector<Route> make_routes(RouteServices services) {
  Store& store = services.store;
  // method  pattern     access                 handler
  return {
      {"GET", "/health", Access::public_route,
       [&store](const HttpRequest&) { return handle_health(store); }},
  };
}

}  // namespace communique
