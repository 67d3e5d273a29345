// PostStore: posts and the sections of lists, as the store keeps them.
//
// Policy: section names are unique inside their list (ignoring ASCII case) and their
// positions are 0..n-1 with no gaps; a section that posts use cannot be removed. A post's
// slug is unique (the store adds "-2", "-3"... to a slug taken); its topics are of its own
// list. Publishing numbers a post (published_seq) in one statement, so two posts published
// at once never share a number and a digest run that counts up to a number misses none.
// A post that a digest carried cannot be removed (its letters and archive page name it).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/post.hpp"

namespace communique {

class PostStore {
 public:
  virtual ~PostStore() = default;

  // Sections, in their order. create_section appends; conflict when the name is taken,
  // not_found when there is no such list.
  virtual Result<Section> create_section(ListId list, const std::string& name, Timestamp now) = 0;
  virtual Result<std::vector<Section>> sections(ListId list) = 0;
  // Moves a section to `position` (0 first; past the end: last) and renumbers the others;
  // returns the list's sections in their new order.
  virtual Result<std::vector<Section>> move_section(SectionId id, int position) = 0;
  virtual Result<Section> rename_section(SectionId id, const std::string& name) = 0;
  // conflict when posts are in it (move or remove them first).
  virtual Result<void> remove_section(SectionId id) = 0;

  // Writes a new post with its topics, as one transaction; a published post is numbered.
  // not_found when its list, section or a topic is not there (or not of its list).
  virtual Result<Post> create_post(const Post& post, Timestamp now) = 0;
  virtual Result<Post> find_post(PostId id) = 0;
  virtual Result<Post> find_post_by_slug(const std::string& slug) = 0;
  // Posts matching `filter`, newest first, with their topics.
  virtual Result<std::vector<Post>> posts(const PostFilter& filter) = 0;
  // Posts by id (those that exist), with their topics, in the order of `ids`.
  virtual Result<std::vector<Post>> posts_by_id(std::span<const PostId> ids) = 0;
  // The published translations of `originals` (posts whose translation_of is one of them).
  virtual Result<std::vector<Post>> translations_of(std::span<const PostId> originals) = 0;
  // The published posts of `list` numbered after `after_seq`, in that order, with their
  // topics: what a digest run collects. `published_since` (when given) keeps only those
  // published at or after it (a first run looks back one period).
  virtual Result<std::vector<Post>> published_posts(ListId list, std::int64_t after_seq,
                                                    std::optional<Timestamp> published_since) = 0;
  // The highest number a published post of `list` has (0: none).
  virtual Result<std::int64_t> last_published_seq(ListId list) = 0;

  virtual Result<Post> update_post(PostId id, const PostChanges& changes, Timestamp now) = 0;
  // Publishes a draft (at `published_at`, and numbers it); conflict when it is published.
  virtual Result<Post> publish_post(PostId id, Timestamp published_at, Timestamp now) = 0;
  // Records that the post's own letter went to the list's immediate subscribers.
  virtual Result<void> set_post_announced(PostId id, Timestamp at) = 0;
  // conflict when a digest carried it.
  virtual Result<void> remove_post(PostId id) = 0;
};

}  // namespace communique
