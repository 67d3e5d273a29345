"""Posts on the public web through a running `serve`: each published post's page, a list's
page, its Atom feeds (read by feedparser, as feed readers read them), and search over the
archive; and what none of them shows (drafts, private lists) or lets through (markup in a
title or body, search syntax, oversized queries, paths that climb).

Posts are written straight into the database, as the `posts` command would write them: the
triggers of the search index then run as they do for any writer.
"""

import html.parser
import os
import re
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.dom.minidom

import feedparser

from test_cli import CommuniqueTestCase

HOSTILE_TITLE = "<script>alert('title')</script> Briefing"
HOSTILE_BODY = ("Opening <script>alert('body')</script> remarks on <b>trade</b> "
                "<img src=x onerror=alert(1)> [click](javascript:alert(2))\n")
NOW = int(time.time())


def active_markup(page):
    """Elements and attributes that could act in a browser, as a browser would parse them."""
    found = []

    class Parser(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("script", "iframe", "object", "embed", "base"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or (value or "").strip().lower().startswith(
                        ("javascript:", "data:")):
                    found.append(f"{tag} {name}")

    parser = Parser()
    parser.feed(page)
    parser.close()
    return found


class WebPostsTest(CommuniqueTestCase):
    def setUp(self):
        super().setUp()
        self.run_cli("lists", "create", "press")
        self.run_cli("lists", "create", "staff", "--private")
        self.run_cli("topics", "create", "--list", "press", "health")
        self.run_cli("topics", "create", "--list", "press", "travel")
        self.database = os.path.join(self.data, "communique.db")
        self.seq = 0
        with self.db() as db:
            for name in ("press", "staff"):
                db.execute("INSERT INTO sections (list_id, name, position, created_at) "
                           "SELECT id, 'News', 0, ? FROM lists WHERE name = ?", (NOW, name))

    def db(self):
        connection = sqlite3.connect(self.database)
        self.addCleanup(connection.close)
        return connection

    def add_post(self, slug, title, body, list_name="press", status="published", topics=(),
                 at=None, language="", translation_of=None):
        at = NOW - 3600 if at is None else at
        with self.db() as db:
            if status == "published":
                self.seq += 1
            cursor = db.execute(
                "INSERT INTO posts (list_id, section_id, slug, title, body, language, status, "
                "published_at, published_seq, translation_of, created_at, updated_at) "
                "SELECT l.id, s.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM lists l "
                "JOIN sections s ON s.list_id = l.id WHERE l.name = ?",
                (slug, title, body, language, status, at if status == "published" else None,
                 self.seq if status == "published" else None, translation_of, at, at,
                 list_name))
            post = cursor.lastrowid
            for topic in topics:
                db.execute("INSERT INTO post_topics (post_id, topic_id) SELECT ?, id FROM topics "
                           "WHERE name = ?", (post, topic))
        return post

    def get(self, address, path, headers=None):
        request = urllib.request.Request(f"http://{address}{path}", headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def test_a_published_post_has_a_page_and_nothing_unpublished_or_private_does(self):
        self.add_post("talks", "Talks with the Minister", "The **talks** were warm.\n",
                      topics=("health",), language="en")
        self.add_post("talks-ru", "Переговоры", "Тёплые переговоры.\n", language="ru",
                      translation_of=1)
        self.add_post("draft-note", "Draft note", "Not yet.\n", status="draft")
        self.add_post("staff-note", "Staff note", "Internal.\n", list_name="staff")
        self.add_post("hostile", HOSTILE_TITLE, HOSTILE_BODY)
        _, address = self.start_server()

        status, headers, page = self.get(address, "/posts/talks")
        self.assertEqual(status, 200)
        self.assertIn("<h1>Talks with the Minister</h1>", page)
        self.assertIn("<strong>talks</strong>", page)
        self.assertIn("</time> · News", page)
        self.assertIn(">health</a>", page)
        self.assertIn('<a href="/archive/press">press</a>', page)
        self.assertIn('<meta property="og:title" content="Talks with the Minister">', page)
        self.assertRegex(page, r'<link rel="alternate" hreflang="ru" href="[^"]+/posts/talks-ru">')
        self.assertIn('hreflang="ru" lang="ru">Переговоры (ru)</a>', page)
        self.assertNotIn("script", headers["Content-Security-Policy"])
        # Nobody's page: no personal link of any kind.
        for personal in ("/unsubscribe/", "/preferences/", "/privacy/", "@"):
            self.assertNotIn(personal, page)

        _, _, unknown = self.get(address, "/posts/no-such-post")
        for path in ("/posts/draft-note", "/posts/staff-note", "/posts/no-such-post",
                     "/posts/..%2F..%2Fetc%2Fpasswd", "/posts/%2e%2e%2fhostile"):
            status, _, page = self.get(address, path)
            self.assertEqual(status, 404, path)
            self.assertEqual(page, unknown, path)
        # A path that climbs is no post's address at all.
        for path in ("/posts/../posts/staff-note", "/posts/../../etc/passwd"):
            status, _, page = self.get(address, path)
            self.assertEqual(status, 404, path)
            self.assertNotIn("Staff note", page)

        status, _, page = self.get(address, "/posts/hostile")
        self.assertEqual(status, 200)
        self.assertNotIn("<script", page)
        self.assertNotIn("javascript:", page)
        self.assertEqual(active_markup(page), [])
        self.assertIn("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Briefing", page)

    def test_feeds_parse_as_atom_with_stable_ids_newest_first(self):
        self.add_post("first", "First note", "One.\n", topics=("health",), at=NOW - 7200)
        self.add_post("second", "Second note", "Two.\n", topics=("travel",), at=NOW - 3600)
        self.add_post("hostile", HOSTILE_TITLE, HOSTILE_BODY, topics=("health",), at=NOW - 60)
        self.add_post("draft", "Draft note", "Not yet.\n", status="draft")
        self.add_post("staff", "Staff note", "Internal.\n", list_name="staff")
        _, address = self.start_server()

        status, headers, body = self.get(address, "/archive/press/feed.atom")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/atom+xml"))
        xml.dom.minidom.parseString(body.encode())  # well-formed
        feed = feedparser.parse(body)
        self.assertFalse(feed.bozo, feed.get("bozo_exception"))
        self.assertEqual([entry.title for entry in feed.entries],
                         [HOSTILE_TITLE, "Second note", "First note"])
        for entry in feed.entries:
            self.assertTrue(entry.id.startswith("tag:127.0.0.1,"), entry.id)
            self.assertRegex(entry.link, r"/posts/(first|second|hostile)$")
            self.assertIsNotNone(entry.published_parsed)
            self.assertIsNotNone(entry.updated_parsed)
            self.assertEqual(entry.content[0].type, "text/html")
        self.assertEqual(time.strftime("%Y-%m-%d %H:%M", feed.entries[2].published_parsed),
                         time.strftime("%Y-%m-%d %H:%M", time.gmtime(NOW - 7200)))
        hostile = feed.entries[0].content[0].value
        self.assertNotIn("<script", hostile)
        self.assertNotIn("javascript:", hostile)
        self.assertEqual(active_markup(hostile), [])
        self.assertEqual(feed.feed.title, "press")
        self.assertNotIn("Draft note", body)
        self.assertNotIn("Staff note", body)

        # The same post keeps its id when edited, and an unchanged feed is a 304.
        ids = [entry.id for entry in feed.entries]
        with self.db() as db:
            db.execute("UPDATE posts SET title = 'First note, revised', updated_at = ? "
                       "WHERE slug = 'first'", (NOW,))
        status, headers, body = self.get(address, "/archive/press/feed.atom")
        revised = feedparser.parse(body)
        self.assertEqual([entry.id for entry in revised.entries], ids)
        self.assertEqual(revised.entries[2].title, "First note, revised")
        status, _, _ = self.get(address, "/archive/press/feed.atom",
                                {"If-None-Match": headers["ETag"]})
        self.assertEqual(status, 304)

        status, _, body = self.get(address, "/archive/press/topics/health/feed.atom")
        self.assertEqual(status, 200)
        topic = feedparser.parse(body)
        self.assertFalse(topic.bozo)
        self.assertEqual([entry.title for entry in topic.entries],
                         [HOSTILE_TITLE, "First note, revised"])
        for path in ("/archive/staff/feed.atom", "/archive/nobody/feed.atom",
                     "/archive/press/topics/nothing/feed.atom"):
            self.assertEqual(self.get(address, path)[0], 404, path)

    def search(self, address, query, before=None):
        parameters = {"q": query}
        if before:
            parameters["before"] = before
        return self.get(address, "/archive?" + urllib.parse.urlencode(parameters))

    def test_search_finds_public_posts_a_page_at_a_time_and_refuses_nothing_badly(self):
        for n in range(25):
            self.add_post(f"bulletin-{n}", f"Bulletin {n}", "Weather report for the week.\n",
                          at=NOW - 10000 + n)
        self.add_post("hostile", HOSTILE_TITLE, HOSTILE_BODY)
        self.add_post("draft", "Draft weather", "weather\n", status="draft")
        self.add_post("staff", "Staff weather", "weather\n", list_name="staff")
        _, address = self.start_server()

        # Page by page, newest first, each result once.
        seen, before = [], None
        for _ in range(5):
            status, _, page = self.search(address, "weather", before)
            self.assertEqual(status, 200)
            seen += re.findall(r'<a href="/posts/bulletin-\d+">(Bulletin \d+)</a>', page)
            self.assertIn("<mark>Weather</mark>", page)
            self.assertNotIn("Draft weather", page)
            self.assertNotIn("Staff weather", page)
            more = re.search(r'href="/archive\?q=weather&amp;before=([^"]+)"', page)
            if not more:
                break
            before = more.group(1)
        self.assertEqual(seen, [f"Bulletin {n}" for n in range(24, -1, -1)])

        # Markup in a body reaches an excerpt as text only.
        status, _, page = self.search(address, "trade")
        self.assertEqual(status, 200)
        self.assertIn("&lt;b&gt;<mark>trade</mark>&lt;/b&gt;", page)
        self.assertNotIn("<script", page)
        self.assertNotIn("<b>", page)
        self.assertNotIn("<img", page)

        # Search syntax is only characters; a 10 KB query is a clear refusal, not an error.
        for query in ('"', "NEAR(", "*", "weather*", "a OR b", "title:weather", "^x", "-",
                      "(weather", '"weather', "\\", "'"):
            status, _, page = self.search(address, query)
            self.assertIn(status, (200, 400), query)
            self.assertRegex(page, r"<li><a href=|Nothing in the archive matches|Type a word",
                             query)
        status, _, page = self.search(address, "*")
        self.assertEqual(status, 400)
        self.assertIn("Type a word to search for", page)
        status, _, page = self.search(address, "w" * 10240)
        self.assertEqual(status, 400)
        self.assertIn("too long", page)
        status, _, page = self.search(address, "zebra")
        self.assertEqual(status, 200)
        self.assertIn("Nothing in the archive matches your search", page)

        # The index follows the posts and the lists: publishing, a list made private,
        # deleting.
        status, _, page = self.search(address, "Draft")
        self.assertNotIn("Draft weather", page)
        with self.db() as db:
            db.execute("UPDATE posts SET status = 'published', published_at = ?, "
                       "published_seq = 1000 WHERE slug = 'draft'", (NOW,))
        self.assertIn("Draft weather", self.search(address, "Draft")[2])
        with self.db() as db:
            db.execute("UPDATE lists SET visibility = 'public' WHERE name = 'staff'")
        self.assertIn("Staff weather", self.search(address, "Staff")[2])
        with self.db() as db:
            db.execute("UPDATE lists SET visibility = 'private' WHERE name = 'staff'")
            db.execute("DELETE FROM posts WHERE slug = 'bulletin-24'")
        self.assertNotIn("Staff weather", self.search(address, "Staff")[2])
        self.assertNotIn("Bulletin 24<", self.search(address, "weather")[2])
        self.assertEqual(self.get(address, "/posts/staff")[0], 404)

    def test_the_archive_lists_digest_issues_and_the_pages_of_lists_with_posts(self):
        first = self.add_post("agenda", "Briefing agenda", "1. Trade\n2. Travel\n")
        second = self.add_post("visit", "Visit to the north", "A travel note.\n")
        with self.db() as db:
            issue = db.execute(
                "INSERT INTO issues (kind, status, subject, created_at, updated_at, cadence) "
                "VALUES ('digest', 'sent', 'Weekly digest', ?, ?, 'weekly')",
                (NOW, NOW)).lastrowid
            db.execute("INSERT INTO issue_lists (issue_id, list_id) "
                       "SELECT ?, id FROM lists WHERE name = 'press'", (issue,))
            for position, post in enumerate((first, second)):
                db.execute("INSERT INTO issue_posts (issue_id, post_id, position) "
                           "VALUES (?, ?, ?)", (issue, post, position))
        _, address = self.start_server()

        status, _, index = self.get(address, "/archive")
        self.assertEqual(status, 200)
        self.assertIn(f'<a href="/archive/{issue}-weekly-digest">Weekly digest</a>', index)
        self.assertIn("Briefing agenda · Visit to the north", index)
        self.assertIn('<a href="/archive/press">press</a>', index)
        self.assertNotIn("/archive/staff", index)
        self.assertIn('<form class="search" action="/archive" method="get"', index)

        status, _, page = self.get(address, "/archive/press")
        self.assertEqual(status, 200)
        self.assertIn('<a href="/posts/agenda">Briefing agenda</a>', page)
        self.assertIn(f'<a href="/archive/{issue}-weekly-digest">Weekly digest</a>', page)
        self.assertEqual(self.get(address, "/archive/staff")[0], 404)

        # The digest is found by its subject, and its page names it.
        status, _, page = self.search(address, "digest")
        self.assertIn(f'<a href="/archive/{issue}-weekly-digest">Weekly <mark>digest</mark></a>',
                      page)
        # Its page is the digest's web version: the subject is there whoever renders it.
        # (Its posts' titles appear once digest issues are rendered from their posts, which
        # is the letters' work and asserted there.)
        status, _, page = self.get(address, f"/archive/{issue}-weekly-digest")
        self.assertEqual(status, 200)
        self.assertIn("<title>Weekly digest</title>", page)
