// Exporter: writes a list's members to a stream as CSV or JSON, streaming, so memory does
// not grow with the list.
//
// CSV columns: email, name, lang, status (enabled|blocklisted), subscription
// (unconfirmed|confirmed|unsubscribed), topics (the names of the list's topics they chose,
// separated by ';'; empty: every topic), cadence (the one they chose; empty: the list's
// default), created_at, updated_at (ISO 8601 UTC), attributes (a JSON object). `import`
// reads this file back into the same choices and ignores the read-only columns.
// JSON: one array of objects with the same fields (attributes as an object), one member
// per line, so that line-oriented tools can still cut it.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

#include "base/result.hpp"
#include "store/list_store.hpp"

namespace communique {

enum class ExportFormat { csv, json };

std::optional<ExportFormat> parse_export_format(std::string_view text);

// Writes the members of `list` to `out`; returns how many were written. io error when the
// stream fails (a closed pipe, a full disk).
Result<std::int64_t> export_members(ListStore& store, ListId list, ExportFormat format,
                                    std::ostream& out);

}  // namespace communique
