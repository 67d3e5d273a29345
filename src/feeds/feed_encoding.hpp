// The encoding of an XML feed, in the order RFC 3023 and RFC 7303 give: the charset
// parameter of an XML or text Content-Type, else the byte-order mark, else the encoding
// the XML declaration names, else UTF-8. Deciding it here, once, lets the parser be told
// the encoding and ignore the declaration, so that a windows-1251 feed served as such but
// declared (wrongly) as UTF-8, or not declared at all, still reads as Cyrillic.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace communique {

struct XmlEncoding {
  std::string name;            // as written ("windows-1251", "UTF-8"); never empty
  std::size_t bom_length = 0;  // bytes of byte-order mark to skip
  bool is_utf8 = false;        // UTF-8 or an ASCII subset of it
};

XmlEncoding xml_encoding(std::string_view body, std::string_view content_type);

// The charset parameter of a Content-Type ("text/xml; charset=\"KOI8-R\"" → "KOI8-R"),
// empty when there is none.
std::string charset_parameter(std::string_view content_type);

}  // namespace communique
