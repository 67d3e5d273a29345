"""What an operator relies on, through the real binary: the counts of /metrics, the issue
and audience endpoints of the API by their effects, pause and cancel while a send is
under way, a stop signal with requests in flight, and client addresses behind a reverse
proxy (Debian's nginx).
"""

import csv
import email
import email.policy
import glob
import io
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import unittest

from test_cli import BIN, CommuniqueTestCase
from test_limits import read_answer
from test_server import Client

PASSWORD = "correct horse battery\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, what, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not start")
            time.sleep(0.02)


def metric(text, name):
    """The value of one sample (`name` with its labels) in a Prometheus text page."""
    match = re.search("^" + re.escape(name) + r" (\d+)$", text, re.M)
    if match is None:
        raise AssertionError(f"{name} is not in:\n{text}")
    return int(match.group(1))


class OperationsTestCase(CommuniqueTestCase):
    def add_user(self, name, role):
        """A user of `role` and an API client holding a token of theirs."""
        subprocess.run([BIN, "--data-dir", self.data, "users", "add", name, "--role", role],
                       input=PASSWORD, text=True, capture_output=True, check=True, timeout=60)
        return self.run_cli("tokens", "create", "--user", name, "ops").stdout.strip()

    def client(self, address, token):
        client = Client(address)
        client.token = token
        return client

    def people(self, count, list_name="press"):
        self.run_cli("lists", "create", list_name)
        rows = "".join(f"reader{i}@example.org,Reader {i}\n" for i in range(count))
        self.run_cli("import", "--list", list_name, self.write("people.csv", "email,name\n" + rows))

    def make_issue(self, subject="Weekly digest", list_name="press"):
        body = self.write("body.md", "## News\n\nThe President had a telephone conversation.\n")
        return self.run_cli("issues", "create", "--list", list_name, "--subject", subject,
                            "--body", body).stdout.strip()

    def shown_status(self, issue):
        shown = self.run_cli("issues", "show", str(issue)).stdout
        return re.search(r"^status:\s+(\S+)", shown, re.M).group(1)

    def letters(self, folder):
        found = []
        for path in sorted(glob.glob(os.path.join(folder, "*"))):
            with open(path, "rb") as f:
                found.append(email.message_from_binary_file(f, policy=email.policy.default))
        return found


class MetricsTest(OperationsTestCase):
    def test_request_and_letter_counts_move_by_what_was_served_and_sent(self):
        self.people(7)
        issue = self.make_issue()
        viewer = self.add_user("vic", "viewer")
        _, address = self.start_server()
        program = self.client(address, viewer)

        status, headers, body = program.call("GET", "/metrics")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))
        before = body.decode()
        self.assertEqual(metric(before, 'communique_letters_total{state="sent"}'), 0)

        # Three answered 2xx, two 4xx (unknown path; a viewer may not create a list).
        for _ in range(3):
            self.assertEqual(program.call("GET", "/api/v1/lists")[0], 200)
        self.assertEqual(program.call("GET", "/api/v1/no-such-thing")[0], 404)
        self.assertEqual(program.call("POST", "/api/v1/lists", {"name": "x"})[0], 403)
        status, _, body = program.call("GET", "/metrics")
        after = body.decode()
        # The first /metrics is counted once it was answered: one more 2xx.
        self.assertEqual(metric(after, 'communique_http_requests_total{code="2xx"}')
                         - metric(before, 'communique_http_requests_total{code="2xx"}'), 4)
        self.assertEqual(metric(after, 'communique_http_requests_total{code="4xx"}')
                         - metric(before, 'communique_http_requests_total{code="4xx"}'), 2)
        self.assertEqual(metric(after, 'communique_http_requests_total{code="5xx"}'),
                         metric(before, 'communique_http_requests_total{code="5xx"}'))

        # A send from the command line: the ledger's counts move by its recipients.
        self.assertEqual(self.run_cli("send", issue).stdout.splitlines()[-1],
                         "sent 7, failed 0, deferred 0")
        status, _, body = program.call("GET", "/metrics")
        sent = body.decode()
        self.assertEqual(metric(sent, 'communique_letters_total{state="sent"}'), 7)
        self.assertEqual(metric(sent, 'communique_letters_total{state="sending"}'), 0)
        self.assertEqual(metric(sent, "communique_queue_depth"), 0)

        # Nobody signed in: refused, and counted as a 4xx.
        status, _, _ = Client(address).call("GET", "/metrics")
        self.assertEqual(status, 401)
        _, _, body = program.call("GET", "/metrics")
        self.assertEqual(metric(body.decode(), 'communique_http_requests_total{code="4xx"}')
                         - metric(sent, 'communique_http_requests_total{code="4xx"}'), 1)


