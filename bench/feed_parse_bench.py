#!/usr/bin/python3
"""Feed parsing benchmark: a generated RSS 2.0 feed of 10,000 items (about 10 MB: a title,
link, GUID, date, creator and an escaped HTML description of about 600 bytes each) read by
build/bench/feed_parse_dump --summary (parse_feed: libxml2, the entries mapped, every
description sanitised) beside Python's feedparser (Debian's python3-feedparser) reading the
same file in the same run. Prints both parse times and their ratio (target: at least 10),
and our process's peak resident memory against the file's size (target: under 3x).

Each side reports the time of the parse alone (not reading the file or starting up); the
whole-process times are printed too. The best of --rounds runs is kept: the machine is
shared and noisy. Run with /usr/bin/python3, which has feedparser.

Usage: bench/feed_parse_bench.py [--build build] [--items 10000] [--rounds 2]
"""

import argparse
import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import timed  # noqa: E402

WORDS = ("council budget minister statement press office briefing agreement report "
         "meeting economy culture science delegation treaty visit region development "
         "cooperation energy transport health education security").split()

FEEDPARSER = """
import json, sys, time
import feedparser
body = open(sys.argv[1], "rb").read()
start = time.perf_counter()
parsed = feedparser.parse(body, response_headers={
    "content-type": "application/rss+xml; charset=utf-8",
    "content-location": "https://bench.example.org/feed.xml"})
seconds = time.perf_counter() - start
print(json.dumps({"items": len(parsed.entries), "seconds": seconds}))
"""


def sentence(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def description(rng):
    paragraphs = []
    for _ in range(2):
        link = f'<a href="/news/{rng.randrange(10**6)}">{sentence(rng, 3)}</a>'
        paragraphs.append(f"<p>{sentence(rng, 30)}, <strong>{sentence(rng, 4)}</strong> "
                          f"and {link}.</p>")
    html = "".join(paragraphs)
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_feed(path, items):
    rng = random.Random(13)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n'
                  '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
                  "<channel><title>Benchmark feed</title>"
                  "<link>https://bench.example.org/</link><language>en</language>\n")
        for i in range(items):
            day = 1 + i % 28
            out.write(f"<item><title>{sentence(rng, 8)} №{i}</title>"
                      f"<link>https://bench.example.org/news/{i}</link>"
                      f'<guid isPermaLink="false">bench-{i}</guid>'
                      f"<pubDate>Tue, {day:02} Dec 2026 {i % 24:02}:{i % 60:02}:00 +0100</pubDate>"
                      f"<dc:creator>{sentence(rng, 2)}</dc:creator>"
                      f"<description>{description(rng)}</description></item>\n")
        out.write("</channel></rss>\n")


def best(runs):
    return min(runs, key=lambda run: run[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    dump = os.path.join(args.build, "bench", "feed_parse_dump")

    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "feed.xml")
        write_feed(path, args.items)
        size = os.path.getsize(path)
        ours, theirs = [], []
        for _ in range(args.rounds):
            wall, peak, out = timed([dump, path, "application/rss+xml; charset=utf-8",
                                     "https://bench.example.org/feed.xml", "--summary"])
            result = json.loads(out)
            ours.append((result["seconds"], wall, peak, result["items"]))
            wall, peak, out = timed([sys.executable, "-c", FEEDPARSER, path])
            result = json.loads(out)
            theirs.append((result["seconds"], wall, peak, result["items"]))

    our_parse, our_wall, our_peak, our_items = best(ours)
    their_parse, their_wall, their_peak, their_items = best(theirs)
    mib = 1024 * 1024
    print(f"feed: {size / mib:.1f} MiB, {args.items:,} items (RSS 2.0), best of {args.rounds}")
    print(f"communique: parse {our_parse:6.3f} s ({our_items:,} items), process {our_wall:6.3f} s, "
          f"peak {our_peak / 1024:.1f} MiB = {our_peak * 1024 / size:.2f}x the file (target < 3)")
    print(f"feedparser: parse {their_parse:6.3f} s ({their_items:,} items), process "
          f"{their_wall:6.3f} s, peak {their_peak / 1024:.1f} MiB")
    print(f"ratio: {their_parse / our_parse:.1f}x faster parsing, "
          f"{their_wall / our_wall:.1f}x faster as processes (target >= 10)")


if __name__ == "__main__":
    sys.exit(main())
