"""End to end: posts and sections through the command line and the API of `serve`.

Sections are made, listed, moved, renamed and removed; posts are added (from a file or
standard input), listed, shown, published, changed and removed; hostile input is refused
with the field named and what to do; a running server sees what the command line wrote,
and the command line what was written through the server.
"""

import json
import subprocess

from test_cli import BIN
from test_server import Client, ServerTestCase


class PostsTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.run_cli("lists", "create", "press")
        self.run_cli("lists", "create", "other")
        self.run_cli("topics", "create", "--list", "press", "Economy")
        self.run_cli("topics", "create", "--list", "press", "Culture")
        self.run_cli("topics", "create", "--list", "other", "Theirs")
        for name in ("News", "Statements"):
            self.run_cli("sections", "create", "--list", "press", name)

    def failing(self, *args, input_text=None):
        result = self.run_cli(*args, input_text=input_text, check=False)
        self.assertEqual(result.returncode, 1, f"{args}: {result.stdout}")
        return result.stderr

    def add(self, *args, title="Talks", body="We **met** the Minister.\n"):
        path = self.write("post.md", body)
        return self.run_cli("posts", "add", "--list", "press", "--section", "News",
                            "--title", title, *args, path).stdout.strip()

    def test_sections_are_created_listed_moved_renamed_and_removed(self):
        self.run_cli("sections", "create", "--list", "press", "Travel")
        listed = self.run_cli("sections", "ls", "--list", "press").stdout.splitlines()
        self.assertEqual([line.split()[:2] for line in listed[1:]],
                         [["1", "News"], ["2", "Statements"], ["3", "Travel"]])
        self.run_cli("sections", "move", "--list", "press", "Travel", "--to", "1")
        moved = self.run_cli("sections", "move", "--list", "press", "News", "--before",
                             "Travel").stdout
        self.assertIn("sections of 'press': News, Travel, Statements", moved)
        self.run_cli("sections", "rename", "--list", "press", "Travel", "Journeys")
        taken = self.failing("sections", "rename", "--list", "press", "Journeys", "news")
        self.assertIn("the list has a section named 'news' already", taken)
        self.add()
        in_use = self.failing("sections", "rm", "--list", "press", "News")
        self.assertIn("move them to another section or remove them first", in_use)
        self.run_cli("sections", "rm", "--list", "press", "Journeys")
        listed = self.run_cli("sections", "ls", "--list", "press").stdout.splitlines()
        self.assertEqual([line.split() for line in listed[1:]],
                         [["1", "News", "1"], ["2", "Statements", "0"]])
        for group in ("sections", "posts"):
            for command in ("create", "ls", "move", "rename", "rm") if group == "sections" \
                    else ("add", "ls", "show", "publish", "update", "rm"):
                helped = self.run_cli(group, command, "--help")
                self.assertIn("Usage", helped.stdout, f"{group} {command}")

    def test_a_post_is_added_listed_shown_published_changed_and_removed(self):
        draft = self.add("--topic", "Economy", "--topic", "culture", "--lang", "EN", "--draft")
        self.assertTrue(draft.isdigit(), draft)  # the id alone
        from_stdin = subprocess.run(
            [BIN, "--data-dir", self.data, "posts", "add", "--list", "press", "--section",
             "statements", "--title", "Statement", "-"],
            input="A *statement*.\n", capture_output=True, text=True, timeout=60)
        self.assertEqual(from_stdin.returncode, 0, from_stdin.stderr)
        statement = from_stdin.stdout.strip()

        listed = self.run_cli("posts", "ls", "--list", "press").stdout.splitlines()
        self.assertEqual([line.split()[0] for line in listed[1:]], [statement, draft])
        self.assertIn("draft", listed[2])
        self.assertIn("Economy, Culture", listed[2])
        drafts = json.loads(self.run_cli("posts", "ls", "--status", "draft", "--json").stdout)
        self.assertEqual([(p["id"], p["section"], p["list"]) for p in drafts],
                         [(int(draft), "News", "press")])

        shown = self.run_cli("posts", "show", draft).stdout
        self.assertIn("title:       Talks", shown)
        self.assertIn("section:     News", shown)
        self.assertIn("topics:      Economy, Culture", shown)
        self.assertIn("language:    en", shown)
        self.assertIn("status:      draft", shown)
        self.assertTrue(shown.rstrip().endswith("We **met** the Minister."), shown)

        published = self.run_cli("posts", "publish", draft).stdout
        self.assertIn(f"published post {draft}", published)
        again = self.failing("posts", "publish", draft)
        self.assertIn("is published already", again)
        self.assertEqual(len(json.loads(self.run_cli(
            "posts", "ls", "--since", "2000-01-01", "--json").stdout)), 2)

        body = self.write("new.md", "New body.\n")
        self.run_cli("posts", "update", draft, "--title", "Trade talks", "--section",
                     "Statements", "--no-topics", "--body", body)
        shown = self.run_cli("posts", "show", draft).stdout
        self.assertIn("title:       Trade talks", shown)
        self.assertIn("section:     Statements", shown)
        self.assertIn("topics:      (none)", shown)
        self.assertIn("New body.", shown)

        translation = self.add("--lang", "ru", "--translation-of", draft, title="Переговоры")
        self.assertIn(f"translations: {translation} (ru)",
                      self.run_cli("posts", "show", draft).stdout)
        self.assertIn(f"translates:  {draft}",
                      self.run_cli("posts", "show", translation).stdout)
        self.run_cli("posts", "update", translation, "--original")
        self.assertNotIn("translates:", self.run_cli("posts", "show", translation).stdout)
        self.run_cli("posts", "update", translation, "--translation-of", draft)
        self.assertIn(f"translates:  {draft}",
                      self.run_cli("posts", "show", translation).stdout)
        itself = self.failing("posts", "update", draft, "--translation-of", translation)
        self.assertIn("translation_of:", itself)

        self.assertIn(f"removed post {statement}",
                      self.run_cli("posts", "rm", statement).stdout)
        gone = self.failing("posts", "show", statement)
        self.assertIn(f"there is no post {statement}; `communique posts ls` lists the posts",
                      gone)

    def test_hostile_posts_are_refused_with_the_field_and_what_to_do(self):
        wrong_section = self.failing("posts", "add", "--list", "press", "--section", "Newz",
                                     "--title", "T", self.write("a.md", "a"))
        self.assertIn("there is no section 'Newz' on list press: sections are News, "
                      "Statements (communique sections ls --list press)", wrong_section)
        their_topic = self.failing("posts", "add", "--list", "press", "--section", "News",
                                   "--topic", "Theirs", "--title", "T", self.write("a.md", "a"))
        self.assertIn("there is no topic 'Theirs' on list press: topics are Culture, Economy",
                      their_topic)
        line_break = self.failing("posts", "add", "--list", "press", "--section", "News",
                                  "--title", "Talks\nBcc: x@example.org",
                                  self.write("a.md", "a"))
        self.assertIn("title: the title must be one line", line_break)
        huge = self.failing("posts", "add", "--list", "press", "--section", "News", "--title",
                            "Huge", self.write("huge.md", "a" * (2 * 1024 * 1024)))
        self.assertIn("body: the body is larger than 1 MiB; split it into several posts", huge)
        nul = self.failing("posts", "add", "--list", "press", "--section", "News", "--title",
                           "Nul", self.write("nul.md", "before\0after"))
        self.assertIn("body: the body contains a control character", nul)
        language = self.failing("posts", "add", "--list", "press", "--section", "News",
                                "--lang", "english please", "--title", "T",
                                self.write("a.md", "a"))
        self.assertIn("language:", language)
        elsewhere = self.failing("posts", "add", "--list", "nowhere", "--section", "News",
                                 "--title", "T", self.write("a.md", "a"))
        self.assertIn("`communique lists ls` lists the lists", elsewhere)
        self.assertEqual(json.loads(self.run_cli("posts", "ls", "--json").stdout), [])

        # Script in a title is stored as the text it is; the API returns it as a JSON string.
        script = '<script>alert("x")</script>'
        post_id = self.add(title=script)
        self.assertIn(f"title:       {script}", self.run_cli("posts", "show", post_id).stdout)
        self.add_admin()
        _, address = self.start_server()
        client = Client(address)
        client.token = self.run_cli("tokens", "create", "--user", "alice", "ci").stdout.strip()
        status, headers, body = client.call("GET", f"/api/v1/posts/{post_id}")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertNotIn(b'alert("x")', body)
        self.assertEqual(json.loads(body)["title"], script)

    def test_lists_take_a_fallback_language_and_a_default_cadence(self):
        updated = self.run_cli("lists", "update", "press", "--fallback-language", "RU",
                               "--cadence", "daily").stdout
        self.assertIn("in daily digests", updated)
        lists = {entry["name"]: entry for entry in json.loads(
            self.run_cli("lists", "ls", "--json").stdout)}
        self.assertEqual((lists["press"]["fallback_language"], lists["press"]["cadence"]),
                         ("ru", "daily"))
        self.assertEqual(lists["other"]["cadence"], "weekly")
        table = self.run_cli("lists", "ls").stdout.splitlines()
        self.assertIn("CADENCE", table[0])
        self.assertIn("daily", next(line for line in table if line.startswith("press")))
        wrong = self.run_cli("lists", "update", "press", "--cadence", "hourly", check=False)
        self.assertEqual(wrong.returncode, 2)

    def test_the_server_sees_what_the_command_line_writes_and_the_other_way_round(self):
        self.run_cli("users", "add", "victor", "--role", "viewer",
                     input_text="viewer password 1\n")
        self.add_admin()
        _, address = self.start_server()
        client = Client(address)
        self.sign_in(client)
        written_here = self.add("--topic", "Economy")

        status, _, body = client.call("GET", "/api/v1/posts?list=1")
        self.assertEqual(status, 200, body)
        posts = json.loads(body)["posts"]
        self.assertEqual([p["id"] for p in posts], [int(written_here)])
        self.assertEqual(posts[0]["topics"][0]["name"], "Economy")
        self.assertEqual(posts[0]["section"]["name"], "News")

        status, _, body = client.call("GET", "/api/v1/lists/1/sections")
        sections = {s["name"]: s["id"] for s in json.loads(body)["sections"]}
        new_post = {"list": 1, "section": sections["Statements"], "title": "From the API",
                    "body": "Written over HTTP.", "status": "draft"}
        # A session writes only with its CSRF token.
        status, _, body = client.call("POST", "/api/v1/posts", new_post)
        self.assertEqual(status, 403, body)
        self.assertEqual(json.loads(body)["error"]["code"], "csrf")
        status, _, body = client.call("POST", "/api/v1/posts", new_post,
                                      headers={"X-CSRF-Token": client.csrf})
        self.assertEqual(status, 201, body)
        api_post = json.loads(body)["id"]
        # A viewer reads, and may not write.
        viewer = Client(address)
        viewer.token = self.run_cli("tokens", "create", "--user", "victor", "ro").stdout.strip()
        status, _, body = viewer.call("POST", "/api/v1/posts", new_post)
        self.assertEqual(status, 403, body)
        status, _, _ = viewer.call("GET", f"/api/v1/posts/{api_post}")
        self.assertEqual(status, 200)

        shown = self.run_cli("posts", "show", str(api_post)).stdout
        self.assertIn("title:       From the API", shown)
        self.assertIn("status:      draft", shown)
        self.run_cli("posts", "publish", str(api_post))
        status, _, body = client.call("GET", f"/api/v1/posts/{api_post}")
        self.assertEqual(json.loads(body)["status"], "published")
        status, _, body = client.call("DELETE", f"/api/v1/posts/{written_here}",
                                      headers={"X-CSRF-Token": client.csrf})
        self.assertEqual(status, 204, body)
        listed = json.loads(self.run_cli("posts", "ls", "--json").stdout)
        self.assertEqual([p["id"] for p in listed], [api_post])
