#include "feeds/feed_fetch.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "base/text.hpp"
#include "base/version.hpp"
#include "feeds/network_address.hpp"

namespace communique {

namespace {

constexpr const char* kAccept =
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5";
constexpr std::chrono::milliseconds kLongestConnect{10000};

void initialise_curl() {
  static std::once_flag initialised;
  std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  void operator()(char* text) const { curl_free(text); }
};
template <typename T>
using CurlPtr = std::unique_ptr<T, CurlDeleter>;

// What the callbacks of one transfer share with fetch_feed.
struct Transfer {
  const FetchSettings& settings;
  std::vector<std::string> trusted;  // settings.trusted_addresses as address_text writes them
  CURL* handle = nullptr;
  std::string body;
  bool over_cap = false;            // the body went past settings.max_body
  bool stopped_for_status = false;  // the status was not 2xx: its body is not read
  std::string refused;              // "127.0.0.1 (a loopback address)" when a connect was refused
};

// libcurl's open-socket callback: called with the resolved address before every connect,
// redirects included; a refused address is never connected to.
curl_socket_t open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) {
    return CURL_SOCKET_BAD;
  }
  const auto* socket_address = &address->addr;
  if (!transfer.settings.allow_private_networks) {
    const auto reason = classify_address(socket_address);
    const std::string text = address_text(socket_address);
    const bool trusted =
        std::find(transfer.trusted.begin(), transfer.trusted.end(), text) != transfer.trusted.end();
    if (reason && !trusted) {
      if (transfer.refused.empty()) {
        transfer.refused = text + " (" + std::string(*reason) + ")";
      }
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

long response_status(CURL* handle) {
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

// libcurl's write callback: the body, after decompression, up to the cap. Returning less
// than was given stops the transfer there.
std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t length = size * count;
  const long status = response_status(transfer.handle);
  if (status < 200 || status > 299) {
    transfer.stopped_for_status = true;
    return 0;
  }
  std::string& body = transfer.body;
  const std::size_t cap = transfer.settings.max_body;
  if (length > cap - body.size()) {
    transfer.over_cap = true;
    return 0;
  }
  // Grown by doubling as append would, but never to more than the cap holds.
  if (body.capacity() - body.size() < length) {
    body.reserve(std::min(cap, std::max(body.size() + length, body.capacity() * 2)));
  }
  body.append(data, length);
  return length;
}

// The value of the final response's header `name`, or "".
std::string response_header(CURL* handle, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(handle, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK ||
      header == nullptr || header->value == nullptr) {
    return {};
  }
  return std::string(trim(header->value));
}

std::string_view reason_phrase(long status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 451:
      return "Unavailable For Legal Reasons";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 504:
      return "Gateway Timeout";
    default:
      return {};
  }
}

// "15 MiB", "64 KiB", "1000 bytes".
std::string describe_size(std::size_t bytes) {
  constexpr std::size_t kKib = 1024;
  if (bytes >= kKib * kKib && bytes % (kKib * kKib) == 0) {
    return std::to_string(bytes / (kKib * kKib)) + " MiB";
  }
  if (bytes >= kKib && bytes % kKib == 0) {
    return std::to_string(bytes / kKib) + " KiB";
  }
  return std::to_string(bytes) + " bytes";
}

std::string describe_duration(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) {
    return std::to_string(duration.count() / 1000) + " s";
  }
  return std::to_string(duration.count()) + " ms";
}

// The URL as libcurl will fetch it, or why it may not be fetched.
Result<std::string> checked_url(std::string_view url) {
  const std::string text(url);
  if (text.find('\0') != std::string::npos || has_control_character(text)) {
    return make_error(ErrorCode::invalid_input,
                      "the feed address holds control characters; write it as "
                      "https://example.org/feed.xml");
  }
  CurlPtr<CURLU> parsed(curl_url());
  if (parsed == nullptr) {
    return make_error(ErrorCode::internal, "out of memory reading a feed address");
  }
  const CURLUcode set = curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0);
  if (set != CURLUE_OK) {
    return make_error(ErrorCode::invalid_input,
                      "\"" + text + "\" is not a URL Communiqué can read (" +
                          curl_url_strerror(set) +
                          "); write the feed's whole address, as https://example.org/feed.xml");
  }
  char* scheme_text = nullptr;
  curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme_text, 0);
  const CurlPtr<char> scheme(scheme_text);
  const std::string lower = ascii_lower(scheme ? scheme.get() : "");
  if (lower != "http" && lower != "https") {
    return make_error(ErrorCode::invalid_input,
                      "\"" + text + "\" is a " + lower +
                          ": URL; Communiqué fetches feeds over http:// and https:// only");
  }
  char* host_text = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_HOST, &host_text, 0) != CURLUE_OK) {
    return make_error(ErrorCode::invalid_input,
                      "\"" + text +
                          "\" names no host; write the feed's whole address, as "
                          "https://example.org/feed.xml");
  }
  curl_free(host_text);
  // A feed stored before add refused credentials is not fetched with them either.
  char* user_text = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_USER, &user_text, 0) == CURLUE_OK) {
    curl_free(user_text);
    return make_error(ErrorCode::invalid_input,
                      "a feed address with a user name or password is not supported; remove "
                      "the feed and add it again without them");
  }
  char* whole = nullptr;
  curl_url_get(parsed.get(), CURLUPART_URL, &whole, 0);
  const CurlPtr<char> normalised(whole);
  return std::string(normalised ? normalised.get() : text.c_str());
}

