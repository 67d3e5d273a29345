#include "delivery/letter_pipeline.hpp"

#include <algorithm>

namespace communique {

namespace {

TransportOutcome not_sent() {
  return {TransportOutcome::Kind::not_sent, "not sent: the send was halted"};
}

std::size_t composers_for(std::size_t configured) {
  if (configured > 0) {
    return configured;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

LetterPipeline::LetterPipeline(const LetterComposer& composer, Transport& transport,
                               LetterPipelineSettings settings)
    : composer_(composer),
      transport_(transport),
      settings_(std::move(settings)),
      // Each queue can hold every letter in flight, so that the answers never wait for
      // room (the runner, which takes them, may be submitting) and a stage waits only
      // for the next.
      jobs_(settings_.capacity),
      letters_(settings_.capacity),
      answers_(settings_.capacity + 1) {
  const std::size_t threads = composers_for(settings_.composers);
  composing_ = threads;
  composers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    composers_.emplace_back([this] { compose_letters(); });
  }
  sender_ = std::jthread([this] { send_letters(); });
}

LetterPipeline::~LetterPipeline() {
  answers_.close();  // nobody takes answers any more: no thread waits to give one
  halt();
  for (auto& composer : composers_) {
    composer.join();
  }
  letters_.close();
  sender_.join();
}

void LetterPipeline::submit(LetterJob job) {
  const std::uint64_t ticket = job.ticket;
  if (!jobs_.push(std::move(job))) {
    answers_.push({ticket, not_sent()});  // halted: it goes back as it was
  }
}

std::optional<LetterAnswer> LetterPipeline::next_answer(
    std::chrono::steady_clock::duration timeout) {
  return answers_.pop_for(timeout);
}

void LetterPipeline::finish() {
  jobs_.close();  // the composers drain it, then end
}

void LetterPipeline::halt() {
  // The letters first: once the jobs are closed the composers end, and the last one closes
  // the letters' queue, which the transport must see as a take-back (give back what it
  // holds), not as the end of a finished run.
  for (auto& letter : letters_.close_and_take()) {
    answers_.push({letter.ticket, not_sent()});
  }
  for (auto& job : jobs_.close_and_take()) {
    answers_.push({job.ticket, not_sent()});
  }
}

std::optional<std::string> LetterPipeline::fault() const {
  std::lock_guard lock(fault_mutex_);
  return fault_;
}

void LetterPipeline::keep_fault(std::string what) {
  std::lock_guard lock(fault_mutex_);
  if (!fault_) {
    fault_ = std::move(what);
  }
}

void LetterPipeline::compose_letters() {
  while (auto job = jobs_.pop()) {
    try {
      auto message =
          composer_.compose(*job->issue, job->subscriber, job->now, composer_.new_message_id());
      if (!message) {
        // This recipient's letter cannot be made (a template that fails on their data):
        // a permanent failure for them, not for the issue.
        answers_.push({job->ticket, TransportOutcome{TransportOutcome::Kind::permanent_rejection,
                                                     "not composed: " + message.error().message}});
        continue;
      }
      TicketedLetter letter{job->ticket,
                            {job->subscriber.id, settings_.envelope_from, job->subscriber.email,
                             std::move(*message)}};
      if (!letters_.push(std::move(letter))) {
        answers_.push({job->ticket, not_sent()});  // halted before the transport had it
      }
    } catch (const std::exception& error) {
      keep_fault(error.what());
      answers_.push({job->ticket, not_sent()});
    } catch (...) {
      keep_fault("an exception of unknown type");
      answers_.push({job->ticket, not_sent()});
    }
  }
  // The last composer to end closes the letters' queue: the transport finishes then.
  if (--composing_ == 0) {
    letters_.close();
  }
}

void LetterPipeline::send_letters() {
  try {
    transport_.stream(letters_, [this](std::uint64_t ticket, TransportOutcome outcome) {
      answers_.push({ticket, std::move(outcome)});
    });
  } catch (const std::exception& error) {
    keep_fault(error.what());
  } catch (...) {
    keep_fault("an exception of unknown type");
  }
  sender_done_ = true;
}

}  // namespace communique
