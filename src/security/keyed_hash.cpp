#include "security/keyed_hash.hpp"

#include <sodium.h>

namespace communique {

static_assert(crypto_shorthash_siphashx24_KEYBYTES == 16);

KeyedHash::KeyedHash() {
  // sodium_init() is idempotent and makes randombytes_buf safe to call from any thread;
  // randombytes_buf works (reading the system's generator) even if it could not.
  if (sodium_init() < 0) {
    // Nothing to undo: randombytes_buf below still reads the system's generator.
  }
  randombytes_buf(key_.data(), key_.size());
}

std::string KeyedHash::digest(std::string_view text) const {
  std::string out(crypto_shorthash_siphashx24_BYTES, '\0');
  crypto_shorthash_siphashx24(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                              key_.data());
  return out;
}

}  // namespace communique
