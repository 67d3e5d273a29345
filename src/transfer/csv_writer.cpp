#include "transfer/csv_writer.hpp"

namespace communique {

void append_csv_field(std::string& out, std::string_view field, FormulaGuard guard) {
  const bool formula = guard == FormulaGuard::on && !field.empty() &&
                       std::string_view("=+-@").find(field.front()) != std::string_view::npos;
  const bool needs_quotes = formula || field.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs_quotes) {
    out.append(field);
    return;
  }
  out.push_back('"');
  if (formula) {
    out.push_back('\'');
  }
  for (char c : field) {
    if (c == '"') {
      out.push_back('"');
    }
    out.push_back(c);
  }
  out.push_back('"');
}

void write_csv_record(std::ostream& out, std::span<const std::string> fields, FormulaGuard guard) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      line.push_back(',');
    }
    append_csv_field(line, fields[i], guard);
  }
  line.append("\r\n");
  out << line;
}

}  // namespace communique
