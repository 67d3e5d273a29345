// RouteServices: what the handlers of the route table may use, and nothing else.
//
// Policy: a null service turns its feature off (each field says how); the policy it
// carries (the subscribe form's limit and SubscribePolicy) is chosen by the application,
// and what each service does is its own module's.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include "accounts/accounts.hpp"
#include "base/sliding_window.hpp"
#include "core/sender_identity.hpp"
#include "delivery/mailer.hpp"
#include "http/http_types.hpp"
#include "http/subscribe_policy.hpp"
#include "mail/letter.hpp"
#include "security/link_token.hpp"
#include "store/store.hpp"

namespace communique {

class ClickCounter;
class ImportJobs;
class Metrics;

// Saves settings changes (`section.key` → value, or nothing to forget a saved one) once
// the whole configuration with them is valid, and has the server start again with them
// once its answers are out; returns the settings that then apply, as JSON without secrets.
// Made by the application, which knows the configuration's sources.
using SettingsChanges = std::map<std::string, std::optional<std::string>>;
using ChangeSettings = std::function<Result<std::string>(const SettingsChanges&)>;

struct RouteServices {
  Store& store;
  const LinkSigner& links;
  SenderIdentity identity;         // named on public pages; base_url makes absolute links
  std::filesystem::path data_dir;  // where custom templates live
  Clock clock = system_clock_now;
  Accounts* accounts = nullptr;                // sign-in and API tokens; null: public pages only
  const LetterComposer* composer = nullptr;    // previews and test sends
  Mailer* mailer = nullptr;                    // test sends; null: none are sent
  Metrics* metrics = nullptr;                  // for /metrics; null: not served
  ClickCounter* clicks = nullptr;              // tracked links; null: /l/ answers 404
  ImportJobs* imports = nullptr;               // CSV imports through the API; null: none
  std::string settings_json = "{}";            // what GET /api/v1/settings shows (no secrets)
  ChangeSettings change_settings;              // PATCH /api/v1/settings; empty: not offered
  SlidingWindow* subscribe_limiter = nullptr;  // form posts per client address; null: none
  int subscribe_limit = 10;                    // posts per address in the limiter's window
  SubscribePolicy subscribe_policy;            // what a form post writes and which letters
  // Whether the site is served over HTTPS (cookies are then Secure).
  bool secure() const { return identity.base_url.rfind("https://", 0) == 0; }
};

// A handler of the REST API or a public page: a plain function of the request.
using ServiceHandler = HttpResponse (*)(const HttpRequest&, const RouteServices&);

}  // namespace communique
