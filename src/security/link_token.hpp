// Personal link tokens: what identifies a subscriber in a public URL (unsubscribe,
// preferences, confirm, privacy, tracked clicks), compact and unforgeable.
//
// A token is 43 characters of base64url for 32 bytes: one 16-byte block holding the
// purpose, the subscriber, the issue and the day it was made, encrypted with AES-128 so
// that no sequential id shows in a URL, followed by the first 16 bytes of its HMAC-SHA256.
// Both keys derive from the installation's secret. A token may also be bound to a
// subscriber's own key (their link_key), which is then hashed after the block: it verifies
// only with that same key, so that it dies with the subscriber. Verification decrypts the
// block (open), lets the caller look up the key of the subscriber it names, recomputes the
// HMAC and compares in constant time, then checks the purpose: a token made for one
// purpose opens nothing else. A token signed with no subscriber key has the MAC tokens
// always had. Which key a token is bound to, and expiry, are the callers' policy
// (http/personal_links.hpp; issued_day is in the claims): this is the mechanism only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace communique {

enum class TokenPurpose : std::uint8_t {
  unsubscribe = 1,
  preferences = 2,
  confirm = 3,
  view_online = 4,
  privacy = 5,
  click = 6,
  open = 7,  // the open pixel of an issue that tracks opens
  // Every personal link of a preview: it looks like a letter's link but no page accepts
  // this purpose, so whoever may read a preview gets no way into a subscriber's pages.
  preview = 8,
};

struct TokenClaims {
  TokenPurpose purpose = TokenPurpose::unsubscribe;
  std::int64_t subscriber = 0;   // below 2^48
  std::int64_t issue = 0;        // below 2^40; 0 when no issue is involved; for confirm
                                 // tokens, the confirmation the letter asks about
  std::uint32_t issued_day = 0;  // days since 1970-01-01
};

// A token whose block is decrypted but whose MAC is not checked yet: it tells only which
// subscriber it names, so that the caller can find the key to verify it with. Its claims
// are read only through LinkSigner::verify.
class UnverifiedToken {
 public:
  std::int64_t subscriber() const;

 private:
  friend class LinkSigner;
  std::array<unsigned char, 16> plain_{};
  std::array<unsigned char, 16> mac_{};
};

class LinkSigner {
 public:
  // `secret` is the installation's secret (at least 32 bytes of entropy, any encoding).
  static Result<LinkSigner> create(std::string_view secret);

  // A token for `claims`, bound to `subscriber_key` when it is not empty.
  std::string sign(const TokenClaims& claims, std::string_view subscriber_key = {}) const;

  // The decrypted block of `token`, not yet verified; not_found for anything that is not
  // a token's shape.
  Result<UnverifiedToken> open(std::string_view token) const;
  // The claims of `token` when its MAC matches with `subscriber_key` (the key it was signed
  // with) and it was made for `purpose`. not_found otherwise (tampered, truncated, another
  // purpose, another key): callers answer a plain 404 and learn nothing more.
  Result<TokenClaims> verify(const UnverifiedToken& token, TokenPurpose purpose,
                             std::string_view subscriber_key) const;
  // open() and verify() at once, for a caller that knows the key without the claims.
  Result<TokenClaims> verify(std::string_view token, TokenPurpose purpose,
                             std::string_view subscriber_key = {}) const;

 private:
  struct Keys;
  explicit LinkSigner(std::shared_ptr<const Keys> keys) : keys_(std::move(keys)) {}
  std::shared_ptr<const Keys> keys_;
};

// 32 random bytes as 64 hexadecimal digits, for a new installation secret.
std::string generate_secret();

}  // namespace communique
