#include "http/routes.hpp"

#include "http/health.hpp"
#include "http/unsubscribe.hpp"

namespace communique {

std::vector<Route> make_routes(RouteServices services) {
  Store& store = services.store;
  const LinkSigner& links = services.links;
  const std::string organisation = services.organisation;
  const Clock clock = services.clock;
  // clang-format off
  // method  pattern                 access                handler
  return {
      {"GET",  "/health",              Access::public_route,
       [&store](const HttpRequest&) { return handle_health(store); }},
      {"GET",  "/unsubscribe/{token}", Access::public_route,
       [&store, &links, organisation](const HttpRequest& request) {
         return handle_unsubscribe_page(request, store, links, organisation);
       }},
      {"POST", "/unsubscribe/{token}", Access::public_route,
       [&store, &links, organisation, clock](const HttpRequest& request) {
         return handle_unsubscribe(request, store, links, organisation, clock());
       }},
  };
  // clang-format on
}

}  // namespace communique
