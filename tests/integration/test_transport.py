"""What the SMTP transport promises, held against a capturing server (smtp_server.py, on
127.0.0.1): TLS as configured (a host name the certificate does not name is refused,
implicit TLS on a TLS port, verification turned off), SMTPUTF8 for addresses that need it,
new sessions after max_messages_per_connection and after the idle timeout, the rate limits
measured on the server's clock, and DKIM signatures that verify on the bytes that arrived
(through the outbox and through SMTP).
"""

import os
import re
import subprocess
import time
import unittest

import dkim

import test_smtp

HERE = test_smtp.HERE
# Slack for the server's clock: a letter's transaction runs between the throttle's token
# and the server's timestamp, so spans measured there may be shorter by about that much.
SLACK_SECONDS = 0.25


class Received:
    """A letter as the capturing server stored it: its envelope, connection, MAIL options,
    the server's clock when it was accepted, and the letter's own bytes."""

    def __init__(self, path):
        with open(path, "rb") as f:
            raw = f.read()
        *head, self.message = raw.split(b"\r\n", 6)  # six lines of the server's own
        fields = dict(line.decode().split(": ", 1) for line in head)
        self.mail_from = fields["X-Mail-From"]
        self.rcpt_to = fields["X-Rcpt-To"]
        self.connection = int(fields["X-Connection"])
        self.mail_options = fields["X-Mail-Options"].split()
        self.accepted_at = float(fields["X-Accepted-At"])


