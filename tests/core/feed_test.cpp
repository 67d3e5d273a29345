// validate_feed_url: the feed addresses `feeds add` and the API accept.
#include "core/feed.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

TEST(FeedUrl, AUserNameOrPasswordIsRefusedWithoutRepeatingIt) {
  auto checked = validate_feed_url("https://alice:s3cret@example.org/feed.xml");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, ErrorCode::invalid_input);
  EXPECT_NE(
      checked.error().message.find("a feed address with a user name or password is not supported"),
      std::string::npos);
  EXPECT_EQ(checked.error().message.find("s3cret"), std::string::npos);
  EXPECT_EQ(checked.error().message.find("alice"), std::string::npos);
}

TEST(FeedUrl, AnAtSignAfterTheHostIsNotAUserName) {
  auto checked = validate_feed_url("https://example.org/feeds/@press.xml");
  ASSERT_TRUE(checked) << checked.error().message;
}

TEST(FeedUrl, TheSchemeIsReadInAnyCaseAndWrittenLowerCase) {
  auto checked = validate_feed_url("HTTPS://example.org/feed.xml");
  ASSERT_TRUE(checked) << checked.error().message;
  EXPECT_EQ(*checked, "https://example.org/feed.xml");
}

TEST(FeedUrl, AnIpv6HostWithoutItsClosingBracketIsRefused) {
  auto checked = validate_feed_url("http://[::1/feed.xml");
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("malformed host"), std::string::npos);
}

TEST(FeedUrl, ANonAsciiHostIsRefusedAskingForItsXnForm) {
  auto checked = validate_feed_url("https://bücher.example/feed.xml");
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("write the host in its xn-- form"), std::string::npos);
}

}  // namespace
}  // namespace communique
