"""Feeds through the built binary: `feeds add | ls | poll | update | rm`, items becoming
posts (first poll recorded, backfill, review, updates, digests), hostile feeds, and `serve`
polling by itself.

A Python http.server started by each test on 127.0.0.1 serves the feeds: their documents are
written by the test (small RSS 2.0 documents), and each hostile case is one path. The data
directory's configuration allows private networks (the server is on 127.0.0.1), except in
the test of that refusal. COMMUNIQUE_BIN names the binary; every test works in its own
temporary data directory, and every server it starts is stopped by it.
"""

import email.utils
import hashlib
import http.server
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
STARTED = time.time()


def rss(items, title="Press office"):
    """An RSS 2.0 document of `items`: (guid, title, link, description, pubDate or None)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
             f'<title>{title}</title><link>https://press.example.org/</link>'
             f'<language>en</language>']
    for guid, item_title, link, description, date in items:
        parts.append("<item>")
        if guid is not None:
            parts.append(f'<guid isPermaLink="false">{guid}</guid>')
        parts.append(f"<title>{item_title}</title><link>{link}</link>")
        parts.append(f"<description><![CDATA[{description}]]></description>")
        if date:
            parts.append(f"<pubDate>{date}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def item(n, title=None, body=None, guid=None):
    """Item `n`, dated n minutes after a day ago (a higher n is newer; recent enough for a
    digest's first run, which looks back one period)."""
    date = email.utils.formatdate(STARTED - 86400 + n * 60, usegmt=True)
    return (guid if guid is not None else f"item-{n}", title or f"Statement number {n}",
            f"https://press.example.org/statements/{n}",
            body or f"<p>The text of statement {n}.</p>", date)


class FeedServer:
    """Serves `documents` (path → bytes, with an ETag) and `handlers` (path → function of
    the request handler) on 127.0.0.1, in a thread."""

    def __init__(self):
        self.documents = {}
        self.handlers = {}
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                outer.requests.append(self.path)
                if self.path in outer.handlers:
                    outer.handlers[self.path](self)
                    return
                body = outer.documents.get(self.path)
                if body is None:
                    self.answer(404, b"no such feed")
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.answer(200, body, [("Content-Type", "application/rss+xml; charset=utf-8"),
                                        ("ETag", etag)])

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # the client hanging up (a cap, a timeout) is what some tests do

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class FeedTestCase(unittest.TestCase):
    settings = {"allow_private_networks": "true", "timeout_seconds": "5",
                "min_every_seconds": "1"}

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-feeds-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")
        self.outbox = os.path.join(self.data, "outbox", "new")
        self.addCleanup(self.tmp.cleanup)
        self.config = os.path.join(self.dir, "communique.toml")
        self.write_config(self.settings)
        self.site = FeedServer()
        self.addCleanup(self.site.stop)

    def write_config(self, settings):
        with open(self.config, "w") as f:
            f.write("[feeds]\n")
            for key, value in settings.items():
                f.write(f"{key} = {value}\n")

    def cli(self, *args, check=True):
        result = subprocess.run([BIN, "--data-dir", self.data, "--config", self.config, *args],
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    def measured(self, *args):
        """Runs the binary and prints its wall time and peak RSS; (result, peak RSS in KiB).
        The peak is the process's own high-water mark (VmHWM), read while it runs: Linux
        carries a parent's ru_maxrss into its children, which would count this test's."""
        out_path = os.path.join(self.dir, "out.txt")
        err_path = os.path.join(self.dir, "err.txt")
        started = time.monotonic()
        peak = 0
        with open(out_path, "w") as out, open(err_path, "w") as err:
            process = subprocess.Popen([BIN, "--data-dir", self.data, "--config", self.config,
                                        *args], stdout=out, stderr=err)
            while True:
                try:
                    with open(f"/proc/{process.pid}/status") as status:
                        for line in status:
                            if line.startswith("VmHWM:"):
                                peak = max(peak, int(line.split()[1]))
                except OSError:
                    pass
                pid, code, _ = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    process.returncode = os.waitstatus_to_exitcode(code)
                    break
                time.sleep(0.005)
        elapsed = time.monotonic() - started
        with open(out_path) as out, open(err_path) as err:
            result = subprocess.CompletedProcess(args, process.returncode, out.read(), err.read())
        print(f"\n  {' '.join(args)}: {elapsed:.2f} s, peak RSS {peak / 1024:.1f} MiB")
        return result, peak

    def db(self):
        return sqlite3.connect(os.path.join(self.data, "communique.db"), timeout=10)

    def make_list(self, subscribers=0):
        self.cli("lists", "create", "press", "--title", "Press releases")
        self.cli("sections", "create", "--list", "press", "News")
        self.cli("topics", "create", "--list", "press", "energy")
        if subscribers:
            people = os.path.join(self.dir, "people.csv")
            with open(people, "w") as f:
                f.write("email,name\n")
                for i in range(subscribers):
                    f.write(f"reader{i}@example.org,Reader {i}\n")
            self.cli("import", "--list", "press", people)

    def add_feed(self, path, *extra):
        out = self.cli("feeds", "add", "--list", "press", "--section", "News", "--topic", "energy",
                       *extra, self.site.url(path))
        return int(out.stdout.strip().splitlines()[0]), out.stderr

    def posts(self):
        with self.db() as db:
            return db.execute("SELECT id, title, body, status, source, external_id, section_id "
                              "FROM posts ORDER BY id").fetchall()

    def post_topics(self, post):
        with self.db() as db:
            return [row[0] for row in db.execute(
                "SELECT t.name FROM post_topics pt JOIN topics t ON t.id = pt.topic_id "
                "WHERE pt.post_id = ?", (post,))]

    def feed_row(self, feed):
        with self.db() as db:
            db.row_factory = sqlite3.Row
            return dict(db.execute("SELECT * FROM feeds WHERE id = ?", (feed,)).fetchone())


class FeedPollingTest(FeedTestCase):
    def test_first_poll_records_then_a_new_item_becomes_a_post_and_a_304_adds_nothing(self):
        self.make_list()
        self.site.documents["/feed.xml"] = rss([item(3), item(2), item(1)])
        feed, said = self.add_feed("/feed.xml")
        self.assertEqual(feed, 1)
        self.assertIn("recorded 3 without publishing", said)
        self.assertEqual(self.posts(), [])
        with self.db() as db:
            self.assertEqual(db.execute("SELECT count(*) FROM feed_items").fetchone()[0], 3)

        self.site.documents["/feed.xml"] = rss(
            [item(4, "Minister meets press", "<p>A <em>long</em> talk.</p>"), item(3),
             item(2), item(1)])
        self.assertEqual(self.cli("feeds", "poll").stdout, "feed 1: new 1, updated 0\n")
        posts = self.posts()
        self.assertEqual(len(posts), 1)
        post_id, title, body, status, source, external_id, section = posts[0]
        self.assertEqual(title, "Minister meets press")
        self.assertIn("long", body)
        self.assertIn("[Read on press.example.org](https://press.example.org/statements/4)", body)
        self.assertEqual(status, "published")
        self.assertEqual((source, external_id, section), ("feed:1", "item-4", 1))
        self.assertEqual(self.post_topics(post_id), ["energy"])

        self.assertEqual(self.cli("feeds", "poll").stdout, "feed 1: unchanged\n")
        self.assertEqual(len(self.posts()), 1)
        self.assertEqual(self.feed_row(1)["last_status"], "304")
        listed = self.cli("feeds", "ls").stdout
        self.assertRegex(listed, r"^1\t" + re.escape(self.site.url("/feed.xml")) +
                         r"\tlist=press\tsection=News\tstatus=active\tlast_fetch=\S+Z"
                         r"\tlast_status=304\titems=4\tnext_poll=\S+Z")

    def test_two_polls_of_one_feed_at_once_poll_it_once_and_the_other_is_busy(self):
        self.make_list()
        self.site.documents["/feed.xml"] = rss([item(1)])
        feed, _ = self.add_feed("/feed.xml")

        def slow(handler):
            time.sleep(1.5)
            handler.answer(200, rss([item(2), item(1)]))
        self.site.handlers["/feed.xml"] = slow
        command = [BIN, "--data-dir", self.data, "--config", self.config, "feeds", "poll",
                   str(feed)]
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        time.sleep(0.5)
        second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        outputs = sorted(process.communicate(timeout=60)[0] for process in (first, second))
        self.assertEqual((first.returncode, second.returncode), (0, 0))
        self.assertEqual(outputs, [f"feed {feed}: busy (another poll is running)\n",
                                   f"feed {feed}: new 1, updated 0\n"])
        row = self.feed_row(feed)
        self.assertEqual((row["status"], row["failures"], row["last_error"]), ("active", 0, ""))
        self.assertIsNone(row["claimed_until"])
        self.assertEqual(len(self.posts()), 1)

    def test_backfill_takes_the_newest_two_and_review_makes_drafts(self):
        self.make_list()
        self.site.documents["/feed.xml"] = rss([item(1), item(3), item(2)])
        self.add_feed("/feed.xml", "--backfill", "2")
        self.assertEqual([row[1] for row in self.posts()],
                         ["Statement number 2", "Statement number 3"])
        self.site.documents["/review.xml"] = rss([item(5)])
        self.add_feed("/review.xml", "--review", "--backfill", "1")
        drafts = [row for row in self.posts() if row[4] == "feed:2"]
        self.assertEqual([(row[1], row[3]) for row in drafts], [("Statement number 5", "draft")])

    def test_changed_content_updates_a_post_until_a_digest_carried_it(self):
        self.make_list(subscribers=1)
        self.site.documents["/feed.xml"] = rss([item(1)])
        self.add_feed("/feed.xml", "--backfill", "1")
        self.site.documents["/feed.xml"] = rss([item(1, body="<p>Corrected text.</p>")])
        self.assertEqual(self.cli("feeds", "poll", "1").stdout, "feed 1: new 0, updated 1\n")
        self.assertIn("Corrected text.", self.posts()[0][2])

        self.cli("digests", "create", "--list", "press", "--name", "weekly", "--every",
                 "weekly mon 09:00")
        self.cli("digests", "run", "1")
        self.site.documents["/feed.xml"] = rss([item(1, body="<p>Rewritten after.</p>")])
        out = self.cli("feeds", "poll", "1").stdout
        self.assertEqual(out, "feed 1: new 0, updated 0, kept 1 (a digest carried them)\n")
        self.assertIn("Corrected text.", self.posts()[0][2])

    def test_id_from_link_ignores_guids_that_change_at_every_fetch(self):
        self.make_list()
        self.site.documents["/feed.xml"] = rss([item(1, guid="g-1"), item(2, guid="g-2")])
        self.add_feed("/feed.xml", "--id-from", "link")
        for fetch in range(2):
            self.site.documents["/feed.xml"] = rss(
                [item(1, guid=f"g-1-{fetch}"), item(2, guid=f"g-2-{fetch}")])
            self.assertEqual(self.cli("feeds", "poll", "1").stdout, "feed 1: unchanged\n")
        self.assertEqual(self.posts(), [])

    def test_a_polled_feed_reaches_the_digest_once(self):
        self.make_list(subscribers=2)
        self.site.documents["/feed.xml"] = rss([item(1)])
        self.add_feed("/feed.xml")
        self.site.documents["/feed.xml"] = rss([item(2, "Summit statement"), item(1)])
        self.assertEqual(self.cli("feeds", "poll").stdout, "feed 1: new 1, updated 0\n")
        self.cli("digests", "create", "--list", "press", "--name", "weekly", "--every",
                 "weekly mon 09:00")
        ran = self.cli("digests", "run", "1")
        self.assertIn("sent 2", ran.stdout)
        letters = os.listdir(self.outbox)
        self.assertEqual(len(letters), 2)
        with open(os.path.join(self.outbox, letters[0]), "rb") as f:
            letter = f.read().decode("utf-8", "replace")
        self.assertIn("Summit statement", letter)
        self.assertNotIn("Statement number 1", letter)
        self.assertEqual(self.cli("feeds", "poll").stdout, "feed 1: unchanged\n")
        again = self.cli("digests", "run", "1")
        self.assertIn("skipped", again.stdout)
        self.assertEqual(len(os.listdir(self.outbox)), 2)

    def test_removing_a_feed_keeps_its_posts(self):
        self.make_list()
        self.site.documents["/feed.xml"] = rss([item(1)])
        self.add_feed("/feed.xml", "--backfill", "1")
        self.assertIn("its posts stay", self.cli("feeds", "rm", "1").stdout)
        self.assertEqual(len(self.posts()), 1)
        self.assertEqual(self.cli("feeds", "ls").stdout, "")

    def test_update_changes_only_what_is_given(self):
        self.make_list()
        self.site.documents["/feed.xml"] = rss([item(1)])
        self.add_feed("/feed.xml")
        self.assertEqual(self.cli("feeds", "update", "1", "--every", "2h", "--review").stdout,
                         "updated feed 1\n")
        row = self.feed_row(1)
        self.assertEqual((row["every_seconds"], row["review"], row["id_from"]),
                         (7200, 1, "guid"))
        self.assertIn("\treview", self.cli("feeds", "ls").stdout)
        self.cli("feeds", "update", "1", "--no-topics", "--id-from", "link")
        with self.db() as db:
            self.assertEqual(db.execute("SELECT count(*) FROM feed_topics").fetchone()[0], 0)
        self.assertEqual(self.feed_row(1)["id_from"], "link")

    def test_wrong_options_are_refused_with_what_to_do(self):
        self.make_list()
        bad = self.cli("feeds", "add", "--list", "press", "--section", "News",
                       "ftp://example.org/feed", check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("is not http:// or https://", bad.stderr)
        bad = self.cli("feeds", "add", "--list", "press", "--section", "Nope",
                       self.site.url("/feed.xml"), check=False)
        self.assertIn("there is no section 'Nope'", bad.stderr)
        bad = self.cli("feeds", "add", "--list", "press", "--section", "News", "--every",
                       "often", self.site.url("/feed.xml"), check=False)
        self.assertIn("--every must be a duration", bad.stderr)


class HostileFeedTest(FeedTestCase):
    """Each case: a clear error on the feed, no change to posts, bounded time and memory."""

    def hostile(self, path, expected, rss_limit_kib=200 * 1024):
        self.make_list()
        self.site.documents["/feed.xml"] = rss([item(1)])
        self.add_feed("/feed.xml", "--backfill", "1")
        before = self.posts()
        with self.db() as db:
            db.execute("UPDATE feeds SET url = ?", (self.site.url(path),))
        result, peak = self.measured("feeds", "poll", "1")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"^feed 1: error: ")
        self.assertRegex(result.stdout, expected)
        self.assertEqual(self.posts(), before)
        listed = self.cli("feeds", "ls").stdout
        self.assertIn("last_error=", listed)
        self.assertLess(peak, rss_limit_kib)
        return self.feed_row(1)

    def test_malformed_xml(self):
        self.site.documents["/bad.xml"] = b"<rss><channel><item><title>x</channel>"
        row = self.hostile("/bad.xml", r"not a feed")
        self.assertEqual(row["failures"], 1)

    def test_billion_laughs(self):
        lol = ['<!ENTITY lol "lol">'] + [
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)]
        self.site.documents["/laughs.xml"] = (
            '<?xml version="1.0"?><!DOCTYPE rss [' + "".join(lol) + ']>'
            '<rss version="2.0"><channel><title>&lol9;</title></channel></rss>').encode()
        self.hostile("/laughs.xml", r"not a feed")

    def test_doctype_system_file(self):
        self.site.documents["/xxe.xml"] = (
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><title>t</title><item><guid>x</guid>'
            b'<title>&x;</title></item></channel></rss>')
        self.make_list()
        self.site.documents["/feed.xml"] = self.site.documents["/xxe.xml"]
        self.add_feed("/feed.xml", "--backfill", "1")
        for _, title, body, *_ in self.posts():
            self.assertNotIn("root:", title + body)

    def test_body_over_the_cap(self):
        self.write_config(dict(self.settings, max_body_mb="1"))
        self.site.documents["/big.xml"] = rss([item(1, body="x" * (2 * 1024 * 1024))])
        self.hostile("/big.xml", r"(?i)larger|cap|too large|exceeds", rss_limit_kib=200 * 1024)

    def test_redirect_loop(self):
        self.site.handlers["/loop"] = lambda h: h.answer(302, b"", [("Location", "/loop")])
        self.hostile("/loop", r"(?i)redirect")

    def test_loopback_refused_without_private_networks_naming_the_address(self):
        # With the setting false, the test server's own address (127.0.0.1) is refused at
        # the first hop, so a redirect to 127.0.0.1 can only be refused the same way.
        self.make_list()
        self.write_config(dict(self.settings, allow_private_networks="false"))
        self.site.documents["/feed.xml"] = rss([item(1)])
        out = self.cli("feeds", "add", "--list", "press", "--section", "News",
                       self.site.url("/feed.xml"))
        self.assertIn("its first poll failed", out.stderr)
        self.assertIn("127.0.0.1", out.stderr)
        result, _ = self.measured("feeds", "poll", "1")
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stdout, r"^feed 1: error: .*127\.0\.0\.1")
        self.assertEqual(self.site.requests, [])
        self.assertEqual(self.posts(), [])
        self.assertIn("last_error=", self.cli("feeds", "ls").stdout)

    def test_redirect_to_metadata_address(self):
        # With private networks allowed for the test server, the metadata address is what
        # the redirect reaches; it is refused or unreachable, never read.
        self.site.handlers["/to-metadata"] = lambda h: h.answer(
            302, b"", [("Location", "http://169.254.169.254/latest/meta-data/")])
        self.hostile("/to-metadata", r"feed 1: error: ")

    def test_slow_server_past_the_timeout(self):
        self.write_config(dict(self.settings, timeout_seconds="1"))

        def slow(handler):
            time.sleep(3)
            try:
                handler.answer(200, rss([item(9)]))
            except OSError:
                pass
        self.site.handlers["/slow.xml"] = slow
        self.hostile("/slow.xml", r"did not arrive within 1 s")

    def test_429_with_retry_after_holds_the_feed_back(self):
        self.site.handlers["/busy.xml"] = lambda h: h.answer(
            429, b"slow down", [("Retry-After", "7200")])
        row = self.hostile("/busy.xml", r"no poll before")
        self.assertGreaterEqual(row["next_poll_at"], int(time.time()) + 7000)
        self.assertGreaterEqual(row["retry_after"], int(time.time()) + 7000)
        waiting = self.cli("feeds", "poll", check=False)
        self.assertIn("feed 1: waiting:", waiting.stdout)
        self.assertEqual(waiting.returncode, 0)

    def test_410_marks_the_feed_gone(self):
        self.site.handlers["/gone.xml"] = lambda h: h.answer(410, b"gone")
        row = self.hostile("/gone.xml", r"410")
        self.assertEqual(row["status"], "gone")
        self.assertIn("status=gone", self.cli("feeds", "ls").stdout)
        self.assertEqual(self.cli("feeds", "poll").stdout, "")
        forced = self.cli("feeds", "poll", "1", check=False)
        self.assertEqual(forced.returncode, 1)
        self.assertIn("feed 1: error: the feed is gone", forced.stdout)


