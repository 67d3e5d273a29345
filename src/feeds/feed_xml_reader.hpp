// read_feed_xml: an XML feed document read by libxml2 under the feed parser's safety
// policy, its entries handed over one at a time as they close and then freed, so that a
// feed of 10 MB never stands whole in memory as a tree.
//
// Policy:
// - no network (XML_PARSE_NONET), no DTD loading or default attributes, no entity
//   substitution, no XInclude, no XML_PARSE_HUGE;
// - a document type naming an external DTD (SYSTEM or PUBLIC) is refused when it is read,
//   before anything is loaded; a document that declares an entity is refused at its first
//   declaration, before any reference could be expanded (billion laughs, XXE);
// - an undeclared reference to one of HTML's character entities (&nbsp;) in text is read
//   as its character, as feed readers do; any other undeclared entity, and any in an
//   attribute value, is malformed XML;
// - elements nest at most kMaxFeedDepth deep;
// - libxml2 reads UTF-8 only: other encodings are converted first, as xml_encoding decides
//   (the declaration is then ignored), and bytes no encoding defines become U+FFFD;
// - namespace errors (a prefix never declared) are read past, as libxml2 does; any other
//   error ends the read.
// Errors are invalid_input: the first malformation with its line and column, or the
// refusal with what to do about it.
#pragma once

#include <libxml/tree.h>

#include <functional>
#include <memory>
#include <string_view>

#include "base/result.hpp"

namespace communique {

using XmlDocument = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

// What the caller makes of the document as it is read. Each may stop the read by
// returning an error, which read_feed_xml then returns.
struct FeedXmlHandler {
  // The root element, once, with its attributes and namespaces (no children yet).
  std::function<Result<void>(const xmlNode& root)> on_root;
  // Whether an element that just closed is an entry (an RSS item, an Atom entry).
  std::function<bool(const xmlNode& element)> is_entry;
  // An entry, whole and still in the tree (its ancestors' xml:base and xml:lang can be
  // read); it is freed when this returns.
  std::function<Result<void>(const xmlNode& entry)> on_entry;
};

// The document without its entries (what is left: the feed's own elements), or the error.
Result<XmlDocument> read_feed_xml(std::string_view body, std::string_view content_type,
                                  std::string_view url, const FeedXmlHandler& handler);

}  // namespace communique
