#include "http/one_click_queue.hpp"

#include <gtest/gtest.h>

#include <future>

#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

TEST(OneClickQueue, AnswersEachRequestOnceItsBatchIsStored) {
  communique::testing::TempDir dir;
  auto store = std::move(*open_store(StoreSettings{}, dir.path()));
  auto list = *store->create_list(NewList{.name = "Weekly"}, fixed_time());
  std::vector<ImportRecord> records;
  for (int i = 0; i < 20; ++i) {
    records.push_back({.email = *EmailAddress::parse("p" + std::to_string(i) + "@example.org")});
  }
  ASSERT_TRUE(store->import_batch(list.id, records, {.now = fixed_time()}));
  Issue issue;
  issue.subject = "Weekly";
  issue.lists = {list.id};
  const auto id = store->create_issue(issue, fixed_time())->id;

  std::vector<std::future<HttpResponse>> answers;
  {
    OneClickQueue queue(*store, "Embassy", [] { return fixed_time(60); });
    for (SubscriberId subscriber = 1; subscriber <= 21; ++subscriber) {  // 21 does not exist
      auto promise = std::make_shared<std::promise<HttpResponse>>();
      answers.push_back(promise->get_future());
      queue.submit(subscriber, id, [promise](HttpResponse r) { promise->set_value(std::move(r)); });
    }
    auto unknown_issue = std::make_shared<std::promise<HttpResponse>>();
    answers.push_back(unknown_issue->get_future());
    queue.submit(1, id + 100,
                 [unknown_issue](HttpResponse r) { unknown_issue->set_value(std::move(r)); });
  }  // the destructor answers what is still queued
  for (int i = 0; i < 20; ++i) {
    auto answer = answers[i].get();
    EXPECT_EQ(answer.status, 200);
    EXPECT_NE(answer.body.find("<strong>Weekly</strong>"), std::string::npos);
  }
  EXPECT_EQ(answers[20].get().status, 404);
  EXPECT_EQ(answers[21].get().status, 404);
  EXPECT_EQ(*store->count_subscribers(list.id), 0);
}

}  // namespace
}  // namespace communique
