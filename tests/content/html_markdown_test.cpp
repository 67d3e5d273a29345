#include "content/html_markdown.hpp"

#include <algorithm>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "base/text.hpp"

#include "content/html_sanitizer.hpp"
#include "content/html_text.hpp"
#include "content/markdown.hpp"

namespace communique {
namespace {

std::string rendered(std::string_view markdown) {
  auto html = markdown_to_html(markdown);
  EXPECT_TRUE(html) << html.error().message;
  return html ? *html : "";
}

// The text a reader sees in `html`, without any whitespace (block breaks are written
// differently by the sanitiser and by the Markdown renderer).
std::string visible_text(std::string_view html) {
  std::string text = html_to_text(html);
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
  return text;
}

TEST(HtmlToMarkdown, ParagraphsAndDivsAreBlocksSeparatedByBlankLines) {
  EXPECT_EQ(html_to_markdown("<p>One</p><p>Two</p><div>Three</div>Four"),
            "One\n\nTwo\n\nThree\n\nFour\n");
  EXPECT_EQ(html_to_markdown("<div>Before<p>inside</p>after</div>"), "Before\n\ninside\n\nafter\n");
  EXPECT_EQ(html_to_markdown(""), "");
  EXPECT_EQ(html_to_markdown("<p> </p><div></div>"), "");
}

TEST(HtmlToMarkdown, ABreakIsAHardBreakInsideAParagraphOnly) {
  EXPECT_EQ(html_to_markdown("<p>one<br>two<br><br>three</p>"), "one\\\ntwo\\\n\\\nthree\n");
  EXPECT_EQ(html_to_markdown("<p><br>one <br> </p>"), "one\n");
  EXPECT_NE(rendered(html_to_markdown("<p>one<br>two</p>")).find("one<br>\ntwo"),
            std::string::npos);
}

TEST(HtmlToMarkdown, HeadingsKeepTheirLevelOnOneLine) {
  EXPECT_EQ(html_to_markdown("<h1>Top</h1><h3>Third <em>level</em></h3><h6>a<br>b</h6>"),
            "# Top\n\n### Third *level*\n\n###### a b\n");
  EXPECT_EQ(html_to_markdown("<h2> </h2>"), "");
}

TEST(HtmlToMarkdown, EmphasisStrongAndStrikethroughKeepSpacesOutside) {
  EXPECT_EQ(
      html_to_markdown("<em>a</em> <i>b</i> <strong>c</strong> <b>d</b> <del>e</del> <s>f</s>"),
      "*a* *b* **c** **d** ~~e~~ ~~f~~\n");
  EXPECT_EQ(html_to_markdown("x<em> spaced </em>y"), "x *spaced* y\n");
  EXPECT_EQ(html_to_markdown("<em><em>twice</em></em> <b><strong>bold</strong></b>"),
            "*twice* **bold**\n");
  EXPECT_EQ(html_to_markdown("a<em> </em>b<strong></strong>"), "a b\n");
  // The same mark twice in a row is one; a mark Markdown cannot open is left out.
  EXPECT_EQ(html_to_markdown("<em>a</em><em>b</em> <b>c</b><b>d</b> <del>e</del><s>f</s>"),
            "*ab* **cd** ~~ef~~\n");
  EXPECT_EQ(html_to_markdown("<b>a</b><i>b</i> <i>a</i><b>b</b>"), "**a***b* *a***b**\n");
  EXPECT_EQ(html_to_markdown("a<em>\"b\"</em> <em>\"c\"</em>"), "a\"b\" *\"c\"*\n");
  EXPECT_EQ(html_to_markdown("<b>Note:</b>text <b>Note:</b> text <i>(x)</i>, <b><i>y</i>.</b>z"),
            "Note:text **Note:** text *(x)*, *y*.z\n");
  EXPECT_EQ(html_to_markdown("a <em>&nbsp;wide&nbsp;</em> b"), "a \xC2\xA0*wide*\xC2\xA0 b\n");
  const std::string html =
      rendered(html_to_markdown("<p><em>a</em> <strong>b</strong> <s>c</s></p>"));
  EXPECT_NE(html.find("<em>a</em> <strong>b</strong> <del>c</del>"), std::string::npos) << html;
}

TEST(HtmlToMarkdown, CodeSpansUseAFenceLongerThanTheBackticksInside) {
  EXPECT_EQ(html_to_markdown("<code>x = *y*</code>"), "`x = *y*`\n");
  EXPECT_EQ(html_to_markdown("<code>a ` b</code>"), "``a ` b``\n");
  EXPECT_EQ(html_to_markdown("<code>`tick``</code>"), "``` `tick`` ```\n");
  EXPECT_EQ(html_to_markdown("<kbd>Ctrl</kbd>+<samp>out</samp>"), "`Ctrl`+`out`\n");
  // Side by side, two code spans are one: "`a``b`" would not read as two.
  EXPECT_EQ(html_to_markdown("<code>a</code><code>b</code>"), "`ab`\n");
  EXPECT_EQ(html_to_markdown("<code>a`</code><kbd>``b</kbd>x"), "````a```b````x\n");
  const std::string html = rendered(html_to_markdown("<code>a `` b</code>"));
  EXPECT_NE(html.find(">a `` b</code>"), std::string::npos) << html;
}

TEST(HtmlToMarkdown, PreIsAFencedCodeBlockKeepingItsLines) {
  EXPECT_EQ(html_to_markdown("<pre>line one\n  <b>indented</b> *two*</pre>"),
            "```\nline one\n  indented *two*\n```\n");
  EXPECT_EQ(html_to_markdown("<pre>```\ninside\n```</pre>"), "````\n```\ninside\n```\n````\n");
  const std::string html = rendered(html_to_markdown("<pre>if (a &lt; b) {\n  x();\n}</pre>"));
  EXPECT_NE(html.find(">if (a &lt; b) {\n  x();\n}\n</code></pre>"), std::string::npos) << html;
}

TEST(HtmlToMarkdown, LinksKeepTheirAddressInAngleBracketsWhenItNeedsThem) {
  EXPECT_EQ(html_to_markdown(R"h(<a href="https://example.org/a?b=c&amp;d=e">Read</a>)h"),
            "[Read](https://example.org/a?b=c&d=e)\n");
  EXPECT_EQ(html_to_markdown(R"h(<a href="https://example.org/a b(c)">x</a>)h"),
            "[x](<https://example.org/a b(c)>)\n");
  EXPECT_EQ(html_to_markdown(
                R"h(<a href="/relative">rel</a> <a>no href</a> <a href="https://e.org/"> </a>)h"),
            "[rel](/relative) no href\n");
  EXPECT_EQ(html_to_markdown(R"h(<a href="https://e.org/"> <b>bold</b> link </a>.)h"),
            "[**bold** link](https://e.org/) .\n");
  const std::string html =
      rendered(html_to_markdown(R"h(<a href="https://example.org/a b(c)">x</a>)h"));
  EXPECT_NE(html.find(R"h(href="https://example.org/a b(c)")h"), std::string::npos) << html;
}

TEST(HtmlToMarkdown, ImagesBecomeLinksToTheirSource) {
  EXPECT_EQ(html_to_markdown(R"h(<img src="https://e.org/a.png" alt="A chart">)h"),
            "[A chart](https://e.org/a.png)\n");
  EXPECT_EQ(html_to_markdown(R"h(<img src="https://e.org/a.png">)h"),
            "[image](https://e.org/a.png)\n");
  // Inside a link, the link is what is followed: the image gives its words.
  EXPECT_EQ(html_to_markdown(
                R"h(<a href="https://e.org/"><img src="https://e.org/a.png" alt="Logo"></a>)h"),
            "[Logo](https://e.org/)\n");
  // "!" before a link would make it an image.
  EXPECT_EQ(html_to_markdown(R"h(Look!<img src="https://e.org/a.png" alt="x">)h"),
            "Look\\![x](https://e.org/a.png)\n");
  EXPECT_EQ(rendered(html_to_markdown(R"h(Look!<img src="https://e.org/a.png">)h")).find("<img"),
            std::string::npos);
}

TEST(HtmlToMarkdown, ListsNestAndOrderedListsKeepTheirStart) {
  EXPECT_EQ(html_to_markdown("<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>"),
            "- one\n  - nested\n- two\n");
  EXPECT_EQ(
      html_to_markdown(R"h(<ol start="9"><li>nine</li><li>ten<ol><li>a</li></ol></li></ol>)h"),
      "9. nine\n10. ten\n    1. a\n");
  EXPECT_EQ(html_to_markdown("<ul><li><p>para one</p><p>para two</p></li><li></li></ul>"),
            "- para one\n\n  para two\n-\n");
  EXPECT_EQ(html_to_markdown("<ul><li><pre>code\nblock</pre></li></ul>"),
            "- ```\n  code\n  block\n  ```\n");
  const std::string html =
      rendered(html_to_markdown(R"h(<ol start="3"><li>c</li><li>d<ul><li>e</li></ul></li></ol>)h"));
  EXPECT_NE(html.find("<ol start=\"3\""), std::string::npos) << html;
  EXPECT_NE(html.find(">e</li>"), std::string::npos) << html;
}

TEST(HtmlToMarkdown, TwoListsInARowStayTwoLists) {
  EXPECT_EQ(html_to_markdown(
                "<ul><li>a</li></ul><ul><li>b</li></ul><ol><li>c</li></ol><ol><li>d</li></ol>"),
            "- a\n\n* b\n\n1. c\n\n1) d\n");
  const std::string html =
      rendered(html_to_markdown("<ul><li>a</li></ul><div><ul><li>b</li></ul></div>"));
  EXPECT_EQ(std::count(html.begin(), html.end(), '\n') > 0, true);
  EXPECT_NE(html.find("</ul>\n<ul"), std::string::npos) << html;
}

TEST(HtmlToMarkdown, BlockquotesPrefixEveryLine) {
  EXPECT_EQ(
      html_to_markdown(
          "<blockquote><p>one</p><p>two<br>three</p><blockquote>deep</blockquote></blockquote>"),
      "> one\n>\n> two\\\n> three\n>\n> > deep\n");
}

TEST(HtmlToMarkdown, SimpleTablesBecomeGfmTables) {
  EXPECT_EQ(html_to_markdown("<table><thead><tr><th>Name</th><th>Votes</th></tr></thead>"
                             "<tbody><tr><td><b>Ann</b></td><td>3 | 4</td></tr>"
                             "<tr><td>Bo</td></tr></tbody></table>"),
            "| Name | Votes |\n| --- | --- |\n| **Ann** | 3 \\| 4 |\n| Bo |  |\n");
  const std::string html =
      rendered(html_to_markdown("<table><tr><td>a</td><td>b</td></tr></table>"));
  EXPECT_NE(html.find("<table"), std::string::npos) << html;
}

TEST(HtmlToMarkdown, OtherTablesBecomeRowsOfText) {
  EXPECT_EQ(
      html_to_markdown(R"h(<table><caption>Results</caption><tr><td colspan="2">wide</td></tr>)h"
                       "<tr><td>a</td><td>b</td></tr></table>"),
      "Results\n\nwide\n\na \xC2\xB7 b\n");
  EXPECT_EQ(html_to_markdown("<table><tr><td><p>one</p><ul><li>x</li></ul></td></tr></table>"),
            "one\n\n- x\n");
  EXPECT_EQ(html_to_markdown("<table><tr><td><code>a|b</code></td></tr></table>"), "`a|b`\n");
}

TEST(HtmlToMarkdown, ATableWithTextOutsideItsCellsKeepsIt) {
  EXPECT_EQ(html_to_markdown("<table>loose<tr><td>a</td><td>b</td></tr></table>"),
            "loose\n\na\n\nb\n");
  EXPECT_EQ(html_to_markdown("<table><tr><td>a</td><b>bold</b></tr></table>"), "a\n\n**bold**\n");
}

TEST(HtmlToMarkdown, AnItemOutsideAListShowsAsAnItem) {
  EXPECT_EQ(html_to_markdown("<li>alone</li><p>after</p>"), "- alone\n\nafter\n");
  // Text straight inside a list is text between its items; the numbers go on.
  EXPECT_EQ(html_to_markdown("<ul>stray<li>item</li></ul>"), "stray\n\n- item\n");
  EXPECT_EQ(html_to_markdown("<ol><li>a</li><b>between</b><li>b</li><p>p</p><li>c</li></ol>"),
            "1. a\n\n**between**\n\n2. b\n\np\n\n3. c\n");
}

TEST(HtmlToMarkdown, ARuleIsThreeDashes) {
  EXPECT_EQ(html_to_markdown("<p>above</p><hr><p>below</p>"), "above\n\n---\n\nbelow\n");
  EXPECT_NE(rendered(html_to_markdown("above<hr>below")).find("<hr"), std::string::npos);
}

TEST(HtmlToMarkdown, AddressesInTextStayText) {
  EXPECT_EQ(html_to_markdown("see http://e.org/x, www.e.org or a@e.org"),
            "see http\\://e.org/x, www\\.e.org or a\\@e.org\n");
  const std::string html =
      rendered(html_to_markdown("<em><b>http://e.org/~</b>2)</em> www.e.org a@e.org"));
  EXPECT_EQ(html.find("<a "), std::string::npos) << html;
  // (Bold cannot close between "~" and "2": it is left out, the words stay.)
  EXPECT_NE(html.find("<em>http://e.org/~2)</em>"), std::string::npos) << html;
}

TEST(HtmlToMarkdown, TextThatLooksLikeMarkdownIsEscaped) {
  EXPECT_EQ(
      html_to_markdown("*not emphasis* _nor this_ [not a link](x) `tick` ~~no~~ a|b"),
      "\\*not emphasis\\* \\_nor this\\_ \\[not a link\\](x) \\`tick\\` \\~\\~no\\~\\~ a\\|b\n");
  EXPECT_EQ(html_to_markdown("&lt;b&gt;bold&lt;/b&gt; &amp;copy; # not heading \\n"),
            "\\<b\\>bold\\</b\\> \\&copy; \\# not heading \\\\n\n");
  EXPECT_EQ(html_to_markdown("<p>1. not a list</p><p>- nor</p><p>+ this</p><p>=== no</p>"
                             "<p>2026) year</p><p>3 dots.</p>"),
            "1\\. not a list\n\n\\- nor\n\n\\+ this\n\n\\=== no\n\n2026\\) year\n\n3 dots.\n");
  EXPECT_EQ(html_to_markdown("<p>a<br>- b<br>1. c</p>"), "a\\\n\\- b\\\n1\\. c\n");
  for (const auto* text :
       {"*not emphasis*", "[not a link](x)h", "&lt;b&gt;bold&lt;/b&gt;", "1. one", "- dash",
        "# hash", "&amp;copy;", "a\\*b", "<p>x<br>---</p>", "===", "> quote", "    indented"}) {
    const std::string html = rendered(html_to_markdown(text));
    EXPECT_EQ(visible_text(html), visible_text(sanitise_html(text))) << text << "\n" << html;
    for (const auto* markup :
         {"<em", "<strong", "<a ", "<b>", "<h1", "<li", "<hr", "<pre", "<blockquote"}) {
      EXPECT_EQ(html.find(markup), std::string::npos) << text << "\n" << html;
    }
  }
}

TEST(HtmlToMarkdown, WhitespaceCollapsesAsHtmlCollapsesIt) {
  EXPECT_EQ(html_to_markdown("<p>\n  one\t\ttwo  \n three <em> four </em>  five\n</p>"),
            "one two three *four* five\n");
  EXPECT_EQ(html_to_markdown("<p>a&nbsp;&nbsp;b</p>"),
            "a\xC2\xA0\xC2\xA0"
            "b\n");
}

// The attributes of every tag in `html` (as markdown_to_html writes them: double-quoted),
// names and values in lower case.
std::vector<std::pair<std::string, std::string>> attributes_of(const std::string& html) {
  static const std::regex tag("<[a-z0-9]+((\\s+[a-z-]+=\"[^\"]*\")*)\\s*/?>", std::regex::icase);
  static const std::regex attribute("([a-z-]+)=\"([^\"]*)\"", std::regex::icase);
  std::vector<std::pair<std::string, std::string>> found;
  for (auto t = std::sregex_iterator(html.begin(), html.end(), tag); t != std::sregex_iterator();
       ++t) {
    const std::string attributes = (*t)[1];
    for (auto a = std::sregex_iterator(attributes.begin(), attributes.end(), attribute);
         a != std::sregex_iterator(); ++a) {
      found.emplace_back(ascii_lower((*a)[1].str()), ascii_lower(trim((*a)[2].str())));
    }
  }
  return found;
}

// Hostile markup loses what could act: no script, no event attribute, no javascript: or
// data: address. Its words may stay as words ("[x](javascript:alert(1))" written as text
// is shown as that text, and links nowhere).
TEST(HtmlToMarkdown, HostileMarkupEndsAsHarmlessMarkdown) {
  const auto link = attributes_of(rendered("[a](https://e.org/)"));
  EXPECT_NE(std::find(link.begin(), link.end(),
                      std::make_pair(std::string("href"), std::string("https://e.org/"))),
            link.end());
  const std::vector<std::string> hostile = {
      R"h(<a href="javascript:alert(1)">click</a>)h",
      R"h(<a href="jav&#x09;ascript:alert(1)">tab</a>)h",
      R"h(<img src=x onerror="alert(1)">)h",
      R"h(<img src="data:image/png;base64,AAAA" alt="d">)h",
      R"h(<a href="data:text/html,<script>alert(1)</script>">data</a>)h",
      R"h(<script>alert(1)</script><style>p{}</style>)h",
      R"h(<p onclick="alert(1)" style="x">para</p>)h",
      R"h(&lt;script&gt;alert(1)&lt;/script&gt;)h",
      R"h(&lt;img src=x onerror=alert(1)&gt;)h",
      R"h([x](javascript:alert(1)) ![y](data:image/png;base64,AAAA))h",
      R"h(<a href="https://e.org/">[inner](javascript:alert(1))</a>)h",
      R"h(<svg><script>alert(1)</script></svg><iframe src="https://e.org"></iframe>)h",
      R"h(<a href="https://e.org/x)&quot; onmouseover=&quot;alert(1)">q</a>)h",
      R"h(<img src="https://e.org/a.png" alt="x](javascript:alert(1))">)h",
  };
  for (const auto& input : hostile) {
    const std::string markdown = html_to_markdown(input);
    const std::string html = rendered(markdown);
    for (const auto& [name, value] : attributes_of(html)) {
      EXPECT_FALSE(name.starts_with("on")) << input << "\n" << html;
      if (name == "href" || name == "src") {
        EXPECT_FALSE(value.starts_with("javascript:")) << input << "\n" << html;
        EXPECT_FALSE(value.starts_with("data:")) << input << "\n" << html;
      }
    }
    EXPECT_EQ(html.find("<script"), std::string::npos) << input << "\n" << html;
    EXPECT_EQ(html.find("<img"), std::string::npos) << input << "\n" << html;
  }
}

TEST(HtmlToMarkdown, ReadsAsTheSanitisedHtmlReads) {
  const std::vector<std::string> inputs = {
      "<p>Plain <em>emphasis</em>, <strong>strong</strong> and <del>gone</del>.</p>",
      "<div>One<br>two</div><p>Three</p>",
      "<h2>Heading</h2><p>Text with <a href=\"https://e.org/\">a link</a> and "
      "<code>code</code>.</p>",
      "<ul><li>a<ul><li>b</li><li>c</li></ul></li><li>d</li></ul>",
      "<ol start=\"4\"><li>four</li><li>five</li></ol>",
      "<blockquote><p>Quoted</p><ul><li>item</li></ul></blockquote>",
      "<pre>  code\n    kept   as is</pre>",
      "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
      "<table><tr><td colspan=\"2\">x</td></tr><tr><td><p>y</p></td><td>z</td></tr></table>",
      "<p>*stars* _under_ [brackets] `ticks` #hash &lt;tag&gt; &amp;amp; a|b ~tilde~ \\back</p>",
      "<p>1. line start</p><p>- dash</p><p>+ plus</p><p>= equals</p>",
      "<script>alert(1)</script><p onclick=\"x\">kept text</p>",
      "<span>inline <b>bold <i>both</i></b></span> tail",
      "<figure><figcaption>Caption</figcaption></figure>",
      "<dl><dt>Term</dt><dd>Definition</dd></dl>",
      "Loose text <u>under</u> <mark>marked</mark> <sub>sub</sub><sup>sup</sup>",
      "<p>Unicode: Привет, 日本語, emoji \xF0\x9F\x98\x80</p>",
      "<p>x <em>&nbsp;spaced&nbsp;</em> <b> bold </b>y</p>",
      "<em>a</em><em>b</em> <b>c</b><b>d</b> <del>e</del><del>f</del> <b>g</b><i>h</i>",
      "<i>a</i><b>b</b> x<em>\"q\"</em> <em>(r)</em>",
      "<b>Note:</b>text, <span>a</span><em>.b</em> <em>c.</em><span>d</span> <b><i>e</i>:</b>f",
      "<p>a</p><hr><p>b</p>",
      "<a href=\"https://e.org/\"><b>bold link</b></a> after",
      "<p><code>a ` b</code> and <code>``</code></p>",
      "<p><code>a</code><code>`b</code><kbd>&nbsp;</kbd><code>c</code> x\\`<code>d</code></p>",
      "<ul><li><p>x</p><pre>y\nz</pre></li></ul>",
      "unclosed <b>bold <i>italic",
      "<table>loose text<tr><td>a</td></tr></table><li>stray item</li>",
      "<ol start=\"2\">one<li>two</li><b>three</b><li>four</li></ol>",
      "<p><em>http://e.org/~</em> and www.example.org, mail@example.org</p>",
  };
  for (const auto& input : inputs) {
    const std::string markdown = html_to_markdown(input);
    EXPECT_EQ(visible_text(rendered(markdown)), visible_text(sanitise_html(input)))
        << input << "\n--- markdown:\n"
        << markdown;
  }
}

TEST(HtmlToMarkdown, DeepNestingIsBounded) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) {
    deep += (i % 3 == 0) ? "<div>" : (i % 3 == 1) ? "<blockquote>" : "<ul><li>";
  }
  deep += "bottom";
  const std::string markdown = html_to_markdown(deep);
  EXPECT_LT(markdown.size(), 200000u);
  EXPECT_TRUE(markdown_to_html(markdown));
  std::string emphasis;
  for (int i = 0; i < 300000; ++i) {
    emphasis += "<em><b>";
  }
  emphasis += "x";
  const std::string flat = html_to_markdown(emphasis);
  EXPECT_LT(flat.size(), 100u) << flat.substr(0, 200);
}

}  // namespace
}  // namespace communique
