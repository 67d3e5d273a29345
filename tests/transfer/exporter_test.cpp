#include "transfer/exporter.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;

class ExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    list_ = *store_->create_list(NewList{.name = "press"}, fixed_time());
    std::vector<ImportRecord> records{{.email = *EmailAddress::parse("ann@example.org"),
                                       .name = "Ann, \"the\" first",
                                       .language = "en",
                                       .attributes_json = R"({"city":"Oslo"})"},
                                      {.email = *EmailAddress::parse("bob@example.org")}};
    ASSERT_TRUE(store_->import_batch(list_.id, records, {.now = fixed_time()}));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  MailingList list_;
};

TEST_F(ExporterTest, WritesCsvWithHeaderAndEscaping) {
  std::ostringstream out;
  auto written = export_members(*store_, list_.id, ExportFormat::csv, out);
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, 2);
  EXPECT_EQ(
      out.str(),
      "email,name,lang,status,subscription,topics,cadence,created_at,updated_at,attributes\r\n"
      "ann@example.org,\"Ann, \"\"the\"\" first\",en,enabled,confirmed,,,"
      "2026-11-29T07:05:47Z,2026-11-29T07:05:47Z,\"{\"\"city\"\":\"\"Oslo\"\"}\"\r\n"
      "bob@example.org,,,enabled,confirmed,,,2026-11-29T07:05:47Z,2026-11-29T07:05:47Z,{}\r\n");
}

TEST_F(ExporterTest, WritesAJsonArray) {
  std::ostringstream out;
  ASSERT_TRUE(export_members(*store_, list_.id, ExportFormat::json, out));
  auto parsed = nlohmann::json::parse(out.str());
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["email"], "ann@example.org");
  EXPECT_EQ(parsed[0]["attributes"]["city"], "Oslo");
  EXPECT_EQ(parsed[1]["subscription"], "confirmed");
}

TEST_F(ExporterTest, AnEmptyListIsAnEmptyArray) {
  auto empty = *store_->create_list(NewList{.name = "empty"}, fixed_time());
  std::ostringstream out;
  ASSERT_TRUE(export_members(*store_, empty.id, ExportFormat::json, out));
  EXPECT_EQ(nlohmann::json::parse(out.str()), nlohmann::json::array());
}

TEST_F(ExporterTest, AFailingStreamIsAnIoError) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  auto written = export_members(*store_, list_.id, ExportFormat::csv, out);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::io);
}

}  // namespace
}  // namespace communique
