#include "feeds/feed_parse.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "base/text.hpp"
#include "core/time.hpp"

namespace communique {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream file(std::string(COMMUNIQUE_TESTS_DIR) + "/fixtures/feeds/" + name,
                     std::ios::binary);
  EXPECT_TRUE(file.good()) << name;
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

ParsedFeed parsed(const std::string& name, std::string_view content_type = "",
                  std::string_view url = "https://feeds.example.org/feed.xml") {
  auto feed = parse_feed(fixture(name), content_type, url);
  EXPECT_TRUE(feed.has_value()) << name << ": " << (feed ? "" : feed.error().message);
  return feed ? std::move(*feed) : ParsedFeed{};
}

std::string error_of(std::string_view body, std::string_view content_type = "") {
  auto feed = parse_feed(body, content_type, "https://feeds.example.org/feed.xml");
  EXPECT_FALSE(feed.has_value());
  if (feed) {
    return {};
  }
  EXPECT_EQ(feed.error().code, ErrorCode::invalid_input);
  return feed.error().message;
}

std::string iso(const std::optional<Timestamp>& time) {
  return time ? format_iso8601(*time) : "none";
}

// --- RSS 2.0 -------------------------------------------------------------------------

TEST(FeedParse, Rss2ReadsTheChannelAndEveryItemField) {
  const ParsedFeed feed = parsed("rss2.xml");
  EXPECT_EQ(feed.format, "rss2");
  EXPECT_EQ(feed.title, "Press Office & Friends");
  EXPECT_EQ(feed.link, "https://press.example.org/");
  EXPECT_EQ(feed.language, "en-gb");
  ASSERT_EQ(feed.items.size(), 3u);
  const FeedItem& first = feed.items[0];
  EXPECT_EQ(first.guid, "press-2026-001");
  EXPECT_EQ(first.link, "https://press.example.org/news/budget");
  EXPECT_EQ(first.title, "Budget approved & signed");
  EXPECT_EQ(first.author, "Maria Example");
  EXPECT_EQ(iso(first.published), "2026-12-01T08:30:00Z");
  EXPECT_EQ(iso(first.updated), "none");
  EXPECT_EQ(first.language, "en-gb");
}

TEST(FeedParse, Rss2ContentIsTheFullestSanitisedWithLinksResolved) {
  const ParsedFeed feed = parsed("rss2.xml");
  ASSERT_EQ(feed.items.size(), 3u);
  // content:encoded wins over description; scripts, handlers and javascript: links go.
  EXPECT_EQ(feed.items[0].content_html,
            "<p>The council <strong>approved</strong> the budget. <a "
            "href=\"https://feeds.example.org/docs/budget.pdf\">Read it</a>.</p><img "
            "src=\"https://feeds.example.org/images/chart.png\" alt=\"Chart\"><p><a>bad</a></p>");
  // An escaped HTML description is HTML.
  EXPECT_EQ(feed.items[1].content_html,
            "<p>Escaped <em>HTML</em> description with a <a "
            "href=\"https://feeds.example.org/other\">link</a>.</p>");
}

TEST(FeedParse, Rss2LinksResolveAndFallBackToAPermalinkGuid) {
  const ParsedFeed feed = parsed("rss2.xml");
  ASSERT_EQ(feed.items.size(), 3u);
  EXPECT_EQ(feed.items[1].link, "https://feeds.example.org/news/second");
  EXPECT_EQ(feed.items[1].author, "Press Office");  // "address (Name)"
  EXPECT_EQ(feed.items[2].link, "https://press.example.org/news/third");
  EXPECT_EQ(iso(feed.items[2].published), "2026-12-02T11:15:00Z");  // dc:date
  EXPECT_EQ(feed.items[2].language, "fr");                          // dc:language
}

TEST(FeedParse, AnItemWithoutGuidOrDateKeepsThemEmpty) {
  const ParsedFeed feed = parsed("noguid_nodate.xml");
  ASSERT_EQ(feed.items.size(), 2u);
  for (const FeedItem& item : feed.items) {
    EXPECT_EQ(item.guid, "");
    EXPECT_FALSE(item.published.has_value());
    EXPECT_FALSE(item.updated.has_value());
    EXPECT_FALSE(item.link.empty());
  }
}

TEST(FeedParse, Rss2AtomLinkAndUpdatedAreRead) {
  const std::string body =
      R"(<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>)"
      R"(<atom:link rel="self" href="/self.xml"/><atom:link rel="alternate" href="/home"/>)"
      R"(<item><atom:link href="/a"/><atom:updated>2026-01-02T03:04:05Z</atom:updated>)"
      R"(<author>solo@example.org</author></item></channel></rss>)";
  auto feed = parse_feed(body, "", "https://x.example/feed");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->link, "https://x.example/home");
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].link, "https://x.example/a");
  EXPECT_EQ(iso(feed->items[0].updated), "2026-01-02T03:04:05Z");
  EXPECT_EQ(feed->items[0].author, "solo@example.org");
}

