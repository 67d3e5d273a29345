// SqliteStore's posts and the sections of lists (store/post_store.hpp).
#include <algorithm>

#include "base/text.hpp"
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

std::string no_post(PostId id) {
  return "there is no post " + std::to_string(id);
}

std::string no_section(SectionId id) {
  return "there is no section " + std::to_string(id);
}

Section read_section(const sqlite::Statement& row) {
  return Section{row.column_int(0), row.column_int(1), row.column_text(2),
                 static_cast<int>(row.column_int(3))};
}

Section read_section_with_count(const sqlite::Statement& row) {
  Section section = read_section(row);
  section.posts = row.column_int(4);
  return section;
}

std::optional<Timestamp> read_time(const sqlite::Statement& row, int column) {
  if (row.column_is_null(column)) {
    return std::nullopt;
  }
  return from_unix(row.column_int(column));
}

Post read_post(const sqlite::Statement& row) {
  Post post;
  post.id = row.column_int(0);
  post.list_id = row.column_int(1);
  post.section_id = row.column_int(2);
  post.section_name = row.column_text(3);
  post.slug = row.column_text(4);
  post.title = row.column_text(5);
  post.body = row.column_text(6);
  post.language = row.column_text(7);
  post.status = parse_post_status(row.column_text(8)).value_or(PostStatus::draft);
  post.published_at = read_time(row, 9);
  post.published_seq = row.column_is_null(10) ? 0 : row.column_int(10);
  post.source = row.column_text(11);
  post.external_id = row.column_text(12);
  if (!row.column_is_null(13)) {
    post.translation_of = row.column_int(13);
  }
  post.announced_at = read_time(row, 14);
  post.created_at = from_unix(row.column_int(15));
  post.updated_at = from_unix(row.column_int(16));
  return post;
}

}  // namespace

Result<Section> SqliteStore::create_section(ListId list, const std::string& name, Timestamp now) {
  Call call(*this);
  auto list_found = first_row("get-list-by-id", read_integer, list);
  if (!list_found) {
    return std::move(list_found).error();
  }
  if (!*list_found) {
    return make_error(ErrorCode::not_found, "there is no list " + std::to_string(list));
  }
  auto id = first_row("insert-section", read_integer, list, name, now);
  if (!id) {
    if (id.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, "the list has a section named '" + name + "' already");
    }
    return std::move(id).error();
  }
  return find("get-section", read_section, no_section(id->value_or(0)), id->value_or(0));
}

Result<std::vector<Section>> SqliteStore::sections(ListId list) {
  Call call(*this);
  auto list_found = first_row("get-list-by-id", read_integer, list);
  if (!list_found) {
    return std::move(list_found).error();
  }
  if (!*list_found) {
    return make_error(ErrorCode::not_found, "there is no list " + std::to_string(list));
  }
  return rows("sections-of-list-with-counts", read_section_with_count, list);
}

Result<void> SqliteStore::renumber_sections(std::vector<Section>& sections) {
  for (std::size_t i = 0; i < sections.size(); ++i) {
    sections[i].position = static_cast<int>(i);
    COMMUNIQUE_TRY(execute("set-section-position", sections[i].id, sections[i].position));
  }
  return ok();
}

Result<std::vector<Section>> SqliteStore::move_section(SectionId id, int position) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto moved = find("get-section", read_section, no_section(id), id);
  if (!moved) {
    return std::move(moved).error();
  }
  auto all = rows("sections-of-list", read_section, moved->list_id);
  if (!all) {
    return std::move(all).error();
  }
  std::erase_if(*all, [id](const Section& section) { return section.id == id; });
  const auto at = static_cast<std::size_t>(std::clamp(position, 0, static_cast<int>(all->size())));
  all->insert(all->begin() + static_cast<std::ptrdiff_t>(at), *moved);
  COMMUNIQUE_TRY(renumber_sections(*all));
  COMMUNIQUE_TRY(transaction.commit());
  return all;
}

