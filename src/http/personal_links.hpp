// Personal links: the subscriber a public URL's token names, checked with that
// subscriber's own key (security/link_binding.hpp says which tokens are bound to it).
//
// Policy: the token's block is decrypted, the subscriber it names is read from the store,
// and only then is its MAC checked, with that subscriber's key, in constant time. A
// subscriber who no longer exists is the same "nothing" as a forged, tampered or foreign
// token: every caller answers the same plain 404. A store failure is nothing too (the
// caller cannot tell a busy database from a bad link, and says only "not found").
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/subscriber.hpp"
#include "http/http_types.hpp"
#include "security/link_token.hpp"
#include "store/store.hpp"

namespace communique {

struct PersonalLink {
  TokenClaims claims;
  Subscriber subscriber;
};

// The claims of `token` and the subscriber it names, when it is a valid token of
// `purpose` for a subscriber who exists.
std::optional<PersonalLink> open_personal_link(std::string_view token, TokenPurpose purpose,
                                               const LinkSigner& links, Store& store);

// The claims of each of `tokens` that is a valid token of `purpose` for a subscriber who
// exists, in order: the same checks, with the subscribers' keys read in one store call.
std::vector<std::optional<TokenClaims>> open_personal_links(
    std::span<const std::string_view> tokens, TokenPurpose purpose, const LinkSigner& links,
    Store& store);

// The same for the request's `{token}` path parameter.
std::optional<PersonalLink> personal_link(const HttpRequest& request, TokenPurpose purpose,
                                          const LinkSigner& links, Store& store);

}  // namespace communique
