#!/usr/bin/env python3
"""Feed benchmark: a 10 MB RSS 2.0 feed of 10,000 items served on loopback, taken whole by
`communique feeds add --backfill 10000` (fetch, parse, 10,000 posts written in one
transaction), beside /usr/bin/python3's feedparser parsing the same file in the same run
(parsing only: it stores nothing). Prints both times, their ratio (target: Communiqué at
least 10x faster), and Communiqué's peak memory against the file's size (target < 3x).

Usage: bench/feed_bench.py [--binary build/communique] [--items 10000]
"""

import argparse
import http.server
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import timed  # noqa: E402


def make_feed(items):
    """An RSS 2.0 document of `items` items of about 1 KB each."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
             '<title>Bench</title><link>https://press.example.org/</link>']
    paragraph = ("The minister met the press to discuss the week's statements on energy, "
                 "trade and the summit, and answered questions. ") * 6
    for n in range(items):
        parts.append(f"<item><guid>bench-{n}</guid><title>Statement number {n}</title>"
                     f"<link>https://press.example.org/statements/{n}</link>"
                     f"<pubDate>Mon, 02 Nov 2026 10:{n % 60:02d}:00 +0000</pubDate>"
                     f"<description><![CDATA[<p>{paragraph}</p><p>Item {n}.</p>]]></description>"
                     "</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="build/communique")
    parser.add_argument("--items", type=int, default=10000)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    body = make_feed(args.items)

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="communique-feed-bench-") as tmp:
        path = os.path.join(tmp, "feed.xml")
        with open(path, "wb") as f:
            f.write(body)
        config = os.path.join(tmp, "c.toml")
        with open(config, "w") as f:
            f.write("[feeds]\nallow_private_networks = true\nmax_body_mb = 64\n"
                    "timeout_seconds = 120\n")
        data = os.path.join(tmp, "data")
        base = [binary, "--data-dir", data, "--config", config]
        for step in (["lists", "create", "press"], ["sections", "create", "--list", "press",
                                                      "News"]):
            subprocess.run(base + step, check=True, capture_output=True)
        ours, peak, out = timed(base + ["feeds", "add", "--list", "press", "--section", "News",
                                        "--backfill", str(args.items),
                                        f"http://127.0.0.1:{server.server_address[1]}/feed"])
        script = ("import feedparser, sys\n"
                  "d = feedparser.parse(open(sys.argv[1], 'rb').read())\n"
                  "print(len(d.entries))\n")
        theirs, their_peak, their_out = timed(["/usr/bin/python3", "-c", script, path])
        server.shutdown()
    size_mb = len(body) / 1e6
    print(f"feed: {size_mb:.1f} MB, {args.items} items")
    print(f"communique feeds add --backfill (fetch, parse, store): {ours:.2f} s, "
          f"peak {peak / 1024:.0f} MiB ({peak * 1024 / len(body):.2f}x the file)")
    print(f"feedparser (parse only): {theirs:.2f} s, {their_out.strip()} entries, "
          f"peak {their_peak / 1024:.0f} MiB")
    print(f"ratio: communique is {theirs / ours:.1f}x faster (target >= 10x)")


if __name__ == "__main__":
    main()
