// Feeds: their states, how items are known, and the rules for a feed's URL.
#include "core/feed.hpp"

#include "base/text.hpp"
#include "core/subscriber.hpp"

namespace communique {

std::string_view to_string(FeedStatus status) {
  switch (status) {
    case FeedStatus::active:
      return "active";
    case FeedStatus::failing:
      return "failing";
    case FeedStatus::gone:
      return "gone";
  }
  return "active";
}

std::optional<FeedStatus> parse_feed_status(std::string_view text) {
  for (FeedStatus status : {FeedStatus::active, FeedStatus::failing, FeedStatus::gone}) {
    if (text == to_string(status)) {
      return status;
    }
  }
  return std::nullopt;
}

std::string_view to_string(FeedIdFrom from) {
  return from == FeedIdFrom::link ? "link" : "guid";
}

std::optional<FeedIdFrom> parse_feed_id_from(std::string_view text) {
  if (text == "guid") {
    return FeedIdFrom::guid;
  }
  if (text == "link") {
    return FeedIdFrom::link;
  }
  return std::nullopt;
}

std::string_view to_string(ItemAction action) {
  switch (action) {
    case ItemAction::create_post:
      return "new";
    case ItemAction::update_post:
      return "updated";
    case ItemAction::record_only:
      return "recorded";
    case ItemAction::unchanged:
      return "unchanged";
    case ItemAction::kept:
      return "kept";
  }
  return "unchanged";
}

Result<std::string> validate_feed_url(std::string_view url) {
  const std::string_view trimmed = trim(url);
  constexpr std::size_t kLongest = 2000;
  if (trimmed.size() > kLongest) {
    return make_error(ErrorCode::invalid_input, "the feed URL is longer than 2000 bytes");
  }
  // The scheme is compared without regard to case (HTTP:// is legal) and written lower-case.
  const std::string scheme_part = ascii_lower(trimmed.substr(0, 8));
  std::string_view scheme;
  if (scheme_part.starts_with("http://")) {
    scheme = "http://";
  } else if (scheme_part.starts_with("https://")) {
    scheme = "https://";
  } else {
    return make_error(ErrorCode::invalid_input,
                      "the feed URL '" + std::string(trimmed) +
                          "' is not http:// or https://; give the address of the feed document");
  }
  const std::string_view rest = trimmed.substr(scheme.size());
  const std::size_t host_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, host_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    // Credentials would be sent to every server on the way, shown in `feeds ls`, the API,
    // logs and stored errors: refused, and not echoed back.
    return make_error(ErrorCode::invalid_input,
                      "a feed address with a user name or password is not supported: " +
                          std::string(scheme) + "…@" + std::string(rest.substr(at + 1)) +
                          "; give an address the feed's server answers without credentials");
  }
  if (authority.empty()) {
    return make_error(ErrorCode::invalid_input,
                      "the feed URL '" + std::string(trimmed) + "' names no host");
  }
  if (authority.front() == '[' && authority.find(']') == std::string_view::npos) {
    return make_error(ErrorCode::invalid_input,
                      "the feed URL '" + std::string(trimmed) +
                          "' has a malformed host (an IPv6 address needs its closing ']')");
  }
  for (char c : authority) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return make_error(ErrorCode::invalid_input,
                        "the feed URL '" + std::string(trimmed) +
                            "' has a host that is not ASCII; write the host in its xn-- form");
    }
  }
  for (char c : trimmed) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) {
      return make_error(ErrorCode::invalid_input,
                        "the feed URL contains a space or control character; percent-encode it");
    }
  }
  return std::string(scheme) + std::string(rest);
}

namespace {

Result<void> check_every(std::chrono::seconds every, std::chrono::seconds min_every) {
  if (every < min_every) {
    return make_error(ErrorCode::invalid_input,
                      "every: a feed is polled at most every " + std::to_string(min_every.count()) +
                          " seconds (feeds.min_every_seconds); give a longer interval such as "
                          "30m or 1h");
  }
  if (every > std::chrono::days(31)) {
    return make_error(ErrorCode::invalid_input, "every: poll a feed at least once a month");
  }
  return ok();
}

Result<std::string> check_language(std::string_view tag) {
  auto language = normalise_language(tag);
  if (!language) {
    return make_error(ErrorCode::invalid_input, "language: " + language.error().message);
  }
  return language;
}

}  // namespace

Result<Feed> normalise_feed(Feed feed, std::chrono::seconds min_every) {
  auto url = validate_feed_url(feed.url);
  if (!url) {
    return make_error(ErrorCode::invalid_input, "url: " + url.error().message);
  }
  feed.url = std::move(*url);
  if (auto every = check_every(feed.every, min_every); !every) {
    return std::move(every).error();
  }
  auto language = check_language(feed.language);
  if (!language) {
    return std::move(language).error();
  }
  feed.language = std::move(*language);
  if (feed.backfill < 0 || feed.backfill > 100000) {
    return make_error(ErrorCode::invalid_input, "backfill: give 0 to 100000 items");
  }
  return feed;
}

Result<FeedChanges> normalise_feed_changes(FeedChanges changes, std::chrono::seconds min_every) {
  if (changes.every) {
    if (auto every = check_every(*changes.every, min_every); !every) {
      return std::move(every).error();
    }
  }
  if (changes.language) {
    auto language = check_language(*changes.language);
    if (!language) {
      return std::move(language).error();
    }
    changes.language = std::move(*language);
  }
  return changes;
}

std::string feed_source(FeedId id) {
  return "feed:" + std::to_string(id);
}

}  // namespace communique
