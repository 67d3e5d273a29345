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

std::vector<std::optional<TokenClaims>> open_personal_links(
    std::span<const std::string_view> tokens, TokenPurpose purpose, const LinkSigner& links,
    Store& store) {
  std::vector<std::optional<TokenClaims>> claims(tokens.size());
  std::vector<std::size_t> opened_at;
  std::vector<UnverifiedToken> opened;
  std::vector<SubscriberId> ids;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (auto token = links.open(tokens[i])) {
      // Not yet authentic: the id only says whose key to check the MAC with.
      ids.push_back(token->subscriber());
      opened.push_back(std::move(*token));
      opened_at.push_back(i);
    }
  }
  if (ids.empty()) {
    return claims;
  }
  auto keys = store.link_keys(ids);
  if (!keys) {
    return claims;  // a store failure opens nothing, as for one link
  }
  for (std::size_t k = 0; k < ids.size(); ++k) {
    if (!(*keys)[k]) {
      continue;
    }
    if (auto verified = links.verify(opened[k], purpose, token_key(purpose, *(*keys)[k]))) {
      claims[opened_at[k]] = *verified;
    }
  }
  return claims;
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
