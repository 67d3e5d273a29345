// SenderIdentity: who an organisation's letters come from, and what the law and good
// practice put in every footer: the postal address (required for bulk mail in many
// countries), a copyright line, social links, and the public base URL of personal links.
#pragma once

#include <string>
#include <vector>

namespace communique {

struct SocialLink {
  std::string name;  // "Telegram"
  std::string url;
};

struct SenderIdentity {
  std::string organisation = "Communiqué";
  std::string from_name;  // empty: the organisation
  std::string from_address = "newsletter@localhost.localdomain";
  std::string reply_to;  // empty: no Reply-To header
  std::string postal_address;
  std::string copyright;
  std::vector<SocialLink> social;
  std::string base_url = "http://127.0.0.1:8080";  // no trailing slash

  // The domain of from_address (validated at start-up, so it has one): the domain of
  // Message-IDs, List-Id, the unsubscribe mailbox, and DKIM unless [dkim] names another.
  std::string domain() const { return from_address.substr(from_address.rfind('@') + 1); }
};

}  // namespace communique
