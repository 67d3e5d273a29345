#include "feeds/xml_feed.hpp"

#include <libxml/tree.h>
#include <libxml/xmlmemory.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "content/markdown.hpp"
#include "feeds/feed_text.hpp"
#include "feeds/feed_xml_reader.hpp"

namespace communique {

namespace {

using namespace std::string_view_literals;

constexpr std::string_view kAtom = "http://www.w3.org/2005/Atom";
constexpr std::string_view kRss1 = "http://purl.org/rss/1.0/";
constexpr std::string_view kRss090 = "http://my.netscape.com/rdf/simple/0.9/";
constexpr std::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr std::string_view kContent = "http://purl.org/rss/1.0/modules/content/";
constexpr std::string_view kDublinCore = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kDublinCoreTerms = "http://purl.org/dc/terms/";
constexpr std::string_view kXhtml = "http://www.w3.org/1999/xhtml";
constexpr std::string_view kXml = "http://www.w3.org/XML/1998/namespace";

// Elements of HTML that have no end tag, written so when XHTML content is made HTML.
constexpr std::array kVoidElements{"area"sv,  "base"sv,   "br"sv,    "col"sv,  "embed"sv,
                                   "hr"sv,    "img"sv,    "input"sv, "link"sv, "meta"sv,
                                   "param"sv, "source"sv, "track"sv, "wbr"sv};

enum class Format { rss2, rss1, atom };

std::string_view text_of(const xmlChar* text) {
  return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
}

const xmlChar* xml(std::string_view text_with_terminator) {
  return reinterpret_cast<const xmlChar*>(text_with_terminator.data());
}

std::string_view namespace_of(const xmlNode& node) {
  return node.ns == nullptr ? std::string_view() : text_of(node.ns->href);
}

bool is_element(const xmlNode& node, std::string_view space, std::string_view name) {
  return node.type == XML_ELEMENT_NODE && text_of(node.name) == name && namespace_of(node) == space;
}

const xmlNode* child(const xmlNode& parent, std::string_view space, std::string_view name) {
  for (const xmlNode* node = parent.children; node != nullptr; node = node->next) {
    if (is_element(*node, space, name)) {
      return node;
    }
  }
  return nullptr;
}

std::string owned(xmlChar* text) {
  const std::unique_ptr<xmlChar, decltype(xmlFree)> holder(text, xmlFree);
  return std::string(text_of(text));
}

// The text of an element and its descendants, as written (entities decoded by the parser).
std::string text(const xmlNode* node) {
  if (node == nullptr) {
    return {};
  }
  // The common case, one text node, is copied once (xmlNodeGetContent would copy twice).
  if (node->children != nullptr && node->children == node->last &&
      node->children->type == XML_TEXT_NODE) {
    return std::string(text_of(node->children->content));
  }
  return owned(xmlNodeGetContent(node));
}

std::string trimmed_text(const xmlNode* node) {
  return std::string(feed_text::trimmed(text(node)));
}

// A non-namespaced attribute's value; empty when absent.
std::string attribute(const xmlNode& node, const char* name) {
  return owned(xmlGetNoNsProp(&node, reinterpret_cast<const xmlChar*>(name)));
}

std::string xml_attribute(const xmlNode& node, const char* name) {
  return owned(xmlGetNsProp(&node, reinterpret_cast<const xmlChar*>(name), xml(kXml)));
}

bool has_xml_attribute(const xmlNode& node, const char* name) {
  return xmlHasNsProp(&node, reinterpret_cast<const xmlChar*>(name), xml(kXml)) != nullptr;
}

// The base URL in force at `node`: the document's URL, then each xml:base from the root
// down to `node` itself, each resolved against the one before (XML Base §4.2).
std::string base_of(const xmlNode& node, std::string_view document_url) {
  std::vector<std::string> bases;
  for (const xmlNode* at = &node; at != nullptr && at->type == XML_ELEMENT_NODE; at = at->parent) {
    if (at->properties != nullptr && has_xml_attribute(*at, "base")) {
      bases.push_back(xml_attribute(*at, "base"));
    }
  }
  std::string base(document_url);
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
    base = resolve_url(base, *it);
  }
  return base;
}

std::string resolved_link(const xmlNode* element, std::string_view written,
                          std::string_view document_url) {
  const std::string_view link = feed_text::trimmed(written);
  if (element == nullptr || link.empty()) {
    return {};
  }
  return resolve_url(base_of(*element, document_url), link);
}

// An Atom <link> with rel "alternate" (or none): the page the entry or feed stands for;
// of several, the first of type HTML (or of no type), else the first.
const xmlNode* alternate_link(const xmlNode& parent) {
  const xmlNode* first = nullptr;
  for (const xmlNode* node = parent.children; node != nullptr; node = node->next) {
    if (!is_element(*node, kAtom, "link")) {
      continue;
    }
    const std::string rel = attribute(*node, "rel");
    if ((!rel.empty() && rel != "alternate") || attribute(*node, "href").empty()) {
      continue;
    }
    const std::string type = attribute(*node, "type");
    if (type.empty() || type == "text/html" || type == "application/xhtml+xml") {
      return node;
    }
    first = first == nullptr ? node : first;
  }
  return first;
}

std::string alternate_href(const xmlNode& parent, std::string_view document_url) {
  const xmlNode* link = alternate_link(parent);
  return link == nullptr ? std::string()
                         : resolved_link(link, attribute(*link, "href"), document_url);
}

std::optional<Timestamp> date_of(const xmlNode* node) {
  return node == nullptr ? std::nullopt : parse_feed_date(text(node));
}

// "jo@example.com (Jo Smith)" → "Jo Smith"; "Jo Smith <jo@example.com>" → "Jo Smith";
// anything else as written.
std::string rss_author(std::string_view written) {
  const std::string line = feed_text::one_line(written);
  const auto open = line.find('(');
  if (open != std::string::npos && line.back() == ')' && line.find('@') < open) {
    const std::string name = feed_text::one_line(line.substr(open + 1, line.size() - open - 2));
    return name.empty() ? feed_text::one_line(line.substr(0, open)) : name;
  }
  const auto angle = line.find('<');
  if (angle != std::string::npos && angle > 0 && line.back() == '>') {
    return feed_text::one_line(line.substr(0, angle));
  }
  return line;
}

// XHTML content written out as HTML: elements and attributes by their local names, text
// escaped. The reader's depth cap bounds the recursion.
void append_xhtml(std::string& out, const xmlNode* node) {
  for (; node != nullptr; node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      out += escape_html(text_of(node->content));
      continue;
    }
    if (node->type != XML_ELEMENT_NODE) {
      continue;
    }
    const std::string_view name = text_of(node->name);
    out += '<';
    out += name;
    for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
      out += ' ';
      out += text_of(attr->name);
      out += "=\"";
      out += escape_html(owned(xmlNodeGetContent(reinterpret_cast<const xmlNode*>(attr))));
      out += '"';
    }
    out += '>';
    const bool is_void =
        std::find(kVoidElements.begin(), kVoidElements.end(), name) != kVoidElements.end();
    if (is_void && node->children == nullptr) {
      continue;
    }
    append_xhtml(out, node->children);
    out += "</";
    out += name;
    out += '>';
  }
}

