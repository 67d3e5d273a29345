// OneClickQueue: one-click unsubscribes (RFC 8058 POSTs) written in batches.
//
// Mail providers send these POSTs in bursts when a letter goes out to many inboxes. The
// I/O thread checks the token and queues the request; one thread takes whatever has queued
// up, unsubscribes it all in a single transaction, and only then answers each request:
// nobody is told "you are unsubscribed" before it is stored, yet a burst costs one commit
// and one thread hand-off per batch instead of per request.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "http/router.hpp"
#include "store/store.hpp"

namespace communique {

class OneClickQueue {
 public:
  OneClickQueue(Store& store, std::string organisation, Clock clock);
  // Answers what is queued, then stops the thread.
  ~OneClickQueue();
  OneClickQueue(const OneClickQueue&) = delete;
  OneClickQueue& operator=(const OneClickQueue&) = delete;

  void submit(SubscriberId subscriber, IssueId issue, Respond respond);

 private:
  struct Pending {
    SubscriberId subscriber;
    IssueId issue;
    Respond respond;
  };
  void run();
  void answer(std::deque<Pending>& batch);

  Store& store_;
  std::string organisation_;
  Clock clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace communique
