#include "security/link_token.hpp"

#include <gtest/gtest.h>

#include <thread>

#include <set>

namespace communique {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

LinkSigner signer(const std::string& secret = kSecret) {
  return *LinkSigner::create(secret);
}

TEST(LinkToken, RoundTripsItsClaims) {
  const TokenClaims claims{TokenPurpose::unsubscribe, 123456789, 42, 20'000};
  const auto token = signer().sign(claims);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  auto verified = signer().verify(token, TokenPurpose::unsubscribe);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->subscriber, 123456789);
  EXPECT_EQ(verified->issue, 42);
  EXPECT_EQ(verified->issued_day, 20'000u);
}

TEST(LinkToken, HidesSequentialIds) {
  // Neighbouring subscribers get unrelated tokens: no shared prefix gives ids away.
  const auto a = signer().sign({TokenPurpose::unsubscribe, 1000, 1, 1});
  const auto b = signer().sign({TokenPurpose::unsubscribe, 1001, 1, 1});
  std::size_t common = 0;
  while (common < a.size() && a[common] == b[common]) {
    ++common;
  }
  EXPECT_LT(common, 4u);
}

TEST(LinkToken, EveryTamperedCharacterIsRefused) {
  const auto token = signer().sign({TokenPurpose::preferences, 77, 0, 5});
  const std::string alphabet = "AbZ09-_";
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char replacement : alphabet) {
      if (replacement == token[i]) {
        continue;
      }
      std::string tampered = token;
      tampered[i] = replacement;
      auto result = signer().verify(tampered, TokenPurpose::preferences);
      ASSERT_FALSE(result) << "position " << i;
      EXPECT_EQ(result.error().code, ErrorCode::not_found);
    }
  }
}

TEST(LinkToken, RefusesOtherPurposesSecretsAndShapes) {
  const auto token = signer().sign({TokenPurpose::unsubscribe, 5, 6, 7});
  EXPECT_FALSE(signer().verify(token, TokenPurpose::privacy));
  EXPECT_FALSE(signer(std::string(64, 'x')).verify(token, TokenPurpose::unsubscribe));
  EXPECT_FALSE(signer().verify(token.substr(0, 42), TokenPurpose::unsubscribe));
  EXPECT_FALSE(signer().verify(token + "A", TokenPurpose::unsubscribe));
  EXPECT_FALSE(signer().verify("", TokenPurpose::unsubscribe));
  EXPECT_FALSE(signer().verify(std::string(43, '!'), TokenPurpose::unsubscribe));
  EXPECT_FALSE(LinkSigner::create("short"));
}

// Made outside this code (Python: AES-128-ECB of the block, then HMAC-SHA256 of the block
// alone), as tokens were made before subscribers had keys: letters already sent carry them.
constexpr std::string_view kTokenWithoutKey = "2oMaATyV6qPnaw3jJ5U07e1eRbexNNTIXJbhErzylhA";
// The same claims, the MAC over the block followed by the key 00 01 02 ... 0f.
constexpr std::string_view kTokenWithKey = "2oMaATyV6qPnaw3jJ5U07fIE8m9Oh6ZUIgPzvLNsFw4";

std::string sixteen_bytes() {
  std::string key;
  for (char byte = 0; byte < 16; ++byte) {
    key += byte;
  }
  return key;
}

TEST(LinkToken, TokensMadeBeforeSubscriberKeysStillVerifyWithAnEmptyKey) {
  const TokenClaims claims{TokenPurpose::preferences, 1234, 0, 20'000};
  EXPECT_EQ(signer().sign(claims), kTokenWithoutKey);
  EXPECT_EQ(signer().sign(claims, ""), kTokenWithoutKey);
  auto verified = signer().verify(kTokenWithoutKey, TokenPurpose::preferences, "");
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->subscriber, 1234);
  EXPECT_FALSE(signer().verify(kTokenWithoutKey, TokenPurpose::preferences, sixteen_bytes()));
}

TEST(LinkToken, ATokenBoundToASubscriberKeyVerifiesWithThatKeyOnly) {
  const TokenClaims claims{TokenPurpose::preferences, 1234, 0, 20'000};
  const std::string key = sixteen_bytes();
  EXPECT_EQ(signer().sign(claims, key), kTokenWithKey);
  auto opened = signer().open(kTokenWithKey);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->subscriber(), 1234);  // whose key to look up
  auto verified = signer().verify(*opened, TokenPurpose::preferences, key);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->subscriber, 1234);
  // The next person to hold the id has another key; no key at all is another key too.
  std::string other = key;
  other[15] = 'x';
  EXPECT_FALSE(signer().verify(*opened, TokenPurpose::preferences, other));
  EXPECT_FALSE(signer().verify(*opened, TokenPurpose::preferences, ""));
  EXPECT_FALSE(signer().verify(*opened, TokenPurpose::privacy, key));
  auto refused = signer().verify(kTokenWithKey, TokenPurpose::preferences, key.substr(0, 15));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::not_found);
  EXPECT_FALSE(signer().open(kTokenWithKey.substr(0, 42)));
}

TEST(LinkToken, GeneratedSecretsDiffer) {
  std::set<std::string> secrets;
  for (int i = 0; i < 20; ++i) {
    secrets.insert(generate_secret());
  }
  EXPECT_EQ(secrets.size(), 20u);
  EXPECT_EQ(secrets.begin()->size(), 64u);
}

}  // namespace
}  // namespace communique

namespace communique {
namespace {

TEST(LinkTokenContexts, ReusedContextsGiveTheSameTokensOnEveryThread) {
  auto signer = *LinkSigner::create(std::string(64, 'k'));
  auto other = *LinkSigner::create(std::string(64, 'o'));
  const TokenClaims claims{TokenPurpose::click, 42, 7, 20000};
  const auto first = signer.sign(claims);
  // Other keys on the same thread in between, then the first keys again.
  const auto foreign = other.sign(claims);
  EXPECT_NE(first, foreign);
  EXPECT_EQ(signer.sign(claims), first);
  EXPECT_FALSE(signer.verify(foreign, TokenPurpose::click));
  std::string on_another_thread;
  std::thread([&] { on_another_thread = signer.sign(claims); }).join();
  EXPECT_EQ(on_another_thread, first);
  for (std::int64_t subscriber = 1; subscriber < 50; ++subscriber) {
    const auto token = signer.sign({TokenPurpose::unsubscribe, subscriber, 3, 20000});
    auto verified = signer.verify(token, TokenPurpose::unsubscribe);
    ASSERT_TRUE(verified);
    EXPECT_EQ(verified->subscriber, subscriber);
  }
}

}  // namespace
}  // namespace communique
