// VERP return paths: the envelope sender of a letter, `bounces+TAG@domain`, where TAG names
// the issue and the subscriber the letter went to, signed, so that a delivery report that
// lost every header of ours is still attributed to one subscriber of one issue.
//
// TAG is lower-case base32 (a-z, 2-7) of the issue and the subscriber as two varints
// followed by the first 8 bytes (64 bits) of an HMAC-SHA256 over the domain and those
// varints, keyed with a key derived from the installation's secret (label "verp"). A
// return path is at most 8 + 45 octets before the '@', under SMTP's 64.
//
// Policy: reading is case-insensitive (some MTAs lower-case or upper-case the local part)
// and strict otherwise: the tag must be the one encoding of its values, so a changed
// character, a truncated or lengthened tag, another domain or another secret all read as
// nothing, and the MAC is compared in constant time. Not here: which domain letters use
// ([bounces] domain, the caller's) and what a report then does to the subscriber.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "security/hmac.hpp"

namespace communique {

struct VerpAttribution {
  std::int64_t issue = 0;
  std::int64_t subscriber = 0;

  friend bool operator==(const VerpAttribution&, const VerpAttribution&) = default;
};

class VerpKey {
 public:
  // The key for return paths derived from the installation's `secret`.
  static VerpKey from_secret(std::string_view secret);

  const HmacDigest& bytes() const { return key_; }

 private:
  explicit VerpKey(const HmacDigest& key) : key_(key) {}
  HmacDigest key_{};
};

// `bounces+TAG@domain` for the letter of `issue` to `subscriber` (both non-negative).
std::string make_return_path(const VerpKey& key, std::string_view domain, std::int64_t issue,
                             std::int64_t subscriber);

// The issue and subscriber of `address` (with or without angle brackets) when it is a
// return path made with `key`; nullopt for any other address, forged, altered or not.
std::optional<VerpAttribution> read_return_path(const VerpKey& key, std::string_view address);

}  // namespace communique