// --- RSS 1.0 -------------------------------------------------------------------------

TEST(FeedParse, Rss1ReadsItemsThatAreSiblingsOfTheChannel) {
  const ParsedFeed feed = parsed("rss1.rdf");
  EXPECT_EQ(feed.format, "rss1");
  EXPECT_EQ(feed.title, "RDF Site Summary");
  EXPECT_EQ(feed.link, "https://rdf.example.org/");
  EXPECT_EQ(feed.language, "de");
  ASSERT_EQ(feed.items.size(), 2u);
  EXPECT_EQ(feed.items[0].guid, "https://rdf.example.org/one");  // rdf:about
  EXPECT_EQ(feed.items[0].title, "Erster Eintrag");
  EXPECT_EQ(feed.items[0].link, "https://rdf.example.org/one");
  EXPECT_EQ(feed.items[0].content_html, "Die Beschreibung.");
  EXPECT_EQ(feed.items[0].author, "Hans Beispiel");
  EXPECT_EQ(iso(feed.items[0].published), "2026-11-30T07:00:00Z");
  EXPECT_EQ(feed.items[0].language, "de");
  EXPECT_EQ(feed.items[1].content_html, "<p>Voller <em>Inhalt</em>.</p>");
}

// --- Atom ----------------------------------------------------------------------------

TEST(FeedParse, AtomReadsTheFeedAndEveryEntryField) {
  const ParsedFeed feed = parsed("atom.xml");
  EXPECT_EQ(feed.format, "atom");
  EXPECT_EQ(feed.title, "Atom <Example> Blog");  // type="html": entities decoded once more
  EXPECT_EQ(feed.link, "https://atom.example.org/blog/");
  EXPECT_EQ(feed.language, "en");
  ASSERT_EQ(feed.items.size(), 3u);
  const FeedItem& first = feed.items[0];
  EXPECT_EQ(first.guid, "tag:atom.example.org,2026:1");
  EXPECT_EQ(first.link, "https://atom.example.org/blog/posts/one");
  EXPECT_EQ(first.title, "HTML content");
  EXPECT_EQ(first.author, "Entry Author");
  EXPECT_EQ(iso(first.published), "2026-12-01T08:00:00Z");
  EXPECT_EQ(iso(first.updated), "2026-12-01T10:00:00Z");
  EXPECT_EQ(first.language, "en");
  EXPECT_EQ(first.content_html,
            "<p>See <a href=\"https://atom.example.org/about\">about</a> and <img "
            "src=\"https://atom.example.org/blog/img/a.png\" alt=\"A\"></p>");
}

TEST(FeedParse, AtomXmlBaseNestsFromFeedToEntryToContent) {
  const ParsedFeed feed = parsed("atom.xml");
  ASSERT_EQ(feed.items.size(), 3u);
  const FeedItem& second = feed.items[1];
  EXPECT_EQ(second.link,
            "https://other.example.net/section/two.html");  // rel=alternate, not enclosure
  EXPECT_EQ(second.content_html,
            "<p>Inner <a href=\"https://other.example.net/section/inner/page\">link</a><br>next "
            "line</p>");  // xhtml: the inner div's markup
  EXPECT_EQ(second.title, "XHTML title");
  EXPECT_EQ(second.language, "de");
  EXPECT_EQ(second.author, "Blog Author");  // the feed's, when the entry names none
  EXPECT_FALSE(second.published.has_value());
}

