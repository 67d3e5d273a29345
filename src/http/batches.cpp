#include "http/batches.hpp"

#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>

#include "base/log.hpp"
#include "http/responses.hpp"

namespace communique {

namespace asio = boost::asio;

namespace {

// The handler's answers, or 500 for every request when it fails.
std::vector<HttpResponse> run(const BatchHandler& handler, std::span<const HttpRequest> requests) {
  const auto failed = [&](const std::string& why) {
    logger("http")->error("a batch of {} request(s) failed: {}", requests.size(), why);
    return std::vector<HttpResponse>(
        requests.size(),
        error_response(500, "internal", "an internal error occurred; it has been logged"));
  };
  try {
    auto answers = handler(requests);
    if (answers.size() != requests.size()) {
      return failed(std::to_string(answers.size()) + " answer(s)");
    }
    return answers;
  } catch (const std::exception& error) {
    return failed(error.what());
  } catch (...) {
    return failed("an unknown exception");
  }
}

}  // namespace

asio::awaitable<HttpResponse> Batches::answer(const BatchHandler& handler, HttpRequest request) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(HttpResponse)>(
      [this, &handler](auto resume, HttpRequest joining) {
        // std::function must be copyable; the coroutine's handler is not.
        auto shared = std::make_shared<decltype(resume)>(std::move(resume));
        auto& route = routes_[&handler];
        route.gathering.requests.push_back(std::move(joining));
        route.gathering.resumes.emplace_back(
            [shared](HttpResponse response) { (*shared)(std::move(response)); });
        if (!route.away) {
          leave_at_end_of_turn(handler);
        }
      },
      asio::use_awaitable, std::move(request));
}

void Batches::leave_at_end_of_turn(const BatchHandler& handler) {
  auto& route = routes_[&handler];
  if (route.leave_posted) {
    return;
  }
  route.leave_posted = true;
  route.joined = route.gathering.requests.size();
  route.turns = 0;
  asio::post(io_, [this, &handler] { end_of_turn(handler); });
}

void Batches::end_of_turn(const BatchHandler& handler) {
  // Bounds on one batch: its size, and the turns it waits for a stream that keeps coming.
  constexpr std::size_t kMostRequests = 1024;
  constexpr int kMostTurns = 8;
  auto& route = routes_[&handler];
  const auto size = route.gathering.requests.size();
  if (size > route.joined && size < kMostRequests && ++route.turns < kMostTurns) {
    route.joined = size;  // some joined this turn: others may be on their way
    asio::post(io_, [this, &handler] { end_of_turn(handler); });
    return;
  }
  route.leave_posted = false;
  leave(handler);
}

void Batches::leave(const BatchHandler& handler) {
  auto& route = routes_[&handler];
  if (route.away || route.gathering.requests.empty()) {
    return;
  }
  route.away = true;
  auto batch = std::make_shared<Batch>(std::exchange(route.gathering, Batch{}));
  // The io_context must not run out of work while the batch is away.
  auto io = asio::prefer(io_, asio::execution::outstanding_work.tracked);
  asio::post(thread_, [this, &handler, batch, io] {
    auto answers = run(handler, batch->requests);
    asio::post(io, [this, &handler, batch, answers = std::move(answers)]() mutable {
      come_back(handler, *batch, std::move(answers));
    });
  });
}

void Batches::come_back(const BatchHandler& handler, Batch& batch,
                        std::vector<HttpResponse> answers) {
  for (std::size_t i = 0; i < answers.size(); ++i) {
    batch.resumes[i](std::move(answers[i]));  // runs that connection until it next waits
  }
  routes_[&handler].away = false;
  leave_at_end_of_turn(handler);  // with what gathered meanwhile, and joins this turn
}

}  // namespace communique
