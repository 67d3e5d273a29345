// libxml2's HTML parser set up as the content module reads a body: the sanitiser and the
// HTML-to-Markdown writer walk the same tree. Internal to the content module.
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <memory>
#include <string_view>

namespace communique {

struct HtmlDocumentFree {
  void operator()(xmlDoc* document) const { xmlFreeDoc(document); }
};
using HtmlDocument = std::unique_ptr<xmlDoc, HtmlDocumentFree>;

// `html` (UTF-8) read as the content of a body: text before any tag stays text (a
// document would wrap it in an implied <p>), and a second <html>, <head> or <body> is
// ignored. No network, no errors printed. Null when libxml2 runs out of memory or the
// body is larger than it takes (2 GiB).
HtmlDocument parse_html_body(std::string_view html);

// A node's name or text as a string_view ("" for none).
inline std::string_view xml_text(const xmlChar* text) {
  return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
}

}  // namespace communique
