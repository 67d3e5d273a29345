// Digest definitions and runs: the names of run outcomes and the rules for what a person
// writes in a definition.
#include "core/digest.hpp"

#include <array>
#include <utility>

#include "base/text.hpp"

namespace communique {

namespace {

constexpr std::array<std::pair<RunOutcome, std::string_view>, 4> kOutcomes{{
    {RunOutcome::sent, "sent"},
    {RunOutcome::draft, "draft"},
    {RunOutcome::skipped, "skipped"},
    {RunOutcome::failed, "failed"},
}};

constexpr int kMostLimit = 10000;

}  // namespace

std::string_view to_string(RunOutcome outcome) {
  for (const auto& [value, name] : kOutcomes) {
    if (value == outcome) {
      return name;
    }
  }
  return "failed";
}

std::optional<RunOutcome> parse_run_outcome(std::string_view text) {
  for (const auto& [value, name] : kOutcomes) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

Result<std::string> validate_digest_name(std::string_view name) {
  const std::string_view trimmed = trim(name);
  if (trimmed.empty()) {
    return make_error(ErrorCode::invalid_input, "name: the name is empty; name it, e.g. weekly");
  }
  if (!is_valid_utf8(trimmed) || has_control_character(trimmed)) {
    return make_error(ErrorCode::invalid_input,
                      "name: the name must be one line of UTF-8 without control characters");
  }
  if (code_points(trimmed) > 100) {
    return make_error(ErrorCode::invalid_input, "name: the name is longer than 100 characters");
  }
  return std::string(trimmed);
}

Result<void> validate_digest_limits(int max_per_section, int excerpt_words) {
  if (max_per_section < 0 || max_per_section > kMostLimit) {
    return make_error(ErrorCode::invalid_input,
                      "max_per_section: give a number from 0 (no limit) to 10000");
  }
  if (excerpt_words < 0 || excerpt_words > kMostLimit) {
    return make_error(ErrorCode::invalid_input,
                      "excerpt_words: give a number from 0 (items in full) to 10000");
  }
  return ok();
}

}  // namespace communique
