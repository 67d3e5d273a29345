"""What each subscriber chose counts, through the binary: a letter sent to a topic reaches
only those who chose it or chose none (received by a capturing SMTP server); topics and
cadences come in through the CSV import, show in `subscribers show`, and survive an export
imported into a fresh database.

COMMUNIQUE_BIN names the binary; every test works in its own temporary data directory.
"""

import csv
import json
import os
import re
import subprocess
import tempfile
import unittest

BIN = os.environ.get("COMMUNIQUE_BIN", "../../build/communique")
HERE = os.path.dirname(os.path.abspath(__file__))


class ChoicesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="communique-choices-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")
        self.received = os.path.join(self.dir, "received")
        os.makedirs(self.received)
        self.config = os.path.join(self.dir, "communique.toml")
        self.addCleanup(self.tmp.cleanup)

    def cli(self, *args, check=True, data=None):
        config = ["--config", self.config] if os.path.exists(self.config) else []
        result = subprocess.run([BIN, "--data-dir", data or self.data, *config, *args],
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            self.fail(f"{args} exited {result.returncode}: {result.stderr}")
        return result

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_smtp_server(self):
        process = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "smtp_server.py"),
                                    self.received, "--prompt"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (process.terminate(), process.wait(), process.stdout.close()))
        port = int(re.match(r"PORT (\d+)", process.stdout.readline()).group(1))
        with open(self.config, "w") as f:
            f.write('[sender]\nfrom_address = "press@embassy.example.org"\n'
                    '[delivery]\ntransport = "smtp"\n'
                    f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
                    'helo_name = "communique.test"\n')

    def recipients(self):
        found = []
        for name in os.listdir(self.received):
            if not name.endswith(".eml"):
                continue
            with open(os.path.join(self.received, name), "rb") as f:
                head = f.read(2048).decode()
            found.extend(re.search(r"^X-Rcpt-To: (.+)\r$", head, re.M).group(1).split(","))
        return sorted(found)

    def make_lists_with_topics(self):
        self.cli("lists", "create", "press")
        self.cli("lists", "create", "digest")
        for list_name, topic in (("press", "sport"), ("press", "arts"), ("digest", "sport")):
            self.cli("topics", "create", "--list", list_name, topic)

    def test_a_letter_to_a_topic_reaches_only_who_chose_it_or_no_topic(self):
        self.start_smtp_server()
        self.make_lists_with_topics()
        people = self.write("people.csv", "email,topics\n"
                                          "ann@example.org,sport\n"
                                          "bob@example.org,arts\n"
                                          "cid@example.org,\n"
                                          "dee@example.org,arts;Sport\n")
        self.cli("import", "--list", "press", people)
        body = self.write("body.md", "## Match report\n\nThe home side won.\n")
        issue = self.cli("issues", "create", "--list", "press", "--subject", "Sport news",
                         "--body", body, "--topic", "sport").stdout.strip()
        self.assertIn("topics:    sport (press) (and subscribers who chose no topic)",
                      self.cli("issues", "show", issue).stdout)

        result = self.cli("send", issue)
        self.assertEqual(result.stdout.splitlines()[-1], "sent 3, failed 0, deferred 0")
        self.assertEqual(self.recipients(),
                         ["ann@example.org", "cid@example.org", "dee@example.org"])
        for name in os.listdir(self.received):
            if name.endswith(".eml"):
                with open(os.path.join(self.received, name), "rb") as f:
                    self.assertIn(b"Subject: Sport news", f.read())

    def test_a_topic_name_on_several_lists_or_on_none_is_refused_with_the_choices(self):
        self.make_lists_with_topics()
        body = self.write("body.md", "Hello\n")
        ambiguous = self.cli("issues", "create", "--list", "press", "--list", "digest",
                             "--subject", "S", "--body", body, "--topic", "sport", check=False)
        self.assertNotEqual(ambiguous.returncode, 0)
        self.assertIn("--topic: topic 'sport' is on several lists and so is ambiguous; name one "
                      "as press/sport or digest/sport", ambiguous.stderr)
        unknown = self.cli("issues", "create", "--list", "press", "--subject", "S", "--body",
                           body, "--topic", "weather", check=False)
        self.assertNotEqual(unknown.returncode, 0)
        self.assertIn("--topic: no topic 'weather' on list press; topics there are press: "
                      "arts, sport", unknown.stderr)
        self.assertEqual(self.cli("issues", "ls", "--json").stdout.strip(), "[]")
        qualified = self.cli("issues", "create", "--list", "press", "--list", "digest",
                             "--subject", "S", "--body", body, "--topic", "digest/sport")
        self.assertIn("topics:    sport (digest)",
                      self.cli("issues", "show", qualified.stdout.strip()).stdout)

    def test_imported_choices_show_and_survive_an_export_into_a_fresh_database(self):
        self.make_lists_with_topics()
        people = self.write("people.csv", "email,topics,cadence\n"
                                          "ann@example.org,sport;arts,daily\n"
                                          "bob@example.org,arts,\n"
                                          "cid@example.org,weather,weekly\n"
                                          "dee@example.org,,fortnightly\n")
        imported = self.cli("import", "--list", "press", people)
        self.assertIn("rejected 2", imported.stdout + imported.stderr)
        with open(os.path.join(self.dir, "people.rejects.csv")) as f:
            rejects = list(csv.reader(f))
        self.assertEqual(rejects[1][:2], ["4", "topics: no topic 'weather' on list press; "
                                               "topics there are press: arts, sport"])
        self.assertEqual(rejects[2][:2], ["5", "invalid cadence: 'fortnightly'; use immediate, "
                                               "daily, weekly or monthly (or leave it empty)"])
        ann = self.cli("subscribers", "show", "ann@example.org").stdout
        self.assertIn("press (confirmed), topics: arts, sport, cadence: daily\n", ann)
        bob = self.cli("subscribers", "show", "bob@example.org").stdout
        self.assertIn("press (confirmed), topics: arts, cadence: weekly (the list's default)\n",
                      bob)
        # A `topics` column is a choice, not an attribute.
        shown = json.loads(self.cli("subscribers", "show", "ann@example.org", "--json").stdout)
        self.assertEqual(shown["attributes"], {})

        exported = self.cli("export", "--list", "press").stdout
        export_file = self.write("export.csv", exported)
        fresh = os.path.join(self.dir, "fresh")
        self.cli("lists", "create", "press", data=fresh)
        for topic in ("arts", "sport"):
            self.cli("topics", "create", "--list", "press", topic, data=fresh)
        self.cli("import", "--list", "press", export_file, data=fresh)
        for email in ("ann@example.org", "bob@example.org"):
            before = self.cli("subscribers", "show", email, "--json").stdout
            after = self.cli("subscribers", "show", email, "--json", data=fresh).stdout
            lists_before = json.loads(before)["lists"]
            lists_after = json.loads(after)["lists"]
            for entry in lists_before + lists_after:
                entry["topics"] = sorted(entry["topics"])
            self.assertEqual(lists_after, lists_before, email)
        self.assertTrue(lists_after[0]["cadence_chosen"] is False)


if __name__ == "__main__":
    unittest.main()