// The inside of Atom XHTML content: the children of its one xhtml:div (RFC 4287 §3.1.1.3).
const xmlNode* xhtml_children(const xmlNode& construct) {
  const xmlNode* div = child(construct, kXhtml, "div");
  return div != nullptr ? div->children : construct.children;
}

std::string atom_type(const xmlNode& construct) {
  std::string type = attribute(construct, "type");
  return type.empty() ? std::string("text") : type;
}

// An Atom text construct (title) as plain text.
std::string atom_plain(const xmlNode* construct) {
  if (construct == nullptr) {
    return {};
  }
  const std::string type = atom_type(*construct);
  if (type == "html" || type == "text/html") {
    return feed_text::plain_from_html(text(construct));
  }
  if (type == "xhtml") {
    std::string markup;
    append_xhtml(markup, xhtml_children(*construct));
    return feed_text::plain_from_html(markup);
  }
  return feed_text::one_line(text(construct));
}

// An Atom text or content construct as sanitised HTML; empty when it has none inline.
std::string atom_content(const xmlNode* construct, std::string_view document_url) {
  if (construct == nullptr || !attribute(*construct, "src").empty()) {
    return {};
  }
  const std::string type = atom_type(*construct);
  if (type == "html" || type == "text/html") {
    return feed_text::sanitised_content(text(construct), base_of(*construct, document_url));
  }
  if (type == "xhtml" || type == "application/xhtml+xml") {
    std::string markup;
    append_xhtml(markup, xhtml_children(*construct));
    return feed_text::sanitised_content(markup, base_of(*construct, document_url));
  }
  if (type == "text" || type.starts_with("text/")) {
    return feed_text::content_from_text(text(construct));
  }
  return {};  // another media type, base64-encoded: nothing a post can show
}

