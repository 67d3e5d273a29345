// Personal link tokens: what identifies a subscriber in a public URL (unsubscribe,
// preferences, confirm, privacy, tracked clicks), compact and unforgeable.
//
// A token is 43 characters of base64url for 32 bytes: one 16-byte block holding the
// purpose, the subscriber, the issue and the day it was made, encrypted with AES-128 so
// that no sequential id shows in a URL, followed by the first 16 bytes of its HMAC-SHA256.
// Both keys derive from the installation's secret. Verification recomputes the HMAC and
// compares in constant time, then checks the purpose: a token made for one purpose opens
// nothing else. Expiry is the caller's policy (issued_day is in the claims).
#pragma once

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

class LinkSigner {
 public:
  // `secret` is the installation's secret (at least 32 bytes of entropy, any encoding).
  static Result<LinkSigner> create(std::string_view secret);

  std::string sign(const TokenClaims& claims) const;
  // not_found for anything that is not a valid token of `purpose` (tampered, truncated,
  // another purpose): callers answer a plain 404 and learn nothing more.
  Result<TokenClaims> verify(std::string_view token, TokenPurpose purpose) const;

 private:
  struct Keys;
  explicit LinkSigner(std::shared_ptr<const Keys> keys) : keys_(std::move(keys)) {}
  std::shared_ptr<const Keys> keys_;
};

// 32 random bytes as 64 hexadecimal digits, for a new installation secret.
std::string generate_secret();

}  // namespace communique
