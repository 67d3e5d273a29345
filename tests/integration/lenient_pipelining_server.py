"""An SMTP server that offers PIPELINING and answers DATA with 354 even after it refused
every recipient, as RFC 2920 section 3.1 lets a server do. Everything up to a lone "." is
then the letter, RSET included; a letter without recipients is refused (554). A client
must end that data phase before it resets the transaction.

Usage: lenient_pipelining_server.py DIRECTORY --refuse ADDRESS
Prints "PORT N" once it listens on 127.0.0.1. Appends to DIRECTORY/commands.txt one line
per command, "CONNECTION COMMAND", and one per data phase, "CONNECTION data: N lines"
followed by the lines it held when they were commands ("CONNECTION data line: RSET").
Each accepted letter is written to DIRECTORY/N.eml.
"""

import argparse
import asyncio
import itertools
import os
import sys

from loopback_server import listen

COMMANDS = (b"HELO", b"EHLO", b"MAIL", b"RCPT", b"DATA", b"RSET", b"NOOP", b"QUIT")


async def serve(directory, refused):
    connections = itertools.count(1)
    letters = itertools.count(1)
    log_path = os.path.join(directory, "commands.txt")

    def log(text):
        with open(log_path, "a") as f:
            f.write(text + "\n")

    async def session(reader, writer):
        number = next(connections)
        recipients = []
        try:
            writer.write(b"220 lenient ESMTP\r\n")
            while True:
                line = await reader.readline()
                if not line:
                    return
                log(f"{number} {line.decode(errors='replace').rstrip()}")
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(b"250-lenient\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                elif verb == b"MAIL":
                    recipients = []
                    writer.write(b"250 2.1.0 ok\r\n")
                elif verb == b"RCPT":
                    address = line.split(b"<", 1)[1].split(b">", 1)[0].decode()
                    if address == refused:
                        writer.write(b"550 5.1.1 no such user here\r\n")
                    else:
                        recipients.append(address)
                        writer.write(b"250 2.1.5 ok\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go ahead\r\n")  # whatever came before
                    await writer.drain()
                    lines = []
                    while True:
                        data = await reader.readline()
                        if not data:
                            return
                        if data == b".\r\n":
                            break
                        lines.append(data)
                    log(f"{number} data: {len(lines)} lines")
                    for held in lines:
                        if held[:4].upper() in COMMANDS:
                            log(f"{number} data line: {held.decode(errors='replace').rstrip()}")
                    if recipients:
                        with open(os.path.join(directory, f"{next(letters)}.eml"), "wb") as f:
                            f.write(b"".join(lines))
                        writer.write(b"250 2.0.0 accepted\r\n")
                    else:
                        writer.write(b"554 5.5.1 no valid recipients\r\n")
                    recipients = []
                elif verb == b"RSET":
                    recipients = []
                    writer.write(b"250 2.0.0 ok\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 2.0.0 bye\r\n")
                    await writer.drain()
                    return
                else:
                    writer.write(b"502 5.5.2 not implemented\r\n")
                await writer.drain()
        except ConnectionError:
            return
        finally:
            writer.close()

    await listen(session)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--refuse", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.directory, args.refuse))


if __name__ == "__main__":
    sys.exit(main())
