"""A capturing SMTP server for tests (python3-aiosmtpd) on 127.0.0.1: optional STARTTLS
(required when a certificate is given) and AUTH (required when credentials are given).
Every accepted message is written to DIR/N.eml with its envelope in the first lines; at
exit, DIR/stats.txt says how many transactions were ever open at once. Each letter also
records its connection's number (X-Connection), the MAIL options (X-Mail-Options, where
SMTPUTF8 shows) and the server's clock when it was accepted (X-Accepted-At, seconds).

Usage: smtp_server.py DIR [--cert CERT --key KEY [--implicit-tls]] [--user U --password P]
                          [--prompt] [--no-smtputf8]
--implicit-tls: TLS from the first byte (a TLS port) instead of STARTTLS.
--prompt: answer every DATA at once instead of holding it open for an overlapping one.
--no-smtputf8: do not offer SMTPUTF8.
Prints "PORT <n>" on standard output once listening; stops on SIGTERM.
"""

import argparse
import asyncio
import os
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Capture:
    def __init__(self, directory, prompt=False):
        self.directory = directory
        self.prompt = prompt
        self.count = 0
        self.connections = 0
        self.lock = threading.Lock()
        self.open_transactions = 0
        self.most_open = 0  # the most transactions open at once, across connections
        self.overlapped = None  # set once two transactions were open at once

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.overlapped is None:
            self.overlapped = asyncio.Event()
        if not hasattr(session, "number"):  # aiosmtpd keeps one session a connection
            self.connections += 1
            session.number = self.connections
        self.open_transactions += 1
        self.most_open = max(self.most_open, self.open_transactions)
        if self.open_transactions >= 2:
            self.overlapped.set()
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Hold the transaction open until another one opens beside it (then every later
        # one goes straight on), or for a bounded moment when none does: a client that
        # keeps one transaction at a time waits that moment per letter.
        if not self.prompt:
            try:
                await asyncio.wait_for(self.overlapped.wait(), timeout=0.2)
            except asyncio.TimeoutError:
                pass
        accepted_at = time.monotonic()
        self.open_transactions -= 1
        with self.lock:
            self.count += 1
            number = self.count
        with open(os.path.join(self.directory, f"{number}.eml"), "wb") as f:
            f.write(f"X-Mail-From: {envelope.mail_from}\r\n".encode())
            f.write(f"X-Rcpt-To: {','.join(envelope.rcpt_tos)}\r\n".encode())
            f.write(f"X-Auth: {session.authenticated}\r\n".encode())
            f.write(f"X-Connection: {session.number}\r\n".encode())
            f.write(f"X-Mail-Options: {' '.join(envelope.mail_options)}\r\n".encode())
            f.write(f"X-Accepted-At: {accepted_at:.6f}\r\n".encode())
            f.write(envelope.original_content)
        return "250 2.0.0 accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--prompt", action="store_true")
    parser.add_argument("--no-smtputf8", action="store_true")
    args = parser.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        # handled=False: aiosmtpd itself answers 535 to a refusal (by default it says nothing).
        return AuthResult(success=ok, handled=False)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.implicit_tls:
            options.update(ssl_context=context)
        else:
            options.update(tls_context=context, require_starttls=True)
    if args.user:
        options.update(authenticator=authenticator, auth_required=True,
                       auth_require_tls=bool(args.cert))
    capture = Capture(args.directory, prompt=args.prompt)
    controller = Controller(capture, hostname="127.0.0.1", port=port,
                            server_hostname="localhost", enable_SMTPUTF8=not args.no_smtputf8,
                            decode_data=False, **options)
    controller.start()
    print(f"PORT {port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    if os.path.isdir(args.directory):  # a test that has ended may have removed it
        with open(os.path.join(args.directory, "stats.txt"), "w") as f:
            f.write(f"most_open {capture.most_open}\n")


if __name__ == "__main__":
    sys.exit(main())
