#include "bounces/classify.hpp"

#include <algorithm>
#include <array>

#include "base/text.hpp"

namespace communique {

std::string_view to_string(BounceClass bounce_class) {
  switch (bounce_class) {
    case BounceClass::hard:
      return "hard";
    case BounceClass::soft:
      return "soft";
    case BounceClass::sender:
      return "sender";
    case BounceClass::complaint:
      return "complaint";
    case BounceClass::ignore:
      break;
  }
  return "ignore";
}

namespace {

struct StatusRule {
  std::string_view status;  // an exact code, or a prefix ending in '.'
  BounceClass bounce_class;
  std::string_view reason;
};

// RFC 3463 and the registry of enhanced codes, for the codes that say something definite.
// Exact codes first, then prefixes; the first match decides (see classify.hpp for 5.7.x).
constexpr std::array kStatusRules = {
    StatusRule{"5.1.1", BounceClass::hard, "user_unknown"},
    StatusRule{"5.1.10", BounceClass::hard, "user_unknown"},  // null MX, and Microsoft's
    StatusRule{"5.1.2", BounceClass::hard, "host_unknown"},
    StatusRule{"5.1.3", BounceClass::hard, "bad_address"},
    StatusRule{"5.1.6", BounceClass::hard, "user_unknown"},  // moved, no forwarding
    StatusRule{"5.4.4", BounceClass::hard, "host_unknown"},  // unable to route
    StatusRule{"5.4.6", BounceClass::soft, "routing_loop"},
    StatusRule{"5.1.7", BounceClass::sender, "sender_address"},
    StatusRule{"5.1.8", BounceClass::sender, "sender_address"},
    StatusRule{"5.2.1", BounceClass::soft, "mailbox_disabled"},
    StatusRule{"5.2.2", BounceClass::soft, "mailbox_full"},
    StatusRule{"4.2.2", BounceClass::soft, "mailbox_full"},
    StatusRule{"5.2.3", BounceClass::soft, "message_too_large"},
    StatusRule{"5.3.4", BounceClass::soft, "message_too_large"},
    StatusRule{"5.7.1", BounceClass::sender, "policy"},
    StatusRule{"5.7.23", BounceClass::sender, "authentication"},  // SPF
    StatusRule{"5.7.25", BounceClass::sender, "reverse_dns"},
    StatusRule{"5.7.26", BounceClass::sender, "authentication"},  // DMARC, unauthenticated
    StatusRule{"5.7.27", BounceClass::sender, "authentication"},  // SPF
    StatusRule{"5.7.20", BounceClass::sender, "authentication"},  // DKIM
    StatusRule{"5.7.21", BounceClass::sender, "authentication"},
    StatusRule{"5.7.22", BounceClass::sender, "authentication"},
    StatusRule{"5.7.", BounceClass::sender, "policy"},
    StatusRule{"5.6.", BounceClass::sender, "content"},
    StatusRule{"4.", BounceClass::soft, "temporary"},
};

// Codes that say nothing in particular: the text decides, then the class of the code.
constexpr std::array<std::string_view, 8> kVagueStatuses = {
    "5.0.0", "4.0.0", "5.5.0", "5.4.1", "5.2.0", "5.1.0", "5.3.0", "5.4.0",
};

struct TextRule {
  std::string_view phrase;  // lower case
  BounceClass bounce_class;
  std::string_view reason;
};

// Phrases of remote servers' replies, most specific first. A phrase that names the
// mailbox's absence comes before the sender-side ones, since "blocked" or "policy" may
// appear in the same reply as "user unknown".
constexpr std::array kTextRules = {
    TextRule{"greylist", BounceClass::soft, "greylisted"},
    TextRule{"graylist", BounceClass::soft, "greylisted"},
    TextRule{"user unknown", BounceClass::hard, "user_unknown"},
    TextRule{"unknown user", BounceClass::hard, "user_unknown"},
    TextRule{"no such user", BounceClass::hard, "user_unknown"},
    TextRule{"no such person", BounceClass::hard, "user_unknown"},
    TextRule{"user not found", BounceClass::hard, "user_unknown"},
    TextRule{"recipient not found", BounceClass::hard, "user_unknown"},
    TextRule{"recipnotfound", BounceClass::hard, "user_unknown"},
    TextRule{"recipientnotfound", BounceClass::hard, "user_unknown"},
    TextRule{"unknown recipient", BounceClass::hard, "user_unknown"},
    TextRule{"invalid recipient", BounceClass::hard, "user_unknown"},
    TextRule{"no such mailbox", BounceClass::hard, "user_unknown"},
    TextRule{"mailbox not found", BounceClass::hard, "user_unknown"},
    TextRule{"mailbox unavailable", BounceClass::hard, "user_unknown"},
    TextRule{"invalid mailbox", BounceClass::hard, "user_unknown"},
    TextRule{"no mailbox here", BounceClass::hard, "user_unknown"},
    TextRule{"account that you tried to reach does not exist", BounceClass::hard, "user_unknown"},
    TextRule{"doesn't have a", BounceClass::hard, "user_unknown"},  // Yahoo: "… account"
    TextRule{"does not exist", BounceClass::hard, "user_unknown"},
    TextRule{"host not found", BounceClass::hard, "host_unknown"},
    TextRule{"domain not found", BounceClass::hard, "host_unknown"},
    TextRule{"host or domain name not found", BounceClass::hard, "host_unknown"},
    TextRule{"name service error", BounceClass::hard, "host_unknown"},
    TextRule{"unrouteable address", BounceClass::hard, "host_unknown"},
    TextRule{"mailbox full", BounceClass::soft, "mailbox_full"},
    TextRule{"mailbox is full", BounceClass::soft, "mailbox_full"},
    TextRule{"over quota", BounceClass::soft, "mailbox_full"},
    TextRule{"overquota", BounceClass::soft, "mailbox_full"},
    TextRule{"quota exceeded", BounceClass::soft, "mailbox_full"},
    TextRule{"exceeded storage", BounceClass::soft, "mailbox_full"},
    TextRule{"insufficient storage", BounceClass::soft, "mailbox_full"},
    TextRule{"account is disabled", BounceClass::soft, "mailbox_disabled"},
    TextRule{"account has been disabled", BounceClass::soft, "mailbox_disabled"},
    TextRule{"dmarc", BounceClass::sender, "authentication"},
    TextRule{"spf", BounceClass::sender, "authentication"},
    TextRule{"dkim", BounceClass::sender, "authentication"},
    TextRule{"unauthenticated", BounceClass::sender, "authentication"},
    TextRule{"authentication", BounceClass::sender, "authentication"},
    TextRule{"relay access denied", BounceClass::sender, "relay_denied"},
    TextRule{"relaying denied", BounceClass::sender, "relay_denied"},
    TextRule{"relay not permitted", BounceClass::sender, "relay_denied"},
    TextRule{"blocklist", BounceClass::sender, "blocked"},
    TextRule{"blacklist", BounceClass::sender, "blocked"},
    TextRule{"block list", BounceClass::sender, "blocked"},
    TextRule{"spamhaus", BounceClass::sender, "blocked"},
    TextRule{"listed at", BounceClass::sender, "blocked"},
    TextRule{"reputation", BounceClass::sender, "blocked"},
    TextRule{"blocked", BounceClass::sender, "blocked"},
    TextRule{"rate limit", BounceClass::sender, "rate_limited"},
    TextRule{"too many", BounceClass::sender, "rate_limited"},
    TextRule{"spam", BounceClass::sender, "content"},
    TextRule{"try again later", BounceClass::soft, "temporary"},
    TextRule{"temporarily", BounceClass::soft, "temporary"},
};

const TextRule* text_rule(std::string_view text) {
  const std::string lower = ascii_lower(text);
  for (const auto& rule : kTextRules) {
    if (lower.find(rule.phrase) != std::string::npos) {
      return &rule;
    }
  }
  return nullptr;
}

const StatusRule* status_rule(std::string_view status) {
  for (const auto& rule : kStatusRules) {
    const bool prefix = rule.status.ends_with('.');
    if (prefix ? status.starts_with(rule.status) : status == rule.status) {
      return &rule;
    }
  }
  return nullptr;
}

BounceVerdict verdict(BounceClass bounce_class, std::string_view reason) {
  return {bounce_class, std::string(reason)};
}

// The policy for a failure with status `status` ("5.1.1"; may be empty) and reply `text`,
// where `permanent` says whether the failure was final (5xx, Action: failed).
BounceVerdict classify_failure(std::string_view status, bool permanent, std::string_view text) {
  const TextRule* by_text = text_rule(text);
  if (!status.empty() && status.front() == '4') {
    permanent = false;
  }
  if (!status.empty() && status.front() == '5') {
    permanent = true;
  }
  if (!permanent) {
    // Whatever the text says, a temporary failure is only scored.
    if (by_text != nullptr && by_text->bounce_class == BounceClass::soft) {
      return verdict(BounceClass::soft, by_text->reason);
    }
    const StatusRule* rule = status_rule(status);
    return verdict(BounceClass::soft, rule != nullptr && rule->bounce_class == BounceClass::soft
                                          ? rule->reason
                                          : "temporary");
  }
  const bool vague =
      std::find(kVagueStatuses.begin(), kVagueStatuses.end(), status) != kVagueStatuses.end();
  const StatusRule* rule = vague ? nullptr : status_rule(status);
  if (rule != nullptr) {
    if (rule->bounce_class == BounceClass::sender && by_text != nullptr &&
        by_text->bounce_class == BounceClass::hard && by_text->reason == "user_unknown") {
      return verdict(BounceClass::hard, by_text->reason);
    }
    if (rule->bounce_class == BounceClass::sender && by_text != nullptr &&
        by_text->bounce_class == BounceClass::sender) {
      return verdict(BounceClass::sender, by_text->reason);
    }
    return verdict(rule->bounce_class, rule->reason);
  }
  if (by_text != nullptr) {
    return verdict(by_text->bounce_class, by_text->reason);
  }
  if (status.starts_with("5.1.")) {
    return verdict(BounceClass::hard, "user_unknown");
  }
  return verdict(BounceClass::soft, "undefined");
}

}  // namespace

BounceVerdict classify(const Report& report, const ReportRecipient& recipient) {
  switch (report.kind) {
    case ReportKind::complaint:
      if (report.feedback_type == "not-spam") {
        return verdict(BounceClass::ignore, "not_spam");
      }
      return verdict(BounceClass::complaint,
                     report.feedback_type.empty() || report.feedback_type == "abuse"
                         ? std::string_view("spam_complaint")
                         : std::string_view(report.feedback_type));
    case ReportKind::auto_reply:
      return verdict(BounceClass::ignore, "vacation");
    case ReportKind::unsubscribe_request:
      return verdict(BounceClass::ignore, "unsubscribe_request");
    case ReportKind::unknown:
      return verdict(BounceClass::ignore, "not_understood");
    case ReportKind::dsn:
      break;
  }
  switch (recipient.action) {
    case RecipientAction::delivered:
    case RecipientAction::relayed:
    case RecipientAction::expanded:
      return verdict(BounceClass::ignore, to_string(recipient.action));
    case RecipientAction::delayed: {
      const TextRule* by_text = text_rule(recipient.diagnostic);
      return verdict(BounceClass::soft,
                     by_text != nullptr && by_text->bounce_class == BounceClass::soft
                         ? by_text->reason
                         : std::string_view("delayed"));
    }
    case RecipientAction::failed:
    case RecipientAction::none:
      break;
  }
  return classify_failure(recipient.status, true, recipient.diagnostic);
}

BounceVerdict classify_smtp_reply(int code, std::string_view enhanced, std::string_view text) {
  if (code >= 200 && code < 400) {
    return verdict(BounceClass::ignore, "delivered");
  }
  return classify_failure(enhanced, code >= 500, text);
}

}  // namespace communique
