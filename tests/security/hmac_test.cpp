#include "security/hmac.hpp"

#include <gtest/gtest.h>

#include <string>

namespace communique {
namespace {

std::string hex(const HmacDigest& digest) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const unsigned char byte : digest) {
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}

TEST(Hmac, MatchesRfc4231TestCaseTwo) {
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hmac, EachLabelDerivesItsOwnKey) {
  EXPECT_EQ(derive_key("secret", "verp"), hmac_sha256("secret", "verp"));
  EXPECT_NE(derive_key("secret", "verp"), derive_key("secret", "mac"));
}

TEST(Hmac, ComparesWholeStringsOnly) {
  EXPECT_TRUE(equal_in_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_in_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_in_constant_time("abc", "ab"));
  EXPECT_TRUE(equal_in_constant_time("", ""));
}

}  // namespace
}  // namespace communique
