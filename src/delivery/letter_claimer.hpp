// LetterClaimer: claims due recipients of one issue from the ledger and says which letter
// each gets — the issue planned for the day, or for a digest the variant of the reader's
// own selection.
//
// Policy:
// - recipients are marked sending in the ledger (one transaction a batch) before their
//   letters are made: a crash loses nobody;
// - the issue is planned once per day (plans are made for a day); a digest's variants
//   are kept in a bounded LRU (delivery/digest_letters.hpp) that only this class touches,
//   on the runner's thread;
// - a digest reader whom nothing is for is settled at once, skipped, with no letter;
// - a letter's issue is shared, immutable, with the threads that compose it: a new day's
//   plan is a new copy, never a change under a composer's feet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "core/delivery.hpp"
#include "delivery/digest_letters.hpp"
#include "mail/letter.hpp"
#include "store/ledger_store.hpp"

namespace communique {

// A claimed recipient and the letter to make for them.
struct ClaimedLetter {
  Recipient recipient;
  std::shared_ptr<const PreparedIssue> issue;
  std::vector<PostId> items;  // a digest letter's posts, for its record
};

struct ClaimedBatch {
  std::vector<ClaimedLetter> letters;
  std::vector<DeliveryResult> settled;  // skipped readers of a digest
  bool empty() const { return letters.empty() && settled.empty(); }
};

class LetterClaimer {
 public:
  LetterClaimer(LedgerStore& store, const LetterComposer& composer, PreparedIssue prepared,
                std::size_t digest_variants)
      : store_(store),
        composer_(composer),
        base_(std::make_shared<const PreparedIssue>(std::move(prepared))),
        variants_(composer, digest_variants) {}

  // Claims up to `limit` recipients due at `now`; an empty batch when nobody is due.
  Result<ClaimedBatch> claim(std::size_t limit, Timestamp now);

 private:
  // The issue planned for the day of `now` (not for digests: their variants are planned).
  const std::shared_ptr<const PreparedIssue>& planned(Timestamp now);

  LedgerStore& store_;
  const LetterComposer& composer_;
  std::shared_ptr<const PreparedIssue> base_;
  std::shared_ptr<const PreparedIssue> planned_;
  std::optional<std::uint32_t> planned_day_;
  DigestLetters variants_;
};

}  // namespace communique
