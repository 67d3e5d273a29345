"""`communique bounces ingest` on the corpus in tests/fixtures/bounces, checked against a
second opinion (Debian's libsisimai-perl), and on reports made here: attribution through a
signed VERP return path, and an unsubscribe request sent to a letter's mailto: address.

COMMUNIQUE_BIN names the binary; every test works in its own temporary data directory.
"""

import base64
import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import unittest

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "fixtures", "bounces")
REFERENCE = os.path.join(HERE, "..", "golden", "reference_letter.md")

# Every delivery report (and recipient) where sisimai's hard/soft verdict is not ours, or
# where sisimai finds no verdict at all, with why. Agreement is counted over the recipients
# both give a verdict on (sender-side failures count as soft: sisimai calls them soft
# bounces). A disagreement not listed here fails the test, and so does an entry that no
# longer disagrees: the list stays true.
EXPLAINED = {
    ("dsn-no-status-user-unknown.eml", "gone@oldmta.test"):
        "Status 5.0.0 says nothing, so we let the text decide: '550 No such user here' names a "
        "mailbox that does not exist (hard). Sisimai 4.25 files a bare 5.0.0 from an MTA it "
        "does not know under 'filtered' (soft).",
    ("office365-user-unknown.eml", "ghost@contoso.example"):
        "5.1.10 is Office 365's RecipientNotFound (hard, and the text says 'not found'). "
        "Sisimai 4.25's table predates that use of 5.1.10 and maps it to 'filtered' (soft).",
    ("postfix-gmail-spf.eml", "gmail-spf@example.org"):
        "5.7.27 is the sender's SPF: a sender-side failure, which by our policy never counts "
        "against the recipient. Sisimai 4.25 calls it 'notaccept', a hard bounce.",
    ("postfix-two-recipients.eml", "full2@example.org"):
        "Postfix's report gives full2 Status 5.2.2 (mailbox full, soft). Sisimai 4.25 reads "
        "this two-recipient report's second block's status and reason for both recipients "
        "(userunknown, 5.1.1 for full2 too): its error, visible in the fixture.",
    ("global-dsn-user-unknown.eml", "δοκιμή@example.jp"):
        "A message/global-delivery-status report (RFC 6533) for an internationalised address: "
        "sisimai 4.25 finds no recipient in it, so there is no verdict to compare.",
}


def sisimai_available():
    return subprocess.run(["perl", "-MSisimai", "-e", "1"], capture_output=True).returncode == 0


# Sisimai->make on one file: {address: "hard" | "soft" | None}, by its softbounce field
# (0 hard, 1 soft, -1 neither: delivered, feedback, vacation).
SISIMAI = r"""
use Sisimai;
my $data = Sisimai->make($ARGV[0], delivered => 1) // [];
for my $e (@$data) {
  printf "%s\t%s\t%s\n", $e->recipient->address, $e->softbounce, $e->reason;
}
"""


def sisimai_verdicts(path):
    out = subprocess.run(["perl", "-e", SISIMAI, path], capture_output=True, timeout=60)
    verdicts = {}
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        address, soft, _ = line.split("\t")
        verdicts[address.lower()] = {"0": "hard", "1": "soft"}.get(soft)
    return verdicts


def fixture(name):
    with open(os.path.join(CORPUS, name), "rb") as f:
        return f.read()


class BounceTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-bounces-")
        self.data = os.path.join(self.tmp.name, "data")
        self.config = os.path.join(self.tmp.name, "communique.toml")
        with open(self.config, "w") as f:
            f.write('[sender]\norganisation = "News"\nfrom_address = "news@news.test"\n'
                    'postal_address = "1 Road"\nbase_url = "https://news.test"\n')

    def tearDown(self):
        self.tmp.cleanup()

    def cli(self, *args, stdin=None, check=True):
        result = subprocess.run([BIN, "--data-dir", self.data, "--config", self.config, *args],
                                input=stdin, capture_output=True, timeout=120)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr.decode()}")
        return result

    def ingest(self, path=None, message=None):
        args = ["bounces", "ingest", "--json", path or "-"]
        return json.loads(self.cli(*args, stdin=message).stdout)

    # Our own return path, made here from the installation's secret as verp.hpp describes:
    # an independent implementation of the tag.
    def return_path(self, domain, issue, subscriber):
        with sqlite3.connect(os.path.join(self.data, "communique.db")) as db:
            secret = db.execute("SELECT value FROM secrets WHERE name = 'link-signing'"
                                ).fetchone()[0]
        key = hmac.new(secret.encode(), b"verp", hashlib.sha256).digest()

        def varint(value):
            out = bytearray()
            while value >= 0x80:
                out.append((value & 0x7F) | 0x80)
                value >>= 7
            out.append(value)
            return bytes(out)

        payload = varint(issue) + varint(subscriber)
        mac = hmac.new(key, domain.lower().encode() + b"\0" + payload, hashlib.sha256).digest()
        tag = base64.b32encode(payload + mac[:8]).decode().rstrip("=").lower()
        return f"bounces+{tag}@{domain}"

    def test_sisimai_agrees_on_95_percent_of_the_delivery_reports(self):
        if not sisimai_available():
            self.skipTest("libsisimai-perl is not installed")
        compared, agreed, unexplained, stale = 0, 0, [], set(EXPLAINED)
        for name in sorted(os.listdir(CORPUS)):
            if not name.endswith(".eml"):
                continue
            path = os.path.join(CORPUS, name)
            ours = self.ingest(path)
            if ours["kind"] != "dsn":
                continue
            theirs = sisimai_verdicts(path)
            for recipient in ours["recipients"]:
                verdict = {"hard": "hard", "soft": "soft", "sender": "soft"}.get(recipient["class"])
                address = recipient["address"]
                if verdict is None and theirs.get(address.lower(), None) is None:
                    continue  # delivered or relayed: neither calls it a bounce
                if address.lower() not in theirs:
                    # Sisimai found no such recipient: no verdict to compare, but it must be
                    # explained like a disagreement.
                    stale.discard((name, address))
                    if (name, address) not in EXPLAINED:
                        unexplained.append(f"{name} {address}: sisimai finds no such recipient")
                    continue
                compared += 1
                if theirs.get(address.lower()) == verdict:
                    agreed += 1
                    continue
                stale.discard((name, address))
                if (name, address) not in EXPLAINED:
                    unexplained.append(f"{name} {address}: ours {recipient['class']} "
                                       f"({recipient['reason']}), sisimai "
                                       f"{theirs.get(address.lower())}")
        self.assertEqual(unexplained, [], "disagreements with sisimai not explained in EXPLAINED")
        self.assertEqual(stale, set(), "EXPLAINED lists reports where sisimai now agrees")
        self.assertGreaterEqual(compared, 60)
        self.assertGreaterEqual(agreed / compared, 0.95, f"{agreed} of {compared} agree")

    def test_ingest_prints_one_line_per_recipient(self):
        out = self.cli("bounces", "ingest",
                       os.path.join(CORPUS, "postfix-two-recipients.eml")).stdout.decode()
        self.assertEqual(out.splitlines(), [
            'full2@example.org: soft (mailbox_full) 5.2.2 "552 5.2.2 <full2@example.org>: '
            'Mailbox full: user is over quota"',
            'user-unknown2@example.org: hard (user_unknown) 5.1.1 "550 5.1.1 '
            '<user-unknown2@example.org>: Recipient address rejected: User unknown in virtual '
            'mailbox table"',
        ])
        garbage = self.cli("bounces", "ingest", os.path.join(CORPUS, "garbage-binary.eml"))
        self.assertEqual(garbage.stdout.decode(), "not understood: it is not an email message: "
                         "it does not begin with header fields\n")
        vacation = self.cli("bounces", "ingest", "-",
                            stdin=fixture("vacation-rfc3834.eml"))
        self.assertEqual(vacation.stdout.decode(), "reader@example.org: ignored: auto-reply\n")

    def test_a_report_to_a_signed_return_path_is_attributed_and_a_forged_one_is_not(self):
        report = fixture("postfix-user-unknown.eml")
        self.ingest(message=report)  # makes the installation's secret on first use
        path = self.return_path("news.test", 42, 1234)
        signed = report.replace(b"bounces+t01@news.test", path.encode())
        self.assertNotEqual(signed, report)
        found = self.ingest(message=signed)
        self.assertEqual((found["issue"], found["subscriber"]), (42, 1234))
        self.assertIn(b"attributed to issue 42, subscriber 1234",
                      self.cli("bounces", "ingest", "-", stdin=signed).stdout)
        # One character of the tag changed, or the tag moved to another domain: nothing.
        at = path.index("@") - 1
        forged = path[:at] + ("a" if path[at] != "a" else "b") + path[at + 1:]
        for other in (forged, path.replace("@news.test", "@other.test")):
            result = self.ingest(message=report.replace(b"bounces+t01@news.test", other.encode()))
            self.assertNotIn("issue", result)
            self.assertEqual(result["recipients"][0]["class"], "hard")

    def test_mail_to_the_unsubscribe_address_of_a_letter_unsubscribes_at_once(self):
        self.cli("lists", "create", "Weekly")
        people = os.path.join(self.tmp.name, "people.csv")
        with open(people, "w") as f:
            f.write("email,name\nann@example.org,Ann\nbob@example.org,Bob\n")
        self.cli("import", "--list", "Weekly", people)
        issue = self.cli("issues", "create", "--list", "Weekly", "--subject", "Hello",
                         "--body", REFERENCE).stdout.decode().strip()
        raw = self.cli("render", issue, "--to", "ann@example.org").stdout
        letter = email.message_from_bytes(raw, policy=email.policy.default)
        mailto = re.search(r"<mailto:([^?>]+)\?subject=([^>]+)>", letter["List-Unsubscribe"])
        request = (f"From: Ann <ann@example.org>\r\nTo: {mailto.group(1)}\r\n"
                   f"Subject: {mailto.group(2)}\r\nMessage-ID: <u1@example.org>\r\n\r\n").encode()
        # An altered token changes nothing.
        token = mailto.group(2).split("-", 1)[1]
        altered = request.replace(token.encode(),
                                  (token[:-1] + ("A" if token[-1] != "A" else "B")).encode())
        out = self.cli("bounces", "ingest", "-", stdin=altered).stdout.decode()
        self.assertIn("nothing changed", out)
        self.assertEqual(self.status_of("ann@example.org"), "confirmed")
        out = self.cli("bounces", "ingest", "-", stdin=request).stdout.decode()
        self.assertEqual(out, f"unsubscribe request from ann@example.org: ann@example.org "
                              f"unsubscribed from the lists of issue {issue}\n")
        self.assertEqual(self.status_of("ann@example.org"), "unsubscribed")
        self.assertEqual(self.status_of("bob@example.org"), "confirmed")

    def status_of(self, address):
        shown = json.loads(self.cli("subscribers", "show", address, "--json").stdout)
        return shown["lists"][0]["status"]


if __name__ == "__main__":
    unittest.main()
