// Report text: the small readers report_parse applies to the text of reports, apart from
// GMime: RFC 3464/5965 field blocks, addresses, enhanced status codes, SMTP reply lines.
//
// Policy: every reader is bounded by its input (field blocks stop after kMaxRecipients + 1
// blocks and 4 KiB per folded value) and never throws; what is not there reads as empty.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace communique {

// A block of fields (lower-case names, unfolded values) in the order written.
using Fields = std::vector<std::pair<std::string, std::string>>;

// The field blocks of a delivery-status or feedback-report body, or of a header block:
// unfolded, split at blank lines.
std::vector<Fields> field_blocks(std::string_view text);

// The value of the first field `name` (lower case) in `fields`; empty when none.
std::string field(const Fields& fields, std::string_view name);

// "rfc822; a@b" → "a@b", "dns; mx.example" → "mx.example", "smtp; 550 …" → "550 …".
std::string without_type(std::string_view value);

// The addresses in `text`, in order, each once (compared in lower case), at most `most`.
std::vector<std::string> addresses_in(std::string_view text, std::size_t most);

// The one address in a header value ("Name <a@b>" or "a@b"); empty when none.
std::string address_of(std::string_view value);

// The first enhanced status code (RFC 3463: "5.1.1", "4.7.26") in `text`; empty when none.
std::string enhanced_status_in(std::string_view text);

// Whether `line` holds an SMTP reply: a 4xx/5xx code, or an enhanced status code.
bool holds_smtp_reply(std::string_view line);

// The lines of `text`, without their CR LF or LF.
std::vector<std::string_view> lines_of(std::string_view text);

// A rough text of an HTML body, tags dropped: for phrase search and addresses.
std::string html_text(std::string_view html);

}  // namespace communique
