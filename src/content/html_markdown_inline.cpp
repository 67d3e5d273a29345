#include "content/html_markdown_inline.hpp"

#include <algorithm>
#include <array>

#include "base/text.hpp"

namespace communique::markdown_inline {

using namespace std::string_view_literals;

namespace {

// Elements that are blocks of their own; everything else the sanitiser keeps is inline.
constexpr std::array kBlockElements{
    "blockquote"sv, "caption"sv, "dd"sv,  "div"sv,   "dl"sv,    "dt"sv, "figcaption"sv, "figure"sv,
    "h1"sv,         "h2"sv,      "h3"sv,  "h4"sv,    "h5"sv,    "h6"sv, "hr"sv,         "li"sv,
    "ol"sv,         "p"sv,       "pre"sv, "table"sv, "tbody"sv, "td"sv, "tfoot"sv,      "th"sv,
    "thead"sv,      "tr"sv,      "ul"sv,  "body"sv,  "html"sv};

bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The text of `node` and everything inside it, markup ignored.
void append_text_content(std::string& out, const xmlNode* node) {
  for (; node != nullptr; node = node->next) {
    if (is_text(node)) {
      out += xml_text(node->content);
    } else if (node->type == XML_ELEMENT_NODE) {
      append_text_content(out, node->children);
    }
  }
}

// `text` with every run of HTML whitespace as one space.
std::string collapse_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (!is_html_space(c)) {
      out += c;
    } else if (out.empty() || out.back() != ' ') {
      out += ' ';
    }
  }
  return out;
}

// Whether the character at `i` of `text` is where GitHub's Markdown would see an address
// to link ("http://", "www.", "name@host"): escaped there, the text stays text, as it
// was in the HTML (and emphasis around it is not swallowed into the link).
bool starts_autolink(std::string_view text, std::size_t i) {
  const char c = text[i];
  if (c == ':') {
    return text.substr(i + 1).starts_with("//");
  }
  if (c == '.') {
    return i >= 3 && equals_ignoring_case(text.substr(i - 3, 3), "www");
  }
  return c == '@';
}

// Appends `text` (collapsed) escaped so that Markdown reads it as text. A "!" that ends
// the text is escaped too: a link may follow it, and "![" opens an image.
void append_escaped(std::string& out, std::string_view text) {
  constexpr std::string_view kSpecial = "\\`*_[]<>&#~|";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_html_space(c)) {
      if (out.empty() || out.back() != ' ') {
        out += ' ';
      }
      continue;
    }
    if (kSpecial.find(c) != std::string_view::npos || (c == '!' && i + 1 == text.size()) ||
        starts_autolink(text, i)) {
      out += '\\';
    }
    out += c;
  }
}

// `content` as a code span: a fence longer than any run of backticks inside, and a space
// inside each fence when the content would otherwise lose or merge with one.
std::string code_span(std::string_view raw) {
  const std::string content = collapse_spaces(raw);
  if (content.find_first_not_of(' ') == std::string::npos) {
    return content.empty() ? "" : " ";
  }
  const std::string fence(longest_backtick_run(content) + 1, '`');
  const bool pad = content.front() == '`' || content.back() == '`' ||
                   (content.front() == ' ' && content.back() == ' ');
  return fence + (pad ? " " : "") + content + (pad ? " " : "") + fence;
}

// Appends a code span of `raw`. Right after another code span (text's backticks are
// escaped, so a backtick that ends `out` closes one), the two are written as one:
// "`a``b`" would not read as two.
void append_code_span(std::string& out, std::string_view raw) {
  std::size_t fence = 0;
  while (fence < out.size() && out[out.size() - 1 - fence] == '`') {
    ++fence;
  }
  const bool after_code = fence > 0 && (out.size() == fence || out[out.size() - 1 - fence] != '\\');
  if (!after_code) {
    out += code_span(raw);
    return;
  }
  // The opening fence is the run of exactly `fence` backticks before: runs inside are shorter.
  const std::size_t close = out.size() - fence;
  std::size_t open = close;
  while (open > 0) {
    const std::size_t end = open;
    while (open > 0 && out[open - 1] != '`') {
      --open;
    }
    std::size_t start = open;
    while (start > 0 && out[start - 1] == '`') {
      --start;
    }
    if (open - start == fence) {
      std::string_view previous(out.data() + open, close - open);
      if (previous.size() >= 2 && previous.front() == ' ' && previous.back() == ' ') {
        previous = previous.substr(1, previous.size() - 2);
      }
      const std::string merged = std::string(previous) + std::string(raw);
      out.resize(start);
      out += code_span(merged);
      return;
    }
    if (start == end) {
      break;
    }
    open = start;
  }
  out += code_span(raw);  // not found: written apart, as before
}

