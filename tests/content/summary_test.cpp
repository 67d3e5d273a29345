#include "content/summary.hpp"

#include <gtest/gtest.h>

#include "content/html_text.hpp"

namespace communique {
namespace {

std::vector<IssueSection> markdown(std::string body, std::string title = "") {
  return {IssueSection{std::move(title), BodyFormat::markdown, std::move(body)}};
}

TEST(Summary, IsTheProseWithoutHeadingsOrTheirUnderlines) {
  const auto sections = markdown(
      "## News\n\nTelephone conversation between the **President** and the Prime Minister.\n\n"
      "---\n\n```\ncode here\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
      "News");
  EXPECT_EQ(summarise(sections, 200),
            "Telephone conversation between the President and the Prime Minister.");
}

TEST(Summary, LeavesOutLinkTargetsImagesAndBulletsButKeepsTheirWords) {
  const auto sections = markdown(
      "Read [the statement](https://example.org/s) &amp; more ![a map](m.png).\n\n"
      "- first point\n- second point\n\n> A quoted &#1046; word\n");
  EXPECT_EQ(summarise(sections, 200),
            "Read the statement & more . first point second point A quoted \xD0\x96 word");
}

TEST(Summary, CutsAtAWordBoundaryCountingCharactersNotBytes) {
  // Twelve Cyrillic letters are 24 bytes but 12 characters.
  const auto sections = markdown("Посольство России в США сообщает\n");
  EXPECT_EQ(summarise(sections, 100), "Посольство России в США сообщает");
  EXPECT_EQ(summarise(sections, 20), "Посольство России в\xE2\x80\xA6");
  EXPECT_EQ(summarise(markdown("Unbreakablewordwithoutspaces"), 5), "Unbre\xE2\x80\xA6");
}

TEST(Summary, ReadsHtmlBodiesLikewise) {
  const std::vector<IssueSection> sections{
      {"", BodyFormat::html,
       "<h2>Statements</h2><p>On the <b>anniv</b>ersary&nbsp;of the treaty.</p>"
       "<table><tr><td>cell</td></tr></table><ul><li>one</li><li>two</li></ul>"}};
  EXPECT_EQ(summarise(sections, 200), "On the anniversary\xC2\xA0of the treaty. cell one two");
  // A letter laid out in a table, as HTML letters are: its cells are prose.
  const std::vector<IssueSection> layout{
      {"", BodyFormat::html,
       "<table width=\"100%\"><tr><td><h2>Weekly news</h2><p>Dear readers, the minister "
       "visited Oslo today.</p></td></tr></table>"}};
  EXPECT_EQ(summarise(layout, 200), "Dear readers, the minister visited Oslo today.");
}

TEST(Summary, FallsBackToHeadingsWhenThereIsNoProse) {
  EXPECT_EQ(summarise(markdown("# Only a heading\n", "Section"), 200), "Section Only a heading");
  EXPECT_EQ(summarise(markdown("| Region | Museums |\n|---|---|\n| North | 12 |\n"), 200),
            "Region Museums North 12");
  const std::vector<IssueSection> heading_only{{"", BodyFormat::html, "<h1>Only heading</h1>"}};
  EXPECT_EQ(summarise(heading_only, 200), "Only heading");
  EXPECT_EQ(summarise({}, 200), "");
}

TEST(HtmlEntities, DecodesNamedAndNumericReferencesAndKeepsUnknownOnes) {
  EXPECT_EQ(decode_html_entity("&amp;"), "&");
  EXPECT_EQ(decode_html_entity("&#39;"), "'");
  EXPECT_EQ(decode_html_entity("&#x416;"), "\xD0\x96");
  EXPECT_EQ(decode_html_entity("&#128512;"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(decode_html_entity("&#xD800;"), "&#xD800;");  // a lone surrogate names nothing
  EXPECT_EQ(decode_html_entity("&#0;"), "&#0;");
  // Control characters would reach letters' own slot markers and break XML: kept as written.
  for (const auto* kept : {"&#1;", "&#2;", "&#27;", "&#x7F;", "&#x85;", "&#xFFFE;", "&#xFDD0;",
                           "&#x10FFFF;", "&#x110000;"}) {
    EXPECT_EQ(decode_html_entity(kept), kept);
  }
  EXPECT_EQ(decode_html_entity("&#9;"), "\t");
  EXPECT_EQ(decode_html_entity("&bogus;"), "&bogus;");
}

}  // namespace
}  // namespace communique
