// resolve_url: RFC 3986 reference resolution through libxml2's URI module.
#include <libxml/uri.h>
#include <libxml/xmlmemory.h>

#include <memory>
#include <string>

#include "feeds/feed_parse.hpp"
#include "feeds/feed_text.hpp"

namespace communique {

namespace {

using XmlString = std::unique_ptr<xmlChar, decltype(xmlFree)>;
using Uri = std::unique_ptr<xmlURI, decltype(&xmlFreeURI)>;

std::string owned(xmlChar* text) {
  const XmlString holder(text, xmlFree);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

// RFC 3986 §5.2.4: "." and ".." segments taken out of an absolute path.
std::string remove_dot_segments(std::string_view path) {
  std::string out;
  while (!path.empty()) {
    if (path.starts_with("../")) {
      path.remove_prefix(3);
    } else if (path.starts_with("./")) {
      path.remove_prefix(2);
    } else if (path.starts_with("/./")) {
      path.remove_prefix(2);
    } else if (path == "/.") {
      path = "/";
    } else if (path.starts_with("/../") || path == "/..") {
      path = path.size() == 3 ? std::string_view("/") : path.substr(3);
      const auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (path == "." || path == "..") {
      path = {};
    } else {
      const auto next = path.find('/', 1);
      out += path.substr(0, next);
      path = next == std::string_view::npos ? std::string_view() : path.substr(next);
    }
  }
  return out;
}

bool has_dot_segment(std::string_view path) {
  return path.find("/./") != std::string_view::npos ||
         path.find("/../") != std::string_view::npos || path.ends_with("/.") ||
         path.ends_with("/..");
}

// libxml2 2.9 copies an absolute-path reference ("/../g") without removing its dot
// segments; the resolved URL is read back and its path cleaned as RFC 3986 says.
std::string without_dot_segments(std::string url) {
  const Uri uri(xmlParseURI(url.c_str()), xmlFreeURI);
  if (uri == nullptr || uri->path == nullptr || uri->scheme == nullptr ||
      !has_dot_segment(reinterpret_cast<const char*>(uri->path))) {
    return url;
  }
  const std::string path = remove_dot_segments(reinterpret_cast<const char*>(uri->path));
  xmlFree(uri->path);
  uri->path = reinterpret_cast<char*>(xmlStrdup(reinterpret_cast<const xmlChar*>(path.c_str())));
  std::string cleaned = owned(xmlSaveUri(uri.get()));
  return cleaned.empty() ? url : cleaned;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Bytes a URI may not carry as written (spaces, controls, non-ASCII, the few ASCII
// characters RFC 3986 excludes, and a '%' that starts no escape) percent-encoded;
// everything else, escapes included, kept.
std::string percent_encode_loose(std::string_view reference) {
  static constexpr std::string_view kExcluded = " \"<>\\^`{|}";
  std::string out;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const char c = reference[i];
    const auto byte = static_cast<unsigned char>(c);
    const bool stray_percent = c == '%' && !(i + 2 < reference.size() && is_hex(reference[i + 1]) &&
                                             is_hex(reference[i + 2]));
    if (byte <= 0x20 || byte >= 0x7f || kExcluded.find(c) != std::string_view::npos ||
        stray_percent) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

std::string build(const std::string& base, const std::string& reference) {
  return owned(xmlBuildURI(reinterpret_cast<const xmlChar*>(reference.c_str()),
                           reinterpret_cast<const xmlChar*>(base.c_str())));
}

}  // namespace

std::string resolve_url(std::string_view base, std::string_view reference) {
  const std::string trimmed(feed_text::trimmed(reference));
  const std::string base_text(feed_text::trimmed(base));
  if (base_text.empty()) {
    return trimmed;
  }
  std::string resolved = build(base_text, trimmed);
  if (resolved.empty()) {
    resolved = build(percent_encode_loose(base_text), percent_encode_loose(trimmed));
  }
  if (resolved.empty()) {
    return trimmed;
  }
  return without_dot_segments(std::move(resolved));
}

}  // namespace communique
