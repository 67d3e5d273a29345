#include "security/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace communique {

HmacDigest hmac_sha256(std::string_view key, std::string_view data) {
  HmacDigest out{};
  unsigned int out_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &out_size);
  return out;
}

HmacDigest derive_key(std::string_view secret, std::string_view label) {
  return hmac_sha256(secret, label);
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace communique
