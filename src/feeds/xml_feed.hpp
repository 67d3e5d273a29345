// parse_xml_feed: RSS 2.0 (and 0.9x), RSS 1.0 (RDF) and Atom 1.0 documents read into a
// ParsedFeed, through read_feed_xml's safe, entry-at-a-time reading.
//
// Where each field comes from:
// - guid: RSS <guid>; RSS 1.0 <dc:identifier> else rdf:about; Atom <id>;
// - link: RSS <link>, else <atom:link rel="alternate">, else a permalink <guid>; Atom
//   <link> with rel "alternate" or none; resolved against the element's xml:base chain;
// - title: RSS <title> (or <dc:title>) as text that may hold HTML; Atom <title> by its type;
// - content: <content:encoded> over <description>; Atom <content> over <summary>, text
//   escaped, html sanitised, xhtml the inner <div>'s markup; an out-of-line content (src)
//   is skipped;
// - author: <dc:creator>, else RSS <author> ("jo@example.com (Jo)" gives "Jo"); Atom
//   <author><name> else <email>, else the feed's author;
// - published: <pubDate> else <dc:date>, Atom <published>; updated: <atom:updated> or
//   <dc:modified>, Atom <updated>;
// - language: xml:lang, else <dc:language> of the item, else the feed's <language>,
//   <dc:language> or xml:lang.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "feeds/feed_parse.hpp"

namespace communique {

Result<ParsedFeed> parse_xml_feed(std::string_view body, std::string_view content_type,
                                  std::string_view base_url);

}  // namespace communique