class IssueEndpointsTest(OperationsTestCase):
    def status_of(self, program, issue):
        status, _, body = program.call("GET", f"/api/v1/issues/{issue}")
        self.assertEqual(status, 200, body)
        return json.loads(body)["status"]

    def test_pause_resume_and_cancel_change_the_issue_status(self):
        self.people(3)
        issue = self.make_issue()
        _, address = self.start_server()
        program = self.client(address, self.add_user("eve", "editor"))
        # A draft can be neither paused nor resumed.
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/pause", {})
        self.assertEqual(status, 409, body)
        self.assertEqual(self.status_of(program, issue), "draft")
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/schedule",
                                       {"at": "2099-01-01T09:00Z"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.status_of(program, issue), "scheduled")
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/pause", {})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.status_of(program, issue), "paused")
        self.assertEqual(self.shown_status(issue), "paused")
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/resume", {})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.status_of(program, issue), "scheduled")
        self.assertEqual(self.shown_status(issue), "scheduled")
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/cancel", {})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.status_of(program, issue), "cancelled")
        self.assertEqual(self.shown_status(issue), "cancelled")
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/resume", {})
        self.assertEqual(status, 409, body)
        self.assertEqual(self.shown_status(issue), "cancelled")
        # A viewer may look but not act.
        viewer = self.client(address, self.add_user("vic", "viewer"))
        self.assertEqual(viewer.call("POST", f"/api/v1/issues/{issue}/cancel", {})[0], 403)

    def test_send_makes_the_issue_due_and_serve_delivers_it(self):
        self.people(4)
        issue = self.make_issue()
        _, address = self.start_server(
            "--config", self.write("c.toml", "[delivery]\npoll_seconds = 1\n"))
        program = self.client(address, self.add_user("eve", "editor"))
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/send", {})
        self.assertEqual(status, 202, body)
        self.assertIn(json.loads(body)["status"], ("scheduled", "sending", "sent"))
        deadline = time.monotonic() + 30
        while self.status_of(program, issue) != "sent":
            self.assertLess(time.monotonic(), deadline, "the issue was not sent")
            time.sleep(0.1)
        status, _, body = program.call("GET", f"/api/v1/issues/{issue}/status")
        self.assertEqual(json.loads(body)["deliveries"]["sent"], 4, body)
        self.assertEqual(self.shown_status(issue), "sent")
        received = sorted(l["To"].addresses[0].addr_spec
                          for l in self.letters(os.path.join(self.data, "outbox", "new")))
        self.assertEqual(received, [f"reader{i}@example.org" for i in range(4)])
        # Sent once is sent: asking again is refused and nobody gets a second letter.
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/send", {})
        self.assertEqual(status, 409, body)

    def test_test_send_reaches_only_the_given_addresses(self):
        self.people(3)
        issue = self.make_issue(subject="Proof")
        _, address = self.start_server()
        program = self.client(address, self.add_user("eve", "editor"))
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/test",
                                       {"addresses": ["proof@example.net", "desk@example.net"]})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["results"],
                         [{"address": "proof@example.net", "sent": True, "error": None},
                          {"address": "desk@example.net", "sent": True, "error": None}])
        letters = self.letters(os.path.join(self.data, "outbox", "new"))
        self.assertEqual(sorted(l["To"].addresses[0].addr_spec for l in letters),
                         ["desk@example.net", "proof@example.net"])
        self.assertTrue(all("Proof" in l["Subject"] for l in letters))
        # The issue itself is untouched: still a draft, nobody in its ledger.
        self.assertEqual(self.status_of(program, issue), "draft")
        self.assertEqual(self.run_cli("issues", "status", issue).stdout,
                         "queued 0, sending 0, sent 0, deferred 0, failed 0\n")
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/test",
                                       {"addresses": ["not-an-address"]})
        self.assertEqual(status, 400, body)
        self.assertIn("addresses:", json.loads(body)["error"]["message"])
        self.assertEqual(len(self.letters(os.path.join(self.data, "outbox", "new"))), 2)


