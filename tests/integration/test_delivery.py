"""Delivery through the maildir transport, and the ledger's promise under kill -9: every
recipient receives the letter, and duplicates never exceed the letters in flight at the
kills (read from the ledger right after each kill: the recipients left `sending`, at most
the window, 100 by default) — signed letters too. A slow relay: memory stays flat while
letters wait, and a pause stops the sending at once. Letters signed on every worker thread
all verify.

COMMUNIQUE_BIN names the binary; every test works in its own temporary data directory.
"""

import collections
import json
import os
import random
import re
import signal
import sqlite3
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
DEFAULT_WINDOW = 100  # [delivery] window: letters in flight at most


def resident_kib(pid):
    """The process's resident memory now, in KiB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class DeliveryTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-delivery-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")
        self.outbox = os.path.join(self.data, "outbox", "new")
        self.config = os.path.join(self.dir, "communique.toml")
        # A cleanup, not tearDown: it runs after the others, once servers have stopped.
        self.addCleanup(self.tmp.cleanup)

    def cli(self, *args, check=True):
        config = ["--config", self.config] if os.path.exists(self.config) else []
        result = subprocess.run([BIN, "--data-dir", self.data, *config, *args],
                                capture_output=True, text=True, timeout=300)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    def make_issue(self, subscribers):
        self.cli("lists", "create", "press")
        people = os.path.join(self.dir, "people.csv")
        with open(people, "w") as f:
            f.write("email,name\n")
            for i in range(subscribers):
                f.write(f"reader{i}@example.org,Reader {i}\n")
        self.cli("import", "--list", "press", people)
        body = os.path.join(self.dir, "body.md")
        with open(body, "w") as f:
            f.write("## News\n\nThe President had a telephone conversation.\n")
        return self.cli("issues", "create", "--list", "press", "--subject", "Weekly digest",
                        "--body", body).stdout.strip()

    def letters_by_recipient(self):
        received = collections.Counter()
        for name in os.listdir(self.outbox):
            with open(os.path.join(self.outbox, name), "rb") as f:
                head = f.read(512).decode()
            match = re.search(r"^Delivered-To: (.+)\r$", head, re.M) or \
                re.search(r"^X-Rcpt-Args: <(.+)>$", head, re.M)
            received[match.group(1)] += 1
        return received

    def test_send_reaches_everyone_once_and_says_so(self):
        issue = self.make_issue(300)
        result = self.cli("send", issue)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 300, failed 0, deferred 0")
        self.assertEqual(self.cli("issues", "status", issue).stdout,
                         "queued 0, sending 0, sent 300, deferred 0, failed 0\n")
        received = self.letters_by_recipient()
        self.assertEqual(len(received), 300)
        self.assertEqual(set(received.values()), {1})
        again = self.cli("send", issue)
        self.assertEqual(again.stdout.splitlines()[-1], "sent 0, failed 0, deferred 0")
        self.assertIn(f"nothing was left to send: issue {issue} reached 300 recipient(s) before",
                      again.stderr)
        self.assertEqual(sum(self.letters_by_recipient().values()), 300)
        self.assertIn("sent", self.cli("issues", "ls").stdout)

    def test_errors_are_clear(self):
        missing = self.cli("send", "42", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("there is no issue 42", missing.stderr)

    def test_issue_controls_follow_their_rules(self):
        issue = self.make_issue(5)
        refused = self.cli("issues", "pause", issue, check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn(f"issue {issue} is draft", refused.stderr)
        bad_time = self.cli("issues", "schedule", issue, "--at", "next tuesday", check=False)
        self.assertIn("is not a time such as 2026-12-01T09:00Z", bad_time.stderr)
        past = self.cli("issues", "schedule", issue, "--at", "2020-12-01 09:00", check=False)
        self.assertEqual(past.returncode, 1)
        self.assertRegex(past.stderr, r"--at 2020-12-01T09:00:00Z is in the past \(it is "
                                      r"20\d\d-.*Z UTC\); use --now to send at once")
        hasty = self.cli("issues", "schedule", issue, "--now", "--expire-after", "1s", check=False)
        self.assertEqual(hasty.returncode, 1)
        self.assertIn("--expire-after: an expiry shorter than a minute could never be met",
                      hasty.stderr)
        self.assertIn("status:    draft", self.cli("issues", "show", issue).stdout)
        neither = self.cli("issues", "schedule", issue, check=False)
        self.assertEqual(neither.returncode, 2)
        self.assertIn("--at or --now", neither.stderr)
        scheduled = self.cli("issues", "schedule", issue, "--at", "2099-01-01T09:00Z",
                             "--expire-after", "6h")
        self.assertIn("scheduled for 2099-01-01T09:00:00Z (not sent if found more than 6h late)",
                      scheduled.stdout)
        self.cli("issues", "pause", issue)
        paused = self.cli("send", issue, check=False)
        self.assertEqual(paused.returncode, 1)
        self.assertIn(f"resume it first: communique issues resume {issue}", paused.stderr)
        self.assertIn("status:    paused", self.cli("issues", "show", issue).stdout)
        self.cli("issues", "resume", issue)
        self.assertIn("status:    scheduled", self.cli("issues", "show", issue).stdout)
        self.cli("issues", "cancel", issue)
        self.assertIn("status:    cancelled", self.cli("issues", "show", issue).stdout)
        cancelled = self.cli("send", issue, check=False)
        self.assertIn("was cancelled; nothing is sent", cancelled.stderr)
        self.assertFalse(os.path.isdir(self.outbox) and os.listdir(self.outbox))

    def test_serve_sends_due_schedules_and_refuses_stale_ones(self):
        due = self.make_issue(5)
        body = os.path.join(self.dir, "body.md")
        stale = self.cli("issues", "create", "--list", "press", "--subject", "Old news",
                         "--body", body).stdout.strip()
        now = time.time()
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        self.assertIn("scheduled to be sent at once", self.cli("issues", "schedule", due, "--now").stdout)
        self.cli("issues", "schedule", stale, "--at", time.strftime(fmt, time.gmtime(now + 3600)),
                 "--expire-after", "1h")
        # As if the server had been down for three hours since its time came (the command
        # refuses a time in the past, so the ledger is moved back by hand).
        with sqlite3.connect(os.path.join(self.data, "communique.db")) as db:
            db.execute("UPDATE issues SET scheduled_at = ? WHERE id = ?",
                       (int(now - 3 * 3600), int(stale)))
        server = subprocess.Popen([BIN, "--data-dir", self.data, "serve", "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  env=dict(os.environ, COMMUNIQUE_DELIVERY__POLL_SECONDS="1"))
        try:
            deadline = time.monotonic() + 60
            status = ""
            while time.monotonic() < deadline:
                status = self.cli("issues", "status", due).stdout
                if status.startswith("queued 0, sending 0, sent 5"):
                    break
                time.sleep(0.2)
            self.assertEqual(status, "queued 0, sending 0, sent 5, deferred 0, failed 0\n")
            shown = self.cli("issues", "show", stale).stdout
            self.assertIn("status:    cancelled", shown)
            self.assertRegex(shown, r"note:      not sent: due at .*, found 1\d\d minutes late, "
                                    r"past its expire-after of 60 minutes")
        finally:
            server.send_signal(signal.SIGTERM)
            self.assertEqual(server.wait(timeout=30), 0)
            server.stderr.close()
        self.assertEqual(len(self.letters_by_recipient()), 5)

    def api(self, address, token, method, path, body=None):
        request = urllib.request.Request(
            f"http://{address}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()

    def start_serve(self, **env):
        config = ["--config", self.config] if os.path.exists(self.config) else []
        server = subprocess.Popen([BIN, "--data-dir", self.data, *config,
                                   "serve", "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  env=dict(os.environ, COMMUNIQUE_DELIVERY__POLL_SECONDS="1", **env))
        def stop():
            if server.poll() is None:
                server.kill()
                server.wait()
            server.stderr.close()
        self.addCleanup(stop)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = server.stderr.readline()
            if "listening on http://" in line:
                return server, line.split("http://")[1].split(" ")[0]
            if not line and server.poll() is not None:
                break
        self.fail("the server did not start")

    def test_an_attribute_that_looks_like_a_tracking_mark_does_not_stop_serve(self):
        # An attribute holding the control characters that mark a tracked link, printed by
        # the template of an issue that tracks subscribers' clicks.
        self.cli("lists", "create", "press")
        people = os.path.join(self.dir, "people.csv")
        with open(people, "w") as f:
            f.write('email,attributes\n'
                    'ann@example.org,"{""code"":""\\u0001Lx\\u0002""}"\n'
                    'bob@example.org,"{""code"":""plain""}"\n')
        self.cli("import", "--list", "press", people)
        templates = os.path.join(self.data, "templates")
        os.makedirs(templates)
        with open(os.path.join(templates, "coded.html"), "w") as f:
            f.write("<p>Code {{subscriber.attributes.code}}</p>"
                    "{{#content.sections}}{{{html}}}{{/content.sections}}")
        with open(os.path.join(templates, "coded.txt"), "w") as f:
            f.write("Code {{subscriber.attributes.code}}\n"
                    "{{#content.sections}}{{{text}}}{{/content.sections}}")
        subprocess.run([BIN, "--data-dir", self.data, "users", "add", "alice", "--role", "admin"],
                       input="correct horse battery\n", capture_output=True, text=True, check=True)
        token = self.cli("tokens", "create", "--user", "alice", "ci").stdout.strip()
        server, address = self.start_serve()
        status, body = self.api(address, token, "POST", "/api/v1/issues", {
            "subject": "Codes", "lists": [1], "template": "coded",
            "body": "Read [the news](https://example.org/news).",
            "track_clicks": True, "track_subscribers": True})
        self.assertEqual(status, 201, body)
        issue = str(json.loads(body)["id"])
        self.cli("issues", "schedule", issue, "--now")

        deadline = time.monotonic() + 60
        status_line = ""
        while time.monotonic() < deadline and server.poll() is None:
            status_line = self.cli("issues", "status", issue).stdout
            if "sent 2" in status_line:
                break
            time.sleep(0.2)
        self.assertIsNone(server.poll(), "the server died while sending")
        self.assertEqual(status_line, "queued 0, sending 0, sent 2, deferred 0, failed 0\n")
        self.assertEqual(self.api(address, token, "GET", "/health")[0], 200)
        self.assertIn("status:    sent", self.cli("issues", "show", issue).stdout)
        letters = {}
        for name in os.listdir(self.outbox):
            with open(os.path.join(self.outbox, name), "rb") as f:
                message = f.read().decode()
            letters[re.search(r"^To: (.+)\r$", message, re.M).group(1)] = message
        ann = next(text for to, text in letters.items() if "ann@example.org" in to)
        self.assertIn("Code Lx", ann)  # the marks are gone, the words stay
        self.assertNotIn("\x01", ann)

    def test_kill_9_loses_nobody_and_duplicates_only_what_was_in_flight(self):
        self.kill_three_times_and_count()

    def test_kill_9_through_a_capturing_smtp_server(self):
        # The same promise through SMTP: smtp-sink dumps one file per letter it accepted.
        self.use_sink()
        self.kill_three_times_and_count()

    def test_kill_9_while_letters_are_signed_on_every_core(self):
        # Signing is the slow stage: letters wait for the workers, and a kill finds some
        # being signed. They too are in the ledger's count of letters in flight.
        self.use_sink()
        self.add_dkim_keys()
        self.kill_three_times_and_count()

    def test_letters_signed_by_every_worker_thread_all_verify(self):
        import dkim
        records = self.add_dkim_keys()
        issue = self.make_issue(300)
        self.assertRegex(self.cli("send", issue).stdout.splitlines()[-1],
                         r"^sent 300, failed 0, deferred 0$")
        dns = lambda name, timeout=5: records.get(name.decode().rstrip("."))
        names = os.listdir(self.outbox)
        self.assertEqual(len(names), 300)
        ids = set()
        for name in names:
            with open(os.path.join(self.outbox, name), "rb") as f:
                raw = f.read()
            algorithms = re.findall(rb"^DKIM-Signature:.*?a=([\w-]+)", raw, re.M | re.S)
            self.assertEqual(sorted(algorithms), [b"ed25519-sha256", b"rsa-sha256"], name)
            for index in (0, 1):
                self.assertTrue(dkim.DKIM(raw).verify(idx=index, dnsfunc=dns),
                                f"signature {index} of {name} does not verify")
            ids.add(re.search(rb"^Message-ID: (.*)$", raw, re.M | re.I).group(1))
        self.assertEqual(len(ids), 300, "every letter has its own Message-ID")
        # Not a rubber stamp: a changed subject breaks a signature.
        tampered = raw.replace(b"Subject: Weekly digest", b"Subject: Weekly digesd", 1)
        self.assertNotEqual(tampered, raw)
        self.assertFalse(dkim.DKIM(tampered).verify(idx=0, dnsfunc=dns))

    def test_a_slow_relay_keeps_memory_flat_and_a_pause_stops_the_sending(self):
        # Each DATA waits a second at the relay: the composers run far ahead of it, and
        # only the window's letters may wait. A pause then stops the sending: letters not
        # yet at the relay go back to the queue, and the count of letters the relay
        # receives after it is bounded by the letters in flight.
        self.use_sink(delay=1, connections=4)
        self.add_dkim_keys()
        subscribers = 3000
        issue = self.make_issue(subscribers)
        process = self.start_send(issue)
        self.wait_for_letters(8, process)
        peak = 0
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            peak = max(peak, resident_kib(process.pid))
            time.sleep(0.05)
        self.cli("issues", "pause", issue)
        at_pause = sum(1 for _ in os.scandir(self.outbox))
        line = self.cli("issues", "status", issue).stdout
        in_flight = int(re.search(r"sending (\d+)", line).group(1))
        code, out, err = self.finish(process)
        after = sum(1 for _ in os.scandir(self.outbox))
        print(f"\nslow relay: peak resident memory {peak / 1024:.1f} MiB; {at_pause} letters "
              f"at the pause, {after - at_pause} after it, {in_flight} in flight at the pause")
        self.assertEqual(code, 0, err)
        self.assertLess(peak, 160 * 1024, "memory grew with the letters waiting")
        self.assertLessEqual(after - at_pause, DEFAULT_WINDOW)
        self.assertLessEqual(in_flight, DEFAULT_WINDOW)
        counts = {state: int(n) for n, state in
                  ((m.group(2), m.group(1)) for m in re.finditer(r"(\w+) (\d+)",
                                                                  self.cli("issues", "status",
                                                                           issue).stdout))}
        # Nobody is left in flight; what was not sent waits in the queue for a resume.
        self.assertEqual(counts["sending"], 0)
        self.assertEqual(counts["sent"], after)
        self.assertEqual(counts["sent"] + counts["queued"], subscribers)
        self.assertIn("paused", self.cli("issues", "show", issue, check=False).stdout + line)

    def add_dkim_keys(self):
        """Both keys, made by `dkim keygen` and named in the configuration; their DNS
        records, for dkimpy."""
        records = {}
        for selector, algorithm in (("s2026", "rsa"), ("e2026", "ed25519")):
            out = self.cli("dkim", "keygen", "--domain", "embassy.example.org", "--selector",
                           selector, "--algorithm", algorithm).stdout
            records[out.split()[0].rstrip(".")] = re.search(r'"(.*)"', out).group(1).encode()
        with open(self.config, "a") as f:
            f.write('[sender]\nfrom_address = "press@embassy.example.org"\n'
                    '[dkim]\nrsa_selector = "s2026"\n'
                    'rsa_key = "dkim/s2026.embassy.example.org.rsa.pem"\n'
                    'ed25519_selector = "e2026"\n'
                    'ed25519_key = "dkim/e2026.embassy.example.org.ed25519.pem"\n')
        return records

    def use_sink(self, delay=0, connections=10):
        port = self.start_sink(delay)
        with open(self.config, "w") as f:
            f.write('[delivery]\ntransport = "smtp"\n'
                    f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
                    f'max_connections = {connections}\n')

    def start_send(self, issue, *flags):
        process = subprocess.Popen([BIN, "--data-dir", self.data, "--config", self.config,
                                    "send", issue, *flags],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: process.poll() is None and (process.kill(), process.wait()))
        return process

    def finish(self, process):
        out, err = process.communicate(timeout=300)
        return process.returncode, out, err

    def wait_for_letters(self, count, process):
        deadline = time.monotonic() + 60
        while sum(1 for _ in os.scandir(self.outbox)) < count:
            self.assertIsNone(process.poll(), "the runner ended before the letters came")
            self.assertLess(time.monotonic(), deadline, "no letters came")
            time.sleep(0.01)

    def assert_everyone_once(self, issue, subscribers):
        self.assertEqual(self.cli("issues", "status", issue).stdout,
                         f"queued 0, sending 0, sent {subscribers}, deferred 0, failed 0\n")
        received = self.letters_by_recipient()
        self.assertEqual(len(received), subscribers)
        duplicates = sum(received.values()) - len(received)
        self.assertEqual(duplicates, 0, f"{duplicates} recipients got the letter twice")

    def refusal(self, issue):
        return (rf"communique: issue {issue} is being sent by [^ ]+:\d+:[0-9a-f]{{16}} "
                rf"\(process \d+ on this host, lease until \S+Z\); wait for it, or run: "
                rf"communique send {issue} --wait\n")

    def test_two_sends_at_once_reach_every_recipient_exactly_once(self):
        self.use_sink()
        issue = self.make_issue(5000)
        runs = [self.finish(p) for p in [self.start_send(issue), self.start_send(issue)]]
        self.assert_everyone_once(issue, 5000)
        # One runner per issue: the one that took the issue's lease sends it, the other
        # says who holds it and exits 1.
        self.assertEqual(sorted(code for code, _, _ in runs), [0, 1], runs)
        for code, out, err in runs:
            if code == 0:
                self.assertEqual(out, "sent 5000, failed 0, deferred 0\n")
            else:
                self.assertRegex(err, self.refusal(issue))

    def test_send_while_serve_sends_the_issue_is_refused_or_waits_and_nobody_gets_two(self):
        self.use_sink()
        issue = self.make_issue(3000)
        self.cli("issues", "schedule", issue, "--now")
        server, _ = self.start_serve()
        self.wait_for_letters(1, server)
        refused, waiting = self.start_send(issue), self.start_send(issue, "--wait")
        refused = self.finish(refused)
        waited = self.finish(waiting)
        self.assert_everyone_once(issue, 3000)
        self.assertEqual(refused[0], 1, refused)
        self.assertRegex(refused[2], self.refusal(issue))
        # --wait waits for serve to end its run, then finds nothing left to send.
        self.assertEqual(waited[0], 0, waited)
        self.assertRegex(waited[2], rf"issue {issue} is being sent by .*; waiting for it to finish")
        self.assertEqual(waited[1], "sent 0, failed 0, deferred 0\n")
        self.assertIn("nothing was left to send", waited[2])

    def test_serve_leaves_an_issue_that_send_holds_to_it(self):
        self.use_sink()
        issue = self.make_issue(3000)
        sending = self.start_send(issue)
        self.wait_for_letters(1, sending)
        server, _ = self.start_serve()  # it finds the issue sending, and leased
        self.assertEqual(self.finish(sending)[0], 0)
        server.send_signal(signal.SIGTERM)
        self.assertEqual(server.wait(timeout=30), 0)
        log = server.stderr.read()
        self.assertIn(f"issue {issue} is being sent by", log)
        self.assertEqual(log.count("leaving it to that runner"), 1, log)
        self.assert_everyone_once(issue, 3000)

    def start_sink(self, delay=0):
        # Outside the data directory, which Communiqué keeps private to its owner.
        self.outbox = os.path.join(self.dir, "sink", "new")
        os.makedirs(self.outbox)
        os.chmod(self.dir, 0o755)
        os.chmod(os.path.dirname(self.outbox), 0o755)
        os.chmod(self.outbox, 0o777)  # smtp-sink writes as nobody
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        slow = ["-w", str(delay)] if delay else []
        sink = subprocess.Popen(["/usr/sbin/smtp-sink", "-u", "nobody", *slow, "-d",
                                 os.path.join(self.outbox, "%M."), f"127.0.0.1:{port}", "1024"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (sink.terminate(), sink.wait()))
        deadline = time.monotonic() + 10
        while True:  # until the sink accepts connections
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                self.assertLess(time.monotonic(), deadline, "smtp-sink did not start")
                time.sleep(0.02)

    def kill_three_times_and_count(self):
        subscribers = 20000
        issue = self.make_issue(subscribers)
        in_flight = 0
        seed = random.randrange(2**32)
        print(f"\nkill points seeded with {seed}", end="")
        rng = random.Random(seed)
        # Three kills at random points of the send: each when the outbox has reached a
        # random number of letters (time alone would often hit start-up instead).
        targets = sorted(rng.sample(range(500, subscribers - 500), 3))
        for target in targets:
            config = ["--config", self.config] if os.path.exists(self.config) else []
            process = subprocess.Popen([BIN, "--data-dir", self.data, *config, "send", issue],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline:
                if os.path.isdir(self.outbox) and \
                        sum(1 for _ in os.scandir(self.outbox)) >= target:
                    break
                time.sleep(0.002)
            # A random pause moves the kill to any moment of the pipeline (a claim, letters
            # being signed, sent, or waiting for their record).
            time.sleep(rng.uniform(0, 0.005))
            process.send_signal(signal.SIGKILL)
            # The kill landed mid-send: the runner died of it, with work left to do.
            self.assertEqual(process.wait(), -signal.SIGKILL, "the send ended before the kill")
            line = self.cli("issues", "status", issue).stdout
            counts = {state: int(n) for n, state in
                      ((m.group(2), m.group(1)) for m in re.finditer(r"(\w+) (\d+)", line))}
            self.assertGreater(counts["queued"] + counts["sending"], 0, line)
            # The ledger knows what a crash may send twice: at most the window.
            self.assertLessEqual(counts["sending"], DEFAULT_WINDOW, line)
            in_flight += counts["sending"]
            print(f"\nkilled at {target}+ letters: {line.strip()} "
                  f"({counts['sending']} in flight)", end="")
        result = self.cli("send", issue)
        # The last run sends what the killed ones left; the issue has reached everyone.
        self.assertRegex(result.stdout.splitlines()[-1], r"^sent \d+, failed 0, deferred 0$")
        self.assertEqual(self.cli("issues", "status", issue).stdout,
                         f"queued 0, sending 0, sent {subscribers}, deferred 0, failed 0\n")

        received = self.letters_by_recipient()
        missing = subscribers - len(received)
        duplicates = sum(received.values()) - len(received)
        print(f"\nkill -9 three times during a send to {subscribers}: {missing} lost, "
              f"{duplicates} duplicates, {in_flight} letters in flight at the kills")
        self.assertEqual(missing, 0)
        self.assertLessEqual(duplicates, in_flight)


if __name__ == "__main__":
    unittest.main()
