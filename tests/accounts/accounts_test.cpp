#include "accounts/accounts.hpp"

#include <gtest/gtest.h>

#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

TEST(SignInLimiter, LimitsPerAccountAndPerAddressWithinTheWindow) {
  SignInLimiter limiter({.per_account = 2, .per_address = 3, .window = std::chrono::minutes(10)});
  const auto now = fixed_time();
  limiter.record_failure("Alice", "192.0.2.1", now);
  limiter.record_failure("alice", "192.0.2.2", now);  // names are compared ignoring case
  std::chrono::seconds retry{0};
  EXPECT_FALSE(limiter.allows("ALICE", "192.0.2.9", now, &retry));
  EXPECT_EQ(retry, std::chrono::minutes(10));
  EXPECT_TRUE(limiter.allows("bob", "192.0.2.1", now));
  limiter.record_failure("bob", "192.0.2.1", now);
  limiter.record_failure("carol", "192.0.2.1", now);
  // 192.0.2.1 has failed three times, whatever the names.
  EXPECT_FALSE(limiter.allows("dave", "192.0.2.1", now));
  // Failures leave the window.
  EXPECT_TRUE(limiter.allows("alice", "192.0.2.9", now + std::chrono::minutes(10)));
  EXPECT_TRUE(limiter.allows("dave", "192.0.2.1", now + std::chrono::minutes(10)));
  // A success forgets the account's failures, not the address's.
  limiter.record_success("alice");
  EXPECT_TRUE(limiter.allows("alice", "192.0.2.9", now));
}

TEST(SignInLimiter, HoldsAtMostItsCapOfNamesAndAddresses) {
  SignInLimiter limiter(
      {.per_account = 5, .per_address = 20, .window = std::chrono::minutes(10), .max_tracked = 50});
  for (int i = 0; i < 500; ++i) {
    limiter.record_failure("user" + std::to_string(i), "192.0.2." + std::to_string(i % 200),
                           fixed_time(i));
  }
  EXPECT_LE(limiter.size(), 100u);
  // Whatever was pushed out, the latest failures are still counted.
  for (int i = 0; i < 4; ++i) {
    limiter.record_failure("user499", "198.51.100.1", fixed_time(500));
  }
  EXPECT_FALSE(limiter.allows("user499", "198.51.100.2", fixed_time(500)));
}

TEST(SignInLimiter, ForgetsWindowsThatHaveExpired) {
  SignInLimiter limiter({.window = std::chrono::minutes(1)});
  for (int i = 0; i < 3000; ++i) {
    limiter.record_failure("user" + std::to_string(i), "192.0.2.1", fixed_time());
  }
  const auto held = limiter.size();
  for (int i = 0; i < 3000; ++i) {
    limiter.record_failure("later" + std::to_string(i), "192.0.2.2", fixed_time(3600));
  }
  EXPECT_LT(limiter.size(), held + 1500);
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(*open_store(StoreSettings{}, dir_.path())); }
  communique::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AccountsTest, NamesAndPasswordsAreCheckedBeforeAnythingIsStored) {
  Accounts accounts(*store_);
  EXPECT_EQ(
      accounts.add_user("bad name", Role::admin, "long enough password", fixed_time()).error().code,
      ErrorCode::invalid_input);
  EXPECT_EQ(accounts.add_user("alice", Role::admin, "short", fixed_time()).error().code,
            ErrorCode::invalid_input);
  EXPECT_TRUE(store_->users()->empty());
  ASSERT_TRUE(accounts.add_user("alice", Role::admin, "long enough password", fixed_time()));
  EXPECT_EQ(
      accounts.add_user("ALICE", Role::viewer, "long enough password", fixed_time()).error().code,
      ErrorCode::conflict);
}

TEST_F(AccountsTest, MalformedNamesAreRefusedWithoutBeingCounted) {
  Accounts accounts(*store_);
  ASSERT_TRUE(accounts.add_user("alice", Role::admin, "long enough password", fixed_time()));
  const std::string huge(100 * 1024, 'x');
  for (int i = 0; i < 1000; ++i) {
    auto refused = accounts.sign_in(huge + std::to_string(i), "guess", "192.0.2.1", fixed_time());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  }
  EXPECT_EQ(accounts.limiter().size(), 0u);
  // Nor do they lock the address out.
  EXPECT_TRUE(accounts.sign_in("alice", "long enough password", "192.0.2.1", fixed_time()));
}