std::string atom_author(const xmlNode& parent) {
  const xmlNode* author = child(parent, kAtom, "author");
  if (author == nullptr) {
    return {};
  }
  std::string name = feed_text::one_line(text(child(*author, kAtom, "name")));
  return name.empty() ? feed_text::one_line(text(child(*author, kAtom, "email"))) : name;
}

std::string lang_of(const xmlNode& node) {
  return feed_text::one_line(owned(xmlNodeGetLang(&node)));
}

std::string not_a_feed(const xmlNode& root) {
  std::string message =
      "not a feed: the document's root is <" + std::string(text_of(root.name)) + ">";
  if (!namespace_of(root).empty()) {
    message += " in the namespace " + std::string(namespace_of(root));
  }
  return message + "; Communiqué reads RSS 2.0, RSS 1.0, Atom 1.0 and JSON Feed";
}

// Reads the document's entries into `feed_` as they close, and the feed's own fields at
// the end.
class XmlFeedMapper {
 public:
  explicit XmlFeedMapper(std::string_view url) : url_(url) {}

  Result<void> on_root(const xmlNode& root) {
    if (is_element(root, "", "rss")) {
      format_ = Format::rss2;
      feed_.format = "rss2";
    } else if (is_element(root, kRdf, "RDF")) {
      format_ = Format::rss1;
      feed_.format = "rss1";
    } else if (is_element(root, kAtom, "feed")) {
      format_ = Format::atom;
      feed_.format = "atom";
    } else {
      return make_error(ErrorCode::invalid_input, not_a_feed(root));
    }
    return {};
  }

  bool is_entry(const xmlNode& node) const {
    const xmlNode* parent = node.parent;
    if (parent == nullptr || parent->type != XML_ELEMENT_NODE) {
      return false;
    }
    switch (format_) {
      case Format::rss2:
        return is_element(node, "", "item") &&
               (is_element(*parent, "", "channel") || is_element(*parent, "", "rss"));
      case Format::rss1:
        return (is_element(node, kRss1, "item") || is_element(node, kRss090, "item")) &&
               is_element(*parent, kRdf, "RDF");
      case Format::atom:
        return is_element(node, kAtom, "entry") && is_element(*parent, kAtom, "feed");
    }
    return false;
  }

  Result<void> on_entry(const xmlNode& entry) {
    if (feed_.items.size() >= kMaxFeedItems) {
      return make_error(ErrorCode::invalid_input,
                        "the feed has more than " + std::to_string(kMaxFeedItems) +
                            " items; Communiqué reads feeds of at most that many");
    }
    feed_.items.push_back(format_ == Format::atom ? atom_item(entry) : rss_item(entry));
    return {};
  }

  ParsedFeed finish(const xmlDoc& document) && {
    const xmlNode* root = xmlDocGetRootElement(&document);
    std::string feed_author;
    if (root != nullptr && format_ == Format::atom) {
      feed_.title = atom_plain(child(*root, kAtom, "title"));
      feed_.link = alternate_href(*root, url_);
      feed_.language = lang_of(*root);
      feed_author = atom_author(*root);
    } else if (root != nullptr) {
      const xmlNode* channel =
          format_ == Format::rss2 ? child(*root, "", "channel") : channel_rss1(*root);
      if (channel != nullptr) {
        read_rss_channel(*channel);
      }
    }
    for (FeedItem& item : feed_.items) {
      if (item.language.empty()) {
        item.language = feed_.language;
      }
      if (item.author.empty()) {
        item.author = feed_author;
      }
    }
    return std::move(feed_);
  }

 private:
  // The namespace RSS's own elements are in: none for RSS 2.0, RSS 1.0's for RDF.
  std::string_view rss_space(const xmlNode& element) const {
    return format_ == Format::rss2 ? std::string_view() : namespace_of(element);
  }

  static const xmlNode* channel_rss1(const xmlNode& root) {
    const xmlNode* channel = child(root, kRss1, "channel");
    return channel != nullptr ? channel : child(root, kRss090, "channel");
  }

