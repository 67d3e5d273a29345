#include "feeds/feed_text.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>

#include "base/text.hpp"
#include "content/html_sanitizer.hpp"
#include "content/markdown.hpp"
#include "feeds/feed_parse.hpp"

namespace communique::feed_text {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_ascii_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_ascii_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const char c : trimmed(text)) {
    if (is_ascii_space(c)) {
      space = true;
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

namespace {

// The length of the well-formed UTF-8 sequence at the start of `text`, or 0.
std::size_t sequence_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char first = byte(0);
  if (first < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (first >= 0xc2 && first <= 0xdf) {
    length = 2;
  } else if (first >= 0xe0 && first <= 0xef) {
    length = 3;
    low = first == 0xe0 ? 0xa0 : 0x80;   // no overlong forms
    high = first == 0xed ? 0x9f : 0xbf;  // no surrogates
  } else if (first >= 0xf0 && first <= 0xf4) {
    length = 4;
    low = first == 0xf0 ? 0x90 : 0x80;
    high = first == 0xf4 ? 0x8f : 0xbf;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) {
    return 0;
  }
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xbf) {
      return 0;
    }
  }
  return length;
}

}  // namespace

std::string well_formed_utf8(std::string_view text) {
  if (is_valid_utf8(text)) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 16);
  while (!text.empty()) {
    const std::size_t length = sequence_length(text);
    if (length == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
      text.remove_prefix(1);
      continue;
    }
    out += text.substr(0, length);
    text.remove_prefix(length);
  }
  return out;
}

namespace {

// The text of the nodes from `node` on, scripts and styles left out.
void append_text(std::string& out, const xmlNode* node) {
  for (; node != nullptr; node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      out += reinterpret_cast<const char*>(node->content);
    } else if (node->type == XML_ELEMENT_NODE) {
      const std::string_view name = reinterpret_cast<const char*>(node->name);
      if (name != "script" && name != "style") {
        append_text(out, node->children);
        out += name == "br" || name == "p" || name == "div" ? " " : "";
      }
    }
  }
}

}  // namespace

std::string plain_from_html(std::string_view html) {
  // libxml2's HTML parser knows every named entity HTML does; the text is short (a title,
  // a name), so its nesting is too, bounded anyway by the parser's own depth limit.
  std::string document = "<body>";
  document += html;
  if (document.size() > static_cast<std::size_t>(INT_MAX)) {
    return one_line(html);
  }
  const std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> parsed(
      htmlReadMemory(document.data(), static_cast<int>(document.size()), nullptr, "UTF-8",
                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                         HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC),
      xmlFreeDoc);
  if (parsed == nullptr) {
    return one_line(html);
  }
  std::string text;
  append_text(text, parsed->children);
  return one_line(text);
}

std::string plain_from_maybe_html(std::string_view text) {
  if (text.find('<') == std::string_view::npos && text.find('&') == std::string_view::npos) {
    return one_line(text);
  }
  return plain_from_html(text);
}

std::string sanitised_content(std::string_view html, std::string_view base) {
  const std::string_view content = trimmed(html);
  if (content.empty()) {
    return {};
  }
  const std::string base_url(base);
  return std::string(trimmed(sanitise_html(
      content, [&base_url](std::string_view link) { return resolve_url(base_url, link); })));
}

std::string content_from_text(std::string_view text) {
  const std::string escaped = escape_html(trimmed(text));
  std::string out;
  out.reserve(escaped.size());
  for (const char c : escaped) {
    if (c == '\n') {
      out += "<br>";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

}  // namespace communique::feed_text
