#include "transfer/import_jobs.hpp"

#include <unistd.h>

#include <fstream>

#include "base/log.hpp"

namespace communique {

std::string_view to_string(ImportJob::State state) {
  switch (state) {
    case ImportJob::State::running:
      return "running";
    case ImportJob::State::done:
      return "done";
    case ImportJob::State::failed:
      return "failed";
  }
  return "failed";
}

ImportJobs::ImportJobs(ListStore& store, std::filesystem::path directory, Clock clock,
                       ImportSettings settings, int max_running)
    : store_(store),
      directory_(std::move(directory)),
      clock_(std::move(clock)),
      settings_(settings),
      max_running_(max_running) {}

ImportJobs::~ImportJobs() {
  for (auto& [id, thread] : threads_) {
    thread.join();
  }
  std::error_code ignored;
  for (const auto& file : rejects_files_) {
    std::filesystem::remove(file, ignored);
  }
}

Result<ImportJob> ImportJobs::start(const std::string& list_name, const std::string& csv,
                                    ImportMode mode) {
  if (auto list = store_.find_list(list_name); !list) {
    return std::move(list).error();
  }
  std::lock_guard lock(mutex_);
  int running = 0;
  for (const auto& [id, job] : jobs_) {
    if (job.state == ImportJob::State::running) {
      ++running;
    } else if (auto thread = threads_.find(id); thread != threads_.end()) {
      thread->second.join();  // finished: it only returns
      threads_.erase(thread);
    }
  }
  if (running >= max_running_) {
    return make_error(ErrorCode::unavailable,
                      "imports are already running; try again when one has finished");
  }
  const std::int64_t id = next_id_++;
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  const auto file =
      directory_ / ("import-" + std::to_string(::getpid()) + "-" + std::to_string(id) + ".csv");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(csv.data(), static_cast<std::streamsize>(csv.size()));
    if (!out) {
      return make_error(ErrorCode::io, "the upload could not be saved in " + directory_.string());
    }
  }
  rejects_files_.push_back(rejects_path_for(file));
  ImportJob job;
  job.id = id;
  job.list = list_name;
  job.started = clock_();
  job.progress.bytes_total = csv.size();
  jobs_[id] = job;
  threads_.emplace(id, std::thread([this, id, file, mode] { run(id, file, mode); }));
  return job;
}

void ImportJobs::run(std::int64_t id, std::filesystem::path file, ImportMode mode) {
  std::string list;
  {
    std::lock_guard lock(mutex_);
    list = jobs_[id].list;
  }
  Importer importer(store_, clock_, settings_);
  auto summary = importer.run(ImportRequest{.file = file, .list_name = list, .mode = mode},
                              [this, id](const ImportProgress& progress) {
                                std::lock_guard lock(mutex_);
                                jobs_[id].progress = progress;
                              });
  std::error_code ignored;
  std::filesystem::remove(file, ignored);  // imported: only its rejects are still wanted
  std::lock_guard lock(mutex_);
  auto& job = jobs_[id];
  job.finished = clock_();
  if (summary) {
    job.state = ImportJob::State::done;
    job.summary = std::move(*summary);
    job.progress.bytes_done = job.progress.bytes_total;
    logger("import")->info("import job {} into {}: {} new, {} updated, {} rejected", id, list,
                           job.summary.imported, job.summary.updated, job.summary.rejected);
  } else {
    job.state = ImportJob::State::failed;
    job.error = summary.error().message;
    logger("import")->warn("import job {} into {} failed: {}", id, list, job.error);
  }
}

std::optional<ImportJob> ImportJobs::find(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto found = jobs_.find(id);
  if (found == jobs_.end()) {
    return std::nullopt;
  }
  return found->second;
}

std::optional<std::filesystem::path> ImportJobs::rejects(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto found = jobs_.find(id);
  if (found == jobs_.end() || found->second.state != ImportJob::State::done ||
      found->second.summary.rejected == 0) {
    return std::nullopt;
  }
  return found->second.summary.rejects_file;
}

}  // namespace communique
