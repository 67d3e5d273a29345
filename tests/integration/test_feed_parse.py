"""Differential check of the feed parser against Python's feedparser (Debian's
python3-feedparser): on every fixture that is not hostile, each item's title, link, id,
date (to the second, UTC) and content (its visible text, white space collapsed) must agree
with what feedparser reads from the same bytes, the same Content-Type and the same URL.

feedparser 6.0.10 does not read JSON Feed (it calls a JSON body malformed XML), so the JSON
fixture is compared with a reading of the JSON Feed 1.1 spec written here with Python's
json module: the reference is then the spec, read independently of our code.

What we read comes from build/bench/feed_parse_dump, beside the binary COMMUNIQUE_BIN
names. Each difference we expect is listed in KNOWN_DIFFERENCES with its reason; an
unexplained difference fails, and so does an explanation that no longer applies.
"""

import calendar
import datetime
import html.parser
import json
import os
import subprocess
import time
import unittest
import urllib.parse
import warnings

import feedparser

# feedparser warns that it maps updated_parsed to published_parsed; the test reads both.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"feedparser(\..*)?")

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
DUMP = os.path.join(os.path.dirname(os.path.abspath(BIN)), "bench", "feed_parse_dump")
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "feeds")
URL = "https://feeds.example.org/feed.xml"

GUID_NOT_RESOLVED = (
    "an RSS <guid> without isPermaLink=\"false\" is, for feedparser, a permalink to resolve "
    "against the feed's URL even when it is no URL at all (\"ru-1\"); Communiqué keeps a GUID "
    "as written, because it is the item's key and must not change when the feed moves")
GUID_NOT_A_LINK = (
    "feedparser makes any such GUID the item's link; Communiqué takes a GUID for the link only "
    "when it is an absolute http(s) URL, as RSS 2.0 defines a permalink")
NOT_WINDOWS_1252 = (
    "the document declares UTF-8 but holds bytes that are not: feedparser then decodes all of "
    "it as windows-1252, making mojibake of the well-formed UTF-8 too; Communiqué keeps UTF-8 "
    "and replaces only the bad bytes with U+FFFD")

# (fixture, item index, field) → why we differ from feedparser there.
KNOWN_DIFFERENCES = {
    ("cp1251.xml", 0, "id"): GUID_NOT_RESOLVED,
    ("cp1251_undeclared.xml", 0, "id"): GUID_NOT_RESOLVED,
    ("koi8r.xml", 0, "id"): GUID_NOT_RESOLVED,
    ("koi8r_undeclared.xml", 0, "id"): GUID_NOT_RESOLVED,
    ("invalid_utf8.xml", 0, "id"): GUID_NOT_RESOLVED,
    ("invalid_utf8.xml", 0, "link"): GUID_NOT_A_LINK,
    ("invalid_utf8.xml", 0, "title"): NOT_WINDOWS_1252,
    ("invalid_utf8.xml", 0, "content"): NOT_WINDOWS_1252,
}


