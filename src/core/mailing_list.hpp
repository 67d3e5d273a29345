// Lists and topics: what a subscriber can be on, and the named interests inside a list.
//
// A list is public (offered on the subscription form and in the preference centre) or
// private (only an administrator adds people), and single or double opt-in (a double
// opt-in list sends a confirmation letter and only mails those who confirmed).
// Topics are finer-grained interests inside one list ("health", "travel"): the preference
// centre lets a subscriber choose them and digests filter posts by them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/time.hpp"

namespace communique {

using ListId = std::int64_t;
using TopicId = std::int64_t;

enum class OptIn { single_opt_in, double_opt_in };
enum class ListVisibility { public_list, private_list };
// How often a subscriber receives a list's posts: a letter per post as it is published, or
// the list's digests of that period. Letters that are not made of posts ignore it.
enum class Cadence { immediate, daily, weekly, monthly };

// What readers see of a list: its title, or its name when it has none.
std::string_view display_name(std::string_view title, std::string_view name);

struct MailingList {
  ListId id = 0;
  std::string name;   // the short handle: `--list press`, the API, List-Id's id
  std::string title;  // what readers see ("Press releases"); empty: the name
  std::string description;
  ListVisibility visibility = ListVisibility::public_list;
  OptIn opt_in = OptIn::single_opt_in;
  Timestamp created_at{};
  // The translation of a post sent to a reader whose language it has none in ("": the post
  // as written), and what a subscription that chose no cadence receives.
  std::string fallback_language;
  Cadence default_cadence = Cadence::weekly;

  std::string_view display_name() const { return communique::display_name(title, name); }
};

// The display names of `lists`, in their order.
std::vector<std::string> display_names(const std::vector<MailingList>& lists);

// What a caller supplies to create a list; the store assigns id and timestamps.
struct NewList {
  std::string name;
  std::string title;
  std::string description;
  ListVisibility visibility = ListVisibility::public_list;
  OptIn opt_in = OptIn::single_opt_in;
};

// What changes on an existing list; an absent field stays as it is.
struct ListChanges {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> fallback_language;
  std::optional<Cadence> default_cadence;
};

struct Topic {
  TopicId id = 0;
  ListId list_id = 0;
  std::string name;
  std::string description;
};

// Names used on the command line, in configuration, JSON and the database.
std::string_view to_string(OptIn opt_in);               // "single" | "double"
std::string_view to_string(ListVisibility visibility);  // "public" | "private"
std::string_view to_string(Cadence cadence);  // "immediate" | "daily" | "weekly" | "monthly"
std::optional<OptIn> parse_opt_in(std::string_view text);
std::optional<Cadence> parse_cadence(std::string_view text);
std::optional<ListVisibility> parse_visibility(std::string_view text);

// Checks a list or topic name: 1 to 100 characters of valid UTF-8, no control characters,
// not only spaces. `what` names the thing in the message ("list name").
Result<std::string> validate_name(std::string_view name, std::string_view what);

// Checks a list's title as a name, except that an empty (or blank) title is allowed and
// returned empty: the list is then shown by its name.
Result<std::string> validate_title(std::string_view title);

// Checks a list's or topic's description, shown to readers beside it: one line of valid
// UTF-8 without control characters, at most 500 characters; empty is allowed.
Result<std::string> validate_description(std::string_view description);

}  // namespace communique
