// The planned letter: an issue rendered once per day with its personal values as slots.
//
// Why: a personalised letter differs from its neighbours in a few dozen bytes (name,
// address, two links), yet rendering templates, quoted-printable encoding, DKIM body
// canonicalization and hashing all scale with its size. The plan renders the templates
// once with a marker in place of each personal value, splits the result at the markers,
// and encodes and canonicalizes the static pieces once. Each marker is cut out with
// quoted-printable soft line breaks around it, so every piece is made of whole encoded
// lines: pieces can be encoded, canonicalized and hashed apart and still add up to the
// letter. The SHA-256 state after the first piece (everything before the first personal
// value) is kept, so a letter hashes only what follows it.
//
// compose_planned() answers `unavailable` when it cannot use the plan (none made, another
// day, an attribute that is not a string or number); compose() then renders in full.
#include <openssl/rand.h>

#include <memory>
#include <set>

#include "base/text.hpp"
#include "content/markdown.hpp"
#include "mail/dkim.hpp"
#include "mail/letter.hpp"
#include "mail/letter_parts.hpp"
#include "mail/mime.hpp"

namespace communique {

namespace {

using letter_parts::PersonalValues;

// A personal value: one of the fixed ones, or an attribute by key.
struct Slot {
  enum class Kind { email, name, language, unsubscribe, preferences, attribute } kind;
  std::string attribute;
};

// Markers are control characters that prepare_issue removed from every body and that no
// validated name or setting contains.
constexpr char kMarkStart = '\x01';
constexpr char kMarkEnd = '\x02';

std::string marker(std::size_t index) {
  return std::string(1, kMarkStart) + std::to_string(index) + std::string(1, kMarkEnd);
}

// False when the template branches on or changes the meaning of personal values, which a
// single rendering cannot capture; otherwise adds the attribute keys it reads to `keys`.
bool plannable(std::string_view source, std::set<std::string>& keys) {
  std::size_t pos = 0;
  while ((pos = source.find("{{", pos)) != std::string_view::npos) {
    const bool triple = source.substr(pos, 3) == "{{{";
    const auto close = source.find(triple ? "}}}" : "}}", pos);
    if (close == std::string_view::npos) {
      return false;
    }
    std::string_view tag =
        trim(source.substr(pos + (triple ? 3 : 2), close - pos - (triple ? 3 : 2)));
    pos = close + (triple ? 3 : 2);
    if (tag.empty()) {
      continue;
    }
    const char sigil = triple ? '{' : tag.front();
    if (sigil == '=' || sigil == '>') {
      return false;  // changed delimiters or partials: not worth reasoning about
    }
    if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '&' || sigil == '!') {
      tag = trim(tag.substr(1));
    }
    const bool personal = tag == "subscriber" || tag.starts_with("subscriber.") || tag == "links" ||
                          tag.starts_with("links.");
    if ((sigil == '#' || sigil == '^') && personal) {
      return false;
    }
    constexpr std::string_view kAttributes = "subscriber.attributes.";
    if (tag.starts_with(kAttributes)) {
      keys.emplace(tag.substr(kAttributes.size()));
    } else if (tag == "subscriber.attributes") {
      return false;
    }
  }
  return true;
}

// The text of one slot for one subscriber; nothing when it cannot be planned.
std::optional<std::string> slot_value(const Slot& slot, const PersonalValues& values) {
  switch (slot.kind) {
    case Slot::Kind::email:
      return values.email;
    case Slot::Kind::name:
      return values.name;
    case Slot::Kind::language:
      return values.language;
    case Slot::Kind::unsubscribe:
      return values.unsubscribe;
    case Slot::Kind::preferences:
      return values.preferences;
    case Slot::Kind::attribute: {
      const auto found = values.attributes.find(slot.attribute);
      if (found == values.attributes.end()) {
        return std::string();
      }
      if (found->is_string()) {
        return found->get<std::string>();
      }
      if (found->is_number()) {
        return found->dump();
      }
      return std::nullopt;  // booleans, lists and objects render by the template's rules
    }
  }
  return std::nullopt;
}

}  // namespace

struct LetterPlan {
  std::uint32_t day = 0;  // day_number() of the day it was made for
  std::string boundary;
  std::vector<Slot> slots;
  // The body alternates: pieces[0], slot uses[0], pieces[1], ... pieces.back().
  struct Use {
    std::size_t slot = 0;
    bool html = false;  // HTML-escaped (in the HTML part) or as it is (in the text part)
  };
  std::vector<std::string> pieces;            // quoted-printable, whole lines
  std::vector<std::string> canonical_pieces;  // their relaxed DKIM form
  std::vector<Use> uses;
  DkimBodyHash after_first_piece;  // has hashed canonical_pieces[0]
};

