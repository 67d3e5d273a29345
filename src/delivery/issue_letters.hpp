// issue_letters: an issue as the store has it, made ready for letters. Reads its lists and
// templates, and registers the links whose clicks it counts; the mail module then builds
// letters from these values alone and never touches the store.
#pragma once

#include <filesystem>

#include "mail/letter.hpp"
#include "store/click_store.hpp"
#include "store/list_store.hpp"

namespace communique {

// `issue` prepared for letters: its first list (named in List-Id), its templates (built
// in, or from DATA_DIR/templates), its rendered sections, and whether the archive shows it
// (every list public and its archive flag on). Errors: conflict when it goes to no list,
// not_found when a list or template is missing, invalid_input for a broken template.
Result<PreparedIssue> prepare_stored_issue(ListStore& store, const Issue& issue,
                                           const std::filesystem::path& data_dir);

// Registers the links of `issue` whose clicks are counted (a row each, kept for the
// issue's life) and points them at their counted redirects; adds the open pixel when the
// issue tracks opens. Call it before planning letters. Does nothing for an issue that
// tracks nothing.
Result<void> track_links(ClickStore& store, const LetterComposer& composer, PreparedIssue& issue,
                         Timestamp now);

}  // namespace communique
