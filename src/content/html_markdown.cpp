#include "content/html_markdown.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "base/text.hpp"
#include "content/html_parse.hpp"
#include "content/html_sanitizer.hpp"

namespace communique {

namespace {

using namespace std::string_view_literals;

// In the inline text being gathered, a hard break is this character: text never holds
// one (whitespace is collapsed to spaces first), and finish_inline writes it as "\" and
// a line break.
constexpr char kHardBreak = '\n';

// Elements that are blocks of their own; everything else the sanitiser keeps is inline.
constexpr std::array kBlockElements{
    "blockquote"sv, "caption"sv, "dd"sv,  "div"sv,   "dl"sv,    "dt"sv, "figcaption"sv, "figure"sv,
    "h1"sv,         "h2"sv,      "h3"sv,  "h4"sv,    "h5"sv,    "h6"sv, "hr"sv,         "li"sv,
    "ol"sv,         "p"sv,       "pre"sv, "table"sv, "tbody"sv, "td"sv, "tfoot"sv,      "th"sv,
    "thead"sv,      "tr"sv,      "ul"sv,  "body"sv,  "html"sv};

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

bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

std::string attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  std::string text(xml_text(value));
  xmlFree(value);
  return text;
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

std::string text_content(const xmlNode* node) {
  std::string out;
  append_text_content(out, node->children);
  return out;
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
    if (kSpecial.find(c) != std::string_view::npos || (c == '!' && i + 1 == text.size())) {
      out += '\\';
    }
    out += c;
  }
}

// Where the run of spaces, no-break spaces and hard breaks at either end of `text` begins
// and ends: emphasis is only read with none of them just inside its delimiters.
struct Edges {
  std::string_view lead, core, trail;
};

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

// `content` as a code span: a fence longer than any run of backticks inside, and a space
// inside each fence when the content would otherwise lose or merge with one.
std::string code_span(std::string_view raw) {
  const std::string content = collapse_spaces(raw);
  if (content.find_first_not_of(' ') == std::string::npos) {
    return content.empty() ? "" : " ";
  }
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = content.front() == '`' || content.back() == '`' ||
                   (content.front() == ' ' && content.back() == ' ');
  return fence + (pad ? " " : "") + content + (pad ? " " : "") + fence;
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

void append_inline(std::string& out, const xmlNode* node, Marks marks);

void append_inline_children(std::string& out, const xmlNode* node, Marks marks) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    append_inline(out, child, marks);
  }
}

bool is_ascii_punctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// `inner` between `delimiter`s, with the spaces at its edges moved outside (Markdown
// reads "* a *" as text) and nothing around an empty inside. Markdown cannot open
// emphasis between a letter and punctuation ("a*"b"*"): there the text goes without it.
// Right after the same mark ("*a*" then "*b*") the two are written as one, since "*a**b*"
// would not read as two.
void append_wrapped(std::string& out, std::string_view inner, std::string_view delimiter) {
  const Edges edges = edges_of(inner);
  if (edges.core.empty() || delimiter.empty()) {
    out += inner;
    return;
  }
  const char mark = delimiter.front();
  const bool after_word = edges.lead.empty() && !out.empty() && !is_html_space(out.back()) &&
                          !is_ascii_punctuation(out.back()) && out.back() != kHardBreak;
  if (after_word && is_ascii_punctuation(edges.core.front())) {
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
    append_inline_children(out, node, marks);
    return;
  }
  marks.link = true;
  std::string text;
  append_inline_children(text, node, marks);
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

void append_inline(std::string& out, const xmlNode* node, Marks marks) {
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
    append_inline_children(inner, node, inside);
    append_wrapped(out, inner, marks.emphasis ? "" : "*");
  } else if (name == "strong" || name == "b") {
    Marks inside = marks;
    inside.strong = true;
    append_inline_children(inner, node, inside);
    append_wrapped(out, inner, marks.strong ? "" : "**");
  } else if (name == "del" || name == "s") {
    Marks inside = marks;
    inside.deleted = true;
    append_inline_children(inner, node, inside);
    append_wrapped(out, inner, marks.deleted ? "" : "~~");
  } else if (name == "code" || name == "kbd" || name == "samp" || name == "pre") {
    out += code_span(text_content(node));
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
    append_inline_children(out, node, marks);
    out += ' ';
  } else {
    append_inline_children(out, node, marks);
  }
}

// Gathered inline text as Markdown: spaces collapsed, none at line ends, no hard break
// at either end, the starts of lines escaped where Markdown would read a block marker,
// and hard breaks written as "\" and a line break (or as spaces, for a heading or a cell).
enum class Breaks { keep, as_spaces };

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

// One block of Markdown, and what kind it is where that decides how blocks are joined.
enum class BlockKind { paragraph, bullet_list, ordered_list_from_one, ordered_list, other };
struct Block {
  std::string text;
  BlockKind kind = BlockKind::other;
  char marker = 0;  // of a list: '-' or '*', '.' or ')'
};

