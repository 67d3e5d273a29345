#!/usr/bin/env python3
"""Import benchmark: `communique import` of a generated CSV of N subscribers, beside
`sqlite3 .import` of the same file into an equivalent table (the same address column,
unique ignoring case, and the same other columns), in the same run, on the same machine.

Both are run several times, alternating, and the best time of each is kept (the machine
is shared and noisy; the best run is the least disturbed). Prints rows per second for
each, the ratio, and communique's peak resident memory for N and N/2 rows (memory must
stay flat in the size of the file: both hold the same bounded cache and batches).

Usage: bench/import_bench.py [--rows N] [--runs K] [--binary build/communique]
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import timed  # noqa: E402


def generate(path, rows):
    random.seed(7)
    langs = ["en", "fr", "de", "ru", "pt-BR", "es"]
    cities = ["Oslo", "Paris", "Lisbon", "Berlin", "Moscow", "Madrid"]
    with open(path, "w") as f:
        f.write("email,name,lang,city\n")
        for i in range(rows):
            f.write(f"user{random.getrandbits(40):x}.{i}@example{i % 97}.org,"
                    f"Person {i},{langs[i % 6]},{cities[i % 6]}\n")


def communique_import(binary, work, csv_path):
    data = os.path.join(work, "data")
    shutil.rmtree(data, ignore_errors=True)
    subprocess.run([binary, "--data-dir", data, "lists", "create", "bench"], check=True,
                   capture_output=True)
    seconds, rss, out = timed([binary, "--data-dir", data, "import", "--list", "bench", csv_path])
    return seconds, rss, out.strip().splitlines()[-1]


def sqlite_import(work, csv_path):
    db = os.path.join(work, "baseline.db")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    seconds, rss, _ = timed([
        "sqlite3", db,
        "CREATE TABLE subscribers (email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT, "
        "lang TEXT, city TEXT);",
        ".mode csv",
        f".import --skip 1 {csv_path} subscribers",
    ])
    return seconds, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", default="build/communique")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)

    with tempfile.TemporaryDirectory(prefix="communique-bench-") as work:
        csv_path = os.path.join(work, "subscribers.csv")
        small_path = os.path.join(work, "small.csv")
        print(f"generating {args.rows:,} rows...", file=sys.stderr)
        generate(csv_path, args.rows)
        generate(small_path, args.rows // 2)

        ours, theirs, peak = [], [], 0
        summary = ""
        for run_number in range(args.runs):
            seconds, rss, summary = communique_import(binary, work, csv_path)
            ours.append(seconds)
            peak = max(peak, rss)
            theirs.append(sqlite_import(work, csv_path)[0])
            print(f"run {run_number + 1}: communique {seconds:.2f}s, sqlite3 .import "
                  f"{theirs[-1]:.2f}s", file=sys.stderr)
        _, small_peak, _ = communique_import(binary, work, small_path)

    best_ours, best_theirs = min(ours), min(theirs)
    print(f"rows:                    {args.rows:,} ({summary})")
    print(f"communique import:       {args.rows / best_ours:,.0f} rows/s (best of {args.runs}: "
          f"{best_ours:.2f}s)")
    print(f"sqlite3 .import:         {args.rows / best_theirs:,.0f} rows/s (best of {args.runs}: "
          f"{best_theirs:.2f}s)")
    print(f"ratio:                   {best_theirs / best_ours:.2f} (target >= 0.80)")
    print(f"peak memory, {args.rows:,} rows: {peak / 1024:.0f} MiB; "
          f"{args.rows // 2:,} rows: {small_peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
