// CsvReader: a streaming RFC 4180 reader, one record at a time, in constant memory.
//
// Accepts: quoted fields with doubled quotes and embedded commas and line breaks; CRLF, LF
// or lone CR line endings; a UTF-8 byte-order mark at the start (dropped); blank lines
// (skipped). Bytes are passed through as they are: checking UTF-8 is the caller's policy.
//
// A malformed record does not stop the reader: it comes back with `problem` set (a quote
// inside an unquoted field, text after a closing quote, a record over the size limit)
// and reading resumes at the next line. An unterminated quote swallows what follows it
// (that is what the format means) until the size limit or the end of the file, and the
// problem says where the quote was opened.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace communique {

struct CsvRecord {
  std::vector<std::string> fields;
  std::uint64_t line = 0;  // the physical line (1-based) on which the record starts
  std::string problem;     // empty when the record is well-formed
};

struct CsvReaderSettings {
  std::size_t max_record_bytes = 1 << 20;
  std::size_t buffer_bytes = 1 << 16;
};

class CsvReader {
 public:
  explicit CsvReader(std::istream& input, CsvReaderSettings settings = {});
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `record` (reusing its storage). False at the end of the
  // input. `input_failed()` tells a read error apart from the end.
  bool next(CsvRecord& record);

  bool input_failed() const { return input_.bad(); }
  std::uint64_t bytes_consumed() const { return consumed_; }

 private:
  bool refill();

  std::istream& input_;
  CsvReaderSettings settings_;
  std::vector<char> buffer_;
  std::string pending_;  // bytes read while looking for a byte-order mark
  std::size_t position_ = 0;
  std::size_t end_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint64_t line_ = 1;
  bool at_start_ = true;
  bool skip_linefeed_ = false;  // the last byte was CR: a following LF ends nothing more
};

}  // namespace communique
