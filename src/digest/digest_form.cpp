// DigestForm: definitions as people write them, checked and resolved (see the header).
#include "digest/digest_form.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "base/text.hpp"
#include "mail/letter.hpp"

namespace communique {

namespace {

// Section names compare as the store keeps them: ignoring ASCII case.
bool same_name(std::string_view a, std::string_view b) {
  return ascii_lower(a) == ascii_lower(b);
}

Result<std::vector<SectionId>> resolve_sections(const std::vector<std::string>& names,
                                                std::span<const Section> sections) {
  std::vector<SectionId> ids;
  for (const auto& name : names) {
    const auto found = std::find_if(sections.begin(), sections.end(),
                                    [&name](const Section& s) { return same_name(s.name, name); });
    if (found == sections.end()) {
      std::vector<std::string> known;
      for (const auto& section : sections) {
        known.push_back(section.name);
      }
      return make_error(
          ErrorCode::invalid_input,
          known.empty()
              ? fmt::format("sections: the list has no section '{}' (it has no sections yet; "
                            "add one with: communique sections create --list LIST NAME)",
                            name)
              : fmt::format("sections: the list has no section '{}'; its sections are: {}", name,
                            fmt::join(known, ", ")));
    }
    if (std::find(ids.begin(), ids.end(), found->id) != ids.end()) {
      return make_error(ErrorCode::invalid_input,
                        fmt::format("sections: '{}' is named twice; name each section once", name));
    }
    ids.push_back(found->id);
  }
  return ids;
}

// Checks the fields given in `input`, other than the schedule and the sections.
Result<void> check_plain_fields(const DigestInput& input, const std::filesystem::path& data_dir) {
  if (input.name) {
    if (auto name = validate_digest_name(*input.name); !name) {
      return std::move(name).error();
    }
  }
  if (input.subject && !input.subject->empty()) {
    if (auto subject = validate_subject(*input.subject); !subject) {
      return make_error(ErrorCode::invalid_input, "subject: " + subject.error().message);
    }
  }
  if (input.template_name && !valid_template_name(*input.template_name)) {
    return make_error(ErrorCode::invalid_input,
                      "template: template names are letters, digits, '-' and '_'; not '" +
                          *input.template_name + "'");
  }
  if (input.template_name) {
    if (auto templates = load_letter_templates(*input.template_name, data_dir); !templates) {
      return make_error(ErrorCode::invalid_input, "template: " + templates.error().message);
    }
  }
  return validate_digest_limits(input.max_per_section.value_or(0), input.excerpt_words.value_or(0));
}

}  // namespace

std::vector<std::string> split_section_names(std::string_view text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = trim(text.substr(start, comma - start));
    if (!part.empty()) {
      names.emplace_back(part);
    }
    start = comma + 1;
  }
  return names;
}

Result<DigestDefinition> digest_from_input(const DigestInput& input, ListId list,
                                           std::span<const Section> sections,
                                           const std::filesystem::path& data_dir) {
  if (!input.name) {
    return make_error(ErrorCode::invalid_input, "name: give the digest a name, e.g. weekly");
  }
  if (!input.every) {
    return make_error(ErrorCode::invalid_input,
                      "every: say when it runs, e.g. \"weekly mon 09:00\"");
  }
  if (auto checked = check_plain_fields(input, data_dir); !checked) {
    return std::move(checked).error();
  }
  auto rule = parse_schedule_rule(*input.every, input.time_zone.value_or("UTC"));
  if (!rule) {
    return std::move(rule).error();
  }
  DigestDefinition digest;
  digest.list_id = list;
  digest.name = std::string(trim(*input.name));
  digest.rule = std::move(*rule);
  if (input.sections) {
    auto ids = resolve_sections(*input.sections, sections);
    if (!ids) {
      return std::move(ids).error();
    }
    digest.sections = std::move(*ids);
  }
  digest.subject = input.subject.value_or("");
  digest.template_name = input.template_name.value_or("default");
  digest.max_per_section = input.max_per_section.value_or(0);
  digest.excerpt_words = input.excerpt_words.value_or(0);
  digest.only_if_new = input.only_if_new.value_or(false);
  digest.review = input.review.value_or(false);
  digest.enabled = input.enabled.value_or(true);
  return digest;
}

Result<DigestChanges> digest_changes_from_input(const DigestInput& input,
                                                const DigestDefinition& current,
                                                std::span<const Section> sections,
                                                const std::filesystem::path& data_dir) {
  if (auto checked = check_plain_fields(input, data_dir); !checked) {
    return std::move(checked).error();
  }
  DigestChanges changes;
  if (input.name) {
    changes.name = std::string(trim(*input.name));
  }
  if (input.every || input.time_zone) {
    auto rule = parse_schedule_rule(input.every.value_or(format_schedule_rule(current.rule)),
                                    input.time_zone.value_or(current.rule.time_zone));
    if (!rule) {
      return std::move(rule).error();
    }
    changes.rule = std::move(*rule);
  }
  if (input.sections) {
    auto ids = resolve_sections(*input.sections, sections);
    if (!ids) {
      return std::move(ids).error();
    }
    changes.sections = std::move(*ids);
  }
  changes.subject = input.subject;
  changes.template_name = input.template_name;
  changes.max_per_section = input.max_per_section;
  changes.excerpt_words = input.excerpt_words;
  changes.only_if_new = input.only_if_new;
  changes.review = input.review;
  changes.enabled = input.enabled;
  return changes;
}

std::string section_names(std::span<const SectionId> ids, std::span<const Section> sections) {
  std::vector<std::string> names;
  for (SectionId id : ids) {
    const auto found = std::find_if(sections.begin(), sections.end(),
                                    [id](const Section& s) { return s.id == id; });
    names.push_back(found == sections.end() ? "#" + std::to_string(id) : found->name);
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace communique