void LetterComposer::plan(PreparedIssue& prepared, Timestamp now) const {
  prepared.plan.reset();
  if (prepared.personal_tracking) {
    return;  // every letter has its own links
  }
  std::set<std::string> keys;
  const auto& templates = prepared.templates;
  if (!plannable(templates.html.source(), keys) || !plannable(templates.text.source(), keys)) {
    return;
  }
  auto plan = std::make_shared<LetterPlan>();
  plan->day = day_number(now);
  plan->slots = {{Slot::Kind::email, {}},
                 {Slot::Kind::name, {}},
                 {Slot::Kind::language, {}},
                 {Slot::Kind::unsubscribe, {}},
                 {Slot::Kind::preferences, {}}};
  for (const auto& key : keys) {
    plan->slots.push_back({Slot::Kind::attribute, key});
  }
  PersonalValues markers{.email = marker(0),
                         .name = marker(1),
                         .language = marker(2),
                         .unsubscribe = marker(3),
                         .preferences = marker(4)};
  std::size_t index = 5;
  for (const auto& key : keys) {
    markers.attributes[key] = marker(index++);
  }
  const auto context = letter_parts::template_context(prepared, markers, identity_, now);
  auto html = templates.html.render(context);
  auto text = templates.text.render(context);
  if (!html || !text) {
    return;  // compose() reports the template's error when it renders in full
  }
  unsigned char random[12];
  RAND_bytes(random, sizeof random);
  plan->boundary = "=_" + letter_parts::hex(random, sizeof random);

  // Split each part at its markers: static text is encoded now, markers become uses.
  plan->pieces.emplace_back();
  for (const bool is_html : {false, true}) {
    plan->pieces.back() +=
        is_html ? html_part_start(plan->boundary) : text_part_start(plan->boundary);
    const std::string_view part = is_html ? std::string_view(*html) : std::string_view(*text);
    QuotedPrintableWriter writer(plan->pieces.back());
    std::size_t pos = 0;
    for (;;) {
      const auto start = part.find(kMarkStart, pos);
      if (start == std::string_view::npos) {
        writer.add(part.substr(pos));
        writer.finish();
        break;
      }
      const auto end = part.find(kMarkEnd, start);
      if (end == std::string_view::npos) {
        return;  // cannot happen: markers are written whole
      }
      const auto slot = parse_integer(part.substr(start + 1, end - start - 1));
      if (!slot || *slot < 0 || static_cast<std::size_t>(*slot) >= plan->slots.size()) {
        return;  // not a marker of ours (a template's own control character): render in full
      }
      writer.add(part.substr(pos, start - pos));
      writer.soft_break();
      plan->uses.push_back({static_cast<std::size_t>(*slot), is_html});
      plan->pieces.emplace_back();
      writer = QuotedPrintableWriter(plan->pieces.back());
      pos = end + 1;
    }
  }
  plan->pieces.back() += "--" + plan->boundary + "--\r\n";

  for (const auto& piece : plan->pieces) {
    std::string canonical;
    append_relaxed_lines(canonical, piece);
    plan->canonical_pieces.push_back(std::move(canonical));
  }
  plan->after_first_piece.add(plan->canonical_pieces[0]);
  prepared.plan = std::move(plan);
}

Result<std::string> LetterComposer::compose_planned(const PreparedIssue& prepared,
                                                    const Subscriber& subscriber, Timestamp now,
                                                    const std::string& message_id) const {
  const LetterPlan* plan = prepared.plan.get();
  if (plan == nullptr || plan->day != day_number(now)) {
    return make_error(ErrorCode::unavailable, "no plan for this day");
  }
  const auto personal = letter_parts::personal_values(subscriber, prepared, identity_, links_, now,
                                                      PersonalLinks::live);
  std::vector<std::string> values;
  values.reserve(plan->slots.size());
  for (const auto& slot : plan->slots) {
    auto value = slot_value(slot, personal);
    if (!value) {
      return make_error(ErrorCode::unavailable, "an attribute needs the full template");
    }
    values.push_back(std::move(*value));
  }

  const auto headers = letter_parts::letter_headers(prepared, personal, identity_, now, message_id);
  const std::string header_block = alternative_header_block(headers, plan->boundary);

  // Encode each use of a slot; hash the body only when something signs it.
  std::vector<std::string> encoded(plan->uses.size());
  std::size_t body_size = plan->pieces[0].size();
  for (std::size_t i = 0; i < plan->uses.size(); ++i) {
    const auto& use = plan->uses[i];
    QuotedPrintableWriter writer(encoded[i]);
    writer.add(use.html ? escape_html(values[use.slot]) : values[use.slot]);
    writer.soft_break();
    body_size += encoded[i].size() + plan->pieces[i + 1].size();
  }
  std::string signatures;
  if (!signers_.empty()) {
    DkimBodyHash digest(plan->after_first_piece);
    std::string canonical;
    for (std::size_t i = 0; i < plan->uses.size(); ++i) {
      canonical.clear();
      append_relaxed_lines(canonical, encoded[i]);
      digest.add(canonical);
      digest.add(plan->canonical_pieces[i + 1]);
    }
    const std::string body_hash = digest.finish();
    for (const auto& signer : signers_) {
      auto signature = dkim_signature_for(header_block, body_hash, signer, now);
      if (!signature) {
        return std::move(signature).error();
      }
      signatures += *signature;
    }
  }

  // One allocation, one copy of each piece.
  std::string message;
  message.reserve(signatures.size() + header_block.size() + 2 + body_size);
  message += signatures;
  message += header_block;
  message += "\r\n";
  message += plan->pieces[0];
  for (std::size_t i = 0; i < plan->uses.size(); ++i) {
    message += encoded[i];
    message += plan->pieces[i + 1];
  }
  return message;
}

}  // namespace communique
