// CSV output (RFC 4180): fields quoted only when they must be, CRLF line ends.
//
// With FormulaGuard::on, a field starting with =, +, - or @ is prefixed with a quote
// character so that a spreadsheet opening the file never runs the cell as a formula. The
// rejects file of an import (hostile input, read by people) is written so; an export is
// not, because it must read back into Communiqué byte for byte.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace communique {

enum class FormulaGuard { off, on };

// Appends `field` to `out`, quoted and escaped as needed.
void append_csv_field(std::string& out, std::string_view field, FormulaGuard guard);

// Writes one record and its CRLF.
void write_csv_record(std::ostream& out, std::span<const std::string> fields, FormulaGuard guard);

}  // namespace communique