TEST_F(AccountsTest, SessionsExpireAndEndWithAPasswordChange) {
  Accounts accounts(*store_, AccountSettings{.session_lifetime = std::chrono::hours(1)});
  auto alice = *accounts.add_user("alice", Role::editor, "long enough password", fixed_time());
  auto session = accounts.sign_in("alice", "long enough password", "192.0.2.1", fixed_time());
  ASSERT_TRUE(session);
  EXPECT_EQ(session->secret.size(), 43u);
  auto principal = accounts.from_session(session->secret, fixed_time(60));
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user.name, "alice");
  EXPECT_EQ(principal->csrf_token, session->csrf_token);
  EXPECT_FALSE(accounts.from_session(session->secret, fixed_time(3600)));
  auto second = accounts.sign_in("alice", "long enough password", "192.0.2.1", fixed_time());
  ASSERT_TRUE(accounts.change_password(alice.id, "a different password", ExistingTokens::revoke,
                                       fixed_time(10)));
  EXPECT_EQ(accounts.from_session(second->secret, fixed_time(20)).error().code,
            ErrorCode::unauthenticated);
  EXPECT_FALSE(accounts.sign_in("alice", "long enough password", "192.0.2.1", fixed_time(30)));
  EXPECT_TRUE(accounts.sign_in("alice", "a different password", "192.0.2.1", fixed_time(30)));
}

TEST_F(AccountsTest, ApiTokensActAsTheirUserUntilDeleted) {
  Accounts accounts(*store_);
  auto alice = *accounts.add_user("alice", Role::viewer, "long enough password", fixed_time());
  auto token = accounts.create_api_token(alice.id, "cron", fixed_time());
  ASSERT_TRUE(token);
  auto principal = accounts.from_api_token(token->secret, fixed_time());
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->via, Principal::Via::api_token);
  EXPECT_EQ(principal->user.role, Role::viewer);
  EXPECT_FALSE(accounts.create_api_token(alice.id, "", fixed_time()));
  ASSERT_TRUE(store_->delete_api_token(alice.id, token->token.id));
  EXPECT_EQ(accounts.from_api_token(token->secret, fixed_time()).error().code,
            ErrorCode::unauthenticated);
}

TEST_F(AccountsTest, APasswordChangeRevokesTheUsersTokensUnlessTheyAreKept) {
  Accounts accounts(*store_);
  auto alice = *accounts.add_user("alice", Role::editor, "long enough password", fixed_time());
  auto bob = *accounts.add_user("bob", Role::editor, "bob's long password", fixed_time());
  auto first = *accounts.create_api_token(alice.id, "cron", fixed_time());
  auto second = *accounts.create_api_token(alice.id, "ci", fixed_time());
  auto others = *accounts.create_api_token(bob.id, "cron", fixed_time());
  auto kept =
      accounts.change_password(alice.id, "a second password", ExistingTokens::keep, fixed_time(10));
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 0);
  EXPECT_TRUE(accounts.from_api_token(first.secret, fixed_time(20)));
  auto revoked = accounts.change_password(alice.id, "a third password", ExistingTokens::revoke,
                                          fixed_time(30));
  ASSERT_TRUE(revoked);
  EXPECT_EQ(*revoked, 2);
  EXPECT_FALSE(accounts.from_api_token(first.secret, fixed_time(40)));
  EXPECT_FALSE(accounts.from_api_token(second.secret, fixed_time(40)));
  EXPECT_TRUE(accounts.from_api_token(others.secret, fixed_time(40)));
  EXPECT_EQ(
      accounts.change_password(9999, "a third password", ExistingTokens::revoke, fixed_time(50))
          .error()
          .code,
      ErrorCode::not_found);
}

TEST_F(AccountsTest, APasswordGivenAgainIsCheckedAndLimitedLikeASignIn) {
  Accounts accounts(*store_, AccountSettings{.limits = {.per_account = 2}});
  auto alice = *accounts.add_user("alice", Role::editor, "long enough password", fixed_time());
  EXPECT_TRUE(accounts.confirm_password(alice, "long enough password", "192.0.2.1", fixed_time()));
  auto wrong = accounts.confirm_password(alice, "a guess", "192.0.2.1", fixed_time());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::forbidden);
  EXPECT_FALSE(accounts.confirm_password(alice, "a guess", "192.0.2.1", fixed_time()));
  EXPECT_EQ(accounts.confirm_password(alice, "long enough password", "192.0.2.1", fixed_time())
                .error()
                .code,
            ErrorCode::rate_limited);
  EXPECT_EQ(
      accounts.sign_in("alice", "long enough password", "192.0.2.9", fixed_time()).error().code,
      ErrorCode::rate_limited);
}

}  // namespace
}  // namespace communique
