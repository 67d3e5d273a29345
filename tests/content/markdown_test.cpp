#include "content/markdown.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace communique {
namespace {

std::string html(std::string_view markdown) { return *markdown_to_html(markdown); }
std::string text(std::string_view markdown) { return *markdown_to_text(markdown); }

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(MarkdownHtml, StylesEveryElementInline) {
  const auto out = html("# Title\n\nText with **bold** and *em*.\n\n> quoted\n\n1. one\n2. two\n");
  EXPECT_TRUE(contains(out, "<h1 style=\"")) << out;
  EXPECT_TRUE(contains(out, "<strong>bold</strong> and <em>em</em>"));
  EXPECT_TRUE(contains(out, "<blockquote style=\""));
  EXPECT_TRUE(contains(out, "<ol style=\""));
  EXPECT_TRUE(contains(out, "<li style=\"margin:0 0 6px 0;\">one</li>"));
  EXPECT_FALSE(contains(out, "<p>"));  // no unstyled paragraph
}

TEST(MarkdownHtml, OrderedListKeepsItsStart) {
  EXPECT_TRUE(contains(html("3. third\n4. fourth\n"), "<ol start=\"3\" style="));
}

TEST(MarkdownHtml, DialogueTurnsAreStyledAsSuch) {
  const auto out = html("**Question:** When?\n\n**Maria Zakharova:** Tomorrow.\n\n**Bold** but no colon.\n");
  EXPECT_TRUE(contains(out, "border-left:3px solid #c9d3dd;\"><strong style=\"color:#1d4e89;\">Question:</strong> When?</p>"))
      << out;
  EXPECT_TRUE(contains(out, "<strong style=\"color:#1d4e89;\">Maria Zakharova:</strong> Tomorrow."));
  EXPECT_TRUE(contains(out, "line-height:1.6;\"><strong>Bold</strong> but no colon.</p>"));
}

TEST(MarkdownHtml, RawHtmlIsShownNotRun) {
  const auto out = html("Hello <script>alert(1)</script>\n\n<div onclick=\"x\">block</div>\n");
  EXPECT_FALSE(contains(out, "<script>"));
  EXPECT_FALSE(contains(out, "<div"));
  EXPECT_TRUE(contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST(MarkdownHtml, OnlySafeUrlSchemesSurvive) {
  EXPECT_TRUE(contains(html("[x](javascript:alert(1))"), "href=\"#\""));
  EXPECT_TRUE(contains(html("[x](JavaScript:alert(1))"), "href=\"#\""));
  EXPECT_TRUE(contains(html("![x](data:image/png;base64,AAAA)"), "src=\"#\""));
  EXPECT_TRUE(contains(html("[x](https://example.org/a?b=1&c=2)"),
                       "href=\"https://example.org/a?b=1&amp;c=2\""));
  EXPECT_TRUE(contains(html("[x](mailto:press@example.org)"), "href=\"mailto:press@example.org\""));
  EXPECT_TRUE(contains(html("[x](/archive)"), "href=\"/archive\""));
}

TEST(MarkdownHtml, ImagesKeepAltTextAndAttributesAreEscaped) {
  const auto out = html("![A \"quoted\" <alt>](https://example.org/i.jpg \"T\")");
  EXPECT_TRUE(contains(out, "alt=\"A &quot;quoted&quot; &lt;alt&gt;\"")) << out;
  EXPECT_TRUE(contains(out, "title=\"T\""));
}

TEST(MarkdownHtml, GithubExtensions) {
  const auto out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ and https://example.org\n");
  EXPECT_TRUE(contains(out, "<table role=\"presentation\""));
  EXPECT_TRUE(contains(out, "<del>gone</del>"));
  EXPECT_TRUE(contains(out, "<a href=\"https://example.org\""));
}

TEST(MarkdownText, WrapsUnder78ColumnsAndNumbersLinks) {
  std::string long_paragraph;
  for (int i = 0; i < 40; ++i) {
    long_paragraph += "word" + std::to_string(i) + " ";
  }
  const auto out = text(long_paragraph + "\n\nSee [the FAQ](https://example.org/faq) and "
                        "[again](https://example.org/faq), or [more](https://example.org/more).\n");
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_LE(line.size(), 76u) << line;
  }
  EXPECT_TRUE(contains(out, "See the FAQ [1] and again [1], or more [2]."));
  EXPECT_TRUE(contains(out, "Links:\n[1] https://example.org/faq\n[2] https://example.org/more\n"));
}

TEST(MarkdownText, QuotesListsHeadingsAndAutolinks) {
  const auto out = text("## Agenda\n\n1. Opening\n2. Questions\n\n> A message\n> in two lines\n\n"
                        "Visit https://example.org today.\n");
  EXPECT_TRUE(contains(out, "Agenda\n------\n\n1. Opening\n2. Questions\n")) << out;
  EXPECT_TRUE(contains(out, "> A message in two lines\n"));
  EXPECT_TRUE(contains(out, "Visit https://example.org today."));
  EXPECT_FALSE(contains(out, "[1]"));  // an autolink shows its address already
}

TEST(MarkdownText, NestedListsIndent) {
  const auto out = text("- fruit\n  - apple\n  - pear\n- bread\n");
  EXPECT_EQ(out, "- fruit\n  - apple\n  - pear\n- bread\n");
}

}  // namespace
}  // namespace communique
