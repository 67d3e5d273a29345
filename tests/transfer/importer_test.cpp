#include "transfer/importer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "forwarding_store.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"
#include "transfer/csv_reader.hpp"
#include "transfer/exporter.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using communique::testing::TempDir;

// A Store that passes every call through, except that import_batch fails from the
// `fail_from`-th call on: a database that dies in the middle of an import.
class FailingStore final : public communique::testing::ForwardingStore {
 public:
  FailingStore(Store& inner, int fail_from) : ForwardingStore(inner), fail_from_(fail_from) {}
  Result<ImportCounts> import_batch(ListId l, std::span<const ImportRecord> r,
                                    const ImportPolicy& p) override {
    if (++calls_ >= fail_from_) {
      return make_error(ErrorCode::storage, "disk I/O error");
    }
    return inner_.import_batch(l, r, p);
  }

 private:
  int fail_from_;
  int calls_ = 0;
};

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = open_store(StoreSettings{}, dir_.path() / "data");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->create_list(NewList{.name = "press"}, fixed_time()));
  }

  std::filesystem::path write_file(const std::string& name, const std::string& content) {
    auto path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  Result<ImportSummary> import(const std::filesystem::path& file, Store& store,
                               ImportMode mode = ImportMode::upsert, std::size_t batch = 2) {
    Importer importer(
        store, [] { return fixed_time(); }, ImportSettings{.batch_size = batch});
    return importer.run(ImportRequest{.file = file, .list_name = "press", .mode = mode}, nullptr);
  }

  Result<ImportSummary> import(const std::filesystem::path& file) { return import(file, *store_); }

  static std::vector<CsvRecord> read_csv(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    CsvReader reader(in);
    std::vector<CsvRecord> records;
    CsvRecord record;
    while (reader.next(record)) {
      records.push_back(record);
    }
    return records;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImporterTest, GoodAndBadRowsGiveExactCountsAndARejectsFile) {
  auto file = write_file("subs.csv",
                         "\xEF\xBB\xBF"
                         "Email,Name,lang,City\r\n"
                         "ann@example.org,Ann,en,Oslo\r\n"
                         "not-an-address,Bob,en,Rome\r\n"
                         "\"carl@example.org\",\"Carl, Jr.\",pt_br,\"Lis\nbon\"\r\n"
                         "ANN@example.org,,,Bergen\r\n"
                         "dan@example.org,Dan\r\n"
                         "eve@example.org,\"Eve\xC3\",en,\r\n"
                         "fay@example.org,Fay,english,\r\n"
                         "gus@example.org,\"Gus\"x,en,\r\n");
  auto summary = import(file);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->imported, 2);
  EXPECT_EQ(summary->updated, 1);
  EXPECT_EQ(summary->rejected, 5);
  EXPECT_EQ(summary->rejects_file, dir_.path() / "subs.rejects.csv");

  auto rejects = read_csv(summary->rejects_file);
  ASSERT_EQ(rejects.size(), 6u);
  EXPECT_EQ(rejects[0].fields,
            (std::vector<std::string>{"line", "reason", "Email", "Name", "lang", "City"}));
  EXPECT_EQ(rejects[1].fields[0], "3");
  EXPECT_EQ(rejects[1].fields[1], "invalid email: the address has no '@'");
  EXPECT_EQ(rejects[1].fields[2], "not-an-address");
  EXPECT_EQ(rejects[2].fields[0], "7");
  EXPECT_EQ(rejects[2].fields[1], "the row has 2 fields but the header has 4");
  EXPECT_EQ(rejects[3].fields[0], "8");
  EXPECT_EQ(rejects[3].fields[1], "column 'Name' is not valid UTF-8");
  EXPECT_EQ(rejects[4].fields[0], "9");
  EXPECT_TRUE(rejects[4].fields[1].starts_with("invalid lang: 'english' is not a language tag"));
  EXPECT_EQ(rejects[5].fields[0], "10");
  EXPECT_EQ(rejects[5].fields[1], "text follows the closing quote of field 2");

  auto ann = store_->find_subscriber(*EmailAddress::parse("ann@example.org"));
  ASSERT_TRUE(ann);
  EXPECT_EQ(ann->name, "Ann");
  EXPECT_EQ(ann->attributes_json, R"({"City":"Bergen"})");
  auto carl = store_->find_subscriber(*EmailAddress::parse("carl@example.org"));
  ASSERT_TRUE(carl);
  EXPECT_EQ(carl->name, "Carl, Jr.");
  EXPECT_EQ(carl->language, "pt-BR");
  EXPECT_EQ(carl->attributes_json, R"({"City":"Lis\nbon"})");
}

