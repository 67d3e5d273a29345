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
