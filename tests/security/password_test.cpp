#include "security/password.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

TEST(Password, HashesAreArgon2idSaltedAndVerifyOnlyTheirPassword) {
  auto first = hash_password("correct horse battery");
  auto second = hash_password("correct horse battery");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->rfind("$argon2id$", 0), 0u);
  EXPECT_NE(*first, *second);  // salted
  EXPECT_TRUE(verify_password(*first, "correct horse battery"));
  EXPECT_FALSE(verify_password(*first, "correct horse batterY"));
  EXPECT_FALSE(verify_password("not a hash", "correct horse battery"));
  EXPECT_FALSE(verify_password(*first, std::string(2000, 'x')));
}

TEST(Password, RulesRefuseShortAndHugePasswords) {
  EXPECT_FALSE(hash_password("short"));
  EXPECT_FALSE(hash_password(std::string(1025, 'x')));
  EXPECT_TRUE(check_password_rules(std::string(10, 'x')));
}

TEST(Password, BearerSecretsAreRandomAndStoredAsDigests) {
  const auto a = random_bearer_secret();
  const auto b = random_bearer_secret();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(bearer_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
  EXPECT_TRUE(constant_time_equal("same", "same"));
  EXPECT_FALSE(constant_time_equal("same", "sama"));
  EXPECT_FALSE(constant_time_equal("same", "same!"));
}

}  // namespace
}  // namespace communique
