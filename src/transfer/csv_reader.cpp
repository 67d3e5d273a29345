#include "transfer/csv_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace communique {

namespace {

enum class State { field_start, unquoted, quoted, quote_in_quoted, skip_line };

}  // namespace

CsvReader::CsvReader(std::istream& input, CsvReaderSettings settings)
    : input_(input),
      settings_(settings),
      buffer_(std::max<std::size_t>(1, settings.buffer_bytes)) {}

bool CsvReader::refill() {
  if (at_start_) {
    // Look at the first three bytes alone, so that a byte-order mark is found whatever
    // the buffer size; bytes that are not one are handed out first.
    at_start_ = false;
    char head[3];
    input_.read(head, 3);
    const auto got = static_cast<std::size_t>(input_.gcount());
    if (got == 3 && head[0] == '\xEF' && head[1] == '\xBB' && head[2] == '\xBF') {
      consumed_ += 3;
    } else {
      pending_.assign(head, got);
    }
  }
  position_ = 0;
  if (!pending_.empty()) {
    end_ = std::min(pending_.size(), buffer_.size());
    std::copy_n(pending_.begin(), end_, buffer_.begin());
    pending_.erase(0, end_);
    return true;
  }
  if (!input_) {
    end_ = 0;
    return false;
  }
  input_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  end_ = static_cast<std::size_t>(input_.gcount());
  return end_ > 0;
}

bool CsvReader::next(CsvRecord& record) {
  record.fields.clear();
  record.problem.clear();
  record.line = line_;
  std::string field;
  std::size_t record_bytes = 0;
  std::uint64_t quote_line = 0;
  bool has_content = false;
  State state = State::field_start;

  auto finish_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
  };
  auto fail = [&](std::string problem) {
    if (record.problem.empty()) {
      record.problem = std::move(problem);
    }
    state = State::skip_line;
  };

  for (;;) {
    if (position_ == end_ && !refill()) {
      if (state == State::quoted) {
        record.problem = fmt::format(
            "the quoted field opened on line {} is never closed (it runs to the end of the file)",
            quote_line);
      }
      if (!has_content && state == State::field_start) {
        return false;
      }
      if (state != State::skip_line) {
        finish_field();
      }
      return true;
    }
    const char c = buffer_[position_++];
    ++consumed_;
    if (skip_linefeed_) {
      // The LF of a CRLF pair: the CR already counted the line (and ended the record
      // outside quotes); inside quotes the pair is kept as it was written.
      skip_linefeed_ = false;
      if (c == '\n') {
        if (state == State::quoted) {
          field.push_back(c);
        }
        continue;
      }
    }
    const bool line_break = c == '\n' || c == '\r';
    if (line_break) {
      skip_linefeed_ = c == '\r';
      ++line_;
    }
    if (++record_bytes > settings_.max_record_bytes && state != State::skip_line) {
      fail(quote_line != 0 && state == State::quoted
               ? fmt::format("the quoted field opened on line {} is not closed within {} bytes",
                             quote_line, settings_.max_record_bytes)
               : fmt::format("the record is longer than {} bytes", settings_.max_record_bytes));
      if (line_break) {
        return true;
      }
      continue;
    }
    switch (state) {
      case State::field_start:
        if (line_break) {
          if (!has_content) {
            record.line = line_;  // a blank line: skip it
            record_bytes = 0;
            continue;
          }
          finish_field();
          return true;
        }
        has_content = true;
        if (c == '"') {
          state = State::quoted;
          quote_line = line_;
        } else if (c == ',') {
          finish_field();
        } else {
          field.push_back(c);
          state = State::unquoted;
        }
        break;
      case State::unquoted:
        if (line_break) {
          finish_field();
          return true;
        }
        if (c == ',') {
          finish_field();
          state = State::field_start;
        } else if (c == '"') {
          fail(fmt::format("a quote appears inside an unquoted field (field {})",
                           record.fields.size() + 1));
        } else {
          field.push_back(c);
        }
        break;
      case State::quoted:
        if (c == '"') {
          state = State::quote_in_quoted;
        } else {
          field.push_back(c);
        }
        break;
      case State::quote_in_quoted:
        if (c == '"') {
          field.push_back('"');
          state = State::quoted;
        } else if (c == ',') {
          finish_field();
          state = State::field_start;
        } else if (line_break) {
          finish_field();
          return true;
        } else {
          fail(fmt::format("text follows the closing quote of field {}", record.fields.size() + 1));
        }
        break;
      case State::skip_line:
        if (line_break) {
          return true;
        }
        break;
    }
  }
}

}  // namespace communique
