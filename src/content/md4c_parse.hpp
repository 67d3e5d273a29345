// The md4c parser set up as both Markdown renderers use it (GitHub dialect, raw HTML
// shown as text). Internal to the content module.
#pragma once

#include <md4c.h>

#include <string_view>

#include "base/result.hpp"

namespace communique {

struct MarkdownCallbacks {
  int (*enter_block)(MD_BLOCKTYPE, void*, void*);
  int (*leave_block)(MD_BLOCKTYPE, void*, void*);
  int (*enter_span)(MD_SPANTYPE, void*, void*);
  int (*leave_span)(MD_SPANTYPE, void*, void*);
  int (*text)(MD_TEXTTYPE, const MD_CHAR*, MD_SIZE, void*);
};

inline Result<void> parse_markdown(std::string_view markdown, const MarkdownCallbacks& callbacks,
                                   void* renderer) {
  MD_PARSER parser{};
  parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
  parser.enter_block = callbacks.enter_block;
  parser.leave_block = callbacks.leave_block;
  parser.enter_span = callbacks.enter_span;
  parser.leave_span = callbacks.leave_span;
  parser.text = callbacks.text;
  if (md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, renderer) != 0) {
    return make_error(ErrorCode::internal, "the Markdown parser ran out of memory");
  }
  return ok();
}

}  // namespace communique
