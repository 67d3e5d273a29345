// Report: what a message that came back to us says, as report_parse reads it: a delivery
// status notification (bounce or delay), a complaint (ARF feedback report), an automatic
// reply, a request to unsubscribe sent to the List-Unsubscribe mailto: address, or
// something not understood (with the reason). Plain data, no GMime types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace communique {

enum class ReportKind { dsn, complaint, auto_reply, unsubscribe_request, unknown };

// RFC 3464's Action field; `none` where the report has none (complaints, auto-replies).
enum class RecipientAction { failed, delayed, delivered, relayed, expanded, none };

std::string_view to_string(ReportKind kind);
std::string_view to_string(RecipientAction action);

// One recipient a report is about.
struct ReportRecipient {
  std::string address;  // the final (else original) recipient, without "rfc822;"
  RecipientAction action = RecipientAction::none;
  std::string status;      // the enhanced status code ("5.1.1"), empty when none was given
  std::string diagnostic;  // the remote server's words (Diagnostic-Code, or the text form's)
  std::string remote_mta;  // the server that answered, without "dns;"
};

// Headers of the letter the report is about, when it came attached (whole or headers only).
struct OriginalHeaders {
  std::string message_id;
  std::string return_path;  // the envelope sender: our VERP return path
  std::string from;
  std::string to;
  std::string subject;
  std::string list_id;
  std::string list_unsubscribe;
  std::string feedback_id;  // "issue:list:kind:communique" on our letters
};

struct Report {
  ReportKind kind = ReportKind::unknown;
  std::string form;    // which form was read: "rfc3464", "arf", "exim", "gmail", "rfc3834", …
  std::string reason;  // why it is unknown; empty otherwise
  std::vector<ReportRecipient> recipients;
  std::optional<OriginalHeaders> original;
  // Where the report itself was addressed (To, Delivered-To, X-Original-To, Envelope-To):
  // a report sent to our return path carries the VERP tag here even without the original.
  std::vector<std::string> addressed_to;
  std::string reporting_mta;
  std::string arrival_date;
  std::string feedback_type;      // ARF: abuse, fraud, virus, other, not-spam, …
  std::string unsubscribe_token;  // unsubscribe requests: the link token of the mailto
  std::string sender;             // the report's From address (who replied, asked, reported)
};

}  // namespace communique