  void read_rss_channel(const xmlNode& channel) {
    const std::string_view space = rss_space(channel);
    feed_.title = feed_text::plain_from_maybe_html(text(child(channel, space, "title")));
    const xmlNode* link = child(channel, space, "link");
    feed_.link = resolved_link(link, text(link), url_);
    if (feed_.link.empty()) {
      feed_.link = alternate_href(channel, url_);
    }
    feed_.language = feed_text::one_line(text(child(channel, space, "language")));
    if (feed_.language.empty()) {
      feed_.language = feed_text::one_line(text(child(channel, kDublinCore, "language")));
    }
    if (feed_.language.empty()) {
      feed_.language = lang_of(channel);
    }
  }

  FeedItem rss_item(const xmlNode& entry) const {
    const std::string_view space = rss_space(entry);
    FeedItem item;
    const xmlNode* guid = child(entry, space, "guid");
    item.guid = trimmed_text(guid);
    if (format_ == Format::rss1) {
      item.guid = trimmed_text(child(entry, kDublinCore, "identifier"));
      if (item.guid.empty()) {
        item.guid = std::string(feed_text::trimmed(
            owned(xmlGetNsProp(&entry, reinterpret_cast<const xmlChar*>("about"), xml(kRdf)))));
      }
    }
    const xmlNode* link = child(entry, space, "link");
    item.link = resolved_link(link, text(link), url_);
    if (item.link.empty()) {
      item.link = alternate_href(entry, url_);
    }
    if (item.link.empty() && guid != nullptr && attribute(*guid, "isPermaLink") != "false" &&
        (item.guid.starts_with("http://") || item.guid.starts_with("https://"))) {
      item.link = item.guid;
    }
    const xmlNode* title = child(entry, space, "title");
    item.title = feed_text::plain_from_maybe_html(
        text(title != nullptr ? title : child(entry, kDublinCore, "title")));
    const xmlNode* content = child(entry, kContent, "encoded");
    if (content == nullptr || feed_text::trimmed(text(content)).empty()) {
      content = child(entry, space, "description");
    }
    if (content != nullptr) {
      item.content_html = feed_text::sanitised_content(text(content), base_of(*content, url_));
    }
    item.author = feed_text::one_line(text(child(entry, kDublinCore, "creator")));
    if (item.author.empty()) {
      item.author = rss_author(text(child(entry, space, "author")));
    }
    const xmlNode* published = child(entry, space, "pubDate");
    item.published = date_of(published != nullptr ? published : child(entry, kDublinCore, "date"));
    const xmlNode* updated = child(entry, kAtom, "updated");
    item.updated =
        date_of(updated != nullptr ? updated : child(entry, kDublinCoreTerms, "modified"));
    item.language = has_xml_attribute(entry, "lang") ? lang_of(entry) : std::string();
    if (item.language.empty()) {
      item.language = feed_text::one_line(text(child(entry, kDublinCore, "language")));
    }
    return item;
  }

  FeedItem atom_item(const xmlNode& entry) const {
    FeedItem item;
    item.guid = trimmed_text(child(entry, kAtom, "id"));
    item.link = alternate_href(entry, url_);
    item.title = atom_plain(child(entry, kAtom, "title"));
    item.content_html = atom_content(child(entry, kAtom, "content"), url_);
    if (item.content_html.empty()) {
      item.content_html = atom_content(child(entry, kAtom, "summary"), url_);
    }
    item.author = atom_author(entry);
    item.published = date_of(child(entry, kAtom, "published"));
    item.updated = date_of(child(entry, kAtom, "updated"));
    item.language = lang_of(entry);
    return item;
  }

  std::string url_;
  Format format_ = Format::rss2;
  ParsedFeed feed_;
};

}  // namespace

Result<ParsedFeed> parse_xml_feed(std::string_view body, std::string_view content_type,
                                  std::string_view base_url) {
  XmlFeedMapper mapper(base_url);
  const FeedXmlHandler handler{
      .on_root = [&mapper](const xmlNode& root) { return mapper.on_root(root); },
      .is_entry = [&mapper](const xmlNode& node) { return mapper.is_entry(node); },
      .on_entry = [&mapper](const xmlNode& entry) { return mapper.on_entry(entry); },
  };
  auto document = read_feed_xml(body, content_type, base_url, handler);
  if (!document) {
    return std::move(document).error();
  }
  return std::move(mapper).finish(**document);
}

}  // namespace communique
