// Pieces of a letter shared by the full composer (letter.cpp) and the planned one
// (letter_plan.cpp). Internal to the mail module.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/sender_identity.hpp"
#include "mail/letter.hpp"
#include "mail/mime.hpp"

namespace communique::letter_parts {

// What differs between two subscribers' letters of one issue on one day.
struct PersonalValues {
  std::string email;
  std::string name;
  std::string language;
  nlohmann::json attributes = nlohmann::json::object();
  std::string unsubscribe;  // URL
  std::string preferences;  // URL
  bool personal = true;     // false on the web version: nobody's links, a subscribe link
};

// The token of a personal link: `claims` signed as they are when `links` is live; when
// inert, a preview token naming no subscriber and no issue, which no page accepts.
std::string sign_link(const LinkSigner& signer, const TokenClaims& claims, PersonalLinks links,
                      std::string_view subscriber_key = {});

PersonalValues personal_values(const Subscriber& subscriber, const PreparedIssue& issue,
                               const SenderIdentity& identity, const LinkSigner& signer,
                               Timestamp now, PersonalLinks links);

nlohmann::json template_context(const PreparedIssue& issue, const PersonalValues& personal,
                                const SenderIdentity& identity, Timestamp now);

// The headers of a letter (From, To, Subject, Date, Message-ID, Reply-To, List-*,
// Feedback-ID), CR/LF-safe and encoded.
std::vector<MimeHeader> letter_headers(const PreparedIssue& issue, const PersonalValues& personal,
                                       const SenderIdentity& identity, Timestamp now,
                                       const std::string& message_id);

std::string hex(const unsigned char* data, std::size_t size);

}  // namespace communique::letter_parts
