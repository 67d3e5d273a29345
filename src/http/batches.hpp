// Batches: the requests of batched routes (Route::batch), gathered on the I/O thread and
// answered together on a thread of their own.
//
// A request joins its route's gathering batch. The batch leaves for the batch thread at
// the end of a turn of the I/O thread in which nobody joined it (requests read together
// travel together, and so do those on their way), or when it is full; while the route's
// previous batch is still away, it waits, and leaves the same way once that one is back.
// A burst therefore makes batches as large as the time one batch takes to store, with one
// hand-off and one back per batch, never per request: each hand-off costs two switches
// between threads. Each waiting connection resumes with its own answer.
//
// The thread is its own, not the blocking pool's: a long API call (an export) cannot hold
// up the answers to a burst, and the same thread, its cache warm, takes every batch.
//
// Used by the server only, on its single I/O thread.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <map>
#include <vector>

#include "http/router.hpp"

namespace communique {

class Batches {
 public:
  explicit Batches(boost::asio::any_io_executor io) : io_(std::move(io)) {}
  Batches(const Batches&) = delete;
  Batches& operator=(const Batches&) = delete;

  // `request`'s answer from `handler`, given with those of the requests in its batch. A
  // handler that throws, or gives the wrong number of answers, answers 500 to its batch.
  boost::asio::awaitable<HttpResponse> answer(const BatchHandler& handler, HttpRequest request);

  // Waits for the batch being stored, once the I/O thread has stopped (its answers are not
  // given then: their connections are closing).
  void join() { thread_.join(); }

 private:
  struct Batch {
    std::vector<HttpRequest> requests;
    std::vector<std::function<void(HttpResponse)>> resumes;  // each connection, with its answer
  };
  struct Route {
    Batch gathering;
    bool away = false;          // a batch of this route is on the batch thread
    bool leave_posted = false;  // end_of_turn is posted
    std::size_t joined = 0;     // requests gathered at the end of the last turn
    int turns = 0;              // turns the gathering batch has waited
  };
  void leave_at_end_of_turn(const BatchHandler& handler);
  void end_of_turn(const BatchHandler& handler);  // runs once a turn until the batch leaves
  void leave(const BatchHandler& handler);
  void come_back(const BatchHandler& handler, Batch& batch, std::vector<HttpResponse> answers);

  boost::asio::any_io_executor io_;
  boost::asio::thread_pool thread_{1};
  std::map<const BatchHandler*, Route> routes_;
};

}  // namespace communique