// `url` without the user name and password it may carry, for messages and as the base of
// an item's links: credentials never leave the fetch.
std::string without_credentials(const std::string& url) {
  if (url.find('@') == std::string::npos) {
    return url;
  }
  CurlPtr<CURLU> parsed(curl_url());
  if (parsed == nullptr || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return url;
  }
  curl_url_set(parsed.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(parsed.get(), CURLUPART_PASSWORD, nullptr, 0);
  curl_url_set(parsed.get(), CURLUPART_OPTIONS, nullptr, 0);
  char* whole = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_URL, &whole, 0) != CURLUE_OK) {
    return url;
  }
  const CurlPtr<char> kept(whole);
  return kept.get();
}

// A validator goes out as a header value only when it could have come in as one.
bool is_header_value(std::string_view value) {
  return !value.empty() && !has_control_character(value) &&
         value.find('\0') == std::string_view::npos;
}

// The error for a transfer libcurl ended with `code`, or nothing when it ended as it
// should (or stopped where fetch_feed stopped it to read no body).
std::optional<Error> transfer_error(CURLcode code, const Transfer& transfer, const std::string& url,
                                    const std::string& last_url, const char* detail) {
  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && transfer.stopped_for_status)) {
    return std::nullopt;
  }
  const FetchSettings& settings = transfer.settings;
  if (!transfer.refused.empty()) {
    return make_error(ErrorCode::unavailable,
                      "refused to connect to " + transfer.refused + " for " + last_url +
                          "; set [feeds] allow_private_networks = true to allow it");
  }
  if ((code == CURLE_WRITE_ERROR && transfer.over_cap) || code == CURLE_FILESIZE_EXCEEDED) {
    return make_error(ErrorCode::unavailable,
                      "the feed at " + url + " is larger than " + describe_size(settings.max_body) +
                          "; Communiqué reads no more of a feed than that: ask its publisher "
                          "to list fewer items");
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return make_error(ErrorCode::unavailable,
                      "the feed at " + url + " did not arrive within " +
                          describe_duration(settings.timeout) +
                          "; the site is slow or down: the next poll tries again");
  }
  if (code == CURLE_TOO_MANY_REDIRECTS) {
    return make_error(ErrorCode::unavailable,
                      "the feed at " + url + " redirected more than " +
                          std::to_string(settings.max_redirects) +
                          " times (a redirect loop?); open it in a browser and add the "
                          "address it ends at instead");
  }
  if (code == CURLE_UNSUPPORTED_PROTOCOL) {
    return make_error(ErrorCode::unavailable,
                      "the feed at " + url +
                          " redirected to an address that is not http:// or https://; "
                          "Communiqué fetches feeds over http and https only");
  }
  std::string message = "could not fetch " + last_url + ": " + curl_easy_strerror(code);
  if (detail != nullptr && *detail != '\0') {
    message += " (" + std::string(trim(detail)) + ")";
  }
  message += "; check the address, and that the site answers, then poll again";
  return make_error(ErrorCode::unavailable, std::move(message));
}

// What a final status means: the policy of the header, in one place. Nothing: an error.
std::optional<FetchOutcome> outcome_of_status(long status) {
  if (status >= 200 && status <= 299) {
    return FetchOutcome::fetched;
  }
  switch (status) {
    case 304:
      return FetchOutcome::not_modified;
    case 410:
      return FetchOutcome::gone;
    case 429:
    case 503:
      return FetchOutcome::retry_later;
    default:
      return std::nullopt;
  }
}

Error status_error(long status, const std::string& url) {
  std::string message = "HTTP " + std::to_string(status);
  if (const auto phrase = reason_phrase(status); !phrase.empty()) {
    message += " ";
    message += phrase;
  }
  message += " from " + url;
  message += status >= 500 ? "; the site has trouble: the next poll tries again"
                           : "; check that the address is the feed's, then poll again";
  return make_error(ErrorCode::unavailable, std::move(message));
}

// settings.trusted_addresses as address_text writes them, so that "::ffff:10.0.0.1" and
// its other spellings compare equal.
Result<std::vector<std::string>> trusted_texts(const FetchSettings& settings) {
  std::vector<std::string> texts;
  for (const auto& address : settings.trusted_addresses) {
    sockaddr_storage storage{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
    } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
    } else {
      return make_error(ErrorCode::invalid_input,
                        "\"" + address +
                            "\" in the trusted feed addresses is not an IP address; write it as "
                            "10.0.0.5 or fd00::5");
    }
    texts.push_back(address_text(reinterpret_cast<const sockaddr*>(&storage)));
  }
  return texts;
}

