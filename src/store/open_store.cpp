#include "store/open_store.hpp"

#include <system_error>

#include "base/log.hpp"
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
  namespace fs = std::filesystem;
  const auto mode = fs::status(data_dir, ec).permissions();
  if (!ec && (mode & fs::perms::sticky_bit) != fs::perms::none) {
    return make_error(ErrorCode::invalid_input,
                      "the data directory " + data_dir.string() +
                          " is a shared folder (sticky, like /tmp): give Communiqué a folder of "
                          "its own, such as --data-dir " +
                          (data_dir / "communique").string());
  }
  // A data directory and database made by an older version were readable by anyone:
  // take group and other access away (the WAL and SHM files are made with the database's
  // mode), and leave the other bits of the folder's mode as they are.
  fs::permissions(data_dir, fs::perms::group_all | fs::perms::others_all, fs::perm_options::remove,
                  ec);
  if (ec) {
    logger("store")->warn("cannot make the data directory {} private: {}", data_dir.string(),
                          ec.message());
  }
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
