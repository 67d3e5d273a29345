#include "store/migration.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

TEST(Migrations, OrdersByNumberAndIgnoresOtherFiles) {
  const EmbeddedFile files[] = {
      {"0002_topics.sql", "B"}, {"queries.sql", "Q"}, {"0001_initial.sql", "A"}};
  auto migrations = collect_migrations(files);
  ASSERT_TRUE(migrations);
  ASSERT_EQ(migrations->size(), 2u);
  EXPECT_EQ((*migrations)[0].version, 1);
  EXPECT_EQ((*migrations)[0].sql, "A");
  EXPECT_EQ((*migrations)[1].name, "0002_topics.sql");
}

TEST(Migrations, RefusesGapsAndRepeats) {
  const EmbeddedFile gap[] = {{"0001_a.sql", "A"}, {"0003_c.sql", "C"}};
  auto with_gap = collect_migrations(gap);
  ASSERT_FALSE(with_gap);
  EXPECT_EQ(with_gap.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(with_gap.error().message,
            "migration numbers must run 1, 2, 3... without gaps or repeats; found 0003_c.sql");
  const EmbeddedFile repeat[] = {{"0001_a.sql", "A"}, {"0001_b.sql", "B"}};
  auto repeated = collect_migrations(repeat);
  ASSERT_FALSE(repeated);
  EXPECT_EQ(repeated.error().message,
            "migration numbers must run 1, 2, 3... without gaps or repeats; found 0001_b.sql");
}

}  // namespace
}  // namespace communique
