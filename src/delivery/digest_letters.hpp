// DigestLetters: the planned letters of one digest issue, one per distinct selection of its
// items, kept while a run sends it.
//
// Why: readers of a digest get different letters, but far fewer different letters than
// there are readers (a selection is a set of items and their languages). Rendering and
// planning a letter costs many times what composing one from a plan costs, so a variant is
// made once and reused by every reader whose selection equals it.
// Policy: the least recently used variant is dropped beyond `capacity`, so memory stays
// bounded however varied the readers (a dropped one is made again when needed); every
// variant is dropped when the day changes, as plans are made for a day.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "mail/digest.hpp"
#include "mail/letter.hpp"

namespace communique {

class DigestLetters {
 public:
  // Variants kept: each holds a planned letter (about twice the letter's size).
  static constexpr std::size_t kDefaultCapacity = 32;

  explicit DigestLetters(const LetterComposer& composer, std::size_t capacity = kDefaultCapacity)
      : composer_(composer), capacity_(capacity == 0 ? 1 : capacity) {}

  // The letter of `base` (a prepared digest issue) that `selection` makes, planned for the
  // day of `now`.
  std::shared_ptr<const PreparedIssue> letter(const PreparedIssue& base,
                                              const DigestSelection& selection, Timestamp now);

  std::size_t made() const { return made_; }  // variants made (for logs and tests)

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const PreparedIssue>>;

  const LetterComposer& composer_;
  std::size_t capacity_;
  std::uint32_t day_ = 0;
  std::list<Entry> recent_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
  std::size_t made_ = 0;
};

}  // namespace communique
