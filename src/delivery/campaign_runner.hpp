// CampaignRunner: sends one issue to its whole audience through a transport, keeping the
// ledger true at every moment.
//
// The run is a pipeline (docs/architecture.md, "Sending"): this thread claims recipients
// in small batches ahead of need (delivery/letter_claimer.hpp, paced by
// delivery/claim_pacer.hpp), a worker a core composes and signs their letters and a
// sender streams them to the transport (delivery/letter_pipeline.hpp), and this thread
// records the outcomes as they arrive in small group commits
// (delivery/outcome_recorder.hpp).
//
// Policy:
// - the audience is frozen once (confirmed, enabled members of the issue's lists, each
//   once); later subscribers are not added to an issue in progress;
// - recipients are marked sending in the ledger *before* their letters are made, and
//   recorded sent/deferred/failed a few milliseconds after the transport answers: a crash
//   loses nobody, and can send twice only the letters in flight at that moment — the
//   ledger's `sending` rows, at most `window` (recovery puts them back in the queue);
// - a digest issue sends each reader their own selection of its posts (mail/digest.hpp),
//   read a batch at a time with what they chose and already received; a reader whom
//   nothing is for is recorded skipped, and each letter's posts are recorded with it;
// - one runner per issue: run() needs the issue's lease (delivery/issue_lease.hpp), whose
//   taking is the only recovery of letters in flight; it renews the lease while it works
//   and stops claiming if the lease is found taken over;
// - memory holds at most `window` letters, whatever the size of the list;
// - a run ends when nothing is due now; deferred recipients wait for a later run (the
//   server resumes unfinished issues), and the issue is marked sent when none are left.
// - a pause or cancel (issue status, read every kControlInterval, 200 ms) stops new
//   letters within a second: nothing more is claimed, and letters not yet handed to the
//   transport go back to the queue as they were. A transaction already at the relay is
//   not cut short: it finishes and is recorded, which takes as long as the relay needs,
//   bounded by the SMTP timeouts ([smtp] timeout_seconds for each step). So a pause is
//   not instant: the letters at the relay when it came are still delivered. A paused
//   issue is not started until it is resumed. The order of recipients is not kept.
// - an exception from anything the runner calls (a bug, a library's surprise) stops the
//   issue, not the process: it is paused with the error as its note, so that a server
//   that restarts does not resume it into the same fault; a person resumes it.
// - a run that stops early (an exception, a ledger error) still records what was
//   answered: it halts, waits up to settle_timeout for the letters already at the
//   transport, and records their answers; what stays unanswered is left `sending`, for
//   recovery. Except when the lease was taken over: the new holder has put this run's
//   letters back in the queue and owns those rows, so this run records nothing more (a
//   late record could overwrite the new holder's).
// Scheduling is the delivery service's (delivery/delivery_service.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>

#include "base/result.hpp"
#include "core/delivery.hpp"
#include "delivery/digest_letters.hpp"
#include "delivery/issue_lease.hpp"
#include "delivery/reply_policy.hpp"
#include "delivery/transport.hpp"
#include "mail/letter.hpp"
#include "store/store.hpp"

namespace communique {

struct RunnerSettings {
  // Letters in flight at most (claimed and not yet recorded: being composed, queued for
  // the transport, at the relay, or waiting for their record): at most this many may be
  // sent twice after a crash, and memory holds this many letters. The one default,
  // [delivery] window's.
  static constexpr std::size_t kDefaultWindow = 100;
  std::size_t window = kDefaultWindow;
  // Threads composing and signing letters; 0: one per core.
  std::size_t composers = 0;
  std::filesystem::path data_dir;  // where custom templates live
  // Planned variants of a digest kept at once (delivery/digest_letters.hpp).
  std::size_t digest_variants = DigestLetters::kDefaultCapacity;
  // How long a run that stops early (a ledger error, an exception) waits for the letters
  // already at the transport to be answered, so that it records them; an SMTP transaction
  // is bounded by its own timeouts, and this bounds the wait for all of them.
  std::chrono::milliseconds settle_timeout{std::chrono::seconds(60)};
};

class CampaignRunner {
 public:
  CampaignRunner(Store& store, const LetterComposer& composer, Transport& transport,
                 const ReplyPolicy& policy, Clock clock, RunnerSettings settings)
      : store_(store),
        composer_(composer),
        transport_(transport),
        policy_(policy),
        clock_(std::move(clock)),
        settings_(std::move(settings)) {}

  // How often the issue's status, `stop` and the lease are looked at while letters go.
  static constexpr auto kControlInterval = std::chrono::milliseconds(200);

  // Sends the issue of `lease` until nothing is due; `on_progress` is called with the
  // ledger's counts at most every two seconds (counting scans the ledger), and once at
  // the end. `stop` (when given) is checked every kControlInterval.
  // Returns the final counts. Errors: not_found (no issue), conflict (cancelled, paused,
  // no lists, the lease not held or taken over), internal (an exception stopped it; the
  // issue is paused and its note says why).
  Result<DeliveryCounts> run(const IssueLease& lease,
                             const std::function<void(const DeliveryCounts&)>& on_progress,
                             const std::atomic<bool>* stop = nullptr);

 private:
  // The run's steps: start, then the pipeline while letters may be claimed, then finish.
  Result<DeliveryCounts> send_issue(const IssueLease& lease,
                                    const std::function<void(const DeliveryCounts&)>& on_progress,
                                    const std::atomic<bool>* stop);
  // Checks that the issue may be sent, prepares it, freezes its audience and marks it
  // sending.
  Result<PreparedIssue> start(const IssueLease& lease);
  enum class Control { go_on, stop, taken_over };
  // Whether more letters may be claimed: stop when `stop` is set or the issue was paused
  // or cancelled; taken_over when another runner holds the lease now; an error when the
  // ledger failed.
  Result<Control> may_claim(const IssueLease& lease, const LeaseHeartbeat& heartbeat,
                            const std::atomic<bool>* stop, Timestamp now);
  // The error of a run whose lease was taken over.
  static Error taken_over(IssueId issue);
  // Claims, sends and records letters until nobody is due or the run must stop; whether
  // any letter was sent or tried.
  Result<bool> send_letters(const IssueLease& lease, const LeaseHeartbeat& heartbeat,
                            PreparedIssue prepared,
                            const std::function<void(const DeliveryCounts&)>& on_progress,
                            const std::atomic<bool>* stop);
  // Reports the final counts and marks the issue sent when nobody is left; logs them at
  // info level when this run sent a letter (`worked`) or the issue is done.
  Result<DeliveryCounts> finish(IssueId issue, IssueKind kind,
                                const std::function<void(const DeliveryCounts&)>& on_progress,
                                bool worked);
  // Pauses `issue` with `what` in its note; the error run() returns.
  Error stop_after_fault(IssueId issue, const std::string& what);

  Store& store_;
  const LetterComposer& composer_;
  Transport& transport_;
  const ReplyPolicy& policy_;
  Clock clock_;
  RunnerSettings settings_;
};

}  // namespace communique
