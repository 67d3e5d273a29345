// Report forms: the phrases by which report_parse recognises reports that are not in
// RFC 3464's form (bounces written as text by Exim, Exchange, Gmail, Yahoo, …), the
// markers after which such text quotes the original's headers, and the subjects of
// automatic replies. Data, not code: a new form is a new row.
#pragma once

#include <span>
#include <string_view>

#include "bounces/report.hpp"

namespace communique {

// A phrase (compared in lower case, in the subject and the text) and what it says.
struct BounceForm {
  std::string_view form;    // "exim", "exchange", "gmail", "yahoo", …
  std::string_view phrase;  // lower case
  RecipientAction action = RecipientAction::failed;
  // The status the phrase implies when the text gives none (Gmail's "does not exist").
  std::string_view implied_status;
};

std::span<const BounceForm> bounce_forms();

// Lines after which a text bounce quotes the original's headers (lower case, line start).
std::span<const std::string_view> original_header_markers();

// Subject beginnings (lower case) of automatic replies: "out of office", "automatic reply", …
std::span<const std::string_view> auto_reply_subjects();

}  // namespace communique
