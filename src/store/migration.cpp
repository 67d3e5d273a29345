#include "store/migration.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace communique {

Result<std::vector<Migration>> collect_migrations(std::span<const EmbeddedFile> files) {
  std::vector<Migration> migrations;
  for (const auto& file : files) {
    const auto underscore = file.name.find('_');
    if (underscore == std::string_view::npos || !file.name.ends_with(".sql")) {
      continue;
    }
    int version = 0;
    const auto* first = file.name.data();
    const auto* last = first + underscore;
    auto [ptr, ec] = std::from_chars(first, last, version);
    if (ec != std::errc() || ptr != last || version <= 0) {
      continue;
    }
    migrations.push_back({version, file.name, file.content});
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return make_error(ErrorCode::invalid_input,
                        "migration numbers must run 1, 2, 3... without gaps or repeats; found " +
                            std::string(migrations[i].name));
    }
  }
  return migrations;
}

}  // namespace communique
