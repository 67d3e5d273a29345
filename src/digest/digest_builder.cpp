// DigestBuilder: the issue a definition makes of collected posts (see the header's policy).
#include "digest/digest_builder.hpp"

#include <algorithm>
#include <map>

namespace communique {

namespace {

// The rank of each section the digest shows: its place in the definition's order, else in
// the list's.
std::map<SectionId, std::size_t> section_ranks(const DigestDefinition& digest,
                                               std::span<const Section> sections) {
  std::map<SectionId, std::size_t> ranks;
  if (!digest.sections.empty()) {
    for (std::size_t i = 0; i < digest.sections.size(); ++i) {
      ranks.try_emplace(digest.sections[i], i);
    }
    return ranks;
  }
  for (std::size_t i = 0; i < sections.size(); ++i) {
    ranks.try_emplace(sections[i].id, i);
  }
  return ranks;
}

// Whether `a` was published before `b` (by time, then by number).
bool published_before(const Post* a, const Post* b) {
  const Timestamp at_a = a->published_at.value_or(Timestamp{});
  const Timestamp at_b = b->published_at.value_or(Timestamp{});
  if (at_a != at_b) {
    return at_a < at_b;
  }
  return a->published_seq < b->published_seq;
}

}  // namespace

std::string digest_subject(const DigestDefinition& digest, const MailingList& list, Timestamp now) {
  if (!digest.subject.empty()) {
    return digest.subject;
  }
  return std::string(list.display_name()) + ": " + human_date(local_date(digest.rule, now));
}

Issue build_digest(const DigestDefinition& digest, const MailingList& list,
                   std::span<const Section> sections, std::span<const Post> posts, Timestamp now) {
  Issue issue;
  issue.kind = IssueKind::digest;
  issue.status = IssueStatus::draft;
  issue.subject = digest_subject(digest, list, now);
  issue.template_name = digest.template_name;
  issue.lists = {list.id};
  issue.cadence = parse_cadence(cadence_of(digest.rule));
  issue.digest_id = digest.id;
  issue.excerpt_words = digest.excerpt_words;
  issue.edition_date = local_date(digest.rule, now);

  const auto ranks = section_ranks(digest, sections);
  std::vector<std::vector<const Post*>> by_section(
      digest.sections.empty() ? sections.size() : digest.sections.size());
  for (const Post& post : posts) {
    if (post.translation_of || post.status != PostStatus::published) {
      continue;
    }
    const auto rank = ranks.find(post.section_id);
    if (rank == ranks.end()) {
      continue;
    }
    by_section[rank->second].push_back(&post);
  }
  const auto limit = static_cast<std::size_t>(digest.max_per_section);
  for (auto& shown : by_section) {
    std::sort(shown.begin(), shown.end(), published_before);
    if (limit > 0 && shown.size() > limit) {
      // The newest `limit` are kept: those at the end.
      shown.erase(shown.begin(), shown.end() - static_cast<std::ptrdiff_t>(limit));
    }
    for (const Post* post : shown) {
      issue.posts.push_back(post->id);
    }
  }
  return issue;
}

}  // namespace communique