TEST(FeedParse, AtomXhtmlContentKeepsTheSpaceBetweenTwoElements) {
  const std::string body =
      R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><content type="xhtml">)"
      R"(<div xmlns="http://www.w3.org/1999/xhtml"><p><b>bold</b> <i>italic</i></p></div>)"
      R"(</content></entry></feed>)";
  auto feed = parse_feed(body, "", "https://x.example/");
  ASSERT_TRUE(feed) << feed.error().message;
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].content_html, "<p><b>bold</b> <i>italic</i></p>");
}

TEST(FeedParse, AtomTextContentIsEscapedAndSummaryStandsInForContent) {
  const ParsedFeed feed = parsed("atom.xml");
  ASSERT_EQ(feed.items.size(), 3u);
  EXPECT_EQ(feed.items[2].title, "Text content & summary");
  EXPECT_EQ(feed.items[2].content_html, "Plain &lt;text&gt; summary");
}

TEST(FeedParse, AtomPrefersTheHtmlAlternateLink) {
  const std::string body =
      R"(<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self" href="/feed"/>)"
      R"(<link rel="alternate" type="application/pdf" href="/feed.pdf"/>)"
      R"(<link rel="alternate" type="text/html" href="/home"/><entry><id>1</id>)"
      R"(<link rel="alternate" type="audio/mpeg" href="/a.mp3"/></entry></feed>)";
  auto feed = parse_feed(body, "", "https://x.example/");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->link, "https://x.example/home");
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].link, "https://x.example/a.mp3");  // the only alternate there is
}

TEST(FeedParse, AtomOutOfLineContentIsSkippedForTheSummary) {
  const std::string body = R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id>)"
                           R"(<content src="https://x.example/a.mp3" type="audio/mpeg"/>)"
                           R"(<summary type="html">&lt;b&gt;S&lt;/b&gt;</summary></entry></feed>)";
  auto feed = parse_feed(body, "application/atom+xml", "https://x.example/");
  ASSERT_TRUE(feed) << feed.error().message;
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].content_html, "<b>S</b>");
}

// --- JSON Feed -----------------------------------------------------------------------

TEST(FeedParse, JsonFeedReadsEveryField) {
  const ParsedFeed feed = parsed("feed.json", "application/feed+json");
  EXPECT_EQ(feed.format, "json");
  EXPECT_EQ(feed.title, "JSON Example");
  EXPECT_EQ(feed.link, "https://json.example.org/");
  EXPECT_EQ(feed.language, "en");
  ASSERT_EQ(feed.items.size(), 3u);
  const FeedItem& first = feed.items[0];
  EXPECT_EQ(first.guid, "https://json.example.org/1");
  EXPECT_EQ(first.link, "https://json.example.org/1");
  EXPECT_EQ(first.title, "HTML item");
  EXPECT_EQ(first.content_html,
            "<p>Hello <a href=\"https://feeds.example.org/world\">world</a></p>");
  EXPECT_EQ(first.author, "Ada Example");
  EXPECT_EQ(iso(first.published), "2026-12-01T09:00:00Z");
  EXPECT_EQ(iso(first.updated), "2026-12-01T15:00:00Z");
  EXPECT_EQ(first.language, "en-US");
}

