// ImportJobs: CSV imports started through the API, each on its own thread, with progress
// and a rejects file that can be fetched afterwards.
//
// Policy: the upload is written to DATA_DIR/imports/ first (so the request ends at once and
// the import streams from disk like the command's), then imported by the same Importer as
// `communique import` (batches, rejects with line and reason), then removed. Jobs are
// numbered within the process; their rejects files stay until the server stops. At most
// `max_running` run at a time.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "transfer/importer.hpp"

namespace communique {

struct ImportJob {
  enum class State { running, done, failed };
  std::int64_t id = 0;
  std::string list;
  State state = State::running;
  ImportProgress progress;
  ImportSummary summary;  // when done
  std::string error;      // when failed
  Timestamp started{};
  std::optional<Timestamp> finished;
};

std::string_view to_string(ImportJob::State state);  // "running" | "done" | "failed"

class ImportJobs {
 public:
  ImportJobs(ListStore& store, std::filesystem::path directory, Clock clock,
             ImportSettings settings = {}, int max_running = 2);
  // Waits for running jobs, then removes the rejects files.
  ~ImportJobs();
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  // Saves `csv` and starts importing it into `list_name`. unavailable when `max_running`
  // jobs run already; io when the upload cannot be saved.
  Result<ImportJob> start(const std::string& list_name, const std::string& csv, ImportMode mode);
  std::optional<ImportJob> find(std::int64_t id) const;
  // The rejects file of a finished job that had rejects.
  std::optional<std::filesystem::path> rejects(std::int64_t id) const;

 private:
  void run(std::int64_t id, std::filesystem::path file, ImportMode mode);

  ListStore& store_;
  std::filesystem::path directory_;
  Clock clock_;
  ImportSettings settings_;
  int max_running_;
  mutable std::mutex mutex_;
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, ImportJob> jobs_;
  std::vector<std::filesystem::path> rejects_files_;
  std::map<std::int64_t, std::thread> threads_;  // joined once their job has finished
};

}  // namespace communique