class AudienceEndpointsTest(OperationsTestCase):
    def test_export_subscriptions_and_topics(self):
        self.people(3)
        _, address = self.start_server()
        program = self.client(address, self.add_user("eve", "editor"))

        status, headers, body = program.call("GET", "/api/v1/lists/1/export")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["Content-Type"].startswith("text/csv"))
        self.assertIn('filename="list-1.csv"', headers["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        self.assertEqual(sorted(r["email"] for r in rows),
                         [f"reader{i}@example.org" for i in range(3)])
        status, _, body = program.call("GET", "/api/v1/lists/1/export?format=json")
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted((m["email"], m["subscription"]) for m in json.loads(body)),
                         [(f"reader{i}@example.org", "confirmed") for i in range(3)])
        self.assertEqual(program.call("GET", "/api/v1/lists/1/export?format=xml")[0], 400)
        self.assertEqual(program.call("GET", "/api/v1/lists/99/export")[0], 404)

        # Unsubscribe reader1 through the API: the list's confirmed members shrink.
        status, _, body = program.call("GET", "/api/v1/subscribers?email=reader1%40example.org")
        reader = json.loads(body)["subscribers"][0]["id"]
        status, _, body = program.call("PUT", f"/api/v1/subscribers/{reader}/subscriptions/1",
                                       {"status": "unsubscribed"})
        self.assertEqual(status, 200, body)
        status, _, body = program.call("GET", "/api/v1/subscribers?list=1&status=confirmed")
        self.assertEqual(sorted(s["email"] for s in json.loads(body)["subscribers"]),
                         ["reader0@example.org", "reader2@example.org"])
        self.assertIn("unsubscribed",
                      self.run_cli("subscribers", "show", "reader1@example.org").stdout)
        _, _, body = program.call("GET", "/api/v1/lists/1/export")
        self.assertEqual(sorted((r["email"], r["subscription"])
                                for r in csv.DictReader(io.StringIO(body.decode()))),
                         [("reader0@example.org", "confirmed"),
                          ("reader1@example.org", "unsubscribed"),
                          ("reader2@example.org", "confirmed")])
        status, _, body = program.call("PUT", f"/api/v1/subscribers/{reader}/subscriptions/1",
                                       {"status": "gone"})
        self.assertEqual(status, 400, body)
        status, _, body = program.call("PUT", f"/api/v1/subscribers/{reader}/subscriptions/1",
                                       {"status": "confirmed"})
        self.assertEqual(status, 200, body)
        status, _, body = program.call("GET", "/api/v1/subscribers?list=1&status=confirmed")
        self.assertEqual(len(json.loads(body)["subscribers"]), 3)

        # Topics: none, then one made through the API, seen by the command line too.
        status, _, body = program.call("GET", "/api/v1/lists/1/topics")
        self.assertEqual((status, json.loads(body)["topics"]), (200, []))
        status, _, body = program.call("POST", "/api/v1/lists/1/topics",
                                       {"name": "health", "description": "Clinics"})
        self.assertEqual(status, 201, body)
        self.assertEqual(json.loads(body)["name"], "health")
        status, _, body = program.call("GET", "/api/v1/lists/1/topics")
        self.assertEqual([(t["name"], t["description"]) for t in json.loads(body)["topics"]],
                         [("health", "Clinics")])
        self.assertEqual(self.run_cli("topics", "ls", "--list", "press").stdout,
                         "health  Clinics\n")
        status, _, body = program.call("POST", "/api/v1/lists/1/topics", {"name": "health"})
        self.assertEqual(status, 409, body)
        self.assertEqual(program.call("GET", "/api/v1/lists/99/topics")[0], 404)


