// HMAC-SHA256 (RFC 2104) of short byte strings, and keys derived from the installation's
// secret with it: the one keyed MAC of data that leaves the process (link tokens, VERP
// return paths).
//
// Policy: a key for one purpose is HMAC(secret, label), so that each purpose has its own
// key and knowing one tells nothing of the others or of the secret. Comparison of MACs
// read back from outside is in constant time. Not for in-memory table keys
// (security/keyed_hash.hpp) nor passwords (security/password.hpp).
#pragma once

#include <array>
#include <string_view>

namespace communique {

using HmacDigest = std::array<unsigned char, 32>;

// HMAC-SHA256 of `data` keyed with `key`.
HmacDigest hmac_sha256(std::string_view key, std::string_view data);

// The key for `label` ("mac", "verp", …) derived from `secret`: HMAC-SHA256(secret, label).
HmacDigest derive_key(std::string_view secret, std::string_view label);

// Whether `a` and `b` hold the same bytes, in a time that depends on their sizes only.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace communique
