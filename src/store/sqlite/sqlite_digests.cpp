// SqliteStore: digest definitions, their sections and runs, and announcements of posts.
#include <fmt/format.h>

#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;

namespace {

// A definition's row; its sections are read apart. A stored rule that no longer parses (a
// zone the system's tzdata dropped) keeps its text in the name of the error.
Result<DigestDefinition> read_digest(const sqlite::Statement& row) {
  DigestDefinition digest;
  digest.id = row.column_int(0);
  digest.list_id = row.column_int(1);
  digest.name = row.column_text(2);
  auto rule = parse_schedule_rule(row.column_text(3), row.column_text(4));
  if (!rule) {
    return make_error(ErrorCode::storage, fmt::format("digest {}: its schedule no longer reads: {}",
                                                      digest.id, rule.error().message));
  }
  digest.rule = std::move(*rule);
  digest.subject = row.column_text(5);
  digest.template_name = row.column_text(6);
  digest.max_per_section = static_cast<int>(row.column_int(7));
  digest.excerpt_words = static_cast<int>(row.column_int(8));
  digest.only_if_new = row.column_int(9) != 0;
  digest.review = row.column_int(10) != 0;
  digest.enabled = row.column_int(11) != 0;
  digest.created_at = from_unix(row.column_int(12));
  digest.updated_at = from_unix(row.column_int(13));
  return digest;
}

DigestRun read_run(const sqlite::Statement& row) {
  DigestRun run;
  run.id = row.column_int(0);
  run.digest_id = row.column_int(1);
  if (!row.column_is_null(2)) {
    run.scheduled_for = from_unix(row.column_int(2));
  }
  run.ran_at = from_unix(row.column_int(3));
  run.since = from_unix(row.column_int(4));
  run.after_seq = row.column_int(5);
  run.up_to_seq = row.column_int(6);
  run.posts = static_cast<int>(row.column_int(7));
  run.outcome = parse_run_outcome(row.column_text(8)).value_or(RunOutcome::failed);
  if (!row.column_is_null(9)) {
    run.issue_id = row.column_int(9);
  }
  run.note = row.column_text(10);
  return run;
}

PostToAnnounce read_post_to_announce(const sqlite::Statement& row) {
  return PostToAnnounce{row.column_int(0), row.column_int(1), row.column_text(2),
                        row.column_int(3) != 0, from_unix(row.column_int(4))};
}

std::int64_t flag(bool value) {
  return value ? 1 : 0;
}

std::string no_digest(DigestId id) {
  return "there is no digest " + std::to_string(id) + "; `communique digests ls` lists them";
}

std::string name_taken(const std::string& name) {
  return "the list has a digest named '" + name + "' already; choose another name";
}

}  // namespace

Result<DigestDefinition> SqliteStore::load_digest(DigestId id) {
  auto row = find("get-digest", read_digest, no_digest(id), id);
  if (!row) {
    return std::move(row).error();
  }
  if (!*row) {
    return std::move(*row).error();
  }
  DigestDefinition digest = std::move(**row);
  auto sections = rows("sections-of-digest", read_integer, id);
  if (!sections) {
    return std::move(sections).error();
  }
  digest.sections = std::move(*sections);
  return digest;
}

Result<void> SqliteStore::write_digest_sections(const DigestDefinition& digest) {
  COMMUNIQUE_TRY(execute("delete-digest-sections", digest.id));
  std::int64_t position = 0;
  for (SectionId section : digest.sections) {
    auto added = execute("insert-digest-section", digest.id, section, position);
    if (!added) {
      return std::move(added).error();
    }
    if (*added == 0) {
      return make_error(ErrorCode::not_found, "section " + std::to_string(section) +
                                                  " is not a section of the digest's list, or "
                                                  "is named twice");
    }
    ++position;
  }
  return ok();
}

Result<DigestDefinition> SqliteStore::create_digest(const DigestDefinition& digest, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto list_found = first_row("get-list-by-id", read_integer, digest.list_id);
  if (!list_found) {
    return std::move(list_found).error();
  }
  if (!*list_found) {
    return make_error(ErrorCode::not_found, "there is no list " + std::to_string(digest.list_id));
  }
  auto id = first_row("insert-digest", read_integer, digest.list_id, digest.name,
                      format_schedule_rule(digest.rule), digest.rule.time_zone, digest.subject,
                      digest.template_name, digest.max_per_section, digest.excerpt_words,
                      flag(digest.only_if_new), flag(digest.review), flag(digest.enabled), now);
  if (!id) {
    if (id.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, name_taken(digest.name));
    }
    return std::move(id).error();
  }
  DigestDefinition created = digest;
  created.id = id->value_or(0);
  COMMUNIQUE_TRY(write_digest_sections(created));
  auto loaded = load_digest(created.id);
  if (!loaded) {
    return loaded;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return loaded;
}

Result<DigestDefinition> SqliteStore::find_digest(DigestId id) {
  Call call(*this);
  return load_digest(id);
}

Result<DigestDefinition> SqliteStore::find_digest(ListId list, const std::string& name) {
  Call call(*this);
  auto id = first_row("get-digest-by-name", read_integer, list, name);
  if (!id) {
    return std::move(id).error();
  }
  if (!*id) {
    return make_error(ErrorCode::not_found, "the list has no digest named '" + name + "'");
  }
  return load_digest(**id);
}

