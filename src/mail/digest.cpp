#include "mail/digest.hpp"

#include "base/text.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "content/markdown.hpp"
#include "core/time.hpp"

namespace communique {

namespace {

// Whether two language tags name one language: "ru" and "ru-RU" do; case does not count.
bool same_language(std::string_view a, std::string_view b) {
  const auto primary = [](std::string_view tag) {
    std::string lower;
    for (char c : tag.substr(0, tag.find('-'))) {
      lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return lower;
  };
  return !a.empty() && !b.empty() && primary(a) == primary(b);
}

std::size_t count_words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    if (is_ascii_space(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

// Where `text` holds `words` words, just after the last of them.
std::size_t end_of_words(std::string_view text, std::size_t words) {
  std::size_t seen = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_ascii_space(text[i])) {
      if (in_word && seen == words) {
        return i;
      }
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++seen;
    }
  }
  return text.size();
}

Result<std::shared_ptr<const RenderedItem>> render_item(const Post& post,
                                                        const DigestPosts& source) {
  auto item = std::make_shared<RenderedItem>();
  item->post = post.id;
  item->title = post.title;
  item->slug = post.slug;
  item->anchor = "post-" + std::to_string(post.translation_of.value_or(post.id));
  if (post.published_at) {
    item->published = human_date(utc_day(*post.published_at));
  }
  for (const TopicId topic : post.topics) {
    if (auto found = source.topic_names.find(topic); found != source.topic_names.end()) {
      item->topics.push_back(found->second);
    }
  }
  std::string body = post.body;
  if (source.excerpt_words > 0) {
    body = excerpt_markdown(body, source.excerpt_words, item->cut);
  }
  auto html = markdown_to_html(body);
  auto text = markdown_to_text(body);
  if (!html || !text) {
    return make_error(ErrorCode::internal,
                      "the body of post " + std::to_string(post.id) + " could not be rendered");
  }
  item->html = std::move(*html);
  item->text = std::move(*text);
  return std::shared_ptr<const RenderedItem>(std::move(item));
}

}  // namespace

std::string excerpt_markdown(std::string_view markdown, int words, bool& cut) {
  cut = false;
  const auto limit = static_cast<std::size_t>(words);
  if (words <= 0 || count_words(markdown) <= limit + limit / 5) {
    return std::string(markdown);  // a few words over is not worth a "Read more"
  }
  // Whole blocks (separated by a blank line) while they fit; a fenced block is one block.
  std::size_t kept = 0;
  std::size_t taken = 0;
  std::size_t pos = 0;
  bool in_fence = false;
  while (pos < markdown.size()) {
    auto end = markdown.find('\n', pos);
    end = end == std::string_view::npos ? markdown.size() : end + 1;
    const std::string_view line = markdown.substr(pos, end - pos);
    if (line.starts_with("```") || line.starts_with("~~~")) {
      in_fence = !in_fence;
    }
    pos = end;
    const bool blank = line.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (blank && !in_fence) {
      const std::size_t so_far = count_words(markdown.substr(0, pos));
      if (so_far > limit + limit / 5) {
        break;  // this block would run too far over
      }
      kept = pos;
      taken = so_far;
      if (taken >= limit) {
        break;
      }
    }
  }
  cut = true;
  if (kept > 0 && taken >= limit / 2) {
    std::string excerpt(markdown.substr(0, kept));
    while (!excerpt.empty() && is_ascii_space(excerpt.back())) {
      excerpt.pop_back();
    }
    return excerpt;
  }
  // One long block: cut inside it at a word boundary, after `limit` words in all.
  std::string excerpt(markdown.substr(0, end_of_words(markdown, limit)));
  excerpt += " …";
  return excerpt;
}

Result<DigestContent> prepare_digest_content(const DigestPosts& source) {
  DigestContent content;
  content.fallback_language = source.fallback_language;
  std::unordered_map<PostId, std::size_t> item_of;  // an original's id → its item
  for (const Post& post : source.posts) {
    const PostId original = post.translation_of.value_or(post.id);
    if (auto found = item_of.find(original); found != item_of.end()) {
      content.items[found->second].posts.push_back(post.id);  // a translation of one we have
      continue;
    }
    auto section = std::find(content.sections.begin(), content.sections.end(), post.section_name);
    if (section == content.sections.end()) {
      section = content.sections.insert(content.sections.end(), post.section_name);
    }
    auto rendered = render_item(post, source);
    if (!rendered) {
      return std::move(rendered).error();
    }
    DigestItem item{.posts = {post.id},
                    .topics = post.topics,
                    .section = static_cast<std::size_t>(section - content.sections.begin()),
                    .versions = {{post.language, std::move(*rendered)}}};
    item_of.emplace(original, content.items.size());
    if (post.id != original) {
      item_of.emplace(post.id, content.items.size());
    }
    content.items.push_back(std::move(item));
  }
  for (const Post& translation : source.translations) {
    if (!translation.translation_of) {
      continue;
    }
    const auto found = item_of.find(*translation.translation_of);
    if (found == item_of.end()) {
      continue;
    }
    DigestItem& item = content.items[found->second];
    const bool known = std::any_of(item.versions.begin(), item.versions.end(), [&](const auto& v) {
      return v.rendered->post == translation.id;
    });
    if (known || item.versions.size() >= 255) {
      continue;
    }
    auto rendered = render_item(translation, source);
    if (!rendered) {
      return std::move(rendered).error();
    }
    item.versions.push_back({translation.language, std::move(*rendered)});
  }
  return content;
}

std::string DigestSelection::key() const {
  return std::string(reinterpret_cast<const char*>(picks.data()),
                     picks.size() * sizeof(std::uint32_t));
}

namespace {

// The version of `item` for a reader of `language`.
std::uint32_t version_for(const DigestItem& item, std::string_view language,
                          std::string_view fallback) {
  for (std::size_t i = 0; i < item.versions.size(); ++i) {
    if (same_language(item.versions[i].language, language)) {
      return static_cast<std::uint32_t>(i);
    }
  }
  for (std::size_t i = 0; i < item.versions.size(); ++i) {
    if (same_language(item.versions[i].language, fallback)) {
      return static_cast<std::uint32_t>(i);
    }
  }
  return 0;
}

void pick(DigestSelection& selection, const DigestContent& content, std::size_t index,
          std::string_view language) {
  const DigestItem& item = content.items[index];
  selection.picks.push_back(static_cast<std::uint32_t>(index) << 8 |
                            version_for(item, language, content.fallback_language));
  selection.posts.insert(selection.posts.end(), item.posts.begin(), item.posts.end());
}

}  // namespace

DigestSelection select_digest_items(const DigestContent& content,
                                    std::span<const TopicId> reader_topics,
                                    std::span<const PostId> received, std::string_view language) {
  DigestSelection selection;
  const std::unordered_set<PostId> had(received.begin(), received.end());
  for (std::size_t i = 0; i < content.items.size(); ++i) {
    const DigestItem& item = content.items[i];
    if (std::any_of(item.posts.begin(), item.posts.end(),
                    [&](PostId post) { return had.contains(post); })) {
      continue;
    }
    const bool wanted = reader_topics.empty() || item.topics.empty() ||
                        std::any_of(item.topics.begin(), item.topics.end(), [&](TopicId topic) {
                          return std::find(reader_topics.begin(), reader_topics.end(), topic) !=
                                 reader_topics.end();
                        });
    if (wanted) {
      pick(selection, content, i, language);
    }
  }
  return selection;
}

DigestSelection whole_digest(const DigestContent& content, std::string_view language) {
  DigestSelection selection;
  for (std::size_t i = 0; i < content.items.size(); ++i) {
    pick(selection, content, i, language);
  }
  return selection;
}

PreparedIssue digest_variant(const PreparedIssue& base, const DigestSelection& selection) {
  PreparedIssue variant{.issue = base.issue,
                        .list = base.list,
                        .sections = {},
                        .slug = base.slug,
                        .preheader = {},
                        .templates = base.templates,
                        .digest = base.digest,
                        .plan = nullptr,
                        .personal_tracking = base.personal_tracking,
                        .published = base.published};
  if (!base.digest) {
    return variant;
  }
  const DigestContent& content = *base.digest;
  // Sections in the order the issue shows them, each with its chosen items.
  std::vector<RenderedSection> by_section(content.sections.size());
  for (const std::uint32_t picked : selection.picks) {
    const DigestItem& item = content.items.at(picked >> 8);
    by_section.at(item.section).items.push_back(item.versions.at(picked & 0xff).rendered);
  }
  for (std::size_t i = 0; i < by_section.size(); ++i) {
    RenderedSection& section = by_section[i];
    if (section.items.empty()) {
      continue;
    }
    section.title = content.sections[i];
    section.anchor = "section-" + std::to_string(i + 1);
    for (const auto& item : section.items) {
      section.html += "<h3>" + escape_html(item->title) + "</h3>\n" + item->html;
      section.text += item->title + "\n\n" + item->text + "\n";
    }
    variant.sections.push_back(std::move(section));
  }
  // The inbox's preview line: the titles, as far as they go in 110 characters.
  for (const auto& section : variant.sections) {
    for (const auto& item : section.items) {
      if (variant.preheader.size() > 110) {
        break;
      }
      variant.preheader += (variant.preheader.empty() ? "" : " · ") + item->title;
    }
  }
  return variant;
}

}  // namespace communique
