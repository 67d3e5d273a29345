// parse_feed: a fetched feed document (RSS 2.0, RSS 1.0, Atom 1.0 or JSON Feed 1.0/1.1)
// read into its items, as plain values the feed store turns into posts.
//
// Policy:
// - the format is read from the document, not the Content-Type: JSON when the body opens
//   with '{', else XML whose root is <rss>, <rdf:RDF> (RSS 1.0) or Atom's <feed>; any other
//   root is "not a feed";
// - XML is read by libxml2 without network access, without DTD loading, without entity
//   substitution and without XInclude; a document type that declares entities or names an
//   external DTD is refused before anything in it is read (billion laughs, XXE); elements
//   nest at most kMaxFeedDepth deep and a feed has at most kMaxFeedItems items;
// - the encoding (RFC 3023 / 7303): the charset of an XML or text Content-Type, else the
//   byte-order mark, else the XML declaration, else UTF-8; a byte the encoding does not
//   define (or UTF-8 that is not well formed) becomes U+FFFD, so every string out of here
//   is valid UTF-8;
// - text fields are trimmed; titles and authors are plain text (entities decoded, tags
//   removed); content is the fullest the item carries, sanitised by sanitise_html with its
//   relative links and images resolved against the base in force where it was written
//   (xml:base on the feed, the entry and the content, nested, over the fetched URL);
// - an item's language is its own (xml:lang, dc:language, JSON language) else the feed's.
//
// It does not fetch (feeds/feed_fetch), store or deduplicate items (the feed store), and
// it does not guess: a missing GUID or date stays empty for the caller to decide.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/time.hpp"

namespace communique {

// How deep elements may nest in a feed document: far deeper than any feed's XHTML
// content goes, far below what exhausts a stack.
inline constexpr std::size_t kMaxFeedDepth = 128;

// How many items a feed may carry; the fetcher's body cap keeps real feeds far below.
inline constexpr std::size_t kMaxFeedItems = 100'000;

struct FeedItem {
  std::string guid;          // as the feed says (RSS guid, Atom id, JSON id); empty when none
  std::string link;          // absolute (resolved against the item's / feed's base)
  std::string title;         // plain text (entities decoded, markup removed)
  std::string content_html;  // the fullest content, sanitised, links resolved
  std::string author;        // plain text name (or address when only that)
  std::optional<Timestamp> published;  // none when the feed gives none or it does not parse
  std::optional<Timestamp> updated;
  std::string language;  // the item's (xml:lang / JSON language) else the feed's; may be empty
};

struct ParsedFeed {
  std::string format;                 // "rss2" | "rss1" | "atom" | "json"
  std::string title, link, language;  // the feed's own (link absolute)
  std::vector<FeedItem> items;        // in document order
};

// `content_type` is the HTTP Content-Type header (may be empty); `base_url` the URL fetched
// (after redirects). Errors are invalid_input with a sentence saying what is wrong:
// "malformed XML at line 12, column 5: ...", "not a feed: the document's root is <html>",
// "JSON Feed: items must be an array", "the document declares entities ...".
Result<ParsedFeed> parse_feed(std::string_view body, std::string_view content_type,
                              std::string_view base_url);

// Dates as feeds write them: RFC 822/1123 with their variants (two-digit years, named zones
// UT GMT EST EDT CST CDT MST MDT PST PDT, military letters, +hhmm, missing seconds, missing
// weekday, wrong weekday ignored) and RFC 3339 / ISO 8601 (fractional seconds, Z, ±hh:mm,
// lowercase t/z, space instead of T); none when unparsable.
std::optional<Timestamp> parse_feed_date(std::string_view text);

// `reference` resolved against `base` (RFC 3986 §5) by libxml2's xmlBuildURI, with the
// dot segments of an absolute path removed as §5.2.4 says (libxml2 2.9 keeps them). A
// reference that is no URI as written (spaces, non-ASCII) is percent-encoded first; one
// that still is not is returned trimmed, as it was.
std::string resolve_url(std::string_view base, std::string_view reference);

}  // namespace communique
