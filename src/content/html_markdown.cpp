#include "content/html_markdown.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "base/text.hpp"
#include "content/html_markdown_inline.hpp"
#include "content/html_parse.hpp"
#include "content/html_sanitizer.hpp"

namespace communique {

namespace {

using namespace markdown_inline;

// One block of Markdown, and what kind it is where that decides how blocks are joined.
enum class BlockKind { paragraph, bullet_list, ordered_list_from_one, ordered_list, other };
struct Block {
  std::string text;
  BlockKind kind = BlockKind::other;
  char marker = 0;  // of a list: '-' or '*', '.' or ')'
};

std::string fenced(std::string code) {
  const std::string fence(std::max<std::size_t>(3, longest_backtick_run(code) + 1), '`');
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
void append_items(std::vector<Block>& blocks, const std::vector<const xmlNode*>& items,
                  bool ordered, long number);
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
      append_inline(pending, child);
    }
  }
  flush();
}

void append_block(std::vector<Block>& blocks, const xmlNode* node) {
  const std::string_view name = name_of(node);
  if (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6') {
    std::string raw;
    append_inline_children(raw, node);
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
  } else if (name == "li") {
    append_items(blocks, {node}, false, 1);  // an item outside a list shows as one
  } else if (name == "table") {
    append_table(blocks, node);
  } else if (name == "hr") {
    blocks.push_back({"---"});
  } else {
    append_blocks(blocks, node);
  }
}

// Whether `node` is text of nothing but whitespace.
bool is_blank(const xmlNode* node) {
  return is_text(node) && trim(xml_text(node->content)).empty();
}

// A list of the li `items`, numbered from `number` when ordered.
void append_items(std::vector<Block>& blocks, const std::vector<const xmlNode*>& items,
                  bool ordered, long number) {
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
  const long first_number = number;
  std::string out;
  for (const xmlNode* node : items) {
    const std::string label = ordered ? std::to_string(number++) + marker : std::string(1, marker);
    const std::string indent(label.size() + 1, ' ');
    const std::string text = joined(blocks_of(node), Join::in_item);
    out += out.empty() ? "" : "\n";
    out += text.empty() ? label : prefixed(text, label + " ", indent, "");
  }
  if (out.empty()) {
    return;
  }
  const BlockKind kind = !ordered            ? BlockKind::bullet_list
                         : first_number == 1 ? BlockKind::ordered_list_from_one
                                             : BlockKind::ordered_list;
  blocks.push_back({std::move(out), kind, marker});
}

// A list's items. What stands straight inside a list but outside its items (libxml2 keeps
// it there) is shown by browsers as text between them: it ends the list there, and the
// items after it go on counting.
void append_list(std::vector<Block>& blocks, const xmlNode* node, bool ordered) {
  long number = 1;
  if (ordered) {
    if (auto start = parse_integer(attribute(node, "start")); start && *start >= 0) {
      number = static_cast<long>(*start);
    }
  }
  std::vector<const xmlNode*> items;
  std::string pending;  // inline content between items
  const auto flush_items = [&] {
    append_items(blocks, items, ordered, number);
    number += static_cast<long>(items.size());
    items.clear();
  };
  const auto flush_inline = [&] {
    if (auto text = finish_inline(pending, Breaks::keep); !text.empty()) {
      blocks.push_back({std::move(text), BlockKind::paragraph});
    }
    pending.clear();
  };
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (name_of(child) == "li") {
      flush_inline();
      items.push_back(child);
    } else if (is_blank(child)) {
      continue;
    } else if (is_block(child)) {
      flush_items();
      flush_inline();
      append_block(blocks, child);
    } else {
      flush_items();
      append_inline(pending, child);
    }
  }
  flush_inline();
  flush_items();
}

struct Row {
  std::vector<const xmlNode*> cells;
};

// The rows and captions of a table; false when it holds anything else outside its cells
// (text, or an element libxml2 left between rows), which only its blocks can keep.
bool collect_rows(const xmlNode* node, std::vector<Row>& rows,
                  std::vector<const xmlNode*>& captions) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    const std::string_view name = name_of(child);
    if (name == "tr") {
      Row row;
      for (const xmlNode* cell = child->children; cell != nullptr; cell = cell->next) {
        if (name_of(cell) == "td" || name_of(cell) == "th") {
          row.cells.push_back(cell);
        } else if (!is_blank(cell) && cell->type != XML_COMMENT_NODE) {
          return false;
        }
      }
      rows.push_back(std::move(row));
    } else if (name == "thead" || name == "tbody" || name == "tfoot") {
      if (!collect_rows(child, rows, captions)) {
        return false;
      }
    } else if (name == "caption") {
      captions.push_back(child);
    } else if (!is_blank(child) && child->type != XML_COMMENT_NODE) {
      return false;
    }
  }
  return true;
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
  append_inline_children(raw, cell);
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
  if (!collect_rows(node, rows, captions)) {
    append_blocks(blocks, node);  // its rows and cells, each as the blocks it holds
    return;
  }
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
        append_inline_children(text, cell);
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
