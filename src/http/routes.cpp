#include "http/routes.hpp"

#include "http/archive.hpp"
#include "http/health.hpp"
#include "http/unsubscribe.hpp"

namespace communique {

std::vector<Route> make_routes(RouteServices services) {
  Store& store = services.store;
  const LinkSigner& links = services.links;
  const std::string organisation = services.identity.organisation;
  const SenderIdentity identity = services.identity;
  const std::filesystem::path data_dir = services.data_dir;
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
      {"GET",  "/archive",             Access::public_route,
       [&store, identity](const HttpRequest& request) {
         return handle_archive_index(request, store, identity);
       }},
      // Before {slug}: the first route that matches wins.
      {"GET",  "/archive/feed.atom",   Access::public_route,
       [&store, identity](const HttpRequest&) { return handle_archive_feed(store, identity); }},
      {"GET",  "/archive/{slug}",      Access::public_route,
       [&store, identity, data_dir](const HttpRequest& request) {
         return handle_archive_issue(request, store, identity, data_dir);
       }},
  };
  // clang-format on
}

}  // namespace communique
