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
  EXPECT_FALSE(collect_migrations(gap));
  const EmbeddedFile repeat[] = {{"0001_a.sql", "A"}, {"0001_b.sql", "B"}};
  EXPECT_FALSE(collect_migrations(repeat));
}

}  // namespace
}  // namespace communique
