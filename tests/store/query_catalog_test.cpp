#include "store/query_catalog.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

TEST(QueryCatalog, SplitsNamedBlocks) {
  auto catalog = QueryCatalog::parse(
      "-- file comment\n"
      "-- name: first\n"
      "-- why it is shaped so\n"
      "SELECT 1;\n"
      "\n"
      "-- name: second\n"
      "SELECT 2\n"
      "FROM t;\n");
  ASSERT_TRUE(catalog);
  EXPECT_EQ(catalog->size(), 2u);
  EXPECT_EQ(*catalog->get("first"), "-- why it is shaped so\nSELECT 1;\n\n");
  EXPECT_EQ(*catalog->get("second"), "SELECT 2\nFROM t;\n");
  auto missing = catalog->get("third");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "no query named 'third'");
}

TEST(QueryCatalog, RejectsDuplicatesAndEmptyBlocks) {
  auto duplicate = QueryCatalog::parse("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;\n");
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message, "query 'a' is defined twice");
  auto empty = QueryCatalog::parse("-- name: a\n-- only a comment\n\n-- name: b\nSELECT 1;\n");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "query 'a' is empty");
}

}  // namespace
}  // namespace communique
