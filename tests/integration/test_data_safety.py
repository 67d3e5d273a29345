"""The data directory is private to the user running Communiqué: other local users cannot
read the database (it holds the link-signing secret and saved SMTP passwords)."""

import glob
import os
import stat
import unittest

from test_cli import CommuniqueTestCase


class DataSafetyTest(CommuniqueTestCase):
    def mode(self, path):
        return stat.S_IMODE(os.stat(path).st_mode)

    def test_a_new_data_directory_and_database_are_private(self):
        self.run_cli("lists", "create", "press")
        self.assertEqual(self.mode(self.data), 0o700)
        files = glob.glob(os.path.join(self.data, "*"))
        self.assertTrue(files)
        for path in files:
            self.assertEqual(self.mode(path) & 0o077, 0, path)

    def test_an_existing_open_data_directory_is_tightened(self):
        self.run_cli("lists", "create", "press")
        os.chmod(self.data, 0o755)
        for path in glob.glob(os.path.join(self.data, "*")):
            os.chmod(path, 0o644)
        self.run_cli("lists", "create", "letters")
        self.assertEqual(self.mode(self.data), 0o700)
        for path in glob.glob(os.path.join(self.data, "*")):
            self.assertEqual(self.mode(path) & 0o077, 0, path)


if __name__ == "__main__":
    unittest.main()
