#include "feeds/json_feed.hpp"

#include <nlohmann/json.hpp>

#include <string>

#include "feeds/feed_text.hpp"

namespace communique {

namespace {

using Json = nlohmann::json;

Error wrong(std::string what) {
  return make_error(ErrorCode::invalid_input, "JSON Feed: " + std::move(what));
}

// How deep arrays and objects nest, outside strings: checked before parsing so that the
// parser and the value's destructor never meet a pathological depth.
std::size_t nesting_depth(std::string_view body) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Reads an optional string member of `object` into `out`; an error names `path`.
Result<void> read_string(const Json& object, const char* key, const std::string& path,
                         std::string& out) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) {
    return {};
  }
  if (!found->is_string()) {
    return wrong(path + key + " must be a string");
  }
  out = found->get<std::string>();
  return {};
}

// "authors": [{"name": ...}] (1.1) or "author": {"name": ...} (1.0): the first name.
Result<std::string> read_author(const Json& object, const std::string& path) {
  const Json* author = nullptr;
  std::string author_path;
  if (const auto authors = object.find("authors"); authors != object.end() && !authors->is_null()) {
    if (!authors->is_array()) {
      return wrong(path + "authors must be an array");
    }
    if (!authors->empty()) {
      author = &authors->front();
      author_path = path + "authors[0].";
    }
  } else if (const auto single = object.find("author"); single != object.end()) {
    author = &*single;
    author_path = path + "author.";
  }
  if (author == nullptr || author->is_null()) {
    return std::string();
  }
  if (!author->is_object()) {
    return wrong(author_path.substr(0, author_path.size() - 1) + " must be an object");
  }
  std::string name;
  if (auto read = read_string(*author, "name", author_path, name); !read) {
    return std::move(read).error();
  }
  return feed_text::one_line(name);
}

Result<FeedItem> read_item(const Json& object, std::size_t index, std::string_view base_url,
                           const std::string& feed_author) {
  const std::string path = "items[" + std::to_string(index) + "].";
  if (!object.is_object()) {
    return wrong(path.substr(0, path.size() - 1) + " must be an object");
  }
  FeedItem item;
  if (const auto id = object.find("id"); id != object.end() && !id->is_null()) {
    if (id->is_string()) {
      item.guid = id->get<std::string>();
    } else if (id->is_number()) {
      item.guid = id->dump();  // JSON Feed 1.0 allowed numbers; they are read as written
    } else {
      return wrong(path + "id must be a string");
    }
  }
  std::string url, external_url, title, content_html, content_text, summary, published, modified,
      language;
  for (const auto& [key, out] : {std::pair<const char*, std::string*>{"url", &url},
                                 {"external_url", &external_url},
                                 {"title", &title},
                                 {"content_html", &content_html},
                                 {"content_text", &content_text},
                                 {"summary", &summary},
                                 {"date_published", &published},
                                 {"date_modified", &modified},
                                 {"language", &language}}) {
    if (auto read = read_string(object, key, path, *out); !read) {
      return std::move(read).error();
    }
  }
  auto author = read_author(object, path);
  if (!author) {
    return std::move(author).error();
  }
  item.guid = std::string(feed_text::trimmed(item.guid));
  const std::string& link = feed_text::trimmed(url).empty() ? external_url : url;
  item.link = feed_text::trimmed(link).empty() ? std::string() : resolve_url(base_url, link);
  item.title = feed_text::one_line(title);
  if (!feed_text::trimmed(content_html).empty()) {
    item.content_html = feed_text::sanitised_content(content_html, base_url);
  } else if (!feed_text::trimmed(content_text).empty()) {
    item.content_html = feed_text::content_from_text(content_text);
  } else {
    item.content_html = feed_text::content_from_text(summary);
  }
  item.author = author->empty() ? feed_author : std::move(*author);
  item.published = parse_feed_date(published);
  item.updated = parse_feed_date(modified);
  item.language = feed_text::one_line(language);
  return item;
}

}  // namespace

Result<ParsedFeed> parse_json_feed(std::string_view body, std::string_view base_url) {
  if (nesting_depth(body) > kMaxFeedDepth) {
    return wrong("arrays and objects nest more than " + std::to_string(kMaxFeedDepth) +
                 " deep; no feed needs that many, so the document is refused");
  }
  const std::string text = feed_text::well_formed_utf8(body);
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::parse_error& error) {
    return wrong("malformed JSON at byte " + std::to_string(error.byte) + ": " +
                 std::string(error.what()));
  }
  if (!document.is_object()) {
    return make_error(ErrorCode::invalid_input,
                      "not a feed: the JSON document is not an object with a JSON Feed version");
  }
  std::string version;
  if (auto read = read_string(document, "version", "", version); !read) {
    return std::move(read).error();
  }
  if (!version.starts_with("https://jsonfeed.org/version/")) {
    return make_error(ErrorCode::invalid_input,
                      "not a feed: the JSON document has no JSON Feed version (\"version\": "
                      "\"https://jsonfeed.org/version/1.1\")");
  }
  ParsedFeed feed;
  feed.format = "json";
  std::string title, home, language;
  for (const auto& [key, out] : {std::pair<const char*, std::string*>{"title", &title},
                                 {"home_page_url", &home},
                                 {"language", &language}}) {
    if (auto read = read_string(document, key, "", *out); !read) {
      return std::move(read).error();
    }
  }
  feed.title = feed_text::one_line(title);
  feed.link = feed_text::trimmed(home).empty() ? std::string() : resolve_url(base_url, home);
  feed.language = feed_text::one_line(language);
  const auto items = document.find("items");
  if (items == document.end() || !items->is_array()) {
    return wrong("items must be an array");
  }
  if (items->size() > kMaxFeedItems) {
    return make_error(ErrorCode::invalid_input,
                      "the feed has more than " + std::to_string(kMaxFeedItems) +
                          " items; Communiqué reads feeds of at most that many");
  }
  // JSON Feed 1.1: an item without authors has the feed's.
  auto feed_author = read_author(document, "");
  if (!feed_author) {
    return std::move(feed_author).error();
  }
  feed.items.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto item = read_item((*items)[i], i, base_url, *feed_author);
    if (!item) {
      return std::move(item).error();
    }
    if (item->language.empty()) {
      item->language = feed.language;
    }
    feed.items.push_back(std::move(*item));
  }
  return feed;
}

}  // namespace communique
