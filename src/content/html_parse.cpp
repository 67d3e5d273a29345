#include "content/html_parse.hpp"

#include <libxml/parser.h>

#include <climits>
#include <mutex>
#include <string>

namespace communique {

HtmlDocument parse_html_body(std::string_view html) {
  std::string document = "<body>";
  document += html;
  if (document.size() > static_cast<std::size_t>(INT_MAX)) {
    return nullptr;
  }
  static std::once_flag initialised;
  std::call_once(initialised, [] { xmlInitParser(); });  // before threads share it
  return HtmlDocument(htmlReadMemory(document.data(), static_cast<int>(document.size()), nullptr,
                                     "UTF-8",
                                     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                         HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC));
}

}  // namespace communique