class TransportTest(test_smtp.SmtpTest):
    """SmtpTest's helpers (configure, start_aiosmtpd, make_certificate, problems); only the
    tests written here run in this suite (see load_tests)."""

    def letters(self):
        letters = [Received(os.path.join(self.received, name))
                   for name in os.listdir(self.received) if name.endswith(".eml")]
        return sorted(letters, key=lambda letter: letter.accepted_at)

    def issue_for(self, addresses):
        """An issue of a new list whose subscribers are `addresses`."""
        self.cli("lists", "create", "press")
        people = os.path.join(self.dir, "people.csv")
        with open(people, "w", encoding="utf-8") as f:
            f.write("email,name\n" + "".join(f"{a},Reader\n" for a in addresses))
        self.assertIn(f"imported {len(addresses)},",
                      self.cli("import", "--list", "press", people).stdout)
        body = os.path.join(self.dir, "body.md")
        with open(body, "w") as f:
            f.write("## News\n\nThe embassy opens on Saturday.\n")
        return self.cli("issues", "create", "--list", "press", "--subject", "Digest",
                        "--body", body).stdout.strip()

    def send(self, issue, expected, code=0):
        result = self.cli("send", issue, code=code)
        self.assertEqual(result.stdout.splitlines()[-1], expected, result.stderr)
        return result

    # --- TLS ---

    def test_a_trusted_certificate_for_another_host_name_is_refused(self):
        cert, key = self.make_certificate()  # trusted through ca_file, but names localhost
        port = self.start_aiosmtpd("--cert", cert, "--key", key)
        self.configure(port, f'ca_file = "{cert}"\n', host="127.0.0.1", tls="starttls")
        issue = self.issue_for(["ann@example.org", "bob@example.org"])
        self.send(issue, "sent 0, failed 0, deferred 2", code=3)
        self.assertEqual(self.letters(), [])
        # The reason says which check failed, and what to change.
        self.assert_one_problem(issue, "deferred", 2,
                                "TLS handshake failed: the relay's certificate is trusted but "
                                "does not name 127.0.0.1; set \\[smtp\\] host to a name the "
                                "certificate carries")

    def test_implicit_tls_on_a_tls_port_delivers(self):
        cert, key = self.make_certificate()
        port = self.start_aiosmtpd("--cert", cert, "--key", key, "--implicit-tls")
        self.configure(port, f'ca_file = "{cert}"\n', host="localhost", tls="tls")
        issue = self.issue_for(["ann@example.org", "bob@example.org"])
        self.send(issue, "sent 2, failed 0, deferred 0")
        self.assertEqual(sorted(letter.rcpt_to for letter in self.letters()),
                         ["ann@example.org", "bob@example.org"])

    def test_plain_smtp_to_a_tls_port_delivers_nothing(self):
        # The counterpart of the test above: the TLS port really speaks only TLS.
        cert, key = self.make_certificate()
        port = self.start_aiosmtpd("--cert", cert, "--key", key, "--implicit-tls")
        self.configure(port, host="localhost", tls="none")
        issue = self.issue_for(["ann@example.org"])
        self.send(issue, "sent 0, failed 0, deferred 1", code=3)
        self.assertEqual(self.letters(), [])

    def test_an_untrusted_certificate_delivers_when_verification_is_off(self):
        cert, key = self.make_certificate()
        port = self.start_aiosmtpd("--cert", cert, "--key", key)
        # No ca_file, and a host name the certificate does not name: both forgiven.
        self.configure(port, "verify_certificate = false\n", host="127.0.0.1", tls="starttls")
        issue = self.issue_for(["ann@example.org", "bob@example.org"])
        self.send(issue, "sent 2, failed 0, deferred 0")
        self.assertEqual(len(self.letters()), 2)

    # --- SMTPUTF8 ---

    def test_addresses_that_need_it_travel_with_smtputf8(self):
        port = self.start_aiosmtpd("--prompt")
        self.configure(port)
        issue = self.issue_for(["jörg@example.org", "jörg@bücher.example", "plain@example.org"])
        self.send(issue, "sent 3, failed 0, deferred 0")
        options = {letter.rcpt_to: letter.mail_options for letter in self.letters()}
        # A non-ASCII local part needs SMTPUTF8; an IDN domain travels as its A-label.
        self.assertEqual(sorted(options), ["jörg@example.org", "jörg@xn--bcher-kva.example",
                                           "plain@example.org"])
        self.assertIn("SMTPUTF8", options["jörg@example.org"])
        self.assertIn("SMTPUTF8", options["jörg@xn--bcher-kva.example"])
        self.assertNotIn("SMTPUTF8", options["plain@example.org"])

    def test_a_relay_without_smtputf8_fails_only_the_addresses_that_need_it(self):
        port = self.start_aiosmtpd("--prompt", "--no-smtputf8")
        self.configure(port)
        issue = self.issue_for(["jörg@example.org", "reader@bücher.example",
                                "plain@example.org"])
        self.send(issue, "sent 2, failed 1, deferred 0")
        # The IDN domain needs no SMTPUTF8: its A-label is plain ASCII.
        self.assertEqual(sorted(letter.rcpt_to for letter in self.letters()),
                         ["plain@example.org", "reader@xn--bcher-kva.example"])
        self.assert_one_problem(issue, "failed", 1, "does not offer SMTPUTF8")

    # --- sessions ---

    def letters_per_connection(self):
        counts = {}
        for letter in self.letters():
            counts[letter.connection] = counts.get(letter.connection, 0) + 1
        return [counts[number] for number in sorted(counts)]

    def test_a_new_session_after_max_messages_per_connection(self):
        port = self.start_aiosmtpd("--prompt")
        self.configure(port, "max_connections = 1\nmax_messages_per_connection = 3\n")
        issue = self.issue_for([f"reader{i}@example.org" for i in range(7)])
        self.send(issue, "sent 7, failed 0, deferred 0")
        self.assertEqual(self.letters_per_connection(), [3, 3, 1])

    def sessions_over_windows_of_one(self, extra):
        port = self.start_aiosmtpd("--prompt")
        self.configure(port, "max_connections = 1\n" + extra, delivery="window = 1\n")
        issue = self.issue_for([f"reader{i}@example.org" for i in range(3)])
        self.send(issue, "sent 3, failed 0, deferred 0")
        return self.letters_per_connection()

    def test_a_connection_idle_past_the_idle_timeout_is_replaced(self):
        # One letter in flight at a time: between letters the session waits in the pool,
        # and within the default idle timeout the next letter takes it again.
        self.assertEqual(self.sessions_over_windows_of_one(""), [3])
        self.doCleanups()
        self.tearDown()
        self.setUp()
        # With no idle time allowed, each letter finds the pooled session too old.
        self.assertEqual(self.sessions_over_windows_of_one("idle_timeout_seconds = 0\n"),
                         [1, 1, 1])

    # --- rate limits, on the server's clock ---

    def span(self, letters):
        return letters[-1].accepted_at - letters[0].accepted_at

    def assert_rate(self, letters, rate):
        """`letters` left at no more than `rate` a second after a burst of `rate`."""
        least = (len(letters) - rate) / rate - SLACK_SECONDS
        self.assertGreaterEqual(self.span(letters), least,
                                [round(letter.accepted_at - letters[0].accepted_at, 3)
                                 for letter in letters])

    def rate_run(self, limits, count=15, smtp=""):
        port = self.start_aiosmtpd("--prompt")
        self.configure(port, "max_connections = 4\n" + smtp + limits)
        issue = self.issue_for([f"reader{i}@example.org" for i in range(count)])
        self.send(issue, f"sent {count}, failed 0, deferred 0")
        letters = self.letters()
        self.assertEqual(len(letters), count)
        return letters

    def test_the_overall_rate_limit_holds_on_the_servers_clock(self):
        self.assert_rate(self.rate_run("[limits]\nmessages_per_second = 5\n"), 5)

    def test_a_relays_rate_limit_holds_on_the_servers_clock(self):
        self.assert_rate(self.rate_run("", smtp="messages_per_second = 5\n"), 5)

    def test_a_domains_rate_limit_holds_and_other_domains_go_meanwhile(self):
        port = self.start_aiosmtpd("--prompt")
        self.configure(port, "max_connections = 4\n[limits]\ndomains = [{ domain = "
                       '"example.org", messages_per_second = 5 }]\n')
        addresses = [f"reader{i}@example.{tld}" for i in range(12) for tld in ("org", "net")]
        issue = self.issue_for(addresses)
        self.send(issue, "sent 24, failed 0, deferred 0")
        letters = self.letters()
        limited = [letter for letter in letters if letter.rcpt_to.endswith("@example.org")]
        free = [letter for letter in letters if letter.rcpt_to.endswith("@example.net")]
        self.assertEqual((len(limited), len(free)), (12, 12))
        self.assert_rate(limited, 5)
        # The limited domain's wait did not hold the other one back behind it.
        self.assertLess(free[-1].accepted_at, limited[-1].accepted_at)

    def start_send_held_by_the_hourly_limit(self):
        """A send of 5 letters under messages_per_hour = 3, once the hour's 3 arrived."""
        port = self.start_aiosmtpd("--prompt")
        self.configure(port, "[limits]\nmessages_per_hour = 3\n")
        issue = self.issue_for([f"reader{i}@example.org" for i in range(5)])
        self.issue_held = issue
        process = subprocess.Popen([test_smtp.BIN, "--data-dir", self.data, "--config",
                                    self.config, "send", issue],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (process.kill(), process.communicate()))
        deadline = time.monotonic() + 30
        while len(self.letters()) < 3:
            self.assertIsNone(process.poll(), "the send ended before the hour's letters went")
            self.assertLess(time.monotonic(), deadline, "the hour's 3 letters did not arrive")
            time.sleep(0.05)
        return process

    def test_the_sliding_hour_holds_back_the_letters_past_its_limit(self):
        process = self.start_send_held_by_the_hourly_limit()
        # The other two wait for the hour to slide: none arrives meanwhile.
        with self.assertRaises(subprocess.TimeoutExpired):
            process.wait(timeout=3)
        self.assertEqual(len(self.letters()), 3)

    def test_sigterm_stops_a_send_that_waits_for_the_hour(self):
        # The wait for the sliding hour ends on SIGTERM; what was delivered is recorded sent,
        # and the letters never tried go back to the queue as they were (no retry delay:
        # the next send takes them as soon as the hour allows).
        process = self.start_send_held_by_the_hourly_limit()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.fail("the send did not stop within 10 s of SIGTERM")
        self.assertEqual(len(self.letters()), 3)
        self.assertEqual(self.cli("issues", "status", self.issue_held).stdout,
                         "queued 2, sending 0, sent 3, deferred 0, failed 0\n")

    def test_a_pause_gives_back_the_letters_that_wait_for_the_hour(self):
        # Letters held by the hourly limit never reached the relay: a pause ends the send
        # at once and puts them back in the queue; none goes out past the limit meanwhile.
        process = self.start_send_held_by_the_hourly_limit()
        self.cli("issues", "pause", self.issue_held)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.fail("the send did not stop within 10 s of the pause")
        self.assertEqual(process.returncode, 0, process.stderr.read())
        self.assertEqual(len(self.letters()), 3)
        self.assertEqual(self.cli("issues", "status", self.issue_held).stdout,
                         "queued 2, sending 0, sent 3, deferred 0, failed 0\n")

    # --- DKIM on letters that were sent ---

    def add_dkim_keys(self):
        """Keys made by `dkim keygen`, named in the configuration; their DNS records."""
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
        return records

    def assert_both_signatures_verify(self, raw, records):
        dns = lambda name, timeout=5: records.get(name.decode().rstrip("."))
        signatures = re.findall(rb"^DKIM-Signature:.*?a=([\w-]+)", raw, re.M | re.S)
        self.assertEqual(len(signatures), 2, raw[:2000])
        for index in (0, 1):
            self.assertTrue(dkim.DKIM(raw).verify(idx=index, dnsfunc=dns),
                            f"signature {index} does not verify")
        # Not a rubber stamp: a changed subject breaks both.
        tampered = raw.replace(b"Subject: Digest", b"Subject: Digesd", 1)
        self.assertNotEqual(tampered, raw)
        for index in (0, 1):
            self.assertFalse(dkim.DKIM(tampered).verify(idx=index, dnsfunc=dns))

    def test_letters_left_in_the_outbox_carry_two_verifying_signatures(self):
        with open(self.config, "w") as f:
            f.write('[sender]\nfrom_address = "press@embassy.example.org"\n'
                    '[delivery]\ntransport = "maildir"\n')
        records = self.add_dkim_keys()
        issue = self.issue_for(["ann@example.org", "bob@example.org"])
        self.send(issue, "sent 2, failed 0, deferred 0")
        new = os.path.join(self.data, "outbox", "new")
        names = os.listdir(new)
        self.assertEqual(len(names), 2)
        for name in names:
            with open(os.path.join(new, name), "rb") as f:
                self.assert_both_signatures_verify(f.read(), records)

    def test_letters_sent_over_smtp_carry_two_verifying_signatures(self):
        port = self.start_aiosmtpd("--prompt")
        self.configure(port)
        records = self.add_dkim_keys()
        issue = self.issue_for(["ann@example.org", "bob@example.org"])
        self.send(issue, "sent 2, failed 0, deferred 0")
        letters = self.letters()
        self.assertEqual(len(letters), 2)
        for letter in letters:
            self.assert_both_signatures_verify(letter.message, records)


def load_tests(loader, tests, pattern):
    """This suite's own tests, not the SmtpTest ones it inherits with the helpers."""
    suite = unittest.TestSuite()
    for name in loader.getTestCaseNames(TransportTest):
        if name in TransportTest.__dict__:
            suite.addTest(TransportTest(name))
    return suite


if __name__ == "__main__":
    unittest.main()
