// open_store: picks and opens the configured backend. The one place that knows which
// backends exist; everything else holds the store areas it needs (store/store.hpp).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace communique {

struct StoreSettings {
  std::string backend = "sqlite";             // the only backend so far
  std::string sqlite_file = "communique.db";  // relative to the data directory
  int busy_timeout_ms = 5000;
  int sqlite_cache_mb = 16;  // page cache of the SQLite connection
};

// Opens the store under `data_dir` (created when missing) and brings its schema up to date.
Result<std::unique_ptr<Store>> open_store(const StoreSettings& settings,
                                          const std::filesystem::path& data_dir);

}  // namespace communique
