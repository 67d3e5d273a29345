"""An SMTP server that plays a man in the middle of STARTTLS: its reply to STARTTLS comes
with a second reply in the same packet ("220 go ahead\\r\\n250 injected\\r\\n"), sent in the
clear before the TLS handshake. A client that reads that second reply as if it came over
TLS is fooled; a careful one gives the connection up.

Usage: starttls_injecting_server.py DIRECTORY --cert CERT --key KEY
Prints "PORT N" once it listens on 127.0.0.1; appends every command it receives after the
handshake to DIRECTORY/commands.txt, and answers them as a relay that accepts everything.
"""

import argparse
import asyncio
import os
import ssl
import sys

from loopback_server import listen


async def serve(directory, context):
    async def session(reader, writer):
        log = os.path.join(directory, "commands.txt")
        try:
            writer.write(b"220 injector ESMTP\r\n")
            while True:
                line = await reader.readline()
                if not line:
                    return
                verb = line.strip().upper()
                if verb.startswith((b"EHLO", b"HELO")):
                    writer.write(b"250-injector\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
                elif verb == b"STARTTLS":
                    writer.write(b"220 go ahead\r\n250 injected\r\n")
                    await writer.drain()
                    await writer.start_tls(context)
                    break
                else:
                    writer.write(b"503 5.5.1 STARTTLS first\r\n")
                await writer.drain()
            # Over TLS: record what the client says, accept it all.
            in_data = False
            while True:
                line = await reader.readline()
                if not line:
                    return
                if in_data:
                    if line == b".\r\n":
                        in_data = False
                        writer.write(b"250 2.0.0 accepted\r\n")
                    continue
                with open(log, "ab") as f:
                    f.write(line)
                verb = line.strip().upper()
                if verb.startswith(b"EHLO"):
                    writer.write(b"250-injector\r\n250 PIPELINING\r\n")
                elif verb == b"DATA":
                    in_data = True
                    writer.write(b"354 go on\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    return
                else:
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            return
        finally:
            writer.close()

    await listen(session)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    asyncio.run(serve(args.directory, context))


if __name__ == "__main__":
    sys.exit(main())
