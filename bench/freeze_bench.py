#!/usr/bin/env python3
"""Audience freeze benchmark: the `freeze-audience` query of one or two queries.sql files
run over N confirmed subscribers of one list, for a plain letter (no topics, no cadence)
and, with --choices, for a letter to one topic and a digest of one cadence.

The database is made by the binary (so it has every migration) and filled with SQL; each
run is rolled back, the runs alternate between the files, and the best time of each is
kept (the machine is shared and noisy). Use it to show a change to the query does not slow
plain letters: `--queries old.sql --queries src/store/sqlite/queries.sql`.

Usage: bench/freeze_bench.py [--binary build/communique] [--subscribers N] [--runs K]
                             [--queries FILE]... [--choices]
"""

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time


def named_query(path, name):
    text = open(path).read()
    start = text.index(f"-- name: {name}\n")
    end = text.find("-- name: ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def fill(db, subscribers):
    db.execute("BEGIN")
    db.execute("INSERT INTO topics (list_id, name, created_at) VALUES (1, 'sport', 0), "
               "(1, 'arts', 0)")
    db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
               "INSERT INTO subscribers (email, created_at, updated_at) "
               "SELECT 'reader' || i || '@example.org', 0, 0 FROM n", (subscribers,))
    # A third chose a cadence of their own, a fifth chose a topic.
    db.execute("INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, "
               "updated_at, cadence) SELECT id, 1, 'confirmed', 0, 0, "
               "CASE id % 3 WHEN 0 THEN 'daily' ELSE NULL END FROM subscribers")
    db.execute("INSERT INTO subscriber_topics (subscriber_id, topic_id) "
               "SELECT id, 1 + id % 2 FROM subscribers WHERE id % 5 = 0")
    for issue in (1, 2, 3):
        db.execute("INSERT INTO issues (id, kind, status, subject, created_at, updated_at, "
                   "cadence) VALUES (?, 'letter', 'draft', 'S', 0, 0, ?)",
                   (issue, "weekly" if issue == 3 else None))
        db.execute("INSERT INTO issue_lists (issue_id, list_id) VALUES (?, 1)", (issue,))
    db.execute("INSERT INTO issue_topics (issue_id, topic_id) VALUES (2, 1)")
    db.execute("COMMIT")


def freeze(db, sql, issue):
    db.execute("BEGIN")
    started = time.perf_counter()
    added = db.execute(sql, (issue, 1)).rowcount
    elapsed = time.perf_counter() - started
    db.execute("ROLLBACK")
    return elapsed, added


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/communique")
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", action="append")
    parser.add_argument("--choices", action="store_true",
                        help="also time a letter to one topic and a digest of one cadence")
    args = parser.parse_args()
    files = args.queries or ["src/store/sqlite/queries.sql"]
    queries = [named_query(path, "freeze-audience") for path in files]
    with tempfile.TemporaryDirectory(prefix="communique-freeze-bench-") as work:
        data = os.path.join(work, "data")
        subprocess.run([os.path.abspath(args.binary), "--data-dir", data, "lists", "create",
                        "bench"], check=True, capture_output=True)
        db = sqlite3.connect(os.path.join(data, "communique.db"), isolation_level=None)
        fill(db, args.subscribers)
        cases = [("plain letter", 1)]
        if args.choices:
            cases += [("one topic", 2), ("weekly digest", 3)]
        for label, issue in cases:
            best = [float("inf")] * len(queries)
            added = [0] * len(queries)
            for _ in range(args.runs):
                for i, sql in enumerate(queries):
                    elapsed, added[i] = freeze(db, sql, issue)
                    best[i] = min(best[i], elapsed)
            for path, seconds, count in zip(files, best, added):
                print(f"{label}: {path}: {count} recipients in {seconds:.2f} s "
                      f"({count / seconds:,.0f}/s)")


if __name__ == "__main__":
    sys.exit(main())
