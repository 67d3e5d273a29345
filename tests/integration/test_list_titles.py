"""End to end: a list's title is what readers see, on every public page and in List-Id.

A list with a title shows it (HTML-escaped) on the subscribe form and its snippet, the
subscribe answer, the confirmation letter and page, the preference page, the unsubscribe
page and its answers, and in the phrase of the letter's List-Id; a list without one
shows its name. The name stays the handle of the command line and the API.
"""

import email
import email.policy
import glob
import json
import os
import re
import subprocess
import time
import urllib.parse

from test_cli import BIN, CommuniqueTestCase
from test_server import Client

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "golden", "reference_letter.md")

TITLE = "Press <script>alert(1)</script> & news"
ESCAPED = "Press &lt;script&gt;alert(1)&lt;/script&gt; &amp; news"


class ListTitleTest(CommuniqueTestCase):
    def cli(self, *args, input_text=None):
        result = subprocess.run([BIN, "--data-dir", self.data, *args], capture_output=True,
                                text=True, input=input_text, timeout=120)
        self.assertEqual(result.returncode, 0, f"{args}: {result.stderr}")
        return result.stdout

    def failing_cli(self, *args):
        result = subprocess.run([BIN, "--data-dir", self.data, *args], capture_output=True,
                                text=True, timeout=120)
        self.assertEqual(result.returncode, 1, f"{args}: {result.stdout}")
        return result.stderr

    def letter_to(self, address):
        """The first letter to `address` in the outbox, waiting for it to be sent."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for path in sorted(glob.glob(os.path.join(self.data, "outbox", "new", "*"))):
                with open(path, "rb") as f:
                    letter = email.message_from_binary_file(f, policy=email.policy.default)
                if letter["To"].addresses[0].addr_spec == address:
                    return letter
            time.sleep(0.05)
        self.fail(f"no letter to {address} arrived")

    def rendered(self, list_name):
        """A letter of a new issue to `list_name`, as ann@example.org would get it."""
        issue = self.cli("issues", "create", "--list", list_name, "--subject", "Weekly",
                         "--body", REFERENCE).strip()
        raw = subprocess.run([BIN, "--data-dir", self.data, "render", issue, "--to",
                              "ann@example.org"], capture_output=True, timeout=120).stdout
        return email.message_from_bytes(raw, policy=email.policy.default)

    def get(self, client, path):
        status, _, page = client.call("GET", path)
        self.assertEqual(status, 200, path)
        return page.decode()

    def assert_escaped_title(self, page):
        self.assertIn(ESCAPED, page)
        self.assertNotIn("<script>", page)

    def test_a_title_is_what_readers_see_escaped_and_a_list_without_one_shows_its_name(self):
        self.cli("lists", "create", "press", "--title", TITLE, "--optin", "double")
        self.cli("lists", "create", "staff")
        people = self.write("people.csv", "email,name\nann@example.org,Ann\n")
        self.cli("import", "--list", "press", people)
        self.cli("import", "--list", "staff", people)

        press = self.rendered("press")
        staff = self.rendered("staff")
        # RFC 2919: the phrase is the title, the id stays the name's.
        self.assertRegex(press["List-Id"], r'^"Press <script>alert\(1\)</script> & news" '
                                           r"<press\.[^>]+>$")
        self.assertRegex(staff["List-Id"], r'^"staff" <staff\.[^>]+>$')
        tokens = {}
        for name, letter in (("press", press), ("staff", staff)):
            url = re.match(r"<([^>]+)>", letter["List-Unsubscribe"]).group(1)
            tokens[name] = url.rsplit("/", 1)[1]
        text = next(p for p in press.walk() if p.get_content_type() == "text/plain").get_content()
        preferences = re.search(r"/preferences/([A-Za-z0-9_-]{43})", text).group(1)

        _, address = self.start_server()
        visitor = Client(address)
        form = self.get(visitor, "/subscribe")
        self.assert_escaped_title(form)
        self.assertRegex(form, r'name="list" value="\d+"> staff\b')
        snippet = self.get(visitor, "/subscribe/snippet")
        self.assert_escaped_title(snippet)
        self.assertIn("> staff</label>", snippet)

        page = self.get(visitor, f"/preferences/{preferences}")
        self.assert_escaped_title(page)
        self.assertIn("> staff</label>", page)

        # The unsubscribe page, its answer to the button, and the page opened again.
        page = self.get(visitor, f"/unsubscribe/{tokens['press']}")
        self.assertIn(f"Stop receiving <strong>{ESCAPED}</strong>", page)
        self.assertNotIn("<script>", page)
        self.assertIn("Stop receiving <strong>staff</strong>",
                      self.get(visitor, f"/unsubscribe/{tokens['staff']}"))
        status, _, answer = visitor.call("POST", f"/unsubscribe/{tokens['press']}",
                                         form="List-Unsubscribe=One-Click&page=1")
        self.assertEqual(status, 200)
        self.assertIn(f"You will no longer receive <strong>{ESCAPED}</strong>", answer.decode())
        self.assertNotIn("<script>", answer.decode())
        page = self.get(visitor, f"/unsubscribe/{tokens['press']}")
        self.assertIn(f"You already left <strong>{ESCAPED}</strong>", page)
        # A mail provider's one-click request is answered in plain text: the title as it is.
        status, _, answer = visitor.call("POST", f"/unsubscribe/{tokens['staff']}",
                                         body=b"List-Unsubscribe=One-Click")
        self.assertEqual(status, 200)
        self.assertIn("you will no longer receive staff from", answer.decode())

        # Subscribing through the form: the answer, the confirmation letter and its page.
        press_id = re.search(r'name="list" value="(\d+)">', form).group(1)
        status, _, answer = visitor.call(
            "POST", "/subscribe",
            form=urllib.parse.urlencode([("email", "new@example.org"), ("list", press_id)]))
        self.assertEqual(status, 200)
        self.assert_escaped_title(answer.decode())
        letter = self.letter_to("new@example.org").get_content()
        self.assertIn(f"asked to receive {TITLE} from", letter)
        confirm = re.search(r"https?://[^/\s]+(/confirm/[A-Za-z0-9_-]+)", letter).group(1)
        page = self.get(visitor, confirm)
        self.assertIn(f"receive <strong>{ESCAPED}</strong>", page)
        self.assertNotIn("<script>", page)
        token = confirm.rsplit("/", 1)[1]
        status, _, page = visitor.call("POST", "/confirm", form=f"token={token}")
        self.assertEqual(status, 200)
        self.assertIn(f"You will receive: {ESCAPED}.", page.decode())

    def test_lists_update_changes_the_title_and_description_and_keeps_the_name(self):
        self.assertIn('shown to readers as "press"', self.cli("lists", "create", "press"))
        self.assertIn('updated list \'press\', shown to readers as "Press releases"',
                      self.cli("lists", "update", "press", "--title", "Press releases",
                               "--description", "Statements"))
        listed = self.cli("lists", "ls")
        self.assertRegex(listed, r"(?m)^NAME\s+TITLE\s+ACCESS")
        self.assertRegex(listed, r"(?m)^press\s+Press releases\s+public")
        shown = json.loads(self.cli("lists", "ls", "--json"))[0]
        self.assertEqual((shown["name"], shown["title"], shown["description"]),
                         ("press", "Press releases", "Statements"))

        self.assertIn("nothing to change: give --title, --description, --fallback-language or "
                      "--cadence",
                      self.failing_cli("lists", "update", "press"))
        self.assertIn("the list title contains invalid or control characters",
                      self.failing_cli("lists", "update", "press", "--title", "a\tb"))
        self.assertIn("there is no list named 'nope'",
                      self.failing_cli("lists", "update", "nope", "--title", "Nope"))
        self.assertIn('shown to readers as "press"',
                      self.cli("lists", "update", "press", "--title", ""))
        shown = json.loads(self.cli("lists", "ls", "--json"))[0]
        self.assertEqual((shown["title"], shown["description"]), ("", "Statements"))

    def test_the_api_creates_and_changes_a_title_and_the_form_shows_it(self):
        _, address = self.start_server()
        self.cli("users", "add", "alice", "--role", "admin", input_text="correct horse battery\n")
        program = Client(address)
        program.token = self.cli("tokens", "create", "--user", "alice", "deploy").strip()

        status, _, body = program.call("POST", "/api/v1/lists",
                                       body={"name": "news", "title": "News"})
        self.assertEqual(status, 201, body)
        created = json.loads(body)
        self.assertEqual((created["name"], created["title"]), ("news", "News"))

        status, _, body = program.call("PATCH", f"/api/v1/lists/{created['id']}",
                                       body={"title": "Daily news"})
        self.assertEqual(status, 200, body)
        changed = json.loads(body)
        self.assertEqual((changed["name"], changed["title"]), ("news", "Daily news"))
        status, _, body = program.call("GET", "/api/v1/lists")
        self.assertEqual(json.loads(body)["lists"][0]["title"], "Daily news")

        status, _, body = program.call("PATCH", f"/api/v1/lists/{created['id']}",
                                       body={"title": "a\nb"})
        self.assertEqual(status, 400)
        self.assertIn("the list title contains invalid or control characters", body.decode())
        status, _, _ = program.call("PATCH", "/api/v1/lists/999", body={"title": "x"})
        self.assertEqual(status, 404)

        form = self.get(Client(address), "/subscribe")
        self.assertIn("> Daily news", form)
        self.assertNotIn("> news", form)
