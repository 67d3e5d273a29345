// issue_letters: an issue as the store has it, made ready for letters. Reads its lists and
// templates, and registers the links whose clicks it counts; the mail module then builds
// letters from these values alone and never touches the store.
#pragma once

#include <filesystem>

#include <optional>

#include "mail/digest.hpp"
#include "mail/letter.hpp"
#include "store/store.hpp"

namespace communique {

// `issue` prepared for letters: its first list (named in List-Id), its templates (built
// in, or from DATA_DIR/templates), its rendered sections, and whether the archive shows it
// (every list public and its archive flag on). A digest's posts and their published
// translations are read and rendered once (`digest`), and its sections hold every item in
// the issue's language: the web version; digest_for_reader() selects a reader's letter.
// Errors: conflict when it goes to no list, not_found when a list or template is missing,
// invalid_input for a broken template.
Result<PreparedIssue> prepare_stored_issue(Store& store, const Issue& issue,
                                           const std::filesystem::path& data_dir);

// What one reader gets of a prepared digest issue (the ledger's record of what they
// received, the topics they chose): a variant to plan and compose, or nothing when no item
// is for them. Previews call it; the runner selects a claimed batch at a time
// (delivery/digest_letters.hpp).
Result<std::optional<PreparedIssue>> digest_for_reader(LedgerStore& store,
                                                       const PreparedIssue& prepared,
                                                       const Subscriber& reader);

// Registers the links of `issue` whose clicks are counted (a row each, kept for the
// issue's life) and points them at their counted redirects; adds the open pixel when the
// issue tracks opens. Call it before planning letters. Does nothing for an issue that
// tracks nothing.
Result<void> track_links(ClickStore& store, const LetterComposer& composer, PreparedIssue& issue,
                         Timestamp now);

}  // namespace communique
