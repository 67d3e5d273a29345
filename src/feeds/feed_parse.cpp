#include "feeds/feed_parse.hpp"

#include "base/text.hpp"
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

// Every string made valid UTF-8, whatever path it came by: posts are stored as UTF-8
// text, and one wrong byte would make a row unreadable. A pass over what was read, which
// finds nothing to change unless a reader above has a bug.
ParsedFeed in_utf8(ParsedFeed feed) {
  const auto repair = [](std::string& text) {
    if (!is_valid_utf8(text)) {
      text = feed_text::well_formed_utf8(text);
    }
  };
  for (std::string* field : {&feed.title, &feed.link, &feed.language}) {
    repair(*field);
  }
  for (FeedItem& item : feed.items) {
    for (std::string* field :
         {&item.guid, &item.link, &item.title, &item.content_html, &item.author, &item.language}) {
      repair(*field);
    }
  }
  return feed;
}

}  // namespace

Result<ParsedFeed> parse_feed(std::string_view body, std::string_view content_type,
                              std::string_view base_url) {
  if (feed_text::trimmed(body).empty()) {
    return make_error(ErrorCode::invalid_input, "not a feed: the document is empty");
  }
  Result<ParsedFeed> feed = make_error(ErrorCode::internal, "the feed was not read");
  if (looks_like_json(body)) {
    if (body.starts_with("\xef\xbb\xbf")) {
      body.remove_prefix(3);
    }
    feed = parse_json_feed(body, base_url);
  } else {
    feed = parse_xml_feed(body, content_type, base_url);
  }
  if (!feed) {
    return feed;
  }
  return in_utf8(std::move(*feed));
}

}  // namespace communique