Result<Section> SqliteStore::rename_section(SectionId id, const std::string& name) {
  Call call(*this);
  auto renamed = find("rename-section", read_section, no_section(id), id, name);
  if (!renamed && renamed.error().code == ErrorCode::conflict) {
    return make_error(ErrorCode::conflict, "the list has a section named '" + name + "' already");
  }
  return renamed;
}

Result<void> SqliteStore::remove_section(SectionId id) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto section = find("get-section", read_section, no_section(id), id);
  if (!section) {
    return std::move(section).error();
  }
  auto in_use = first_row("posts-in-section", read_integer, id);
  if (!in_use) {
    return std::move(in_use).error();
  }
  if (in_use->value_or(0) > 0) {
    return make_error(ErrorCode::conflict,
                      "section '" + section->name + "' has " + std::to_string(**in_use) +
                          " posts; move them to another section or remove them first");
  }
  // A digest that names its sections would otherwise lose this one and go on without it
  // (or, naming no other, take every section): the editor decides first.
  auto digests = rows("digests-using-section", read_text, id);
  if (!digests) {
    return std::move(digests).error();
  }
  if (!digests->empty()) {
    return make_error(ErrorCode::conflict,
                      "section '" + section->name + "' is named by digest " +
                          join_as_list(*digests) +
                          "; change its sections first (communique digests update ID "
                          "--sections ...)");
  }
  COMMUNIQUE_TRY(execute("delete-section", id));
  // Close the gap the section leaves.
  auto rest = rows("sections-of-list", read_section, section->list_id);
  if (!rest) {
    return std::move(rest).error();
  }
  COMMUNIQUE_TRY(renumber_sections(*rest));
  return transaction.commit();
}

Result<void> SqliteStore::write_post_topics(const Post& post) {
  std::vector<TopicId> topics = post.topics;
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  COMMUNIQUE_TRY(execute("delete-post-topics", post.id));
  for (TopicId topic : topics) {
    auto added = execute("insert-post-topic", post.id, topic);
    if (!added) {
      return std::move(added).error();
    }
    if (*added == 0) {
      return make_error(ErrorCode::not_found,
                        "topic " + std::to_string(topic) + " is not a topic of the post's list");
    }
  }
  return ok();
}

Result<std::optional<PostId>> SqliteStore::original_of(const Post& post) {
  if (!post.translation_of) {
    return std::optional<PostId>();
  }
  auto original = find("get-post", read_post, no_post(*post.translation_of), *post.translation_of);
  if (!original) {
    return std::move(original).error();
  }
  if (original->list_id != post.list_id) {
    return make_error(ErrorCode::invalid_input,
                      "translation_of: post " + std::to_string(original->id) +
                          " is on another list; a translation is on the list of its original");
  }
  const PostId root = original->translation_of.value_or(original->id);
  if (root == post.id) {
    return make_error(ErrorCode::invalid_input, "translation_of: a post cannot translate itself");
  }
  // One version per language: a reader gets one of them, and which would be a guess.
  if (!post.language.empty()) {
    auto same = first_row("version-in-language", read_integer, root, post.language, post.id);
    if (!same) {
      return std::move(same).error();
    }
    if (*same) {
      return make_error(ErrorCode::invalid_input, "translation_of: post " + std::to_string(root) +
                                                      " has a version in " + post.language +
                                                      " already (post " + std::to_string(**same) +
                                                      "); change that one instead");
    }
  }
  return std::optional<PostId>(root);
}

Result<Post> SqliteStore::with_its_topics(Result<Post> post) {
  if (!post) {
    return post;
  }
  auto topics = rows("topics-of-post", read_integer, post->id);
  if (!topics) {
    return std::move(topics).error();
  }
  post->topics = std::move(*topics);
  return post;
}

Result<Post> SqliteStore::load_post(PostId id) {
  return with_its_topics(find("get-post", read_post, no_post(id), id));
}

