// DeliveryService: what `serve` runs in the background. Every `poll` it sends the issues
// that are sending (so a restart resumes them) and the scheduled ones that are due, one
// at a time, each through the campaign runner, until told to stop.
//
// Policy: a scheduled issue found later than its `expire_after` (the server was down when
// it was due) is not sent: it is cancelled with a note that says when it was due and how
// late it was found, because news sent days late does more harm than good.
// One service per database: with SQLite there is one node, and the runner's recovery of
// in-flight recipients assumes no other runner works on the same issue.
#pragma once

#include <atomic>
#include <chrono>

#include "delivery/campaign_runner.hpp"

namespace communique {

class DeliveryService {
 public:
  DeliveryService(Store& store, CampaignRunner& runner, Clock clock, std::chrono::seconds poll)
      : store_(store), runner_(runner), clock_(std::move(clock)), poll_(poll) {}

  // One round; returns how many issues it sent or cancelled. `stop` interrupts a send
  // between windows.
  Result<int> run_once(const std::atomic<bool>& stop);

  // Rounds until `stop` is set. Blocking: give it a thread of its own.
  void run(const std::atomic<bool>& stop);

 private:
  Store& store_;
  CampaignRunner& runner_;
  Clock clock_;
  std::chrono::seconds poll_;
};

}  // namespace communique
