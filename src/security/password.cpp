#include "security/password.hpp"

#include <sodium.h>

#include <array>

#include "base/base64.hpp"

namespace communique {

namespace {

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Result<void> check_password_rules(std::string_view password) {
  if (password.size() < 10) {
    return make_error(ErrorCode::invalid_input, "a password needs at least 10 characters");
  }
  if (password.size() > 1024) {
    return make_error(ErrorCode::invalid_input, "a password may have at most 1024 bytes");
  }
  return {};
}

Result<std::string> hash_password(std::string_view password) {
  if (auto rules = check_password_rules(password); !rules) {
    return rules.error();
  }
  if (!sodium_ready()) {
    return make_error(ErrorCode::internal, "libsodium could not initialise");
  }
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::unavailable, "not enough memory to hash a password");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (!sodium_ready() || hash.size() >= crypto_pwhash_STRBYTES || password.size() > 1024) {
    return false;
  }
  std::array<char, crypto_pwhash_STRBYTES> stored{};
  hash.copy(stored.data(), hash.size());
  return crypto_pwhash_str_verify(stored.data(), password.data(), password.size()) == 0;
}

std::string random_bearer_secret() {
  (void)sodium_ready();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return base64url(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string bearer_digest(std::string_view secret) {
  (void)sodium_ready();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace communique
