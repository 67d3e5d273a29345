// SettingsStore: settings saved through the API, and the installation's secrets, as the
// store keeps them.
//
// Policy: a saved setting overrides the settings file until it is forgotten; changes are
// one transaction. A secret is made once, on first use, and every caller — every node
// sharing the database — gets the same value; a race to make it is won by one writer.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "core/time.hpp"

namespace communique {

class SettingsStore {
 public:
  virtual ~SettingsStore() = default;

  // Settings saved through the API (`section.key` → value), and changing them in one
  // transaction: a value saves it, nothing forgets it (the file's value applies again).
  virtual Result<std::map<std::string, std::string>> saved_settings() = 0;
  virtual Result<void> change_saved_settings(
      const std::map<std::string, std::optional<std::string>>& changes, Timestamp now) = 0;

  // The installation's secret named `name`, created from `generate()` on first use. Every
  // caller (and every node sharing the database) gets the same value.
  virtual Result<std::string> secret(const std::string& name,
                                     const std::function<std::string()>& generate,
                                     Timestamp now) = 0;
};

}  // namespace communique
