// LetterComposer::track_links: an issue's web links become counted redirects.
#include <algorithm>
#include <map>

#include "base/text.hpp"
#include "mail/letter.hpp"
#include "mail/letter_parts.hpp"

namespace communique {

namespace {

// Placeholders for what each letter makes personal; prepare_issue removed these control
// characters from every body, so they cannot come from an author.
constexpr char kMarkStart = '\x01';
constexpr char kMarkEnd = '\x02';
constexpr std::string_view kOpenPlaceholder = "\x01O\x02";

bool is_web_url(std::string_view url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

std::string unescape_attribute(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool replaced = false;
    for (const auto& [entity, character] :
         {std::pair{"&amp;", '&'}, std::pair{"&quot;", '"'}, std::pair{"&lt;", '<'},
          std::pair{"&gt;", '>'}, std::pair{"&#39;", '\''}}) {
      const std::string_view name(entity);
      if (text.substr(i, name.size()) == name) {
        out += character;
        i += name.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += text[i];
    }
  }
  return out;
}

// Calls `each(url, begin, end)` for every href="..." value in `html` (positions of the value).
template <typename Each>
void for_each_href(const std::string& html, Each each) {
  static constexpr std::string_view kHref = "href=\"";
  std::size_t at = 0;
  while ((at = html.find(kHref, at)) != std::string::npos) {
    const std::size_t begin = at + kHref.size();
    const std::size_t end = html.find('"', begin);
    if (end == std::string::npos) {
      return;
    }
    each(unescape_attribute(std::string_view(html).substr(begin, end - begin)), begin, end);
    at = end;
  }
}

}  // namespace

std::string LetterComposer::personalise_tracking(std::string text, const PreparedIssue& issue,
                                                 SubscriberId subscriber, Timestamp now,
                                                 PersonalLinks links) const {
  if (!issue.personal_tracking) {
    return text;
  }
  const auto day = static_cast<std::uint32_t>(
      std::chrono::floor<std::chrono::days>(now).time_since_epoch().count());
  std::string out;
  out.reserve(text.size() + 256);
  std::size_t copied = 0;
  for (std::size_t at = 0; (at = text.find(kMarkStart, at)) != std::string::npos;) {
    const auto end = text.find(kMarkEnd, at);
    if (end == std::string::npos) {
      break;
    }
    const std::string_view inside = std::string_view(text).substr(at + 1, end - at - 1);
    // A click mark names its link by id; anything else between the marks is not ours.
    const auto link = inside.starts_with('L') ? parse_integer(inside.substr(1)) : std::nullopt;
    std::string replacement;
    // Click and open tokens are bound to no subscriber key (security/link_binding.hpp).
    if (inside == "O") {
      replacement = identity_.base_url + "/o/" +
                    letter_parts::sign_link(links_,
                                            {.purpose = TokenPurpose::open,
                                             .subscriber = subscriber,
                                             .issue = issue.issue.id,
                                             .issued_day = day},
                                            links);
    } else if (link) {
      replacement = identity_.base_url + "/l/" +
                    letter_parts::sign_link(links_,
                                            {.purpose = TokenPurpose::click,
                                             .subscriber = subscriber,
                                             .issue = *link,
                                             .issued_day = day},
                                            links);
    } else {
      at = end + 1;
      continue;
    }
    out.append(text, copied, at - copied);
    out += replacement;
    copied = end + 1;
    at = end + 1;
  }
  out.append(text, copied);
  return out;
}

Result<void> LetterComposer::track_links(ClickStore& store, PreparedIssue& issue,
                                         Timestamp now) const {
  if (issue.issue.track_opens && !issue.sections.empty()) {
    issue.sections.back().html +=
        "<img src=\"" + std::string(kOpenPlaceholder) +
        "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">";
    issue.personal_tracking = true;
  }
  if (!issue.issue.track_clicks) {
    return ok();
  }
  std::vector<std::string> urls;
  for (const auto& section : issue.sections) {
    for_each_href(section.html, [&](const std::string& url, std::size_t, std::size_t) {
      if (is_web_url(url) && std::find(urls.begin(), urls.end(), url) == urls.end()) {
        urls.push_back(url);
      }
    });
  }
  if (urls.empty()) {
    return ok();
  }
  auto ids = store.register_links(issue.issue.id, urls);
  if (!ids) {
    return std::move(ids).error();
  }
  const auto day = static_cast<std::uint32_t>(
      std::chrono::floor<std::chrono::days>(now).time_since_epoch().count());
  std::map<std::string, std::string> redirect;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (issue.issue.track_subscribers) {
      // Made personal per letter (personalise_tracking).
      redirect[urls[i]] =
          std::string(1, kMarkStart) + "L" + std::to_string((*ids)[i]) + std::string(1, kMarkEnd);
      issue.personal_tracking = true;
    } else {
      // No subscriber in the token: clicks are counted per link, never per person.
      redirect[urls[i]] = identity_.base_url + "/l/" +
                          links_.sign({.purpose = TokenPurpose::click,
                                       .subscriber = 0,
                                       .issue = (*ids)[i],
                                       .issued_day = day});
    }
  }
  for (auto& section : issue.sections) {
    std::string html;
    std::size_t copied = 0;
    for_each_href(section.html, [&](const std::string& url, std::size_t begin, std::size_t end) {
      auto found = redirect.find(url);
      if (found == redirect.end()) {
        return;
      }
      html.append(section.html, copied, begin - copied);
      html += found->second;  // base64url and a URL base: nothing to escape
      copied = end;
    });
    html.append(section.html, copied);
    section.html = std::move(html);
    // The text part lists its links as "[n] URL" lines.
    for (const auto& [url, target] : redirect) {
      const std::string line = "] " + url + "\n";
      for (std::size_t at = 0; (at = section.text.find(line, at)) != std::string::npos;) {
        section.text.replace(at + 2, url.size(), target);
        at += 2 + target.size();
      }
    }
  }
  return ok();
}

}  // namespace communique
