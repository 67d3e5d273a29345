"""Digest definitions and runs through the built binary: `digests create | ls | show | run`,
hostile definitions, two runs at once, the API, and `serve` giving each new post its own
letter to immediate subscribers.

Posts and sections are made with `sections create` / `posts add` when the binary has them,
else written straight into the data directory's database (the same rows those commands
write). COMMUNIQUE_BIN names the binary; every test works in its own temporary data
directory, and servers listen on 127.0.0.1 and are stopped by the test.
"""

import json
import os
import re
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


class DigestTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-digests-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")
        self.outbox = os.path.join(self.data, "outbox", "new")
        self.addCleanup(self.tmp.cleanup)

    def cli(self, *args, check=True):
        result = subprocess.run([BIN, "--data-dir", self.data, *args], capture_output=True,
                                text=True, timeout=120)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    def has_command(self, name):
        """Whether the binary has command `name` (listed under Subcommands in its help)."""
        return re.search(rf"^  {name}\b", self.cli("--help").stdout, re.M) is not None

    def db(self):
        return sqlite3.connect(os.path.join(self.data, "communique.db"), timeout=10)

    def make_list(self, subscribers=2):
        self.cli("lists", "create", "press", "--title", "Press releases")
        people = os.path.join(self.dir, "people.csv")
        with open(people, "w") as f:
            f.write("email,name\n")
            for i in range(subscribers):
                f.write(f"reader{i}@example.org,Reader {i}\n")
        self.cli("import", "--list", "press", people)

    def make_section(self, name):
        if self.has_command("sections"):
            self.cli("sections", "create", "--list", "press", name)
            return
        with self.db() as db:
            db.execute("INSERT INTO sections (list_id, name, position, created_at) "
                       "SELECT 1, ?, (SELECT count(*) FROM sections WHERE list_id = 1), 0",
                       (name,))

    def add_post(self, section, title, body="A note."):
        """Publishes a post now; its id."""
        if self.has_command("posts"):
            path = os.path.join(self.dir, "post.md")
            with open(path, "w") as f:
                f.write(body)
            out = self.cli("posts", "add", "--list", "press", "--section", section,
                           "--title", title, path).stdout
            return int(out.strip().splitlines()[-1])
        now = int(time.time())
        with self.db() as db:
            cursor = db.execute(
                "INSERT INTO posts (list_id, section_id, slug, title, body, status, "
                "published_at, published_seq, created_at, updated_at) "
                "SELECT 1, s.id, ?, ?, ?, 'published', ?, "
                "(SELECT coalesce(max(published_seq), 0) + 1 FROM posts), ?, ? "
                "FROM sections s WHERE s.list_id = 1 AND s.name = ?",
                (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"), title, body, now, now,
                 now, section))
            return cursor.lastrowid

    def issue_posts(self, issue):
        with self.db() as db:
            return [row[0] for row in db.execute(
                "SELECT post_id FROM issue_posts WHERE issue_id = ? ORDER BY position", (issue,))]

    def digest_issues(self):
        with self.db() as db:
            return [row[0] for row in db.execute(
                "SELECT id FROM issues WHERE kind = 'digest' ORDER BY id")]

    def letters(self):
        return os.listdir(self.outbox) if os.path.isdir(self.outbox) else []


