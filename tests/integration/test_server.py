"""End to end: accounts, the REST API and the subscriber's pages on a running `serve`.

The confirmation letter is read from the maildir outbox with Python's email package and
its link is followed as a person would.
"""

import email
import email.policy
import glob
import json
import os
import re
import signal
import socket
import sqlite3
import time
import unittest
import urllib.error
import urllib.request

from test_cli import BIN, CommuniqueTestCase


class Client:
    """A browser-like client: keeps the session cookie and sends the CSRF token."""

    def __init__(self, address):
        self.base = f"http://{address}"
        self.cookie = None
        self.csrf = None
        self.token = None

    def call(self, method, path, body=None, form=None, headers=None):
        data = None
        all_headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode() if not isinstance(body, bytes) else body
            all_headers.setdefault("Content-Type", "application/json")
        if form is not None:
            data = form.encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            all_headers["Cookie"] = self.cookie
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


class ServerTestCase(CommuniqueTestCase):
    """Accounts from the command line and sign-in through the API, for tests of `serve`."""

    def add_admin(self):
        short = self.run_cli("users", "add", "alice", "--role", "admin", check=False,
                             input_text="short\n")
        self.assertEqual(short.returncode, 1)
        self.assertIn("at least 10 characters", short.stderr)
        added = self.run_cli("users", "add", "alice", "--role", "admin",
                             input_text="correct horse battery\n")
        self.assertIn("user alice (admin) added", added.stdout)

    def run_cli(self, *args, input_text=None, check=True):
        import subprocess
        result = subprocess.run([BIN, "--data-dir", self.data, *args], capture_output=True,
                                text=True, input=input_text, timeout=120)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    def sign_in(self, client, password="correct horse battery", name="alice"):
        status, headers, body = client.call("POST", "/api/v1/session",
                                            {"name": name, "password": password})
        self.assertEqual(status, 200, body)
        cookie = headers["Set-Cookie"]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        client.cookie = cookie.split(";")[0]
        client.csrf = json.loads(body)["csrf_token"]


