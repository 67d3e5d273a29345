#include "content/html_sanitizer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace communique {
namespace {

struct Case {
  std::string_view input;
  std::string_view expected;
};

void expect_sanitised(std::initializer_list<Case> cases) {
  for (const auto& [input, expected] : cases) {
    const std::string out = sanitise_html(input);
    EXPECT_EQ(out, expected) << "input: " << input;
    EXPECT_EQ(sanitise_html(out), out) << "sanitising twice changed: " << input;
  }
}

TEST(HtmlSanitizer, KeepsTheMarkupOfAWrittenBody) {
  expect_sanitised({
      {"Hello <b>world</b>, then <em>more</em>.", "Hello <b>world</b>, then <em>more</em>."},
      {"<h2>Title</h2><p>One<br>two</p><hr>", "<h2>Title</h2><p>One<br>two</p><hr>"},
      {"<ol start=\"3\"><li>x</ol>", "<ol start=\"3\"><li>x</li></ol>"},
      {"<blockquote><p>q</p></blockquote><pre><code>a &lt; b</code></pre>",
       "<blockquote><p>q</p></blockquote><pre><code>a &lt; b</code></pre>"},
      {"<table><thead><tr><th colspan=2>h</th></tr></thead><tbody><tr><td rowspan=\"x\">c</td>"
       "</tr></tbody></table>",
       "<table><thead><tr><th colspan=\"2\">h</th></tr></thead><tbody><tr><td>c</td></tr>"
       "</tbody></table>"},
      {"<figure><img src=\"https://example.org/a.png\" alt=\"A &amp; B\" width=\"640\" "
       "height=\"50%\"><figcaption>Cap</figcaption></figure>",
       "<figure><img src=\"https://example.org/a.png\" alt=\"A &amp; B\" width=\"640\">"
       "<figcaption>Cap</figcaption></figure>"},
      {"<a href=\"https://example.org/?a=1&amp;b=2\" title=\"T\">ok</a> <a href=\"/archive\">r</a> "
       "<a href=\"mailto:a@example.org\">m</a> <a href=\"#top\">h</a>",
       "<a href=\"https://example.org/?a=1&amp;b=2\" title=\"T\">ok</a> <a href=\"/archive\">r</a> "
       "<a href=\"mailto:a@example.org\">m</a> <a href=\"#top\">h</a>"},
      {"<p>Ünïcödé — &copy; &nbsp;x</p>", "<p>Ünïcödé — © \xC2\xA0x</p>"},
      {"<A HREF=\"https://example.org/\">upper</A>", "<a href=\"https://example.org/\">upper</a>"},
  });
}

TEST(HtmlSanitizer, RemovesScriptsWithTheirContent) {
  expect_sanitised({
      {"<script>alert(1)</script>after", "after"},
      {"<SCRIPT type=\"text/javascript\">alert(1)</SCRIPT>after", "after"},
      {"<svg><script>alert(1)</script><circle/></svg>after", "after"},
      {"<svg onload=alert(1)>x", ""},
      {"<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"},
      {"<style>p{background:url(x)}</style><p>s</p>", "<p>s</p>"},
      {"<template><script>x</script>t</template>z", "z"},
      {"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", ""},
      {"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""},
  });
}

TEST(HtmlSanitizer, RemovesEventHandlersStylesAndUnknownAttributes) {
  expect_sanitised({
      {"<p onclick=\"x()\" style=\"color:red\" class=\"c\" id=\"i\">s</p>", "<p>s</p>"},
      {"<img src=\"https://example.org/a.png\" onerror=\"alert(1)\" OnLoad=x alt=\"A\">",
       "<img src=\"https://example.org/a.png\" alt=\"A\">"},
      {"<a href=\"http://example.org\" target=_blank rel=opener ping=\"https://t\">t</a>",
       "<a href=\"http://example.org\">t</a>"},
      {"<p title='a\"b<c'>t</p>", "<p title=\"a&quot;b&lt;c\">t</p>"},
  });
}

TEST(HtmlSanitizer, DropsLinksThatRunCodeHoweverTheyAreSpelt) {
  expect_sanitised({
      {"<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"},
      {"<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>"},
      {"<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<a>x</a>"},
      {"<a href=\"jav\tascript:alert(1)\">x</a>", "<a>x</a>"},
      {"<a href=\" &#x0A;javascript:alert(1)\">x</a>", "<a>x</a>"},
      {"<a href=\"&#106;&#x61;vascript&#58;alert(1)\">x</a>", "<a>x</a>"},
      {"<a href=\"vbscript:msgbox(1)\">x</a>", "<a>x</a>"},
      {"<a href=\"java&#0;script:alert(1)\">x</a>", "<a href=\"java\">x</a>"},
      {"<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>", "<a>x</a>"},
      {"<a href=\"DATA:text/html,<script>alert(1)</script>\">x</a>", "<a>x</a>"},
      // An entity the parser does not know stays text, and its '&' is escaped: a browser
      // reads the relative path "javascript&colon;alert(1)", not a scheme.
      {"<a href=\"javascript&colon;alert(1)\">x</a>",
       "<a href=\"javascript&amp;colon;alert(1)\">x</a>"},
      {"<a href=\"  https://example.org/  \">sp</a>", "<a href=\"https://example.org/\">sp</a>"},
  });
}

TEST(HtmlSanitizer, ShowsImagesFromTheWebOnly) {
  expect_sanitised({
      {"<img src=x onerror=alert(1)>", ""},
      {"<img src=\"data:image/png;base64,AAAA\">", ""},
      {"<img src=\"javascript:alert(1)\">", ""},
      {"<img src=\"/local.png\">", ""},
      {"<img alt=\"no source\">", ""},
      {"<img src=\"HTTPS://example.org/a.png\">", "<img src=\"HTTPS://example.org/a.png\">"},
  });
}

TEST(HtmlSanitizer, RemovesFormsFramesAndDocumentLevelElements) {
  expect_sanitised({
      {"<form action=\"https://evil.example\"><input name=x><button>Go</button></form>after",
       "after"},
      {"<input type=\"password\" name=\"p\">after", "after"},
      {"<base href=\"https://evil.example/\">x", "x"},
      {"<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">x", "x"},
      {"<link rel=\"stylesheet\" href=\"https://evil.example/a.css\">x", "x"},
      {"<iframe src=\"https://evil.example\">inside</iframe>after", "after"},
      {"<object data=\"x\"><param name=a>text</object>z", "z"},
      {"<embed src=\"x\"></embed>z", "z"},
      {"<embed src=\"x\">z", ""},  // libxml2 reads an unclosed embed as holding the rest
      {"<html><head><title>T</title><script>x</script></head><body><p>in body</p></body></html>",
       "<p>in body</p>"},
  });
}

TEST(HtmlSanitizer, BalancesBrokenMarkupAndDropsComments) {
  expect_sanitised({
      {"<div><p><b>unclosed <i>nested", "<div><p><b>unclosed <i>nested</i></b></p></div>"},
      {"</p></div>text</b>", "text"},
      {"<!-- <script>alert(1)</script> --><p>x</p>", "<p>x</p>"},
      {"<p>x</p><![CDATA[<script>alert(1)</script>]]>", "<p>x</p>&lt;![CDATA[]]&gt;"},
      {"<?php echo 1; ?>text", "text"},
      {"<!DOCTYPE html><p>x</p>", "<p>x</p>"},
      {"<custom-element>kept text</custom-element>", "kept text"},
      {"&lt;script&gt; &amp; \"q\" 'a'", "&lt;script&gt; &amp; &quot;q&quot; &#39;a&#39;"},
  });
}

TEST(HtmlSanitizer, BoundsTheDepthOfAMegabyteOfOpenTags) {
  for (std::string_view tag : {"<div>", "<b>", "<span>", "<blockquote>", "<foo>", "<p>", "<a>"}) {
    std::string input;
    while (input.size() < 1'000'000) {
      input += tag;
    }
    input += "x";
    const std::string out = sanitise_html(input);
    // Written elements nest no deeper than kMaxHtmlDepth, whatever came in.
    std::size_t depth = 0;
    std::size_t deepest = 0;
    for (std::size_t at = 0; (at = out.find('<', at)) != std::string::npos; ++at) {
      if (out.compare(at, 2, "</") == 0) {
        ASSERT_GT(depth, 0u) << tag;
        --depth;
      } else {
        deepest = std::max(deepest, ++depth);
      }
    }
    EXPECT_EQ(depth, 0u) << tag << ": every written element is closed";
    EXPECT_LE(deepest, kMaxHtmlDepth) << tag;
    EXPECT_EQ(out.find("<foo"), std::string::npos);
  }
}

TEST(HtmlSanitizer, KeepsTheDepthsABodyHasAndUnwrapsDeeperOnes) {
  std::string input;
  for (std::size_t i = 0; i < kMaxHtmlDepth + 5; ++i) {
    input += "<span>";
  }
  input += "deep";
  const std::string out = sanitise_html(input);
  std::string expected;
  for (std::size_t i = 0; i < kMaxHtmlDepth; ++i) {
    expected += "<span>";
  }
  expected += "deep";
  for (std::size_t i = 0; i < kMaxHtmlDepth; ++i) {
    expected += "</span>";
  }
  EXPECT_EQ(out, expected);
}

TEST(HtmlSanitizer, SanitisesOnlyHtmlSections) {
  std::vector<IssueSection> sections{{"", BodyFormat::markdown, "<script>shown as text</script>"},
                                     {"Raw", BodyFormat::html, "<p onclick=\"x()\">raw</p>"}};
  sanitise_html_sections(sections);
  EXPECT_EQ(sections[0].body, "<script>shown as text</script>");
  EXPECT_EQ(sections[1].body, "<p>raw</p>");
  EXPECT_EQ(sections[1].title, "Raw");
}

TEST(HtmlSanitizer, AnEmptyBodyStaysEmpty) {
  EXPECT_EQ(sanitise_html(""), "");
  EXPECT_EQ(sanitise_html("   "), "   ");
}

TEST(HtmlSanitizer, ResolvesLinksAndImagesBeforeCheckingThem) {
  const LinkResolver resolve = [](std::string_view link) {
    return link.starts_with("http") || link.starts_with("javascript")
               ? std::string(link)
               : "https://x.example/" + std::string(link);
  };
  EXPECT_EQ(
      sanitise_html(R"html(<a href="a/b">l</a><img src="i.png"><a href="javascript:x()">j</a>)html",
                    resolve),
      R"(<a href="https://x.example/a/b">l</a><img src="https://x.example/i.png"><a>j</a>)");
  // Without a resolver a relative image has no source it may show.
  EXPECT_EQ(sanitise_html(R"(<img src="i.png">)"), "");
}

}  // namespace
}  // namespace communique
