#include "bounces/report_text.hpp"

#include <algorithm>

#include "base/text.hpp"
#include "bounces/report_parse.hpp"

namespace communique {

namespace {

bool is_address_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("._%+-=!#$&'*/?^`{|}~").find(c) != std::string_view::npos ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Skips the digits at `at` (one to three); false when there are none or more.
bool skip_number(std::string_view text, std::size_t& at) {
  std::size_t digits = 0;
  while (at < text.size() && is_digit(text[at])) {
    ++at;
    ++digits;
  }
  return digits >= 1 && digits <= 3;
}

}  // namespace

std::vector<Fields> field_blocks(std::string_view text) {
  std::vector<Fields> blocks(1);
  std::size_t start = 0;
  while (start < text.size() && blocks.size() <= kMaxRecipients + 1) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (trim(line).empty()) {
      if (!blocks.back().empty()) {
        blocks.emplace_back();
      }
      continue;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !blocks.back().empty()) {
      auto& value = blocks.back().back().second;
      if (value.size() < 4096) {
        value += ' ';
        value += trim(line);
      }
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      continue;
    }
    blocks.back().emplace_back(ascii_lower(trim(line.substr(0, colon))),
                               std::string(trim(line.substr(colon + 1))));
  }
  if (blocks.back().empty()) {
    blocks.pop_back();
  }
  return blocks;
}

std::string field(const Fields& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

std::string without_type(std::string_view value) {
  const auto semicolon = value.find(';');
  return std::string(
      trim(semicolon == std::string_view::npos ? value : value.substr(semicolon + 1)));
}

std::vector<std::string> addresses_in(std::string_view text, std::size_t most) {
  std::vector<std::string> found;
  for (std::size_t at = text.find('@'); at != std::string_view::npos && found.size() < most;
       at = text.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && is_address_character(text[begin - 1])) {
      --begin;
    }
    std::size_t end = at + 1;
    while (end < text.size() && (is_address_character(text[end]) || text[end] == '@')) {
      if (text[end] == '@') {
        break;
      }
      ++end;
    }
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) {
      --end;
    }
    std::string_view local = text.substr(begin, at - begin);
    while (!local.empty() && (local.front() == '.' || local.front() == '\'')) {
      local.remove_prefix(1);
    }
    const std::string_view domain = text.substr(at + 1, end - at - 1);
    if (local.empty() || domain.find('.') == std::string_view::npos) {
      continue;
    }
    std::string address = std::string(local) + "@" + std::string(domain);
    const std::string key = ascii_lower(address);
    if (std::none_of(found.begin(), found.end(),
                     [&](const std::string& seen) { return ascii_lower(seen) == key; })) {
      found.push_back(std::move(address));
    }
  }
  return found;
}

std::string address_of(std::string_view value) {
  const auto found = addresses_in(value, 1);
  return found.empty() ? std::string() : found.front();
}

std::string enhanced_status_in(std::string_view text) {
  for (std::size_t i = 0; i + 4 < text.size(); ++i) {
    if ((text[i] != '2' && text[i] != '4' && text[i] != '5') || text[i + 1] != '.' ||
        (i > 0 && (is_digit(text[i - 1]) || text[i - 1] == '.'))) {
      continue;
    }
    std::size_t at = i + 2;
    if (skip_number(text, at) && at < text.size() && text[at] == '.' && skip_number(text, ++at)) {
      return std::string(text.substr(i, at - i));
    }
  }
  return {};
}

bool holds_smtp_reply(std::string_view line) {
  const std::string_view text = trim(line);
  if (text.size() >= 4 && (text[0] == '4' || text[0] == '5') && is_digit(text[1]) &&
      is_digit(text[2]) && (text[3] == ' ' || text[3] == '-' || text[3] == ':')) {
    return true;
  }
  const std::string lower = ascii_lower(text);
  if (lower.find("remote server returned") != std::string::npos) {
    return true;
  }
  // Exim's "SMTP error from remote mail server after RCPT TO:" introduces the reply.
  return lower.find("smtp error") == std::string::npos && !enhanced_status_in(text).empty();
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string html_text(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (const char c : html) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>') {
      in_tag = false;
      out += ' ';
    } else if (!in_tag) {
      out += c;
    }
  }
  return out;
}

}  // namespace communique