class ServerApiTest(ServerTestCase):
    def test_subscribe_confirm_and_manage_through_the_api(self):
        self.add_admin()
        process, address = self.start_server()
        admin = Client(address)
        self.sign_in(admin)

        status, _, body = admin.call("POST", "/api/v1/lists",
                                     {"name": "Weekly", "opt_in": "double"})
        self.assertEqual(status, 403, body)
        self.assertEqual(json.loads(body)["error"]["code"], "csrf")
        status, _, body = admin.call("POST", "/api/v1/lists",
                                     {"name": "Weekly", "opt_in": "double"},
                                     headers={"X-CSRF-Token": admin.csrf})
        self.assertEqual(status, 201, body)
        list_id = json.loads(body)["id"]

        visitor = Client(address)
        status, _, page = visitor.call("GET", "/subscribe")
        self.assertEqual(status, 200)
        self.assertIn(b"Weekly", page)
        status, _, page = visitor.call("POST", "/subscribe",
                                       form=f"email=reader%40example.org&name=Reader&list={list_id}")
        self.assertEqual(status, 200)
        self.assertIn(b"Check your inbox", page)

        letters = []
        deadline = time.monotonic() + 10
        while not letters and time.monotonic() < deadline:
            letters = glob.glob(os.path.join(self.data, "outbox", "new", "*"))
            time.sleep(0.05)
        self.assertEqual(len(letters), 1)
        with open(letters[0], "rb") as f:
            letter = email.message_from_binary_file(f, policy=email.policy.default)
        self.assertEqual(letter["To"].addresses[0].addr_spec, "reader@example.org")
        self.assertEqual(letter["Subject"], "Please confirm your subscription")
        self.assertIsNone(letter["List-Unsubscribe"])
        text = letter.get_content()
        link = re.search(r"https?://[^/\s]+(/confirm/[A-Za-z0-9_-]+)", text)
        self.assertIsNotNone(link, text)

        status, _, body = admin.call("GET", f"/api/v1/subscribers?list={list_id}&status=confirmed")
        self.assertEqual(json.loads(body)["subscribers"], [])
        status, _, page = visitor.call("GET", link.group(1))
        self.assertEqual(status, 200)
        self.assertIn(b"Confirm my subscription", page)
        status, _, body = admin.call("GET", f"/api/v1/subscribers?list={list_id}&status=confirmed")
        self.assertEqual(json.loads(body)["subscribers"], [])
        token = link.group(1).rsplit("/", 1)[1]
        status, _, page = visitor.call("POST", "/confirm", form=f"token={token}")
        self.assertEqual(status, 200)
        self.assertIn(b"You are subscribed", page)
        status, _, body = admin.call("GET", f"/api/v1/subscribers?list={list_id}&status=confirmed")
        self.assertEqual([s["email"] for s in json.loads(body)["subscribers"]],
                         ["reader@example.org"])

        # A tampered link is a plain 404 page.
        status, _, page = visitor.call("GET", link.group(1)[:-2] + "zz")
        self.assertEqual(status, 404)
        self.assertNotIn(b"Exception", page)

        # The password changes from the command line: the session ends at once.
        self.run_cli("users", "passwd", "alice", input_text="a brand new password\n")
        status, _, body = admin.call("GET", "/api/v1/session")
        self.assertEqual(status, 401)
        self.sign_in(admin, "a brand new password")

        # Programs use a token: no cookie, no CSRF token.
        token = self.run_cli("tokens", "create", "--user", "alice", "deploy").stdout.strip()
        program = Client(address)
        program.token = token
        status, _, body = program.call("POST", "/api/v1/issues",
                                       {"subject": "Hello", "lists": [list_id],
                                        "body": "Hi <script>alert(1)</script>"})
        self.assertEqual(status, 201, body)
        issue = json.loads(body)["id"]
        status, headers, page = program.call("GET", f"/api/v1/issues/{issue}/preview")
        self.assertEqual(status, 200)
        self.assertIn("sandbox", headers["Content-Security-Policy"])
        self.assertNotIn(b"<script", page)

        # The command line lists and revokes tokens; a revoked one is refused at once.
        listed = self.run_cli("tokens", "ls", "--user", "alice").stdout
        line = next(l for l in listed.splitlines() if " deploy " in l)
        token_id = line.split()[0]
        self.assertNotIn("never", line)  # it was just used
        self.assertNotIn(token, listed)
        revoked = self.run_cli("tokens", "revoke", token_id, "--user", "alice")
        self.assertIn(f"token {token_id} of alice revoked", revoked.stdout)
        status, _, _ = program.call("GET", "/api/v1/session")
        self.assertEqual(status, 401)
        again = self.run_cli("tokens", "revoke", token_id, "--user", "alice", check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("`communique tokens ls --user alice` lists their tokens", again.stderr)
        nobody = self.run_cli("tokens", "ls", "--user", "mallory", check=False)
        self.assertEqual(nobody.returncode, 1)
        self.assertIn("`communique users ls` lists the users", nobody.stderr)

        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)

    def rendered(self, issue, address):
        """The letter of `issue` to `address`, as `render` makes it."""
        return email.message_from_string(self.run_cli("render", issue, "--to", address).stdout,
                                         policy=email.policy.default)

    def preferences_path(self, letter):
        """The path of the preference link in `letter`'s text part."""
        text = next(p for p in letter.walk()
                    if p.get_content_type() == "text/plain").get_content()
        return re.search(r"https?://[^/\s]+(/preferences/[A-Za-z0-9_-]{43})", text).group(1)

    def test_an_issue_date_is_read_and_written_through_the_api(self):
        self.add_admin()
        _, address = self.start_server()
        program = Client(address)
        program.token = self.run_cli("tokens", "create", "--user", "alice", "deploy").stdout.strip()
        status, _, body = program.call("POST", "/api/v1/lists", {"name": "Weekly"})
        self.assertEqual(status, 201, body)
        draft = {"subject": "Hello", "lists": [json.loads(body)["id"]], "body": "Hi"}

        status, _, body = program.call("POST", "/api/v1/issues", dict(draft, date="2030-01-15"))
        self.assertEqual(status, 201, body)
        issue = json.loads(body)
        self.assertEqual(issue["date"], "2030-01-15")
        status, _, body = program.call("GET", f"/api/v1/issues/{issue['id']}")
        self.assertEqual(json.loads(body)["date"], "2030-01-15")

        # A date that is no day of the calendar, or is not written YYYY-MM-DD, is refused
        # and names the field; the stored date is left as it was.
        for date, words in (("2026-02-30", "February 2026 has 28 days"),
                            ("15/01/2030", "is not written YYYY-MM-DD")):
            for method, path in (("POST", "/api/v1/issues"),
                                 ("PUT", f"/api/v1/issues/{issue['id']}")):
                status, _, body = program.call(method, path, dict(draft, date=date))
                self.assertEqual(status, 400, body)
                error = json.loads(body)["error"]
                self.assertEqual(error["code"], "invalid_input")
                self.assertTrue(error["message"].startswith(f"date: '{date}'"), error)
                self.assertIn(words, error["message"])
        status, _, body = program.call("GET", f"/api/v1/issues/{issue['id']}")
        self.assertEqual(json.loads(body)["date"], "2030-01-15")

        # An empty date clears it: letters are dated the day they are made.
        status, _, body = program.call("PUT", f"/api/v1/issues/{issue['id']}",
                                       dict(draft, date=""))
        self.assertEqual(status, 200, body)
        self.assertIsNone(json.loads(body)["date"])

    def test_links_of_an_erased_subscriber_open_nothing_for_the_next_one(self):
        """Ids were given again: erase the newest subscriber, and the next to subscribe got
        their id, and with it every link sent to the person who left."""
        self.run_cli("lists", "create", "weekly")
        self.run_cli("import", "--list", "weekly", self.write("a.csv", "email,name\nann@example.org,Ann\n"))
        issue = self.run_cli("issues", "create", "--list", "weekly", "--subject", "Hello",
                             "--body", self.write("hello.md", "Hello, reader.\n")).stdout.strip()
        letter = self.rendered(issue, "ann@example.org")
        unsubscribe = re.search(r"<https?://[^/>]+(/unsubscribe/[A-Za-z0-9_-]{43})>",
                                letter["List-Unsubscribe"]).group(1)
        preferences = self.preferences_path(letter)

        process, address = self.start_server()
        visitor = Client(address)
        status, _, page = visitor.call("GET", preferences)
        self.assertEqual(status, 200)
        self.assertIn(b"ann@example.org", page)
        privacy = re.search(rb'href="(/privacy/[A-Za-z0-9_-]{43})"', page).group(1).decode()
        self.assertEqual(visitor.call("GET", privacy)[0], 200)
        self.assertEqual(visitor.call("GET", unsubscribe)[0], 200)

        status, _, page = visitor.call("POST", privacy, form="erase=yes")
        self.assertEqual(status, 200, page)
        self.assertIn(b"Your data is erased", page)
        status, _, page = visitor.call("POST", "/subscribe", form="email=bob%40example.org&name=Bob")
        self.assertEqual(status, 200, page)

        for method, path, form in [("GET", preferences, None),
                                   ("POST", preferences, "name=Mallory&language=en"),
                                   ("GET", privacy, None),
                                   ("GET", privacy + "/data", None),
                                   ("GET", unsubscribe, None),
                                   ("POST", unsubscribe, "List-Unsubscribe=One-Click"),
                                   ("POST", privacy, "erase=yes")]:
            status, _, page = visitor.call(method, path, form=form)
            self.assertEqual(status, 404, f"{method} {path}: {page[:300]}")
            self.assertNotIn(b"bob@example.org", page)

        bob = json.loads(self.run_cli("subscribers", "show", "bob@example.org", "--json").stdout)
        self.assertEqual(bob["name"], "Bob")
        self.assertEqual([(s["list"], s["status"]) for s in bob["lists"]],
                         [("weekly", "confirmed")])
        # Bob's own links work.
        his = self.preferences_path(self.rendered(issue, "bob@example.org"))
        status, _, page = visitor.call("GET", his)
        self.assertEqual(status, 200)
        self.assertIn(b"bob@example.org", page)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)

    def test_the_preference_page_offers_the_languages_the_lists_publish_in(self):
        self.run_cli("lists", "create", "weekly")
        self.run_cli("lists", "create", "staff", "--private")
        self.run_cli("import", "--list", "weekly",
                     self.write("a.csv", "email,name,language\nann@example.org,Ann,tlh\n"))
        body = self.write("hello.md", "Hello, reader.\n")
        issue = self.run_cli("issues", "create", "--list", "weekly", "--subject", "Privet",
                             "--lang", "ru", "--body", body).stdout.strip()
        # Ann is not on the private list: its language is not hers to choose.
        self.run_cli("issues", "create", "--list", "staff", "--subject", "Hallo", "--lang", "de",
                     "--body", body)
        preferences = self.preferences_path(self.rendered(issue, "ann@example.org"))

        process, address = self.start_server()
        visitor = Client(address)
        status, _, page = visitor.call("GET", preferences)
        self.assertEqual(status, 200)
        page = page.decode()
        self.assertIn('<select id="language" name="language">', page)
        self.assertNotIn('type="text" id="language"', page)
        languages = page[page.index('<select id="language"'):]
        languages = languages[:languages.index("</select>")]
        options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', languages)
        self.assertEqual(options, [("", "", "No preference"), ("ru", "", "ru"),
                                   ("tlh", " selected", "tlh")])

        status, _, page = visitor.call("POST", preferences, form="name=Ann&language=ru&list=1")
        self.assertEqual(status, 200, page)
        self.assertIn(b'<option value="ru" selected>ru</option>', page)
        status, _, page = visitor.call("GET", preferences)
        self.assertIn(b'<option value="ru" selected>ru</option>', page)
        self.assertNotIn(b'value="de"', page)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)

    def test_a_page_loaded_before_a_one_click_unsubscribe_does_not_undo_it(self):
        self.run_cli("lists", "create", "weekly")
        self.run_cli("lists", "create", "monthly")
        self.run_cli("topics", "create", "--list", "weekly", "culture")
        people = self.write("a.csv", "email,name\nann@example.org,Ann\n")
        self.run_cli("import", "--list", "weekly", people)
        self.run_cli("import", "--list", "monthly", people)
        issue = self.run_cli("issues", "create", "--list", "weekly", "--subject", "Hello",
                             "--body", self.write("hello.md", "Hello, reader.\n")).stdout.strip()
        letter = self.rendered(issue, "ann@example.org")
        unsubscribe = re.search(r"<https?://[^/>]+(/unsubscribe/[A-Za-z0-9_-]{43})>",
                                letter["List-Unsubscribe"]).group(1)
        preferences = self.preferences_path(letter)

        process, address = self.start_server()
        visitor = Client(address)
        status, _, page = visitor.call("GET", preferences)  # both lists ticked
        shown = re.search(rb'name="shown" value="([0-9,]*)"', page).group(1).decode()
        self.assertEqual(sorted(shown.split(",")), ["1", "2"])
        status, _, _ = visitor.call("POST", unsubscribe, form="List-Unsubscribe=One-Click")
        self.assertEqual(status, 200)
        # The old page is saved with a new name, the topic given twice: the name changes,
        # the unsubscribe stands, and a list unticked on the page is left.
        status, _, page = visitor.call(
            "POST", preferences,
            form=f"shown={shown}&name=Annie&language=&list=1&topic=1&topic=01")
        self.assertEqual(status, 200, page)
        ann = json.loads(self.run_cli("subscribers", "show", "ann@example.org", "--json").stdout)
        self.assertEqual(ann["name"], "Annie")
        self.assertEqual(sorted((s["list"], s["status"], s["topics"]) for s in ann["lists"]),
                         [("monthly", "unsubscribed", []),
                          ("weekly", "unsubscribed", ["culture"])])
        # Ticked again on a page that showed it left, a list is received again.
        status, _, page = visitor.call("GET", preferences)
        shown = re.search(rb'name="shown" value="([0-9,]*)"', page).group(1).decode()
        self.assertEqual(shown, "")
        visitor.call("POST", preferences, form="shown=&name=Annie&language=&list=1")
        ann = json.loads(self.run_cli("subscribers", "show", "ann@example.org", "--json").stdout)
        self.assertEqual(sorted((s["list"], s["status"]) for s in ann["lists"]),
                         [("monthly", "unsubscribed"), ("weekly", "confirmed")])
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)

    def test_the_preference_page_sets_a_cadence_and_refuses_forged_ones(self):
        self.run_cli("lists", "create", "weekly")
        self.run_cli("lists", "create", "staff", "--private")
        self.run_cli("import", "--list", "weekly",
                     self.write("a.csv", "email,name\nann@example.org,Ann\n"))
        issue = self.run_cli("issues", "create", "--list", "weekly", "--subject", "Hello",
                             "--body", self.write("hello.md", "Hello, reader.\n")).stdout.strip()
        preferences = self.preferences_path(self.rendered(issue, "ann@example.org"))

        process, address = self.start_server()
        visitor = Client(address)
        status, _, page = visitor.call("GET", preferences)
        self.assertEqual(status, 200)
        cadences = re.findall(rb'<option value="1:([a-z]+)"( selected)?>([^<]*)</option>', page)
        # Daily is not offered: the list sends no daily digest.
        self.assertEqual(cadences, [(b"immediate", b"", b"As it happens"),
                                    (b"weekly", b" selected", b"Weekly digest")])
        shown = re.search(rb'name="shown_cadences" value="([0-9a-z:,]*)"', page).group(1)
        self.assertEqual(shown, b"1:weekly")
        # A monthly digest definition of the list makes monthly a choice.
        with sqlite3.connect(os.path.join(self.data, "communique.db")) as db:
            db.execute("INSERT INTO digests (list_id, name, every, created_at, updated_at) "
                       "VALUES (1, 'monthly', 'monthly 1 09:00', 0, 0)")
        db.close()
        status, _, page = visitor.call("GET", preferences)
        self.assertIn(b'<option value="1:monthly">Monthly digest</option>', page)
        status, _, page = visitor.call(
            "POST", preferences,
            form="shown=1&shown_cadences=1:weekly&name=Ann&language=&list=1&cadence=1:monthly")
        self.assertEqual(status, 200, page)
        self.assertIn(b'<option value="1:monthly" selected>Monthly digest</option>', page)
        ann = json.loads(self.run_cli("subscribers", "show", "ann@example.org", "--json").stdout)
        self.assertEqual([(s["list"], s["cadence"], s["cadence_chosen"]) for s in ann["lists"]],
                         [("weekly", "monthly", True)])

        # Forged: a cadence on the private list she is not on is ignored; an unknown one is
        # refused and nothing of the form is saved.
        status, _, page = visitor.call(
            "POST", preferences, form="shown=1&name=Ann&language=&list=1&cadence=2:daily")
        self.assertEqual(status, 200, page)
        ann = json.loads(self.run_cli("subscribers", "show", "ann@example.org", "--json").stdout)
        self.assertEqual([s["list"] for s in ann["lists"]], ["weekly"])
        status, _, page = visitor.call(
            "POST", preferences, form="shown=1&name=Mallory&language=&list=1&cadence=1:hourly")
        self.assertEqual(status, 400)
        self.assertIn(b"is not a choice this page offers", page)
        ann = json.loads(self.run_cli("subscribers", "show", "ann@example.org", "--json").stdout)
        self.assertEqual((ann["name"], ann["lists"][0]["cadence"]), ("Ann", "monthly"))
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)

    def test_writes_of_other_processes_are_seen_after_a_health_check(self):
        self.add_admin()
        process, address = self.start_server()
        client = Client(address)
        status, _, body = client.call("GET", "/health")
        self.assertEqual(status, 200, body)
        # Written by other processes while the server runs.
        self.run_cli("lists", "create", "press")
        client.token = self.run_cli("tokens", "create", "--user", "alice", "ci").stdout.strip()
        status, _, body = client.call("GET", "/api/v1/lists")
        self.assertEqual(status, 200, body)
        self.assertIn("press", body.decode())
        status, _, body = client.call("GET", "/health")
        self.assertEqual(status, 200, body)
        self.run_cli("lists", "create", "letters")
        status, _, body = client.call("GET", "/api/v1/lists")
        self.assertEqual(status, 200, body)
        self.assertIn("letters", body.decode())

    def test_imports_templates_and_settings(self):
        self.add_admin()
        config = self.write("c.toml", '[delivery]\ntransport = "smtp"\n'
                                      '[smtp]\nhost = "127.0.0.1"\nport = 2\n'
                                      'username = "relay"\npassword = "relay-secret-1"\n')
        process, address = self.start_server("--config", config)
        self.run_cli("lists", "create", "press")
        token = self.run_cli("tokens", "create", "--user", "alice", "ci").stdout.strip()
        client = Client(address)
        client.token = token

        status, headers, body = client.call(
            "POST", "/api/v1/lists/1/imports?mode=upsert",
            b"email,name,city,status\nann@example.org,Ann,Rome,\nnot an address,Bob,Oslo,\n"
            b"cid@example.org,Cid,Oslo,unsubscribed\ndee@example.org,Dee,Oslo,blocklisted\n",
            headers={"Content-Type": "text/csv"})
        self.assertEqual(status, 202, body)
        job_url = headers["Location"]
        deadline = time.monotonic() + 20
        while True:
            status, _, body = client.call("GET", job_url)
            job = json.loads(body)
            if job["state"] != "running" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(job["state"], "done", job)
        self.assertEqual((job["imported"], job["rejected"], job["unsubscribed"], job["blocklisted"]),
                         (3, 1, 1, 1))
        status, _, rejects = client.call("GET", job["rejects_url"])
        self.assertEqual(status, 200)
        self.assertIn(b"not an address", rejects)
        status, _, body = client.call("GET", "/api/v1/subscribers?attribute=city:Rome")
        self.assertEqual([s["email"] for s in json.loads(body)["subscribers"]],
                         ["ann@example.org"])

        status, _, body = client.call("PUT", "/api/v1/templates/plain",
                                      {"html": "<h1>{{issue.subject}}</h1><script>x()</script>"
                                               "{{#content.sections}}{{{html}}}{{/content.sections}}",
                                       "text": "{{issue.subject}}"})
        self.assertEqual(status, 200, body)
        status, headers, page = client.call("GET", "/api/v1/templates/plain/preview")
        self.assertEqual(status, 200)
        self.assertIn("sandbox", headers["Content-Security-Policy"])
        self.assertIn(b"The <strong>Ambassador</strong>", page)

        status, _, body = client.call("GET", "/api/v1/settings")
        self.assertEqual(status, 200)
        self.assertNotIn(b"relay-secret-1", body)
        settings = json.loads(body)
        self.assertTrue(settings["smtp"][0]["password_set"])
        self.assertEqual(settings["delivery"]["transport"], "smtp")
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)

    def test_settings_saved_through_the_api_apply_at_once(self):
        self.add_admin()
        config = self.write("s.toml", '[sender]\norganisation = "Embassy"\n'
                                      'from_address = "press@example.org"\n')
        process, address = self.start_server("--config", config)
        token = self.run_cli("tokens", "create", "--user", "alice", "ci").stdout.strip()
        client = Client(address)
        client.token = token

        # Nothing is saved from a change that does not fit, and the answer names it.
        for bad, words in [({"server": {"listen": "0.0.0.0:80"}}, "server.listen is not"),
                           ({"delivery": {"transport": "pigeon"}}, "delivery.transport must"),
                           ({"sender": {"from_address": "not an address"}}, "from_address"),
                           ({"sender": {"colour": "red"}}, "unknown setting sender.colour"),
                           ({"dkim": {"rsa_selector": "s1", "rsa_key": "missing.pem"}},
                            "dkim: "),
                           ({"limits": {"domains": []}}, "lists are set in the configuration"),
                           ({}, "names no setting")]:
            status, _, body = client.call("PATCH", "/api/v1/settings", bad)
            self.assertEqual(status, 400, body)
            self.assertIn(words, json.loads(body)["error"]["message"])
        self.assertIn("no settings are saved",
                      self.run_cli("--config", config, "settings", "saved").stderr)
        editor = self.run_cli("users", "add", "bob", "--role", "editor",
                              input_text="another good password\n")
        self.assertEqual(editor.returncode, 0)
        bob = Client(address)
        bob.token = self.run_cli("tokens", "create", "--user", "bob", "b").stdout.strip()
        status, _, _ = bob.call("PATCH", "/api/v1/settings", {"sender": {"organisation": "X"}})
        self.assertEqual(status, 403)

        change = {"sender": {"organisation": "Embassy Press Office"},
                  "delivery": {"transport": "smtp"},
                  "smtp": {"host": "127.0.0.1", "port": 2525, "password": "relay-secret-2"}}
        status, _, body = client.call("PATCH", "/api/v1/settings", change)
        self.assertEqual(status, 200, body)
        self.assertNotIn(b"relay-secret-2", body)  # secrets are write-only
        saved = json.loads(body)
        self.assertTrue(saved["restarting"])
        self.assertEqual(saved["settings"]["sender"]["organisation"], "Embassy Press Office")
        self.assertTrue(saved["settings"]["smtp"][0]["password_set"])
        # The server starts again on the same address, with them.
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, body = client.call("GET", "/api/v1/settings")
                if status == 200 and json.loads(body)["sender"]["organisation"] != "Embassy":
                    break
            except OSError:
                pass
            self.assertLess(time.monotonic(), deadline, "the server did not start again")
            time.sleep(0.1)
        settings = json.loads(body)
        self.assertEqual(settings["sender"]["organisation"], "Embassy Press Office")
        self.assertEqual(settings["delivery"]["transport"], "smtp")
        self.assertEqual(settings["smtp"][0]["port"], 2525)
        self.assertIsNone(process.poll())
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)

        shown = self.run_cli("--config", config, "settings", "saved").stdout
        self.assertIn("sender.organisation = Embassy Press Office\n", shown)
        self.assertIn("smtp.password = (set)\n", shown)
        self.assertNotIn("relay-secret-2", shown)
        unknown = self.run_cli("--config", config, "settings", "forget", "smtp.user", check=False)
        self.assertEqual(unknown.returncode, 1)
        self.assertIn("`communique settings saved` lists the saved ones", unknown.stderr)
        forgot = self.run_cli("--config", config, "settings", "forget", "sender.organisation",
                              "delivery.transport")
        self.assertIn("forgot 2 saved setting(s)", forgot.stdout)
        status = self.run_cli("--config", config, "settings", "saved").stdout
        self.assertNotIn("sender.organisation", status)
        self.assertIn("smtp.host = 127.0.0.1", status)

    def test_slow_and_silent_clients_are_dropped(self):
        config = self.write("t.toml", "[server]\nread_timeout_seconds = 1\n"
                                      "idle_timeout_seconds = 2\n")
        process, address = self.start_server("--config", config)
        host, port = address.rsplit(":", 1)
        # The sockets wait 10 s at most, far past the server's 1 s: a server that did not
        # drop them makes recv raise a timeout instead of returning the closed stream.
        with socket.create_connection((host, int(port)), timeout=10) as silent, \
                socket.create_connection((host, int(port)), timeout=10) as slow:
            slow.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes
            self.assertEqual(silent.recv(1024), b"")  # closed by the server
            self.assertEqual(slow.recv(1024), b"")
        # A keep-alive client gets its answer, then is dropped once idle.
        with socket.create_connection((host, int(port)), timeout=10) as idle:
            idle.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertTrue(idle.recv(4096).startswith(b"HTTP/1.1 200"))
            self.assertEqual(idle.recv(1024), b"")
        status, _, _ = Client(address).call("GET", "/health")
        self.assertEqual(status, 200)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)

    def test_openapi_and_hostile_requests(self):
        process, address = self.start_server()
        client = Client(address)
        status, _, body = client.call("GET", "/api/v1/openapi.json")
        self.assertEqual(status, 200)
        document = json.loads(body)
        self.assertEqual(document["openapi"], "3.1.0")
        self.assertTrue(all(path.startswith("/api/v1/") for path in document["paths"]))

        status, _, body = client.call("POST", "/api/v1/session", b"{broken",
                                      headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["error"]["code"], "invalid_input")
        # A body over the limit is refused from its Content-Length, before it is read.
        host, port = address.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(b"POST /subscribe HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Type: application/x-www-form-urlencoded\r\n"
                        b"Content-Length: 99999999\r\n\r\nemail=")
            self.assertTrue(raw.recv(4096).startswith(b"HTTP/1.1 413"))
        status, _, _ = client.call("GET", "/api/v1/lists")
        self.assertEqual(status, 401)
        status, _, body = client.call("GET", "/health")
        self.assertEqual(status, 200)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)


if __name__ == "__main__":
    unittest.main()
