#include "feeds/feed_xml_reader.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/text.hpp"
#include "feeds/feed_encoding.hpp"
#include "feeds/feed_parse.hpp"
#include "feeds/feed_text.hpp"

namespace communique {

namespace {

// An HTML character entity (&nbsp;) given to libxml2 as if XML predefined it.
struct HtmlEntity {
  std::string name;
  std::string text;  // the character, UTF-8
  xmlEntity entity{};
};

// What the SAX hooks share, reached through the parser context's _private.
struct ReadState {
  const FeedXmlHandler* handler;
  std::optional<Error> error;  // why the read was stopped, when it was
  std::optional<Error> first_malformation;
  bool root_seen = false;
  std::map<std::string, HtmlEntity, std::less<>> html_entities;  // nodes never move
};

ReadState& state_of(void* context) {
  return *static_cast<ReadState*>(static_cast<xmlParserCtxtPtr>(context)->_private);
}

void stop(void* context, Error error) {
  ReadState& state = state_of(context);
  if (!state.error) {
    state.error = std::move(error);
  }
  xmlStopParser(static_cast<xmlParserCtxtPtr>(context));
}

std::string_view text_of(const xmlChar* text) {
  return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
}

// <!DOCTYPE name SYSTEM "..."> or PUBLIC: an external DTD is never read, and a document
// that names one is refused rather than read in part.
void on_document_type(void* context, const xmlChar* name, const xmlChar* public_id,
                      const xmlChar* system_id) {
  // A web page where a feed was expected is the usual case, and worth naming as such.
  if (equals_ignoring_case(text_of(name), "html")) {
    stop(context, make_error(ErrorCode::invalid_input,
                             "not a feed: the document is an HTML page (<!DOCTYPE html>); "
                             "look in it for the address of its feed"));
    return;
  }
  if (public_id == nullptr && system_id == nullptr) {
    xmlSAX2InternalSubset(context, name, public_id, system_id);
    return;
  }
  stop(context, make_error(ErrorCode::invalid_input,
                           "the document names an external DTD (" +
                               std::string(text_of(system_id != nullptr ? system_id : public_id)) +
                               "), which Communiqué refuses to read: a feed needs no DTD; ask "
                               "the publisher to remove the <!DOCTYPE> line"));
}

// <!ENTITY ...>: refused at the first declaration, before any reference is expanded.
void on_entity_declaration(void* context, const xmlChar* name, int, const xmlChar*, const xmlChar*,
                           xmlChar*) {
  stop(context,
       make_error(ErrorCode::invalid_input,
                  "the document declares entities (<!ENTITY " + std::string(text_of(name)) +
                      ">), which Communiqué refuses: they can expand without bound or read "
                      "files; ask the publisher to write the text itself"));
}

void on_unparsed_entity_declaration(void* context, const xmlChar* name, const xmlChar*,
                                    const xmlChar*, const xmlChar*) {
  on_entity_declaration(context, name, 0, nullptr, nullptr, nullptr);
}

std::string utf8_of(unsigned int code) {
  std::string out;
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xe0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
  return out;
}

// &name; where no entity is declared (none may be): XML would stop there, but feeds write
// HTML's character entities (&nbsp;, &eacute;) into their text often enough that feed
// readers read them as the character they name, and so does this. Each is one character, so
// nothing can expand; any other name is the malformation it is.
xmlEntityPtr on_entity_reference(void* context, const xmlChar* name) {
  // In an attribute value libxml2 copies one byte of a predefined entity, which would cut
  // a character in two: there the reference stays the malformation XML says it is.
  if (static_cast<xmlParserCtxtPtr>(context)->instate == XML_PARSER_ATTRIBUTE_VALUE) {
    return nullptr;
  }
  ReadState& state = state_of(context);
  const std::string_view key = text_of(name);
  if (const auto known = state.html_entities.find(key); known != state.html_entities.end()) {
    return &known->second.entity;
  }
  const htmlEntityDesc* html = htmlEntityLookup(name);
  if (html == nullptr) {
    return nullptr;
  }
  HtmlEntity& added = state.html_entities[std::string(key)];
  added.name = key;
  added.text = utf8_of(html->value);
  added.entity.type = XML_ENTITY_DECL;
  added.entity.etype = XML_INTERNAL_PREDEFINED_ENTITY;
  added.entity.name = reinterpret_cast<const xmlChar*>(added.name.c_str());
  added.entity.content = reinterpret_cast<xmlChar*>(added.text.data());
  added.entity.length = static_cast<int>(added.text.size());
  return &added.entity;
}

void on_start_element(void* context, const xmlChar* local_name, const xmlChar* prefix,
                      const xmlChar* uri, int namespace_count, const xmlChar** namespaces,
                      int attribute_count, int defaulted_count, const xmlChar** attributes) {
  xmlSAX2StartElementNs(context, local_name, prefix, uri, namespace_count, namespaces,
                        attribute_count, defaulted_count, attributes);
  auto* parser = static_cast<xmlParserCtxtPtr>(context);
  ReadState& state = state_of(context);
  if (parser->node == nullptr) {
    return;  // out of memory: libxml2 has stopped already
  }
  if (static_cast<std::size_t>(parser->nodeNr) > kMaxFeedDepth) {
    stop(context, make_error(ErrorCode::invalid_input,
                             "elements nest more than " + std::to_string(kMaxFeedDepth) +
                                 " deep (at line " + std::to_string(xmlGetLineNo(parser->node)) +
                                 "); no feed needs that many, so the document is refused"));
    return;
  }
  if (!state.root_seen) {
    state.root_seen = true;
    auto accepted = state.handler->on_root(*parser->node);
    if (!accepted) {
      stop(context, std::move(accepted).error());
    }
  }
}

void on_end_element(void* context, const xmlChar* local_name, const xmlChar* prefix,
                    const xmlChar* uri) {
  auto* parser = static_cast<xmlParserCtxtPtr>(context);
  xmlNodePtr closing = parser->node;
  xmlSAX2EndElementNs(context, local_name, prefix, uri);
  ReadState& state = state_of(context);
  if (closing == nullptr || state.error || !state.handler->is_entry(*closing)) {
    return;
  }
  auto handled = state.handler->on_entry(*closing);
  xmlUnlinkNode(closing);
  xmlFreeNode(closing);
  // libxml2 appends the next text to the last text node it made when it knows its size;
  // with the entry gone that size may describe a freed node, so it is forgotten.
  parser->nodelen = 0;
  parser->nodemem = 0;
  if (!handled) {
    stop(context, std::move(handled).error());
  }
}

// libxml2 goes on after the first error and reports what follows from it; the first is
// the one that says what is wrong, so it is the one kept.
// Namespace errors (a prefix never declared) are not: libxml2 reads on, and so do we.
void on_error(void* context, xmlErrorPtr error) {
  if (error == nullptr || error->level < XML_ERR_ERROR || error->domain == XML_FROM_NAMESPACE) {
    return;
  }
  ReadState& state = state_of(context);
  if (state.first_malformation) {
    return;
  }
  const std::string message(
      feed_text::trimmed(error->message != nullptr ? error->message : "unreadable"));
  state.first_malformation = make_error(
      ErrorCode::invalid_input, "malformed XML at line " + std::to_string(error->line) +
                                    ", column " + std::to_string(error->int2) + ": " + message);
}

}  // namespace

Result<XmlDocument> read_feed_xml(std::string_view body, std::string_view content_type,
                                  std::string_view url, const FeedXmlHandler& handler) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { xmlInitParser(); });  // before threads share it

  // libxml2 is given UTF-8 alone, so that it needs no converter (and no copy of the input)
  // for what nearly every feed is, and never meets a byte it cannot decode.
  const XmlEncoding encoding = xml_encoding(body, content_type);
  body.remove_prefix(encoding.bom_length);
  std::string converted;
  if (!encoding.is_utf8 || !is_valid_utf8(body)) {
    auto utf8 = to_utf8(body, encoding);
    if (!utf8) {
      return std::move(utf8).error();
    }
    converted = std::move(*utf8);
    body = converted;
  }

  const std::string url_text(url);
  const std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> parser(
      xmlCreatePushParserCtxt(nullptr, nullptr, nullptr, 0,
                              url_text.empty() ? nullptr : url_text.c_str()),
      xmlFreeParserCtxt);
  if (parser == nullptr) {
    return make_error(ErrorCode::internal, "out of memory reading the feed");
  }
  // No XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR, XML_PARSE_XINCLUDE or
  // XML_PARSE_HUGE: each would let the document reach beyond itself or past the limits.
  // The declaration's encoding is ignored: xml_encoding has decided it. White space is
  // kept (no XML_PARSE_NOBLANKS): between two elements of XHTML content it is a word's end.
  xmlCtxtUseOptions(parser.get(), XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC |
                                      XML_PARSE_COMPACT);
  ReadState state{&handler};
  parser->_private = &state;
  xmlSAXHandler* sax = parser->sax;
  sax->internalSubset = on_document_type;
  sax->entityDecl = on_entity_declaration;
  sax->unparsedEntityDecl = on_unparsed_entity_declaration;
  sax->getEntity = on_entity_reference;
  sax->startElementNs = on_start_element;
  sax->endElementNs = on_end_element;
  sax->serror = on_error;

  // Pushed in pieces, so that libxml2 holds one piece of the input at a time rather than
  // a copy of all of it; what it has read it lets go.
  constexpr std::size_t kPiece = 64 * 1024;
  do {
    const std::size_t size = std::min(kPiece, body.size());
    const bool last = size == body.size();
    xmlParseChunk(parser.get(), body.data(), static_cast<int>(size), last ? 1 : 0);
    body.remove_prefix(size);
  } while (!body.empty() && !state.error && parser->instate != XML_PARSER_EOF);

  XmlDocument document(parser->myDoc, xmlFreeDoc);
  parser->myDoc = nullptr;
  if (state.error) {
    return std::move(*state.error);
  }
  // A parse that stopped early (disableSAX) without saying why is refused too: what was
  // read may be a part of the feed.
  if (document == nullptr || !parser->wellFormed || parser->disableSAX != 0) {
    return state.first_malformation.value_or(
        make_error(ErrorCode::invalid_input, "malformed XML: the document could not be read"));
  }
  return document;
}

}  // namespace communique
