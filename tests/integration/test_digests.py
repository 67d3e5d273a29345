"""Digest issues made into personal letters, through the real binary and a capturing SMTP
server: each reader's selection by topics and language, an item in two chosen topics once,
a reader with nothing new counted skipped, a second digest that shares posts sending only
what was not received, the verifiers letters pass, and kill -9 during a digest send.

The posts are the fixture of tests/golden/digest (fifteen posts in five sections, two
translated into Russian), written into the database directly as the posts CLI would.
COMMUNIQUE_BIN names the binary; every test works in its own temporary data directory.
"""

import email
import email.policy
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import dkim

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "golden", "digest")

CONFIG = """
[sender]
organisation = "Embassy Press Office"
from_address = "press@embassy.example.org"
reply_to = "info@embassy.example.org"
postal_address = "12 Embassy Road, Oslo 0244, Norway"
copyright = "(c) 2026 Embassy Press Office"
base_url = "https://news.embassy.example.org"
"""

# Who reads, in what language, with which topics (none: every topic).
READERS = {
    "ann@example.org": ("en", ["diplomacy", "economy"]),
    "boris@example.org": ("ru", ["travel"]),
    "carl@example.org": ("en", []),
    "dana@example.org": ("en", ["health"]),
}


def load_fixture():
    with open(os.path.join(FIXTURE, "posts.json"), encoding="utf-8") as f:
        fixture = json.load(f)
    for post in fixture["posts"]:
        with open(os.path.join(FIXTURE, post["body"]), encoding="utf-8") as f:
            post["text"] = f.read()
    return fixture


class DigestTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-digests-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")
        self.config = os.path.join(self.dir, "communique.toml")
        self.captured = os.path.join(self.dir, "captured")
        os.makedirs(self.captured)
        with open(self.config, "w") as f:
            f.write(CONFIG)
        self.fixture = load_fixture()
        self.cli("lists", "create", "press")
        for topic in self.fixture["topics"]:
            self.cli("topics", "create", "--list", "press", topic)

    def tearDown(self):
        self.tmp.cleanup()

    def cli(self, *args, check=True):
        result = subprocess.run([BIN, "--data-dir", self.data, "--config", self.config, *args],
                                capture_output=True, text=True, timeout=600)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    def db(self):
        return sqlite3.connect(os.path.join(self.data, "communique.db"))

    def start_smtp(self):
        server = subprocess.Popen([sys.executable, os.path.join(HERE, "smtp_server.py"),
                                   self.captured, "--prompt"],
                                  stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (server.terminate(), server.wait(timeout=30), server.stdout.close()))
        port = int(server.stdout.readline().split()[1])
        with open(self.config, "a") as f:
            f.write('[delivery]\ntransport = "smtp"\n'
                    f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
                    'max_connections = 4\n')

    def add_readers(self, readers):
        people = os.path.join(self.dir, "people.csv")
        with open(people, "w") as f:
            f.write("email,name,language\n")
            for address, (language, _) in readers.items():
                f.write(f"{address},{address.split('@')[0].title()},{language}\n")
        self.cli("import", "--list", "press", people)
        with self.db() as db:
            topic_ids = dict(db.execute("SELECT name, id FROM topics"))
            subscriber_ids = dict(db.execute("SELECT email, id FROM subscribers"))
            db.executemany(
                "INSERT INTO subscriber_topics (subscriber_id, topic_id) VALUES (?, ?)",
                [(subscriber_ids[address], topic_ids[topic])
                 for address, (_, topics) in readers.items() for topic in topics])

    def add_posts(self, posts):
        """Writes the fixture's `posts` (and their sections) as the posts CLI would."""
        with self.db() as db:
            list_id = db.execute("SELECT id FROM lists WHERE name = 'press'").fetchone()[0]
            for position, name in enumerate(self.fixture["sections"]):
                db.execute("INSERT OR IGNORE INTO sections (list_id, name, position, created_at) "
                           "VALUES (?, ?, ?, 0)", (list_id, name, position))
            sections = dict(db.execute("SELECT name, id FROM sections"))
            topics = dict(db.execute("SELECT name, id FROM topics"))
            for post in posts:
                db.execute(
                    "INSERT INTO posts (id, list_id, section_id, slug, title, body, language, "
                    "status, published_at, published_seq, translation_of, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?)",
                    (post["id"], list_id, sections[post["section"]], post["slug"], post["title"],
                     post["text"], post["language"], post["published_at"], post["id"],
                     post.get("translation_of"), post["published_at"], post["published_at"]))
                db.executemany("INSERT INTO post_topics (post_id, topic_id) VALUES (?, ?)",
                               [(post["id"], topics[t]) for t in post["topics"]])

    def create_digest(self, post_ids, subject="Weekly digest, week 49"):
        body = os.path.join(self.dir, "empty.md")
        with open(body, "w") as f:
            f.write("This digest is made of posts.\n")
        issue = self.cli("issues", "create", "--list", "press", "--subject", subject,
                         "--body", body).stdout.strip()
        with self.db() as db:
            db.execute("UPDATE issues SET kind = 'digest', cadence = 'weekly' WHERE id = ?",
                       (issue,))
            db.executemany("INSERT INTO issue_posts (issue_id, post_id, position) "
                           "VALUES (?, ?, ?)",
                           [(issue, post, i) for i, post in enumerate(post_ids)])
        return issue

    def letters(self):
        """The letters captured so far: {recipient: [raw bytes, ...]}."""
        found = {}
        for name in sorted(os.listdir(self.captured)):
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(self.captured, name), "rb") as f:
                raw = f.read()
            to = re.search(rb"^X-Rcpt-To: (.+)\r$", raw, re.M).group(1).decode()
            # The server's own lines come first; the letter starts after them.
            letter = raw[raw.index(b"\r\n", raw.index(b"X-Accepted-At")) + 2:]
            found.setdefault(to, []).append(letter)
        return found

    @staticmethod
    def parts(raw):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {p.get_content_type(): p for p in message.walk()}
        return message, parts["text/plain"].get_content(), parts["text/html"].get_content()

    def test_readers_get_their_own_letters_and_a_second_digest_only_what_is_new(self):
        self.start_smtp()
        self.add_readers(READERS)
        posts = self.fixture["posts"]
        self.add_posts(posts)
        first = self.create_digest([p["id"] for p in posts if "translation_of" not in p])
        self.assertEqual(self.cli("send", first).stdout,
                         "sent 4, failed 0, deferred 0, skipped 0\n")
        letters = self.letters()
        self.assertEqual(sorted(letters), sorted(READERS))
        self.assertTrue(all(len(v) == 1 for v in letters.values()), letters.keys())

        _, ann_text, ann_html = self.parts(letters["ann@example.org"][0])
        # Diplomacy and economy: the trade delegation carries both and comes once.
        self.assertEqual(ann_html.count(">Trade delegation visits Bergen</a></h3>"), 1)
        self.assertEqual(ann_text.count("Trade delegation visits Bergen"), 2)  # contents, item
        self.assertIn("Message of congratulations on the National Day", ann_text)
        self.assertIn("Telegram of condolences", ann_text)  # no topics: for everyone
        self.assertNotIn("Lake Baikal", ann_text)
        self.assertNotIn("Flu season", ann_text)
        self.assertIn("7 items", ann_text)

        _, boris_text, boris_html = self.parts(letters["boris@example.org"][0])
        self.assertIn("Байкал подо льдом", boris_text)  # his language
        self.assertNotIn("Lake Baikal on ice", boris_text)
        self.assertIn("The Trans-Siberian by night train", boris_text)  # not translated
        self.assertNotIn("Norwegian counterpart", boris_text)
        self.assertIn("https://news.embassy.example.org/posts/lake-baikal-on-ice-ru", boris_html)

        _, carl_text, _ = self.parts(letters["carl@example.org"][0])
        self.assertIn("15 items", carl_text)
        _, dana_text, _ = self.parts(letters["dana@example.org"][0])
        self.assertIn("4 items", dana_text)
        self.assertNotEqual(ann_text, dana_text)

        # A second digest sharing posts with the first, and one new post.
        new_post = dict(posts[12], id=18, slug="winter-tyres-advice",
                        title="Winter tyres are compulsory from 1 December",
                        text="Drivers must fit winter tyres from 1 December to 1 March.\n")
        self.add_posts([new_post])
        second = self.create_digest([7, 13, 15, 18], subject="Weekly digest, week 50")
        self.assertEqual(self.cli("send", second).stdout,
                         "sent 2, failed 0, deferred 0, skipped 2\n")
        self.assertEqual(self.cli("issues", "status", second).stdout,
                         "queued 0, sending 0, sent 2, deferred 0, failed 0, skipped 2\n")
        after = self.letters()
        for address in ("ann@example.org", "boris@example.org"):  # nothing new for them
            self.assertEqual(len(after[address]), 1, address)
        for address in ("carl@example.org", "dana@example.org"):
            self.assertEqual(len(after[address]), 2, address)
            _, text, _ = self.parts(after[address][1])
            self.assertIn("Winter tyres are compulsory", text)
            self.assertIn("1 item", text)
            self.assertNotIn("Flu season", text)
            self.assertNotIn("Telegram of condolences", text)
        with self.db() as db:
            items = dict(db.execute(
                "SELECT s.email, d.items FROM deliveries d JOIN subscribers s "
                "ON s.id = d.subscriber_id WHERE d.issue_id = ?", (first,)))
        self.assertEqual(items["ann@example.org"], "1,2,5,6,7,8,9")
        self.assertIn("skipped", self.cli("issues", "show", second).stdout)

    def test_preview_shows_a_readers_selection(self):
        self.add_readers(READERS)
        posts = self.fixture["posts"]
        self.add_posts(posts)
        issue = self.create_digest([p["id"] for p in posts if "translation_of" not in p])
        boris = self.cli("issues", "preview", issue, "--subscriber", "boris@example.org").stdout
        self.assertIn("Байкал подо льдом", boris)
        self.assertNotIn("Norwegian counterpart", boris)
        everyone = self.cli("issues", "preview", issue).stdout
        self.assertIn("15 items", everyone)
        self.assertIn("Lake Baikal on ice", everyone)

    def test_the_api_preview_and_metrics_show_a_readers_selection_and_the_readers_left_out(self):
        self.add_readers(READERS)
        posts = self.fixture["posts"]
        self.add_posts(posts)
        issue = self.create_digest([p["id"] for p in posts if "translation_of" not in p])
        subprocess.run([BIN, "--data-dir", self.data, "users", "add", "alice", "--role", "admin"],
                       input="correct horse battery\n", capture_output=True, text=True,
                       check=True)
        token = self.cli("tokens", "create", "--user", "alice", "ci").stdout.strip()
        server = subprocess.Popen([BIN, "--data-dir", self.data, "--config", self.config,
                                   "serve", "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            line = ""
            while "listening on http://" not in line:
                line = server.stderr.readline()
                self.assertTrue(line, "the server did not start")
            address = line.split("http://")[1].split(" ")[0]

            def get(path):
                request = urllib.request.Request(f"http://{address}{path}",
                                                 headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(request, timeout=20) as response:
                    return response.read().decode()

            boris = get(f"/api/v1/issues/{issue}/preview?subscriber=boris@example.org"
                        "&format=text")
            self.assertIn("Байкал подо льдом", boris)
            self.assertNotIn("Norwegian counterpart", boris)
            self.assertIn("15 items", get(f"/api/v1/issues/{issue}/preview?format=text"))
            counts = json.loads(get(f"/api/v1/issues/{issue}/status"))
            self.assertIn('"skipped"', json.dumps(counts))
            self.assertIn('communique_letters_total{state="skipped"}', get("/metrics"))
        finally:
            server.terminate()
            server.wait(timeout=30)
            server.stderr.close()

    def test_digest_letters_pass_every_verifier(self):
        records = {}
        for selector, algorithm in (("s2026", "rsa"), ("e2026", "ed25519")):
            out = self.cli("dkim", "keygen", "--domain", "embassy.example.org", "--selector",
                           selector, "--algorithm", algorithm).stdout
            records[out.split()[0].rstrip(".")] = re.search(r'"(.*)"', out).group(1).encode()
        with open(self.config, "a") as f:
            f.write('[dkim]\nrsa_selector = "s2026"\n'
                    'rsa_key = "dkim/s2026.embassy.example.org.rsa.pem"\n'
                    'ed25519_selector = "e2026"\n'
                    'ed25519_key = "dkim/e2026.embassy.example.org.ed25519.pem"\n')
        self.start_smtp()
        self.add_readers(READERS)
        posts = self.fixture["posts"]
        self.add_posts(posts)
        issue = self.create_digest([p["id"] for p in posts if "translation_of" not in p])
        self.cli("send", issue)
        dns = lambda name, timeout=5: records.get(name.decode().rstrip("."))
        for address, [raw] in self.letters().items():
            message = email.message_from_bytes(raw, policy=email.policy.default)
            self.assertEqual(message.defects, [], address)
            for part in message.walk():
                self.assertEqual(part.defects, [], address)
            self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
            self.assertRegex(message["List-Unsubscribe"],
                             r"^<https://news\.embassy\.example\.org/unsubscribe/[A-Za-z0-9_-]+>, "
                             r"<mailto:unsubscribe@embassy\.example\.org\?subject=unsubscribe-")
            self.assertTrue(dkim.DKIM(raw).verify(idx=0, dnsfunc=dns), address)
            self.assertTrue(dkim.DKIM(raw).verify(idx=1, dnsfunc=dns), address)
        raw = self.letters()["carl@example.org"][0]  # every item: the longest letter
        _, _, html = self.parts(raw)
        self.assertLess(len(html.encode()), 102 * 1024)
        report = subprocess.run(
            ["spamassassin", "-L", "-t", "--cf=use_bayes 0", "--cf=bayes_auto_learn 0"],
            input=raw, capture_output=True, timeout=300).stdout.decode(errors="replace")
        score = float(re.search(r"X-Spam-Status: \w+, score=(-?[\d.]+)", report).group(1))
        print(f"\nSpamAssassin score of a digest letter: {score}")
        self.assertLess(score, 1.0, report)

    def test_kill_9_during_a_digest_send_loses_nobody(self):
        # 20,000 readers with varied topics into the outbox (a Maildir: a file per letter).
        subscribers = 20000
        topics = self.fixture["topics"]
        rng = random.Random(12)
        people = os.path.join(self.dir, "people.csv")
        with open(people, "w") as f:
            f.write("email,language\n")
            for i in range(subscribers):
                f.write(f"reader{i}@example.org,{'ru' if i % 7 == 0 else 'en'}\n")
        self.cli("import", "--list", "press", people)
        with self.db() as db:
            topic_ids = [row[0] for row in db.execute("SELECT id FROM topics ORDER BY id")]
            ids = [row[0] for row in db.execute("SELECT id FROM subscribers")]
            db.executemany(
                "INSERT INTO subscriber_topics (subscriber_id, topic_id) VALUES (?, ?)",
                [(s, t) for s in ids for t in rng.sample(topic_ids, rng.randint(0, 3))])
        posts = self.fixture["posts"]
        self.add_posts(posts)
        issue = self.create_digest([p["id"] for p in posts if "translation_of" not in p])
        outbox = os.path.join(self.data, "outbox", "new")
        in_flight_total = 0
        for kill in range(3):
            process = subprocess.Popen([BIN, "--data-dir", self.data, "--config", self.config,
                                        "send", issue],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            target = (kill + 1) * subscribers // 4
            deadline = time.monotonic() + 300
            while (not os.path.isdir(outbox) or
                   sum(1 for _ in os.scandir(outbox)) < target) and process.poll() is None:
                self.assertLess(time.monotonic(), deadline, "no letters came")
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            process.wait()
            with self.db() as db:
                in_flight_total += db.execute(
                    "SELECT count(*) FROM deliveries WHERE issue_id = ? AND state = 'sending'",
                    (issue,)).fetchone()[0]
        out = self.cli("send", issue).stdout
        self.assertRegex(out, r"^sent \d+, failed 0, deferred 0, skipped \d+\n$")
        with self.db() as db:
            states = dict(db.execute("SELECT state, count(*) FROM deliveries WHERE issue_id = ? "
                                     "GROUP BY state", (issue,)))
        received = {}
        for entry in os.scandir(outbox):
            with open(entry.path, "rb") as f:
                head = f.read(4096)
            to = re.search(rb"^To: (.+)\r$", head, re.M).group(1)
            received[to] = received.get(to, 0) + 1
        sent = states.get("sent", 0)
        skipped = states.get("skipped", 0)
        lost = sent - len(received)
        duplicates = sum(received.values()) - len(received)
        print(f"\nkill -9 three times during a digest to {subscribers}: lost {lost}, "
              f"duplicates {duplicates} (in flight at the kills: {in_flight_total}), "
              f"readers with no item for them: {skipped}")
        self.assertEqual(set(states), {"sent", "skipped"} if skipped else {"sent"}, states)
        self.assertEqual(sent + skipped, subscribers)
        self.assertEqual(lost, 0)
        self.assertLessEqual(duplicates, in_flight_total)


if __name__ == "__main__":
    unittest.main()
