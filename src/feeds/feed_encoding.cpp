#include "feeds/feed_encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <memory>

#include "base/text.hpp"
#include "feeds/feed_text.hpp"

namespace communique {

namespace {

// Text and XML media types carry a charset the document must follow; others (JSON, an
// octet stream a server defaulted to) say nothing about an XML document's bytes.
bool charset_applies(std::string_view content_type) {
  const std::string type =
      ascii_lower(feed_text::trimmed(content_type.substr(0, content_type.find(';'))));
  if (type.starts_with("text/")) {
    return true;
  }
  return type.starts_with("application/") && type.ends_with("xml");
}

// The encoding named in `<?xml version="1.0" encoding="..."?>` at the start of `body`.
std::string declared_encoding(std::string_view body) {
  if (!body.starts_with("<?xml")) {
    return {};
  }
  const auto end = body.find("?>");
  const std::string_view declaration = body.substr(0, end);
  auto at = declaration.find("encoding");
  if (at == std::string_view::npos) {
    return {};
  }
  at = declaration.find_first_of("\"'", at);
  if (at == std::string_view::npos) {
    return {};
  }
  const auto close = declaration.find(declaration[at], at + 1);
  if (close == std::string_view::npos) {
    return {};
  }
  return std::string(feed_text::trimmed(declaration.substr(at + 1, close - at - 1)));
}

bool names_utf8(std::string_view name) {
  return equals_ignoring_case(name, "utf-8") || equals_ignoring_case(name, "utf8") ||
         equals_ignoring_case(name, "us-ascii") || equals_ignoring_case(name, "ascii");
}

XmlEncoding encoding_named(std::string name, std::size_t bom_length) {
  const bool utf8 = names_utf8(name);
  return XmlEncoding{utf8 ? std::string("UTF-8") : std::move(name), bom_length, utf8};
}

}  // namespace

std::string charset_parameter(std::string_view content_type) {
  std::size_t at = 0;
  while ((at = content_type.find(';', at)) != std::string_view::npos) {
    ++at;
    const auto end = content_type.find(';', at);
    const std::string_view parameter = feed_text::trimmed(content_type.substr(at, end - at));
    const auto equals = parameter.find('=');
    if (equals == std::string_view::npos ||
        !equals_ignoring_case(feed_text::trimmed(parameter.substr(0, equals)), "charset")) {
      continue;
    }
    std::string_view value = feed_text::trimmed(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return {};
}

XmlEncoding xml_encoding(std::string_view body, std::string_view content_type) {
  std::size_t bom_length = 0;
  std::string bom_encoding;
  if (body.starts_with("\xef\xbb\xbf")) {
    bom_length = 3;
    bom_encoding = "UTF-8";
  } else if (body.starts_with("\xff\xfe")) {
    bom_length = 2;
    bom_encoding = "UTF-16LE";
  } else if (body.starts_with("\xfe\xff")) {
    bom_length = 2;
    bom_encoding = "UTF-16BE";
  }
  if (charset_applies(content_type)) {
    std::string charset = charset_parameter(content_type);
    if (!charset.empty()) {
      return encoding_named(std::move(charset), bom_length);
    }
  }
  if (!bom_encoding.empty()) {
    return encoding_named(std::move(bom_encoding), bom_length);
  }
  std::string declared = declared_encoding(body);
  return encoding_named(declared.empty() ? std::string("UTF-8") : std::move(declared), 0);
}

Result<std::string> to_utf8(std::string_view bytes, const XmlEncoding& encoding) {
  if (encoding.is_utf8) {
    return feed_text::well_formed_utf8(bytes);
  }
  iconv_t converter = iconv_open("UTF-8", encoding.name.c_str());
  if (converter == reinterpret_cast<iconv_t>(-1)) {
    return make_error(ErrorCode::invalid_input,
                      "the feed's encoding \"" + encoding.name +
                          "\" is not one Communiqué can read; ask the publisher to serve UTF-8");
  }
  const std::unique_ptr<void, int (*)(iconv_t)> closer(converter, iconv_close);
  std::string out(bytes.size() * 2 + 16, '\0');
  std::size_t written = 0;
  // iconv's interface takes a char** it does not write through.
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  while (in_left > 0) {
    char* out_at = out.data() + written;
    std::size_t out_left = out.size() - written;
    const std::size_t result = iconv(converter, &in, &in_left, &out_at, &out_left);
    written = out.size() - out_left;
    if (result != static_cast<std::size_t>(-1)) {
      break;
    }
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    // EILSEQ (a byte the encoding does not define) or EINVAL (a sequence cut off at the
    // end): one replacement character, and on with the next byte.
    if (out.size() - written < 3) {
      out.resize(out.size() * 2);
    }
    out.replace(written, 3, "\xef\xbf\xbd");
    written += 3;
    ++in;
    --in_left;
  }
  out.resize(written);
  return out;
}

}  // namespace communique
