#include "delivery/letter_claimer.hpp"

namespace communique {

const std::shared_ptr<const PreparedIssue>& LetterClaimer::planned(Timestamp now) {
  const auto day = day_number(now);
  if (day != planned_day_) {
    auto issue = std::make_shared<PreparedIssue>(*base_);
    composer_.plan(*issue, now);  // once per issue and day
    planned_ = std::move(issue);
    planned_day_ = day;
  }
  return planned_;
}

Result<ClaimedBatch> LetterClaimer::claim(std::size_t limit, Timestamp now) {
  const PreparedIssue& base = *base_;
  auto claimed = store_.claim_recipients(base.issue.id, limit, now);
  if (!claimed) {
    return std::move(claimed).error();
  }
  ClaimedBatch batch;
  if (!base.digest) {
    const auto& issue = planned(now);
    batch.letters.reserve(claimed->size());
    for (auto& recipient : *claimed) {
      batch.letters.push_back({std::move(recipient), issue, {}});
    }
    return batch;
  }
  // A digest's readers: what each chose and already received, in two queries a batch.
  std::vector<SubscriberId> ids;
  ids.reserve(claimed->size());
  for (const auto& recipient : *claimed) {
    ids.push_back(recipient.subscriber.id);
  }
  auto readers = store_.digest_readers(base.issue.id, base.list.id, ids);
  if (!readers) {
    return std::move(readers).error();
  }
  for (std::size_t i = 0; i < claimed->size(); ++i) {
    Recipient& recipient = (*claimed)[i];
    auto selection = select_digest_items(*base.digest, readers->at(i).topics,
                                         readers->at(i).received, recipient.subscriber.language);
    if (selection.empty()) {
      batch.settled.push_back({.subscriber = recipient.subscriber.id,
                               .state = DeliveryState::skipped,
                               .reply = "no item of this digest is for them (topics chosen, or "
                                        "every item received before)"});
      continue;
    }
    auto variant = variants_.letter(base, selection, now);
    batch.letters.push_back({std::move(recipient), std::move(variant), std::move(selection.posts)});
  }
  return batch;
}

}  // namespace communique
