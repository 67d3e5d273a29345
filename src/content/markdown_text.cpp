#include "content/md4c_parse.hpp"

#include <fmt/format.h>

#include <map>
#include <vector>

#include "content/html_text.hpp"
#include "content/markdown.hpp"

namespace communique {

namespace {

constexpr std::size_t kWidth = 76;

std::size_t display_width(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

// Greedy word wrap of `text` (line breaks in it are kept) at `width` columns.
std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view paragraph_line = text.substr(start, end - start);
    std::string line;
    std::size_t line_width = 0;
    std::size_t pos = 0;
    bool any = false;
    while (pos < paragraph_line.size()) {
      const auto word_start = paragraph_line.find_first_not_of(' ', pos);
      if (word_start == std::string_view::npos) {
        break;
      }
      auto word_end = paragraph_line.find(' ', word_start);
      if (word_end == std::string_view::npos) {
        word_end = paragraph_line.size();
      }
      const std::string_view word = paragraph_line.substr(word_start, word_end - word_start);
      const std::size_t word_width = display_width(word);
      if (any && line_width + 1 + word_width > width) {
        lines.push_back(std::move(line));
        line.clear();
        line_width = 0;
        any = false;
      }
      if (any) {
        line.push_back(' ');
        ++line_width;
      }
      line.append(word);
      line_width += word_width;
      any = true;
      pos = word_end;
    }
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

struct Container {
  enum class Kind { quote, list, item } kind;
  bool ordered = false;
  unsigned next_number = 1;
  std::string marker;  // for an item: "1. " or "- "
  bool marker_used = false;
};

struct TextRenderer {
  std::string out;
  std::string inline_text;  // text of the leaf block being read
  std::vector<Container> containers;
  std::vector<std::string> references;
  std::map<std::string, std::size_t> reference_numbers;
  std::vector<std::string> link_targets;  // of the links being read (nested: innermost last)
  std::vector<std::size_t> link_starts;
  std::vector<std::string> table_row;
  bool in_code = false;
  bool pending_blank = false;

  // Prefix of every line at the current depth; `first` for the first line of a leaf.
  std::string prefix(bool first) {
    std::string result;
    for (auto& container : containers) {
      if (container.kind == Container::Kind::quote) {
        result += "> ";
      } else if (container.kind == Container::Kind::item) {
        if (first && !container.marker_used) {
          result += container.marker;
          container.marker_used = true;
        } else {
          result += std::string(container.marker.size(), ' ');
        }
      }
    }
    return result;
  }

  void blank_line() {
    if (out.empty()) {
      return;
    }
    std::string quote_prefix;
    for (const auto& container : containers) {
      if (container.kind == Container::Kind::quote) {
        quote_prefix += ">";
      }
    }
    out += quote_prefix + "\n";
  }

  void emit_block(const std::string& text, std::string_view underline = {}) {
    if (pending_blank) {
      blank_line();
    }
    const std::string first = prefix(true);
    const std::string rest = prefix(false);
    const std::size_t width = kWidth > first.size() + 20 ? kWidth - first.size() : 20;
    bool is_first = true;
    std::size_t widest = 0;
    for (const auto& line : wrap(text, width)) {
      out += (is_first ? first : rest) + line + "\n";
      widest = std::max(widest, display_width(line));
      is_first = false;
    }
    if (!underline.empty()) {
      std::string rule;
      for (std::size_t i = 0; i < widest; ++i) {
        rule.append(underline);
      }
      out += rest + rule + "\n";
    }
    pending_blank = true;
  }

  void emit_verbatim(const std::string& text) {
    if (pending_blank) {
      blank_line();
    }
    const std::string rest = prefix(false);
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) {
        end = text.size();
      }
      out += rest + "    " + text.substr(start, end - start) + "\n";
      start = end + 1;
    }
    pending_blank = true;
  }

