// The MIME writer: RFC 5322 headers and a multipart/alternative body (text and HTML, UTF-8,
// quoted-printable), every line ending in CRLF.
//
// Policy:
// - no header can be injected: CR and LF in any value become spaces before anything else;
// - non-ASCII in a subject or display name becomes RFC 2047 encoded-words (base64, UTF-8,
//   split between characters, each word at most 75 octets);
// - header lines are folded at whitespace to stay within 78 octets where the value allows,
//   and never exceed 998; bodies are quoted-printable, so no body line exceeds 76.
// It writes only what Communiqué sends; it is not a general MIME library (no parsing, no
// attachments yet).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace communique {

struct Mailbox {
  std::string display_name;  // may be empty
  std::string address;       // a validated addr-spec
};

struct MimeHeader {
  std::string name;
  std::string value;  // already encoded (see the helpers below), unfolded
};

// `"Name" <address>`, `=?utf-8?b?...?= <address>`, or `address` without a name.
std::string format_mailbox(const Mailbox& mailbox);

// An unstructured header value (Subject): as it is when ASCII, else encoded-words.
std::string encode_unstructured(std::string_view text);

// "Sun, 29 Nov 2026 07:05:47 +0000"
std::string format_rfc5322_date(Timestamp time);

// `text` with line ends made CRLF, in quoted-printable with lines of at most 76 octets.
std::string quoted_printable(std::string_view text);

// Quoted-printable written piece by piece: add() as often as needed, soft_break() to end
// the encoded line without ending the text line (so the next piece starts at column 0),
// finish() at the end. White space is held back until it is known not to end a line.
// The pieces decode to their concatenation.
class QuotedPrintableWriter {
 public:
  explicit QuotedPrintableWriter(std::string& out) : out_(&out) {}
  void add(std::string_view text);
  void soft_break();
  void finish();  // ends the last line with CRLF unless it is empty

 private:
  void put(std::string_view encoded, bool last_on_line);
  void flush_space(bool before_line_end);
  std::string* out_;
  std::size_t column_ = 0;
  char pending_space_ = 0;
  bool after_cr_ = false;
};

// `Name: value` folded at whitespace to 78 octets where possible, ending in CRLF; CR and
// LF in the value are replaced by spaces first.
std::string fold_header(std::string_view name, std::string_view value);

// The header block of a multipart/alternative message: `headers`, MIME-Version and the
// Content-Type naming `boundary`, each line ending in CRLF (without the blank line after).
std::string alternative_header_block(std::span<const MimeHeader> headers,
                                     std::string_view boundary);

// The start of each part of a multipart/alternative body, before its encoded content.
std::string text_part_start(std::string_view boundary);
std::string html_part_start(std::string_view boundary);

// A plain-text message: `headers`, MIME-Version, and `text` in quoted-printable UTF-8.
std::string build_text_message(std::span<const MimeHeader> headers, std::string_view text);

// A whole message: `headers`, then MIME-Version and a multipart/alternative of `text` and
// `html` separated by `boundary` (which must not occur in either encoded part).
std::string build_alternative_message(std::span<const MimeHeader> headers, std::string_view text,
                                      std::string_view html, std::string_view boundary);

}  // namespace communique
