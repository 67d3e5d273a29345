// Digest letters: an issue made of posts, rendered once, then selected per reader.
//
// Policy:
// - every post of the digest and each published translation of it is rendered once
//   (Markdown → HTML and text, the dialect letters use) when the issue is prepared; with
//   `excerpt_words` N > 0 a longer post is cut near N words at a block boundary (or, for a
//   block longer than that, at a word boundary inside it) *in its Markdown*, so both parts
//   come from one rendering and the HTML stays well-formed; the template adds a "Read more"
//   link to its page;
// - a reader's selection: the items whose topics meet the topics they chose of the list
//   (none chosen: every item; an item without topics reaches everyone), each once, minus
//   the posts they already received; each in their language where a published translation
//   exists, else in the list's fallback language, else as written. An empty selection means
//   no letter;
// - a selection is a small value (item and version indices) so that readers who would get
//   the same letter share one prepared and planned variant (delivery/digest_letters.hpp
//   keeps them), and composing a digest letter costs what a plain letter costs.
// Nothing here reads the store: delivery/issue_letters.cpp reads the posts and passes them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/post.hpp"
#include "mail/letter.hpp"

namespace communique {

// One item of a digest: a post of the issue with the versions readers may get.
struct DigestItem {
  // The issue's posts it stands for (a post, and a translation of it the issue also holds):
  // a reader who received any of them has received the item.
  std::vector<PostId> posts;
  std::vector<TopicId> topics;
  std::size_t section = 0;  // in DigestContent::sections
  // [0] as written; then its translations. `language` as the post says.
  struct Version {
    std::string language;
    std::shared_ptr<const RenderedItem> rendered;
  };
  std::vector<Version> versions;
};

struct DigestContent {
  std::vector<std::string> sections;  // names, in the order the issue's posts show them
  std::vector<DigestItem> items;      // in the issue's order
  std::string fallback_language;      // the list's ('' = as written)
};

// What a digest is made of, as the store has it.
struct DigestPosts {
  std::vector<Post> posts;         // the issue's posts, in its order
  std::vector<Post> translations;  // the published translations of them
  std::map<TopicId, std::string> topic_names;
  std::string fallback_language;
  int excerpt_words = 0;
};

// Renders every item of a digest once. Errors: internal when a body cannot be rendered.
Result<DigestContent> prepare_digest_content(const DigestPosts& posts);

// `markdown` cut near `words` words (see above); `cut` says whether anything was left out.
std::string excerpt_markdown(std::string_view markdown, int words, bool& cut);

// One reader's letter: for each item they get, its index and the version's.
struct DigestSelection {
  std::vector<std::uint32_t> picks;  // item index << 8 | version index
  std::vector<PostId> posts;         // the issue's posts the letter carries (the record)

  bool empty() const { return picks.empty(); }
  // A key that names the letter: readers with equal keys get equal letters.
  std::string key() const;
};

// What `reader_topics` (of the list), `received` and `language` select of `content`.
DigestSelection select_digest_items(const DigestContent& content,
                                    std::span<const TopicId> reader_topics,
                                    std::span<const PostId> received, std::string_view language);

// Every item in the issue's language (else as written): the web version, the archive and a
// preview without a reader.
DigestSelection whole_digest(const DigestContent& content, std::string_view language);

// `base` (a prepared digest issue) with `sections` holding `selection`'s items, grouped by
// section, and a preheader of their titles; its plan is not made (call
// LetterComposer::plan).
PreparedIssue digest_variant(const PreparedIssue& base, const DigestSelection& selection);

}  // namespace communique
