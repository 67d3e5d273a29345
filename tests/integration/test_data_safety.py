"""The data directory is private to the user running Communiqué: other local users cannot
read the database (it holds the link-signing secret and saved SMTP passwords)."""

import glob
import os
import stat
import subprocess
import unittest

from test_cli import BIN, CommuniqueTestCase


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

    def test_a_shared_folder_is_refused_and_left_as_it_was(self):
        shared = os.path.join(self.dir, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)
        result = subprocess.run([BIN, "--data-dir", shared, "lists", "create", "press"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"the data directory {shared} is a shared folder (sticky, like /tmp): "
                      f"give Communiqué a folder of its own, such as --data-dir "
                      f"{shared}/communique", result.stderr)
        self.assertEqual(self.mode(shared), 0o1777)
        self.assertEqual(os.listdir(shared), [])

    def test_only_group_and_other_access_is_taken_away(self):
        os.makedirs(self.data)
        os.chmod(self.data, 0o2775)  # setgid: files keep the folder's group
        self.run_cli("lists", "create", "press")
        self.assertEqual(self.mode(self.data), 0o2700)


if __name__ == "__main__":
    unittest.main()
