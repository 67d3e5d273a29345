#include "http/post_feed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "content/html_sanitizer.hpp"
#include "content/markdown.hpp"

namespace communique {

namespace {

// The host of a base URL ("https://news.example.org:8443/x" → "news.example.org").
std::string host_of(const std::string& base_url) {
  auto rest = std::string_view(base_url);
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
  }
  rest = rest.substr(0, rest.find_first_of("/:?#"));
  return rest.empty() ? "localhost" : std::string(rest);
}

// FNV-1a, 64 bits: an ETag needs a cheap hash that is the same in every run.
std::uint64_t fingerprint(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string post_html(const Post& post) {
  auto html = markdown_to_html(post.body);
  return html ? sanitise_html(*html) : escape_html(post.body);
}

}  // namespace

std::string tag_uri(const std::string& base_url, Timestamp day, const std::string& specific) {
  return "tag:" + host_of(base_url) + "," + format_date(utc_day(day)) + ":" + specific;
}

std::string render_post_feed(const PostFeed& feed, std::span<const Post> posts,
                             const std::map<TopicId, std::string>& topic_names,
                             const SenderIdentity& identity) {
  const std::string& base = identity.base_url;
  const std::string& author =
      identity.from_name.empty() ? identity.organisation : identity.from_name;
  Timestamp updated = feed.created_at;
  for (const auto& post : posts) {
    updated = std::max(updated, post.updated_at);
  }
  std::string xml = fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      "  <title>{}</title>\n  <id>{}</id>\n"
      "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n"
      "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n"
      "  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
      escape_html(feed.title), escape_html(tag_uri(base, feed.created_at, feed.tag)),
      escape_html(base + feed.self_path), escape_html(base + feed.page_path),
      format_iso8601(updated), escape_html(author));
  for (const auto& post : posts) {
    const std::string url = escape_html(base + "/posts/" + post.slug);
    std::string categories;
    for (TopicId topic : post.topics) {
      if (auto name = topic_names.find(topic); name != topic_names.end()) {
        categories += fmt::format("    <category term=\"{}\"/>\n", escape_html(name->second));
      }
    }
    xml += fmt::format(
        "  <entry>\n    <title type=\"text\">{}</title>\n    <id>{}</id>\n"
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n"
        "    <published>{}</published>\n    <updated>{}</updated>\n"
        "{}    <content type=\"html\">{}</content>\n  </entry>\n",
        escape_html(post.title),
        escape_html(tag_uri(base, post.created_at, "posts/" + std::to_string(post.id))), url,
        format_iso8601(post.published_at.value_or(post.created_at)),
        format_iso8601(post.updated_at), categories, escape_html(post_html(post)));
  }
  xml += "</feed>\n";
  return xml;
}

HttpResponse feed_response(const HttpRequest& request, std::string xml) {
  const std::string etag = fmt::format("\"{:016x}\"", fingerprint(xml));
  HttpResponse response;
  response.content_type = "application/atom+xml; charset=utf-8";
  response.headers.emplace_back("ETag", etag);
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  const std::string& wanted = request.header("if-none-match");
  if (!wanted.empty() && (wanted == etag || wanted == "W/" + etag)) {
    response.status = 304;
    response.content_type.clear();
    return response;
  }
  response.body = std::move(xml);
  return response;
}

}  // namespace communique