// A link destination: as it is when plain, else in <> with < > and \ escaped.
std::string destination(std::string_view url) {
  const bool plain = !url.empty() && std::none_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == '(' || c == ')' || c == '<' || c == '>' ||
           c == '\\';
  });
  if (plain) {
    return std::string(url);
  }
  std::string out = "<";
  for (char c : url) {
    if (c == '<' || c == '>' || c == '\\') {
      out += '\\';
    }
    out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  }
  return out + ">";
}

// Which inline marks are open, so that one nested in itself (<em><em>) is not written
// twice ("**" would be strong) and a link is never inside a link.
struct Marks {
  bool emphasis = false;
  bool strong = false;
  bool deleted = false;
  bool link = false;
};

void write_inline(std::string& out, const xmlNode* node, Marks marks);

void write_inline_children(std::string& out, const xmlNode* node, Marks marks) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    write_inline(out, child, marks);
  }
}

bool is_ascii_punctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

enum class Side { before, after };

// The character a reader sees next to `node` (after it, or before it) within its block,
// as Markdown's rules for emphasis see it: ' ' for whitespace, a block's edge or nothing
// found within 64 nodes; '[' for a link or an image and '`' for code (punctuation, as
// their Markdown is); else the character (its first byte, for one beyond ASCII).
char neighbour(const xmlNode* node, Side side) {
  const bool after = side == Side::after;
  const xmlNode* at = node;
  bool inside = false;  // `at` is to be looked at, rather than moved past
  for (int steps = 0; steps < 64; ++steps) {
    if (!inside) {
      while ((after ? at->next : at->prev) == nullptr) {
        at = at->parent;
        if (at == nullptr || at->type != XML_ELEMENT_NODE || is_block(at)) {
          return ' ';
        }
      }
      at = after ? at->next : at->prev;
    }
    inside = false;
    if (is_text(at)) {
      const std::string_view text = xml_text(at->content);
      if (text.empty()) {
        continue;
      }
      const char c = after ? text.front() : text.back();
      return is_html_space(c) ? ' ' : c;
    }
    if (at->type != XML_ELEMENT_NODE) {
      continue;
    }
    const std::string_view name = name_of(at);
    if (is_block(at) || name == "br") {
      return ' ';
    }
    if ((name == "a" && xmlHasProp(at, reinterpret_cast<const xmlChar*>("href")) != nullptr) ||
        name == "img") {
      return '[';
    }
    if (name == "code" || name == "kbd" || name == "samp") {
      return '`';
    }
    if (at->children != nullptr) {
      at = after ? at->children : at->last;
      inside = true;
    }
  }
  return ' ';
}

bool is_word_character(char c) {
  return c != ' ' && c != kHardBreak && !is_ascii_punctuation(c);
}

// Whether Markdown reads `delimiter` around `core` as a mark, with `before` and `after`
// next to it: a delimiter cannot open before punctuation that follows a letter ("a*"b"*"),
// nor close after punctuation that a letter follows ("*x:*y"). Runs of the same mark at
// the edges of `core` (a nested mark's own) join the delimiter, so the character past
// them is what counts.
bool reads_as_mark(std::string_view core, char mark, char before, char after) {
  std::size_t first = 0;
  while (first < core.size() && core[first] == mark) {
    ++first;
  }
  std::size_t last = core.size();
  while (last > first && core[last - 1] == mark && (last < 2 || core[last - 2] != '\\')) {
    --last;
  }
  if (first >= last) {
    return true;
  }
  const bool opens = !(is_ascii_punctuation(core[first]) && is_word_character(before));
  const bool closes = !(is_ascii_punctuation(core[last - 1]) && is_word_character(after));
  return opens && closes;
}