class FeedServeTest(FeedTestCase):
    def start_serve(self):
        server = subprocess.Popen([BIN, "--data-dir", self.data, "--config", self.config,
                                   "serve", "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def stop():
            if server.poll() is None:
                server.kill()
                server.wait()
            server.stderr.close()
        self.addCleanup(stop)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = server.stderr.readline()
            if "listening on http://" in line:
                # Keep reading its log, so that a full pipe never stops it.
                threading.Thread(target=lambda: server.stderr.read(), daemon=True).start()
                return line.split("http://")[1].split(" ")[0]
            if not line and server.poll() is not None:
                break
        self.fail("the server did not start")

    def call(self, address, method, path, body=None, token=None, cookie=None, csrf=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cookie:
            headers["Cookie"] = cookie
        if csrf:
            headers["X-CSRF-Token"] = csrf
        request = urllib.request.Request(
            f"http://{address}{path}", method=method, headers=headers,
            data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, response.headers, raw
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def user(self, role):
        subprocess.run([BIN, "--data-dir", self.data, "--config", self.config, "users", "add",
                        role, "--role", role], input="correct horse battery\n",
                       capture_output=True, text=True, check=True)
        return self.cli("tokens", "create", "--user", role, "ci").stdout.strip()

    def wait_for_posts(self, count):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(self.posts()) < count:
            time.sleep(0.3)
        return self.posts()

    def test_serve_polls_a_due_feed_by_itself_and_a_script_title_shows_escaped(self):
        self.make_list()
        self.site.documents["/feed.xml"] = rss([item(1)])
        self.add_feed("/feed.xml", "--every", "2s")
        self.site.documents["/feed.xml"] = rss(
            [item(2, "&lt;script&gt;alert(1)&lt;/script&gt; Polled by serve"), item(1)])
        address = self.start_serve()
        posts = self.wait_for_posts(1)
        self.assertEqual(len(posts), 1)
        self.assertIn("Polled by serve", posts[0][1])
        self.assertIn("Polled by serve", self.cli("posts", "ls").stdout)
        with self.db() as db:
            slug = db.execute("SELECT slug FROM posts").fetchone()[0]
        status, _, page = self.call(address, "GET", f"/posts/{slug}")
        self.assertEqual(status, 200)
        self.assertNotIn(b"<script>alert(1)</script>", page)
        self.assertIn(b"Polled by serve", page)

    def test_the_api_creates_polls_and_removes_feeds_for_editors_only(self):
        self.make_list()
        editor = self.user("editor")
        viewer = self.user("viewer")
        self.site.documents["/feed.xml"] = rss([item(2), item(1)])
        address = self.start_serve()
        feed = {"list_id": 1, "section_id": 1, "url": self.site.url("/feed.xml"),
                "topics": [1], "every": "1h", "backfill": 1}
        status, _, body = self.call(address, "POST", "/api/v1/feeds", feed, token=viewer)
        self.assertEqual(status, 403, body)
        status, _, body = self.call(address, "POST", "/api/v1/feeds", feed, token=editor)
        self.assertEqual(status, 201, body)
        created = json.loads(body)
        self.assertEqual(created["url"], self.site.url("/feed.xml"))
        # serve polls a new feed at once: its first poll publishes the newest (backfill 1).
        posts = self.wait_for_posts(1)
        self.assertEqual([row[1] for row in posts], ["Statement number 2"])

        self.site.documents["/feed.xml"] = rss([item(3), item(2), item(1)])
        status, _, body = self.call(address, "POST", f"/api/v1/feeds/{created['id']}/poll",
                                    token=viewer)
        self.assertEqual(status, 403, body)
        status, _, body = self.call(address, "POST", f"/api/v1/feeds/{created['id']}/poll",
                                    token=editor)
        self.assertEqual(status, 200, body)
        polled = json.loads(body)
        self.assertEqual(polled["summary"], f"feed {created['id']}: new 1, updated 0")
        self.assertEqual(polled["feed"]["items"], 3)
        status, _, body = self.call(address, "GET", "/api/v1/feeds", token=viewer)
        self.assertEqual(status, 200)
        self.assertEqual(len(json.loads(body)["feeds"]), 1)
        status, _, body = self.call(address, "PATCH", f"/api/v1/feeds/{created['id']}",
                                    {"every": "2h", "review": True}, token=editor)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["every_seconds"], 7200)

        # A session without its CSRF token is refused; with it, the feed goes.
        status, headers, body = self.call(address, "POST", "/api/v1/session",
                                          {"name": "editor", "password": "correct horse battery"})
        self.assertEqual(status, 200, body)
        cookie = headers["Set-Cookie"].split(";")[0]
        csrf = json.loads(body)["csrf_token"]
        path = f"/api/v1/feeds/{created['id']}"
        status, _, body = self.call(address, "DELETE", path, cookie=cookie)
        self.assertEqual(status, 403, body)
        status, _, body = self.call(address, "DELETE", path, cookie=cookie, csrf=csrf)
        self.assertEqual(status, 204, body)
        self.assertEqual(len(self.posts()), 2)  # its posts stay


if __name__ == "__main__":
    unittest.main()
