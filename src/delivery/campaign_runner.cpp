#include "delivery/campaign_runner.hpp"

#include "base/log.hpp"
#include "delivery/issue_letters.hpp"

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
  const IssueId issue_id = lease.issue();
  // Renewed on a thread of its own as well, so that a window longer than the lease's
  // ttl (a stalled relay, an hourly quota) does not let it run out under us.
  LeaseHeartbeat heartbeat(lease, clock_);
  auto prepared = start(lease);
  if (!prepared) {
    return std::move(prepared).error();
  }
  const std::string envelope_from = composer_.envelope_from(*prepared);
  std::optional<std::uint32_t> planned_day;
  DigestLetters variants(composer_, settings_.digest_variants);
  auto last_progress = std::chrono::steady_clock::now();
  bool worked = false;  // whether this run sent (or tried) any letter
  for (;;) {
    const Timestamp now = clock_();
    auto go_on = may_claim(lease, heartbeat, stop, now);
    if (!go_on) {
      return std::move(go_on).error();
    }
    if (!*go_on) {
      break;
    }
    const auto day = day_number(now);
    if (day != planned_day && !prepared->digest) {
      composer_.plan(*prepared, now);  // once per issue and day
      planned_day = day;
    }
    auto sent = send_window(*prepared, variants, envelope_from, now);
    if (!sent) {
      return std::move(sent).error();
    }
    if (!*sent) {
      break;
    }
    worked = true;
    // Counting scans the issue's ledger: at most every two seconds, not every window.
    if (on_progress && std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(2)) {
      last_progress = std::chrono::steady_clock::now();
      if (auto counts = store_.delivery_counts(issue_id)) {
        on_progress(*counts);
      }
    }
  }
  return finish(issue_id, prepared->issue.kind, on_progress, worked);
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

Result<bool> CampaignRunner::may_claim(const IssueLease& lease, const LeaseHeartbeat& heartbeat,
                                       const std::atomic<bool>* stop, Timestamp now) {
  const IssueId issue_id = lease.issue();
  if (stop != nullptr && stop->load()) {
    return false;
  }
  // A pause or a cancel from elsewhere (the CLI, the API) takes effect between windows.
  auto status = store_.issue_status(issue_id);
  if (!status) {
    return std::move(status).error();
  }
  if (*status == IssueStatus::paused || *status == IssueStatus::cancelled) {
    logger("delivery")->info("issue {}: {}; stopping", issue_id, to_string(*status));
    return false;
  }
  // Claim only while the lease is ours: a runner that stalled past its ttl may have been
  // taken over, and the new holder has put this one's window back in the queue.
  auto kept = lease.renew(now);
  if (!kept) {
    return std::move(kept).error();
  }
  if (!*kept || heartbeat.lost()) {
    return make_error(ErrorCode::conflict,
                      "issue " + std::to_string(issue_id) +
                          ": another runner took its lease over (this one had not renewed it in "
                          "time); this one stopped and leaves the issue to it");
  }
  return true;
}

Result<bool> CampaignRunner::send_window(const PreparedIssue& prepared, DigestLetters& variants,
                                         const std::string& envelope_from, Timestamp now) {
  const IssueId issue_id = prepared.issue.id;
  auto claimed = store_.claim_recipients(issue_id, settings_.window, now);
  if (!claimed) {
    return std::move(claimed).error();
  }
  if (claimed->empty()) {
    return false;
  }
  // A digest's readers: what each chose and already received, in two queries a window.
  std::vector<DigestReader> readers;
  if (prepared.digest) {
    std::vector<SubscriberId> ids;
    ids.reserve(claimed->size());
    for (const auto& recipient : *claimed) {
      ids.push_back(recipient.subscriber.id);
    }
    auto read = store_.digest_readers(issue_id, prepared.list.id, ids);
    if (!read) {
      return std::move(read).error();
    }
    readers = std::move(*read);
  }
  std::vector<OutgoingLetter> letters;
  std::vector<DeliveryResult> results;
  std::vector<const Recipient*> sent_to;
  std::vector<std::vector<PostId>> carried;  // per letter in `letters`
  for (std::size_t i = 0; i < claimed->size(); ++i) {
    const Recipient& recipient = (*claimed)[i];
    const PreparedIssue* letter = &prepared;
    std::shared_ptr<const PreparedIssue> variant;
    std::vector<PostId> items;
    if (prepared.digest) {
      auto selection = select_digest_items(*prepared.digest, readers.at(i).topics,
                                           readers.at(i).received, recipient.subscriber.language);
      if (selection.empty()) {
        results.push_back({.subscriber = recipient.subscriber.id,
                           .state = DeliveryState::skipped,
                           .reply = "no item of this digest is for them (topics chosen, or "
                                    "every item received before)"});
        continue;
      }
      variant = variants.letter(prepared, selection, now);
      letter = variant.get();
      items = std::move(selection.posts);
    }
    auto message =
        composer_.compose(*letter, recipient.subscriber, now, composer_.new_message_id());
    if (!message) {
      // This recipient's letter cannot be made (a template that fails on their data):
      // a permanent failure for them, not for the issue.
      results.push_back({recipient.subscriber.id,
                         DeliveryState::failed,
                         {},
                         "not composed: " + message.error().message});
      continue;
    }
    letters.push_back(
        {recipient.subscriber.id, envelope_from, recipient.subscriber.email, std::move(*message)});
    sent_to.push_back(&recipient);
    carried.push_back(std::move(items));
  }
  const auto outcomes = transport_.send(letters);
  const Timestamp answered = clock_();
  for (std::size_t i = 0; i < sent_to.size(); ++i) {
    results.push_back(policy_.decide(*sent_to[i], outcomes.at(i), answered));
    // The record is kept whatever became of the letter: only sent (and sending) rows
    // count as received.
    results.back().items = std::move(carried[i]);
  }
  if (auto recorded = store_.record_deliveries(issue_id, results, answered); !recorded) {
    return std::move(recorded).error();
  }
  return true;
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
