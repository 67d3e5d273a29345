// Importer: streams a CSV file of subscribers into a list, in batches.
//
// Policy:
// - the first record names the columns: `email` (required), `name`, `lang` (or
//   `language`), `attributes` (a JSON object, as `export` writes it), `topics` (names of
//   the list's topics separated by ';': they replace the person's topics of the list) and
//   `cadence` (immediate, daily, weekly or monthly); every other column becomes a string
//   attribute, except the read-only columns an export adds (`created_at`, `updated_at`),
//   which are ignored and reported; `status` and `subscription` say how far the person
//   may be subscribed;
// - every row that cannot be imported (malformed CSV, wrong number of fields, invalid
//   UTF-8, an invalid address, name, language or cadence, a topic the list does not have)
//   is written with its line number and a reason to the rejects file (`subs.csv` →
//   `subs.rejects.csv`) and the import goes on;
// - valid rows are committed in batches of `batch_size`, each one transaction, so a crash
//   leaves whole batches only and running the same import again finishes the job;
// - memory is flat in the size of the file: one batch and one read buffer at a time.
// Empty cells never overwrite what is known about a subscriber.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/time.hpp"
#include "store/list_store.hpp"

namespace communique {

struct ImportSettings {
  std::size_t batch_size = 50000;
};

struct ImportRequest {
  std::filesystem::path file;
  std::string list_name;
  ImportMode mode = ImportMode::upsert;
  SubscriptionStatus status = SubscriptionStatus::confirmed;
};

struct ImportProgress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::int64_t rows = 0;
};

struct ImportSummary {
  std::int64_t imported = 0;
  std::int64_t updated = 0;
  std::int64_t skipped = 0;
  std::int64_t rejected = 0;
  std::int64_t unsubscribed = 0;       // recorded as having left the list, as the file said
  std::int64_t blocklisted = 0;        // blocklisted (sent nothing on any list), as the file said
  std::filesystem::path rejects_file;  // written only when rejected > 0
  std::vector<std::string> ignored_columns;
};

// The rejects file that belongs to `input`: same folder and stem, `.rejects.csv`.
std::filesystem::path rejects_path_for(const std::filesystem::path& input);

class Importer {
 public:
  Importer(ListStore& store, Clock clock, ImportSettings settings)
      : store_(store), clock_(std::move(clock)), settings_(settings) {}

  // Imports `request.file`; `on_progress` is called after every batch. An error (no such
  // list or file, a header without `email`, a database failure) says how far it got.
  Result<ImportSummary> run(const ImportRequest& request,
                            const std::function<void(const ImportProgress&)>& on_progress);

 private:
  ListStore& store_;
  Clock clock_;
  ImportSettings settings_;
};

}  // namespace communique