  std::size_t reference(const std::string& url) {
    auto [found, inserted] = reference_numbers.emplace(url, references.size() + 1);
    if (inserted) {
      references.push_back(url);
    }
    return found->second;
  }
};

int enter_block(MD_BLOCKTYPE type, void* detail, void* userdata) {
  auto& r = *static_cast<TextRenderer*>(userdata);
  const bool starts_leaf_or_container = type != MD_BLOCK_TR && type != MD_BLOCK_TH &&
                                        type != MD_BLOCK_TD && type != MD_BLOCK_THEAD &&
                                        type != MD_BLOCK_TBODY && type != MD_BLOCK_LI;
  if (starts_leaf_or_container && !r.inline_text.empty()) {
    // The text of a tight list item, before a nested block.
    r.emit_block(r.inline_text);
    r.inline_text.clear();
    r.pending_blank = false;
  }
  switch (type) {
    case MD_BLOCK_QUOTE:
      if (r.pending_blank) {
        r.blank_line();
        r.pending_blank = false;
      }
      r.containers.push_back({Container::Kind::quote});
      break;
    case MD_BLOCK_UL:
      if (r.pending_blank) {
        r.blank_line();
        r.pending_blank = false;
      }
      r.containers.push_back({Container::Kind::list});
      break;
    case MD_BLOCK_OL:
      if (r.pending_blank) {
        r.blank_line();
        r.pending_blank = false;
      }
      r.containers.push_back(
          {Container::Kind::list, true, static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start});
      break;
    case MD_BLOCK_LI: {
      auto& list = r.containers.back();
      Container item{Container::Kind::item};
      item.marker = list.ordered ? fmt::format("{}. ", list.next_number++) : "- ";
      r.containers.push_back(item);
      r.inline_text.clear();
      break;
    }
    case MD_BLOCK_CODE:
      r.in_code = true;
      r.inline_text.clear();
      break;
    default:
      r.inline_text.clear();
      break;
  }
  return 0;
}

int leave_block(MD_BLOCKTYPE type, void* detail, void* userdata) {
  auto& r = *static_cast<TextRenderer*>(userdata);
  switch (type) {
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      r.containers.pop_back();
      r.pending_blank = true;
      break;
    case MD_BLOCK_LI:
      if (!r.inline_text.empty()) {  // a tight item: its text is not in a paragraph
        r.pending_blank = false;
        r.emit_block(r.inline_text);
        r.inline_text.clear();
      }
      r.containers.pop_back();
      r.pending_blank = false;
      break;
    case MD_BLOCK_P:
      r.emit_block(r.inline_text);
      r.inline_text.clear();
      break;
    case MD_BLOCK_H: {
      const unsigned level = static_cast<MD_BLOCK_H_DETAIL*>(detail)->level;
      r.emit_block(r.inline_text, level == 1 ? "=" : level == 2 ? "-" : "");
      r.inline_text.clear();
      break;
    }
    case MD_BLOCK_CODE:
      r.in_code = false;
      if (!r.inline_text.empty() && r.inline_text.back() == '\n') {
        r.inline_text.pop_back();
      }
      r.emit_verbatim(r.inline_text);
      r.inline_text.clear();
      break;
    case MD_BLOCK_HR:
      r.emit_block(std::string(40, '-'));
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      r.table_row.push_back(r.inline_text);
      r.inline_text.clear();
      break;
    case MD_BLOCK_TR: {
      std::string row;
      for (const auto& cell : r.table_row) {
        row += (row.empty() ? "" : " | ") + cell;
      }
      r.table_row.clear();
      r.emit_block(row);
      r.pending_blank = false;  // rows of a table follow each other without a gap
      break;
    }
    case MD_BLOCK_TABLE:
      r.pending_blank = true;
      break;
    default:
      break;
  }
  return 0;
}

int enter_span(MD_SPANTYPE type, void* detail, void* userdata) {
  auto& r = *static_cast<TextRenderer*>(userdata);
  if (type == MD_SPAN_A) {
    const auto& href = static_cast<MD_SPAN_A_DETAIL*>(detail)->href;
    r.link_targets.emplace_back(href.text, href.size);
    r.link_starts.push_back(r.inline_text.size());
  } else if (type == MD_SPAN_IMG) {
    r.inline_text += "[image: ";
  }
  return 0;
}

int leave_span(MD_SPANTYPE type, void*, void* userdata) {
  auto& r = *static_cast<TextRenderer*>(userdata);
  if (type == MD_SPAN_A && !r.link_targets.empty()) {
    const std::string url = safe_url(r.link_targets.back());
    const std::string label = r.inline_text.substr(r.link_starts.back());
    r.link_targets.pop_back();
    r.link_starts.pop_back();
    // An autolink shows its address already; mailto: needs no reference either.
    const bool shows_itself = label == url || "mailto:" + label == url;
    if (!shows_itself && url != "#") {
      r.inline_text += fmt::format(" [{}]", r.reference(url));
    }
  } else if (type == MD_SPAN_IMG) {
    r.inline_text += "]";
  }
  return 0;
}

int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  auto& r = *static_cast<TextRenderer*>(userdata);
  const std::string_view value(text, size);
  switch (type) {
    case MD_TEXT_NULLCHAR:
      r.inline_text += "\xEF\xBF\xBD";
      break;
    case MD_TEXT_BR:
      r.inline_text += "\n";
      break;
    case MD_TEXT_SOFTBR:
      r.inline_text += r.in_code ? "\n" : " ";
      break;
    case MD_TEXT_ENTITY:
      r.inline_text += decode_html_entity(value);
      break;
    default:
      r.inline_text.append(value);
      break;
  }
  return 0;
}

}  // namespace

Result<std::string> markdown_to_text(std::string_view markdown) {
  TextRenderer renderer;
  if (auto parsed = parse_markdown(
          markdown, {enter_block, leave_block, enter_span, leave_span, on_text}, &renderer);
      !parsed) {
    return std::move(parsed).error();
  }
  std::string text = std::move(renderer.out);
  if (!renderer.references.empty()) {
    text += "\nLinks:\n";
    for (std::size_t i = 0; i < renderer.references.size(); ++i) {
      text += fmt::format("[{}] {}\n", i + 1, renderer.references[i]);
    }
  }
  return text;
}

}  // namespace communique