// `inner`, the Markdown of `node`'s content, between `delimiter`s, with the spaces at its
// edges moved outside (Markdown reads "* a *" as text) and nothing around an empty
// inside. Where Markdown would not read the mark (reads_as_mark), the text goes without
// it. Right after the same mark ("*a*" then "*b*") the two are written as one, since
// "*a**b*" would not read as two.
void append_wrapped(std::string& out, std::string_view inner, std::string_view delimiter,
                    const xmlNode* node) {
  const Edges edges = edges_of(inner);
  if (edges.core.empty() || delimiter.empty()) {
    out += inner;
    return;
  }
  const char mark = delimiter.front();
  const char before = edges.lead.empty() ? neighbour(node, Side::before) : ' ';
  const char after = edges.trail.empty() ? neighbour(node, Side::after) : ' ';
  if (!reads_as_mark(edges.core, mark, before, after)) {
    out += inner;
    return;
  }
  const bool joins_previous =
      edges.lead.empty() && out.ends_with(delimiter) && edges.core.front() != mark &&
      (out.size() == delimiter.size() || (out[out.size() - delimiter.size() - 1] != '\\' &&
                                          out[out.size() - delimiter.size() - 1] != mark));
  if (joins_previous) {
    out.resize(out.size() - delimiter.size());
  } else {
    out += edges.lead;
    out += delimiter;
  }
  out += edges.core;
  out += delimiter;
  out += edges.trail;
}

void append_link(std::string& out, const xmlNode* node, Marks marks) {
  const std::string href = attribute(node, "href");
  if (marks.link || xmlHasProp(node, reinterpret_cast<const xmlChar*>("href")) == nullptr) {
    write_inline_children(out, node, marks);
    return;
  }
  marks.link = true;
  std::string text;
  write_inline_children(text, node, marks);
  const Edges edges = edges_of(text);
  if (edges.core.empty()) {
    out += text;  // an empty link shows nothing, and is left out
    return;
  }
  out += edges.lead;
  out += '[';
  out += edges.core;
  out += "](";
  out += destination(href);
  out += ')';
  out += edges.trail;
}

void append_image(std::string& out, const xmlNode* node, Marks marks) {
  std::string alt = std::string(trim(collapse_spaces(attribute(node, "alt"))));
  if (marks.link) {
    append_escaped(out, alt);  // the link around it is what a reader follows
    return;
  }
  out += '[';
  append_escaped(out, alt.empty() ? "image" : alt);
  out += "](";
  out += destination(attribute(node, "src"));
  out += ')';
}

void write_inline(std::string& out, const xmlNode* node, Marks marks) {
  if (is_text(node)) {
    append_escaped(out, xml_text(node->content));
    return;
  }
  if (node->type != XML_ELEMENT_NODE) {
    return;
  }
  const std::string_view name = name_of(node);
  std::string inner;
  if (name == "br") {
    out += kHardBreak;
  } else if (name == "em" || name == "i") {
    Marks inside = marks;
    inside.emphasis = true;
    write_inline_children(inner, node, inside);
    append_wrapped(out, inner, marks.emphasis ? "" : "*", node);
  } else if (name == "strong" || name == "b") {
    Marks inside = marks;
    inside.strong = true;
    write_inline_children(inner, node, inside);
    append_wrapped(out, inner, marks.strong ? "" : "**", node);
  } else if (name == "del" || name == "s") {
    Marks inside = marks;
    inside.deleted = true;
    write_inline_children(inner, node, inside);
    append_wrapped(out, inner, marks.deleted ? "" : "~~", node);
  } else if (name == "code" || name == "kbd" || name == "samp" || name == "pre") {
    append_code_span(out, text_content(node));
  } else if (name == "a") {
    append_link(out, node, marks);
  } else if (name == "img") {
    append_image(out, node, marks);
  } else if (name == "hr") {
    out += ' ';
  } else if (is_block(node)) {
    // A block inside an inline element (libxml2 allows it): its text, apart from its
    // neighbours.
    out += ' ';
    write_inline_children(out, node, marks);
    out += ' ';
  } else {
    write_inline_children(out, node, marks);
  }
}

}  // namespace

