#!/usr/bin/env python3
"""HTTP benchmark: wrk against `communique serve` answering GET /l/{token} (a counted click
redirect) and POST /unsubscribe/{token} (RFC 8058 one-click), beside nginx answering
`return 302` on the same machine in the same run. Servers are pinned to core 0 and wrk to
core 1. Prints requests per second and p99 latency of each, and the ratios (target >= 0.7).

Usage: bench/http_bench.py [--binary build/communique] [--seconds 10] [--connections 50]
"""

import argparse
import email
import email.policy
import json
import os
import re
import socket
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
    return rate, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


def run(binary, data, *args, input_text=None):
    return subprocess.run([binary, "--data-dir", data, *args], capture_output=True, text=True,
                          input=input_text, check=True).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/communique")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
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
            script = os.path.join(work, "post.lua")
            with open(script, "w") as f:
                f.write('wrk.method = "POST"\nwrk.body = "List-Unsubscribe=One-Click"\n'
                        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')

            results = {}
            for name, url, lua in [("nginx return 302", f"http://127.0.0.1:{nginx_port}/", None),
                                   ("GET /l/{token}", base + click, None),
                                   ("POST /unsubscribe/{token}", base + unsubscribe, script)]:
                wrk(url, 2, args.connections, lua)  # warm-up
                results[name] = wrk(url, args.seconds, args.connections, lua)
        finally:
            server.terminate()
            nginx.terminate()
            server.wait(timeout=30)
            nginx.wait(timeout=30)

    baseline = results["nginx return 302"][0]
    print(f"wrk -t1 -c{args.connections} -d{args.seconds}s, servers on core 0, wrk on core 1")
    for name, (rate, p99, errors) in results.items():
        ratio = "" if name.startswith("nginx") else f"  ratio {rate / baseline:.2f}"
        print(f"{name:28} {rate:10.0f} req/s  p99 {p99:7.2f} ms  non-2xx/3xx {errors}{ratio}")


if __name__ == "__main__":
    main()
