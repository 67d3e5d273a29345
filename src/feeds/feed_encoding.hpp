// The encoding of an XML feed, in the order RFC 3023 and RFC 7303 give: the charset
// parameter of an XML or text Content-Type, else the byte-order mark, else the encoding
// the XML declaration names, else UTF-8. Deciding it here, once, lets the parser read
// UTF-8 and ignore the declaration, so that a windows-1251 feed served as such but
// declared (wrongly) as UTF-8, or not declared at all, still reads as Cyrillic.
//
// Conversion is iconv's, here rather than libxml2's: a byte the encoding does not define
// becomes U+FFFD, as a bad byte of UTF-8 does, where libxml2 would stop reading there and
// report the document whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace communique {

struct XmlEncoding {
  std::string name;            // as written ("windows-1251", "UTF-8"); never empty
  std::size_t bom_length = 0;  // bytes of byte-order mark to skip
  bool is_utf8 = false;        // UTF-8 or an ASCII subset of it
};

XmlEncoding xml_encoding(std::string_view body, std::string_view content_type);

// `bytes` (without their byte-order mark) in `encoding`, as well-formed UTF-8; every byte
// sequence the encoding does not define is one U+FFFD. An error when the encoding is not
// one iconv knows.
Result<std::string> to_utf8(std::string_view bytes, const XmlEncoding& encoding);

// The charset parameter of a Content-Type ("text/xml; charset=\"KOI8-R\"" → "KOI8-R"),
// empty when there is none.
std::string charset_parameter(std::string_view content_type);

}  // namespace communique
