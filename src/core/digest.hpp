// Digest definitions and their runs: a list's published posts collected on a schedule into
// an issue of kind digest, and the record of every run (skipped ones included).
//
// A definition names its list, its schedule (a ScheduleRule: "weekly mon 09:00" in an IANA
// zone), the sections it shows in its order (none: every section of the list in the list's
// order), at most how many posts per section (0: all), the subject (empty: "<list>: <date>"),
// the template, and whether each run's issue waits for an editor (`review`: a draft) or is
// sent at once. A run collects the posts published since the previous run (the first run:
// one period back). A run with nothing new makes no issue: it is recorded as skipped, since
// an empty digest is never sent (`only_if_new` says so explicitly and is shown).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/issue.hpp"
#include "core/post.hpp"
#include "core/schedule_rule.hpp"
#include "core/time.hpp"

namespace communique {

using DigestRunId = std::int64_t;

struct DigestDefinition {
  DigestId id = 0;
  ListId list_id = 0;
  std::string name;  // unique in its list, ignoring ASCII case
  ScheduleRule rule;
  std::vector<SectionId> sections;  // in the digest's order; none: the list's sections
  std::string subject;              // empty: "<list display name>: <human date>"
  std::string template_name = "default";
  int max_per_section = 0;  // 0: no limit; else the newest so many of each section
  int excerpt_words = 0;    // 0: items in full
  bool only_if_new = false;
  bool review = false;  // each run's issue is left a draft for an editor
  bool enabled = true;  // `serve` runs it when due
  Timestamp created_at{};
  Timestamp updated_at{};
};

// What changes on a definition; an absent field stays as it is.
struct DigestChanges {
  std::optional<std::string> name;
  std::optional<ScheduleRule> rule;
  std::optional<std::vector<SectionId>> sections;
  std::optional<std::string> subject;
  std::optional<std::string> template_name;
  std::optional<int> max_per_section;
  std::optional<int> excerpt_words;
  std::optional<bool> only_if_new;
  std::optional<bool> review;
  std::optional<bool> enabled;
};

// sent: its issue was scheduled to go at once; draft: its issue waits for an editor;
// skipped: nothing new, no issue; failed: no issue could be made (the note says why).
enum class RunOutcome { sent, draft, skipped, failed };

std::string_view to_string(RunOutcome outcome);
std::optional<RunOutcome> parse_run_outcome(std::string_view text);

struct DigestRun {
  DigestRunId id = 0;
  DigestId digest_id = 0;
  std::optional<Timestamp> scheduled_for;  // none: run by hand
  Timestamp ran_at{};
  Timestamp since{};  // the previous run's time (the first run: one period back)
  // The posts it collected are those numbered in (after_seq, up_to_seq].
  std::int64_t after_seq = 0;
  std::int64_t up_to_seq = 0;
  int posts = 0;  // how many the issue carries
  RunOutcome outcome = RunOutcome::skipped;
  std::optional<IssueId> issue_id;
  std::string note;
};

// Checks a definition's name: 1 to 100 characters of UTF-8 without control characters.
Result<std::string> validate_digest_name(std::string_view name);

// Checks the numbers of a definition: max_per_section and excerpt_words from 0 to 10000.
// The message names the field.
Result<void> validate_digest_limits(int max_per_section, int excerpt_words);

}  // namespace communique
