#include "delivery/digest_letters.hpp"

namespace communique {

std::shared_ptr<const PreparedIssue> DigestLetters::letter(const PreparedIssue& base,
                                                           const DigestSelection& selection,
                                                           Timestamp now) {
  if (const auto day = day_number(now); day != day_) {
    recent_.clear();
    by_key_.clear();
    day_ = day;
  }
  std::string key = selection.key();
  if (auto found = by_key_.find(key); found != by_key_.end()) {
    recent_.splice(recent_.begin(), recent_, found->second);
    return found->second->second;
  }
  auto variant = std::make_shared<PreparedIssue>(digest_variant(base, selection));
  composer_.plan(*variant, now);
  ++made_;
  recent_.emplace_front(key, std::move(variant));
  by_key_.emplace(std::move(key), recent_.begin());
  if (recent_.size() > capacity_) {
    by_key_.erase(recent_.back().first);
    recent_.pop_back();
  }
  return recent_.front().second;
}

}  // namespace communique
