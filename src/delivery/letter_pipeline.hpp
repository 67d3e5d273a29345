// LetterPipeline: the campaign runner's letters on their way out — composed and signed on a
// pool of worker threads (one per core), then streamed to the transport by a sender
// thread — with each letter's answer handed back to the runner's thread.
//
// Why: signing a letter (RSA above all) costs more than sending it, so letters are made on
// every core while the connections stay busy and the runner writes the ledger.
// Policy: the queues between the stages are bounded (the runner bounds what it submits in
// the first place, so memory holds at most that many letters); the order of letters is not
// kept. Every submitted letter is answered exactly once: with the transport's outcome, with
// a refusal when it could not be composed, or as not sent when halt() took it back before
// the transport had it. Each worker's signing contexts are its own (mail/dkim.hpp): no
// signing state is shared. An exception on a worker or the sender is kept (fault()) for the
// runner to act on; it never escapes a thread.
// It does not touch the ledger, decide what an outcome means, or pace the claims.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/bounded_queue.hpp"
#include "delivery/transport.hpp"
#include "mail/letter.hpp"

namespace communique {

// A letter to make: for whom, from which (planned) issue or digest variant, as of when.
struct LetterJob {
  std::uint64_t ticket = 0;
  Subscriber subscriber;
  std::shared_ptr<const PreparedIssue> issue;
  Timestamp now{};
};

// What became of a submitted letter. not_sent: it never reached the peer (the pipeline was
// halted first), and goes back to the queue as it was.
struct LetterAnswer {
  std::uint64_t ticket = 0;
  TransportOutcome outcome;
};

struct LetterPipelineSettings {
  std::size_t capacity = 100;  // letters submitted and not answered, at most
  std::size_t composers = 0;   // worker threads; 0: one per core
  std::string envelope_from;
};

class LetterPipeline {
 public:
  LetterPipeline(const LetterComposer& composer, Transport& transport,
                 LetterPipelineSettings settings);
  LetterPipeline(const LetterPipeline&) = delete;
  LetterPipeline& operator=(const LetterPipeline&) = delete;
  ~LetterPipeline();  // halts, and waits for the threads

  // Hands a letter to the composers. The caller keeps at most `capacity` unanswered, so
  // this does not wait.
  void submit(LetterJob job);
  // The next answer, waiting up to `timeout` for one.
  std::optional<LetterAnswer> next_answer(std::chrono::steady_clock::duration timeout);
  // No more letters will be submitted: the stages finish what they have.
  void finish();
  // Stops taking letters on: what waits for a composer or for the transport is answered
  // as not sent at once; what a composer or the transport holds is answered when done.
  void halt();
  // Whether the transport has returned (every letter it took is answered) — after
  // finish() or halt(), or after a fault.
  bool sender_done() const { return sender_done_; }
  // The first exception a thread met, if any.
  std::optional<std::string> fault() const;

 private:
  void compose_letters();
  void send_letters();
  void keep_fault(std::string what);

  const LetterComposer& composer_;
  Transport& transport_;
  LetterPipelineSettings settings_;
  BoundedQueue<LetterJob> jobs_;
  BoundedQueue<TicketedLetter> letters_;
  BoundedQueue<LetterAnswer> answers_;
  std::atomic<std::size_t> composing_{0};  // composer threads still running
  std::atomic<bool> sender_done_{false};
  mutable std::mutex fault_mutex_;
  std::optional<std::string> fault_;
  std::vector<std::jthread> composers_;
  std::jthread sender_;
};

}  // namespace communique
