"""Previews on a running `serve`: whoever may read a preview (a viewer, an admin) sees what
a letter looks like, and its personal links open nothing; the letter sent opens them."""

import email
import email.policy
import glob
import http.client
import json
import os
import re
import time
import unittest

from test_server import Client, ServerTestCase

PERSONAL_LINK = re.compile(r"/(unsubscribe|preferences|privacy|confirm|l|o)/([A-Za-z0-9_-]{43})")


class PreviewTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.add_admin()
        self.run_cli("users", "add", "victor", "--role", "viewer",
                     input_text="viewer password 1\n")
        self.run_cli("lists", "create", "press")
        people = self.write("people.csv", "email,name\nann@example.org,Ann\n")
        self.run_cli("import", "--list", "press", people)
        config = self.write("c.toml", "[delivery]\npoll_seconds = 1\n")
        self.process, self.address = self.start_server("--config", config)
        self.admin = Client(self.address)
        self.sign_in(self.admin)
        self.viewer = Client(self.address)
        self.sign_in(self.viewer, "viewer password 1", name="victor")

        status, _, body = self.admin.call(
            "POST", "/api/v1/issues",
            {"subject": "Weekly", "lists": [1], "body": "Read [the news](https://example.org/news).",
             "track_clicks": True, "track_subscribers": True, "track_opens": True},
            headers={"X-CSRF-Token": self.admin.csrf})
        self.assertEqual(status, 201, body)
        self.issue = json.loads(body)["id"]
        status, _, body = self.admin.call("GET", "/api/v1/subscribers?list=1")
        self.ann = json.loads(body)["subscribers"][0]
        self.assertEqual(self.ann["email"], "ann@example.org")

    def status_of(self, method, path, body=None):
        """The status of one request, redirects not followed."""
        connection = http.client.HTTPConnection(self.address, timeout=20)
        try:
            headers = {}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()

    def previewed_tokens(self, client):
        tokens = set()
        for path in (f"/api/v1/issues/{self.issue}/preview?subscriber={self.ann['id']}",
                     f"/api/v1/issues/{self.issue}/preview?subscriber={self.ann['id']}&format=text",
                     f"/api/v1/issues/{self.issue}/preview",
                     "/api/v1/templates/default/preview"):
            status, _, body = client.call("GET", path)
            self.assertEqual(status, 200, body)
            tokens |= set(PERSONAL_LINK.findall(body.decode()))
        self.assertEqual({kind for kind, _ in tokens}, {"unsubscribe", "preferences"})
        return {token for _, token in tokens}

    def assert_opens_nothing(self, token):
        for method, path, body in (
                ("GET", f"/preferences/{token}", None),
                ("POST", f"/preferences/{token}", "name=Mallory"),
                ("GET", f"/unsubscribe/{token}", None),
                ("POST", f"/unsubscribe/{token}", "List-Unsubscribe=One-Click"),
                ("GET", f"/privacy/{token}", None),
                ("GET", f"/privacy/{token}/data", None),
                ("POST", f"/privacy/{token}", "erase=yes"),
                ("GET", f"/confirm/{token}", None),
                ("GET", f"/l/{token}", None),
                ("GET", f"/o/{token}", None)):
            self.assertEqual(self.status_of(method, path, body), 404, f"{method} {path}")

    def test_a_previews_personal_links_open_nothing_for_any_role(self):
        for client in (self.viewer, self.admin):
            for token in self.previewed_tokens(client):
                self.assert_opens_nothing(token)
        # Ann was neither renamed nor unsubscribed.
        status, _, body = self.admin.call("GET", f"/api/v1/subscribers/{self.ann['id']}")
        self.assertEqual(status, 200, body)
        shown = json.loads(body)
        self.assertEqual(shown["name"], "Ann")
        self.assertIn('"confirmed"', body.decode())
        self.assertNotIn('"unsubscribed"', body.decode())

    def test_a_preview_is_made_for_a_subscriber_named_by_address_or_id(self):
        base = f"/api/v1/issues/{self.issue}/preview?format=text&subscriber="
        by_id = self.viewer.call("GET", base + str(self.ann["id"]))
        by_address = self.viewer.call("GET", base + "ann%40example.org")
        self.assertEqual((by_id[0], by_address[0]), (200, 200), by_address[2])
        # The same letter but for its dead tokens (each preview signs its own).
        self.assertEqual(PERSONAL_LINK.sub("", by_id[2].decode()),
                         PERSONAL_LINK.sub("", by_address[2].decode()))
        status, _, body = self.viewer.call("GET", base + "nobody%40example.org")
        self.assertEqual(status, 404, body)
        self.assertIn(b"nobody@example.org", body)
        status, _, body = self.viewer.call("GET", base + "not%40an%40address")
        self.assertEqual(status, 400, body)

    def test_the_letter_sent_keeps_links_that_work(self):
        status, _, body = self.admin.call("POST", f"/api/v1/issues/{self.issue}/send",
                                          headers={"X-CSRF-Token": self.admin.csrf})
        self.assertIn(status, (200, 202), body)
        letters = []
        deadline = time.monotonic() + 60
        while not letters and time.monotonic() < deadline:
            letters = glob.glob(os.path.join(self.data, "outbox", "new", "*"))
            time.sleep(0.1)
        self.assertEqual(len(letters), 1)
        with open(letters[0], "rb") as f:
            letter = email.message_from_binary_file(f, policy=email.policy.default)
        parts = "".join(part.get_content() for part in letter.walk()
                        if part.get_content_type() in ("text/plain", "text/html"))
        links = dict(PERSONAL_LINK.findall(parts))
        self.assertEqual(set(links), {"unsubscribe", "preferences", "l", "o"})
        self.assertEqual(self.status_of("GET", f"/l/{links['l']}"), 302)
        self.assertEqual(self.status_of("GET", f"/o/{links['o']}"), 200)
        self.assertEqual(self.status_of("GET", f"/unsubscribe/{links['unsubscribe']}"), 200)
        status, _, page = Client(self.address).call("GET", f"/preferences/{links['preferences']}")
        self.assertEqual(status, 200)
        self.assertIn(b"ann@example.org", page)
        privacy = PERSONAL_LINK.search(page.decode())
        self.assertEqual(privacy.group(1), "privacy")
        self.assertEqual(self.status_of("GET", f"/privacy/{privacy.group(2)}"), 200)


if __name__ == "__main__":
    unittest.main()
