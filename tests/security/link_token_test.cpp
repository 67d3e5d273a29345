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