TEST_F(ImporterTest, AnImportWithoutRejectsRemovesAStaleRejectsFile) {
  auto file = write_file("subs.csv", "email\nbad\n");
  ASSERT_EQ(import(file)->rejected, 1);
  ASSERT_TRUE(std::filesystem::exists(dir_.path() / "subs.rejects.csv"));
  write_file("subs.csv", "email\ngood@example.org\n");
  ASSERT_EQ(import(file)->rejected, 0);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "subs.rejects.csv"));
}

TEST_F(ImporterTest, HeaderProblemsStopBeforeAnyRow) {
  auto no_email = import(write_file("a.csv", "name,lang\nAnn,en\n"));
  ASSERT_FALSE(no_email);
  EXPECT_NE(no_email.error().message.find("the header row has no 'email' column"),
            std::string::npos);
  auto twice = import(write_file("b.csv", "email,name,Email\nx@example.org,X,y\n"));
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("names the column 'Email' twice"), std::string::npos);
  auto empty = import(write_file("c.csv", ""));
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("is empty"), std::string::npos);
  EXPECT_EQ(*store_->count_subscribers(std::nullopt), 0);
}

TEST_F(ImporterTest, UnknownListSaysHowToCreateIt) {
  Importer importer(
      *store_, [] { return fixed_time(); }, ImportSettings{});
  auto result = importer.run(
      ImportRequest{.file = write_file("a.csv", "email\n"), .list_name = "nope"}, nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "there is no list named 'nope'; create it with: communique lists create 'nope'");
}

TEST_F(ImporterTest, SkipModeCountsKnownAddressesAsSkipped) {
  auto file = write_file("subs.csv", "email,name\na@example.org,A\nb@example.org,B\n");
  ASSERT_TRUE(import(file));
  write_file("subs.csv", "email,name\na@example.org,Changed\nc@example.org,C\n");
  auto summary = import(file, *store_, ImportMode::skip_existing);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->imported, 1);
  EXPECT_EQ(summary->updated, 0);
  EXPECT_EQ(summary->skipped, 1);
  EXPECT_EQ(store_->find_subscriber(*EmailAddress::parse("a@example.org"))->name, "A");
}

TEST_F(ImporterTest, TheFilesStatusKeepsTheUnsubscribedAndBlocklistedOut) {
  // Known here already: c (confirmed) and d (unconfirmed) are members of the list.
  ASSERT_TRUE(import(write_file("first.csv", "email\nc@example.org\nd@example.org\n")));
  const auto d = store_->find_subscriber(*EmailAddress::parse("d@example.org"));
  ASSERT_TRUE(store_->set_subscription_status(d->id, store_->find_list("press")->id,
                                              SubscriptionStatus::unconfirmed, fixed_time()));
  auto file = write_file("export.csv",
                         "email,status,subscription\n"
                         "a@example.org,enabled,unsubscribed\n"
                         "b@example.org,blocklisted,confirmed\n"
                         "c@example.org,,unsubscribed\n"
                         "d@example.org,Pending,\n"
                         "e@example.org,unsubscribed,confirmed\n"
                         "f@example.org,subscribed,confirmed\n"
                         "g@example.org,cleaned,\n");
  auto summary = import(file);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->imported, 4);  // a, b, e, f
  EXPECT_EQ(summary->updated, 2);   // c, d
  EXPECT_EQ(summary->rejected, 1);  // g
  EXPECT_EQ(summary->unsubscribed, 3);
  EXPECT_EQ(summary->blocklisted, 1);
  EXPECT_TRUE(summary->ignored_columns.empty());
  const auto standing = [&](const char* address) {
    auto subscriber = store_->find_subscriber(*EmailAddress::parse(address));
    EXPECT_TRUE(subscriber) << address;
    auto subscriptions = store_->subscriptions_of(subscriber->id);
    std::string out(to_string(subscriber->status));
    for (const auto& subscription : *subscriptions) {
      out += std::string(" ") + std::string(to_string(subscription.status));
    }
    return out;
  };
  EXPECT_EQ(standing("a@example.org"), "enabled unsubscribed");
  EXPECT_EQ(standing("b@example.org"), "blocklisted");           // not subscribed here
  EXPECT_EQ(standing("c@example.org"), "enabled unsubscribed");  // the file says they left
  EXPECT_EQ(standing("d@example.org"), "enabled unconfirmed");
  EXPECT_EQ(standing("e@example.org"), "enabled unsubscribed");  // the weaker of the two
  EXPECT_EQ(standing("f@example.org"), "enabled confirmed");
  auto rejects = read_csv(summary->rejects_file);
  EXPECT_EQ(rejects[1].fields[1],
            "invalid status: 'cleaned'; use confirmed, unconfirmed, unsubscribed or blocklisted "
            "(or leave it empty)");
  // Importing the same file again subscribes nobody who left.
  ASSERT_TRUE(import(write_file("again.csv", "email\na@example.org\nc@example.org\n")));
  EXPECT_EQ(standing("a@example.org"), "enabled unsubscribed");
  EXPECT_EQ(standing("c@example.org"), "enabled unsubscribed");

  // Skipping known addresses leaves their fields alone, never what the file says they chose.
  auto skipping = import(write_file("skip.csv",
                                    "email,name,subscription,status\n"
                                    "f@example.org,Renamed,unsubscribed,\n"
                                    "d@example.org,Renamed,,blocklisted\n"
                                    "e@example.org,Renamed,,\n"),
                         *store_, ImportMode::skip_existing);
  ASSERT_TRUE(skipping);
  EXPECT_EQ(skipping->skipped, 3);
  EXPECT_EQ(skipping->unsubscribed, 1);
  EXPECT_EQ(skipping->blocklisted, 1);
  EXPECT_EQ(standing("f@example.org"), "enabled unsubscribed");
  EXPECT_EQ(standing("d@example.org"), "blocklisted unconfirmed");
  EXPECT_EQ(store_->find_subscriber(*EmailAddress::parse("f@example.org"))->name, "");
}

