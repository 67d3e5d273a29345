// parse_json_feed: a JSON Feed 1.0 or 1.1 document (https://jsonfeed.org/version/1.1) read
// into a ParsedFeed with nlohmann::json.
//
// Where each field comes from: guid from "id" (a string, or a number written as JSON
// writes it); link from "url" else "external_url", resolved against the fetched URL;
// content from "content_html" (sanitised) else "content_text" else "summary" (escaped);
// author from "authors"[0].name (1.1) else "author".name (1.0), else the feed's; published
// and updated from "date_published" and "date_modified"; language from the item's else
// the feed's.
// A field of the wrong type is an error naming it ("JSON Feed: items[3].title must be a
// string"), not a silent gap.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "feeds/feed_parse.hpp"

namespace communique {

Result<ParsedFeed> parse_json_feed(std::string_view body, std::string_view base_url);

}  // namespace communique
