#include "base/result.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace communique {
namespace {

Result<int> half(int value) {
  if (value % 2 != 0) {
    return make_error(ErrorCode::invalid_input, "odd");
  }
  return value / 2;
}

TEST(Result, CarriesValueOrError) {
  auto good = half(8);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 4);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(bad.error().message, "odd");
}

TEST(Result, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> owned(std::make_unique<int>(7));
  ASSERT_TRUE(owned);
  auto taken = std::move(owned).value();
  EXPECT_EQ(*taken, 7);
}

TEST(Result, VoidResult) {
  Result<void> fine = ok();
  EXPECT_TRUE(fine);
  Result<void> failed = make_error(ErrorCode::conflict, "taken");
  EXPECT_FALSE(failed);
  EXPECT_STREQ(to_string(failed.error().code), "conflict");
}

}  // namespace
}  // namespace communique
