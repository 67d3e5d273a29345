// SqliteStore's saved settings and the installation's secrets (store/settings_store.hpp).
#include "store/sqlite/sqlite_support.hpp"

namespace communique {

using namespace sqlite_support;  // NOLINT(google-build-using-namespace): the backend's own helpers

Result<std::map<std::string, std::string>> SqliteStore::saved_settings() {
  Call call(*this);
  auto saved = rows("saved-settings", [](const sqlite::Statement& row) {
    return std::pair(row.column_text(0), row.column_text(1));
  });
  if (!saved) {
    return std::move(saved).error();
  }
  return std::map<std::string, std::string>(saved->begin(), saved->end());
}

Result<void> SqliteStore::change_saved_settings(
    const std::map<std::string, std::optional<std::string>>& changes, Timestamp now) {
  Call call(*this);
  Transaction transaction(*db_);
  COMMUNIQUE_TRY(transaction.begin());
  for (const auto& [name, value] : changes) {
    auto changed =
        value ? execute("save-setting", name, *value, now) : execute("forget-setting", name);
    if (!changed) {
      return std::move(changed).error();
    }
  }
  return transaction.commit();
}

Result<std::string> SqliteStore::secret(const std::string& name,
                                        const std::function<std::string()>& generate,
                                        Timestamp now) {
  Call call(*this);
  auto found = first_row("get-secret", read_text, name);
  if (!found) {
    return std::move(found).error();
  }
  if (*found) {
    return std::move(**found);
  }
  COMMUNIQUE_TRY(execute("insert-secret-if-missing", name, generate(), now));
  // Another process may have won the race: read back whatever is stored.
  auto stored = first_row("get-secret", read_text, name);
  if (!stored || !*stored) {
    return make_error(ErrorCode::storage, "the secret '" + name + "' could not be stored");
  }
  return std::move(**stored);
}

}  // namespace communique
