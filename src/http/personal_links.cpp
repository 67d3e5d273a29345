#include "http/personal_links.hpp"

#include "security/link_binding.hpp"

namespace communique {

std::optional<PersonalLink> open_personal_link(std::string_view token, TokenPurpose purpose,
                                               const LinkSigner& links, Store& store) {
  auto opened = links.open(token);
  if (!opened) {
    return std::nullopt;
  }
  // Not yet authentic: the id only says whose key to check the MAC with.
  auto subscriber = store.find_subscriber(opened->subscriber());
  if (!subscriber) {
    return std::nullopt;
  }
  auto claims = links.verify(*opened, purpose, token_key(purpose, subscriber->link_key));
  if (!claims) {
    return std::nullopt;
  }
  return PersonalLink{*claims, std::move(*subscriber)};
}

std::optional<PersonalLink> personal_link(const HttpRequest& request, TokenPurpose purpose,
                                          const LinkSigner& links, Store& store) {
  const auto token = request.params.find("token");
  if (token == request.params.end()) {
    return std::nullopt;
  }
  return open_personal_link(token->second, purpose, links, store);
}

}  // namespace communique
