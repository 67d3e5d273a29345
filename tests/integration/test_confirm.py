"""End to end: the subscription form, confirmation letters and the confirm page on `serve`.

Letters are read from the maildir outbox as they arrive; the confirm link is followed as
a link scanner (GET, HEAD) and as a person (the button, a POST) would.
"""

import email
import email.policy
import glob
import http.client
import json
import os
import re
import sqlite3
import subprocess
import time
import urllib.parse

from test_cli import BIN, CommuniqueTestCase
from test_server import Client

HERE = os.path.dirname(os.path.abspath(__file__))


class ConfirmationTest(CommuniqueTestCase):
    def cli(self, *args, input_text=None):
        result = subprocess.run([BIN, "--data-dir", self.data, *args], capture_output=True,
                                text=True, input=input_text, timeout=120)
        self.assertEqual(result.returncode, 0, f"{args}: {result.stderr}")
        return result.stdout

    def serve(self, *lists):
        """Creates `lists` ((name, optin) pairs), starts the server; its address and ids."""
        for name, optin in lists:
            self.cli("lists", "create", name, "--optin", optin)
        _, address = self.start_server()
        visitor = Client(address)
        status, _, page = visitor.call("GET", "/subscribe")
        self.assertEqual(status, 200)
        ids = {name: int(id) for id, name in
               re.findall(r'name="list" value="(\d+)"[^>]*> ([^<]+?)\s*(?:<|\n)', page.decode())}
        return visitor, ids

    def subscribe(self, visitor, address, *list_ids):
        form = urllib.parse.urlencode([("email", address)] + [("list", i) for i in list_ids])
        return visitor.call("POST", "/subscribe", form=form)

    def letters(self):
        """Every letter in the outbox, as (recipient, text)."""
        found = []
        for path in sorted(glob.glob(os.path.join(self.data, "outbox", "new", "*"))):
            with open(path, "rb") as f:
                letter = email.message_from_binary_file(f, policy=email.policy.default)
            found.append((letter["To"].addresses[0].addr_spec, letter.get_content()))
        return found

    def wait_for_letter(self, address):
        """The text of the first letter to `address`, waiting for it to be sent."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for recipient, text in self.letters():
                if recipient == address:
                    return text
            time.sleep(0.05)
        self.fail(f"no letter to {address} arrived")

    def letters_to(self, address):
        return [text for recipient, text in self.letters() if recipient == address]

    def confirm_path(self, text):
        link = re.search(r"https?://[^/\s]+(/confirm/[A-Za-z0-9_-]+)", text)
        self.assertIsNotNone(link, text)
        return link.group(1)

    def statuses(self, address):
        shown = self.cli("subscribers", "show", address, "--json")
        return {entry["list"]: entry["status"] for entry in json.loads(shown)["lists"]}

    def api_client(self, address):
        self.cli("users", "add", "alice", "--role", "admin", input_text="correct horse battery\n")
        program = Client(address)
        program.token = self.cli("tokens", "create", "--user", "alice", "deploy").strip()
        return program

    def test_opening_a_confirm_link_changes_nothing_and_its_button_confirms_only_the_asked_lists(self):
        visitor, ids = self.serve(("Weekly", "double"), ("Monthly", "double"))
        status, _, _ = self.subscribe(visitor, "reader@example.org", ids["Weekly"])
        self.assertEqual(status, 200)
        path = self.confirm_path(self.wait_for_letter("reader@example.org"))

        # A link scanner fetches the link: a page with a button, and nothing changes.
        status, headers, page = visitor.call("GET", path)
        self.assertEqual(status, 200)
        self.assertIn(b"Confirm my subscription", page)
        self.assertIn(b'<form method="post" action="/confirm">', page)
        self.assertIn(b"Weekly", page)
        status, _, _ = visitor.call("HEAD", path)
        self.assertEqual(status, 200)
        self.assertEqual(self.statuses("reader@example.org"), {"Weekly": "unconfirmed"})

        # A list asked for after the letter went is not confirmed by it.
        status, _, _ = self.subscribe(visitor, "reader@example.org", ids["Monthly"])
        self.assertEqual(status, 200)
        self.assertEqual(self.statuses("reader@example.org"),
                         {"Weekly": "unconfirmed", "Monthly": "unconfirmed"})

        token = path.rsplit("/", 1)[1]
        status, _, page = visitor.call("POST", "/confirm", form=f"token={token}")
        self.assertEqual(status, 200)
        self.assertIn(b"You are subscribed", page)
        self.assertIn(b"Weekly", page)
        self.assertEqual(self.statuses("reader@example.org"),
                         {"Weekly": "confirmed", "Monthly": "unconfirmed"})

        # Used once: the button and the link both say so, and change nothing.
        status, _, page = visitor.call("POST", "/confirm", form=f"token={token}")
        self.assertEqual(status, 200)
        self.assertIn(b"This link was already used; you are subscribed to Weekly.", page)
        status, _, page = visitor.call("GET", path)
        self.assertIn(b"This link was already used", page)
        self.assertEqual(self.statuses("reader@example.org"),
                         {"Weekly": "confirmed", "Monthly": "unconfirmed"})

        # A token in the query string, or none, confirms nothing.
        status, _, _ = visitor.call("POST", f"/confirm?token={token}", form="")
        self.assertEqual(status, 404)
        status, _, _ = visitor.call("POST", "/confirm", form=f"token={token[:-2]}zz")
        self.assertEqual(status, 404)

    def start_capturing_relay(self):
        """Starts smtp_server.py (which holds each letter a moment, so a round of letters
        takes seconds); the directory it writes them to."""
        received = os.path.join(self.dir, "received")
        os.mkdir(received)
        relay = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "smtp_server.py"),
                                  received], stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (relay.terminate(), relay.wait(), relay.stdout.close()))
        port = int(re.match(r"PORT (\d+)", relay.stdout.readline()).group(1))
        config = self.write("relay.toml", '[delivery]\ntransport = "smtp"\n'
                            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n')
        return received, config

    def confirmation_states(self):
        with sqlite3.connect(os.path.join(self.data, "communique.db"), timeout=30) as db:
            return [state for (state,) in db.execute("SELECT letter_state FROM confirmations")]

    def test_two_servers_on_one_data_directory_send_each_confirmation_letter_once(self):
        received, config = self.start_capturing_relay()
        self.cli("lists", "create", "Weekly", "--optin", "double")
        servers = [Client(self.start_server("--config", config)[1]) for _ in range(2)]
        _, _, page = servers[0].call("GET", "/subscribe")
        weekly = re.search(r'name="list" value="(\d+)"', page.decode()).group(1)
        addresses = [f"reader{n}@example.org" for n in range(8)]
        for n, address in enumerate(addresses):
            status, _, _ = self.subscribe(servers[n % 2], address, weekly)
            self.assertEqual(status, 200)
        # Once no letter is left queued, neither server has anything more to send.
        deadline = time.monotonic() + 60
        while self.confirmation_states() != ["sent"] * len(addresses):
            self.assertLess(time.monotonic(), deadline, self.confirmation_states())
            time.sleep(0.1)
        recipients = []
        for name in os.listdir(received):
            if name.endswith(".eml"):
                with open(os.path.join(received, name), "rb") as f:
                    recipients += re.findall(rb"^X-Rcpt-To: (.+)\r$", f.read(), re.M)
        self.assertEqual(sorted(r.decode() for r in recipients), sorted(addresses))

    def test_ten_requests_for_one_address_send_one_letter(self):
        visitor, ids = self.serve(("Weekly", "double"))
        answers = set()
        for _ in range(10):
            status, _, page = self.subscribe(visitor, "victim@example.org", ids["Weekly"])
            answers.add((status, page))
        self.assertEqual(len(answers), 1)
        self.wait_for_letter("victim@example.org")
        # Letters leave in the order they were asked for: once a later one arrived, every
        # earlier one would have too. It is asked for from another client address, as the
        # form takes 10 posts an hour from one.
        host, port = visitor.base.split("//")[1].rsplit(":", 1)
        other = http.client.HTTPConnection(host, int(port), timeout=20,
                                           source_address=("127.0.0.2", 0))
        other.request("POST", "/subscribe", f"email=later%40example.org&list={ids['Weekly']}",
                      {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(other.getresponse().status, 200)
        other.close()
        self.wait_for_letter("later@example.org")
        self.assertEqual(len(self.letters_to("victim@example.org")), 1)

    def test_a_blocklisted_address_gets_no_letter_and_the_same_answer(self):
        visitor, ids = self.serve(("Weekly", "double"))
        program = self.api_client(visitor.base.split("//")[1])
        status, _, body = program.call("POST", "/api/v1/subscribers",
                                       {"email": "blocked@example.org"})
        self.assertEqual(status, 201, body)
        blocked_id = json.loads(body)["id"]
        status, _, body = program.call("PATCH", f"/api/v1/subscribers/{blocked_id}",
                                       {"status": "blocklisted"})
        self.assertEqual(status, 200, body)

        blocked = self.subscribe(visitor, "blocked@example.org", ids["Weekly"])
        fresh = self.subscribe(visitor, "fresh@example.org", ids["Weekly"])
        self.assertEqual((blocked[0], blocked[2]), (fresh[0], fresh[2]))
        self.wait_for_letter("fresh@example.org")
        self.assertEqual(self.letters_to("blocked@example.org"), [])
        self.assertEqual(self.statuses("blocked@example.org"), {})

    def test_the_answer_says_what_happens_by_opt_in_mode_whether_or_not_the_address_is_known(self):
        visitor, ids = self.serve(("Alerts", "single"), ("Weekly", "double"))

        # Single opt-in: a new address and one already on the list get the same answer,
        # which says they receive the list, and no "if a confirmation is needed".
        status, _, new = self.subscribe(visitor, "new@example.org", ids["Alerts"])
        self.assertEqual(status, 200)
        self.assertEqual(self.statuses("new@example.org"), {"Alerts": "confirmed"})
        status, _, known = self.subscribe(visitor, "new@example.org", ids["Alerts"])
        self.assertEqual(status, 200)
        self.assertEqual(new, known)
        self.assertIn(b"<title>Thank you", new)
        self.assertIn(b"The address you gave receives Alerts from the next issue on.", new)
        self.assertNotIn(b"If a confirmation is needed", new)
        self.assertNotIn(b"Weekly", new)

        # Double opt-in: an address asked for the first time and one that confirmed get the
        # same answer, which says a letter asks first and that nothing changes for a member.
        status, _, asked = self.subscribe(visitor, "reader@example.org", ids["Weekly"])
        self.assertEqual(status, 200)
        path = self.confirm_path(self.wait_for_letter("reader@example.org"))
        token = path.rsplit("/", 1)[1]
        self.assertEqual(visitor.call("POST", "/confirm", form=f"token={token}")[0], 200)
        self.assertEqual(self.statuses("reader@example.org"), {"Weekly": "confirmed"})
        status, _, member = self.subscribe(visitor, "reader@example.org", ids["Weekly"])
        self.assertEqual(status, 200)
        self.assertEqual(asked, member)
        self.assertIn(b"<title>Check your inbox", asked)
        self.assertIn(b"a letter is on its way to it: open the link in it to start receiving "
                      b"Weekly.", asked)
        self.assertIn(b"If the address receives Weekly already, nothing changes and no letter "
                      b"is needed.", asked)
        self.assertNotIn(b"Alerts", asked)

        # Both kinds at once: each is said.
        status, _, both = self.subscribe(visitor, "both@example.org", ids["Alerts"], ids["Weekly"])
        self.assertEqual(status, 200)
        self.assertIn(b"receives Alerts from the next issue on", both)
        self.assertIn(b"start receiving Weekly", both)

    def test_an_unsubscribed_address_is_subscribed_again_only_through_a_confirmation(self):
        visitor, ids = self.serve(("Alerts", "single"))
        address = visitor.base.split("//")[1]
        status, _, _ = self.subscribe(visitor, "left@example.org", ids["Alerts"])
        self.assertEqual(status, 200)
        self.assertEqual(self.statuses("left@example.org"), {"Alerts": "confirmed"})
        program = self.api_client(address)
        status, _, body = program.call("GET", "/api/v1/subscribers?email=left%40example.org")
        left_id = json.loads(body)["subscribers"][0]["id"]
        status, _, body = program.call(
            "PUT", f"/api/v1/subscribers/{left_id}/subscriptions/{ids['Alerts']}",
            {"status": "unsubscribed"})
        self.assertEqual(status, 200, body)

        # Someone posts the form with the address of a person who left a single opt-in list.
        status, _, page = self.subscribe(visitor, "left@example.org", ids["Alerts"])
        self.assertEqual(status, 200)
        self.assertIn(b"If it had left Alerts before, or not yet confirmed it, a letter asks it "
                      b"first", page)
        self.assertEqual(self.statuses("left@example.org"), {"Alerts": "unsubscribed"})
        path = self.confirm_path(self.wait_for_letter("left@example.org"))
        self.assertEqual(self.statuses("left@example.org"), {"Alerts": "unsubscribed"})

        token = path.rsplit("/", 1)[1]
        status, _, page = visitor.call("POST", "/confirm", form=f"token={token}")
        self.assertEqual(status, 200)
        self.assertEqual(self.statuses("left@example.org"), {"Alerts": "confirmed"})