class StopDuringSendTest(OperationsTestCase):
    """A send of a few thousand letters into smtp-sink, stopped from the command line."""

    SUBSCRIBERS = 4000

    def start_sink(self):
        # Outside the data directory, which Communiqué keeps private to its owner.
        self.sink = os.path.join(self.dir, "sink", "new")
        os.makedirs(self.sink)
        os.chmod(self.dir, 0o755)
        os.chmod(os.path.dirname(self.sink), 0o755)
        os.chmod(self.sink, 0o777)  # smtp-sink writes as nobody
        port = free_port()
        sink = subprocess.Popen(["/usr/sbin/smtp-sink", "-u", "nobody", "-d",
                                 os.path.join(self.sink, "%M."), f"127.0.0.1:{port}", "1024"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (sink.terminate(), sink.wait()))
        wait_for_port(port, "smtp-sink")
        return self.write("communique.toml",
                          '[delivery]\ntransport = "smtp"\npoll_seconds = 1\n'
                          f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
                          'max_connections = 4\n')

    def received(self):
        return sum(1 for _ in os.scandir(self.sink))

    def stop_while_sending(self, how):
        config = self.start_sink()
        self.people(self.SUBSCRIBERS)
        issue = self.make_issue()
        sending = subprocess.Popen([BIN, "--data-dir", self.data, "--config", config, "send",
                                    issue], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        self.addCleanup(lambda: sending.poll() is None and (sending.kill(), sending.wait()))
        deadline = time.monotonic() + 60
        while self.received() == 0:
            self.assertIsNone(sending.poll(), "the send ended before any letter came")
            self.assertLess(time.monotonic(), deadline, "no letters came")
            time.sleep(0.01)
        self.run_cli("--config", config, "issues", how, issue)
        out, err = sending.communicate(timeout=120)
        self.assertEqual(sending.returncode, 0, err)
        stopped_at = self.received()
        counts = self.run_cli("issues", "status", issue).stdout
        queued, sending_now, sent = (int(n) for n in re.match(
            r"queued (\d+), sending (\d+), sent (\d+), deferred 0, failed 0\n$", counts).groups())
        # It stopped between windows: letters remain, none is left half-sent, and the
        # sink holds exactly what the ledger says was sent.
        self.assertGreater(queued, 0, counts)
        self.assertEqual(sending_now, 0, counts)
        self.assertEqual(queued + sent, self.SUBSCRIBERS)
        self.assertEqual(out.splitlines()[-1], f"sent {sent}, failed 0, deferred 0")
        self.assertEqual(stopped_at, sent)
        return issue, config, queued, sent

    def test_pause_during_a_send_stops_it_and_resume_finishes_it(self):
        issue, config, queued, sent = self.stop_while_sending("pause")
        self.assertEqual(self.shown_status(issue), "paused")
        self.assertEqual(self.received(), sent)  # nothing more came while it was paused
        self.run_cli("--config", config, "issues", "resume", issue)
        finished = self.run_cli("--config", config, "send", issue).stdout.splitlines()[-1]
        self.assertEqual(finished, f"sent {queued}, failed 0, deferred 0")
        self.assertEqual(self.received(), self.SUBSCRIBERS)
        self.assertEqual(self.shown_status(issue), "sent")

    def test_cancel_during_a_send_stops_it_for_good(self):
        issue, config, queued, sent = self.stop_while_sending("cancel")
        self.assertEqual(self.shown_status(issue), "cancelled")
        again = self.run_cli("--config", config, "send", issue, check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("was cancelled; nothing is sent", again.stderr)
        self.assertEqual(self.received(), sent)
        self.assertEqual(self.run_cli("issues", "status", issue).stdout,
                         f"queued {queued}, sending 0, sent {sent}, deferred 0, failed 0\n")

    def test_pause_through_the_api_stops_serve_sending(self):
        config = self.start_sink()
        self.people(self.SUBSCRIBERS)
        issue = self.make_issue()
        token = self.add_user("eve", "editor")
        server, address = self.start_server("--config", config)
        program = self.client(address, token)
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/send", {})
        self.assertEqual(status, 202, body)
        deadline = time.monotonic() + 60
        while self.received() == 0:
            self.assertLess(time.monotonic(), deadline, "no letters came")
            time.sleep(0.01)
        status, _, body = program.call("POST", f"/api/v1/issues/{issue}/pause", {})
        self.assertEqual(status, 200, body)
        # The runner of `serve` says when it has stopped.
        while True:
            line = server.stderr.readline()
            self.assertTrue(line, "the server ended")
            if f"issue {issue}: paused; stopping" in line:
                break
        # Letters already at the relay when it stopped claiming are answered and recorded
        # after that line: the ledger settles with none left sending.
        deadline = time.monotonic() + 30
        while True:
            _, _, body = program.call("GET", f"/api/v1/issues/{issue}/status")
            answer = json.loads(body)
            deliveries = answer["deliveries"]
            if deliveries["sending"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(answer["status"], "paused")
        self.assertEqual(deliveries["sending"], 0, deliveries)
        self.assertGreater(deliveries["queued"], 0, deliveries)
        self.assertEqual(deliveries["queued"] + deliveries["sent"], self.SUBSCRIBERS)
        self.assertEqual(self.received(), deliveries["sent"])
        self.assertEqual(self.shown_status(issue), "paused")


class StopSignalTest(OperationsTestCase):
    def test_sigterm_answers_the_request_in_flight_and_refuses_new_ones(self):
        self.run_cli("lists", "create", "press")  # single opt-in
        # A grace period longer than the test waits: the server must not need it.
        # One request at a time on the blocking pool, so a probe can tell when it is taken.
        config = self.write("c.toml", "[server]\nshutdown_grace_seconds = 120\n"
                                      "blocking_threads = 1\nmax_pending_requests = 1\n"
                                      "[store]\nbusy_timeout_ms = 60000\n")
        process, address = self.start_server("--config", config)
        host, port = address.rsplit(":", 1)
        # A keep-alive connection left idle, which the stop closes without an answer.
        idle = socket.create_connection((host, int(port)), timeout=30)
        self.addCleanup(idle.close)
        idle.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(idle.recv(4096).startswith(b"HTTP/1.1 200"))
        # Another process holds the write lock: the subscription waits on the blocking pool.
        lock = sqlite3.connect(os.path.join(self.data, "communique.db"), isolation_level=None)
        self.addCleanup(lock.close)
        lock.execute("BEGIN EXCLUSIVE")
        held = socket.create_connection((host, int(port)), timeout=30)
        self.addCleanup(held.close)
        form = b"email=reader%40example.org&list=1"
        held.sendall(b"POST /subscribe HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: " + str(len(form)).encode() + b"\r\n\r\n" + form)
        deadline = time.monotonic() + 20
        while True:  # until the subscription holds the pool: then a probe is turned away
            with socket.create_connection((host, int(port)), timeout=20) as probe:
                probe.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n"
                              b"Connection: close\r\n\r\n")
                if read_answer(probe).startswith(b"HTTP/1.1 503"):
                    break
            self.assertLess(time.monotonic(), deadline, "the subscription never reached the pool")
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        # Once the server has stopped listening, new connections are refused.
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection((host, int(port)), timeout=1).close()
            except ConnectionRefusedError:
                break
            self.assertLess(time.monotonic(), deadline, "the server kept accepting")
            time.sleep(0.02)
        self.assertIsNone(process.poll(), "the server exited with a request in flight")
        self.assertEqual(read_answer(idle), b"")
        lock.execute("ROLLBACK")
        # The request in flight is answered, and its connection closed with the answer.
        answer = read_answer(held)
        self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:200])
        self.assertIn(b"Connection: close\r\n", answer)
        self.assertEqual(process.wait(timeout=30), 0)
        self.assertIn("press", self.run_cli("subscribers", "show", "reader@example.org").stdout)


class TrustedProxyTest(OperationsTestCase):
    """The subscribe form takes 10 posts an hour from one client address."""

    def start_nginx(self, upstream):
        folder = os.path.join(self.dir, "nginx")
        os.makedirs(os.path.join(folder, "logs"))
        port = free_port()
        with open(os.path.join(folder, "nginx.conf"), "w") as f:
            f.write(f"""worker_processes 1; daemon off; pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
events {{ worker_connections 64; }}
http {{ access_log off;
  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  server {{ listen 127.0.0.1:{port};
    location / {{ proxy_pass http://{upstream};
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }} }} }}
""")
        nginx = subprocess.Popen(["/usr/sbin/nginx", "-p", folder, "-c",
                                  os.path.join(folder, "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (nginx.terminate(), nginx.wait()))
        wait_for_port(port, "nginx")
        return port

    def post(self, port, source, path, body, content_type, forged=None):
        """POST from the client address `source`: the answer's status and body."""
        with socket.create_connection(("127.0.0.1", port), timeout=20,
                                      source_address=(source, 0)) as sock:
            extra = f"X-Forwarded-For: {forged}\r\n".encode() if forged else b""
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                         f"Content-Type: {content_type}\r\n"
                         f"Content-Length: {len(body)}\r\n".encode() + extra + b"\r\n" + body)
            head, _, rest = read_answer(sock).partition(b"\r\n\r\n")
            return int(head.split(b" ", 2)[1]), rest

    def subscribe(self, port, source, n, forged=None):
        form = f"email=reader{n}%40example.org&list=1".encode()
        return self.post(port, source, "/subscribe", form,
                         "application/x-www-form-urlencoded", forged)[0]

    def sign_in(self, port, source, name, forged=None):
        body = json.dumps({"name": name, "password": "not the password"}).encode()
        return self.post(port, source, "/api/v1/session", body, "application/json", forged)

    def test_behind_nginx_each_forwarded_client_is_limited_apart(self):
        self.run_cli("lists", "create", "press")
        config = self.write("c.toml", '[server]\ntrusted_proxy = "127.0.0.1"\n')
        _, address = self.start_server("--config", config)
        port = self.start_nginx(address)
        # A client that forges the header is known by the address nginx saw.
        self.assertEqual([self.subscribe(port, "127.0.0.2", n, forged=f"10.0.0.{n}")
                          for n in range(10)], [200] * 10)
        self.assertEqual(self.subscribe(port, "127.0.0.2", 10, forged="10.0.0.99"), 429)
        # Another client through the same proxy has its own count.
        self.assertEqual(self.subscribe(port, "127.0.0.3", 11), 200)
        self.assertIn("press", self.run_cli("subscribers", "show", "reader11@example.org").stdout)

    def test_behind_nginx_failed_sign_ins_are_counted_per_forwarded_client(self):
        config = self.write("c.toml", '[server]\ntrusted_proxy = "127.0.0.1"\n')
        _, address = self.start_server("--config", config)
        port = self.start_nginx(address)
        # 20 failures an address (4 each for 5 names, under the 5 an account may have).
        for n in range(20):
            status, body = self.sign_in(port, "127.0.0.2", f"user{n % 5}", forged=f"10.0.0.{n}")
            self.assertEqual(status, 401, body)
        status, body = self.sign_in(port, "127.0.0.2", "user9", forged="10.0.0.99")
        self.assertEqual(status, 429, body)
        self.assertIn("too many failed sign-ins", json.loads(body)["error"]["message"])
        status, body = self.sign_in(port, "127.0.0.3", "user9")
        self.assertEqual(status, 401, body)

    def test_without_trusted_proxy_a_forged_header_is_ignored(self):
        self.run_cli("lists", "create", "press")
        _, address = self.start_server()
        port = int(address.rsplit(":", 1)[1])
        self.assertEqual([self.subscribe(port, "127.0.0.1", n, forged=f"10.0.0.{n}")
                          for n in range(10)], [200] * 10)
        self.assertEqual(self.subscribe(port, "127.0.0.1", 10, forged="10.0.0.99"), 429)
        # Behind nginx with no proxy trusted, every client is the proxy's address.
        proxied = self.start_nginx(address)
        self.assertEqual(self.subscribe(proxied, "127.0.0.3", 11), 429)


if __name__ == "__main__":
    unittest.main()