class VisibleText(html.parser.HTMLParser):
    """The text a reader sees in HTML: tags dropped, references decoded, scripts left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(markup, is_html=True):
    if markup is None:
        return ""
    if is_html:
        parser = VisibleText()
        parser.feed(markup)
        parser.close()
        markup = "".join(parser.parts)
    return " ".join(markup.split())


def ours(fixture, content_type):
    result = subprocess.run([DUMP, os.path.join(FIXTURES, fixture), content_type, URL],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"feed_parse_dump {fixture}: {result.stdout}{result.stderr}")
    feed = json.loads(result.stdout)
    items = []
    for item in feed["items"]:
        date = item["published"] or item["updated"]
        items.append({
            "title": visible(item["title"], is_html=False),
            "link": item["link"],
            "id": item["guid"],
            "date": calendar.timegm(time.strptime(date, "%Y-%m-%dT%H:%M:%SZ")) if date else None,
            "content": visible(item["content_html"]),
        })
    return items


def theirs(fixture, content_type):
    with open(os.path.join(FIXTURES, fixture), "rb") as f:
        body = f.read()
    headers = {"content-location": URL}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers)
    items = []
    for entry in parsed.entries:
        date = entry.get("published_parsed") or entry.get("updated_parsed")
        detail = entry.content[0] if entry.get("content") else entry.get("summary_detail")
        content = detail.value if detail else None
        is_html = detail is None or detail.type != "text/plain"
        title_html = entry.get("title_detail") is None or entry.title_detail.type != "text/plain"
        items.append({
            "title": visible(entry.get("title"), is_html=title_html),
            "link": entry.get("link") or "",
            "id": entry.get("id") or "",
            "date": calendar.timegm(date) if date else None,
            "content": visible(content, is_html=is_html),
        })
    return items


def json_feed_by_the_spec(fixture):
    """JSON Feed 1.1 read as its spec says, for want of a feedparser that reads it."""
    with open(os.path.join(FIXTURES, fixture), encoding="utf-8") as f:
        feed = json.load(f)
    items = []
    for item in feed["items"]:
        date = item.get("date_published") or item.get("date_modified")
        link = item.get("url") or item.get("external_url") or ""
        if "content_html" in item:
            content = visible(item["content_html"])
        else:
            content = visible(item.get("content_text") or item.get("summary"), is_html=False)
        items.append({
            "title": visible(item.get("title"), is_html=False),
            "link": urllib.parse.urljoin(URL, link) if link else "",
            "id": str(item.get("id", "")),
            "date": int(datetime.datetime.fromisoformat(date.replace("Z", "+00:00"))
                        .timestamp()) if date else None,
            "content": content,
        })
    return items


class FeedParseDifferentialTest(unittest.TestCase):
    def compare(self, fixture, content_type=""):
        mine = ours(fixture, content_type)
        reference = (json_feed_by_the_spec(fixture) if fixture.endswith(".json")
                     else theirs(fixture, content_type))
        self.assertEqual(len(mine), len(reference), f"{fixture}: item counts differ")
        self.assertGreater(len(mine), 0, f"{fixture}: no items read")
        unexplained, seen = [], set()
        for index, (a, b) in enumerate(zip(mine, reference)):
            for field in ("title", "link", "id", "date", "content"):
                if a[field] == b[field]:
                    continue
                key = (fixture, index, field)
                if key in KNOWN_DIFFERENCES:
                    seen.add(key)
                else:
                    unexplained.append(f"item {index} {field}: ours {a[field]!r}, "
                                       f"feedparser {b[field]!r}")
        self.assertEqual(unexplained, [], f"{fixture}: unexplained differences")
        stale = {key for key in KNOWN_DIFFERENCES if key[0] == fixture} - seen
        self.assertEqual(stale, set(), f"{fixture}: explained differences that did not occur")

    def test_rss2(self):
        self.compare("rss2.xml", "application/rss+xml")

    def test_rss1(self):
        self.compare("rss1.rdf", "application/rdf+xml")

    def test_atom_with_xml_base(self):
        self.compare("atom.xml", "application/atom+xml")

    def test_json_feed(self):
        self.compare("feed.json", "application/feed+json")

    def test_items_without_guid_or_date(self):
        self.compare("noguid_nodate.xml", "application/rss+xml")

    def test_windows_1251_declared(self):
        self.compare("cp1251.xml", "application/rss+xml")

    def test_windows_1251_from_the_http_charset(self):
        self.compare("cp1251_undeclared.xml", "application/rss+xml; charset=windows-1251")

    def test_koi8r_declared(self):
        self.compare("koi8r.xml", "text/xml")

    def test_koi8r_from_the_http_charset(self):
        self.compare("koi8r_undeclared.xml", "text/xml; charset=KOI8-R")

    def test_invalid_utf8_declared_as_utf8(self):
        self.compare("invalid_utf8.xml", "application/rss+xml")


if __name__ == "__main__":
    unittest.main()
