#include "delivery/issue_letters.hpp"

#include <algorithm>

namespace communique {

namespace {

// The posts of digest `issue` of `list` and their translations, rendered.
Result<std::shared_ptr<const DigestContent>> read_digest(Store& store, const Issue& issue,
                                                         const MailingList& list) {
  DigestPosts source{.fallback_language = list.fallback_language,
                     .excerpt_words = issue.excerpt_words};
  auto posts = store.posts_by_id(issue.posts);
  if (!posts) {
    return std::move(posts).error();
  }
  source.posts = std::move(*posts);
  std::vector<PostId> originals;
  for (const auto& post : source.posts) {
    originals.push_back(post.translation_of.value_or(post.id));
  }
  auto translations = store.translations_of(originals);
  if (!translations) {
    return std::move(translations).error();
  }
  source.translations = std::move(*translations);
  // A translation whose original is not in the issue: the original is read, so that a
  // reader of the original's language gets it.
  std::vector<PostId> missing;
  for (const auto& post : source.posts) {
    if (post.translation_of &&
        std::none_of(source.posts.begin(), source.posts.end(),
                     [&](const Post& p) { return p.id == *post.translation_of; })) {
      missing.push_back(*post.translation_of);
    }
  }
  if (!missing.empty()) {
    if (auto originals_read = store.posts_by_id(missing)) {
      source.translations.insert(source.translations.end(), originals_read->begin(),
                                 originals_read->end());
    }
  }
  auto topics = store.topics(list.id);
  if (!topics) {
    return std::move(topics).error();
  }
  for (const auto& topic : *topics) {
    source.topic_names.emplace(topic.id, topic.name);
  }
  auto content = prepare_digest_content(source);
  if (!content) {
    return std::move(content).error();
  }
  return std::make_shared<const DigestContent>(std::move(*content));
}

}  // namespace

Result<PreparedIssue> prepare_stored_issue(Store& store, const Issue& issue,
                                           const std::filesystem::path& data_dir) {
  if (issue.lists.empty()) {
    return make_error(ErrorCode::conflict,
                      "issue " + std::to_string(issue.id) + " goes to no list");
  }
  auto list = store.find_list(issue.lists.front());
  if (!list) {
    return std::move(list).error();
  }
  auto templates = load_letter_templates(issue.template_name, data_dir, issue.kind);
  if (!templates) {
    return make_error(templates.error().code, "template: " + templates.error().message);
  }
  bool published = issue.archive;
  for (ListId id : issue.lists) {
    auto each = store.find_list(id);
    published = published && each && each->visibility == ListVisibility::public_list;
  }
  auto prepared = prepare_issue(issue, *list, std::move(*templates));
  if (!prepared) {
    return prepared;
  }
  prepared->published = published;
  if (issue.kind != IssueKind::digest) {
    return prepared;
  }
  auto digest = read_digest(store, issue, *list);
  if (!digest) {
    return std::move(digest).error();
  }
  prepared->digest = std::move(*digest);
  return digest_variant(*prepared, whole_digest(*prepared->digest, issue.language));
}

Result<std::optional<PreparedIssue>> digest_for_reader(LedgerStore& store,
                                                       const PreparedIssue& prepared,
                                                       const Subscriber& reader) {
  if (!prepared.digest) {
    return std::optional<PreparedIssue>(prepared);
  }
  const SubscriberId ids[] = {reader.id};
  auto readers = store.digest_readers(prepared.issue.id, prepared.list.id, ids);
  if (!readers) {
    return std::move(readers).error();
  }
  const DigestReader& found = readers->front();
  const auto selection =
      select_digest_items(*prepared.digest, found.topics, found.received, reader.language);
  if (selection.empty()) {
    return std::optional<PreparedIssue>();
  }
  return std::optional<PreparedIssue>(digest_variant(prepared, selection));
}

Result<void> track_links(ClickStore& store, const LetterComposer& composer, PreparedIssue& issue,
                         Timestamp now) {
  const auto urls = LetterComposer::links_to_count(issue);
  std::vector<std::int64_t> ids;
  if (!urls.empty()) {
    auto registered = store.register_links(issue.issue.id, urls);
    if (!registered) {
      return std::move(registered).error();
    }
    ids = std::move(*registered);
  }
  composer.track_links(issue, urls, ids, now);
  return ok();
}

}  // namespace communique
