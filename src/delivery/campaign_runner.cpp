#include "delivery/campaign_runner.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "base/log.hpp"
#include "delivery/claim_pacer.hpp"
#include "delivery/issue_letters.hpp"
#include "delivery/letter_claimer.hpp"
#include "delivery/letter_pipeline.hpp"
#include "delivery/outcome_recorder.hpp"

namespace communique {

Result<DeliveryCounts> CampaignRunner::run(
    const IssueLease& lease, const std::function<void(const DeliveryCounts&)>& on_progress,
    const std::atomic<bool>* stop) {
  const IssueId issue_id = lease.issue();
  if (!lease.held()) {
    return make_error(ErrorCode::conflict, lease.describe_holder());
  }
  try {
    return send_issue(lease, on_progress, stop);
  } catch (const std::exception& error) {
    return stop_after_fault(issue_id, error.what());
  } catch (...) {
    return stop_after_fault(issue_id, "an exception of unknown type");
  }
}

Error CampaignRunner::stop_after_fault(IssueId issue_id, const std::string& what) {
  const std::string note = "stopped by an internal error (" + what +
                           "); once its cause is fixed: communique issues resume " +
                           std::to_string(issue_id);
  const IssueStatus running[] = {IssueStatus::sending, IssueStatus::scheduled};
  (void)store_.change_issue_status(issue_id, running, IssueStatus::paused, note, clock_());
  logger("delivery")->error("issue {}: {}", issue_id, note);
  return make_error(ErrorCode::internal, "issue " + std::to_string(issue_id) + " " + note);
}

Result<DeliveryCounts> CampaignRunner::send_issue(
    const IssueLease& lease, const std::function<void(const DeliveryCounts&)>& on_progress,
    const std::atomic<bool>* stop) {
  // Renewed on a thread of its own as well, so that a relay that stalls (or an hourly
  // quota) does not let the lease run out under us.
  LeaseHeartbeat heartbeat(lease, clock_);
  auto prepared = start(lease);
  if (!prepared) {
    return std::move(prepared).error();
  }
  const IssueKind kind = prepared->issue.kind;
  auto worked = send_letters(lease, heartbeat, std::move(*prepared), on_progress, stop);
  if (!worked) {
    return std::move(worked).error();
  }
  return finish(lease.issue(), kind, on_progress, *worked);
}

namespace {

// A claimed recipient between their claim and their record.
struct InFlightLetter {
  Recipient recipient;
  std::vector<PostId> items;
};

}  // namespace

Result<bool> CampaignRunner::send_letters(
    const IssueLease& lease, const LeaseHeartbeat& heartbeat, PreparedIssue prepared,
    const std::function<void(const DeliveryCounts&)>& on_progress, const std::atomic<bool>* stop) {
  using Steady = std::chrono::steady_clock;
  const IssueId issue_id = lease.issue();
  const std::size_t window = std::max<std::size_t>(1, settings_.window);
  const std::string envelope_from = composer_.envelope_from(prepared);
  LetterClaimer claimer(store_, composer_, std::move(prepared), settings_.digest_variants);
  ClaimPacer pacer({.max_in_flight = window});
  OutcomeRecorder recorder(store_, issue_id, {});
  std::unordered_map<std::uint64_t, InFlightLetter> in_flight;
  std::uint64_t next_ticket = 0;
  std::optional<Error> failure;  // why the run stopped early, when it must say so
  bool exhausted = false;        // nobody is due now: what is in flight finishes
  bool halted = false;           // the run must stop: nothing more is sent
  bool worked = false;           // whether a letter was sent (or tried)
  auto next_control = Steady::now();
  auto last_progress = Steady::now();
  // Declared last: its threads end (and give back what they hold) before the rest goes.
  LetterPipeline pipeline(
      composer_, transport_,
      {.capacity = window, .composers = settings_.composers, .envelope_from = envelope_from});
  const auto halt_run = [&](std::optional<Error> why) {
    halted = true;
    pipeline.halt();
    if (why && !failure) {
      failure = std::move(why);
    }
  };
  // Turns an answer into its result for the recorder; false for one not in flight.
  const auto take_answer = [&](LetterAnswer& answer) {
    auto found = in_flight.find(answer.ticket);
    if (found == in_flight.end()) {
      return false;
    }
    DeliveryResult result;
    if (answer.outcome.kind == TransportOutcome::Kind::not_sent) {
      // It never reached the peer: back in the queue, as it was.
      result = {.subscriber = found->second.recipient.subscriber.id,
                .state = DeliveryState::queued};
    } else {
      result = policy_.decide(found->second.recipient, answer.outcome, clock_());
      // The record is kept whatever became of the letter: only sent (and sending) rows
      // count as received.
      result.items = std::move(found->second.items);
    }
    recorder.add(std::move(result), Steady::now());
    in_flight.erase(found);
    return true;
  };
  // A run that stops early (a ledger error, an exception) halts the pipeline, waits up to
  // settle_timeout for the letters already at the transport to be answered, and records
  // every answer it has: a letter the relay took is not left `sending`, to be sent again
  // on resume. What is still unanswered then stays `sending`, for recovery.
  const auto settle = [&]() -> Result<std::size_t> {
    if (!halted) {
      halt_run(std::nullopt);
    }
    const auto until = Steady::now() + settings_.settle_timeout;
    while (!in_flight.empty() && Steady::now() < until) {
      const bool sender_was_done = pipeline.sender_done();
      auto answer = pipeline.next_answer(std::min<Steady::duration>(
          kControlInterval, std::max(Steady::duration::zero(), until - Steady::now())));
      if (!answer) {
        if (sender_was_done) {
          break;  // the transport ended: nothing more will be answered
        }
        continue;
      }
      try {
        take_answer(*answer);
      } catch (...) {
        // The policy failed on it: left sending, for recovery; the others are recorded.
        in_flight.erase(answer->ticket);
      }
    }
    return recorder.flush(clock_());
  };

  try {
    for (;;) {
      // The controls are looked at before every claim (so that a run whose lease was taken
      // over claims nothing more) and every kControlInterval while letters go, the last
      // ones too. In flight: the ledger's `sending` rows, answered or not, until recorded.
      const bool claiming = !exhausted && !halted;
      std::size_t wanted = claiming ? pacer.to_claim(in_flight.size() + recorder.waiting()) : 0;
      if (!halted && (wanted > 0 || Steady::now() >= next_control)) {
        next_control = Steady::now() + kControlInterval;
        auto control = may_claim(lease, heartbeat, stop, clock_());
        if (!control) {
          // The ledger failed: what was answered is recorded if it can be.
          (void)settle();
          return std::move(control).error();
        }
        if (*control == Control::taken_over) {
          // Its new holder has put what is in flight back in the queue, and owns those rows
          // now: this run records nothing more (a record would overwrite the new holder's).
          return taken_over(issue_id);
        }
        if (*control == Control::stop) {
          halt_run(std::nullopt);
          wanted = 0;
        }
      }
      if (auto fault = pipeline.fault(); fault && !halted) {
        halt_run(std::nullopt);
        wanted = 0;
      }
      if (wanted > 0) {
        const Timestamp now = clock_();
        auto batch = claimer.claim(wanted, now);
        if (!batch) {
          halt_run(std::move(batch).error());
        } else if (batch->empty()) {
          exhausted = true;
        } else {
          worked = true;
          for (auto& result : batch->settled) {
            recorder.add(std::move(result), Steady::now());
          }
          for (auto& letter : batch->letters) {
            const std::uint64_t ticket = next_ticket++;
            pipeline.submit({ticket, letter.recipient.subscriber, letter.issue, now});
            in_flight.emplace(ticket,
                              InFlightLetter{std::move(letter.recipient), std::move(letter.items)});
          }
        }
      }
      if (in_flight.empty() && (exhausted || halted)) {
        break;
      }
      // Wait for an answer no longer than the next commit or look at the controls allows.
      auto until = halted ? Steady::now() + kControlInterval : next_control;
      if (auto deadline = recorder.deadline()) {
        until = std::min(until, *deadline);
      }
      const auto wait = std::max(Steady::duration::zero(), until - Steady::now());
      // Read before the answers are taken: the sender pushes its last answers and only then
      // says it is done, so once this is true the queue below holds every answer there will
      // be, and a wait that found none means none are left (read after, a timed-out wait
      // could miss answers pushed just before the sender ended).
      const bool sender_was_done = pipeline.sender_done();
      std::size_t answered = 0;
      for (auto answer = pipeline.next_answer(wait); answer;
           answer = recorder.waiting() < 1024 ? pipeline.next_answer(Steady::duration::zero())
                                              : std::nullopt) {
        if (take_answer(*answer)) {
          ++answered;
        }
      }
      pacer.answered(answered, Steady::now());
      if (recorder.due(Steady::now()) || (in_flight.empty() && (exhausted || halted))) {
        if (auto recorded = recorder.flush(clock_()); !recorded) {
          return std::move(recorded).error();  // the pipeline gives back what it holds
        }
      }
      if (pipeline.fault() && sender_was_done && answered == 0) {
        break;  // what the transport held is lost with it: left sending, for recovery
      }
      // Counting scans the issue's ledger: at most every two seconds.
      if (on_progress && Steady::now() - last_progress > std::chrono::seconds(2)) {
        last_progress = Steady::now();
        if (auto counts = store_.delivery_counts(issue_id)) {
          on_progress(*counts);
        }
      }
    }
  } catch (...) {
    (void)settle();
    throw;  // run() pauses the issue with it
  }
  if (auto recorded = recorder.flush(clock_()); !recorded) {
    return std::move(recorded).error();
  }
  if (auto fault = pipeline.fault()) {
    throw std::runtime_error(*fault);  // run() pauses the issue with it
  }
  if (failure) {
    return std::move(*failure);
  }
  return worked;
}

Result<PreparedIssue> CampaignRunner::start(const IssueLease& lease) {
  const IssueId issue_id = lease.issue();
  auto issue = store_.find_issue(issue_id);
  if (!issue) {
    return std::move(issue).error();
  }
  if (issue->status == IssueStatus::cancelled) {
    return make_error(ErrorCode::conflict,
                      "issue " + std::to_string(issue_id) + " was cancelled; nothing is sent" +
                          (issue->status_note.empty() ? "" : " (" + issue->status_note + ")"));
  }
  if (issue->status == IssueStatus::paused) {
    return make_error(ErrorCode::conflict,
                      "issue " + std::to_string(issue_id) +
                          " is paused; resume it first: communique issues resume " +
                          std::to_string(issue_id));
  }
  auto prepared = prepare_stored_issue(store_, *issue, settings_.data_dir);
  if (!prepared) {
    return std::move(prepared).error();
  }
  if (auto tracked = track_links(store_, composer_, *prepared, clock_()); !tracked) {
    return std::move(tracked).error();
  }

  // Recovery happened as the lease was taken: what a stopped runner held went back to
  // the queue then, and only then.
  auto log = logger("delivery");
  const Timestamp started = clock_();
  if (lease.requeued() > 0) {
    log->warn("issue {}: {} recipient(s) were in flight when a run stopped; sending to them again",
              issue_id, lease.requeued());
  }
  auto frozen = store_.freeze_audience(issue_id, started);
  if (!frozen) {
    return std::move(frozen).error();
  }
  if (issue->status != IssueStatus::sending && issue->status != IssueStatus::sent) {
    const IssueStatus startable[] = {IssueStatus::draft, IssueStatus::scheduled};
    if (auto marked =
            store_.change_issue_status(issue_id, startable, IssueStatus::sending, "", started);
        !marked) {
      return std::move(marked).error();
    }
  }
  // A run that finds nothing new (serve looks at a sending issue whose letters wait for a
  // retry on every poll) says so only at debug level: the log keeps what changed.
  log->log(*frozen > 0 || lease.requeued() > 0 ? spdlog::level::info : spdlog::level::debug,
           "issue {}: sending through {} ({} new recipient(s))", issue_id, transport_.describe(),
           *frozen);
  return prepared;
}

Result<CampaignRunner::Control> CampaignRunner::may_claim(const IssueLease& lease,
                                                          const LeaseHeartbeat& heartbeat,
                                                          const std::atomic<bool>* stop,
                                                          Timestamp now) {
  const IssueId issue_id = lease.issue();
  if (stop != nullptr && stop->load()) {
    return Control::stop;
  }
  // A pause or a cancel from elsewhere (the CLI, the API) takes effect within
  // kControlInterval.
  auto status = store_.issue_status(issue_id);
  if (!status) {
    return std::move(status).error();
  }
  if (*status == IssueStatus::paused || *status == IssueStatus::cancelled) {
    logger("delivery")->info("issue {}: {}; stopping", issue_id, to_string(*status));
    return Control::stop;
  }
  // Claim only while the lease is ours: a runner that stalled past its ttl may have been
  // taken over, and the new holder has put this one's letters in flight back in the queue.
  auto kept = lease.renew(now);
  if (!kept) {
    return std::move(kept).error();
  }
  if (!*kept || heartbeat.lost()) {
    return Control::taken_over;
  }
  return Control::go_on;
}

Error CampaignRunner::taken_over(IssueId issue_id) {
  return make_error(ErrorCode::conflict,
                    "issue " + std::to_string(issue_id) +
                        ": another runner took its lease over (this one had not renewed it in "
                        "time); this one stopped and leaves the issue to it");
}

Result<DeliveryCounts> CampaignRunner::finish(
    IssueId issue_id, IssueKind kind, const std::function<void(const DeliveryCounts&)>& on_progress,
    bool worked) {
  auto counts = store_.delivery_counts(issue_id);
  if (!counts) {
    return std::move(counts).error();
  }
  if (on_progress) {
    on_progress(*counts);
  }
  if (counts->finished()) {
    const IssueStatus sending[] = {IssueStatus::sending};
    (void)store_.change_issue_status(issue_id, sending, IssueStatus::sent, "", clock_());
  }
  logger("delivery")
      ->log(worked || counts->finished() ? spdlog::level::info : spdlog::level::debug,
            "issue {}: {}", issue_id, send_summary(*counts, kind));
  return counts;
}

}  // namespace communique
