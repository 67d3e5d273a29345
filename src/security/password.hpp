// Secrets people and programs hold: passwords (argon2id), and bearer secrets (session
// cookies, API tokens, CSRF tokens) stored only as digests.
//
// Policy: argon2id with libsodium's "interactive" limits (2 passes, 64 MiB), about 0.1 s a
// hash on one core, so callers run it on the blocking pool, never on an I/O thread. A
// bearer secret is 32 random bytes (base64url, 43 characters); the database keeps its
// SHA-256, so a copy of the database signs nobody in. Comparisons are constant-time.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace communique {

// Passwords must be 10 to 1024 bytes: long enough to resist guessing, bounded so that a
// hostile request cannot make the hash run on megabytes.
Result<void> check_password_rules(std::string_view password);

// The argon2id string ("$argon2id$v=19$m=65536,t=2,p=1$...") of `password`.
Result<std::string> hash_password(std::string_view password);
// Whether `password` matches `hash`; false for a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);

// 32 random bytes, base64url without padding.
std::string random_bearer_secret();
// The SHA-256 of `secret`, as 64 hexadecimal digits: what the database stores.
std::string bearer_digest(std::string_view secret);
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace communique