TEST_F(ImporterTest, ReadsBackAnExportIgnoringReadOnlyColumns) {
  auto file =
      write_file("export.csv",
                 "email,name,lang,status,subscription,created_at,updated_at,attributes\r\n"
                 "a@example.org,A,fr,enabled,confirmed,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,"
                 "\"{\"\"city\"\":\"\"Paris\"\",\"\"n\"\":3}\"\r\n"
                 "b@example.org,B,,enabled,confirmed,x,y,[1]\r\n");
  auto summary = import(file);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->imported, 1);
  EXPECT_EQ(summary->rejected, 1);
  EXPECT_EQ(summary->ignored_columns, (std::vector<std::string>{"created_at", "updated_at"}));
  auto a = store_->find_subscriber(*EmailAddress::parse("a@example.org"));
  EXPECT_EQ(a->attributes_json, R"({"city":"Paris","n":3})");
  auto rejects = read_csv(summary->rejects_file);
  EXPECT_EQ(rejects[1].fields[1],
            "the attributes column is not a JSON object such as {\"city\":\"Oslo\"}");
}

TEST_F(ImporterTest, TopicsAndCadenceColumnsSetChoicesAndBadOnesAreRejectedWithTheReason) {
  const auto press = *store_->find_list("press");
  ASSERT_TRUE(store_->create_topic(press.id, "Sport", "", fixed_time()));
  ASSERT_TRUE(store_->create_topic(press.id, "Arts", "", fixed_time()));
  auto file = write_file("subs.csv",
                         "email,topics,cadence\r\n"
                         "a@example.org,sport; ARTS,daily\r\n"
                         "b@example.org,,\r\n"
                         "c@example.org,sport;weather,weekly\r\n"
                         "d@example.org,arts,hourly\r\n");
  auto summary = import(file);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->imported, 2);
  EXPECT_EQ(summary->rejected, 2);
  const auto a = store_->find_subscriber(*EmailAddress::parse("a@example.org"))->id;
  const auto b = store_->find_subscriber(*EmailAddress::parse("b@example.org"))->id;
  EXPECT_EQ(store_->topics_of_subscriber(a)->size(), 2u);
  EXPECT_EQ(store_->subscriptions_of(a)->front().cadence, Cadence::daily);
  EXPECT_TRUE(store_->topics_of_subscriber(b)->empty());
  EXPECT_EQ(store_->subscriptions_of(b)->front().cadence, std::nullopt);
  // A `topics` column is a choice, not an attribute.
  EXPECT_EQ(store_->find_subscriber(a)->attributes_json, "{}");
  auto rejects = read_csv(summary->rejects_file);
  ASSERT_EQ(rejects.size(), 3u);
  EXPECT_EQ(rejects[1].fields[0], "4");
  EXPECT_EQ(rejects[1].fields[1],
            "topics: no topic 'weather' on list press; topics there are press: Arts, Sport");
  EXPECT_EQ(rejects[2].fields[1],
            "invalid cadence: 'hourly'; use immediate, daily, weekly or monthly (or leave it "
            "empty)");

  // An empty cell changes nothing; a new one replaces the list's topics.
  auto again = write_file("again.csv",
                          "email,topics,cadence\r\na@example.org,,\r\n"
                          "b@example.org,arts,immediate\r\n");
  ASSERT_TRUE(import(again));
  EXPECT_EQ(store_->topics_of_subscriber(a)->size(), 2u);
  EXPECT_EQ(store_->subscriptions_of(a)->front().cadence, Cadence::daily);
  ASSERT_EQ(store_->topics_of_subscriber(b)->size(), 1u);
  EXPECT_EQ(store_->topics_of_subscriber(b)->front().name, "Arts");
  EXPECT_EQ(store_->subscriptions_of(b)->front().cadence, Cadence::immediate);
}

