// DigestForm: a digest definition as a person writes it — section names, a schedule as
// text, a time zone — checked and resolved into a definition (or changes to one), the same
// way for the CLI and the API.
//
// Policy: every error names its field and says how to write it: `every` and `tz` messages
// are schedule_rule's; a section the list does not have is named with the list's sections;
// a section named twice is refused. When only one of `every` and `tz` changes, the other
// stays as it was.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/digest.hpp"

namespace communique {

// What a person gave; an absent field is not given.
struct DigestInput {
  std::optional<std::string> name;
  std::optional<std::string> every;
  std::optional<std::string> time_zone;
  std::optional<std::vector<std::string>> sections;  // names, in the digest's order
  std::optional<std::string> subject;                // "": the default subject
  std::optional<std::string> template_name;
  std::optional<int> max_per_section;
  std::optional<int> excerpt_words;
  std::optional<bool> only_if_new;
  std::optional<bool> review;
  std::optional<bool> enabled;
};

// Splits "News, Statements" at commas into trimmed names (empty parts dropped).
std::vector<std::string> split_section_names(std::string_view text);

// A new definition of `list` (whose sections are `sections`); name and every are required.
// A template it names must be there and compile (built in, or in DATA_DIR/templates): a
// definition never waits for its first run to learn it cannot be sent.
Result<DigestDefinition> digest_from_input(const DigestInput& input, ListId list,
                                           std::span<const Section> sections,
                                           const std::filesystem::path& data_dir);

// The changes `input` makes to `current` (of a list whose sections are `sections`).
Result<DigestChanges> digest_changes_from_input(const DigestInput& input,
                                                const DigestDefinition& current,
                                                std::span<const Section> sections,
                                                const std::filesystem::path& data_dir);

// The names of `ids` among `sections` ("News, Statements"), in the order of `ids`.
std::string section_names(std::span<const SectionId> ids, std::span<const Section> sections);

}  // namespace communique
