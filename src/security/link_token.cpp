#include "security/link_token.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <cstring>

#include "base/base64.hpp"
#include "security/hmac.hpp"

namespace communique {

// The keys, and the OpenSSL objects that use them made once: OpenSSL 3 looks algorithms
// up by name on every implicit use, which would cost more than the token itself.
struct LinkSigner::Keys {
  std::uint64_t id = 0;  // tells apart the keys a thread's contexts were made for
  std::array<unsigned char, 16> cipher_key{};
  std::array<unsigned char, 32> mac_key{};
  EVP_CIPHER* cipher = nullptr;
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* keyed_mac = nullptr;  // HMAC-SHA256 with mac_key; copied once per thread

  Keys() = default;
  Keys(const Keys&) = delete;
  Keys& operator=(const Keys&) = delete;
  ~Keys() {
    EVP_MAC_CTX_free(keyed_mac);
    EVP_MAC_free(mac);
    EVP_CIPHER_free(cipher);
  }
};

namespace {

// Each thread's OpenSSL contexts, keyed once: contexts must not be shared between threads,
// and keying them (AES key expansion, HMAC pads, allocation) costs more than using them,
// which a click redirect or a letter does for every token.
struct ThreadContexts {
  std::uint64_t keys = 0;
  EVP_CIPHER_CTX* encrypt = nullptr;
  EVP_CIPHER_CTX* decrypt = nullptr;
  EVP_MAC_CTX* mac = nullptr;

  ThreadContexts() = default;
  ThreadContexts(const ThreadContexts&) = delete;
  ThreadContexts& operator=(const ThreadContexts&) = delete;
  ~ThreadContexts() { release(); }

