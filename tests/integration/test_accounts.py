"""Accounts on a running `serve`: what a stolen session cannot make (an API token, a user,
another user's password), and what a password change takes away. The command line and the
server are separate processes, as in use."""

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

    def admin_write(self, method, path, body):
        return self.admin.call(method, path, body, headers={"X-CSRF-Token": self.admin.csrf})

    def assert_refused(self, status, body, message):
        self.assertEqual(status, 403, body)
        self.assertIn(message, json.loads(body)["error"]["message"])

    def test_a_session_adds_a_user_only_with_the_password_given_again(self):
        mallory = {"name": "mallory", "role": "admin", "password": "mallory password 1"}
        status, _, body = self.admin_write("POST", "/api/v1/users", mallory)
        self.assert_refused(status, body, 'creating a user asks for your password again: '
                            'send it as "current_password"')
        status, _, body = self.admin_write("POST", "/api/v1/users",
                                           {**mallory, "current_password": "a guess at it"})
        self.assert_refused(status, body, "current_password: is not your password")
        status, _, body = self.admin.call("GET", "/api/v1/users")
        self.assertEqual([user["name"] for user in json.loads(body)["users"]], ["alice"])
        status, _, _ = Client(self.address).call(
            "POST", "/api/v1/session", {"name": "mallory", "password": "mallory password 1"})
        self.assertEqual(status, 401)

        status, _, body = self.admin_write(
            "POST", "/api/v1/users", {**mallory, "current_password": "correct horse battery"})
        self.assertEqual(status, 201, body)
        self.sign_in(Client(self.address), "mallory password 1", name="mallory")

    def test_a_session_sets_another_users_password_only_with_the_password_given_again(self):
        self.run_cli("users", "add", "victor", "--role", "viewer",
                     input_text="viewer password 1\n")
        status, _, body = self.admin.call("GET", "/api/v1/users")
        victor = next(user["id"] for user in json.loads(body)["users"]
                      if user["name"] == "victor")
        path = f"/api/v1/users/{victor}/password"
        status, _, body = self.admin_write("PUT", path, {"password": "taken over password"})
        self.assert_refused(status, body, "setting another user's password asks for your "
                            "password again")
        status, _, body = self.admin_write("PUT", path, {"password": "taken over password",
                                                         "current_password": "a guess at it"})
        self.assert_refused(status, body, "current_password: is not your password")
        # Unchanged: victor still signs in with the old password, the new one is refused.
        self.sign_in(Client(self.address), "viewer password 1", name="victor")
        status, _, _ = Client(self.address).call(
            "POST", "/api/v1/session", {"name": "victor", "password": "taken over password"})
        self.assertEqual(status, 401)

        status, _, body = self.admin_write("PUT", path, {
            "password": "a new viewer password", "current_password": "correct horse battery"})
        self.assertEqual(status, 200, body)
        self.sign_in(Client(self.address), "a new viewer password", name="victor")

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
