#include "store/open_store.hpp"

#include <system_error>

#include "store/sqlite/sqlite_store.hpp"

namespace communique {

Result<std::unique_ptr<Store>> open_store(const StoreSettings& settings,
                                          const std::filesystem::path& data_dir) {
  if (settings.backend != "sqlite") {
    return make_error(ErrorCode::invalid_input,
                      "unknown store backend '" + settings.backend + "'; use \"sqlite\"");
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return make_error(ErrorCode::io, "cannot create the data directory " + data_dir.string() +
                                         ": " + ec.message());
  }
  // A data directory and database made by an older version were readable by anyone:
  // tighten them (the WAL and SHM files are made with the database's mode).
  namespace fs = std::filesystem;
  fs::permissions(data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path file = data_dir / (settings.sqlite_file + suffix);
    if (fs::exists(file, ec)) {
      fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write,
                      fs::perm_options::replace, ec);
    }
  }
  auto store = SqliteStore::open(SqliteSettings{
      .path = data_dir / settings.sqlite_file,
      .busy_timeout_ms = settings.busy_timeout_ms,
      .cache_mb = settings.sqlite_cache_mb,
  });
  if (!store) {
    return std::move(store).error();
  }
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace communique