std::string fenced(std::string code) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  if (!code.empty() && code.back() != '\n') {
    code += '\n';
  }
  return fence + "\n" + code + fence;
}

// Blocks joined: by blank lines, except that inside a list item a list that may
// interrupt a paragraph follows it on the next line (the item stays tight).
enum class Join { top, in_item };
std::string joined(const std::vector<Block>& blocks, Join join) {
  std::string out;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (i > 0) {
      const bool tight = join == Join::in_item && blocks[i - 1].kind == BlockKind::paragraph &&
                         (blocks[i].kind == BlockKind::bullet_list ||
                          blocks[i].kind == BlockKind::ordered_list_from_one);
      out += tight ? "\n" : "\n\n";
    }
    out += blocks[i].text;
  }
  return out;
}

// `text` with `first` before its first line, `rest` before the others, and `empty`
// alone on its empty lines.
std::string prefixed(std::string_view text, std::string_view first, std::string_view rest,
                     std::string_view empty) {
  std::string out;
  bool first_line = true;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(start, end - start);
    if (!first_line) {
      out += '\n';
    }
    if (first_line) {
      out += line.empty() ? std::string(trim(first)) : std::string(first);
    } else {
      out += line.empty() ? empty : rest;
    }
    out += line;
    first_line = false;
    start = end + 1;
  }
  return out;
}

// The blocks of a container, a list and a table are written by functions that call one
// another as the tree nests (its depth is bounded by the sanitiser's kMaxHtmlDepth).
void append_blocks(std::vector<Block>& blocks, const xmlNode* parent);
void append_block(std::vector<Block>& blocks, const xmlNode* node);
void append_list(std::vector<Block>& blocks, const xmlNode* node, bool ordered);
void append_table(std::vector<Block>& blocks, const xmlNode* node);

// The blocks of the children of `parent`: runs of inline nodes become paragraphs.
std::vector<Block> blocks_of(const xmlNode* parent) {
  std::vector<Block> blocks;
  append_blocks(blocks, parent);
  return blocks;
}

// The same, after `blocks`: a list there decides the marker of a list that follows.
void append_blocks(std::vector<Block>& blocks, const xmlNode* parent) {
  std::string pending;
  const auto flush = [&] {
    std::string paragraph = finish_inline(pending, Breaks::keep);
    pending.clear();
    if (!paragraph.empty()) {
      blocks.push_back({std::move(paragraph), BlockKind::paragraph});
    }
  };
  for (const xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (is_block(child)) {
      flush();
      append_block(blocks, child);
    } else {
      append_inline(pending, child, Marks{});
    }
  }
  flush();
}

void append_block(std::vector<Block>& blocks, const xmlNode* node) {
  const std::string_view name = name_of(node);
  if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') {
    std::string raw;
    append_inline_children(raw, node, Marks{});
    std::string text = finish_inline(raw, Breaks::as_spaces);
    if (!text.empty()) {
      blocks.push_back({std::string(name[1] - '0', '#') + " " + text});
    }
  } else if (name == "pre") {
    blocks.push_back({fenced(text_content(node))});
  } else if (name == "blockquote") {
    std::string inner = joined(blocks_of(node), Join::top);
    if (!inner.empty()) {
      blocks.push_back({prefixed(inner, "> ", "> ", ">")});
    }
  } else if (name == "ul" || name == "ol") {
    append_list(blocks, node, name == "ol");
  } else if (name == "table") {
    append_table(blocks, node);
  } else if (name == "hr") {
    blocks.push_back({"---"});
  } else {
    append_blocks(blocks, node);
  }
}

void append_list(std::vector<Block>& blocks, const xmlNode* node, bool ordered) {
  // Two lists in a row with the same marker would be read as one list.
  const BlockKind previous = blocks.empty() ? BlockKind::other : blocks.back().kind;
  const char previous_marker = blocks.empty() ? 0 : blocks.back().marker;
  const bool after_same = ordered ? (previous == BlockKind::ordered_list ||
                                     previous == BlockKind::ordered_list_from_one)
                                  : previous == BlockKind::bullet_list;
  char marker = ordered ? '.' : '-';
  if (after_same && previous_marker == marker) {
    marker = ordered ? ')' : '*';
  }
  long number = 1;
  if (ordered) {
    if (auto start = parse_integer(attribute(node, "start")); start && *start >= 0) {
      number = static_cast<long>(*start);
    }
  }
  const long first_number = number;
  std::string out;
  const auto add_item = [&](const std::vector<Block>& item) {
    const std::string label = ordered ? std::to_string(number++) + marker : std::string(1, marker);
    const std::string indent(label.size() + 1, ' ');
    std::string text = joined(item, Join::in_item);
    if (!out.empty()) {
      out += '\n';
    }
    out += text.empty() ? label : prefixed(text, label + " ", indent, "");
  };
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (name_of(child) == "li") {
      add_item(blocks_of(child));
    } else if (is_text(child) && trim(xml_text(child->content)).empty()) {
      continue;
    } else {
      // Something other than an item straight inside a list is an item of its own.
      std::vector<Block> item;
      std::string raw;
      if (is_block(child)) {
        append_block(item, child);
      } else {
        append_inline(raw, child, Marks{});
        if (auto text = finish_inline(raw, Breaks::keep); !text.empty()) {
          item.push_back({std::move(text), BlockKind::paragraph});
        }
      }
      if (!item.empty()) {
        add_item(item);
      }
    }
  }
  if (out.empty()) {
    return;
  }
  const BlockKind kind = !ordered            ? BlockKind::bullet_list
                         : first_number == 1 ? BlockKind::ordered_list_from_one
                                             : BlockKind::ordered_list;
  blocks.push_back({std::move(out), kind, marker});
}