// Accept, and the validators of the last fetch when they can be sent as they are.
CurlPtr<curl_slist> request_headers(const FetchValidators& validators) {
  CurlPtr<curl_slist> headers;
  const auto add = [&headers](const std::string& line) {
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (appended != nullptr) {
      static_cast<void>(headers.release());  // the same list, one item longer
      headers.reset(appended);
    }
  };
  add(std::string("Accept: ") + kAccept);
  if (is_header_value(validators.etag)) {
    add("If-None-Match: " + validators.etag);
  }
  if (is_header_value(validators.last_modified)) {
    add("If-Modified-Since: " + validators.last_modified);
  }
  return headers;
}

}  // namespace

std::string_view to_string(FetchOutcome outcome) {
  switch (outcome) {
    case FetchOutcome::fetched:
      return "fetched";
    case FetchOutcome::not_modified:
      return "not_modified";
    case FetchOutcome::gone:
      return "gone";
    case FetchOutcome::retry_later:
      return "retry_later";
  }
  return "unknown";
}

Timestamp retry_after_time(std::string_view header, Timestamp now) {
  const std::string_view value = trim(header);
  std::optional<Timestamp> at;
  if (!value.empty() &&
      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // More digits than a week of seconds needs are a week.
    const auto seconds =
        value.size() > 9 ? kLongestRetryAfter.count() : std::stoll(std::string(value));
    at = now + std::chrono::seconds(seconds);
  } else if (!value.empty()) {
    initialise_curl();
    const std::time_t date = curl_getdate(std::string(value).c_str(), nullptr);
    if (date != -1) {
      at = Timestamp(std::chrono::seconds(date));
    }
  }
  if (!at) {
    return now + kDefaultRetryAfter;
  }
  return std::clamp(*at, now, now + kLongestRetryAfter);
}

Result<FetchResult> fetch_feed(std::string_view url, const FetchValidators& validators,
                               const FetchSettings& settings, Timestamp now) {
  auto checked = checked_url(url);
  if (!checked) {
    return std::move(checked).error();
  }
  const std::string& target = *checked;
  auto trusted = trusted_texts(settings);
  if (!trusted) {
    return std::move(trusted).error();
  }
  initialise_curl();
  const CurlPtr<CURL> handle(curl_easy_init());
  if (handle == nullptr) {
    return make_error(ErrorCode::internal, "libcurl could not make a transfer for " + target);
  }
  Transfer transfer{.settings = settings, .trusted = std::move(*trusted), .handle = handle.get()};
  const CurlPtr<curl_slist> headers = request_headers(validators);
  const std::string user_agent = std::string("Communique/") + version() + " (feed fetcher)";
  const auto connect_timeout = std::min(settings.timeout, kLongestConnect);
  char detail[CURL_ERROR_SIZE] = {};

  CURL* h = handle.get();
  const CURLcode options[] = {
      curl_easy_setopt(h, CURLOPT_URL, target.c_str()),
      curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https"),
      curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
      curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L),
      curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(settings.max_redirects)),
      curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L),
      curl_easy_setopt(h, CURLOPT_PROXY, ""),
      curl_easy_setopt(h, CURLOPT_NOPROXY, "*"),
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L),
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout.count())),
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count())),
      curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""),
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()),
      curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str()),
      curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(settings.max_body)),
      curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &open_socket),
      curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &transfer),
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &write_body),
      curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer),
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail),
  };
  if (std::any_of(std::begin(options), std::end(options),
                  [](CURLcode code) { return code != CURLE_OK; })) {
    return make_error(ErrorCode::internal,
                      "this libcurl lacks an option feed fetching needs (http and https "
                      "restrictions, libcurl 7.88 or later); install a newer libcurl");
  }

  const CURLcode code = curl_easy_perform(h);
  const char* effective = nullptr;
  curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
  const std::string last_url = without_credentials(effective != nullptr ? effective : target);
  if (auto error = transfer_error(code, transfer, without_credentials(target), last_url, detail)) {
    return std::move(*error);
  }
  const long status = response_status(h);
  const auto outcome = outcome_of_status(status);
  if (!outcome) {
    return status_error(status, last_url);
  }

  FetchResult result;
  result.outcome = *outcome;
  result.status = static_cast<int>(status);
  result.final_url = last_url;
  const char* content_type = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type);
  result.content_type = content_type != nullptr ? content_type : "";
  const std::string etag = response_header(h, "ETag");
  const std::string last_modified = response_header(h, "Last-Modified");
  switch (*outcome) {
    case FetchOutcome::fetched:
      result.body = std::move(transfer.body);
      result.validators = {etag, last_modified};
      break;
    case FetchOutcome::not_modified:
      result.validators = {etag.empty() ? validators.etag : etag,
                           last_modified.empty() ? validators.last_modified : last_modified};
      break;
    case FetchOutcome::gone:
      break;
    case FetchOutcome::retry_later:
      result.retry_after = retry_after_time(response_header(h, "Retry-After"), now);
      break;
  }
  return result;
}

}  // namespace communique
