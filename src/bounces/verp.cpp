#include "bounces/verp.hpp"

#include "base/text.hpp"

namespace communique {

namespace {

constexpr std::string_view kPrefix = "bounces+";
constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::size_t kMacBytes = 8;

void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Reads a varint at `at`, advancing it; nullopt when the bytes end first or it is too long.
std::optional<std::uint64_t> read_varint(std::string_view bytes, std::size_t& at) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 63 && at < bytes.size(); shift += 7) {
    const auto byte = static_cast<unsigned char>(bytes[at++]);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

std::string base32(std::string_view bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) {
    out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  }
  return out;
}

// The bytes of lower-case `text`; nullopt for a character outside the alphabet. Leftover
// bits are dropped here; the caller's re-encoding check refuses a tag where they were set.
std::optional<std::string> unbase32(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const auto value = kAlphabet.find(c);
    if (value == std::string_view::npos) {
      return std::nullopt;
    }
    buffer = ((buffer << 5) | static_cast<unsigned>(value)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

// The MAC of `payload` (the two varints) for `domain`: binding the domain means a tag
// moved to another domain's address does not verify.
std::string mac(const VerpKey& key, std::string_view domain, std::string_view payload) {
  std::string data = ascii_lower(domain);
  data.push_back('\0');
  data.append(payload);
  const auto digest = hmac_sha256(
      std::string_view(reinterpret_cast<const char*>(key.bytes().data()), key.bytes().size()),
      data);
  return std::string(reinterpret_cast<const char*>(digest.data()), kMacBytes);
}

std::string tag_for(const VerpKey& key, std::string_view domain, std::uint64_t issue,
                    std::uint64_t subscriber) {
  std::string payload;
  append_varint(payload, issue);
  append_varint(payload, subscriber);
  return base32(payload + mac(key, domain, payload));
}

}  // namespace

VerpKey VerpKey::from_secret(std::string_view secret) {
  return VerpKey(derive_key(secret, "verp"));
}

std::string make_return_path(const VerpKey& key, std::string_view domain, std::int64_t issue,
                             std::int64_t subscriber) {
  return std::string(kPrefix) +
         tag_for(key, domain, static_cast<std::uint64_t>(issue),
                 static_cast<std::uint64_t>(subscriber)) +
         "@" + ascii_lower(domain);
}

std::optional<VerpAttribution> read_return_path(const VerpKey& key, std::string_view address) {
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
    address = address.substr(1, address.size() - 2);
  }
  const std::string text = ascii_lower(address);
  const auto at = text.rfind('@');
  if (at == std::string::npos || at > 64 || text.compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  const std::string_view tag = std::string_view(text).substr(kPrefix.size(), at - kPrefix.size());
  const std::string_view domain = std::string_view(text).substr(at + 1);
  const auto bytes = unbase32(tag);
  if (!bytes || bytes->size() < kMacBytes + 2) {
    return std::nullopt;
  }
  const std::string_view payload = std::string_view(*bytes).substr(0, bytes->size() - kMacBytes);
  std::size_t cursor = 0;
  const auto issue = read_varint(payload, cursor);
  const auto subscriber = issue ? read_varint(payload, cursor) : std::nullopt;
  // read_varint stops at 63 bits, so both values fit an int64.
  if (!subscriber || cursor != payload.size()) {
    return std::nullopt;
  }
  // The one encoding of these values, with the MAC they should carry: comparing whole tags
  // refuses non-canonical varints and base32 with stray trailing bits as well as a bad MAC.
  if (!equal_in_constant_time(tag_for(key, domain, *issue, *subscriber), tag)) {
    return std::nullopt;
  }
  return VerpAttribution{static_cast<std::int64_t>(*issue), static_cast<std::int64_t>(*subscriber)};
}

}  // namespace communique
