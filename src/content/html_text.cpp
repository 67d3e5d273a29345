#include "content/html_text.hpp"

#include "base/text.hpp"

namespace communique {

namespace {

std::string decode_entity(std::string_view entity) {
  if (entity == "amp")
    return "&";
  if (entity == "lt")
    return "<";
  if (entity == "gt")
    return ">";
  if (entity == "quot")
    return "\"";
  if (entity == "#39" || entity == "apos")
    return "'";
  if (entity == "nbsp")
    return " ";
  if (entity == "middot")
    return "\xC2\xB7";
  if (entity == "mdash")
    return "\xE2\x80\x94";
  if (entity == "ndash")
    return "\xE2\x80\x93";
  return "&" + std::string(entity) + ";";
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string out;
  bool in_space = false;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const auto close = html.find('>', i);
      if (close == std::string_view::npos) {
        break;
      }
      std::string tag = ascii_lower(html.substr(i + 1, close - i - 1));
      const auto name_end = tag.find_first_of(" \t\r\n/");
      const std::string name =
          tag.substr(0, name_end == 0 ? tag.find_first_of(" \t\r\n", 1) : name_end);
      if (name == "br" || name == "/p" || name == "/div" || name == "/li" || name == "/tr" ||
          name == "/h1" || name == "/h2" || name == "/h3" || name == "/h4" ||
          name == "/blockquote" || name == "/table") {
        out += name == "br" || name == "/li" || name == "/tr" ? "\n" : "\n\n";
        in_space = false;
      } else if (name == "li") {
        out += "- ";
      } else if (name == "script" || name == "style") {
        const auto end = html.find("</" + name, close);
        i = end == std::string_view::npos ? html.size() : end;
        continue;
      }
      i = close + 1;
      continue;
    }
    if (c == '&') {
      const auto semicolon = html.find(';', i);
      if (semicolon != std::string_view::npos && semicolon - i <= 10) {
        out += decode_entity(html.substr(i + 1, semicolon - i - 1));
        i = semicolon + 1;
        in_space = false;
        continue;
      }
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (!in_space && !out.empty() && out.back() != '\n') {
        out += ' ';
      }
      in_space = true;
    } else {
      out += c;
      in_space = false;
    }
    ++i;
  }
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

}  // namespace communique
