#include "transfer/csv_writer.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "transfer/csv_reader.hpp"

namespace communique {
namespace {

std::string field(std::string_view text, FormulaGuard guard = FormulaGuard::off) {
  std::string out;
  append_csv_field(out, text, guard);
  return out;
}

TEST(CsvWriter, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(field("plain"), "plain");
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(field(" padded "), "\" padded \"");
  EXPECT_EQ(field(""), "");
}

TEST(CsvWriter, GuardsFormulasWhenAsked) {
  EXPECT_EQ(field("=HYPERLINK(\"x\")", FormulaGuard::on), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(field("+44 20", FormulaGuard::on), "\"'+44 20\"");
  EXPECT_EQ(field("+44 20", FormulaGuard::off), "+44 20");
}

TEST(CsvWriter, WhatItWritesReadsBack) {
  const std::vector<std::string> original{"a,b", "q\"uote", "line\r\nbreak", "", "plain"};
  std::ostringstream out;
  write_csv_record(out, original, FormulaGuard::off);
  std::istringstream in(out.str());
  CsvReader reader(in);
  CsvRecord record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.fields, original);
  EXPECT_FALSE(reader.next(record));
}

}  // namespace
}  // namespace communique
