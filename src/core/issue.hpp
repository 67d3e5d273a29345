// Issues (campaigns): what is sent. An issue has a subject, a sender, the lists it goes
// to, a template, a language, and a body made of ordered sections.
//
// A single letter is an issue with one untitled section holding its whole body. A digest
// (assembled from posts of a period) is the same thing with one titled section per kind
// of post; templates see `sections` either way, so nothing downstream tells them apart
// except `kind`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/mailing_list.hpp"
#include "core/time.hpp"

namespace communique {

using IssueId = std::int64_t;
using PostId = std::int64_t;
using DigestId = std::int64_t;

enum class IssueKind { letter, digest };
enum class IssueStatus { draft, scheduled, sending, paused, sent, cancelled };
enum class BodyFormat { markdown, html };

struct IssueSection {
  std::string title;  // empty for a letter's single section
  BodyFormat format = BodyFormat::markdown;
  std::string body;
};

struct Issue {
  IssueId id = 0;
  IssueKind kind = IssueKind::letter;
  IssueStatus status = IssueStatus::draft;
  std::string subject;
  std::string from_name;     // empty: the sender identity's
  std::string from_address;  // empty: the sender identity's
  std::string reply_to;      // empty: the sender identity's
  std::string template_name = "default";
  std::string language;
  std::vector<ListId> lists;
  std::vector<IssueSection> sections;
  // Who of the lists' subscribers receive it: those who chose one of `topics` (or chose no
  // topic at all; none here: everyone)...
  std::vector<TopicId> topics;
  // ...and, for an issue made of posts, those whose cadence this is (none: everyone).
  std::optional<Cadence> cadence;
  // A digest's posts, in its order (kind digest); each reader's letter carries those of
  // them they chose and have not received before. `excerpt_words` cuts longer items to
  // that many words with a link to their page (0: items in full).
  std::vector<PostId> posts;
  int excerpt_words = 0;
  std::optional<DigestId> digest_id;  // the definition whose run made it
  std::optional<Timestamp> scheduled_at;
  std::optional<std::chrono::seconds> expire_after;  // a schedule this late is not sent
  std::string status_note;  // why it stopped: "not sent: 3 days late after downtime"
  // The day its masthead shows (letters and the archive); none: the day letters are made.
  // Only the masthead: a letter's Date header is always when it was sent.
  std::optional<std::chrono::year_month_day> edition_date;
  // Links go through counted redirects (/l/{token}): clicks per link, not per person...
  bool track_clicks = false;
  // ...unless this is set too: then each letter's links say who clicked. Off by default.
  bool track_subscribers = false;
  // Letters carry a 1x1 image (/o/{token}) that records who opened them. Off by default.
  bool track_opens = false;
  // Whether the public archive may show it, once it went out. Even then it appears only
  // if every list it went to is public: a private list's issues are never published.
  bool archive = true;
  Timestamp created_at{};
  Timestamp updated_at{};
};

std::string_view to_string(IssueKind kind);
std::string_view to_string(IssueStatus status);
std::string_view to_string(BodyFormat format);
std::optional<IssueKind> parse_issue_kind(std::string_view text);
std::optional<IssueStatus> parse_issue_status(std::string_view text);
std::optional<BodyFormat> parse_body_format(std::string_view text);

// Checks a subject line: 1 to 250 characters of UTF-8 without control characters (a line
// break would otherwise start a new mail header).
Result<std::string> validate_subject(std::string_view subject);

// Reads an edition date as a person writes it: "" is none; otherwise "YYYY-MM-DD" naming a
// day of the calendar. The message of an error starts "date: " and says how to write one.
Result<std::optional<std::chrono::year_month_day>> parse_edition_date(std::string_view text);

// The day the masthead of `issue` shows: its edition date, else the day of `made` (when
// its letters are made, or for the archive when it was last changed).
std::chrono::year_month_day masthead_day(const Issue& issue, Timestamp made);

// Checks and normalises the fields a person writes (subject, language, sender name and
// addresses, sections): the one set of rules for the CLI and the API. The message of an
// error names the field ("from_address: ...").
Result<Issue> normalise_issue(Issue issue);

}  // namespace communique
