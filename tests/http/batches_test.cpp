#include "http/batches.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <stdexcept>

namespace communique {
namespace {

namespace asio = boost::asio;

HttpRequest numbered(int n) {
  HttpRequest request;
  request.body = std::to_string(n);
  return request;
}

// `count` connections ask at once; returns what each was answered.
std::vector<std::string> ask(const BatchHandler& handler, int count) {
  asio::io_context io(1);
  Batches batches(io.get_executor());
  std::vector<std::string> answers(count);
  for (int i = 0; i < count; ++i) {
    asio::co_spawn(
        io,
        [&batches, &handler, &answers, i]() -> asio::awaitable<void> {
          auto response = co_await batches.answer(handler, numbered(i));
          answers[i] = std::to_string(response.status) + " " + response.body;
        },
        asio::detached);
  }
  io.run();
  batches.join();
  return answers;
}

TEST(Batches, RequestsThatArriveTogetherAreAnsweredTogetherEachWithItsOwnAnswer) {
  std::vector<std::size_t> sizes;  // one batch at a time: no lock needed
  BatchHandler echo = [&sizes](std::span<const HttpRequest> batch) {
    sizes.push_back(batch.size());
    std::vector<HttpResponse> answers;
    for (const auto& request : batch) {
      answers.push_back(HttpResponse{.status = 200, .body = "echo " + request.body});
    }
    return answers;
  };
  const auto answers = ask(echo, 40);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(answers[i], "200 echo " + std::to_string(i));
  }
  EXPECT_EQ(sizes, std::vector<std::size_t>{40});  // all asked in one turn: one batch
}

TEST(Batches, RequestsThatArriveWhileABatchIsAwayLeaveTogetherWhenItComesBack) {
  asio::io_context io(1);
  Batches batches(io.get_executor());
  std::promise<void> all_joined;
  std::vector<std::size_t> sizes;
  BatchHandler slow = [&](std::span<const HttpRequest> batch) {
    if (sizes.empty()) {
      all_joined.get_future().wait();  // the first batch is away until the others wait
    }
    sizes.push_back(batch.size());
    return std::vector<HttpResponse>(batch.size(), HttpResponse{.status = 204});
  };
  int answered = 0;
  const auto connection = [&](int n) -> asio::awaitable<void> {
    auto response = co_await batches.answer(slow, numbered(n));
    answered += response.status == 204 ? 1 : 0;
  };
  asio::co_spawn(io, connection(0), asio::detached);
  // Runs after the first request has joined, before its batch leaves (at the end of the
  // turn): ten more come, and once they wait, the first batch may finish.
  asio::post(io, [&] {
    for (int i = 1; i <= 10; ++i) {
      asio::co_spawn(io, connection(i), asio::detached);
    }
    asio::post(io, [&] { all_joined.set_value(); });
  });
  io.run();
  batches.join();
  EXPECT_EQ(answered, 11);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 10}));
}

TEST(Batches, AFailingHandlerAnswers500ToItsWholeBatch) {
  BatchHandler throws = [](std::span<const HttpRequest>) -> std::vector<HttpResponse> {
    throw std::runtime_error("database is locked");
  };
  for (const auto& answer : ask(throws, 3)) {
    EXPECT_EQ(answer.substr(0, 4), "500 ");
    EXPECT_EQ(answer.find("locked"), std::string::npos);  // the detail is logged, not shown
  }
  BatchHandler too_few = [](std::span<const HttpRequest>) { return std::vector<HttpResponse>(1); };
  for (const auto& answer : ask(too_few, 3)) {
    EXPECT_EQ(answer.substr(0, 4), "500 ");
  }
}

}  // namespace
}  // namespace communique
