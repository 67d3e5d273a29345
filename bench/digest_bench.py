#!/usr/bin/env python3
"""Digest delivery benchmark: `communique send` of a digest of 15 posts in 5 sections to N
subscribers, each with a random selection of the 5 topics (so readers get different
letters), through postfix's smtp-sink on loopback, beside `communique send` of a plain
letter of the same list in the same run (smtp_bench's runner and set-up), and of the whole
digest written as one plain letter (the same posts, the same letter to everyone: what
personalising costs, apart from the letters' size). Prints the rates, the ratios (target
>= 0.8), the digest send's peak memory (target < 64 MiB for 1,000,000
subscribers), and the time to prepare a digest of 10,000 posts (`issues preview`, which
build/bench/digest_prepare times prepare_stored_issue: every post read and rendered once;
target < 1 s).

Usage: bench/digest_bench.py [--binary build/communique] [--subscribers N] [--connections C]
                             [--rounds R] [--posts-in-window 10000]
"""

import argparse
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import timed  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "tests", "golden", "digest")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_posts(db, list_id, posts, first_id):
    """The fixture's posts (copied as many times as asked) as the posts CLI writes them."""
    sections = dict(db.execute("SELECT name, id FROM sections WHERE list_id = ?", (list_id,)))
    topics = dict(db.execute("SELECT name, id FROM topics WHERE list_id = ?", (list_id,)))
    ids = []
    for n, post in enumerate(posts):
        post_id = first_id + n
        db.execute(
            "INSERT INTO posts (id, list_id, section_id, slug, title, body, language, status, "
            "published_at, published_seq, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'en', 'published', ?, ?, 0, 0)",
            (post_id, list_id, sections[post["section"]], f"{post['slug']}-{post_id}",
             post["title"], post["text"], post["published_at"], post_id))
        db.executemany("INSERT INTO post_topics VALUES (?, ?)",
                       [(post_id, topics[t]) for t in post["topics"]])
        ids.append(post_id)
    return ids


def make_digest(cli, db_path, list_id, post_ids, subject):
    issue = subprocess.run(cli + ["issues", "create", "--list", "bench", "--subject", subject,
                                  "--body", os.path.join(FIXTURE, "07-telegram.md")],
                           check=True, capture_output=True, text=True).stdout.strip()
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE issues SET kind = 'digest' WHERE id = ?", (issue,))
        db.executemany("INSERT INTO issue_posts VALUES (?, ?, ?)",
                       [(issue, p, i) for i, p in enumerate(post_ids)])
    return issue


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/communique")
    parser.add_argument("--subscribers", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--window", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--posts-in-window", type=int, default=10000)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    with open(os.path.join(FIXTURE, "posts.json"), encoding="utf-8") as f:
        fixture = json.load(f)
    posts = [p for p in fixture["posts"] if "translation_of" not in p]
    for post in posts:
        with open(os.path.join(FIXTURE, post["body"]), encoding="utf-8") as f:
            post["text"] = f.read()

    with tempfile.TemporaryDirectory(prefix="communique-digest-bench-") as work:
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
            run = lambda *a: subprocess.run(cli + list(a), check=True, capture_output=True)
            run("lists", "create", "bench")
            for topic in fixture["topics"]:
                run("topics", "create", "--list", "bench", topic)
            people = os.path.join(work, "people.csv")
            with open(people, "w") as f:
                f.write("email,name\n" + "".join(f"reader{i}@example.org,Reader {i}\n"
                                                 for i in range(args.subscribers)))
            run("import", "--list", "bench", people)
            db_path = os.path.join(data, "communique.db")
            rng = random.Random(49)
            with sqlite3.connect(db_path) as db:
                list_id = db.execute("SELECT id FROM lists WHERE name = 'bench'").fetchone()[0]
                topic_ids = [r[0] for r in db.execute("SELECT id FROM topics ORDER BY id")]
                for position, name in enumerate(fixture["sections"]):
                    db.execute("INSERT INTO sections (list_id, name, position, created_at) "
                               "VALUES (?, ?, ?, 0)", (list_id, name, position))
                # Topics per subscriber: a random selection of 0 to 4 of the 5.
                db.executemany("INSERT INTO subscriber_topics VALUES (?, ?)",
                               ((s, t) for (s,) in db.execute("SELECT id FROM subscribers")
                                for t in rng.sample(topic_ids, rng.randint(0, 4))))
                next_id = 1
                rounds = []
                for _ in range(args.rounds):
                    rounds.append(add_posts(db, list_id, posts, next_id))
                    next_id += len(posts)
                window_posts = add_posts(db, list_id, posts * (args.posts_in_window // len(posts)
                                                               + 1), next_id)
                window_posts = window_posts[:args.posts_in_window]
            digests = [make_digest(cli, db_path, list_id, ids, "Weekly digest") for ids in rounds]
            letters = [subprocess.run(cli + ["issues", "create", "--list", "bench", "--subject",
                                             "Weekly digest", "--body",
                                             os.path.join(HERE, "..", "tests", "golden",
                                                          "reference_letter.md")],
                                      check=True, capture_output=True, text=True).stdout.strip()
                       for _ in range(args.rounds)]
            big = make_digest(cli, db_path, list_id, window_posts, "Ten thousand posts")
            whole = os.path.join(work, "whole-digest.md")
            with open(whole, "w", encoding="utf-8") as f:
                for post in posts:
                    f.write(f"## {post['title']}\n\n{post['text']}\n\n")
            same_content = [subprocess.run(cli + ["issues", "create", "--list", "bench",
                                                  "--subject", "Weekly digest", "--body", whole],
                                           check=True, capture_output=True,
                                           text=True).stdout.strip()
                            for _ in range(args.rounds)]

            # Rounds alternate; the best of each side counts (the machine is noisy).
            ours, plain, whole_time, peak, plain_peak, out = (float("inf"), float("inf"),
                                                              float("inf"), 0, 0, "")
            for digest, letter, same in zip(digests, letters, same_content):
                seconds, rss, out = timed(cli + ["send", digest])
                ours, peak = min(ours, seconds), max(peak, rss)
                seconds, rss, _ = timed(cli + ["send", letter])
                plain, plain_peak = min(plain, seconds), max(plain_peak, rss)
                seconds, _, _ = timed(cli + ["send", same])
                whole_time = min(whole_time, seconds)
            prepared = json.loads(subprocess.run(
                [os.path.join(os.path.dirname(binary), "bench", "digest_prepare"), data, big],
                check=True, capture_output=True, text=True).stdout)
            prepare = prepared["seconds"]
        finally:
            sink.terminate()
            sink.wait()

    n = args.subscribers
    print(f"subscribers: {n:,}, {args.connections} connections, window {args.window}, "
          f"15 posts in 5 sections, topics chosen at random")
    print(f"digest send:   {n / ours:9,.0f} letters/s ({ours:.2f} s; {out.strip()})")
    print(f"letter send:   {n / plain:9,.0f} letters/s ({plain:.2f} s)")
    print(f"whole digest as one letter: {n / whole_time:9,.0f} letters/s ({whole_time:.2f} s)")
    print(f"ratio to the reference letter:        {plain / ours:.2f} (target >= 0.80)")
    print(f"ratio to the same posts as one letter: {whole_time / ours:.2f} (target >= 0.80)")
    print(f"peak memory of the digest send: {peak / 1024:.0f} MiB (target < 64 MiB for 1,000,000); "
          f"of the reference letter's: {plain_peak / 1024:.0f} MiB")
    print(f"preparing a digest of {len(window_posts):,} posts: {prepare:.2f} s (target < 1 s)")


if __name__ == "__main__":
    main()
