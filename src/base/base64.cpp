#include "base/base64.hpp"

#include <array>
#include <cstdint>

namespace communique {

namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlSafe =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

enum class Padding { none, to_four };

std::string encode(std::string_view bytes, std::string_view alphabet, Padding padding) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i == bytes.size()) {
    return out;
  }
  const bool two = i + 1 < bytes.size();
  unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
  if (two) {
    n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
  }
  out += alphabet[(n >> 18) & 63];
  out += alphabet[(n >> 12) & 63];
  if (two) {
    out += alphabet[(n >> 6) & 63];
  }
  if (padding == Padding::to_four) {
    out.append(two ? 1 : 2, '=');
  }
  return out;
}

}  // namespace

std::string base64(std::string_view bytes) {
  return encode(bytes, kStandard, Padding::to_four);
}

std::string base64url(std::string_view bytes) {
  return encode(bytes, kUrlSafe, Padding::none);
}

bool decode_base64url(std::string_view text, std::span<unsigned char> out) {
  if (text.size() != (out.size() * 4 + 2) / 3) {
    return false;
  }
  // Each byte's value in the alphabet, or -1: a table, not a search per character.
  static constexpr auto kValues = [] {
    std::array<std::int8_t, 256> values{};
    values.fill(-1);
    for (std::size_t i = 0; i < kUrlSafe.size(); ++i) {
      values[static_cast<unsigned char>(kUrlSafe[i])] = static_cast<std::int8_t>(i);
    }
    return values;
  }();
  unsigned buffer = 0;
  int bits = 0;
  std::size_t written = 0;
  for (char c : text) {
    const auto value = kValues[static_cast<unsigned char>(c)];
    if (value < 0) {
      return false;
    }
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (written == out.size()) {
        return false;
      }
      out[written++] = static_cast<unsigned char>((buffer >> bits) & 0xFF);
    }
  }
  // The bits past the last byte must be zero in a canonical encoding.
  return written == out.size() && (buffer & ((1u << bits) - 1)) == 0;
}

}  // namespace communique
