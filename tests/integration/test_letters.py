"""Letters checked by independent verifiers: Python's email package (policy default),
dkimpy (both signatures, public keys given without DNS) and SpamAssassin (offline).

COMMUNIQUE_BIN names the binary; every test works in its own temporary data directory.
"""

import email
import email.policy
import os
import re
import subprocess
import tempfile
import json
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree

import dkim

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "golden", "reference_letter.md")

CONFIG = """
[sender]
organisation = "Embassy Press Office"
from_address = "press@embassy.example.org"
reply_to = "info@embassy.example.org"
postal_address = "12 Embassy Road, Oslo 0244, Norway"
copyright = "(c) 2026 Embassy Press Office"
base_url = "https://news.embassy.example.org"
social = [{ name = "Telegram", url = "https://t.me/embassy" }]
"""


class LetterTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-letters-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")
        self.config = os.path.join(self.dir, "communique.toml")
        with open(self.config, "w") as f:
            f.write(CONFIG)
        self.cli("lists", "create", "Press releases")
        people = os.path.join(self.dir, "people.csv")
        with open(people, "w") as f:
            f.write("email,name\nann@example.org,Ann Müller\nbob@example.org,Bob Smith\n")
        self.cli("import", "--list", "Press releases", people)

    def tearDown(self):
        self.tmp.cleanup()

    def cli(self, *args, check=True, env=None):
        result = subprocess.run([BIN, "--data-dir", self.data, "--config", self.config, *args],
                                capture_output=True, env=dict(os.environ, **(env or {})),
                                timeout=120)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr.decode()}")
        return result

    def add_dkim_keys(self):
        records = {}
        for selector, algorithm in (("s2026", "rsa"), ("e2026", "ed25519")):
            out = self.cli("dkim", "keygen", "--domain", "embassy.example.org", "--selector",
                           selector, "--algorithm", algorithm).stdout.decode()
            name = out.split()[0].rstrip(".")
            records[name] = re.search(r'"(.*)"', out).group(1).encode()
        with open(self.config, "a") as f:
            f.write('[dkim]\nrsa_selector = "s2026"\n'
                    'rsa_key = "dkim/s2026.embassy.example.org.rsa.pem"\n'
                    'ed25519_selector = "e2026"\n'
                    'ed25519_key = "dkim/e2026.embassy.example.org.ed25519.pem"\n')
        return records

    def create_issue(self, *extra, subject="Weekly digest — Неделя 48"):
        out = self.cli("issues", "create", "--list", "Press releases", "--subject", subject,
                       "--body", REFERENCE, *extra).stdout.decode()
        return out.strip()

    def test_the_reference_letter_passes_every_verifier(self):
        records = self.add_dkim_keys()
        issue = self.create_issue()
        raw = self.cli("render", issue, "--to", "ann@example.org").stdout

        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(message.defects, [])
        self.assertEqual(message["Subject"], "Weekly digest — Неделя 48")
        self.assertEqual(message["To"], "Ann Müller <ann@example.org>")
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertRegex(message["List-Unsubscribe"],
                         r"^<https://news\.embassy\.example\.org/unsubscribe/[A-Za-z0-9_-]{43}>, "
                         r"<mailto:unsubscribe@embassy\.example\.org\?subject=unsubscribe-")
        parts = {part.get_content_type(): part for part in message.walk()}
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        for part in parts.values():
            self.assertEqual(part.defects, [])
        text = parts["text/plain"].get_content()
        html = parts["text/html"].get_content()
        self.assertIn("Question: Could you comment on the new visa rules?", text)
        self.assertIn("1. Opening remarks", text)
        self.assertIn("> Dear friends, on behalf of the people", text)
        self.assertIn("[1] https://example.org/visa-faq", text)
        self.assertIn("Our mailing address is: 12 Embassy Road, Oslo 0244, Norway", text)
        self.assertTrue(all(len(line) < 78 or line.startswith(("Update", "Unsubscribe", "View"))
                            for line in text.splitlines()), text)
        self.assertIn("The COMPLETE visa FAQ guide</a>", html)
        self.assertIn(">update your preferences</a>", html)
        self.assertIn(">unsubscribe</a>", html)
        self.assertIn("<blockquote style=", html)

        dns = lambda name, timeout=5: records.get(name.decode().rstrip("."))
        verifier = dkim.DKIM(raw)
        self.assertTrue(verifier.verify(idx=0, dnsfunc=dns), "ed25519 signature")
        self.assertTrue(verifier.verify(idx=1, dnsfunc=dns), "rsa signature")
        signature = message.get_all("DKIM-Signature")[1]
        self.assertIn("list-unsubscribe-post", signature.replace("\r\n", "").replace("\t", ""))

        # The verifier is not a rubber stamp: a changed subject breaks both signatures.
        tampered = raw.replace(b"Subject: =?utf-8?b?", b"Subject: =?utf-8?b?X", 1)
        self.assertFalse(dkim.DKIM(tampered).verify(idx=0, dnsfunc=dns), "ed25519 signature")
        self.assertFalse(dkim.DKIM(tampered).verify(idx=1, dnsfunc=dns), "rsa signature")

        report = subprocess.run(
            ["spamassassin", "-L", "-t", "--cf=use_bayes 0", "--cf=bayes_auto_learn 0"],
            input=raw, capture_output=True, timeout=120).stdout.decode(errors="replace")
        score = float(re.search(r"X-Spam-Status: \w+, score=(-?[\d.]+)", report).group(1))
        print(f"\nSpamAssassin score of the reference letter: {score}")
        self.assertLess(score, 2.0, report)

    def test_a_header_added_to_a_signed_letter_breaks_both_signatures(self):
        records = self.add_dkim_keys()
        raw = self.cli("render", self.create_issue(), "--to", "ann@example.org").stdout
        dns = lambda name, timeout=5: records.get(name.decode().rstrip("."))
        self.assertTrue(dkim.DKIM(raw).verify(idx=0, dnsfunc=dns), "ed25519 signature")
        self.assertTrue(dkim.DKIM(raw).verify(idx=1, dnsfunc=dns), "rsa signature")
        end = raw.index(b"\r\n\r\n") + 2
        # A replayed letter that gains a header, above or below the signed one, or one the
        # letter never had, fails verification under both keys.
        for added in (b"Reply-To: thief@attacker.example\r\n",
                      b"Content-Type: text/plain\r\n",
                      b"MIME-Version: 1.0\r\n",
                      b"Sender: thief@attacker.example\r\n",
                      b"Cc: victim@example.org\r\n",
                      b"From: Bank <ceo@bank.example>\r\n"):
            for tampered in (raw[:end] + added + raw[end:], added + raw):
                self.assertFalse(dkim.DKIM(tampered).verify(idx=0, dnsfunc=dns), added)
                self.assertFalse(dkim.DKIM(tampered).verify(idx=1, dnsfunc=dns), added)

    def test_each_subscriber_gets_personal_links(self):
        issue = self.create_issue()
        ann = self.cli("render", issue, "--to", "ann@example.org").stdout
        bob = self.cli("render", issue, "--to", "bob@example.org").stdout
        link = re.compile(rb"/unsubscribe/([A-Za-z0-9_-]{43})")
        self.assertNotEqual(link.search(ann).group(1), link.search(bob).group(1))

    def test_render_says_when_the_subscriber_would_not_receive_the_issue(self):
        issue = self.create_issue()
        self.assertNotIn(b"would not receive", self.cli("render", issue, "--to",
                                                        "ann@example.org").stderr)
        self.cli("lists", "create", "Staff")
        staff = self.cli("issues", "create", "--list", "Staff", "--subject", "Internal",
                         "--body", REFERENCE).stdout.decode().strip()
        result = self.cli("render", staff, "--to", "ann@example.org")
        self.assertIn(b"Subject: Internal", result.stdout)
        self.assertIn(f"note: ann@example.org would not receive issue {staff}: they are on "
                      "none of its lists; printed as it would look".encode(), result.stderr)

    def test_one_click_unsubscribe_from_the_letter_header(self):
        issue = self.create_issue()
        raw = self.cli("render", issue, "--to", "ann@example.org").stdout
        message = email.message_from_bytes(raw, policy=email.policy.default)
        url = re.match(r"<([^>]+)>", message["List-Unsubscribe"]).group(1)
        token = url.rsplit("/", 1)[1]
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
        web_path = re.search(r"View in your browser: https://[^/]+(/archive/\S+)", text).group(1)
        self.cli("send", issue)  # to the outbox: the issue is now public in the archive
        server = subprocess.Popen([BIN, "--data-dir", self.data, "--config", self.config, "serve",
                                   "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
        try:
            line = ""
            while "listening on http://" not in line:
                line = server.stderr.readline()
                self.assertTrue(line, "the server did not start")
            address = line.split("http://")[1].split(" ")[0]
            with urllib.request.urlopen(f"http://{address}{web_path}", timeout=10) as web:
                self.assertEqual(web.status, 200)
                self.assertIn("Content-Security-Policy", web.headers)
                web_page = web.read().decode()
            self.assertIn("Weekly digest", web_page)
            self.assertNotIn("ann@example.org", web_page)
            with urllib.request.urlopen(f"http://{address}/archive/feed.atom", timeout=10) as feed:
                atom = xml.etree.ElementTree.fromstring(feed.read())
            ns = {"atom": "http://www.w3.org/2005/Atom"}
            titles = [e.text for e in atom.findall("atom:entry/atom:title", ns)]
            self.assertEqual(titles, ["Weekly digest — Неделя 48"])
            with urllib.request.urlopen(f"http://{address}/archive", timeout=10) as index:
                self.assertIn(web_path, index.read().decode())
            base = f"http://{address}/unsubscribe/"
            with urllib.request.urlopen(base + token, timeout=10) as page:
                self.assertEqual(page.status, 200)
                body = page.read().decode()
            self.assertIn('<form method="post">', body)
            self.assertIn("Press releases", body)
            self.assertIn('"confirmed"', self.cli("subscribers", "show", "ann@example.org",
                                                  "--json").stdout.decode())
            # RFC 8058: what a mail client sends; answered 200, no redirect.
            request = urllib.request.Request(base + token, data=b"List-Unsubscribe=One-Click",
                                             method="POST")
            with urllib.request.urlopen(request, timeout=10) as done:
                self.assertEqual(done.status, 200)
                self.assertEqual(done.url, base + token)
                self.assertEqual(done.headers["Content-Type"], "text/plain; charset=utf-8")
                self.assertEqual(done.read().decode(), "You are unsubscribed: you will no longer "
                                 "receive Press releases from Embassy Press Office.\n")
            # The page's button posts the form's fields, as a browser would: a page answers.
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                     body))
            self.assertEqual(fields["List-Unsubscribe"], "One-Click")
            button = urllib.request.Request(base + token, method="POST",
                                            data=urllib.parse.urlencode(fields).encode())
            with urllib.request.urlopen(button, timeout=10) as done:
                self.assertEqual(done.headers["Content-Type"], "text/html; charset=utf-8")
                self.assertIn("<h1>You are unsubscribed</h1>", done.read().decode())
            shown = json.loads(self.cli("subscribers", "show", "ann@example.org", "--json").stdout)
            self.assertEqual(shown["lists"],
                             [{"list": "Press releases", "status": "unsubscribed", "topics": [],
                               "cadence": "weekly", "cadence_chosen": False}])
            with self.assertRaises(urllib.error.HTTPError) as bad:
                urllib.request.urlopen(base + token[:-1] + ("A" if token[-1] != "A" else "B"),
                                       timeout=10)
            self.assertEqual(bad.exception.code, 404)
            # Bob was not touched.
            bob = json.loads(self.cli("subscribers", "show", "bob@example.org", "--json").stdout)
            self.assertEqual(bob["lists"][0]["status"], "confirmed")
        finally:
            server.terminate()
            server.wait(timeout=30)
            server.stderr.close()

    def test_a_broken_template_is_reported_at_save_with_its_place(self):
        templates = os.path.join(self.data, "templates")
        os.makedirs(templates)
        with open(os.path.join(templates, "bad.html"), "w") as f:
            f.write("<p>\n{{#issue}}\n{{subject}}\n")
        with open(os.path.join(templates, "bad.txt"), "w") as f:
            f.write("{{issue.subject}}\n")
        result = self.cli("issues", "create", "--list", "Press releases", "--subject", "S",
                          "--body", REFERENCE, "--template", "bad", check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("bad.html line 2, column 1: Unclosed section", result.stderr.decode())
        self.assertIn("no issues yet", self.cli("issues", "ls").stderr.decode())

    def test_a_template_cannot_read_the_environment(self):
        templates = os.path.join(self.data, "templates")
        os.makedirs(templates)
        with open(os.path.join(templates, "nosy.html"), "w") as f:
            f.write("<p>[{{COMMUNIQUE_SMTP_PASSWORD}}][{{HOME}}][{{> /etc/passwd}}]"
                    "[{{sender.organisation}}]</p>\n")
        with open(os.path.join(templates, "nosy.txt"), "w") as f:
            f.write("[{{COMMUNIQUE_SMTP_PASSWORD}}][{{PATH}}]\n")
        issue = self.create_issue("--template", "nosy")
        raw = self.cli("render", issue, "--to", "ann@example.org",
                       env={"COMMUNIQUE_SMTP_PASSWORD": "hunter2-secret"}).stdout
        message = email.message_from_bytes(raw, policy=email.policy.default)
        bodies = "".join(part.get_content() for part in message.walk()
                         if part.get_content_maintype() == "text")
        self.assertNotIn("hunter2-secret", bodies)
        self.assertNotIn("root:", bodies)
        self.assertIn("[][][][Embassy Press Office]", bodies)

    def parts(self, issue):
        raw = self.cli("render", issue, "--to", "ann@example.org").stdout
        message = email.message_from_bytes(raw, policy=email.policy.default)
        kinds = {part.get_content_type(): part for part in message.walk()}
        return (message, kinds["text/html"].get_content(), kinds["text/plain"].get_content())

    def test_an_edition_date_is_the_masthead_date_of_both_parts(self):
        issue = self.create_issue("--date", "2030-01-15")
        self.assertIn("date:      2030-01-15", self.cli("issues", "show", issue).stdout.decode())
        message, html, text = self.parts(issue)
        self.assertIn("15 January 2030", html)
        self.assertIn("15 January 2030", text)
        # The Date header stays the time the letter is made.
        self.assertNotIn("2030", message["Date"])

        changed = self.cli("issues", "update", issue, "--date", "2030-02-01").stdout.decode()
        self.assertIn(f"issue {issue}: dated 1 February 2030 in its masthead", changed)
        _, html, text = self.parts(issue)
        self.assertIn("1 February 2030", html)
        self.assertIn("1 February 2030", text)
        self.assertNotIn("15 January 2030", text)

        for clear in (["--no-date"], ["--date", ""]):
            self.cli("issues", "update", issue, "--date", "2030-02-01")
            self.cli("issues", "update", issue, *clear)
            _, html, text = self.parts(issue)
            self.assertNotIn("February 2030", html)
            self.assertNotIn("February 2030", text)
            self.assertIn("date:      the day its letters are made",
                          self.cli("issues", "show", issue).stdout.decode())

    def test_an_edition_date_that_is_no_day_is_refused(self):
        refused = self.cli("issues", "create", "--list", "Press releases", "--subject", "S",
                           "--body", REFERENCE, "--date", "2026-02-30", check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("date: '2026-02-30' is not a day of the calendar: February 2026 has 28 "
                      "days", refused.stderr.decode())
        self.assertEqual(self.cli("issues", "ls", "--json").stdout.decode().strip(), "[]")

        issue = self.create_issue()
        refused = self.cli("issues", "update", issue, "--date", "15/01/2030", check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("date: '15/01/2030' is not written YYYY-MM-DD", refused.stderr.decode())
        both = self.cli("issues", "update", issue, "--date", "2030-01-15", "--no-date",
                        check=False)
        self.assertEqual(both.returncode, 2)

        # Letters of an issue that went out keep the date they carry.
        self.cli("send", issue)
        late = self.cli("issues", "update", issue, "--date", "2030-01-15", check=False)
        self.assertEqual(late.returncode, 1)
        self.assertIn(f"issue {issue} is sent; the date of an issue can be changed only before "
                      "its letters are made", late.stderr.decode())

    def test_bad_input_is_refused_with_a_reason(self):
        newline = self.cli("issues", "create", "--list", "Press releases", "--subject",
                           "Hi\nBcc: x@example.org", "--body", REFERENCE, check=False)
        self.assertEqual(newline.returncode, 1)
        self.assertIn("control character", newline.stderr.decode())
        issue = self.create_issue()
        stranger = self.cli("render", issue, "--to", "nobody@example.org", check=False)
        self.assertEqual(stranger.returncode, 1)
        self.assertIn("there is no subscriber nobody@example.org", stranger.stderr.decode())
        missing = self.cli("render", "999", "--to", "ann@example.org", check=False)
        self.assertIn("there is no issue 999", missing.stderr.decode())


if __name__ == "__main__":
    unittest.main()
