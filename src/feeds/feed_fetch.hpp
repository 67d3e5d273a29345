// fetch_feed: one feed's bytes over HTTP(S) with libcurl, safely: what a poll calls before
// the feed is parsed (feeds/feed_parse.hpp).
//
// Policy:
// - http and https only, for the URL and every redirect; at most max_redirects redirects,
//   followed by libcurl; no cookies, no credentials carried across hosts, no proxy (a proxy
//   would connect on our behalf where the address check below cannot see);
// - every address connected to, at every hop and after DNS, is checked by
//   classify_address (feeds/network_address.hpp): loopback, private, link-local and
//   metadata addresses are refused unless allow_private_networks, or the address is one
//   of trusted_addresses. The check sits in libcurl's open-socket callback, so it sees the
//   address actually connected, whatever DNS said before (rebinding) and wherever a
//   redirect points;
// - conditional GET: the validators of the last fetch go out as If-None-Match and
//   If-Modified-Since; a 304 is not_modified and reads no body;
// - statuses: 2xx fetched; 304 not_modified; 410 gone; 429 and 503 retry_later, not
//   before Retry-After (seconds or an HTTP date), or one hour when the header is missing
//   or unreadable, and never more than a week ahead (a site cannot silence a feed for
//   longer with one answer); any other status is an error naming it;
// - the body is read up to max_body bytes after decompression (gzip and deflate are
//   accepted): the transfer stops at the first byte past the cap, whatever
//   Content-Length said, a larger Content-Length is refused before the body is read, and
//   the buffer never grows past the cap;
// - one deadline, `timeout`, covers the whole fetch with its redirects; connecting has
//   at most 10 seconds of it;
// - a user name and password in the URL are sent to its host only, and never appear in
//   messages or in final_url (the base of an item's links);
// - the request says what it wants: an Accept header preferring feed types, and a
//   User-Agent naming Communiqué and its version (in ASCII, as header values are).
// It does not parse, decode charsets or store anything; callers log and record outcomes.
// It blocks: call it from a blocking-work thread. It is thread-safe (one libcurl handle
// per call, no signals).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/time.hpp"

namespace communique {

struct FetchSettings {
  std::size_t max_body = 15 * 1024 * 1024;   // bytes after decompression
  std::chrono::milliseconds timeout{20000};  // the whole fetch, redirects included
  int max_redirects = 5;
  bool allow_private_networks = false;  // [feeds] allow_private_networks
  // Addresses ("10.0.0.5", "::1") connected to even though they are not public: one known
  // internal feed host, without opening every private network.
  std::vector<std::string> trusted_addresses;
};

struct FetchValidators {
  std::string etag;
  std::string last_modified;
};  // as the server sent them

enum class FetchOutcome { fetched, not_modified, gone, retry_later };

// "fetched", "not_modified", "gone", "retry_later".
std::string_view to_string(FetchOutcome outcome);

struct FetchResult {
  FetchOutcome outcome = FetchOutcome::fetched;
  int status = 0;                        // the final HTTP status
  std::string body;                      // fetched only
  std::string content_type;              // the Content-Type header as sent (charset included)
  std::string final_url;                 // after redirects: the base for relative links
  FetchValidators validators;            // to send next time (kept from the request on a 304)
  std::optional<Timestamp> retry_after;  // retry_later: not before (Retry-After or now + 1 h)
};

// How long a 429 or 503 without a readable Retry-After holds a feed back, and the most a
// Retry-After may.
inline constexpr std::chrono::seconds kDefaultRetryAfter = std::chrono::hours(1);
inline constexpr std::chrono::seconds kLongestRetryAfter = std::chrono::hours(24 * 7);

// Fetches `url` as the policy above says. Errors: invalid_input for a URL that does not
// parse or is not http(s); unavailable for everything that may go better later or with
// another setting: network failures, timeouts, other HTTP statuses ("HTTP 404 Not Found
// from URL"), a body over the cap, too many redirects, a redirect to another scheme and a
// refused address ("refused to connect to 127.0.0.1 (a loopback address) for URL; ...").
Result<FetchResult> fetch_feed(std::string_view url, const FetchValidators& validators,
                               const FetchSettings& settings, Timestamp now);

// When a 429 or 503 answered at `now` with Retry-After `header` (empty when absent) may be
// retried: "120" is now + 120 s, an HTTP date is that date, clamped to [now, now + a week];
// anything else now + kDefaultRetryAfter.
Timestamp retry_after_time(std::string_view header, Timestamp now);

}  // namespace communique
