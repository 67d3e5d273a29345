// Subscribers and their subscriptions: who receives letters, and on which lists.
//
// A subscriber is one person at one address (see EmailAddress for what makes two
// addresses the same person). `attributes_json` is a JSON object of free-form fields an
// organisation keeps (city, organisation, accreditation...); templates can read it.
// Status `blocklisted` stops every letter whatever the subscriptions say.
// A subscription is the state of one subscriber on one list: unconfirmed (double opt-in
// not yet confirmed), confirmed, or unsubscribed. Unsubscribed rows are kept, not
// deleted, so that an import or a form can never silently re-subscribe someone who left.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/mailing_list.hpp"

namespace communique {

using SubscriberId = std::int64_t;

enum class SubscriberStatus { enabled, blocklisted };
enum class SubscriptionStatus { unconfirmed, confirmed, unsubscribed };

struct Subscriber {
  SubscriberId id = 0;
  std::string email;
  std::string name;
  std::string attributes_json = "{}";
  std::string language;  // BCP 47 tag, empty when unknown
  SubscriberStatus status = SubscriberStatus::enabled;
  Timestamp created_at{};
  Timestamp updated_at{};
  // Random bytes of this subscriber's own, mixed into the signature of their link tokens so
  // that the links die with them (empty for subscribers from before keys existed). Set by
  // the store when the subscriber is added, never changed, never shown.
  std::string link_key;
};

// A subscriber's membership of one list, with the list's name for display.
struct Subscription {
  ListId list_id = 0;
  std::string list_name;
  std::string list_title;  // empty when the list has none
  SubscriptionStatus status = SubscriptionStatus::unconfirmed;
  Timestamp created_at{};
  Timestamp updated_at{};
  // What this subscriber chose to receive of the list's posts; none: the list's default,
  // `list_cadence`.
  std::optional<Cadence> cadence;
  Cadence list_cadence = Cadence::weekly;

  // How often they receive the list's posts: their choice, or else the list's default.
  Cadence effective_cadence() const { return cadence.value_or(list_cadence); }

  std::string_view list_display_name() const { return display_name(list_title, list_name); }
};

std::string_view to_string(SubscriberStatus status);  // "enabled" | "blocklisted"
std::string_view to_string(
    SubscriptionStatus status);  // "unconfirmed" | "confirmed" | "unsubscribed"
std::optional<SubscriberStatus> parse_subscriber_status(std::string_view text);
std::optional<SubscriptionStatus> parse_subscription_status(std::string_view text);

// The less of the two, in the order unsubscribed < unconfirmed < confirmed; `status` when
// there is no limit.
SubscriptionStatus weaker(SubscriptionStatus status, std::optional<SubscriptionStatus> limit);

// Normalises a language tag (BCP 47 shape: "en", "pt-BR", "zh-Hant-TW", "ru"): the primary
// subtag of 2 or 3 letters lower-cased, a 4-letter script title-cased, a 2-letter region
// upper-cased. An empty tag stays empty (language unknown).
Result<std::string> normalise_language(std::string_view tag);

// Checks a display name: valid UTF-8, at most 200 characters, no control characters
// (which could otherwise end up in a mail header). Surrounding spaces are trimmed.
Result<std::string> validate_display_name(std::string_view name);

}  // namespace communique
