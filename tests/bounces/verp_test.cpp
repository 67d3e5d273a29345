#include "bounces/verp.hpp"

#include <gtest/gtest.h>

#include <string>

namespace communique {
namespace {

const VerpKey kKey =
    VerpKey::from_secret("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

TEST(Verp, ReadsBackTheIssueAndSubscriberItWasMadeFor) {
  const auto path = make_return_path(kKey, "news.example.org", 42, 123456789);
  ASSERT_TRUE(path.starts_with("bounces+"));
  ASSERT_TRUE(path.ends_with("@news.example.org"));
  const auto read = read_return_path(kKey, path);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, (VerpAttribution{42, 123456789}));
  EXPECT_EQ(read_return_path(kKey, "<" + path + ">"), read);
}

TEST(Verp, TagIsLowerCaseLettersAndDigitsAndFitsSmtpLocalPartEvenForTheLargestIds) {
  for (const auto& [issue, subscriber] :
       {std::pair<std::int64_t, std::int64_t>{0, 0}, {1, 1}, {INT64_MAX, INT64_MAX}}) {
    const auto path = make_return_path(kKey, "example.org", issue, subscriber);
    const auto local = path.substr(0, path.find('@'));
    EXPECT_LE(local.size(), 64u) << path;
    const auto tag = local.substr(8);
    EXPECT_EQ(tag.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos);
    EXPECT_EQ(read_return_path(kKey, path), (VerpAttribution{issue, subscriber}));
  }
}

TEST(Verp, ReadsAnAddressAnMtaUpperCased) {
  std::string path = make_return_path(kKey, "example.org", 7, 99);
  for (auto& c : path) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(read_return_path(kKey, path), (VerpAttribution{7, 99}));
}

TEST(Verp, EveryChangedCharacterOfTheTagReadsAsNothing) {
  const auto path = make_return_path(kKey, "example.org", 1234, 56789);
  const auto tag_end = path.find('@');
  for (std::size_t i = 8; i < tag_end; ++i) {
    for (const char replacement : std::string("abcdefghijklmnopqrstuvwxyz234567")) {
      if (replacement == path[i]) {
        continue;
      }
      std::string altered = path;
      altered[i] = replacement;
      EXPECT_FALSE(read_return_path(kKey, altered)) << altered;
    }
  }
}

TEST(Verp, TruncatedOrLengthenedTagsReadAsNothing) {
  const auto path = make_return_path(kKey, "example.org", 1234, 56789);
  const auto at = path.find('@');
  for (std::size_t cut = 8; cut < at; ++cut) {
    EXPECT_FALSE(read_return_path(kKey, path.substr(0, cut) + path.substr(at))) << cut;
  }
  EXPECT_FALSE(read_return_path(kKey, path.substr(0, at) + "a" + path.substr(at)));
}

TEST(Verp, AnotherKeyAnotherDomainOrAnotherAddressReadsAsNothing) {
  const auto path = make_return_path(kKey, "example.org", 5, 6);
  const auto other = VerpKey::from_secret("another secret, another installation, 32+ chars");
  EXPECT_FALSE(read_return_path(other, path));
  EXPECT_FALSE(read_return_path(kKey, path.substr(0, path.find('@')) + "@example.net"));
  EXPECT_FALSE(read_return_path(kKey, "bounces@example.org"));
  EXPECT_FALSE(read_return_path(kKey, "someone@example.org"));
  EXPECT_FALSE(read_return_path(kKey, "bounces+@example.org"));
  EXPECT_FALSE(read_return_path(kKey, "bounces+0123456789"));
  EXPECT_FALSE(read_return_path(kKey, ""));
}

}  // namespace
}  // namespace communique
