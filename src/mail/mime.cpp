#include "mail/mime.hpp"

#include <fmt/format.h>

#include <array>

#include "base/base64.hpp"

namespace communique {

namespace {

constexpr std::size_t kFoldAt = 78;
constexpr std::string_view kHex = "0123456789ABCDEF";

bool is_ascii_printable(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E) {
      return false;
    }
  }
  return true;
}

std::string without_line_breaks(std::string_view text) {
  std::string clean(text);
  for (char& c : clean) {
    if (c == '\r' || c == '\n') {
      c = ' ';
    }
  }
  return clean;
}

// RFC 2047 encoded-words for `text`, separated by single spaces; each word holds at most
// 45 octets of UTF-8 (60 of base64, 72 with its wrapper) and never splits a character.
std::string encoded_words(std::string_view text) {
  constexpr std::size_t kChunk = 45;
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(start + kChunk, text.size());
    while (end < text.size() && end > start &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;  // back off to the start of a character
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += "=?utf-8?b?" + base64(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

}  // namespace

std::string format_mailbox(const Mailbox& mailbox) {
  const std::string name = without_line_breaks(mailbox.display_name);
  const std::string address = without_line_breaks(mailbox.address);
  if (name.empty()) {
    return address;
  }
  // A name that holds "=?" is encoded too: inside quotes it would be shown as written
  // (RFC 2047 section 5), but lenient readers decode it, and it could then read as another.
  if (!is_ascii_printable(name) || name.find("=?") != std::string::npos) {
    return encoded_words(name) + " <" + address + ">";
  }
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
    }
    quoted += c;
  }
  return quoted + "\" <" + address + ">";
}

std::string encode_unstructured(std::string_view text) {
  const std::string clean = without_line_breaks(text);
  if (is_ascii_printable(clean) && clean.find("=?") == std::string::npos) {
    return clean;
  }
  return encoded_words(clean);
}

std::string format_rfc5322_date(Timestamp time) {
  static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                            "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto days = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date(days);
  const std::chrono::weekday weekday(days);
  const std::chrono::hh_mm_ss clock(time - days);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[weekday.c_encoding()],
                     static_cast<unsigned>(date.day()),
                     kMonths[static_cast<unsigned>(date.month()) - 1],
                     static_cast<int>(date.year()), clock.hours().count(), clock.minutes().count(),
                     clock.seconds().count());
}

void QuotedPrintableWriter::put(std::string_view encoded, bool last_on_line) {
  constexpr std::size_t kMaxLine = 76;
  // A soft break ("=") must fit on the line it ends.
  if (column_ + encoded.size() > kMaxLine - (last_on_line ? 0 : 1)) {
    *out_ += "=\r\n";
    column_ = 0;
  }
  *out_ += encoded;
  column_ += encoded.size();
}

void QuotedPrintableWriter::flush_space(bool before_line_end) {
  if (pending_space_ == 0) {
    return;
  }
  const char space = pending_space_;
  pending_space_ = 0;
  if (before_line_end) {
    // White space at the end of a line would be stripped in transit: encode it.
    put(space == ' ' ? "=20" : "=09", true);
  } else {
    put(std::string_view(&space, 1), false);
  }
}

void QuotedPrintableWriter::add(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  for (char c : text) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') {
        continue;  // the LF of a CRLF: the CR ended the line already
      }
    }
    if (c == '\r' || c == '\n') {
      flush_space(true);
      *out_ += "\r\n";
      column_ = 0;
      after_cr_ = c == '\r';
      continue;
    }
    flush_space(false);
    if (c == ' ' || c == '\t') {
      pending_space_ = c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 33 && byte <= 126 && c != '=') {
      // The common case, written without the checks of put().
      if (column_ + 1 > 75) {
        *out_ += "=\r\n";
        column_ = 0;
      }
      *out_ += c;
      ++column_;
    } else {
      const char encoded[3] = {'=', kHex[byte >> 4], kHex[byte & 15]};
      put(std::string_view(encoded, 3), false);
    }
  }
}

void QuotedPrintableWriter::soft_break() {
  flush_space(false);
  *out_ += "=\r\n";
  column_ = 0;
}

void QuotedPrintableWriter::finish() {
  if (pending_space_ != 0 || column_ > 0) {
    flush_space(true);
    *out_ += "\r\n";
    column_ = 0;
  }
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  QuotedPrintableWriter writer(out);
  writer.add(text);
  writer.finish();
  return out;
}

std::string fold_header(std::string_view name, std::string_view value) {
  const std::string clean = without_line_breaks(value);
  std::string out(name);
  out += ":";
  std::size_t line_length = out.size();
  std::size_t pos = 0;
  // Words are separated by single spaces in what we write; fold before a word that would
  // pass the limit. A single word longer than the line stays whole (up to 998).
  while (pos < clean.size()) {
    auto space = clean.find(' ', pos);
    if (space == std::string::npos) {
      space = clean.size();
    }
    const std::string_view word(clean.data() + pos, space - pos);
    if (line_length + 1 + word.size() > kFoldAt && line_length > name.size() + 1) {
      out += "\r\n";
      line_length = 0;
    }
    out += ' ';
    out += word;
    line_length += 1 + word.size();
    pos = space + 1;
  }
  out += "\r\n";
  return out;
}

std::string alternative_header_block(std::span<const MimeHeader> headers,
                                     std::string_view boundary) {
  std::string out;
  for (const auto& header : headers) {
    out += fold_header(header.name, header.value);
  }
  out += "MIME-Version: 1.0\r\n";
  out += fmt::format("Content-Type: multipart/alternative; boundary=\"{}\"\r\n", boundary);
  return out;
}

std::string text_part_start(std::string_view boundary) {
  return fmt::format(
      "--{}\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
      boundary);
}

std::string html_part_start(std::string_view boundary) {
  return fmt::format(
      "--{}\r\nContent-Type: text/html; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
      boundary);
}

std::string build_text_message(std::span<const MimeHeader> headers, std::string_view text) {
  std::string out;
  for (const auto& header : headers) {
    out += fold_header(header.name, header.value);
  }
  out +=
      "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  out += quoted_printable(text);
  return out;
}

std::string build_alternative_message(std::span<const MimeHeader> headers, std::string_view text,
                                      std::string_view html, std::string_view boundary) {
  std::string out = alternative_header_block(headers, boundary);
  out.reserve(text.size() + html.size() + 4096);
  out += "\r\n";
  out += text_part_start(boundary);
  out += quoted_printable(text);
  out += html_part_start(boundary);
  out += quoted_printable(html);
  out += fmt::format("--{}--\r\n", boundary);
  return out;
}

}  // namespace communique
