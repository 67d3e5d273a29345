#!/usr/bin/env python3
"""HTTP benchmark: wrk against `communique serve` answering GET /l/{token} (a counted click
redirect) and POST /unsubscribe/{token} (RFC 8058 one-click), beside nginx answering
`return 302` on the same machine in the same run. Servers are pinned to core 0 and wrk to
core 1.

The POST is measured twice: wrk repeating the one URL of a letter (that subscriber is
already unsubscribed after the first: each request still checks the token and commits),
and a burst in which every request unsubscribes somebody new (a token per subscriber,
subscriptions restored before each run), as after a send to a large list.

The targets take turns for several rounds; prints the median requests per second and p99
latency of each, and the median of the rounds' ratios to nginx (target >= 0.7).

Usage: bench/http_bench.py [--binary build/communique] [--seconds 10] [--connections 50]
                          [--rounds 3]
"""

import argparse
import email
import email.policy
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


def wrk(url, seconds, connections, script=None):
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
               "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return rate, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0, requests


def cpu_seconds(pid):
    """User and system CPU time of process `pid`, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_of(parent):
    """The pid of a child process of `parent`."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == parent:
                        return int(entry)
            except OSError:
                continue
    raise SystemExit(f"process {parent} has no child")


def run(binary, data, *args, input_text=None):
    return subprocess.run([binary, "--data-dir", data, *args], capture_output=True, text=True,
                          input=input_text, check=True).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/communique")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--subscribers", type=int, default=1000000,
                        help="subscribers to unsubscribe, one token each")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)

    with tempfile.TemporaryDirectory(prefix="communique-http-bench-") as work:
        data = os.path.join(work, "data")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        config = os.path.join(work, "communique.toml")
        with open(config, "w") as f:
            f.write(f'[sender]\nfrom_address = "press@example.org"\nbase_url = "{base}"\n'
                    '[log]\nlevel = "warn"\n')
        run(binary, data, "--config", config, "lists", "create", "press")
        csv_path = os.path.join(work, "people.csv")
        with open(csv_path, "w") as f:
            f.write("email,name\nreader@example.org,Reader\n")
            f.writelines(f"reader{i}@example.org,Reader {i}\n"
                         for i in range(2, args.subscribers + 1))
        run(binary, data, "--config", config, "import", "--list", "press", csv_path)
        run(binary, data, "--config", config, "users", "add", "bench", "--role", "admin",
            input_text="benchmark password\n")
        token = run(binary, data, "--config", config, "tokens", "create", "--user", "bench",
                    "bench").strip()

        server = subprocess.Popen(["taskset", "-c", "0", binary, "--data-dir", data, "--config",
                                   config, "serve", "--listen", f"127.0.0.1:{port}"],
                                  stderr=subprocess.DEVNULL)
        nginx_dir = os.path.join(work, "nginx")
        os.makedirs(os.path.join(nginx_dir, "logs"))
        nginx_port = free_port()
        with open(os.path.join(nginx_dir, "nginx.conf"), "w") as f:
            f.write(f"""worker_processes 1; daemon off; pid {nginx_dir}/nginx.pid;
error_log {nginx_dir}/logs/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off;
  server {{ listen 127.0.0.1:{nginx_port};
    location / {{ return 302 https://example.org/; }} }} }}
""")
        nginx = subprocess.Popen(["taskset", "-c", "0", "nginx", "-p", nginx_dir, "-c",
                                  os.path.join(nginx_dir, "nginx.conf")],
                                 stderr=subprocess.DEVNULL)
        try:
            wait_for(port)
            wait_for(nginx_port)
            request = urllib.request.Request(
                f"{base}/api/v1/issues", method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                data=json.dumps({"subject": "Bench", "lists": [1], "track_clicks": True,
                                 "body": "Read [the speech](https://example.org/speech)."})
                .encode())
            issue = json.loads(urllib.request.urlopen(request).read())["id"]
            letter_bytes = subprocess.run(
                [binary, "--data-dir", data, "--config", config, "render", str(issue), "--to",
                 "reader@example.org"], capture_output=True, check=True).stdout
            letter = email.message_from_bytes(letter_bytes, policy=email.policy.default)
            text = letter.get_body(("plain",)).get_content()
            click = re.search(r"(/l/[A-Za-z0-9_-]+)", text).group(1)
            unsubscribe = re.search(r"<https?://[^/]+(/unsubscribe/[A-Za-z0-9_-]+)>",
                                    str(letter["List-Unsubscribe"])).group(1)
            # One token per subscriber, each POSTed once: every request unsubscribes
            # somebody new, as after a large send (subscriptions are restored before each
            # run).
            tokens = os.path.join(work, "tokens.txt")
            with open(tokens, "w") as f:
                subprocess.run([os.path.join(os.path.dirname(binary), "bench", "link_tokens"),
                                data, config, str(issue), "1", str(args.subscribers)],
                               stdout=f, check=True)
            database = sqlite3.connect(os.path.join(data, "communique.db"), timeout=60)
            reader = database.execute("SELECT id FROM subscribers "
                                      "WHERE email = 'reader@example.org'").fetchone()[0]
            with open(tokens) as f:
                if f.read().splitlines()[reader - 1] != unsubscribe.rsplit("/", 1)[1]:
                    raise SystemExit("link_tokens does not sign as the letters do")
            post = os.path.join(work, "post.lua")
            with open(post, "w") as f:
                f.write('wrk.method = "POST"\nwrk.body = "List-Unsubscribe=One-Click"\n'
                        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
            script = os.path.join(work, "posts.lua")
            with open(script, "w") as f:
                f.write(f"""local tokens = {{}}
for line in io.lines("{tokens}") do tokens[#tokens + 1] = line end
local headers = {{["Content-Type"] = "application/x-www-form-urlencoded"}}
local i = 0
request = function()
  i = i % #tokens + 1
  return wrk.format("POST", "/unsubscribe/" .. tokens[i], headers,
                    "List-Unsubscribe=One-Click")
end
""")

            def resubscribe():
                with database:
                    database.execute("UPDATE subscriptions SET status = 'confirmed' "
                                     "WHERE status = 'unsubscribed'")

            def unsubscribed():
                return database.execute("SELECT count(*) FROM subscriptions "
                                        "WHERE status = 'unsubscribed'").fetchone()[0]

            targets = [("nginx return 302", f"http://127.0.0.1:{nginx_port}/", None),
                       ("GET /l/{token}", base + click, None),
                       ("POST /unsubscribe/{token}", base + unsubscribe, post),
                       ("POST, a new token each", base + "/", script)]
            for _, url, lua in targets:
                wrk(url, 2, args.connections, lua)  # warm-up
            # The three run in turn, round after round: a slow spell of the machine then
            # touches every one of a round, and each round gives its own ratios.
            rounds = []
            # The server's CPU time per request: steadier than requests per second when the
            # machine is noisy, since a server pinned to one core is bound by it.
            cpu_per_request = {name: [] for name, _, _ in targets}
            nginx_worker = child_of(nginx.pid)  # the one worker answers; the master waits
            stored = []  # of each round's POSTs, the share that unsubscribed somebody
            for number in range(1, args.rounds + 1):
                results = {}
                for name, url, lua in targets:
                    if lua == script:
                        resubscribe()
                    pid = nginx_worker if name == targets[0][0] else server.pid
                    cpu = cpu_seconds(pid)
                    results[name] = wrk(url, args.seconds, args.connections, lua)
                    cpu_per_request[name].append(
                        (cpu_seconds(pid) - cpu) / results[name][3] * 1e6)
                    if lua == script:
                        stored.append(unsubscribed() / results[name][3])
                rounds.append(results)
                print(f"round {number}: " + ", ".join(
                    f"{name} {r[0]:.0f}/s" for name, r in results.items()), file=sys.stderr)
        finally:
            server.terminate()
            nginx.terminate()
            server.wait(timeout=30)
            nginx.wait(timeout=30)

    print(f"wrk -t1 -c{args.connections} -d{args.seconds}s x {args.rounds} rounds, servers on "
          "core 0, wrk on core 1; the medians of the rounds")
    baseline_name = targets[0][0]
    for name, _, _ in targets:
        rate = statistics.median(r[name][0] for r in rounds)
        p99 = statistics.median(r[name][1] for r in rounds)
        errors = sum(r[name][2] for r in rounds)
        label = f"{name} ({min(stored):.0%}+)" if name.endswith("each") else name
        cpu = statistics.median(cpu_per_request[name])
        line = (f"{label:28} {rate:10.0f} req/s  p99 {p99:7.2f} ms  {cpu:5.1f} us CPU/req  "
                f"non-2xx/3xx {errors}")
        if name != baseline_name:
            ratios = [r[name][0] / r[baseline_name][0] for r in rounds]
            line += (f"  ratio {statistics.median(ratios):.2f} "
                     f"(rounds {', '.join(f'{x:.2f}' for x in ratios)})")
        print(line)


if __name__ == "__main__":
    main()
