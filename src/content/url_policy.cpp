#include "content/url_policy.hpp"

#include <algorithm>

#include "base/text.hpp"

namespace communique {

std::string browser_url(std::string_view value) {
  std::string url;
  url.reserve(value.size());
  for (char c : value) {
    if (c != '\t' && c != '\n' && c != '\r') {
      url.push_back(c);
    }
  }
  const auto is_edge = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  const auto first = std::find_if_not(url.begin(), url.end(), is_edge);
  const auto last = std::find_if_not(url.rbegin(), url.rend(), is_edge).base();
  return first < last ? std::string(first, last) : std::string();
}

std::string url_scheme(std::string_view url) {
  const std::string read = browser_url(url);
  const auto colon = read.find(':');
  const auto first_special = read.find_first_of("/?#");
  if (colon == std::string::npos || (first_special != std::string::npos && first_special < colon)) {
    return {};
  }
  return ascii_lower(read.substr(0, colon));
}

bool is_web_url(std::string_view url) {
  const std::string read = browser_url(url);
  return starts_with_ignoring_case(read, "http://") || starts_with_ignoring_case(read, "https://");
}

}  // namespace communique