std::string_view name_of(const xmlNode* node) {
  return node->type == XML_ELEMENT_NODE ? xml_text(node->name) : std::string_view();
}

bool is_text(const xmlNode* node) {
  return node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE;
}

bool is_block(const xmlNode* node) {
  const auto name = name_of(node);
  return std::find(kBlockElements.begin(), kBlockElements.end(), name) != kBlockElements.end();
}

std::string attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  std::string text(xml_text(value));
  xmlFree(value);
  return text;
}

std::string text_content(const xmlNode* node) {
  std::string out;
  append_text_content(out, node->children);
  return out;
}

Edges edges_of(std::string_view text) {
  constexpr std::string_view kNoBreakSpace = "\xC2\xA0";
  const auto edge_at_start = [&](std::string_view rest) -> std::size_t {
    if (rest.starts_with(kNoBreakSpace)) {
      return kNoBreakSpace.size();
    }
    return !rest.empty() && (rest.front() == ' ' || rest.front() == kHardBreak) ? 1 : 0;
  };
  const auto edge_at_end = [&](std::string_view rest) -> std::size_t {
    if (rest.ends_with(kNoBreakSpace)) {
      return kNoBreakSpace.size();
    }
    return !rest.empty() && (rest.back() == ' ' || rest.back() == kHardBreak) ? 1 : 0;
  };
  std::size_t begin = 0;
  while (const auto length = edge_at_start(text.substr(begin))) {
    begin += length;
  }
  std::size_t end = text.size();
  while (const auto length = edge_at_end(text.substr(begin, end - begin))) {
    end -= length;
  }
  return {text.substr(0, begin), text.substr(begin, end - begin), text.substr(end)};
}

// The most backticks in a row in `text`: a code fence must be longer.
std::size_t longest_backtick_run(std::string_view text) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

std::string finish_inline(std::string_view raw, Breaks breaks) {
  std::string collapsed;
  for (char c : raw) {
    if (c == kHardBreak && breaks == Breaks::as_spaces) {
      c = ' ';
    }
    if (c == ' ') {
      if (collapsed.empty() || collapsed.back() == ' ' || collapsed.back() == kHardBreak) {
        continue;
      }
    } else if (c == kHardBreak) {
      while (!collapsed.empty() && collapsed.back() == ' ') {
        collapsed.pop_back();
      }
      if (collapsed.empty()) {
        continue;
      }
    }
    collapsed += c;
  }
  while (!collapsed.empty() && (collapsed.back() == ' ' || collapsed.back() == kHardBreak)) {
    collapsed.pop_back();
  }
  std::string out;
  out.reserve(collapsed.size() + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < collapsed.size(); ++i) {
    const char c = collapsed[i];
    if (line_start) {
      line_start = false;
      if (c == '-' || c == '+' || c == '=') {
        out += '\\';
      } else if (c >= '0' && c <= '9') {
        std::size_t end = i;
        while (end < collapsed.size() && collapsed[end] >= '0' && collapsed[end] <= '9') {
          ++end;
        }
        if (end < collapsed.size() && (collapsed[end] == '.' || collapsed[end] == ')')) {
          out.append(collapsed, i, end - i);
          out += '\\';
          i = end - 1;
          continue;
        }
      }
    }
    if (c == kHardBreak) {
      out += "\\\n";
      line_start = true;
      continue;
    }
    out += c;
  }
  return out;
}

void append_inline(std::string& out, const xmlNode* node) {
  write_inline(out, node, Marks{});
}

void append_inline_children(std::string& out, const xmlNode* node) {
  write_inline_children(out, node, Marks{});
}

}  // namespace communique::markdown_inline