struct Row {
  std::vector<const xmlNode*> cells;
};

void collect_rows(const xmlNode* node, std::vector<Row>& rows,
                  std::vector<const xmlNode*>& captions) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    const std::string_view name = name_of(child);
    if (name == "tr") {
      Row row;
      for (const xmlNode* cell = child->children; cell != nullptr; cell = cell->next) {
        if (name_of(cell) == "td" || name_of(cell) == "th") {
          row.cells.push_back(cell);
        }
      }
      rows.push_back(std::move(row));
    } else if (name == "thead" || name == "tbody" || name == "tfoot") {
      collect_rows(child, rows, captions);
    } else if (name == "caption") {
      captions.push_back(child);
    }
  }
}

bool has_block_inside(const xmlNode* node) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (is_block(child) || has_block_inside(child)) {
      return true;
    }
  }
  return false;
}

// A cell's inline Markdown on one line, or nothing when a GFM table cannot hold it.
std::optional<std::string> simple_cell(const xmlNode* cell) {
  for (const char* span : {"colspan", "rowspan"}) {
    const std::string value = attribute(cell, span);
    if (!value.empty() && value != "1") {
      return std::nullopt;
    }
  }
  if (has_block_inside(cell)) {
    return std::nullopt;
  }
  std::string raw;
  append_inline_children(raw, cell, Marks{});
  std::string text = finish_inline(raw, Breaks::as_spaces);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '|' && (i == 0 || text[i - 1] != '\\')) {
      return std::nullopt;  // a "|" in a code span would end the cell
    }
  }
  return text;
}

void append_table(std::vector<Block>& blocks, const xmlNode* node) {
  std::vector<Row> rows;
  std::vector<const xmlNode*> captions;
  collect_rows(node, rows, captions);
  for (const xmlNode* caption : captions) {
    append_blocks(blocks, caption);
  }
  std::vector<std::vector<std::string>> cells;
  std::size_t columns = 0;
  bool simple = true;
  for (const Row& row : rows) {
    std::vector<std::string> line;
    for (const xmlNode* cell : row.cells) {
      auto text = simple_cell(cell);
      simple = simple && text.has_value();
      line.push_back(text.value_or(""));
    }
    columns = std::max(columns, line.size());
    cells.push_back(std::move(line));
  }
  if (columns == 0) {
    return;
  }
  if (simple) {
    std::string out;
    for (std::size_t r = 0; r < cells.size(); ++r) {
      cells[r].resize(columns);
      out += "|";
      for (const auto& cell : cells[r]) {
        out += " " + cell + " |";
      }
      out += "\n";
      if (r == 0) {
        out += "|";
        for (std::size_t c = 0; c < columns; ++c) {
          out += " --- |";
        }
        out += "\n";
      }
    }
    out.pop_back();
    blocks.push_back({std::move(out)});
    return;
  }
  // Not simple: each row a paragraph of its cells, or the blocks of its cells when
  // they hold blocks.
  for (const Row& row : rows) {
    const bool inline_only = std::none_of(row.cells.begin(), row.cells.end(), has_block_inside);
    if (inline_only) {
      std::string raw;
      for (const xmlNode* cell : row.cells) {
        std::string text;
        append_inline_children(text, cell, Marks{});
        if (!edges_of(text).core.empty()) {
          raw += raw.empty() ? "" : " \xC2\xB7 ";
          raw += text;
        }
      }
      if (auto text = finish_inline(raw, Breaks::keep); !text.empty()) {
        blocks.push_back({std::move(text), BlockKind::paragraph});
      }
      continue;
    }
    for (const xmlNode* cell : row.cells) {
      append_blocks(blocks, cell);
    }
  }
}

}  // namespace

std::string html_to_markdown(std::string_view html) {
  const std::string safe = sanitise_html(html);
  const HtmlDocument parsed = parse_html_body(safe);
  if (parsed == nullptr) {
    return {};  // out of memory: nothing rather than markup
  }
  std::vector<Block> blocks;
  for (const xmlNode* node = parsed->children; node != nullptr; node = node->next) {
    if (node->type == XML_ELEMENT_NODE) {
      append_blocks(blocks, node);
    }
  }
  std::string out;
  for (const auto& block : blocks) {
    out += out.empty() ? "" : "\n";
    out += block.text;
    out += '\n';
  }
  return out;
}

}  // namespace communique
