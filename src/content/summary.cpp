#include "content/summary.hpp"

#include "base/text.hpp"
#include "content/html_sanitizer.hpp"
#include "content/html_text.hpp"
#include "content/md4c_parse.hpp"

namespace communique {

namespace {

// Collects the prose of a Markdown body, and apart, for the fallback, the rest of its
// words: headings, code and tables.
struct ProseCollector {
  std::string prose;
  std::string rest;
  int skipped = 0;  // depth inside images: their alt text is no sentence
  int aside = 0;    // depth inside headings, code blocks and tables

  std::string& target() { return aside > 0 ? rest : prose; }
};

bool is_aside(MD_BLOCKTYPE type) {
  return type == MD_BLOCK_H || type == MD_BLOCK_CODE || type == MD_BLOCK_TABLE ||
         type == MD_BLOCK_HTML;
}

int enter_block(MD_BLOCKTYPE type, void*, void* userdata) {
  static_cast<ProseCollector*>(userdata)->aside += is_aside(type) ? 1 : 0;
  return 0;
}

int leave_block(MD_BLOCKTYPE type, void*, void* userdata) {
  auto& c = *static_cast<ProseCollector*>(userdata);
  c.target() += ' ';  // every block (and table cell) ends its last word
  c.aside -= is_aside(type) ? 1 : 0;
  return 0;
}

int enter_span(MD_SPANTYPE type, void*, void* userdata) {
  static_cast<ProseCollector*>(userdata)->skipped += type == MD_SPAN_IMG ? 1 : 0;
  return 0;
}

int leave_span(MD_SPANTYPE type, void*, void* userdata) {
  static_cast<ProseCollector*>(userdata)->skipped -= type == MD_SPAN_IMG ? 1 : 0;
  return 0;
}

int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  auto& c = *static_cast<ProseCollector*>(userdata);
  if (c.skipped > 0) {
    return 0;
  }
  const std::string_view value(text, size);
  switch (type) {
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
      c.target() += ' ';
      break;
    case MD_TEXT_NULLCHAR:
      c.target() += "\xEF\xBF\xBD";
      break;
    case MD_TEXT_ENTITY:
      c.target() += decode_html_entity(value);
      break;
    default:
      c.target().append(value);
      break;
  }
  return 0;
}

bool starts_code_point(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

// `text` with its whitespace collapsed, cut at a word boundary past `limit` code points.
std::string first_words(std::string_view text, std::size_t limit) {
  std::string words;
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_ascii_space(c)) {
      if (!words.empty() && words.back() != ' ') {
        words += ' ';
        ++count;
      }
      continue;
    }
    if (starts_code_point(c) && ++count > limit) {
      // Cut at the last space; a single word longer than the limit is cut where it is.
      const auto space = words.find_last_of(' ');
      if (space != std::string::npos && space > 0) {
        words.resize(space);
      }
      while (!words.empty() && (words.back() == ' ' || words.back() == ',' || words.back() == ';' ||
                                words.back() == ':')) {
        words.pop_back();
      }
      return words + "\xE2\x80\xA6";
    }
    words += c;
  }
  while (!words.empty() && words.back() == ' ') {
    words.pop_back();
  }
  return words;
}

}  // namespace

std::string summarise(std::span<const IssueSection> sections, std::size_t limit) {
  std::string prose;
  std::string rest;  // the fallback: titles, headings, code and tables
  for (const auto& section : sections) {
    rest += section.title + ' ';
    if (section.format == BodyFormat::markdown) {
      ProseCollector collector;
      // A parse that runs out of memory leaves what it collected: a summary needs no more.
      (void)parse_markdown(section.body,
                           {enter_block, leave_block, enter_span, leave_span, on_text}, &collector);
      prose += collector.prose + ' ';
      rest += collector.rest + ' ';
    } else {
      // Sanitised first: rows older than the sanitiser may hold comments and scripts.
      const auto safe = sanitise_html(section.body);
      prose += html_prose(safe) + ' ';
      rest += html_to_text(safe) + ' ';
    }
    if (prose.size() > limit * 4 + 64) {
      break;  // enough words: even four bytes a character fill the limit
    }
  }
  auto summary = first_words(prose, limit);
  return summary.empty() ? first_words(rest, limit) : summary;
}

}  // namespace communique
