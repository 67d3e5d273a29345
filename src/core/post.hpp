// Posts and sections: the items an editor publishes to a list, which digests collect.
//
// A post belongs to one list and one of its sections, carries topics of that list, is
// written in Markdown (the dialect letters use) in one language, and is a draft or
// published. Sections are data per list, in the order digests show them. A post may be a
// translation of another (`translation_of`, always the original): a digest then gives each
// reader the version in their language, else the list's fallback language, else the
// original. `source` says where a post came from ("local": written here) and
// `external_id` what it is called there, so that an item fetched again is known.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/issue.hpp"
#include "core/mailing_list.hpp"
#include "core/time.hpp"

namespace communique {

using SectionId = std::int64_t;

struct Section {
  SectionId id = 0;
  ListId list_id = 0;
  std::string name;
  int position = 0;        // 0 first
  std::int64_t posts = 0;  // how many posts are in it (filled by PostStore::sections)
};

enum class PostStatus { draft, published };

std::string_view to_string(PostStatus status);  // "draft" | "published"
std::optional<PostStatus> parse_post_status(std::string_view text);

inline constexpr std::string_view kLocalSource = "local";

struct Post {
  PostId id = 0;
  ListId list_id = 0;
  SectionId section_id = 0;
  std::string section_name;  // filled by the store when read
  std::string slug;          // its web page: /posts/{slug}; unique
  std::string title;
  std::string body;      // Markdown
  std::string language;  // BCP 47; empty: unknown
  PostStatus status = PostStatus::draft;
  std::optional<Timestamp> published_at;  // the time it says it was published
  // Its number in the order posts became published here (0 for a draft): what digest
  // runs count in, whatever `published_at` says.
  std::int64_t published_seq = 0;
  std::string source{kLocalSource};
  std::string external_id;
  std::optional<PostId> translation_of;   // the original, when this is a translation
  std::vector<TopicId> topics;            // of its list
  std::optional<Timestamp> announced_at;  // its own letter to immediate subscribers went
  Timestamp created_at{};
  Timestamp updated_at{};
};

// What changes on a post; an absent field stays as it is.
struct PostChanges {
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::string> language;
  std::optional<SectionId> section_id;
  std::optional<std::vector<TopicId>> topics;
  std::optional<std::optional<PostId>> translation_of;
  std::optional<Timestamp> published_at;
};

// Which posts to read, newest first (by id), a page at a time.
struct PostFilter {
  std::optional<ListId> list;
  std::optional<PostStatus> status;
  std::optional<Timestamp> since;  // published at or after
  PostId before = 0;               // keyset: ids below this (0: from the newest)
  std::size_t limit = 100;
};

// Checks a post's title: 1 to 300 characters of UTF-8 without control characters.
Result<std::string> validate_post_title(std::string_view title);

// Checks a post's body: valid UTF-8, at most 1 MiB, no control characters but tab and line
// breaks. Empty is allowed (a post may be its title alone).
Result<std::string> validate_post_body(std::string_view body);

// Checks and normalises what a person writes in a post (title, body, language): the one set
// of rules for the CLI and the API. The message of an error names the field ("title: ...").
Result<Post> normalise_post(Post post);
Result<PostChanges> normalise_post_changes(PostChanges changes);

// The slug a post's title gives ("Meeting with the Minister" → "meeting-with-the-minister"),
// or "post" when the title has no ASCII letter or digit. The store makes it unique.
std::string post_slug(std::string_view title);

}  // namespace communique
