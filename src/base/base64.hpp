// Base64 (RFC 4648): the standard alphabet with padding (MIME encoded-words, DKIM, SMTP
// AUTH) and the URL-safe alphabet without padding (tokens in links). The one encoder
// Communiqué has; it allocates its result only, and decoding never throws.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace communique {

// RFC 4648 section 4: "+/" and "=" padding to a multiple of four characters.
std::string base64(std::string_view bytes);

// RFC 4648 section 5 without padding: "-_", 43 characters for 32 bytes.
std::string base64url(std::string_view bytes);

// Fills `out` from unpadded base64url `text` holding exactly out.size() bytes in canonical
// form (unused trailing bits zero); false for any other text. Allocates nothing.
bool decode_base64url(std::string_view text, std::span<unsigned char> out);

}  // namespace communique