  void release() {
    EVP_CIPHER_CTX_free(encrypt);
    EVP_CIPHER_CTX_free(decrypt);
    EVP_MAC_CTX_free(mac);
    encrypt = decrypt = nullptr;
    mac = nullptr;
    keys = 0;
  }
};

// This thread's contexts for the keys numbered `id`, made on first use; null when OpenSSL
// fails.
ThreadContexts* contexts_for(std::uint64_t id, const EVP_CIPHER* cipher,
                             const unsigned char* cipher_key, const EVP_MAC_CTX* keyed_mac) {
  thread_local ThreadContexts contexts;
  if (contexts.keys == id) {
    return &contexts;
  }
  contexts.release();
  contexts.encrypt = EVP_CIPHER_CTX_new();
  contexts.decrypt = EVP_CIPHER_CTX_new();
  contexts.mac = EVP_MAC_CTX_dup(keyed_mac);
  for (auto [context, encrypt] : {std::pair{contexts.encrypt, 1}, std::pair{contexts.decrypt, 0}}) {
    if (context == nullptr ||
        EVP_CipherInit_ex2(context, cipher, cipher_key, nullptr, encrypt, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(context, 0) != 1) {
      contexts.release();
      return nullptr;
    }
  }
  if (contexts.mac == nullptr) {
    contexts.release();
    return nullptr;
  }
  contexts.keys = id;
  return &contexts;
}

// HMAC-SHA256 of the block followed by `subscriber_key` with the keys' MAC key
// (re-initialised, keeping its key). The block has a fixed size, so what follows it can
// only be the key; an empty key gives the MAC of the block alone.
bool authenticate(ThreadContexts& contexts, const std::array<unsigned char, 16>& block,
                  std::string_view subscriber_key, std::array<unsigned char, 32>& out) {
  std::size_t written = 0;
  return EVP_MAC_init(contexts.mac, nullptr, 0, nullptr) == 1 &&
         EVP_MAC_update(contexts.mac, block.data(), block.size()) == 1 &&
         (subscriber_key.empty() ||
          EVP_MAC_update(contexts.mac,
                         reinterpret_cast<const unsigned char*>(subscriber_key.data()),
                         subscriber_key.size()) == 1) &&
         EVP_MAC_final(contexts.mac, out.data(), &written, out.size()) == 1 && written == 32;
}

}  // namespace

namespace {

using Block = std::array<unsigned char, 16>;

// One AES-128-ECB block: stateless, so a keyed context serves every block.
bool aes_block(EVP_CIPHER_CTX* context, const Block& in, Block& out) {
  int written = 0;
  return EVP_CipherUpdate(context, out.data(), &written, in.data(), 16) == 1 && written == 16;
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
  static std::atomic<std::uint64_t> next_id{1};
  auto keys = std::make_shared<Keys>();
  keys->id = next_id++;
  const auto cipher = derive_key(secret, "cipher");
  std::memcpy(keys->cipher_key.data(), cipher.data(), keys->cipher_key.size());
  keys->mac_key = derive_key(secret, "mac");
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

std::string LinkSigner::sign(const TokenClaims& claims, std::string_view subscriber_key) const {
  Block plain{};
  plain[0] = static_cast<unsigned char>(claims.purpose);
  put(plain, 1, static_cast<std::uint64_t>(claims.subscriber), 6);
  put(plain, 7, static_cast<std::uint64_t>(claims.issue), 5);
  put(plain, 12, claims.issued_day, 4);
  std::array<unsigned char, 32> token{};
  Block sealed{};
  std::array<unsigned char, 32> mac{};
  auto* contexts =
      contexts_for(keys_->id, keys_->cipher, keys_->cipher_key.data(), keys_->keyed_mac);
  if (contexts == nullptr || !aes_block(contexts->encrypt, plain, sealed) ||
      !authenticate(*contexts, plain, subscriber_key, mac)) {
    // OpenSSL failing on a keyed context is out of memory; a token that opens nothing.
    return std::string(43, 'A');
  }
  std::memcpy(token.data(), sealed.data(), 16);
  std::memcpy(token.data() + 16, mac.data(), 16);
  return base64url(std::string_view(reinterpret_cast<const char*>(token.data()), token.size()));
}

std::int64_t UnverifiedToken::subscriber() const {
  return static_cast<std::int64_t>(get(plain_, 1, 6));
}

Result<UnverifiedToken> LinkSigner::open(std::string_view token) const {
  const auto invalid = make_error(ErrorCode::not_found, "invalid or expired link");
  std::array<unsigned char, 32> raw{};
  if (!decode_base64url(token, raw)) {
    return invalid;
  }
  Block sealed{};
  std::memcpy(sealed.data(), raw.data(), 16);
  UnverifiedToken opened;
  std::memcpy(opened.mac_.data(), raw.data() + 16, 16);
  auto* contexts =
      contexts_for(keys_->id, keys_->cipher, keys_->cipher_key.data(), keys_->keyed_mac);
  if (contexts == nullptr || !aes_block(contexts->decrypt, sealed, opened.plain_)) {
    return invalid;
  }
  return opened;
}

Result<TokenClaims> LinkSigner::verify(const UnverifiedToken& token, TokenPurpose purpose,
                                       std::string_view subscriber_key) const {
  const auto invalid = make_error(ErrorCode::not_found, "invalid or expired link");
  std::array<unsigned char, 32> mac{};
  auto* contexts =
      contexts_for(keys_->id, keys_->cipher, keys_->cipher_key.data(), keys_->keyed_mac);
  if (contexts == nullptr || !authenticate(*contexts, token.plain_, subscriber_key, mac)) {
    return invalid;
  }
  if (CRYPTO_memcmp(mac.data(), token.mac_.data(), 16) != 0) {
    return invalid;
  }
  const Block& plain = token.plain_;
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

Result<TokenClaims> LinkSigner::verify(std::string_view token, TokenPurpose purpose,
                                       std::string_view subscriber_key) const {
  auto opened = open(token);
  if (!opened) {
    return std::move(opened).error();
  }
  return verify(*opened, purpose, subscriber_key);
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
