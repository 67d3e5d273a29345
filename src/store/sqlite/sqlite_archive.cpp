// SqliteStore's search over the public archive (store/archive_store.hpp), through the FTS5
// tables of migration 14.
#include <limits>

#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

namespace {

std::string_view kind_name(ArchiveHitKind kind) {
  return kind == ArchiveHitKind::post ? "post" : "issue";
}

// The FTS5 query for `words`: each word a quoted string (a '"' in it doubled), so that
// nothing a reader types is read as FTS5 syntax (NEAR, *, ^, column filters, AND/OR/NOT),
// and FTS5 never refuses the query. Words side by side must all appear.
std::string fts5_query(const std::vector<std::string>& words) {
  std::string query;
  for (const auto& word : words) {
    if (!query.empty()) {
      query += ' ';
    }
    query += '"';
    for (char c : word) {
      query += c;
      if (c == '"') {
        query += '"';
      }
    }
    query += '"';
  }
  return query;
}

ArchiveHit read_hit(const sqlite::Statement& row) {
  ArchiveHit hit;
  hit.kind = row.column_text(0) == "post" ? ArchiveHitKind::post : ArchiveHitKind::issue;
  hit.id = row.column_int(1);
  hit.slug = row.column_text(2);
  hit.title = row.column_text(3);
  hit.excerpt = row.column_text(4);
  hit.at = from_unix(row.column_is_null(5) ? 0 : row.column_int(5));
  return hit;
}

}  // namespace

Result<std::vector<ArchiveHit>> SqliteStore::search_archive(const ArchiveSearch& search) {
  Call call(*this);
  if (search.words.empty()) {
    return std::vector<ArchiveHit>{};
  }
  const ArchiveCursor before = search.before.value_or(
      ArchiveCursor{from_unix(std::numeric_limits<std::int64_t>::max()), ArchiveHitKind::post,
                    std::numeric_limits<std::int64_t>::max()});
  auto hits = rows("search-archive", read_hit, fts5_query(search.words), before.at,
                   std::string(kind_name(before.kind)), before.id, search.limit);
  if (hits) {
    for (auto& hit : *hits) {
      // An issue's excerpt is its whole subject (at most 250 characters), marked.
      hit.excerpt =
          archive_excerpt(hit.excerpt, search.words, hit.kind == ArchiveHitKind::post ? 200 : 1200);
    }
  }
  return hits;
}

}  // namespace communique
