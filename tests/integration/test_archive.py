"""The public archive on a running `serve`: what it publishes (/archive, each issue's page
and the Atom feed) and what it keeps out (issues sent to a private list, issues an editor
kept out), and the headers and markup of what it serves.
"""

import email
import email.policy
import os
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree

from test_cli import CommuniqueTestCase

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


class ArchiveTest(CommuniqueTestCase):
    def setUp(self):
        super().setUp()
        self.run_cli("lists", "create", "Public news")
        self.run_cli("lists", "create", "Members", "--private")
        people = self.write("people.csv", "email,name\nann@example.org,Ann\n")
        self.run_cli("import", "--list", "Public news", people)
        self.run_cli("import", "--list", "Members", people)

    def send_issue(self, subject, lists, *extra, body="Some news.\n", suffix=".md"):
        path = self.write(f"{subject}{suffix}", body)
        arguments = ["issues", "create", "--subject", subject, "--body", path, *extra]
        for name in lists:
            arguments += ["--list", name]
        issue = self.run_cli(*arguments).stdout.strip()
        raw = self.run_cli("render", issue, "--to", "ann@example.org").stdout
        message = email.message_from_string(raw, policy=email.policy.default)
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        path = re.search(r"View in your browser: https?://[^/]+(/archive/\S+)",
                         text.get_content()).group(1)
        self.run_cli("send", issue)
        return issue, path

    def get(self, address, path):
        try:
            with urllib.request.urlopen(f"http://{address}{path}", timeout=20) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def published(self, address):
        """The subjects in the index and in the feed."""
        status, _, index = self.get(address, "/archive")
        self.assertEqual(status, 200)
        status, _, feed = self.get(address, "/archive/feed.atom")
        self.assertEqual(status, 200)
        entries = xml.etree.ElementTree.fromstring(feed).findall("atom:entry/atom:title", ATOM)
        return index, sorted(entry.text for entry in entries)

    def test_only_issues_to_public_lists_left_in_the_archive_are_published(self):
        _, public_path = self.send_issue("Open letter", ["Public news"])
        _, private_path = self.send_issue("Members only", ["Members"])
        _, mixed_path = self.send_issue("Mixed audience", ["Public news", "Members"])
        kept, kept_path = self.send_issue("Kept back", ["Public news"], "--no-archive")
        self.assertIn("archive:   no", self.run_cli("issues", "show", kept).stdout)
        _, address = self.start_server()

        index, titles = self.published(address)
        self.assertEqual(titles, ["Open letter"])
        self.assertIn(public_path, index)
        for path, subject in ((private_path, "Members only"), (mixed_path, "Mixed audience"),
                              (kept_path, "Kept back")):
            self.assertNotIn(path, index)
            self.assertNotIn(subject, index)
            status, _, page = self.get(address, path)
            self.assertEqual(status, 404, path)
            self.assertNotIn(subject, page)
        status, _, page = self.get(address, public_path)
        self.assertEqual(status, 200)
        self.assertIn("Open letter", page)

        # An editor puts one back and takes another out, after they went out.
        self.assertIn("may appear", self.run_cli("issues", "update", kept, "--archive").stdout)
        self.run_cli("issues", "update", public_path.split("/")[-1].split("-")[0],
                     "--no-archive")
        index, titles = self.published(address)
        self.assertEqual(titles, ["Kept back"])
        self.assertEqual(self.get(address, kept_path)[0], 200)
        self.assertEqual(self.get(address, public_path)[0], 404)
        # Neither flag is a usage error; an unknown issue is an error.
        self.assertEqual(self.run_cli("issues", "update", kept, check=False).returncode, 2)
        missing = self.run_cli("issues", "update", "999", "--archive", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("there is no issue 999", missing.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