Result<std::vector<Post>> SqliteStore::with_topics(Result<std::vector<Post>> posts) {
  if (!posts) {
    return posts;
  }
  for (auto& post : *posts) {
    auto topics = rows("topics-of-post", read_integer, post.id);
    if (!topics) {
      return std::move(topics).error();
    }
    post.topics = std::move(*topics);
  }
  return posts;
}

Result<Post> SqliteStore::create_post(const Post& post, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto created = create_post_locked(post, now);
  if (!created) {
    return created;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return created;
}

Result<Post> SqliteStore::create_post_locked(const Post& post, Timestamp now) {
  auto section = find("get-section", read_section, no_section(post.section_id), post.section_id);
  if (!section) {
    return std::move(section).error();
  }
  if (section->list_id != post.list_id) {
    return make_error(ErrorCode::not_found,
                      "section '" + section->name + "' is not a section of the post's list");
  }
  auto original = original_of(post);
  if (!original) {
    return std::move(original).error();
  }
  // The slug, made unique: "briefing", then "briefing-2", "briefing-3"...
  const std::string base = post.slug.empty() ? post_slug(post.title) : post.slug;
  std::string slug = base;
  for (int n = 2;; ++n) {
    auto taken = first_row("slug-taken", read_integer, slug);
    if (!taken) {
      return std::move(taken).error();
    }
    if (!*taken) {
      break;
    }
    slug = base + "-" + std::to_string(n);
  }
  std::optional<std::int64_t> published_at;
  if (post.status == PostStatus::published) {
    published_at = to_unix(post.published_at.value_or(now));
  }
  auto id = first_row("insert-post", read_integer, post.list_id, post.section_id, slug, post.title,
                      post.body, post.language, to_string(post.status), published_at, post.source,
                      post.external_id, *original, now);
  if (!id) {
    if (id.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, "a post from " + post.source + " with id '" +
                                                 post.external_id + "' exists already");
    }
    return std::move(id).error();
  }
  Post written = post;
  written.id = id->value_or(0);
  COMMUNIQUE_TRY(write_post_topics(written));
  return load_post(written.id);
}

Result<Post> SqliteStore::find_post(PostId id) {
  Call call(*this);
  return load_post(id);
}

Result<Post> SqliteStore::find_post_by_slug(const std::string& slug) {
  Call call(*this);
  return with_its_topics(
      find("get-post-by-slug", read_post, "there is no post '" + slug + "'", slug));
}

Result<std::vector<Post>> SqliteStore::posts(const PostFilter& filter) {
  Call call(*this);
  std::optional<std::string> status;
  if (filter.status) {
    status = std::string(to_string(*filter.status));
  }
  return with_topics(rows("filtered-posts", read_post, filter.list, status, filter.since,
                          filter.before, filter.limit));
}

Result<std::vector<Post>> SqliteStore::posts_by_id(std::span<const PostId> ids) {
  Call call(*this);
  std::vector<Post> found;
  found.reserve(ids.size());
  for (PostId id : ids) {
    auto post = load_post(id);
    if (post) {
      found.push_back(std::move(*post));
    } else if (post.error().code != ErrorCode::not_found) {
      return std::move(post).error();
    }
  }
  return found;
}

Result<std::vector<Post>> SqliteStore::translations_of(std::span<const PostId> originals) {
  Call call(*this);
  std::vector<Post> found;
  for (PostId original : originals) {
    auto translations = with_topics(rows("translations-of-post", read_post, original));
    if (!translations) {
      return translations;
    }
    std::move(translations->begin(), translations->end(), std::back_inserter(found));
  }
  return found;
}

Result<std::vector<Post>> SqliteStore::published_posts(ListId list, std::int64_t after_seq,
                                                       std::optional<Timestamp> published_since) {
  Call call(*this);
  return with_topics(rows("published-posts-after", read_post, list, after_seq, published_since));
}

Result<std::vector<Post>> SqliteStore::public_posts(ListId list, std::optional<TopicId> topic,
                                                    std::size_t limit) {
  Call call(*this);
  return with_topics(rows("public-posts", read_post, list, topic, limit));
}

