// Bounce classification: what one failure means for the recipient, whether it came back
// in a report (report_parse) or as the reply to RCPT or DATA during SMTP. The policy; the
// mechanism that reads reports and replies is elsewhere.
//
//   what was said                                       class      suppresses (later)
//   mailbox or domain does not exist (5.1.1, 5.1.10,    hard       at once
//     5.1.2, 5.1.3, 5.1.6, 5.4.4, "user unknown", …)
//   mailbox full, greylisting, any 4.x.x, delayed,      soft       scored, decays
//     disabled mailbox, unspecified permanent failure
//   5.7.x authentication (DMARC/SPF/DKIM), reputation,  sender     never: the sender's
//     blocklists, relaying, content, policy                        problem, not theirs
//   a complaint (ARF) other than not-spam               complaint  at once
//   auto-reply, delivered/relayed/expanded, not-spam,   ignore     never
//     an unsubscribe request, a report not understood
//
// The enhanced status code decides first (the table in classify.cpp, RFC 3463), except
// that a 5.7.x whose text says the mailbox does not exist is hard (Exchange answers
// "550 5.7.1 RESOLVER.ADR.RecipNotFound"), and codes that say nothing in particular
// (x.0.0, 5.5.x, 5.4.1, …) let the text decide. The text is matched against one table of
// phrases (data). Without either, a 5xx is soft ("undefined"): suppressing on words we
// do not understand would drop readers. Every verdict carries a short reason word.
#pragma once

#include <string>
#include <string_view>

#include "bounces/report.hpp"

namespace communique {

enum class BounceClass { hard, soft, sender, complaint, ignore };

std::string_view to_string(BounceClass bounce_class);

struct BounceVerdict {
  BounceClass bounce_class = BounceClass::ignore;
  std::string reason;  // "user_unknown", "mailbox_full", "authentication", "vacation", …

  friend bool operator==(const BounceVerdict&, const BounceVerdict&) = default;
};

// The verdict on `recipient` of a report of `report`'s kind.
BounceVerdict classify(const Report& report, const ReportRecipient& recipient);

// The verdict on an SMTP reply: `code` (550), `enhanced` ("5.1.1", may be empty) and the
// text after them; the same policy as a report's failed recipient.
BounceVerdict classify_smtp_reply(int code, std::string_view enhanced, std::string_view text);

}  // namespace communique
