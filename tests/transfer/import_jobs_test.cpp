#include "transfer/import_jobs.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

ImportJob wait_for(const ImportJobs& jobs, std::int64_t id) {
  for (int i = 0; i < 500; ++i) {
    auto job = jobs.find(id);
    if (job && job->state != ImportJob::State::running) {
      return *job;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "the import did not finish";
  return {};
}

TEST(ImportJobs, ImportsAnUploadAndKeepsItsRejects) {
  communique::testing::TempDir dir;
  auto store = std::move(*open_store(StoreSettings{}, dir.path()));
  ASSERT_TRUE(store->create_list(NewList{.name = "press"}, fixed_time()));
  std::filesystem::path upload;
  {
    ImportJobs jobs(*store, dir.path() / "imports", [] { return fixed_time(); });
    auto started = jobs.start("press", "email,name\nann@example.org,Ann\nnot-an-address,X\n",
                              ImportMode::upsert);
    ASSERT_TRUE(started) << started.error().message;
    const auto job = wait_for(jobs, started->id);
    ASSERT_EQ(job.state, ImportJob::State::done) << job.error;
    EXPECT_EQ(job.summary.imported, 1);
    EXPECT_EQ(job.summary.rejected, 1);
    auto rejects = jobs.rejects(started->id);
    ASSERT_TRUE(rejects);
    std::ifstream in(*rejects);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(content.find("not-an-address"), std::string::npos);
    EXPECT_EQ(content.rfind("line,reason,", 0), 0u) << content;
    EXPECT_NE(content.find("\n3,"), std::string::npos) << content;
    upload = rejects->parent_path();
    EXPECT_FALSE(jobs.start("nope", "email\n", ImportMode::upsert));
  }
  // The jobs' files go when the server stops.
  EXPECT_TRUE(std::filesystem::is_empty(upload));
  EXPECT_EQ(*store->count_subscribers(std::nullopt), 1);
}

TEST(ImportJobs, AFileWithoutAnEmailColumnFailsWithAReason) {
  communique::testing::TempDir dir;
  auto store = std::move(*open_store(StoreSettings{}, dir.path()));
  ASSERT_TRUE(store->create_list(NewList{.name = "press"}, fixed_time()));
  ImportJobs jobs(*store, dir.path() / "imports", [] { return fixed_time(); });
  auto started = jobs.start("press", "name\nAnn\n", ImportMode::upsert);
  ASSERT_TRUE(started);
  const auto job = wait_for(jobs, started->id);
  EXPECT_EQ(job.state, ImportJob::State::failed);
  EXPECT_NE(job.error.find("email"), std::string::npos) << job.error;
}

}  // namespace
}  // namespace communique
