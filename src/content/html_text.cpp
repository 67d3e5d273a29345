#include "content/html_text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <optional>

#include "base/text.hpp"

namespace communique {

namespace {

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// Whether a text may carry `code`: not a control character other than tab and line breaks
// (C0, DEL, C1: letters use some as markers of their own, and XML refuses them), not a
// surrogate, not a noncharacter (U+FDD0..FDEF, U+xxFFFE, U+xxFFFF).
bool is_text_character(std::uint32_t code) {
  if (code < 0x20) {
    return code == '\t' || code == '\n' || code == '\r';
  }
  return !(code >= 0x7F && code <= 0x9F) && !(code >= 0xD800 && code <= 0xDFFF) &&
         !(code >= 0xFDD0 && code <= 0xFDEF) && (code & 0xFFFE) != 0xFFFE && code <= 0x10FFFF;
}

// "#1234" or "#x4D2" as a code point a text may carry; nothing for anything else.
std::optional<std::uint32_t> numeric_reference(std::string_view name) {
  if (name.size() < 2 || name[0] != '#') {
    return std::nullopt;
  }
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const auto digits = name.substr(hex ? 2 : 1);
  std::uint32_t code = 0;
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      !is_text_character(code)) {
    return std::nullopt;
  }
  return code;
}

// The element name of a tag's inside ("p class=x" → "p", "/li" → "/li"), lower case.
std::string tag_name(std::string_view inside) {
  std::string tag = ascii_lower(inside);
  const auto name_end = tag.find_first_of(" \t\r\n/", tag.starts_with('/') ? 1 : 0);
  return tag.substr(0, name_end);
}

bool is_heading(std::string_view name) {
  return name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
}

// Elements inside a line of text: their tags do not separate words.
bool is_inline(std::string_view name) {
  if (name.starts_with('/')) {
    name.remove_prefix(1);
  }
  static constexpr std::string_view kInline[] = {
      "a", "abbr", "b",    "cite",  "code", "del",    "em",  "i",   "ins", "kbd", "mark",
      "q", "s",    "samp", "small", "span", "strong", "sub", "sup", "u",   "var"};
  return std::find(std::begin(kInline), std::end(kInline), name) != std::end(kInline);
}

}  // namespace

std::string decode_html_entity(std::string_view reference) {
  const auto name = reference.substr(1, reference.size() - 2);  // without & and ;
  if (auto code = numeric_reference(name)) {
    std::string out;
    append_utf8(out, *code);
    return out;
  }
  if (name == "amp")
    return "&";
  if (name == "lt")
    return "<";
  if (name == "gt")
    return ">";
  if (name == "quot")
    return "\"";
  if (name == "apos")
    return "'";
  if (name == "nbsp")
    return " ";
  if (name == "middot")
    return "\xC2\xB7";
  if (name == "mdash")
    return "\xE2\x80\x94";
  if (name == "ndash")
    return "\xE2\x80\x93";
  return std::string(reference);
}

namespace {

// Walks `html` once: each tag's lower-case name ("p", "/p") goes to on_tag, which returns
// whether the element's content is to be skipped (up to its end tag); text goes to on_text
// a character at a time, a character reference decoded as one piece, with whether it is
// white space. A tag left open ends the walk.
template <typename OnTag, typename OnText>
void walk_html(std::string_view html, OnTag&& on_tag, OnText&& on_text) {
  std::string skipping;  // the end tag that ends the content being skipped, e.g. "/style"
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const auto close = html.find('>', i);
      if (close == std::string_view::npos) {
        return;
      }
      const std::string name = tag_name(html.substr(i + 1, close - i - 1));
      i = close + 1;
      if (skipping.empty()) {
        if (on_tag(name)) {
          skipping = "/" + name;
        }
      } else if (name == skipping) {
        skipping.clear();
      }
      continue;
    }
    if (!skipping.empty()) {
      ++i;
      continue;
    }
    if (c == '&') {
      const auto semicolon = html.find(';', i);
      if (semicolon != std::string_view::npos && semicolon - i <= 10) {
        on_text(decode_html_entity(html.substr(i, semicolon - i + 1)), false);
        i = semicolon + 1;
        continue;
      }
    }
    on_text(std::string_view(&html[i], 1), is_ascii_space(c));
    ++i;
  }
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string out;
  bool in_space = false;
  walk_html(
      html,
      [&](const std::string& name) {
        if (name == "br" || name == "/p" || name == "/div" || name == "/li" || name == "/tr" ||
            name == "/h1" || name == "/h2" || name == "/h3" || name == "/h4" ||
            name == "/blockquote" || name == "/table") {
          out += name == "br" || name == "/li" || name == "/tr" ? "\n" : "\n\n";
          in_space = false;
        } else if (name == "li") {
          out += "- ";
        }
        return name == "script" || name == "style";
      },
      [&](std::string_view piece, bool space) {
        if (space) {
          if (!in_space && !out.empty() && out.back() != '\n') {
            out += ' ';
          }
        } else {
          out += piece;
        }
        in_space = space;
      });
  // No more than one blank line in a row, none at the ends.
  std::string tidy;
  std::size_t newlines = 0;
  for (char ch : out) {
    if (ch == '\n') {
      if (++newlines <= 2 && !tidy.empty()) {
        tidy += ch;
      }
      continue;
    }
    if (newlines > 0 && !tidy.empty() && tidy.back() == ' ') {
      tidy.pop_back();
    }
    newlines = 0;
    tidy += ch;
  }
  while (!tidy.empty() && (tidy.back() == '\n' || tidy.back() == ' ')) {
    tidy.pop_back();
  }
  return tidy + "\n";
}

std::string html_prose(std::string_view html) {
  std::string out;
  walk_html(
      html,
      [&](const std::string& name) {
        if (!is_inline(name)) {
          out += ' ';  // a block or a break ends a word; spaces are collapsed by the caller
        }
        return is_heading(name) || name == "pre" || name == "figure" || name == "script" ||
               name == "style";
      },
      [&](std::string_view piece, bool space) {
        if (space) {
          out += ' ';
        } else {
          out += piece;
        }
      });
  return out;
}

}  // namespace communique
