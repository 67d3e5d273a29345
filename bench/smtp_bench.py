#!/usr/bin/env python3
"""SMTP delivery benchmark: `communique send` of an issue to N subscribers through
postfix's smtp-sink on loopback, beside smtp-source sending pre-made messages of the same
size with the same number of connections to the same sink, in the same run. With --dkim,
letters are signed (keys from `communique dkim keygen`) and the machine's signing limit on
all cores is measured in the same run (`openssl speed -multi`): the ratio is then to the
lower of smtp-source's rate and that limit (target >= 0.8). Prints communique's peak memory.

Usage: bench/smtp_bench.py [--binary build/communique] [--subscribers N] [--connections C]
                           [--dkim none|rsa|ed25519|both] [--window W]
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import timed  # noqa: E402

KEYS = {"rsa": ("s2026", "rsa"), "ed25519": ("e2026", "ed25519")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl_sign_rate(algorithm, cores):
    """Signatures per second on `cores` cores, as `openssl speed -multi` measures them."""
    name = "rsa2048" if algorithm == "rsa" else "ed25519"
    out = subprocess.run(["openssl", "speed", "-multi", str(cores), "-seconds", "2", name],
                         check=True, capture_output=True, text=True).stdout
    # The summary table's line ends in "sign/s verify/s", summed over the cores.
    label = "rsa 2048 bits" if algorithm == "rsa" else "EdDSA (Ed25519)"
    for line in out.splitlines():
        if label in line:
            return float(line.split()[-2])
    sys.exit(f"cannot read openssl speed's output:\n{out}")


def signing_limit(dkim, cores):
    """Letters per second the machine can sign on all cores: one signature each, or two
    (both keys) at the combined rate 1/(1/r + 1/e)."""
    if dkim == "none":
        return None, ""
    rates = {a: openssl_sign_rate(a, cores) for a in (["rsa", "ed25519"] if dkim == "both"
                                                      else [dkim])}
    limit = 1 / sum(1 / r for r in rates.values())
    what = ", ".join(f"{a} {r:,.0f} sign/s" for a, r in rates.items())
    return limit, what


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/communique")
    parser.add_argument("--subscribers", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--window", type=int, default=0, help="[delivery] window; 0: default")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dkim", choices=["none", "rsa", "ed25519", "both"], default="none")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    here = os.path.dirname(os.path.abspath(__file__))
    cores = os.cpu_count()

    with tempfile.TemporaryDirectory(prefix="communique-smtp-bench-") as work:
        port = free_port()
        sink = subprocess.Popen(["/usr/sbin/smtp-sink", "-u", "nobody", "-c",
                                 f"127.0.0.1:{port}", "1024"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        try:
            data = os.path.join(work, "data")
            config = os.path.join(work, "communique.toml")
            window = f"window = {args.window}\n" if args.window else ""
            with open(config, "w") as f:
                f.write('[sender]\nfrom_address = "press@embassy.example.org"\n'
                        f'[delivery]\ntransport = "smtp"\n{window}'
                        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
                        f'max_connections = {args.connections}\n'
                        'max_messages_per_connection = 100000\n')
            cli = [binary, "--data-dir", data, "--config", config]
            subprocess.run(cli + ["lists", "create", "bench"], check=True, capture_output=True)
            if args.dkim != "none":
                dkim = "[dkim]\n"
                for algorithm in (["rsa", "ed25519"] if args.dkim == "both" else [args.dkim]):
                    selector, kind = KEYS[algorithm]
                    subprocess.run(cli + ["dkim", "keygen", "--domain", "embassy.example.org",
                                          "--selector", selector, "--algorithm", kind],
                                   check=True, capture_output=True)
                    dkim += (f'{algorithm}_selector = "{selector}"\n'
                             f'{algorithm}_key = "dkim/{selector}.embassy.example.org.'
                             f'{kind}.pem"\n')
                with open(config, "a") as f:
                    f.write(dkim)
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
            limit, limit_what = None, ""
            for issue in issues:
                seconds, rss, out = timed(cli + ["send", issue])
                ours, peak = min(ours, seconds), max(peak, rss)
                seconds, _, _ = timed(["/usr/sbin/smtp-source", "-s", str(args.connections), "-l",
                                       str(size), "-m", str(args.subscribers), "-d", "-f",
                                       "press@embassy.example.org", "-t", "reader@example.org",
                                       f"127.0.0.1:{port}"])
                theirs = min(theirs, seconds)
                measured, limit_what_now = signing_limit(args.dkim, cores)
                if measured is not None and (limit is None or measured > limit):
                    limit, limit_what = measured, limit_what_now
        finally:
            sink.terminate()
            sink.wait()

    n = args.subscribers
    print(f"letters: {n:,} of {size:,} bytes, {args.connections} connections, "
          f"window {args.window or 'default'}, dkim {args.dkim}")
    print(f"communique send: {n / ours:9,.0f} letters/s ({ours:.2f} s; {out.strip()})")
    print(f"smtp-source:     {n / theirs:9,.0f} messages/s ({theirs:.2f} s)")
    bound = n / theirs
    if limit is not None:
        print(f"signing limit:   {limit:9,.0f} letters/s on {cores} cores ({limit_what})")
        bound = min(bound, limit)
    print(f"ratio:           {(n / ours) / bound:.2f} to min(smtp-source, signing limit) "
          f"(target >= 0.80)")
    print(f"peak memory of communique send: {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
