// QueryCatalog: named SQL statements read from a .sql file, listmonk-style.
//
// A file holds blocks that each start with a line `-- name: some-query`; the lines up to
// the next such line (comments included) are that query. Code asks for a query by name,
// which is also the name used in logs and errors, so a slow or failing statement is
// recognisable. A missing name is a bug and is reported when the catalogue is checked
// at start-up, not at the first call.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace communique {

class QueryCatalog {
 public:
  // Parses `source`; invalid_input when a name repeats or a block is empty.
  static Result<QueryCatalog> parse(std::string_view source);

  // The SQL of `name`; internal error when there is no such query.
  Result<std::string_view> get(std::string_view name) const;

  std::size_t size() const { return queries_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> queries_;
};

}  // namespace communique