TEST(FeedParse, JsonFeedNumericIdsExternalUrlsAndTextContent) {
  const ParsedFeed feed = parsed("feed.json");
  ASSERT_EQ(feed.items.size(), 3u);
  EXPECT_EQ(feed.items[1].guid, "2");
  EXPECT_EQ(feed.items[1].link, "https://elsewhere.example.com/story");
  EXPECT_EQ(feed.items[1].content_html, "Plain &lt;text&gt;<br>second line");
  EXPECT_EQ(feed.items[1].author, "Old Style");  // JSON Feed 1.0's author
  EXPECT_EQ(iso(feed.items[1].published), "2026-12-02T08:00:00Z");
  EXPECT_EQ(feed.items[1].language, "en");
  EXPECT_EQ(feed.items[2].link, "https://feeds.example.org/relative/3");
  EXPECT_EQ(feed.items[2].content_html, "Only a summary");
  EXPECT_EQ(feed.items[2].title, "");
  EXPECT_EQ(feed.items[2].author, "The Desk");  // JSON Feed 1.1: the feed's authors
}

TEST(FeedParse, JsonFeedOfTheWrongShapeIsRefusedNamingTheField) {
  EXPECT_EQ(error_of(fixture("wrong_types.json")), "JSON Feed: items must be an array");
  EXPECT_EQ(error_of(R"({"version": "https://jsonfeed.org/version/1.1", "items": [{"title": 5}]})"),
            "JSON Feed: items[0].title must be a string");
  EXPECT_EQ(error_of(R"({"version": "https://jsonfeed.org/version/1", "items": [1]})"),
            "JSON Feed: items[0] must be an object");
  EXPECT_EQ(error_of(R"({"version": "https://jsonfeed.org/version/1.1", "items": [{"id": []}]})"),
            "JSON Feed: items[0].id must be a string");
  EXPECT_EQ(
      error_of(R"({"version": "https://jsonfeed.org/version/1.1", "items": [{"authors": {}}]})"),
      "JSON Feed: items[0].authors must be an array");
  EXPECT_EQ(error_of(R"({"version": 1.1, "items": []})"), "JSON Feed: version must be a string");
  EXPECT_NE(error_of(R"({"title": "no version", "items": []})").find("no JSON Feed version"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"version": "https://jsonfeed.org/version/1.1", "items": [)")
                .find("JSON Feed: malformed JSON at byte"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(10'000, '[')).find("nest more than 128 deep"), std::string::npos);
}

// --- Hostile documents ---------------------------------------------------------------

TEST(FeedParse, MalformedXmlSaysWhereWithLineAndColumn) {
  EXPECT_EQ(error_of(fixture("malformed.xml")),
            "malformed XML at line 7, column 12: Opening and ending tag mismatch: title line 6 "
            "and item");
}

TEST(FeedParse, HtmlCharacterEntitiesAreReadAsTheirCharacters) {
  const std::string body =
      "<rss><channel><title>Caf&eacute;&nbsp;&amp;&#32;Bar&hellip;</title>"
      "<item><title>&laquo;Q&raquo;</title><link>https://x.example/?a=1&amp;b=&eacute;</link>"
      "<description>&lt;p&gt;&mdash;&lt;/p&gt;</description></item></channel></rss>";
  auto feed = parse_feed(body, "", "https://x.example/");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->title, "Café\u00a0& Bar…");
  ASSERT_EQ(feed->items.size(), 1u);
  EXPECT_EQ(feed->items[0].title, "«Q»");
  EXPECT_EQ(feed->items[0].content_html, "<p>—</p>");
  EXPECT_EQ(error_of("<rss><channel><title>&bogus;</title></channel></rss>"),
            "malformed XML at line 1, column 29: Entity 'bogus' not defined");
  // In an attribute libxml2 would keep one byte of the character: refused, never cut.
  EXPECT_EQ(error_of(R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a&nbsp;b/"/>)"),
            "malformed XML at line 1, column 68: Entity 'nbsp' not defined");
}

TEST(FeedParse, BillionLaughsIsRefusedAtItsFirstEntityDeclaration) {
  EXPECT_EQ(error_of(fixture("billion_laughs.xml")),
            "the document declares entities (<!ENTITY lol>), which Communiqué refuses: they can "
            "expand without bound or read files; ask the publisher to write the text itself");
}

TEST(FeedParse, ADoctypeNamingAFileIsRefusedAndTheFileNeverRead) {
  const std::string message = error_of(fixture("doctype_passwd.xml"));
  EXPECT_EQ(message,
            "the document names an external DTD (file:///etc/passwd), which Communiqué refuses "
            "to read: a feed needs no DTD; ask the publisher to remove the <!DOCTYPE> line");
  EXPECT_EQ(message.find("root:"), std::string::npos);
}

TEST(FeedParse, AnExternalEntityIsRefusedAndTheFileNeverRead) {
  const std::string message = error_of(fixture("external_entity.xml"));
  EXPECT_NE(message.find("declares entities (<!ENTITY xxe>)"), std::string::npos);
  EXPECT_EQ(message.find("root:"), std::string::npos);
}

TEST(FeedParse, XIncludeIsNeverProcessed) {
  const ParsedFeed feed = parsed("xinclude.xml");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].content_html, "after");
  EXPECT_EQ(feed.items[0].content_html.find("root:"), std::string::npos);
}

TEST(FeedParse, TenThousandDeepNestingIsRefused) {
  EXPECT_EQ(error_of(fixture("deep.xml")),
            "elements nest more than 128 deep (at line 1); no feed needs that many, so the "
            "document is refused");
}

TEST(FeedParse, AFeedOfMoreItemsThanTheCapIsRefused) {
  std::string body = "<rss><channel>";
  for (std::size_t i = 0; i <= kMaxFeedItems; ++i) {
    body += "<item/>";
  }
  body += "</channel></rss>";
  EXPECT_EQ(error_of(body),
            "the feed has more than 100000 items; Communiqué reads feeds of at most that many");
}

TEST(FeedParse, ADocumentThatIsNoFeedIsNamedByItsRoot) {
  EXPECT_EQ(error_of(fixture("not_a_feed.html")),
            "not a feed: the document's root is <html>; Communiqué reads RSS 2.0, RSS 1.0, Atom "
            "1.0 and JSON Feed");
  EXPECT_NE(error_of(R"(<feed xmlns="http://purl.org/atom/ns#"/>)")
                .find("<feed> in the namespace http://purl.org/atom/ns#"),
            std::string::npos);
  EXPECT_EQ(error_of("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
                     "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\"><html><body><br>"),
            "not a feed: the document is an HTML page (<!DOCTYPE html>); look in it for the "
            "address of its feed");
  EXPECT_NE(error_of("<!DOCTYPE html><html><head><meta charset=utf-8></head>").find("HTML page"),
            std::string::npos);
  EXPECT_EQ(error_of("  \n"), "not a feed: the document is empty");
  EXPECT_NE(error_of(R"(["a"])").find("not a feed"), std::string::npos);
}

// --- Encodings -----------------------------------------------------------------------

constexpr std::string_view kCyrillicTitle = "Заявление для прессы";
constexpr std::string_view kCyrillicFeedTitle = "Новости пресс-службы";

void expect_cyrillic(const ParsedFeed& feed) {
  EXPECT_EQ(feed.title, kCyrillicFeedTitle);
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_EQ(feed.items[0].title, kCyrillicTitle);
  EXPECT_EQ(feed.items[0].content_html, "<p>Текст заявления: &quot;ёжик&quot; и Ъ.</p>");
}

TEST(FeedParse, Windows1251AndKoi8rReadFromTheirDeclaration) {
  expect_cyrillic(parsed("cp1251.xml"));
  expect_cyrillic(parsed("koi8r.xml"));
  expect_cyrillic(parsed("koi8r.xml", "application/rss+xml"));  // no charset: the declaration
}

TEST(FeedParse, Windows1251AndKoi8rWithoutDeclarationReadFromTheHttpCharset) {
  expect_cyrillic(parsed("cp1251_undeclared.xml", "application/rss+xml; charset=windows-1251"));
  expect_cyrillic(parsed("koi8r_undeclared.xml", "text/xml; charset=\"KOI8-R\""));
}

TEST(FeedParse, TheHttpCharsetWinsOverADeclarationThatSaysOtherwise) {
  for (const std::string declared : {"UTF-8", "ISO-8859-1", "koi8-r"}) {
    const std::string body = "<?xml version=\"1.0\" encoding=\"" + declared + "\"?>\n" +
                             fixture("cp1251_undeclared.xml");
    auto feed = parse_feed(body, "text/xml; charset=windows-1251", "https://x.example/");
    ASSERT_TRUE(feed) << declared << ": " << feed.error().message;
    expect_cyrillic(*feed);
  }
}

TEST(FeedParse, AJsonContentTypesCharsetDoesNotApplyToXml) {
  // Only text/* and application/*xml types carry a charset the XML must follow.
  expect_cyrillic(parsed("cp1251.xml", "application/json; charset=utf-8"));
}

TEST(FeedParse, AByteOrderMarkSaysUtf16) {
  const std::string ascii =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><title>UTF-16</title>"
      "</channel></rss>";
  std::string body = "\xff\xfe";
  for (const char c : ascii) {
    body += c;
    body += '\0';
  }
  auto feed = parse_feed(body, "", "https://x.example/");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->title, "UTF-16");
  const std::string with_utf8_bom = "\xef\xbb\xbf<rss><channel><title>Ж</title></channel></rss>";
  auto utf8 = parse_feed(with_utf8_bom, "", "https://x.example/");
  ASSERT_TRUE(utf8) << utf8.error().message;
  EXPECT_EQ(utf8->title, "Ж");
}

TEST(FeedParse, InvalidUtf8IsReplacedNeverPassedOn) {
  const ParsedFeed feed = parsed("invalid_utf8.xml");
  EXPECT_TRUE(is_valid_utf8(feed.title));
  EXPECT_EQ(feed.title, "Bad \xef\xbf\xbd bytes");
  ASSERT_EQ(feed.items.size(), 1u);
  EXPECT_TRUE(is_valid_utf8(feed.items[0].title));
  EXPECT_TRUE(is_valid_utf8(feed.items[0].content_html));
  EXPECT_EQ(feed.items[0].content_html, "ok \xef\xbf\xbd( end");
  // JSON too.
  auto json = parse_feed(
      "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"a\xff b\", \"items\": []}",
      "", "https://x.example/");
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_EQ(json->title, "a\xef\xbf\xbd b");
}

TEST(FeedParse, AByteTheEncodingDoesNotDefineIsReplacedAndTheRestRead) {
  // 0x98 is the one byte windows-1251 leaves undefined; libxml2's own converter would stop
  // there and hand over what came before as if it were the whole feed.
  const std::string body =
      "<rss><channel><title>\xcf\x98\xf0</title><item><title>\xc0</title></item>"
      "<item><title>\xc1</title></item></channel></rss>";
  auto feed = parse_feed(body, "text/xml; charset=windows-1251", "https://x.example/");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->title, "П\xef\xbf\xbdр");
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "А");
  EXPECT_EQ(feed->items[1].title, "Б");
}

TEST(FeedParse, AnEncodingNobodyKnowsIsAClearError) {
  EXPECT_EQ(error_of("<rss/>", "text/xml; charset=x-unheard-of"),
            "the feed's encoding \"x-unheard-of\" is not one Communiqué can read; ask the "
            "publisher to serve UTF-8");
}

// --- Dates ---------------------------------------------------------------------------

TEST(FeedParseDate, ReadsTheVariantsFeedsWrite) {
  struct Case {
    std::string_view text;
    std::string_view expected;  // ISO 8601 UTC, or "none"
  };
  const Case cases[] = {
      {"Tue, 01 Dec 2026 09:30:00 +0100", "2026-12-01T08:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 GMT", "2026-12-01T09:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 UT", "2026-12-01T09:30:00Z"},
      {"Tue, 1 Dec 2026 09:30:00 EST", "2026-12-01T14:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 EDT", "2026-12-01T13:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 CST", "2026-12-01T15:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 CDT", "2026-12-01T14:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 MST", "2026-12-01T16:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 MDT", "2026-12-01T15:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 PST", "2026-12-01T17:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 PDT", "2026-12-01T16:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 Z", "2026-12-01T09:30:00Z"},
      {"Tue, 01 Dec 2026 09:30:00 A", "2026-12-01T08:30:00Z"},  // military: +1
      {"Tue, 01 Dec 2026 09:30:00 N", "2026-12-01T10:30:00Z"},  // military: -1
      {"Tue, 01 Dec 2026 09:30:00 -0530", "2026-12-01T15:00:00Z"},
      {"Tue, 01 Dec 2026 09:30 GMT", "2026-12-01T09:30:00Z"},     // no seconds
      {"01 Dec 2026 09:30:00 GMT", "2026-12-01T09:30:00Z"},       // no weekday
      {"Fri, 01 Dec 2026 09:30:00 GMT", "2026-12-01T09:30:00Z"},  // wrong weekday
      {"Tue, 01 Dec 26 09:30:00 GMT", "2026-12-01T09:30:00Z"},    // two-digit year
      {"Wed, 01 Dec 99 09:30:00 GMT", "1999-12-01T09:30:00Z"},
      {"Tuesday, 01 December 2026 09:30:00 +0000", "2026-12-01T09:30:00Z"},
      {"Tue, 01 Dec 2026", "2026-12-01T00:00:00Z"},
      {"  Tue, 01 Dec 2026 09:30:00 +0000 (UTC)\n", "2026-12-01T09:30:00Z"},
      {"2026-12-01T09:30:00Z", "2026-12-01T09:30:00Z"},
      {"2026-12-01T09:30:00.123456+02:00", "2026-12-01T07:30:00Z"},
      {"2026-12-01t09:30:00z", "2026-12-01T09:30:00Z"},
      {"2026-12-01 09:30:00", "2026-12-01T09:30:00Z"},
      {"2026-12-01T09:30:00-0800", "2026-12-01T17:30:00Z"},
      {"2026-12-01T09:30+01:00", "2026-12-01T08:30:00Z"},
      {"2026-12-01", "2026-12-01T00:00:00Z"},
      {"2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"},  // a leap second
      {"", "none"},
      {"sometime last week", "none"},
      {"Tue, 32 Dec 2026 09:30:00 GMT", "none"},
      {"Tue, 01 Foo 2026 09:30:00 GMT", "none"},
      {"Tue, 01 Dec 2026 25:30:00 GMT", "none"},
      {"Tue, 01 Dec 2026 09:30:00 XYZ", "none"},
      {"2026-02-30T00:00:00Z", "none"},
      {"2026-12-01T09:30:00+25:00", "none"},
      {"2026-13-01", "none"},
      {"2026-12-01T09", "none"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(iso(parse_feed_date(c.text)), c.expected) << "\"" << c.text << "\"";
  }
}

// --- URLs ----------------------------------------------------------------------------

TEST(ResolveUrl, FollowsTheExamplesOfRfc3986Section5_4) {
  const std::string_view base = "http://a/b/c/d;p?q";
  const std::pair<std::string_view, std::string_view> cases[] = {
      // §5.4.1 normal examples
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
      // §5.4.2 abnormal examples
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},
  };
  for (const auto& [reference, expected] : cases) {
    EXPECT_EQ(resolve_url(base, reference), expected) << "\"" << reference << "\"";
  }
}

TEST(ResolveUrl, TrimsAndEncodesWhatIsNoUriAsWritten) {
  EXPECT_EQ(resolve_url("https://x.example/a/", "  b c\n"), "https://x.example/a/b%20c");
  EXPECT_EQ(resolve_url("https://x.example/a/", "новости"),
            "https://x.example/a/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8");
  EXPECT_EQ(resolve_url("https://x.example/a/", "100%-sure?q=%41"),
            "https://x.example/a/100%25-sure?q=%41");
  EXPECT_EQ(resolve_url("", "relative/only"), "relative/only");
  EXPECT_EQ(resolve_url("https://x.example/a/", "https://y.example/"), "https://y.example/");
}

}  // namespace
}  // namespace communique
