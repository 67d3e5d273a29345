#include "transfer/csv_reader.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace communique {
namespace {

std::vector<CsvRecord> read_all(const std::string& text, CsvReaderSettings settings = {}) {
  std::istringstream input(text);
  CsvReader reader(input, settings);
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.next(record)) {
    records.push_back(record);
  }
  return records;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, ReadsPlainAndQuotedFields) {
  auto records = read_all("email,name\nann@example.org,\"Smith, Ann\"\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"email", "name"}));
  EXPECT_EQ(records[1].fields, (Fields{"ann@example.org", "Smith, Ann"}));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_TRUE(records[1].problem.empty());
}

TEST(CsvReader, UnescapesDoubledQuotesAndKeepsEmbeddedLineBreaks) {
  auto records = read_all("a,b\r\n\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nnext,row\r\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields, (Fields{"say \"hi\"", "two\r\nlines"}));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[2].line, 4u);  // the quoted line break counted as a physical line
}

TEST(CsvReader, HandlesCrlfLfAndLoneCrAlike) {
  for (const std::string eol : {"\n", "\r\n", "\r"}) {
    auto records = read_all("a,b" + eol + "1,2" + eol + "3,4" + eol);
    ASSERT_EQ(records.size(), 3u) << "line end "
                                  << (eol == "\r"   ? "CR"
                                      : eol == "\n" ? "LF"
                                                    : "CRLF");
    EXPECT_EQ(records[2].fields, (Fields{"3", "4"}));
    EXPECT_EQ(records[2].line, 3u);
  }
}

TEST(CsvReader, DropsAByteOrderMark) {
  auto records = read_all(
      "\xEF\xBB\xBF"
      "email\nann@example.org\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"email"}));
}

TEST(CsvReader, LastRecordWithoutLineEndAndEmptyFields) {
  auto records = read_all("a,b,c\n,,\nx,,z");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields, (Fields{"", "", ""}));
  EXPECT_EQ(records[2].fields, (Fields{"x", "", "z"}));
}

TEST(CsvReader, SkipsBlankLinesButCountsThem) {
  auto records = read_all("a\n\n\nb\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"b"}));
  EXPECT_EQ(records[1].line, 4u);
}

TEST(CsvReader, RaggedRowsComeBackAsTheyAre) {
  auto records = read_all("a,b,c\n1,2\n1,2,3,4\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields.size(), 2u);
  EXPECT_EQ(records[2].fields.size(), 4u);
  EXPECT_TRUE(records[1].problem.empty());
}

TEST(CsvReader, PassesInvalidUtf8ThroughForTheCallerToJudge) {
  auto records = read_all("a\n\xC3\x28\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields[0], "\xC3\x28");
}

TEST(CsvReader, MalformedRecordsAreFlaggedAndReadingResumes) {
  auto records = read_all("a,b\nbad\"quote,x\n\"closed\"junk,y\ngood,row\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].problem, "a quote appears inside an unquoted field (field 1)");
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[2].problem, "text follows the closing quote of field 1");
  EXPECT_EQ(records[3].fields, (Fields{"good", "row"}));
  EXPECT_EQ(records[3].line, 4u);
}

TEST(CsvReader, UnterminatedQuoteSaysWhereItOpened) {
  auto records = read_all("a,b\nok,1\n\"never closed,2\nmore,3\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].line, 3u);
  EXPECT_EQ(records[2].problem,
            "the quoted field opened on line 3 is never closed (it runs to the end of the file)");
}

TEST(CsvReader, OversizedRecordIsCutAtTheLimitAndReadingResumes) {
  auto records = read_all("a\n" + std::string(100, 'x') + "\nsmall\n",
                          CsvReaderSettings{.max_record_bytes = 50, .buffer_bytes = 16});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].problem, "the record is longer than 50 bytes");
  EXPECT_EQ(records[2].fields, (Fields{"small"}));
  EXPECT_EQ(records[2].line, 3u);
}

TEST(CsvReader, TinyBuffersGiveTheSameRecords) {
  const std::string text =
      "\xEF\xBB\xBF"
      "email,name\r\n\"a@x.org\",\"multi\r\nline \"\"q\"\"\"\r\nb@x.org,B\r\n";
  auto reference = read_all(text);
  for (std::size_t size : {1u, 2u, 3u, 5u, 7u}) {
    auto records = read_all(text, CsvReaderSettings{.buffer_bytes = size});
    ASSERT_EQ(records.size(), reference.size()) << "buffer " << size;
    for (std::size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].fields, reference[i].fields) << "buffer " << size;
      EXPECT_EQ(records[i].line, reference[i].line) << "buffer " << size;
    }
  }
  EXPECT_EQ(reference[1].fields[1], "multi\r\nline \"q\"");
}

}  // namespace
}  // namespace communique
