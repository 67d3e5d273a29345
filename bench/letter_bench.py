#!/usr/bin/env python3
"""Letter benchmark: microseconds per personalised, digest-sized letter (template render,
MIME, DKIM) unsigned, with RSA-2048 and with Ed25519, beside `openssl speed` signing with
the same algorithms in the same run. The ratio is letters per second over raw signatures
per second: how close the whole pipeline comes to the cost of the signature alone.

Both sides take the best of three rounds: the machine is shared and noisy.

Usage: bench/letter_bench.py [--build build] [--letters N]
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def openssl_signs_per_second():
    """The best of three runs of `openssl speed` for each algorithm."""
    rates = {}
    for _ in range(3):
        for name, rate in openssl_speed_once().items():
            rates[name] = max(rates.get(name, 0), rate)
    return rates


def openssl_speed_once():
    out = subprocess.run(["openssl", "speed", "-seconds", "2", "-mr", "rsa2048", "ed25519"],
                         capture_output=True, text=True, check=True).stdout
    rates = {}
    for line in out.splitlines():
        # OpenSSL 3, machine-readable: signatures and verifications per second.
        # +F2:<index>:<bits>:<sign/s>:<verify/s>            (RSA)
        # +F6:<index>:<bits>:<name>:<sign/s>:<verify/s>     (EdDSA)
        fields = line.split(":")
        if line.startswith("+F2:") and fields[2] == "2048":
            rates["rsa"] = float(fields[3])
        if line.startswith("+F6:") and fields[3].lower() == "ed25519":
            rates["ed25519"] = float(fields[4])
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--letters", type=int, default=2000)
    args = parser.parse_args()
    binary = os.path.join(args.build, "bench", "letter_bench")
    reference = os.path.join(HERE, "..", "tests", "golden", "reference_letter.md")

    ours = json.loads(subprocess.run([binary, reference, str(args.letters)], capture_output=True,
                                     text=True, check=True).stdout)
    raw = openssl_signs_per_second()
    print(f"letter: {ours['bytes']:,} bytes (digest of 6 sections), {ours['letters']:,} letters")
    print(f"unsigned:  {ours['none_us']:8.1f} us/letter  ({1e6 / ours['none_us']:9,.0f} letters/s)")
    for name, key in (("rsa2048", "rsa"), ("ed25519", "ed25519")):
        letter_us = ours[f"{key}_us"]
        sign_us = 1e6 / raw[key]
        print(f"{name}:   {letter_us:8.1f} us/letter  ({1e6 / letter_us:9,.0f} letters/s); "
              f"openssl speed {sign_us:6.1f} us/sign ({raw[key]:9,.0f} signs/s); "
              f"ratio {sign_us / letter_us:.2f} (target >= 0.85)")


if __name__ == "__main__":
    sys.exit(main())