Result<std::int64_t> SqliteStore::last_published_seq(ListId list) {
  Call call(*this);
  auto last = first_row("last-published-seq", read_integer, list);
  if (!last) {
    return std::move(last).error();
  }
  return last->value_or(0);
}

Result<Post> SqliteStore::update_post(PostId id, const PostChanges& changes, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto post = load_post(id);
  if (!post) {
    return post;
  }
  if (changes.published_at && post->status == PostStatus::draft) {
    return make_error(ErrorCode::invalid_input,
                      "published_at: post " + std::to_string(id) +
                          " is a draft, which has no published time; give it when publishing");
  }
  if (changes.title || changes.body || changes.language || changes.translation_of) {
    auto sending = first_row("issue-sending-post", read_integer, id);
    if (!sending) {
      return std::move(sending).error();
    }
    if (*sending) {
      return make_error(ErrorCode::conflict,
                        "post " + std::to_string(id) + " is in issue " + std::to_string(**sending) +
                            ", which is on its way; its letters must all read the same, so "
                            "change the post once that issue is sent or cancelled");
    }
  }
  if (changes.section_id) {
    auto section =
        find("get-section", read_section, no_section(*changes.section_id), *changes.section_id);
    if (!section) {
      return std::move(section).error();
    }
    if (section->list_id != post->list_id) {
      return make_error(ErrorCode::not_found,
                        "section '" + section->name + "' is not a section of the post's list");
    }
  }
  COMMUNIQUE_TRY(execute("update-post", id, changes.title, changes.body, changes.language,
                         changes.section_id, changes.published_at, now));
  if (changes.topics) {
    Post with = *post;
    with.topics = *changes.topics;
    COMMUNIQUE_TRY(write_post_topics(with));
  }
  if (changes.translation_of) {
    // An original that has translations cannot become a translation: theirs would then
    // point to a translation, and a reader's version would be looked for in two places.
    if (*changes.translation_of) {
      auto translated = first_row("post-has-translations", read_integer, id);
      if (!translated) {
        return std::move(translated).error();
      }
      if (*translated) {
        return make_error(ErrorCode::invalid_input,
                          "translation_of: post " + std::to_string(id) +
                              " has translations of its own; make them translations of the "
                              "other post first");
      }
    }
    Post with = *post;
    with.translation_of = *changes.translation_of;
    with.language = changes.language.value_or(post->language);
    auto original = original_of(with);
    if (!original) {
      return std::move(original).error();
    }
    COMMUNIQUE_TRY(execute("set-post-translation", id, *original));
  }
  auto updated = load_post(id);
  if (!updated) {
    return updated;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return updated;
}

Result<Post> SqliteStore::publish_post(PostId id, Timestamp published_at, Timestamp now) {
  Call call(*this);
  auto changed = execute("publish-post", id, published_at, now);
  if (!changed) {
    return std::move(changed).error();
  }
  auto post = load_post(id);
  if (post && *changed == 0) {
    return make_error(ErrorCode::conflict, "post " + std::to_string(id) + " is published already");
  }
  return post;
}

Result<void> SqliteStore::set_post_announced(PostId id, Timestamp at) {
  Call call(*this);
  auto changed = execute("set-post-announced", id, at);
  if (!changed) {
    return std::move(changed).error();
  }
  if (*changed == 0) {
    return make_error(ErrorCode::not_found, no_post(id));
  }
  return ok();
}

Result<void> SqliteStore::remove_post(PostId id) {
  Call call(*this);
  auto removed = execute("delete-post", id);
  if (!removed) {
    if (removed.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict,
                        "post " + std::to_string(id) +
                            " went out in a digest, whose letters and archive page name it; "
                            "it cannot be removed");
    }
    return std::move(removed).error();
  }
  if (*removed == 0) {
    return make_error(ErrorCode::not_found, no_post(id));
  }
  return ok();
}

}  // namespace communique
