#include "transfer/exporter.hpp"

#include <nlohmann/json.hpp>

#include "transfer/csv_writer.hpp"

namespace communique {

namespace {

nlohmann::json to_json(const Member& member) {
  const auto& s = member.subscriber;
  auto attributes = nlohmann::json::parse(s.attributes_json, nullptr, false);
  if (attributes.is_discarded()) {
    attributes = nlohmann::json::object();
  }
  return nlohmann::json{{"email", s.email},
                        {"name", s.name},
                        {"lang", s.language},
                        {"status", to_string(s.status)},
                        {"subscription", to_string(member.status)},
                        {"topics", member.topics},
                        {"cadence", member.cadence ? nlohmann::json(to_string(*member.cadence))
                                                   : nlohmann::json(nullptr)},
                        {"created_at", format_iso8601(s.created_at)},
                        {"updated_at", format_iso8601(s.updated_at)},
                        {"attributes", std::move(attributes)}};
}

// A `topics` cell as the importer reads it back: names separated by ';'.
std::string join_topic_names(const std::vector<std::string>& names) {
  std::string cell;
  for (const auto& name : names) {
    cell += (cell.empty() ? "" : ";") + name;
  }
  return cell;
}

Result<void> check(std::ostream& out) {
  if (!out) {
    return make_error(ErrorCode::io, "writing the export failed (closed pipe or full disk?)");
  }
  return ok();
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view text) {
  if (text == "csv") {
    return ExportFormat::csv;
  }
  if (text == "json") {
    return ExportFormat::json;
  }
  return std::nullopt;
}

Result<std::int64_t> export_members(ListStore& store, ListId list, ExportFormat format,
                                    std::ostream& out) {
  std::int64_t written = 0;
  if (format == ExportFormat::csv) {
    const std::string header[] = {"email",  "name",    "lang",       "status",     "subscription",
                                  "topics", "cadence", "created_at", "updated_at", "attributes"};
    write_csv_record(out, header, FormulaGuard::off);
  } else {
    out << "[";
  }
  auto visited = store.for_each_member(list, [&](const Member& member) -> Result<void> {
    const auto& s = member.subscriber;
    if (format == ExportFormat::csv) {
      const std::string fields[] = {s.email,
                                    s.name,
                                    s.language,
                                    std::string(to_string(s.status)),
                                    std::string(to_string(member.status)),
                                    join_topic_names(member.topics),
                                    member.cadence ? std::string(to_string(*member.cadence)) : "",
                                    format_iso8601(s.created_at),
                                    format_iso8601(s.updated_at),
                                    s.attributes_json};
      write_csv_record(out, fields, FormulaGuard::off);
    } else {
      out << (written == 0 ? "\n" : ",\n")
          << to_json(member).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    ++written;
    return check(out);
  });
  if (!visited) {
    return std::move(visited).error();
  }
  if (format == ExportFormat::json) {
    out << (written == 0 ? "]\n" : "\n]\n");
  }
  out.flush();
  if (auto checked = check(out); !checked) {
    return std::move(checked).error();
  }
  return written;
}

}  // namespace communique
