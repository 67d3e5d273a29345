#!/usr/bin/env python3
"""SMTP delivery benchmark: `communique send` of an issue to N subscribers through
postfix's smtp-sink on loopback, beside smtp-source sending pre-made messages of the same
size with the same number of connections to the same sink, in the same run. Prints
letters per second for each, the ratio (target >= 0.8), and communique's peak memory.

Usage: bench/smtp_bench.py [--binary build/communique] [--subscribers N] [--connections C]
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import timed  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/communique")
    parser.add_argument("--subscribers", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--window", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    here = os.path.dirname(os.path.abspath(__file__))

    with tempfile.TemporaryDirectory(prefix="communique-smtp-bench-") as work:
        port = free_port()
        sink = subprocess.Popen(["/usr/sbin/smtp-sink", "-u", "nobody", "-c",
                                 f"127.0.0.1:{port}", "1024"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        try:
            data = os.path.join(work, "data")
            config = os.path.join(work, "communique.toml")
            with open(config, "w") as f:
                f.write('[sender]\nfrom_address = "press@embassy.example.org"\n'
                        f'[delivery]\ntransport = "smtp"\nwindow = {args.window}\n'
                        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
                        f'max_connections = {args.connections}\n'
                        'max_messages_per_connection = 100000\n')
            cli = [binary, "--data-dir", data, "--config", config]
            subprocess.run(cli + ["lists", "create", "bench"], check=True, capture_output=True)
            people = os.path.join(work, "people.csv")
            with open(people, "w") as f:
                f.write("email,name\n" + "".join(f"reader{i}@example.org,Reader {i}\n"
                                                 for i in range(args.subscribers)))
            subprocess.run(cli + ["import", "--list", "bench", people], check=True,
                           capture_output=True)
            body = os.path.join(here, "..", "tests", "golden", "reference_letter.md")
            issues = [subprocess.run(cli + ["issues", "create", "--list", "bench", "--subject",
                                            "Weekly digest", "--body", body], check=True,
                                     capture_output=True, text=True).stdout.strip()
                      for _ in range(args.rounds)]
            size = len(subprocess.run(cli + ["render", issues[0], "--to", "reader0@example.org"],
                                      check=True, capture_output=True).stdout)
            # Rounds alternate; the best of each side counts (the machine is noisy).
            ours, theirs, peak, out = float("inf"), float("inf"), 0, ""
            for issue in issues:
                seconds, rss, out = timed(cli + ["send", issue])
                ours, peak = min(ours, seconds), max(peak, rss)
                seconds, _, _ = timed(["/usr/sbin/smtp-source", "-s", str(args.connections), "-l",
                                       str(size), "-m", str(args.subscribers), "-d", "-f",
                                       "press@embassy.example.org", "-t", "reader@example.org",
                                       f"127.0.0.1:{port}"])
                theirs = min(theirs, seconds)
        finally:
            sink.terminate()
            sink.wait()

    n = args.subscribers
    print(f"letters: {n:,} of {size:,} bytes, {args.connections} connections, "
          f"window {args.window}")
    print(f"communique send: {n / ours:9,.0f} letters/s ({ours:.2f} s; {out.strip()})")
    print(f"smtp-source:     {n / theirs:9,.0f} messages/s ({theirs:.2f} s)")
    print(f"ratio:           {theirs / ours:.2f} (target >= 0.80)")
    print(f"peak memory of communique send: {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
