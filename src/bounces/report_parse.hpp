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
// - bounces in the text forms of Exim, Exchange/Office 365, Gmail, Yahoo and others:
//   mail from a mail system (a mailer-daemon or postmaster, a null return path, or
//   Auto-Submitted) with a phrase of one table (report_forms.cpp), with the address and the
//   server's reply read from the text; the phrase alone is not enough, since a person may
//   write "Undeliverable:" too, and the bounce's own From and To are never recipients;
// - automatic replies (RFC 3834 Auto-Submitted, X-Autoreply, Precedence: auto_reply, and
//   subjects such as "Out of office" in the same table).
// Anything else is `unknown` with a reason.
//
// Every string in a Report is well-formed UTF-8: text parts are converted from the charset
// they declare, and any byte that is still not UTF-8 (in a header field, a delivery-status
// field, a part with a wrong charset) is replaced by U+FFFD.
//
// Hostile input is bounded: more than kMaxReportBytes, or more MIME nesting than
// kMaxNesting, is `unknown` before GMime sees it; text is searched in its first
// kMaxTextBytes; at most kMaxReportRecipients recipients are read from one report. Nothing here
// throws or classifies (bounces/classify.hpp decides what a report means).
#pragma once

#include <cstddef>
#include <string_view>

#include "bounces/report.hpp"

namespace communique {

inline constexpr std::size_t kMaxReportBytes = 16 * 1024 * 1024;
inline constexpr int kMaxNesting = 16;
inline constexpr std::size_t kMaxTextBytes = 256 * 1024;
inline constexpr std::size_t kMaxReportRecipients = 100;

// Reads `message` (its raw bytes, CRLF or LF line ends).
Report parse_report(std::string_view message);

}  // namespace communique
