// Migrations: numbered schema changes, one .sql file each (`0001_initial.sql`), embedded
// in the binary and applied in order at start. The number is the schema version.
// Applying is the backend's job (each in one transaction with its version row); reading
// and ordering the embedded files is shared here so every backend agrees on the rules.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "base/embedded_file.hpp"
#include "base/result.hpp"

namespace communique {

struct Migration {
  int version = 0;
  std::string_view name;  // the file name, for logs
  std::string_view sql;
};

// The migrations among `files` (every file named NNNN_*.sql), in ascending version order;
// invalid_input when two share a number or the numbers have a gap.
Result<std::vector<Migration>> collect_migrations(std::span<const EmbeddedFile> files);

}  // namespace communique