class DigestCommandsTest(DigestTestCase):
    def create_weekly(self, *extra):
        return self.cli("digests", "create", "--list", "press", "--name", "weekly", "--every",
                        "weekly mon 09:00", "--tz", "Europe/Moscow", *extra).stdout.strip()

    def test_create_ls_show_run_and_a_second_run_with_nothing_new_sends_nothing(self):
        self.make_list(subscribers=2)
        self.make_section("News")
        self.make_section("Statements")
        call = self.add_post("News", "A telephone conversation")
        statement = self.add_post("Statements", "A statement on the summit")
        digest = self.create_weekly("--sections", "Statements,News", "--only-if-new")
        self.assertEqual(digest, "1")

        listed = self.cli("digests", "ls").stdout
        self.assertRegex(listed, r"1\s+press\s+weekly\s+weekly mon 09:00\s+Europe/Moscow\s+"
                                 + ISO + r"\s+never")
        shown = self.cli("digests", "show", digest).stdout
        self.assertIn("every:           weekly mon 09:00 Europe/Moscow", shown)
        self.assertIn("sections:        Statements, News", shown)
        # The next run in the definition's zone and in UTC: Monday 09:00 Moscow is 06:00Z.
        self.assertRegex(shown, r"next run:\s+\d{4}-\d\d-\d\d 09:00 \+03:00 \(\d{4}-\d\d-\d\dT06:00:00Z\)")
        self.assertIn("none yet", shown)

        ran = self.cli("digests", "run", digest).stdout.splitlines()
        self.assertRegex(ran[0], r"^\d+$")
        issue = int(ran[0])
        self.assertRegex(ran[-1], r"^sent \d+, failed \d+, deferred \d+")
        self.assertEqual(self.issue_posts(issue), [statement, call])  # the digest's order
        with self.db() as db:
            subject, cadence, status = db.execute(
                "SELECT subject, cadence, status FROM issues WHERE id = ?", (issue,)).fetchone()
        self.assertRegex(subject, r"^Press releases: \d{1,2} [A-Z][a-z]+ \d{4}$")
        self.assertEqual(cadence, "weekly")
        self.assertNotIn(status, ("draft", "scheduled"))  # sent by the run itself

        again = self.cli("digests", "run", digest).stdout
        self.assertRegex(again, r"^skipped: no new posts since " + ISO + r"\n$")
        self.assertEqual(self.digest_issues(), [issue])
        shown = self.cli("digests", "show", digest).stdout
        self.assertRegex(shown, ISO + r"\s+skipped\s+0\s+-\s+no new posts since " + ISO)
        self.assertRegex(shown, ISO + rf"\s+sent\s+2\s+{issue}")
        self.assertLess(shown.index("skipped"), shown.index(" sent "))  # newest first

        fresh = self.add_post("News", "A new note")
        ran = self.cli("digests", "run", digest).stdout.splitlines()
        self.assertEqual(self.issue_posts(int(ran[0])), [fresh])  # only what is new

    def test_a_reviewed_digest_leaves_a_draft_and_sends_nothing(self):
        self.make_list()
        self.make_section("News")
        self.add_post("News", "For the editor")
        digest = self.create_weekly("--review")
        result = self.cli("digests", "run", digest)
        self.assertRegex(result.stdout, r"^\d+\n$")
        self.assertIn("waits for review", result.stderr)
        with self.db() as db:
            status, = db.execute("SELECT status FROM issues WHERE id = ?",
                                 (int(result.stdout),)).fetchone()
        self.assertEqual(status, "draft")
        self.assertEqual(self.letters(), [])

    def test_update_and_remove(self):
        self.make_list()
        self.make_section("News")
        digest = self.create_weekly()
        self.cli("digests", "update", digest, "--every", "daily 07:30", "--review", "--disable")
        shown = self.cli("digests", "show", digest).stdout
        self.assertIn("every:           daily 07:30 Europe/Moscow", shown)
        self.assertIn("review:          yes", shown)
        self.assertIn("next run:        none (disabled)", shown)
        self.assertIn("removed digest 1", self.cli("digests", "rm", digest).stdout)
        missing = self.cli("digests", "show", digest, check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("there is no digest 1", missing.stderr)

    def test_hostile_definitions_are_refused_with_what_to_write(self):
        self.make_list()
        self.make_section("News")
        self.make_section("Statements")
        base = ["digests", "create", "--list", "press", "--name", "weekly"]
        funday = self.cli(*base, "--every", "weekly funday 09:00", check=False)
        self.assertEqual(funday.returncode, 1)
        self.assertRegex(funday.stderr, r"^communique: every: ")
        self.assertIn("mon", funday.stderr)
        passwd = self.cli(*base, "--every", "weekly mon 09:00", "--tz", "../../etc/passwd",
                          check=False)
        self.assertEqual(passwd.returncode, 1)
        self.assertIn('tz: unknown time zone "../../etc/passwd"', passwd.stderr)
        self.assertNotIn("root:", passwd.stderr + passwd.stdout)
        sports = self.cli(*base, "--every", "weekly mon 09:00", "--sections", "News,Sports",
                          check=False)
        self.assertEqual(sports.returncode, 1)
        self.assertIn("the list has no section 'Sports'; its sections are: News, Statements",
                      sports.stderr)
        twice = self.cli(*base, "--every", "daily 09:00", "--sections", "News,news", check=False)
        self.assertEqual(twice.returncode, 1)
        self.assertIn("named twice", twice.stderr)
        control = self.cli(*base[:-1], "week\x1bly", "--every", "daily 09:00", check=False)
        self.assertEqual(control.returncode, 1)
        self.assertIn("name:", control.stderr)
        missing = self.cli(*base, "--every", "daily 09:00", "--template", "nope", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertRegex(missing.stderr, r"^communique: template: .*nope")
        self.assertIn("no digests yet", self.cli("digests", "ls").stderr)
        self.cli(*base, "--every", "daily 09:00")
        changed = self.cli("digests", "update", "1", "--template", "nope", check=False)
        self.assertEqual(changed.returncode, 1)
        self.assertIn("template: ", changed.stderr)
        self.assertIn("template:        default", self.cli("digests", "show", "1").stdout)

    def test_two_runs_at_once_make_one_issue_and_everyone_gets_one_letter(self):
        self.make_list(subscribers=20)
        self.make_section("News")
        self.add_post("News", "Raced for")
        digest = self.create_weekly()
        runs = [subprocess.Popen([BIN, "--data-dir", self.data, "digests", "run", digest],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
        self.assertEqual(len(self.digest_issues()), 1, results)
        made = [out for code, out, _ in results if code == 0 and re.match(r"^\d+\n", out)]
        self.assertEqual(len(made), 1, results)
        for code, out, err in results:
            if out is made[0]:
                continue
            # The other either lost the race to record, or ran after it and found nothing new.
            self.assertTrue("run by another runner" in err or out.startswith("skipped: "),
                            (code, out, err))
        with self.db() as db:
            runs_recorded = db.execute("SELECT count(*) FROM digest_runs").fetchone()[0]
            sent = db.execute("SELECT count(*) FROM deliveries WHERE state = 'sent'").fetchone()[0]
        self.assertLessEqual(runs_recorded, 2)
        self.assertEqual(sent, len(self.letters()))


class DigestServerTest(DigestTestCase):
    def start_serve(self):
        server = subprocess.Popen([BIN, "--data-dir", self.data, "serve", "--listen",
                                   "127.0.0.1:0"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True,
                                  env=dict(os.environ, COMMUNIQUE_DELIVERY__POLL_SECONDS="1"))

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
                return server, line.split("http://")[1].split(" ")[0]
            if not line and server.poll() is not None:
                break
        self.fail("the server did not start")

    def token(self, role):
        subprocess.run([BIN, "--data-dir", self.data, "users", "add", role, "--role", role],
                       input="correct horse battery\n", capture_output=True, text=True,
                       check=True)
        return self.cli("tokens", "create", "--user", role, "ci").stdout.strip()

    def api(self, address, token, method, path, body=None):
        request = urllib.request.Request(
            f"http://{address}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def wait_for(self, query, args=()):
        """The first row `query` gives, waiting for serve's next rounds (30 s at most)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with self.db() as db:
                row = db.execute(query, args).fetchone()
            if row:
                return row
            time.sleep(0.2)
        self.fail(f"nothing came of: {query}")

    def test_the_api_creates_shows_and_runs_digests_and_viewers_only_read(self):
        self.make_list()
        self.make_section("News")
        self.make_section("Statements")
        self.add_post("News", "Through the API")
        editor = self.token("editor")
        viewer = self.token("viewer")
        _, address = self.start_serve()
        status, body = self.api(address, editor, "POST", "/api/v1/digests", {
            "list_id": 1, "name": "weekly", "every": "weekly mon 09:00",
            "time_zone": "Europe/Berlin", "sections": ["Statements", "News"], "review": True})
        self.assertEqual(status, 201, body)
        digest = body["id"]
        self.assertEqual(body["sections"], ["Statements", "News"])
        self.assertRegex(body["next_run"], ISO)
        status, body = self.api(address, editor, "POST", "/api/v1/digests", {
            "list_id": 1, "name": "other", "every": "weekly funday 09:00"})
        self.assertEqual(status, 400)
        self.assertIn("every:", body["error"]["message"])
        status, body = self.api(address, viewer, "POST", f"/api/v1/digests/{digest}/run")
        self.assertEqual(status, 403)

        status, body = self.api(address, editor, "POST", f"/api/v1/digests/{digest}/run")
        self.assertEqual(status, 201, body)
        self.assertEqual(body["run"]["outcome"], "draft")
        self.assertEqual(body["run"]["posts"], 1)
        issue = body["issue_id"]
        status, body = self.api(address, editor, "POST", f"/api/v1/digests/{digest}/run")
        self.assertEqual(body["run"]["outcome"], "skipped")
        self.assertIsNone(body["issue_id"])
        self.assertRegex(body["run"]["note"], "^no new posts since " + ISO + "$")

        status, body = self.api(address, viewer, "GET", f"/api/v1/digests/{digest}")
        self.assertEqual(status, 200)
        self.assertEqual([run["outcome"] for run in body["runs"]], ["skipped", "draft"])
        self.assertEqual(body["runs"][1]["issue_id"], issue)
        status, body = self.api(address, editor, "PATCH", f"/api/v1/digests/{digest}",
                                {"time_zone": "../../etc/passwd"})
        self.assertEqual(status, 400)
        status, body = self.api(address, editor, "PATCH", f"/api/v1/digests/{digest}",
                                {"every": "daily 06:00", "enabled": False})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["every"], body["time_zone"], body["enabled"]),
                         ("daily 06:00", "Europe/Berlin", False))
        status, body = self.api(address, viewer, "GET", "/api/v1/digests")
        self.assertEqual([d["name"] for d in body["digests"]], ["weekly"])
        status, _ = self.api(address, editor, "DELETE", f"/api/v1/digests/{digest}")
        self.assertEqual(status, 204)

    def test_serve_gives_a_new_post_its_own_letter_once_for_immediate_readers(self):
        self.make_list()
        self.make_section("News")
        old = self.add_post("News", "Before anyone chose immediate")
        self.start_serve()
        self.wait_for("SELECT 1 FROM posts WHERE id = ? AND announced_at IS NOT NULL", (old,))
        with self.db() as db:
            db.execute("UPDATE lists SET default_cadence = 'immediate' WHERE id = 1")
        fresh = self.add_post("News", "Breaking news")
        issue, subject = self.wait_for(
            "SELECT i.id, i.subject FROM issues i JOIN issue_posts p ON p.issue_id = i.id "
            "WHERE p.post_id = ? AND i.cadence = 'immediate'", (fresh,))
        self.assertEqual(subject, "Breaking news")
        self.wait_for("SELECT 1 FROM issues WHERE id = ? AND status = 'sent'", (issue,))
        with self.db() as db:
            letters_for_old = db.execute(
                "SELECT count(*) FROM issue_posts WHERE post_id = ?", (old,)).fetchone()[0]
            own_letters = db.execute(
                "SELECT count(*) FROM issue_posts WHERE post_id = ?", (fresh,)).fetchone()[0]
        self.assertEqual(letters_for_old, 0)
        self.assertEqual(own_letters, 1)


if __name__ == "__main__":
    unittest.main()
