"""What a running `serve` refuses before it spends memory or threads on a request: bodies
larger than their route takes, uploads from senders it would not admit, connections past
its caps, and requests past the queue of blocking work.
"""

import json
import os
import socket
import sqlite3
import subprocess
import time
import unittest

from test_cli import BIN, CommuniqueTestCase
from test_server import Client


def read_answer(sock):
    """Everything the server sends until it closes the connection."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


class LimitsTest(CommuniqueTestCase):
    def add_user(self, name, role):
        """A user of `role` and an API token of theirs."""
        subprocess.run([BIN, "--data-dir", self.data, "users", "add", name, "--role", role],
                       input="correct horse battery\n", text=True, capture_output=True,
                       check=True, timeout=60)
        return self.run_cli("tokens", "create", "--user", name, "limits").stdout.strip()

    def connect(self, address):
        host, port = address.rsplit(":", 1)
        return socket.create_connection((host, int(port)), timeout=20)

    def test_each_route_takes_a_body_of_its_own_size(self):
        self.run_cli("lists", "create", "press")
        editor = self.add_user("eve", "editor")
        _, address = self.start_server()
        visitor = Client(address)
        # A public form takes 64 KiB, though an upload may be 8 MiB.
        status, _, body = visitor.call("POST", "/subscribe",
                                       form="email=a%40example.org&list=1&name=" + "x" * 100000)
        self.assertEqual(status, 413, body)
        self.assertIn("larger than 65536 bytes", json.loads(body)["error"]["message"])
        status, _, _ = visitor.call("POST", "/subscribe", form="email=a%40example.org&list=1")
        self.assertEqual(status, 200)
        # An API document takes 1 MiB.
        client = Client(address)
        client.token = editor
        status, _, body = client.call("PUT", "/api/v1/templates/plain",
                                      {"html": "<p>" + "x" * (2 << 20) + "</p>", "text": "x"})
        self.assertEqual(status, 413, body)
        self.assertIn("larger than 1048576 bytes", json.loads(body)["error"]["message"])
        # An upload takes more than either.
        rows = "".join(f"reader{i}@example.org,Reader {i},{'x' * 60}\n" for i in range(20000))
        self.assertGreater(len(rows), 1 << 20)
        status, _, body = client.call("POST", "/api/v1/lists/1/imports",
                                      ("email,name,note\n" + rows).encode(),
                                      headers={"Content-Type": "text/csv"})
        self.assertEqual(status, 202, body)

    def test_an_upload_is_admitted_from_its_head_before_its_body_is_read(self):
        self.run_cli("lists", "create", "press")
        viewer = self.add_user("vic", "viewer")
        editor = self.add_user("eve", "editor")
        _, address = self.start_server()
        head = ("POST /api/v1/lists/1/imports HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: text/csv\r\nContent-Length: 5000000\r\n{auth}\r\n")
        # Nobody, and a viewer: refused from the head, and the 5 MB never has to come.
        for auth, status in (("", b"401"), (f"Authorization: Bearer {viewer}\r\n", b"403")):
            with self.connect(address) as raw:
                raw.sendall(head.format(auth=auth).encode())
                answer = read_answer(raw)  # the server closes: the body stays unread
                self.assertTrue(answer.startswith(b"HTTP/1.1 " + status), answer[:200])
                self.assertIn(b"Connection: close", answer)
        # More than the upload limit: 413 from the Content-Length, whoever sends it.
        with self.connect(address) as raw:
            raw.sendall(head.replace("5000000", "99999999")
                        .format(auth=f"Authorization: Bearer {editor}\r\n").encode())
            answer = read_answer(raw)
            self.assertTrue(answer.startswith(b"HTTP/1.1 413"), answer[:200])
        # An editor who asks first is told to go on, then sends the file.
        body = b"email,name\nann@example.org,Ann\n"
        with self.connect(address) as raw:
            raw.sendall((f"POST /api/v1/lists/1/imports HTTP/1.1\r\nHost: x\r\n"
                         f"Authorization: Bearer {editor}\r\nContent-Type: text/csv\r\n"
                         f"Content-Length: {len(body) + (1 << 20)}\r\n"
                         "Expect: 100-continue\r\nConnection: close\r\n\r\n").encode())
            self.assertTrue(raw.recv(4096).startswith(b"HTTP/1.1 100 Continue"))
            raw.sendall(body + b"x" * (1 << 20))
            answer = read_answer(raw)
            self.assertTrue(answer.startswith(b"HTTP/1.1 202"), answer[:300])
        # A chunked upload is admitted from its head too.
        with self.connect(address) as raw:
            raw.sendall(b"POST /api/v1/lists/1/imports HTTP/1.1\r\nHost: x\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n")
            answer = read_answer(raw)
            self.assertTrue(answer.startswith(b"HTTP/1.1 401"), answer[:200])

    def test_connections_from_one_address_are_capped(self):
        config = self.write("c.toml", "[server]\nmax_connections_per_address = 3\n")
        _, address = self.start_server("--config", config)
        held = [self.connect(address) for _ in range(3)]
        try:
            for sock in held:  # each is being served
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 200"))
            with self.connect(address) as extra:
                answer = read_answer(extra)
                self.assertTrue(answer.startswith(b"HTTP/1.1 503"), answer[:200])
                self.assertIn(b"Retry-After: 1", answer)
        finally:
            held.pop().close()
        # Once one closes, another may come in (the server notices the close on its own).
        deadline = time.monotonic() + 20
        while True:
            with self.connect(address) as again:
                again.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = read_answer(again)
            if answer.startswith(b"HTTP/1.1 200") or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:200])
        for sock in held:
            sock.close()

    def test_requests_past_the_queue_of_blocking_work_are_told_to_retry(self):
        self.run_cli("lists", "create", "press")  # single opt-in
        config = self.write("c.toml", "[server]\nblocking_threads = 1\n"
                                      "max_pending_requests = 2\n"
                                      "[store]\nbusy_timeout_ms = 60000\n")
        _, address = self.start_server("--config", config)
        # Another process holds the write lock: subscribing waits for it on the one thread.
        lock = sqlite3.connect(os.path.join(self.data, "communique.db"), isolation_level=None)
        self.addCleanup(lock.close)
        lock.execute("BEGIN EXCLUSIVE")
        waiting = []
        for n in range(2):
            sock = self.connect(address)
            self.addCleanup(sock.close)
            form = f"email=reader{n}%40example.org&list=1".encode()
            sock.sendall(b"POST /subscribe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: " + str(len(form)).encode() + b"\r\n\r\n" + form)
            waiting.append(sock)
        # Once both wait, a third request is answered at once with 503.
        deadline = time.monotonic() + 20
        while True:
            with self.connect(address) as probe:
                probe.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n"
                              b"Connection: close\r\n\r\n")
                answer = read_answer(probe)
            if answer.startswith(b"HTTP/1.1 503") or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertTrue(answer.startswith(b"HTTP/1.1 503"), answer[:200])
        self.assertIn(b"Retry-After: 1", answer)
        self.assertIn(b"the server is busy", answer)
        # The lock goes; the two that waited are answered and stored.
        lock.execute("ROLLBACK")
        for sock in waiting:
            self.assertTrue(read_answer(sock).startswith(b"HTTP/1.1 200"))
        for n in range(2):
            shown = self.run_cli("subscribers", "show", f"reader{n}@example.org").stdout
            self.assertIn("press", shown)


if __name__ == "__main__":
    unittest.main()
