"""API tokens on a running `serve`: what a stolen session cannot make, and what a password
change takes away. The command line and the server are separate processes, as in use."""

import json
import unittest

from test_server import Client, ServerTestCase


class AccountsTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.add_admin()
        self.process, self.address = self.start_server()
        self.admin = Client(self.address)
        self.sign_in(self.admin)

    def make_token(self, body):
        return self.admin.call("POST", "/api/v1/tokens", body,
                               headers={"X-CSRF-Token": self.admin.csrf})

    def test_a_session_makes_a_token_only_with_the_password_given_again(self):
        status, _, body = self.make_token({"name": "stolen"})
        self.assertEqual(status, 403, body)
        self.assertIn("creating an API token asks for your password again",
                      json.loads(body)["error"]["message"])
        status, _, body = self.make_token({"name": "stolen", "password": "a guess at it"})
        self.assertEqual(status, 403, body)
        self.assertIn("password: is not your password", json.loads(body)["error"]["message"])
        status, _, body = self.admin.call("GET", "/api/v1/tokens")
        self.assertEqual(json.loads(body)["tokens"], [])

        status, _, body = self.make_token({"name": "deploy", "password": "correct horse battery"})
        self.assertEqual(status, 201, body)
        program = Client(self.address)
        program.token = json.loads(body)["secret"]
        status, _, body = program.call("GET", "/api/v1/session")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["via"], "api_token")

    def test_passwd_revokes_the_users_tokens_and_a_running_server_refuses_them(self):
        first = self.run_cli("tokens", "create", "--user", "alice", "ci").stdout.strip()
        second = self.run_cli("tokens", "create", "--user", "alice", "cron").stdout.strip()
        program = Client(self.address)
        program.token = first
        status, _, _ = program.call("GET", "/api/v1/lists")
        self.assertEqual(status, 200)

        changed = self.run_cli("users", "passwd", "alice", input_text="a brand new password\n")
        self.assertIn("revoked 2 API tokens of alice", changed.stdout)
        for token in (first, second):
            program.token = token
            status, _, body = program.call("GET", "/api/v1/lists")
            self.assertEqual(status, 401, body)
        self.assertIn("has no API token", self.run_cli("tokens", "ls", "--user", "alice").stderr)

    def test_passwd_keeps_the_tokens_when_told_to(self):
        token = self.run_cli("tokens", "create", "--user", "alice", "ci").stdout.strip()
        changed = self.run_cli("users", "passwd", "alice", "--keep-tokens",
                               input_text="a brand new password\n")
        self.assertIn("their API tokens were kept", changed.stdout)
        self.assertNotIn("revoked", changed.stdout)
        program = Client(self.address)
        program.token = token
        status, _, body = program.call("GET", "/api/v1/lists")
        self.assertEqual(status, 200, body)
        # The session ended all the same.
        status, _, _ = self.admin.call("GET", "/api/v1/session")
        self.assertEqual(status, 401)


if __name__ == "__main__":
    unittest.main()
