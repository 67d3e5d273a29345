// The route table: every endpoint and who may call it, on one screen.
#pragma once

#include <filesystem>
#include <vector>

#include "core/sender_identity.hpp"
#include "http/router.hpp"
#include "security/link_token.hpp"
#include "store/store.hpp"

namespace communique {

// What handlers may use. Each later subsystem adds its reference here.
struct RouteServices {
  Store& store;
  const LinkSigner& links;
  SenderIdentity identity;         // named on public pages
  std::filesystem::path data_dir;  // where custom templates live
  Clock clock = system_clock_now;
};

std::vector<Route> make_routes(RouteServices services);

}  // namespace communique
