"""Integration tests: run the built `communique` binary as a user would.

COMMUNIQUE_BIN names the binary (ctest sets it). Every test works in its own temporary
data directory; servers listen on 127.0.0.1 with a port the kernel picks, and are stopped
by the test that started them.
"""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.request

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")


class CommuniqueTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-it-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")

    def tearDown(self):
        self.tmp.cleanup()

    def run_cli(self, *args, env=None, check=True):
        full_env = dict(os.environ)
        full_env.update(env or {})
        result = subprocess.run([BIN, "--data-dir", self.data, *args], capture_output=True,
                                text=True, env=full_env, timeout=120)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    def start_server(self, *options):
        process = subprocess.Popen([BIN, "--data-dir", self.data, *options, "serve", "--listen",
                                    "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
        def stop():
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stderr.close()
        self.addCleanup(stop)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if "listening on http://" in line:
                return process, line.split("http://")[1].split(" ")[0]
            if not line and process.poll() is not None:
                break
        self.fail("the server did not start")

    def write(self, name, content, mode="w"):
        path = os.path.join(self.dir, name)
        with open(path, mode, newline="" if mode == "w" else None) as f:
            f.write(content)
        return path


class CommandLineTest(CommuniqueTestCase):
    def test_version_and_help(self):
        self.assertRegex(self.run_cli("version").stdout, r"^communique \d+\.\d+\.\d+\n$")
        help_text = self.run_cli("import", "--help").stdout
        self.assertIn("--mode", help_text)
        self.assertIn("rejects.csv", help_text)

    def test_usage_errors_exit_2(self):
        result = self.run_cli("lists", "create", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("NAME is required", result.stderr)
        result = self.run_cli("frobnicate", check=False)
        self.assertEqual(result.returncode, 2)

    def test_lists(self):
        self.assertIn("created list 'press' (public, double opt-in)",
                      self.run_cli("lists", "create", "press", "--optin", "double").stdout)
        duplicate = self.run_cli("lists", "create", "Press", check=False)
        self.assertEqual(duplicate.returncode, 1)
        self.assertEqual(duplicate.stderr, "communique: a list named 'Press' exists already\n")
        self.run_cli("lists", "create", "internal", "--private")
        lists = json.loads(self.run_cli("lists", "ls", "--json").stdout)
        self.assertEqual([(l["name"], l["visibility"], l["optin"]) for l in lists],
                         [("internal", "private", "single"), ("press", "public", "double")])
        table = self.run_cli("lists", "ls").stdout.splitlines()
        self.assertTrue(table[0].startswith("NAME"))
        self.assertEqual(len(table), 3)

    def test_topics(self):
        self.run_cli("lists", "create", "press")
        self.run_cli("topics", "create", "--list", "press", "health", "--description", "Clinics")
        self.assertEqual(self.run_cli("topics", "ls", "--list", "press").stdout,
                         "health  Clinics\n")
        missing = self.run_cli("topics", "ls", "--list", "nope", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("there is no list named 'nope'", missing.stderr)

        # `subscribers show` says which topics a subscriber chose on each list.
        self.run_cli("topics", "create", "--list", "press", "culture")
        self.run_cli("topics", "create", "--list", "press", "trade")
        self.run_cli("lists", "create", "events")
        self.run_cli("topics", "create", "--list", "events", "concerts")
        people = self.write("people.csv", "email\nann@example.org\n")
        self.run_cli("import", "--list", "press", people)
        self.run_cli("import", "--list", "events", people)
        with sqlite3.connect(os.path.join(self.data, "communique.db")) as db:
            db.execute("INSERT INTO subscriber_topics (subscriber_id, topic_id) "
                       "SELECT s.id, t.id FROM subscribers s, topics t "
                       "WHERE t.name IN ('health', 'trade')")
        db.close()
        shown = self.run_cli("subscribers", "show", "ann@example.org").stdout
        self.assertIn("  press (confirmed), topics: health, trade, cadence: weekly (the list's "
                      "default)\n", shown)
        self.assertIn("  events (confirmed), topics: all, cadence: weekly (the list's default)\n",
                      shown)
        lists = json.loads(self.run_cli("subscribers", "show", "ann@example.org",
                                        "--json").stdout)["lists"]
        self.assertEqual(sorted((entry["list"], entry["topics"]) for entry in lists),
                         [("events", []), ("press", ["health", "trade"])])

    def test_import_reports_exact_summary_and_rejects(self):
        self.run_cli("lists", "create", "press")
        source = self.write("subscribers.csv",
                            "\ufeffemail,name,lang,city\r\n"
                            "ann@example.org,Ann,en,Oslo\r\n"
                            "broken-address,Bob,en,Rome\r\n"
                            "\"cid@example.org\",\"Cid, \"\"the\"\" Third\",fr,\"Paris\r\nCentre\"\r\n"
                            "ANN@EXAMPLE.ORG,,,Bergen\r\n"
                            "dee@example.org,Dee\r\n")
        result = self.run_cli("import", "--list", "press", source)
        self.assertEqual(result.stdout.splitlines()[-1], "imported 2, updated 1, rejected 2")
        rejects_path = os.path.join(self.dir, "subscribers.rejects.csv")
        self.assertIn(rejects_path, result.stderr)
        with open(rejects_path, newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["line", "reason", "email", "name", "lang", "city"])
        self.assertEqual(rows[1][:3], ["3", "invalid email: the address has no '@'",
                                       "broken-address"])
        self.assertEqual(rows[2][:2], ["7", "the row has 2 fields but the header has 4"])

        shown = json.loads(self.run_cli("subscribers", "show", "Ann@example.org", "--json").stdout)
        self.assertEqual(shown["name"], "Ann")
        self.assertEqual(shown["attributes"], {"city": "Bergen"})
        self.assertEqual(shown["lists"], [{"list": "press", "status": "confirmed", "topics": [],
                                           "cadence": "weekly", "cadence_chosen": False}])
        cid = json.loads(self.run_cli("subscribers", "show", "cid@example.org", "--json").stdout)
        self.assertEqual(cid["name"], 'Cid, "the" Third')
        self.assertEqual(cid["attributes"], {"city": "Paris\r\nCentre"})
        self.assertEqual(self.run_cli("subscribers", "count").stdout, "2\n")
        self.assertEqual(self.run_cli("subscribers", "count", "--list", "press").stdout, "2\n")

    def test_import_errors_are_precise(self):
        self.run_cli("lists", "create", "press")
        no_list = self.run_cli("import", "--list", "nope", self.write("a.csv", "email\n"),
                               check=False)
        self.assertEqual(no_list.returncode, 1)
        self.assertIn("create it with: communique lists create 'nope'", no_list.stderr)
        no_email = self.run_cli("import", "--list", "press",
                                self.write("b.csv", "name\nAnn\n"), check=False)
        self.assertEqual(no_email.returncode, 1)
        self.assertIn("the header row has no 'email' column", no_email.stderr)
        bad_mode = self.run_cli("import", "--list", "press", "--mode", "merge",
                                self.write("c.csv", "email\n"), check=False)
        self.assertEqual(bad_mode.returncode, 2)
        unknown = self.run_cli("subscribers", "show", "ghost@example.org", check=False)
        self.assertEqual(unknown.stderr, "communique: there is no subscriber ghost@example.org\n")

    def test_export_reads_back_into_another_list(self):
        self.run_cli("lists", "create", "press")
        self.run_cli("lists", "create", "copy")
        rows = "".join(f"user{i}@example.org,User {i},en,{i}\n" for i in range(25))
        self.run_cli("import", "--list", "press", self.write("in.csv", "email,name,lang,n\n" + rows))
        exported = self.run_cli("export", "--list", "press").stdout
        self.assertEqual(len(exported.splitlines()), 26)
        result = self.run_cli("import", "--list", "copy", self.write("out.csv", exported))
        self.assertEqual(result.stdout.splitlines()[-1], "imported 0, updated 25, rejected 0")
        self.assertIn("ignored read-only columns: created_at, updated_at", result.stderr)
        as_json = json.loads(self.run_cli("export", "--list", "copy", "--format", "json").stdout)
        self.assertEqual(len(as_json), 25)
        by_email = {member["email"]: member for member in as_json}
        self.assertEqual(by_email["user3@example.org"]["attributes"], {"n": "3"})
        self.assertEqual(by_email["user3@example.org"]["name"], "User 3")

    def test_an_export_keeps_who_left_out_of_the_list_it_is_imported_into(self):
        self.run_cli("lists", "create", "press")
        self.run_cli("lists", "create", "copy")
        rows = "".join(f"user{i}@example.org\n" for i in range(4))
        self.run_cli("import", "--list", "press", self.write("in.csv", "email\n" + rows))
        # One left the list (by their unsubscribe link), one was blocklisted (by the API).
        with sqlite3.connect(os.path.join(self.data, "communique.db")) as db:
            db.execute("UPDATE subscriptions SET status = 'unsubscribed' WHERE subscriber_id = "
                       "(SELECT id FROM subscribers WHERE email = 'user1@example.org')")
            db.execute("UPDATE subscribers SET status = 'blocklisted' "
                       "WHERE email = 'user2@example.org'")
        db.close()
        exported = self.run_cli("export", "--list", "press")
        self.assertIn("'subscription' its standing on this list", exported.stderr)
        self.assertIn("exported 4 member(s) of 'press'", exported.stderr)
        result = self.run_cli("import", "--list", "copy", self.write("out.csv", exported.stdout))
        self.assertEqual(result.stdout.splitlines()[-1], "imported 0, updated 4, rejected 0")
        self.assertIn("kept out of 'copy' as the file's status says: 1 unsubscribed (recorded as "
                      "having left), 1 blocklisted (sent nothing on any list)", result.stderr)
        members = {member["email"]: member for member in json.loads(
            self.run_cli("export", "--list", "copy", "--format", "json").stdout)}
        self.assertEqual(sorted(members), ["user0@example.org", "user1@example.org",
                                           "user3@example.org"])
        self.assertEqual(members["user1@example.org"]["subscription"], "unsubscribed")
        self.assertEqual(members["user0@example.org"]["subscription"], "confirmed")

    def test_configuration_errors_stop_at_start(self):
        typo = self.run_cli("lists", "ls", env={"COMMUNIQUE_SERVER__LISEN": "x"}, check=False)
        self.assertEqual(typo.returncode, 1)
        self.assertIn("unknown setting server.lisen", typo.stderr)
        config = self.write("c.toml", "[server]\nlisten = 'nowhere'\n")
        bad = self.run_cli("--config", config, "serve", check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("is not HOST:PORT", bad.stderr)

    def test_kill_during_import_leaves_whole_batches_and_rerun_finishes(self):
        self.run_cli("lists", "create", "press")
        rows = 200000
        path = self.write("big.csv", "email,name\n" + "".join(
            f"person{i}@example.org,Person {i}\n" for i in range(rows)))
        env = dict(os.environ, COMMUNIQUE_IMPORT__BATCH_SIZE="1000")
        process = subprocess.Popen([BIN, "--data-dir", self.data, "import", "--list", "press", path],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Kill once the first batches are in, so the kill lands mid-import. The database is
        # read directly: a CLI run per look would be slow enough on a busy machine to miss
        # the whole import.
        deadline = time.monotonic() + 60
        database = os.path.join(self.data, "communique.db")
        committed = 0
        while committed == 0:
            self.assertIsNone(process.poll(), "the import ended before any batch was seen")
            self.assertLess(time.monotonic(), deadline, "no batch was committed")
            if os.path.exists(database):
                with sqlite3.connect(database, timeout=10) as db:
                    committed = db.execute("SELECT count(*) FROM subscribers").fetchone()[0]
                db.close()
        process.send_signal(signal.SIGKILL)
        process.communicate()
        self.assertEqual(process.returncode, -signal.SIGKILL, "the import ended before the kill")
        count = int(self.run_cli("subscribers", "count").stdout)
        print(f"\nkilled import had committed {count} of {rows} rows")
        self.assertGreater(count, 0)
        self.assertLess(count, rows, "the import had finished before the kill")
        self.assertEqual(count % 1000, 0, "a batch was half written")
        result = self.run_cli("import", "--list", "press", path)
        imported, updated = (int(x) for x in
                             result.stdout.split("imported ")[1].split(", rejected")[0]
                             .split(", updated "))
        self.assertEqual(imported, rows - count)
        self.assertEqual(updated, count)
        self.assertEqual(self.run_cli("subscribers", "count").stdout, f"{rows}\n")


class ServerTest(CommuniqueTestCase):
    def test_health_errors_and_clean_shutdown(self):
        process, address = self.start_server()
        with urllib.request.urlopen(f"http://{address}/health", timeout=10) as response:
            self.assertEqual(response.status, 200)
            body = json.loads(response.read())
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["schema_version"], 16)

        with self.assertRaises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://{address}/nothing-here", timeout=10)
        self.assertEqual(missing.exception.code, 404)
        self.assertEqual(json.loads(missing.exception.read())["error"]["code"], "not_found")

        request = urllib.request.Request(f"http://{address}/health",
                                         headers={"X-Padding": "x" * 64 * 1024})
        with self.assertRaises(urllib.error.HTTPError) as too_large:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(too_large.exception.code, 431)

        # Still up after the bad request.
        with urllib.request.urlopen(f"http://{address}/health", timeout=10) as response:
            self.assertEqual(response.status, 200)

        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)
        log = process.stderr.read()
        self.assertIn("GET /health 200", log)
        self.assertIn("stopped", log)

    def test_port_in_use_is_a_clear_error(self):
        process, address = self.start_server()
        second = self.run_cli("serve", "--listen", address, check=False)
        self.assertEqual(second.returncode, 1)
        self.assertIn(f"cannot listen on {address}", second.stderr)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


if __name__ == "__main__":
    unittest.main()
