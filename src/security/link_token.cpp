#include "security/link_token.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>

namespace communique {

// The keys, and the OpenSSL objects that use them made once: OpenSSL 3 looks algorithms
// up by name on every implicit use, which would cost more than the token itself.
struct LinkSigner::Keys {
  std::array<unsigned char, 16> cipher_key{};
  std::array<unsigned char, 32> mac_key{};
  EVP_CIPHER* cipher = nullptr;
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* keyed_mac = nullptr;  // HMAC-SHA256 with mac_key; duplicated per use

  Keys() = default;
  Keys(const Keys&) = delete;
  Keys& operator=(const Keys&) = delete;
  ~Keys() {
    EVP_MAC_CTX_free(keyed_mac);
    EVP_MAC_free(mac);
    EVP_CIPHER_free(cipher);
  }

  std::array<unsigned char, 32> authenticate(const unsigned char* data, std::size_t size) const {
    std::array<unsigned char, 32> out{};
    EVP_MAC_CTX* context = EVP_MAC_CTX_dup(keyed_mac);
    std::size_t written = 0;
    EVP_MAC_update(context, data, size);
    EVP_MAC_final(context, out.data(), &written, out.size());
    EVP_MAC_CTX_free(context);
    return out;
  }
};

namespace {

using Block = std::array<unsigned char, 16>;
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::array<unsigned char, 32> hmac(const unsigned char* key, std::size_t key_size,
                                   const unsigned char* data, std::size_t size) {
  std::array<unsigned char, 32> out{};
  unsigned int out_size = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_size), data, size, out.data(), &out_size);
  return out;
}

bool aes_block(const EVP_CIPHER* cipher, const std::array<unsigned char, 16>& key, const Block& in,
               Block& out, bool encrypt) {
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  int written = 0;
  const bool ok = EVP_CipherInit_ex2(context, cipher, key.data(), nullptr, encrypt, nullptr) == 1 &&
                  EVP_CIPHER_CTX_set_padding(context, 0) == 1 &&
                  EVP_CipherUpdate(context, out.data(), &written, in.data(), 16) == 1 &&
                  written == 16;
  EVP_CIPHER_CTX_free(context);
  return ok;
}

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) {
    out += kAlphabet[(buffer << (6 - bits)) & 63];
  }
  return out;
}

bool decode_base64url(std::string_view text, std::array<unsigned char, 32>& out) {
  if (text.size() != 43) {
    return false;
  }
  unsigned buffer = 0;
  int bits = 0;
  std::size_t written = 0;
  for (char c : text) {
    const auto index = kAlphabet.find(c);
    if (index == std::string_view::npos) {
      return false;
    }
    buffer = (buffer << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (written == out.size()) {
        return false;
      }
      out[written++] = static_cast<unsigned char>((buffer >> bits) & 0xFF);
    }
  }
  // 43 characters carry 258 bits: the last two must be zero in a canonical encoding.
  return written == out.size() && (buffer & ((1u << bits) - 1)) == 0;
}

void put(Block& block, std::size_t offset, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) {
    block[offset + bytes - 1 - i] = static_cast<unsigned char>(value >> (8 * i));
  }
}

std::uint64_t get(const Block& block, std::size_t offset, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    value = (value << 8) | block[offset + i];
  }
  return value;
}

}  // namespace

Result<LinkSigner> LinkSigner::create(std::string_view secret) {
  if (secret.size() < 32) {
    return make_error(ErrorCode::invalid_input, "the link secret is shorter than 32 characters");
  }
  auto keys = std::make_shared<Keys>();
  const auto* raw = reinterpret_cast<const unsigned char*>(secret.data());
  const auto cipher = hmac(raw, secret.size(), reinterpret_cast<const unsigned char*>("cipher"), 6);
  std::memcpy(keys->cipher_key.data(), cipher.data(), keys->cipher_key.size());
  keys->mac_key = hmac(raw, secret.size(), reinterpret_cast<const unsigned char*>("mac"), 3);
  keys->cipher = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
  keys->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  keys->keyed_mac = keys->mac ? EVP_MAC_CTX_new(keys->mac) : nullptr;
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0), OSSL_PARAM_END};
  if (keys->cipher == nullptr || keys->keyed_mac == nullptr ||
      EVP_MAC_init(keys->keyed_mac, keys->mac_key.data(), keys->mac_key.size(), params) != 1) {
    return make_error(ErrorCode::internal, "OpenSSL has no AES-128 or HMAC-SHA256");
  }
  return LinkSigner(std::move(keys));
}

std::string LinkSigner::sign(const TokenClaims& claims) const {
  Block plain{};
  plain[0] = static_cast<unsigned char>(claims.purpose);
  put(plain, 1, static_cast<std::uint64_t>(claims.subscriber), 6);
  put(plain, 7, static_cast<std::uint64_t>(claims.issue), 5);
  put(plain, 12, claims.issued_day, 4);
  std::array<unsigned char, 32> token{};
  Block sealed{};
  aes_block(keys_->cipher, keys_->cipher_key, plain, sealed, true);
  const auto mac = keys_->authenticate(plain.data(), plain.size());
  std::memcpy(token.data(), sealed.data(), 16);
  std::memcpy(token.data() + 16, mac.data(), 16);
  return base64url(token.data(), token.size());
}

Result<TokenClaims> LinkSigner::verify(std::string_view token, TokenPurpose purpose) const {
  const auto invalid = make_error(ErrorCode::not_found, "invalid or expired link");
  std::array<unsigned char, 32> raw{};
  if (!decode_base64url(token, raw)) {
    return invalid;
  }
  Block sealed{};
  Block plain{};
  std::memcpy(sealed.data(), raw.data(), 16);
  if (!aes_block(keys_->cipher, keys_->cipher_key, sealed, plain, false)) {
    return invalid;
  }
  const auto mac = keys_->authenticate(plain.data(), plain.size());
  if (CRYPTO_memcmp(mac.data(), raw.data() + 16, 16) != 0) {
    return invalid;
  }
  if (plain[0] != static_cast<unsigned char>(purpose)) {
    return invalid;
  }
  TokenClaims claims;
  claims.purpose = purpose;
  claims.subscriber = static_cast<std::int64_t>(get(plain, 1, 6));
  claims.issue = static_cast<std::int64_t>(get(plain, 7, 5));
  claims.issued_day = static_cast<std::uint32_t>(get(plain, 12, 4));
  return claims;
}

std::string generate_secret() {
  std::array<unsigned char, 32> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

}  // namespace communique
