// The route table: every endpoint and who may call it, on one screen.
#pragma once

#include <vector>

#include "http/router.hpp"
#include "security/link_token.hpp"
#include "store/store.hpp"

namespace communique {

// What handlers may use. Each later subsystem adds its reference here.
struct RouteServices {
  Store& store;
  const LinkSigner& links;
  std::string organisation;  // named on public pages
  Clock clock = system_clock_now;
};

std::vector<Route> make_routes(RouteServices services);

}  // namespace communique
