// RouteServices: what the handlers of the route table may use, and nothing else.
//
// Policy: handlers parse, call and answer; what a subscriber may do is the Subscriptions
// service's, what a sign-in may do is Accounts', and what is kept is the Store's. Optional
// parts are null or empty when the server was made without them, and their routes say so.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include "accounts/accounts.hpp"
#include "audience/subscriptions.hpp"
#include "feeds/feed_poller.hpp"
#include "core/sender_identity.hpp"
#include "delivery/mailer.hpp"
#include "http/http_types.hpp"
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

// What previews and test sends need.
struct LetterTools {
  const LetterComposer* composer = nullptr;  // previews and test sends; null: neither
  Mailer* mailer = nullptr;                  // test sends; null: none are sent
};

// The settings API: what it shows, and how a change is saved.
struct SettingsAccess {
  std::string json = "{}";  // what GET /api/v1/settings shows (no secrets)
  ChangeSettings change;    // PATCH /api/v1/settings; empty: not offered
};

struct RouteServices {
  Store& store;
  const LinkSigner& links;
  SenderIdentity identity;         // named on public pages; base_url makes absolute links
  std::filesystem::path data_dir;  // where custom templates live
  Clock clock = system_clock_now;
  Subscriptions subscriptions{store};  // what subscribers do on the public pages
  Accounts* accounts = nullptr;        // sign-in and API tokens; null: public pages only
  LetterTools letters;
  Metrics* metrics = nullptr;           // for /metrics; null: not served
  ClickCounter* clicks = nullptr;       // tracked links; null: /l/ answers 404
  ImportJobs* imports = nullptr;        // CSV imports through the API; null: none
  const FeedSettings* feeds = nullptr;  // [feeds] for the feeds API; null: the defaults
  SettingsAccess settings;
  // Whether the site is served over HTTPS (cookies are then Secure).
  bool secure() const { return identity.base_url.rfind("https://", 0) == 0; }
};

// A handler of the REST API or a public page: a plain function of the request.
using ServiceHandler = HttpResponse (*)(const HttpRequest&, const RouteServices&);

}  // namespace communique
