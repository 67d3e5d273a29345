#include "store/query_catalog.hpp"

#include "base/text.hpp"

namespace communique {

namespace {

constexpr std::string_view kNameMarker = "-- name:";

bool is_blank_sql(std::string_view sql) {
  std::size_t pos = 0;
  while (pos < sql.size()) {
    auto end = sql.find('\n', pos);
    if (end == std::string_view::npos) {
      end = sql.size();
    }
    const std::string_view line = trim(sql.substr(pos, end - pos));
    if (!line.empty() && line != "\r" && !line.starts_with("--")) {
      return false;
    }
    pos = end + 1;
  }
  return true;
}

}  // namespace

Result<QueryCatalog> QueryCatalog::parse(std::string_view source) {
  QueryCatalog catalog;
  std::string current_name;
  std::string current_sql;
  auto finish = [&]() -> Result<void> {
    if (current_name.empty()) {
      return ok();
    }
    if (is_blank_sql(current_sql)) {
      return make_error(ErrorCode::invalid_input, "query '" + current_name + "' is empty");
    }
    if (!catalog.queries_.emplace(current_name, current_sql).second) {
      return make_error(ErrorCode::invalid_input, "query '" + current_name + "' is defined twice");
    }
    return ok();
  };
  std::size_t pos = 0;
  while (pos < source.size()) {
    auto end = source.find('\n', pos);
    if (end == std::string_view::npos) {
      end = source.size();
    }
    const std::string_view line = source.substr(pos, end - pos);
    if (line.starts_with(kNameMarker)) {
      if (auto done = finish(); !done) {
        return std::move(done).error();
      }
      current_name = std::string(trim(line.substr(kNameMarker.size())));
      current_sql.clear();
    } else if (!current_name.empty()) {
      current_sql.append(line).append("\n");
    }
    pos = end + 1;
  }
  if (auto done = finish(); !done) {
    return std::move(done).error();
  }
  return catalog;
}

Result<std::string_view> QueryCatalog::get(std::string_view name) const {
  auto found = queries_.find(name);
  if (found == queries_.end()) {
    return make_error(ErrorCode::internal, "no query named '" + std::string(name) + "'");
  }
  return std::string_view(found->second);
}

}  // namespace communique
