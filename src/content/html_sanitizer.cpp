#include "content/html_sanitizer.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

#include "base/text.hpp"
#include "content/html_parse.hpp"
#include "content/markdown.hpp"

namespace communique {

namespace {

using namespace std::string_view_literals;

// Elements written out again, with the attributes kept_attribute() allows.
constexpr std::array kKeptElements{
    "a"sv,      "abbr"sv,       "b"sv,      "blockquote"sv, "br"sv,  "caption"sv, "cite"sv,
    "code"sv,   "dd"sv,         "del"sv,    "div"sv,        "dl"sv,  "dt"sv,      "em"sv,
    "figure"sv, "figcaption"sv, "h1"sv,     "h2"sv,         "h3"sv,  "h4"sv,      "h5"sv,
    "h6"sv,     "hr"sv,         "i"sv,      "img"sv,        "ins"sv, "kbd"sv,     "li"sv,
    "mark"sv,   "ol"sv,         "p"sv,      "pre"sv,        "q"sv,   "s"sv,       "samp"sv,
    "small"sv,  "span"sv,       "strong"sv, "sub"sv,        "sup"sv, "table"sv,   "tbody"sv,
    "td"sv,     "tfoot"sv,      "th"sv,     "thead"sv,      "tr"sv,  "u"sv,       "ul"sv,
    "var"sv};

// Elements dropped with everything inside: their content is code, a document of its own,
// a form or metadata, never prose a reader should see as text.
constexpr std::array kDroppedElements{
    "applet"sv,   "audio"sv,    "button"sv,   "canvas"sv, "embed"sv,  "form"sv,
    "frame"sv,    "frameset"sv, "head"sv,     "iframe"sv, "math"sv,   "noembed"sv,
    "noframes"sv, "noscript"sv, "object"sv,   "script"sv, "select"sv, "style"sv,
    "svg"sv,      "template"sv, "textarea"sv, "title"sv,  "video"sv};

// Kept elements that have no end tag.
constexpr std::array kVoidElements{"br"sv, "hr"sv, "img"sv};

enum class Treatment { keep, unwrap, drop };

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Treatment treatment_of(std::string_view element) {
  if (contains(kKeptElements, element)) {
    return Treatment::keep;
  }
  return contains(kDroppedElements, element) ? Treatment::drop : Treatment::unwrap;
}

// The URL a browser reads from an attribute value: without tabs and line breaks anywhere,
// and without control characters and spaces at either end (WHATWG URL parsing).
std::string browser_url(std::string_view value) {
  std::string url;
  for (char c : value) {
    if (c != '\t' && c != '\n' && c != '\r') {
      url.push_back(c);
    }
  }
  const auto is_edge = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  const auto first = std::find_if_not(url.begin(), url.end(), is_edge);
  const auto last = std::find_if_not(url.rbegin(), url.rend(), is_edge).base();
  return first < last ? std::string(first, last) : std::string();
}

bool is_small_number(std::string_view value) {
  return !value.empty() && value.size() <= 5 &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The value to write for `attribute` on `element`, or nothing when it is not kept.
std::optional<std::string> kept_attribute(std::string_view element, std::string_view attribute,
                                          std::string_view value, const LinkResolver* resolve) {
  if (attribute == "title") {
    return std::string(value);
  }
  if (element == "a" && attribute == "href") {
    std::string url = browser_url(value);
    if (resolve != nullptr) {
      url = (*resolve)(url);
    }
    if (safe_url(url) != url) {
      return std::nullopt;
    }
    return url;
  }
  if (element == "img" && attribute == "src") {
    std::string url = browser_url(value);
    if (resolve != nullptr) {
      url = (*resolve)(url);
    }
    if (!starts_with_ignoring_case(url, "https://") && !starts_with_ignoring_case(url, "http://")) {
      return std::nullopt;
    }
    return url;
  }
  if (element == "img" && attribute == "alt") {
    return std::string(value);
  }
  const bool sized =
      (element == "img" && (attribute == "width" || attribute == "height")) ||
      (element == "ol" && attribute == "start") ||
      ((element == "td" || element == "th") && (attribute == "colspan" || attribute == "rowspan"));
  if (sized && is_small_number(value)) {
    return std::string(value);
  }
  return std::nullopt;
}

// Appends the start tag of `node` (a kept element) with its kept attributes; false, with
// nothing appended, for an image without a source it may show.
bool append_start_tag(std::string& out, const xmlNode* node, std::string_view element,
                      const LinkResolver* resolve) {
  std::string tag = "<";
  tag += element;
  bool has_source = false;
  for (const xmlAttr* attribute = node->properties; attribute != nullptr;
       attribute = attribute->next) {
    const std::unique_ptr<xmlChar, xmlFreeFunc> value(
        xmlNodeGetContent(reinterpret_cast<const xmlNode*>(attribute)), xmlFree);
    const std::string_view name = xml_text(attribute->name);
    auto kept = kept_attribute(element, name, xml_text(value.get()), resolve);
    if (!kept) {
      continue;
    }
    has_source |= name == "src";
    tag += " ";
    tag += name;
    tag += "=\"";
    tag += escape_html(*kept);
    tag += "\"";
  }
  if (element == "img" && !has_source) {
    return false;
  }
  out += tag;
  out += ">";
  return true;
}

// Writes what is kept of the nodes from `first` on. The walk keeps its own stack rather
// than recursing, so the depth of the input cannot exhaust the thread's stack.
std::string serialise(const xmlNode* first, const LinkResolver* resolve) {
  struct Open {
    const xmlNode* node;
    std::string_view element;
    bool written;  // its start tag was written, so its end tag is owed
  };
  std::string out;
  std::vector<Open> open;
  std::size_t depth = 0;  // of written elements
  const xmlNode* node = first;
  while (node != nullptr || !open.empty()) {
    if (node == nullptr) {
      const Open parent = open.back();
      open.pop_back();
      if (parent.written) {
        out += "</";
        out += parent.element;
        out += ">";
        --depth;
      }
      node = parent.node->next;
      continue;
    }
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      out += escape_html(xml_text(node->content));
    } else if (node->type == XML_ELEMENT_NODE) {
      const std::string_view element = xml_text(node->name);
      const Treatment treatment = treatment_of(element);
      if (treatment != Treatment::drop) {
        const bool written = treatment == Treatment::keep && depth < kMaxHtmlDepth &&
                             append_start_tag(out, node, element, resolve);
        if (node->children != nullptr && !contains(kVoidElements, element)) {
          open.push_back({node, element, written});
          depth += written ? 1 : 0;
          node = node->children;
          continue;
        }
        if (written && !contains(kVoidElements, element)) {
          out += "</";
          out += element;
          out += ">";
        }
      }
    }
    // Comments, processing instructions and document types are left out.
    node = node->next;
  }
  return out;
}

std::string sanitise(std::string_view html, const LinkResolver* resolve) {
  const HtmlDocument parsed = parse_html_body(html);
  if (parsed == nullptr) {
    return escape_html(html);  // out of memory or too large: the body is shown as text
  }
  return serialise(parsed->children, resolve);
}

}  // namespace

std::string sanitise_html(std::string_view html) {
  return sanitise(html, nullptr);
}

std::string sanitise_html(std::string_view html, const LinkResolver& resolve_link) {
  return sanitise(html, &resolve_link);
}

void sanitise_html_sections(std::vector<IssueSection>& sections) {
  for (auto& section : sections) {
    if (section.format == BodyFormat::html) {
      section.body = sanitise_html(section.body);
    }
  }
}

}  // namespace communique
