"""Delivery through real SMTP peers on 127.0.0.1: postfix's smtp-sink (pipelining, and the
faults it makes on purpose) and python3-aiosmtpd (STARTTLS with a certificate made here,
AUTH). Every server is started and stopped by the test that uses it.
"""

import os
import re
import socket
import subprocess
import tempfile
import time
import unittest
from datetime import datetime, timedelta, timezone

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(port, deadline_seconds=10):
    """Returns once 127.0.0.1:port accepts a connection; fails after the deadline."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on 127.0.0.1:{port}")
            time.sleep(0.02)


class SmtpTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-smtp-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")
        self.received = os.path.join(self.dir, "received")
        os.makedirs(self.received)
        os.chmod(self.dir, 0o755)
        os.chmod(self.received, 0o777)  # smtp-sink writes as nobody
        self.config = os.path.join(self.dir, "communique.toml")

    def tearDown(self):
        self.tmp.cleanup()

    def cli(self, *args, check=True, code=0):
        """Runs the command; with `check`, it must exit `code` (3: nothing could be sent)."""
        result = subprocess.run([BIN, "--data-dir", self.data, "--config", self.config, *args],
                                capture_output=True, text=True, timeout=300)
        if check and result.returncode != code:
            self.fail(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    def configure(self, port, extra="", host="127.0.0.1", tls="none", delivery="",
                  helo='helo_name = "communique.test"\n', sender=""):
        with open(self.config, "w") as f:
            f.write('[sender]\nfrom_address = "press@embassy.example.org"\n' + sender +
                    '[delivery]\ntransport = "smtp"\n' + delivery +
                    f'[smtp]\nhost = "{host}"\nport = {port}\ntls = "{tls}"\n' +
                    helo + 'timeout_seconds = 3\n' + extra)

    def make_issue(self, subscribers):
        with open(self.config, "a"):
            pass
        self.cli("lists", "create", "press")
        people = os.path.join(self.dir, "people.csv")
        with open(people, "w") as f:
            f.write("email,name\n" + "".join(f"reader{i}@example.org,Reader {i}\n"
                                             for i in range(subscribers)))
        self.cli("import", "--list", "press", people)
        body = os.path.join(self.dir, "body.md")
        with open(body, "w") as f:
            f.write("## News\n\n.A line that starts with a dot, which SMTP must escape.\n")
        return self.cli("issues", "create", "--list", "press", "--subject", "Digest",
                        "--body", body).stdout.strip()

    def sink(self, *options):
        port = free_port()
        process = subprocess.Popen(["/usr/sbin/smtp-sink", "-u", "nobody", *options,
                                    "-d", os.path.join(self.received, "%M."),
                                    f"127.0.0.1:{port}", "1000"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.addCleanup(lambda: (process.terminate(), process.wait(), process.stdout.close()))
        wait_until_listening(port)
        return port

    def problems(self, issue):
        """The reasons `issues show` gives for deferred and failed recipients."""
        shown = self.cli("issues", "show", issue).stdout.splitlines()
        return [line for line in shown if line.startswith(("deferred:", "failed:"))]

    def assert_one_problem(self, issue, state, count, pattern):
        problems = self.problems(issue)
        self.assertEqual(len(problems), 1, problems)
        self.assertRegex(problems[0], re.compile(rf"^{state}:\s+{count} × .*{pattern}",
                                                 re.IGNORECASE))

    def test_a_pipelining_relay_receives_every_letter(self):
        port = self.sink()
        self.configure(port)
        issue = self.make_issue(300)
        result = self.cli("send", issue)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 300, failed 0, deferred 0")
        files = os.listdir(self.received)
        self.assertEqual(len(files), 300)
        with open(os.path.join(self.received, files[0]), "rb") as f:
            dumped = f.read().decode()
        self.assertIn("X-Mail-Args: <press@embassy.example.org>", dumped)
        self.assertRegex(dumped, r"X-Rcpt-Args: <reader\d+@example.org>")
        self.assertIn("X-Helo-Args: communique.test", dumped)
        # The letter arrived un-stuffed: ".A line" crossed the wire as "..A line".
        self.assertIn("\n.A line that starts with a dot", dumped.replace("=\r\n", ""))
        self.assertNotIn("\n..A line", dumped)

    def test_the_relay_is_greeted_with_the_base_urls_host_unless_a_name_is_set(self):
        port = self.sink()
        self.configure(port, helo="", sender='base_url = "https://news.example.org/press"\n')
        issue = self.make_issue(1)
        result = self.cli("send", issue)
        self.assertNotIn("localhost", result.stderr)
        files = os.listdir(self.received)
        self.assertEqual(len(files), 1)
        with open(os.path.join(self.received, files[0]), "rb") as f:
            self.assertIn("X-Helo-Args: news.example.org\n", f.read().decode())

    def test_a_relay_greeted_as_localhost_is_warned_of_at_start(self):
        port = self.sink()
        self.configure(port, helo='helo_name = "localhost"\n')
        issue = self.make_issue(1)
        result = self.cli("send", issue)
        warning = "the relay 127.0.0.1 is greeted as 'localhost' (EHLO)"
        self.assertIn(warning, result.stderr)
        self.assertIn("set [smtp] helo_name, or [sender] base_url", result.stderr)
        server = subprocess.Popen([BIN, "--data-dir", self.data, "--config", self.config, "serve",
                                   "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            said = []
            for line in server.stderr:
                said.append(line)
                if "listening on" in line:
                    break
            self.assertIn(warning, "".join(said))
        finally:
            server.terminate()
            server.wait(timeout=30)
            server.stderr.close()

    def test_serve_says_at_info_level_only_what_changed_while_letters_wait_to_be_retried(self):
        port = self.sink("-r", "RCPT", "-b", "452 4.2.2 Mailbox full")
        self.configure(port, delivery="poll_seconds = 1\n")
        issue = self.make_issue(5)
        self.cli("send", issue, code=3)  # every letter deferred, to be retried in minutes
        server = subprocess.Popen([BIN, "--data-dir", self.data, "--config", self.config,
                                   "--log-level", "debug", "serve", "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        looks = []
        try:
            deadline = time.monotonic() + 60
            for line in server.stderr:
                if f"issue {issue}: sending through" in line or \
                        f"issue {issue}: sent 0, failed 0, deferred 5" in line:
                    looks.append(line.strip())
                if len(looks) >= 6 or time.monotonic() > deadline:
                    break
        finally:
            server.terminate()
            server.wait(timeout=30)
            server.stderr.close()
        # Three polls found the issue with nothing due: each said so at debug level only.
        self.assertEqual(len(looks), 6, looks)
        for line in looks:
            self.assertRegex(line, r"Z debug \[delivery\] ", line)

    def test_a_hard_rejection_fails_the_recipient(self):
        port = self.sink("-f", "RCPT", "-B", "550 5.1.1 User unknown")
        self.configure(port)
        issue = self.make_issue(5)
        result = self.cli("send", issue)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 5, deferred 0")
        self.assert_one_problem(issue, "failed", 5, "550 5.1.1 User unknown")

    def test_a_soft_rejection_defers_the_recipient(self):
        port = self.sink("-r", "RCPT", "-b", "452 4.2.2 Mailbox full")
        self.configure(port)
        issue = self.make_issue(5)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 5")
        self.assertIn("deferred", result.stderr)
        self.assertEqual(self.cli("issues", "status", issue).stdout,
                         "queued 0, sending 0, sent 0, deferred 5, failed 0\n")
        self.assert_one_problem(issue, "deferred", 5, "452 4.2.2 Mailbox full")

    def test_a_421_closing_reply_defers(self):
        port = self.sink("-Q", "MAIL")  # 421 and hang up at MAIL FROM
        self.configure(port)
        issue = self.make_issue(3)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 3")
        self.assert_one_problem(issue, "deferred", 3, "421")

    def test_a_hang_up_in_data_defers_and_a_later_run_delivers(self):
        port = self.sink("-q", "DATA")
        # Retries are due after a second, so the later run needs no long wait.
        self.configure(port, delivery="first_retry_seconds = 1\n")
        issue = self.make_issue(3)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 3")
        self.assert_one_problem(issue, "deferred", 3, "closed the connection")
        self.assertEqual(os.listdir(self.received), [])
        # The relay mends; a later run delivers every deferred letter once they are due.
        self.doCleanups()
        self.configure(self.sink(), delivery="first_retry_seconds = 1\n")
        deadline = time.monotonic() + 20
        while True:
            status = self.cli("issues", "status", issue).stdout
            if status.startswith("queued 0, sending 0, sent 3"):
                break
            self.assertLess(time.monotonic(), deadline, status)
            self.cli("send", issue, check=False)  # 3 while the retries are not due yet
            time.sleep(0.2)  # retries come due with the clock, not with an event
        self.assertEqual(status, "queued 0, sending 0, sent 3, deferred 0, failed 0\n")
        self.assertEqual(len(os.listdir(self.received)), 3)
        self.assertEqual(self.problems(issue), [])

    def test_a_hang_up_after_the_final_dot_defers_without_sending_again_at_once(self):
        # The relay may have taken a letter whose connection broke after its final dot: a
        # second copy at once would reach every reader twice.
        port = self.sink("-q", ".")
        self.configure(port)
        issue = self.make_issue(5)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 5")
        self.assertEqual(len(os.listdir(self.received)), 5)

    def test_an_unreachable_relay_defers_with_a_reason(self):
        self.configure(free_port())
        issue = self.make_issue(2)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 2")
        self.assert_one_problem(issue, "deferred", 2, "connection refused")

    def test_an_unreachable_relay_is_reported_once_with_its_next_attempt(self):
        dead = free_port()
        # Four connections fail at once, and three more windows find the relay backed off:
        # one outage, said once, with the time the relay is tried again.
        self.configure(dead, "max_connections = 4\n", delivery="window = 5\n")
        issue = self.make_issue(20)
        before = datetime.now(timezone.utc).replace(microsecond=0)
        result = self.cli("send", issue, code=3)
        after = datetime.now(timezone.utc)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 20")
        said = [line for line in result.stderr.splitlines()
                if f"relay 127.0.0.1:{dead}" in line]
        self.assertEqual(len(said), 1, result.stderr)
        match = re.search(r"cannot connect to .*Connection refused\); backed off for 30 s, "
                          r"next attempt at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$", said[0])
        self.assertIsNotNone(match, said[0])
        next_attempt = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=timezone.utc)
        self.assertGreaterEqual(next_attempt, before + timedelta(seconds=30))
        self.assertLessEqual(next_attempt, after + timedelta(seconds=30))

    def test_a_failing_relay_is_backed_off_and_the_others_carry_its_letters(self):
        live = self.sink()
        dead = free_port()  # nothing listens there
        with open(self.config, "w") as f:
            f.write('[sender]\nfrom_address = "press@embassy.example.org"\n'
                    '[delivery]\ntransport = "smtp"\n')
            for port in (dead, live):
                f.write(f'[[smtp]]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
                        'timeout_seconds = 3\nmax_connections = 2\n')
        issue = self.make_issue(40)
        result = self.cli("send", issue)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 40, failed 0, deferred 0")
        self.assertIn(f"relay 127.0.0.1:{dead} failed", result.stderr)
        self.assertIn("backed off for 30 s", result.stderr)
        self.assertEqual(len(os.listdir(self.received)), 40)

    def start_aiosmtpd(self, *options):
        process = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "smtp_server.py"),
                                    self.received, *options], stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (process.terminate(), process.wait(), process.stdout.close()))
        line = process.stdout.readline()
        return int(re.match(r"PORT (\d+)", line).group(1))

    def most_open_transactions(self, limits):
        port = self.start_aiosmtpd()
        self.configure(port, "max_connections = 4\n" + limits)
        issue = self.make_issue(24)
        result = self.cli("send", issue)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 24, failed 0, deferred 0")
        return port

    def stop_and_read_stats(self):
        self.doCleanups()
        with open(os.path.join(self.received, "stats.txt")) as f:
            return int(f.read().split()[1])

    def test_a_domain_limit_caps_open_transactions(self):
        self.most_open_transactions("")
        unlimited = self.stop_and_read_stats()
        self.assertGreater(unlimited, 1, "four connections should overlap without a limit")
        # The same again with one transaction at a time for example.org.
        self.tearDown()
        self.setUp()
        self.most_open_transactions('[limits]\ndomains = [{ domain = "example.org", '
                                    'max_connections = 1 }]\n')
        self.assertEqual(self.stop_and_read_stats(), 1)

    def make_certificate(self):
        cert = os.path.join(self.dir, "cert.pem")
        key = os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        return cert, key

    def test_starttls_with_a_verified_certificate_and_auth(self):
        cert, key = self.make_certificate()
        port = self.start_aiosmtpd("--cert", cert, "--key", key, "--user", "news",
                                   "--password", "s3cret")
        self.configure(port, f'ca_file = "{cert}"\nusername = "news"\npassword = "s3cret"\n',
                       host="localhost", tls="starttls")
        issue = self.make_issue(4)
        result = self.cli("send", issue)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 4, failed 0, deferred 0")
        received = sorted(os.listdir(self.received))
        self.assertEqual(len(received), 4)
        with open(os.path.join(self.received, received[0]), "rb") as f:
            self.assertIn(b"X-Auth: True", f.read())

    def test_an_untrusted_certificate_is_refused(self):
        cert, key = self.make_certificate()
        port = self.start_aiosmtpd("--cert", cert, "--key", key)
        # No ca_file: the self-signed certificate is not trusted.
        self.configure(port, host="localhost", tls="starttls")
        issue = self.make_issue(2)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 2")
        self.assertEqual(os.listdir(self.received), [])
        self.assert_one_problem(issue, "deferred", 2, "certificate verify failed")

    def test_a_reply_injected_before_the_tls_handshake_stops_the_connection(self):
        cert, key = self.make_certificate()
        process = subprocess.Popen(["/usr/bin/python3",
                                    os.path.join(HERE, "starttls_injecting_server.py"),
                                    self.received, "--cert", cert, "--key", key],
                                   stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (process.terminate(), process.wait(), process.stdout.close()))
        port = int(re.match(r"PORT (\d+)", process.stdout.readline()).group(1))
        self.configure(port, f'ca_file = "{cert}"\n', host="localhost", tls="starttls")
        issue = self.make_issue(2)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 2")
        self.assert_one_problem(issue, "deferred", 2,
                                "the server sent data after its STARTTLS reply")
        # Nothing crossed the TLS connection: not even the EHLO that follows the handshake.
        commands = os.path.join(self.received, "commands.txt")
        self.assertFalse(os.path.exists(commands),
                         open(commands).read() if os.path.exists(commands) else "")

    def test_a_relay_that_accepts_data_after_refusing_the_recipient_gets_an_empty_letter(self):
        process = subprocess.Popen(["/usr/bin/python3",
                                    os.path.join(HERE, "lenient_pipelining_server.py"),
                                    self.received, "--refuse", "reader0@example.org"],
                                   stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (process.terminate(), process.wait(), process.stdout.close()))
        port = int(re.match(r"PORT (\d+)", process.stdout.readline()).group(1))
        self.configure(port, "max_connections = 1\n")
        issue = self.make_issue(3)
        result = self.cli("send", issue)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 2, failed 1, deferred 0")
        self.assert_one_problem(issue, "failed", 1, "550 5.1.1 no such user here")
        with open(os.path.join(self.received, "commands.txt")) as f:
            said = f.read().splitlines()
        # The refused transaction's data phase was ended with a lone "." before RSET, so
        # the RSET was a command, not a line of a letter, and the connection carried on.
        refused = said.index("1 RCPT TO:<reader0@example.org>")
        self.assertEqual(said[refused + 1:refused + 4], ["1 DATA", "1 data: 0 lines", "1 RSET"],
                         said)
        self.assertNotIn("1 data line: RSET", said)
        self.assertEqual({line.split()[0] for line in said}, {"1"}, said)
        self.assertEqual(len([name for name in os.listdir(self.received)
                              if name.endswith(".eml")]), 2)

    def test_a_server_that_never_greets_times_out_and_defers(self):
        # A socket that listens but never accepts: the kernel completes the connection and
        # no greeting ever comes.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        self.addCleanup(silent.close)
        self.configure(silent.getsockname()[1])
        issue = self.make_issue(1)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 1")
        self.assert_one_problem(issue, "deferred", 1, "timed out waiting for the greeting")

    def test_a_server_that_stalls_after_data_times_out_and_defers(self):
        port = self.sink("-w", "30")  # waits 30 s before it answers the end of DATA
        self.configure(port)
        issue = self.make_issue(1)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 1")
        self.assert_one_problem(issue, "deferred", 1, "(timed out|timeout)")

    def test_a_wrong_password_sends_nothing(self):
        cert, key = self.make_certificate()
        port = self.start_aiosmtpd("--cert", cert, "--key", key, "--user", "news",
                                   "--password", "s3cret")
        self.configure(port, f'ca_file = "{cert}"\nusername = "news"\npassword = "wrong"\n',
                       host="localhost", tls="starttls")
        issue = self.make_issue(2)
        result = self.cli("send", issue, code=3)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 0, failed 0, deferred 2")
        self.assertEqual(os.listdir(self.received), [])
        self.assert_one_problem(issue, "deferred", 2, "535")


if __name__ == "__main__":
    unittest.main()
