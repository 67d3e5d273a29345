// Which link tokens are bound to their subscriber's own key: the policy over LinkSigner's
// mechanism (security/link_token.hpp), shared by the code that makes links (mail, the
// public pages) and the code that checks them (http/personal_links.hpp).
//
// Policy:
// - Tokens that open a subscriber's pages or act for them (unsubscribe, preferences,
//   confirm, privacy, view online) are bound to the subscriber's link_key, read from the
//   store when they are checked. Once a subscriber is erased or deleted, every such link
//   made for them opens nothing: their id is never given again, and should a restored
//   backup give it again, the newcomer's key differs.
// - Click and open tokens are not bound: the redirect and the pixel are the same for
//   everyone and are answered on the I/O thread without the store (http/click_counter.hpp).
//   What they add for a subscriber (a count) is dropped once the subscriber is gone.
// - Subscribers from before keys existed have an empty key: their tokens have the MAC
//   tokens always had, so the links they were already sent keep working.
#pragma once

#include <string_view>

#include "security/link_token.hpp"

namespace communique {

// The key that tokens of `purpose` naming a subscriber whose link key is `link_key` are
// signed and verified with: `link_key` or, for tokens not bound to it, none.
constexpr std::string_view token_key(TokenPurpose purpose, std::string_view link_key) {
  switch (purpose) {
    case TokenPurpose::unsubscribe:
    case TokenPurpose::preferences:
    case TokenPurpose::confirm:
    case TokenPurpose::view_online:
    case TokenPurpose::privacy:
      return link_key;
    case TokenPurpose::click:
    case TokenPurpose::open:
    case TokenPurpose::preview:  // names no subscriber, and no page accepts it
      return {};
  }
  return link_key;  // an unknown purpose: bound, so that it opens nothing by mistake
}

}  // namespace communique
