#include <array>
#include <utility>

#include "core/account.hpp"
#include "core/email_address.hpp"
#include "core/issue.hpp"
#include "core/mailing_list.hpp"
#include "core/subscriber.hpp"

#include <fmt/format.h>

#include "base/text.hpp"

namespace communique {

namespace {

bool all_letters(std::string_view text) {
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      return false;
    }
  }
  return true;
}

bool all_alphanumeric(std::string_view text) {
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view to_string(OptIn opt_in) {
  return opt_in == OptIn::double_opt_in ? "double" : "single";
}

std::string_view to_string(ListVisibility visibility) {
  return visibility == ListVisibility::private_list ? "private" : "public";
}

std::optional<OptIn> parse_opt_in(std::string_view text) {
  if (text == "single") {
    return OptIn::single_opt_in;
  }
  if (text == "double") {
    return OptIn::double_opt_in;
  }
  return std::nullopt;
}

namespace {
constexpr std::array<std::pair<Cadence, std::string_view>, 4> kCadences{{
    {Cadence::immediate, "immediate"},
    {Cadence::daily, "daily"},
    {Cadence::weekly, "weekly"},
    {Cadence::monthly, "monthly"},
}};
}  // namespace

std::string_view to_string(Cadence cadence) {
  for (const auto& [value, name] : kCadences) {
    if (value == cadence) {
      return name;
    }
  }
  return "weekly";
}

std::optional<Cadence> parse_cadence(std::string_view text) {
  for (const auto& [value, name] : kCadences) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<ListVisibility> parse_visibility(std::string_view text) {
  if (text == "public") {
    return ListVisibility::public_list;
  }
  if (text == "private") {
    return ListVisibility::private_list;
  }
  return std::nullopt;
}

std::string_view to_string(SubscriberStatus status) {
  return status == SubscriberStatus::blocklisted ? "blocklisted" : "enabled";
}

std::string_view to_string(SubscriptionStatus status) {
  switch (status) {
    case SubscriptionStatus::unconfirmed:
      return "unconfirmed";
    case SubscriptionStatus::confirmed:
      return "confirmed";
    case SubscriptionStatus::unsubscribed:
      return "unsubscribed";
  }
  return "unconfirmed";
}

SubscriptionStatus weaker(SubscriptionStatus status, std::optional<SubscriptionStatus> limit) {
  const auto rank = [](SubscriptionStatus s) {
    return s == SubscriptionStatus::unsubscribed ? 0 : s == SubscriptionStatus::unconfirmed ? 1 : 2;
  };
  return limit && rank(*limit) < rank(status) ? *limit : status;
}

std::optional<SubscriberStatus> parse_subscriber_status(std::string_view text) {
  if (text == "enabled") {
    return SubscriberStatus::enabled;
  }
  if (text == "blocklisted") {
    return SubscriberStatus::blocklisted;
  }
  return std::nullopt;
}

std::optional<SubscriptionStatus> parse_subscription_status(std::string_view text) {
  if (text == "unconfirmed") {
    return SubscriptionStatus::unconfirmed;
  }
  if (text == "confirmed") {
    return SubscriptionStatus::confirmed;
  }
  if (text == "unsubscribed") {
    return SubscriptionStatus::unsubscribed;
  }
  return std::nullopt;
}

Result<std::string> validate_name(std::string_view name, std::string_view what) {
  const std::string_view trimmed = trim(name);
  if (trimmed.empty()) {
    return make_error(ErrorCode::invalid_input,
                      std::string("the ") + std::string(what) + " is empty");
  }
  if (!is_valid_utf8(trimmed) || has_control_character(trimmed)) {
    return make_error(ErrorCode::invalid_input, std::string("the ") + std::string(what) +
                                                    " contains invalid or control characters");
  }
  if (code_points(trimmed) > 100) {
    return make_error(ErrorCode::invalid_input,
                      std::string("the ") + std::string(what) + " is longer than 100 characters");
  }
  return std::string(trimmed);
}

Result<std::string> validate_title(std::string_view title) {
  if (trim(title).empty()) {
    return std::string();
  }
  return validate_name(title, "list title");
}

Result<std::string> validate_description(std::string_view description) {
  const std::string_view trimmed = trim(description);
  if (!is_valid_utf8(trimmed) || has_control_character(trimmed)) {
    return make_error(ErrorCode::invalid_input,
                      "the description must be one line without control characters");
  }
  if (code_points(trimmed) > 500) {
    return make_error(ErrorCode::invalid_input, "the description is longer than 500 characters");
  }
  return std::string(trimmed);
}

std::string_view display_name(std::string_view title, std::string_view name) {
  return title.empty() ? name : title;
}

std::vector<std::string> display_names(const std::vector<MailingList>& lists) {
  std::vector<std::string> names;
  names.reserve(lists.size());
  for (const auto& list : lists) {
    names.emplace_back(list.display_name());
  }
  return names;
}

Result<std::string> normalise_language(std::string_view tag) {
  const std::string_view trimmed = trim(tag);
  if (trimmed.empty()) {
    return std::string();
  }
  std::string normalised;
  std::size_t start = 0;
  std::size_t index = 0;
  while (start <= trimmed.size()) {
    auto end = trimmed.find_first_of("-_", start);
    if (end == std::string_view::npos) {
      end = trimmed.size();
    }
    const std::string_view subtag = trimmed.substr(start, end - start);
    const auto bad = make_error(
        ErrorCode::invalid_input,
        "'" + std::string(trimmed) + "' is not a language tag such as en, fr, pt-BR or zh-Hant");
    if (subtag.empty() || subtag.size() > 8 || !all_alphanumeric(subtag)) {
      return bad;
    }
    std::string part = ascii_lower(subtag);
    if (index == 0) {
      if (part.size() < 2 || part.size() > 3 || !all_letters(part)) {
        return bad;
      }
    } else if (part.size() == 4 && all_letters(part)) {
      part[0] = static_cast<char>(part[0] - 'a' + 'A');
    } else if (part.size() == 2 && all_letters(part)) {
      part[0] = static_cast<char>(part[0] - 'a' + 'A');
      part[1] = static_cast<char>(part[1] - 'a' + 'A');
    }
    if (index > 0) {
      normalised.push_back('-');
    }
    normalised += part;
    ++index;
    start = end + 1;
  }
  return normalised;
}

Result<std::string> validate_display_name(std::string_view name) {
  const std::string_view trimmed = trim(name);
  if (!is_valid_utf8(trimmed)) {
    return make_error(ErrorCode::invalid_input, "the name is not valid UTF-8");
  }
  if (has_control_character(trimmed)) {
    return make_error(ErrorCode::invalid_input,
                      "the name contains a control character (a line break or tab)");
  }
  if (code_points(trimmed) > 200) {
    return make_error(ErrorCode::invalid_input, "the name is longer than 200 characters");
  }
  return std::string(trimmed);
}

}  // namespace communique

#include "core/issue.hpp"

namespace communique {

std::string_view to_string(IssueKind kind) {
  return kind == IssueKind::digest ? "digest" : "letter";
}

std::string_view to_string(IssueStatus status) {
  switch (status) {
    case IssueStatus::draft:
      return "draft";
    case IssueStatus::scheduled:
      return "scheduled";
    case IssueStatus::sending:
      return "sending";
    case IssueStatus::paused:
      return "paused";
    case IssueStatus::sent:
      return "sent";
    case IssueStatus::cancelled:
      return "cancelled";
  }
  return "draft";
}

std::string_view to_string(BodyFormat format) {
  return format == BodyFormat::html ? "html" : "markdown";
}

std::optional<IssueKind> parse_issue_kind(std::string_view text) {
  for (auto kind : {IssueKind::letter, IssueKind::digest}) {
    if (to_string(kind) == text) {
      return kind;
    }
  }
  return std::nullopt;
}

std::optional<IssueStatus> parse_issue_status(std::string_view text) {
  for (auto status : {IssueStatus::draft, IssueStatus::scheduled, IssueStatus::sending,
                      IssueStatus::paused, IssueStatus::sent, IssueStatus::cancelled}) {
    if (to_string(status) == text) {
      return status;
    }
  }
  return std::nullopt;
}

std::optional<BodyFormat> parse_body_format(std::string_view text) {
  for (auto format : {BodyFormat::markdown, BodyFormat::html}) {
    if (to_string(format) == text) {
      return format;
    }
  }
  return std::nullopt;
}

Result<std::string> validate_subject(std::string_view subject) {
  const std::string_view trimmed = trim(subject);
  if (trimmed.empty()) {
    return make_error(ErrorCode::invalid_input, "the subject is empty");
  }
  if (!is_valid_utf8(trimmed)) {
    return make_error(ErrorCode::invalid_input, "the subject is not valid UTF-8");
  }
  if (has_control_character(trimmed)) {
    return make_error(ErrorCode::invalid_input,
                      "the subject contains a control character (a line break or tab)");
  }
  if (code_points(trimmed) > 250) {
    return make_error(ErrorCode::invalid_input, "the subject is longer than 250 characters");
  }
  return std::string(trimmed);
}

Result<std::optional<std::chrono::year_month_day>> parse_edition_date(std::string_view text) {
  if (text.empty()) {
    return std::optional<std::chrono::year_month_day>();
  }
  if (auto date = parse_date(text)) {
    // Year 0 and the middle ages are typos of an edition date, never one.
    if (date->year() < std::chrono::year(1900)) {
      return make_error(ErrorCode::invalid_input,
                        "date: " + std::string(text) +
                            " is before 1900; write the edition date as, for example, 2030-01-15");
    }
    return std::optional<std::chrono::year_month_day>(*date);
  }
  bool shaped = text.size() == 10;
  for (std::size_t i = 0; shaped && i < text.size(); ++i) {
    shaped = (i == 4 || i == 7) ? text[i] == '-' : (text[i] >= '0' && text[i] <= '9');
  }
  // Echoed so the person sees what was read, unless it is too long to be a date at all.
  constexpr std::size_t kMostEchoed = 32;
  const std::string quoted =
      text.size() <= kMostEchoed ? "'" + std::string(text) + "'" : std::string("the text given");
  if (!shaped) {
    return make_error(ErrorCode::invalid_input,
                      "date: " + quoted +
                          " is not written YYYY-MM-DD; write the edition date as, for example, "
                          "2030-01-15 (or leave it empty for the day letters are made)");
  }
  const auto number = [&](std::size_t at, std::size_t digits) {
    unsigned value = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return value;
  };
  const std::chrono::year year(static_cast<int>(number(0, 4)));
  const std::chrono::month month(number(5, 2));
  if (!month.ok()) {
    return make_error(ErrorCode::invalid_input, "date: " + quoted + " has no month " +
                                                    std::to_string(number(5, 2)) +
                                                    "; months are 01 to 12 (YYYY-MM-DD)");
  }
  const auto last = std::chrono::year_month_day_last(year, std::chrono::month_day_last(month));
  return make_error(
      ErrorCode::invalid_input,
      fmt::format("date: {} is not a day of the calendar: {} {} has {} days", quoted,
                  month_name(month), static_cast<int>(year), static_cast<unsigned>(last.day())));
}

std::chrono::year_month_day masthead_day(const Issue& issue, Timestamp made) {
  return issue.edition_date.value_or(utc_day(made));
}

Result<Issue> normalise_issue(Issue issue) {
  auto field_error = [](std::string_view field, const Error& error) {
    return Error{error.code, std::string(field) + ": " + error.message};
  };
  auto subject = validate_subject(issue.subject);
  if (!subject) {
    return field_error("subject", subject.error());
  }
  issue.subject = std::move(*subject);
  auto language = normalise_language(issue.language);
  if (!language) {
    return field_error("language", language.error());
  }
  issue.language = std::move(*language);
  for (const auto& [field, value] :
       {std::pair{"from_address", &issue.from_address}, std::pair{"reply_to", &issue.reply_to}}) {
    if (!value->empty()) {
      auto address = EmailAddress::parse(*value);
      if (!address) {
        return field_error(field, address.error());
      }
      *value = address->str();
    }
  }
  if (!issue.from_name.empty()) {
    auto name = validate_display_name(issue.from_name);
    if (!name) {
      return field_error("from_name", name.error());
    }
    issue.from_name = std::move(*name);
  }
  // A digest is made of posts; a letter of its sections.
  if (issue.kind == IssueKind::digest) {
    if (!issue.sections.empty()) {
      return make_error(ErrorCode::invalid_input,
                        "sections: a digest is made of posts, not sections written inline; "
                        "publish each item as a post and give the posts' ids in posts");
    }
    if (issue.posts.empty()) {
      return make_error(ErrorCode::invalid_input,
                        "posts: a digest needs at least one post (the ids of published posts)");
    }
  } else if (issue.sections.empty()) {
    return make_error(ErrorCode::invalid_input, "sections: an issue needs at least one section");
  }
  for (const auto& section : issue.sections) {
    if (!is_valid_utf8(section.body) || !is_valid_utf8(section.title)) {
      return make_error(ErrorCode::invalid_input, "sections: a section is not valid UTF-8");
    }
  }
  return issue;
}

}  // namespace communique

#include "core/delivery.hpp"

namespace communique {

std::string_view to_string(DeliveryState state) {
  switch (state) {
    case DeliveryState::queued:
      return "queued";
    case DeliveryState::sending:
      return "sending";
    case DeliveryState::sent:
      return "sent";
    case DeliveryState::deferred:
      return "deferred";
    case DeliveryState::failed:
      return "failed";
    case DeliveryState::skipped:
      return "skipped";
  }
  return "queued";
}

std::string send_summary(const DeliveryCounts& counts, IssueKind kind) {
  std::string summary = "sent " + std::to_string(counts.sent) + ", failed " +
                        std::to_string(counts.failed) + ", deferred " +
                        std::to_string(counts.deferred);
  if (kind == IssueKind::digest) {
    summary += ", skipped " + std::to_string(counts.skipped);
  }
  return summary;
}

std::optional<DeliveryState> parse_delivery_state(std::string_view text) {
  for (auto state : {DeliveryState::queued, DeliveryState::sending, DeliveryState::sent,
                     DeliveryState::deferred, DeliveryState::failed, DeliveryState::skipped}) {
    if (to_string(state) == text) {
      return state;
    }
  }
  return std::nullopt;
}

}  // namespace communique

namespace communique {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::editor:
      return "editor";
    case Role::viewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "admin") {
    return Role::admin;
  }
  if (text == "editor") {
    return Role::editor;
  }
  if (text == "viewer") {
    return Role::viewer;
  }
  return std::nullopt;
}

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace communique
