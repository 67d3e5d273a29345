// Atom feeds of posts (RFC 4287): a public list's posts, or those of one of its topics.
//
// Policy: an entry's id is a tag URI (RFC 4151) made of the site's host, the day the post
// was written and its number, so it stays the same when the post is edited or retitled and
// readers never see an edited post as new. An entry carries the post's page as its link,
// its publication and last change, its topics as categories, the sender's name as author,
// and its body as HTML made as on the page (Markdown rendered, then sanitised), escaped
// once more as XML. A feed answers a conditional GET: its ETag is a hash of its bytes, so
// an unchanged feed is a 304 without a body.
#pragma once

#include <map>
#include <span>
#include <string>

#include "core/post.hpp"
#include "core/sender_identity.hpp"
#include "http/http_types.hpp"

namespace communique {

struct PostFeed {
  std::string title;
  std::string page_path;   // the page the feed is of ("/archive/press"), from the site's root
  std::string self_path;   // the feed's own path
  std::string tag;         // what the feed's id names after the host ("lists/3/topics/7")
  Timestamp created_at{};  // the day in the feed's id, and its time when it has no entry
};

// The tag URI of `specific` on the site of `base_url`, dated `day`:
// "tag:news.example.org,2026-12-03:posts/12".
std::string tag_uri(const std::string& base_url, Timestamp day, const std::string& specific);

// The feed's XML. `topic_names` names the topics the posts carry.
std::string render_post_feed(const PostFeed& feed, std::span<const Post> posts,
                             const std::map<TopicId, std::string>& topic_names,
                             const SenderIdentity& identity);

// `xml` as the answer to `request`: 304 when its If-None-Match names the feed's ETag.
HttpResponse feed_response(const HttpRequest& request, std::string xml);

}  // namespace communique
