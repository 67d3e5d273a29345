// Report parsing: one raw message that came back to us, read with GMime 3 into a Report.
//
// What is read, in this order:
// - multipart/report; report-type=delivery-status (RFC 3464, and RFC 6533's
//   message/global-delivery-status): the per-message and per-recipient field blocks, and
//   the returned message (message/rfc822, message/global or text/rfc822-headers);
// - multipart/report; report-type=feedback-report (ARF, RFC 5965): Feedback-Type,
//   Original-Rcpt-To and the attached original;
// - a request to unsubscribe: mail to the List-Unsubscribe mailto: address our letters
//   carry (`unsubscribe@DOMAIN?subject=unsubscribe-TOKEN`), the token in the subject or in
//   the address (`unsubscribe-TOKEN@` or `unsubscribe+TOKEN@`);
// - bounces in the text forms of Exim, Exchange/Office 365, Gmail, Yahoo and others,
//   recognised by phrases in one table (report_forms.cpp), with the address and the
//   server's reply read from the text;
// - automatic replies (RFC 3834 Auto-Submitted, X-Autoreply, Precedence: auto_reply, and
//   subjects such as "Out of office" in the same table).
// Anything else is `unknown` with a reason.
//
// Hostile input is bounded: more than kMaxReportBytes, or more MIME nesting than
// kMaxNesting, is `unknown` before GMime sees it; text is searched in its first
// kMaxTextBytes; at most kMaxRecipients recipients are read. Nothing here throws or
// classifies (bounces/classify.hpp decides what a report means).
#pragma once

#include <cstddef>
#include <string_view>

#include "bounces/report.hpp"

namespace communique {

inline constexpr std::size_t kMaxReportBytes = 16 * 1024 * 1024;
inline constexpr int kMaxNesting = 16;
inline constexpr std::size_t kMaxTextBytes = 256 * 1024;
inline constexpr std::size_t kMaxRecipients = 100;

// Reads `message` (its raw bytes, CRLF or LF line ends).
Report parse_report(std::string_view message);

}  // namespace communique
