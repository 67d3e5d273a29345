#include "base/base64.hpp"

#include <gtest/gtest.h>

#include <array>

namespace communique {
namespace {

TEST(Base64, EncodesTheTestVectorsOfRfc4648) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\0news\0s3cret", 12)), "AG5ld3MAczNjcmV0");  // AUTH PLAIN
}

TEST(Base64, UrlSafeUsesDashAndUnderscoreWithoutPadding) {
  EXPECT_EQ(base64("\xfb\xff"), "+/8=");
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url("foob"), "Zm9vYg");
}

TEST(Base64, UrlSafeDecodesWhatItEncodes) {
  std::string bytes;
  for (int i = 0; i < 32; ++i) {
    bytes += static_cast<char>(i * 37 + 5);
  }
  const std::string text = base64url(bytes);
  ASSERT_EQ(text.size(), 43u);
  std::array<unsigned char, 32> out{};
  ASSERT_TRUE(decode_base64url(text, out));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data()), out.size()), bytes);
}

TEST(Base64, UrlSafeDecodingRefusesWrongLengthsAlphabetsAndNonCanonicalBits) {
  std::array<unsigned char, 2> out{};
  EXPECT_TRUE(decode_base64url("-_8", out));
  EXPECT_FALSE(decode_base64url("-_", out));    // too short
  EXPECT_FALSE(decode_base64url("-_8A", out));  // too long
  EXPECT_FALSE(decode_base64url("+/8", out));   // the standard alphabet
  EXPECT_FALSE(decode_base64url("-_9", out));   // a bit set past the last byte
}

}  // namespace
}  // namespace communique
