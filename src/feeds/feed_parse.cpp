#include "feeds/feed_parse.hpp"

#include "feeds/feed_text.hpp"
#include "feeds/json_feed.hpp"
#include "feeds/xml_feed.hpp"

namespace communique {

namespace {

// JSON when the document, after a UTF-8 byte-order mark and white space, opens an object
// or an array: no XML document can start so.
bool looks_like_json(std::string_view body) {
  if (body.starts_with("\xef\xbb\xbf")) {
    body.remove_prefix(3);
  }
  const std::string_view start = feed_text::trimmed(body.substr(0, 1024));
  return start.starts_with('{') || start.starts_with('[');
}

}  // namespace

Result<ParsedFeed> parse_feed(std::string_view body, std::string_view content_type,
                              std::string_view base_url) {
  if (feed_text::trimmed(body).empty()) {
    return make_error(ErrorCode::invalid_input, "not a feed: the document is empty");
  }
  if (looks_like_json(body)) {
    if (body.starts_with("\xef\xbb\xbf")) {
      body.remove_prefix(3);
    }
    return parse_json_feed(body, base_url);
  }
  return parse_xml_feed(body, content_type, base_url);
}

}  // namespace communique
