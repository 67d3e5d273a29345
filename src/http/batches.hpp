// Batches: the requests of batched routes (Route::batch), gathered on the I/O thread and
// answered together on the blocking pool.
//
// A request joins its route's gathering batch. The batch leaves for the pool at the end
// of the I/O thread's current turn, so that requests read together travel together; while
// the route's previous batch is still away, it waits, and leaves at the end of the turn in
// which that one comes back. A burst therefore makes batches as large as the time one
// batch takes to store, with one hand-off to the pool and one back per batch, never per
// request. Each waiting connection resumes with its own answer.
//
// Used by the server only, on its single I/O thread.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <vector>

#include "http/router.hpp"

namespace communique {

class BlockingPool;

class Batches {
 public:
  Batches(BlockingPool& pool, boost::asio::any_io_executor io) : pool_(pool), io_(std::move(io)) {}
  Batches(const Batches&) = delete;
  Batches& operator=(const Batches&) = delete;

  // `request`'s answer from `handler`, given with those of the requests in its batch. A
  // handler that throws, or gives the wrong number of answers, answers 500 to its batch.
  boost::asio::awaitable<HttpResponse> answer(const BatchHandler& handler, HttpRequest request);

 private:
  struct Batch {
    std::vector<HttpRequest> requests;
    std::vector<std::function<void(HttpResponse)>> resumes;  // each connection, with its answer
  };
  struct Route {
    Batch gathering;
    bool away = false;           // a batch of this route is on the pool
    bool leave_posted = false;   // the gathering batch leaves at the end of this turn
  };
  void leave_at_end_of_turn(const BatchHandler& handler);
  void leave(const BatchHandler& handler);
  void come_back(const BatchHandler& handler, Batch& batch, std::vector<HttpResponse> answers);

  BlockingPool& pool_;
  boost::asio::any_io_executor io_;
  std::map<const BatchHandler*, Route> routes_;
};

}  // namespace communique
