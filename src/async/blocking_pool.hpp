// BlockingPool and run_blocking: the one way blocking work (database calls, password
// hashing, large parsing) leaves the I/O threads.
//
// A coroutine on the io_context writes `auto rows = co_await run_blocking(pool, [&] {...})`:
// the function runs on the pool, and the coroutine resumes on its own executor with the
// function's result (or its exception rethrown). The I/O threads never wait on a disk.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <type_traits>

namespace communique {

class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  boost::asio::thread_pool& pool() { return pool_; }
  // Waits for queued work to finish; no new work is accepted after.
  void join() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_;
};

template <typename Function>
boost::asio::awaitable<std::invoke_result_t<Function>> run_blocking(BlockingPool& pool,
                                                                    Function function) {
  using Value = std::invoke_result_t<Function>;
  static_assert(!std::is_void_v<Value>, "run_blocking needs a function that returns a value");
  std::optional<Value> value;
  std::exception_ptr failure;
  co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
      [&](auto handler) {
        // Keep the caller's executor busy while the work is away, so its io_context does
        // not run out of work and return.
        auto caller = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                          boost::asio::execution::outstanding_work.tracked);
        boost::asio::post(pool.pool(), [&, caller, handler = std::move(handler)]() mutable {
          try {
            value.emplace(function());
          } catch (...) {
            failure = std::current_exception();
          }
          boost::asio::dispatch(caller, std::move(handler));
        });
      },
      boost::asio::use_awaitable);
  if (failure) {
    std::rethrow_exception(failure);
  }
  co_return std::move(*value);
}

}  // namespace communique
