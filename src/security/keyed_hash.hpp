// KeyedHash: a short keyed digest of text (SipHash-2-4 with a 128-bit output, libsodium's
// crypto_shorthash_siphashx24), for keys of in-memory tables that clients fill, such as
// the sign-in limiter's.
//
// Policy: the key is random per object and never leaves the process, so a client can
// neither make keys collide on purpose nor learn anything from the digests; every digest
// is 16 bytes whatever the text's length, so a table keyed by digests costs the same per
// entry however long the names sent to it are. It is not a password hash or a MAC for
// data that leaves the process (security/password.hpp, security/link_token.hpp).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace communique {

class KeyedHash {
 public:
  // A new random key.
  KeyedHash();

  // 16 bytes (binary, not printable) that depend on `text` and the key alone.
  std::string digest(std::string_view text) const;

 private:
  std::array<unsigned char, 16> key_{};
};

}  // namespace communique
