// DeliveryService: what `serve` runs in the background. Every `poll` it sends the issues
// that are sending (so a restart resumes them) and the scheduled ones that are due, one
// at a time, each through the campaign runner, until told to stop.
//
// Policy: a scheduled issue found later than its `expire_after` (the server was down when
// it was due) is not sent: it is cancelled with a note that says when it was due and how
// late it was found, because news sent days late does more harm than good.
// An issue whose lease another runner holds (a `send` from the command line, another
// server) is left to it: skipped quietly, logged once, tried again at the next poll.
// Each round starts with `before_round` (serve's digest scheduler, which makes the issues
// of due digests), so what it makes due is sent in the same round.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "delivery/campaign_runner.hpp"

namespace communique {

// Work at the start of each round, given the round's time; it logs its own errors.
using RoundStart = std::function<void(Timestamp now)>;

class DeliveryService {
 public:
  // Of the store it uses the issues (which are due, cancelling the expired) and the ledger
  // (each issue's lease); it takes the whole store as the runner beside it does.
  DeliveryService(Store& store, CampaignRunner& runner, Clock clock, std::chrono::seconds poll,
                  LeaseSettings lease = {}, RoundStart before_round = {})
      : issues_(store),
        ledger_(store),
        runner_(runner),
        clock_(std::move(clock)),
        poll_(poll),
        lease_(lease),
        before_round_(std::move(before_round)) {}

  // One round; returns how many issues it sent or cancelled. `stop` interrupts a send
  // within the runner's control interval.
  Result<int> run_once(const std::atomic<bool>& stop);

  // Rounds until `stop` is set. Blocking: give it a thread of its own.
  void run(const std::atomic<bool>& stop);

 private:
  IssueStore& issues_;
  LedgerStore& ledger_;
  CampaignRunner& runner_;
  Clock clock_;
  std::chrono::seconds poll_;
  LeaseSettings lease_;
  RoundStart before_round_;
  // Issues left to another runner, and that runner, logged once each.
  std::map<IssueId, std::string> left_to_others_;
};

}  // namespace communique