TEST_F(ImporterTest, AnExportImportedIntoAFreshDatabaseKeepsTheSameChoices) {
  const auto press = *store_->find_list("press");
  ASSERT_TRUE(store_->create_topic(press.id, "Sport", "", fixed_time()));
  ASSERT_TRUE(store_->create_topic(press.id, "Arts", "", fixed_time()));
  ASSERT_TRUE(import(write_file("subs.csv",
                                "email,topics,cadence\r\n"
                                "a@example.org,Sport;Arts,monthly\r\n"
                                "b@example.org,Arts,\r\n"
                                "c@example.org,,immediate\r\n")));
  const auto exported = dir_.path() / "export.csv";
  {
    std::ofstream out(exported, std::ios::binary);
    ASSERT_TRUE(export_members(*store_, press.id, ExportFormat::csv, out));
  }
  auto fresh = std::move(*open_store(StoreSettings{}, dir_.path() / "fresh"));
  const auto fresh_press = *fresh->create_list(NewList{.name = "press"}, fixed_time());
  ASSERT_TRUE(fresh->create_topic(fresh_press.id, "Arts", "", fixed_time()));
  ASSERT_TRUE(fresh->create_topic(fresh_press.id, "Sport", "", fixed_time()));
  auto summary = import(exported, *fresh);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->imported, 3);
  EXPECT_EQ(summary->rejected, 0);
  // Every member's topics (by name) and chosen cadence are the same in both databases.
  const auto choices = [](Store& store, const char* email) {
    const auto id = store.find_subscriber(*EmailAddress::parse(email))->id;
    const auto topics = store.topics_of_subscriber(id);
    std::vector<std::string> names;
    for (const auto& topic : *topics) {
      names.push_back(topic.name);
    }
    std::sort(names.begin(), names.end());
    return std::pair{names, store.subscriptions_of(id)->front().cadence};
  };
  for (const char* email : {"a@example.org", "b@example.org", "c@example.org"}) {
    EXPECT_EQ(choices(*fresh, email), choices(*store_, email)) << email;
  }
  EXPECT_EQ(choices(*fresh, "a@example.org").first, (std::vector<std::string>{"Arts", "Sport"}));
  EXPECT_EQ(choices(*fresh, "a@example.org").second, Cadence::monthly);
}

TEST_F(ImporterTest, ADatabaseFailureKeepsWholeBatchesOnlyAndRerunFinishes) {
  std::string csv = "email\n";
  for (int i = 0; i < 7; ++i) {
    csv += "user" + std::to_string(i) + "@example.org\n";
  }
  auto file = write_file("subs.csv", csv);
  FailingStore failing(*store_, 3);  // batches of 2: the third batch fails
  auto failed = import(file, failing);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message,
            "stopped before line 6: disk I/O error. Rows before that batch are saved "
            "(4 imported, 0 updated); run the same import again to finish");
  EXPECT_EQ(*store_->count_subscribers(std::nullopt), 4);

  auto rerun = import(file);
  ASSERT_TRUE(rerun);
  EXPECT_EQ(rerun->imported, 3);
  EXPECT_EQ(rerun->updated, 4);
  EXPECT_EQ(*store_->count_subscribers(std::nullopt), 7);
}

TEST_F(ImporterTest, ReportsProgressPerBatch) {
  auto file = write_file("subs.csv", "email\na@x.org\nb@x.org\nc@x.org\n");
  Importer importer(
      *store_, [] { return fixed_time(); }, ImportSettings{.batch_size = 2});
  std::vector<ImportProgress> seen;
  auto summary = importer.run(ImportRequest{.file = file, .list_name = "press"},
                              [&](const ImportProgress& p) { seen.push_back(p); });
  ASSERT_TRUE(summary);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].rows, 2);
  EXPECT_EQ(seen[1].rows, 3);
  EXPECT_EQ(seen[1].bytes_done, seen[1].bytes_total);
  EXPECT_EQ(seen[1].bytes_total, std::filesystem::file_size(file));
}

}  // namespace
}  // namespace communique