Result<std::vector<DigestDefinition>> SqliteStore::digests() {
  Call call(*this);
  auto ids = rows("all-digests", read_integer);
  if (!ids) {
    return std::move(ids).error();
  }
  std::vector<DigestDefinition> all;
  for (DigestId id : *ids) {
    auto digest = load_digest(id);
    if (!digest) {
      return std::move(digest).error();
    }
    all.push_back(std::move(*digest));
  }
  return all;
}

Result<DigestDefinition> SqliteStore::update_digest(DigestId id, const DigestChanges& changes,
                                                    Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto digest = load_digest(id);
  if (!digest) {
    return digest;
  }
  DigestDefinition& d = *digest;
  d.name = changes.name.value_or(d.name);
  d.rule = changes.rule.value_or(d.rule);
  d.subject = changes.subject.value_or(d.subject);
  d.template_name = changes.template_name.value_or(d.template_name);
  d.max_per_section = changes.max_per_section.value_or(d.max_per_section);
  d.excerpt_words = changes.excerpt_words.value_or(d.excerpt_words);
  d.only_if_new = changes.only_if_new.value_or(d.only_if_new);
  d.review = changes.review.value_or(d.review);
  d.enabled = changes.enabled.value_or(d.enabled);
  auto updated =
      execute("update-digest", id, d.name, format_schedule_rule(d.rule), d.rule.time_zone,
              d.subject, d.template_name, d.max_per_section, d.excerpt_words, flag(d.only_if_new),
              flag(d.review), flag(d.enabled), now);
  if (!updated) {
    if (updated.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, name_taken(d.name));
    }
    return std::move(updated).error();
  }
  if (changes.sections) {
    d.sections = *changes.sections;
    COMMUNIQUE_TRY(write_digest_sections(d));
  }
  auto loaded = load_digest(id);
  if (!loaded) {
    return loaded;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return loaded;
}

Result<void> SqliteStore::remove_digest(DigestId id) {
  Call call(*this);
  auto removed = execute("delete-digest", id);
  if (!removed) {
    return std::move(removed).error();
  }
  if (*removed == 0) {
    return make_error(ErrorCode::not_found, no_digest(id));
  }
  return ok();
}

Result<std::vector<DigestRun>> SqliteStore::digest_runs(DigestId id, std::size_t limit) {
  Call call(*this);
  return rows("runs-of-digest", read_run, id, limit);
}

Result<std::optional<DigestRun>> SqliteStore::last_digest_run(DigestId id) {
  Call call(*this);
  return first_row("runs-of-digest", read_run, id, std::size_t{1});
}

Result<DigestRun> SqliteStore::record_digest_run(const RunRecord& record, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  DigestRun run = record.run;
  // BEGIN IMMEDIATE holds the write lock from here: what is read next cannot change before
  // the commit, so the check and the writes are one step for every other process.
  auto last = first_row("runs-of-digest", read_run, run.digest_id, std::size_t{1});
  if (!last) {
    return std::move(last).error();
  }
  const std::optional<DigestRunId> last_id =
      *last ? std::optional<DigestRunId>((*last)->id) : std::nullopt;
  if (last_id != record.follows) {
    return make_error(ErrorCode::conflict,
                      fmt::format("digest {} was run by another runner at the same time (run {}); "
                                  "`communique digests show {}` shows what it made",
                                  run.digest_id, last_id.value_or(0), run.digest_id));
  }
  if (run.scheduled_for) {
    auto taken = first_row("run-for-instant", read_integer, run.digest_id, *run.scheduled_for);
    if (!taken) {
      return std::move(taken).error();
    }
    if (*taken) {
      return make_error(ErrorCode::conflict,
                        fmt::format("digest {} already ran for {} (run {})", run.digest_id,
                                    format_iso8601(*run.scheduled_for), **taken));
    }
  }
  if (record.issue) {
    auto issue = create_issue_locked(*record.issue, now);
    if (!issue) {
      return std::move(issue).error();
    }
    run.issue_id = issue->id;
  }
  auto id = first_row("insert-digest-run", read_integer, run.digest_id, run.scheduled_for,
                      run.ran_at, run.since, run.after_seq, run.up_to_seq, run.posts,
                      to_string(run.outcome), run.issue_id, run.note);
  if (!id) {
    if (id.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict,
                        fmt::format("digest {} already ran for that time", run.digest_id));
    }
    return std::move(id).error();
  }
  run.id = id->value_or(0);
  COMMUNIQUE_TRY(transaction.commit());
  return run;
}

Result<std::vector<PostToAnnounce>> SqliteStore::posts_to_announce(std::size_t limit) {
  Call call(*this);
  return rows("posts-to-announce", read_post_to_announce, limit);
}

Result<std::optional<IssueId>> SqliteStore::announce_post(PostId post,
                                                          const std::optional<Issue>& issue,
                                                          Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  auto claimed = execute("claim-post-announcement", post, now);
  if (!claimed) {
    return std::move(claimed).error();
  }
  if (*claimed == 0) {
    return make_error(ErrorCode::conflict,
                      "post " + std::to_string(post) + " is announced already, or is not there");
  }
  std::optional<IssueId> written;
  if (issue) {
    auto created = create_issue_locked(*issue, now);
    if (!created) {
      return std::move(created).error();
    }
    written = created->id;
  }
  COMMUNIQUE_TRY(transaction.commit());
  return written;
}

}  // namespace communique
