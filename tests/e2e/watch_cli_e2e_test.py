"""End to end: `catalogctl watch` of the built binaries.

Drives $CATALOG_BIN_DIR/catalogctl against catalogd on a fixed loopback port
over mutual TLS with the development access policy: the table and JSON
lines of `watch --from 1`, the kind and prefix filters, `--until`, a watch
that goes on across a restart of catalogd (it reconnects by itself from the
last revision it printed: no gap, no duplicate), and the errors (a revision
beyond the catalogue, an unknown kind, no access).

Run: python3 watch_cli_e2e_test.py (through ctest, see tests/CMakeLists.txt).
"""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402
import cli_e2e_test as E  # noqa: E402


class WatchCommandTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work_dir = T.make_temp_dir("watch-e2e")
        cls.port = E.free_loopback_port()
        cls.server = T.CatalogServer(cls.work_dir, listen=f"127.0.0.1:{cls.port}")
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        T.remove_temp_dir(cls.work_dir)
        if code != 0:
            raise AssertionError(f"catalogd exited with {code} after SIGTERM")

    def ctl(self, *args, principal="steward"):
        return E.ctl(*args, *E.connection_flags(self.port, principal))

    def create(self, dataset_id):
        path = os.path.join(self.work_dir, f"{dataset_id}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(T.dataset_json(T.make_dataset(dataset_id)), f)
        result = self.ctl("dataset", "create", "-f", path)
        self.assertEqual(result.returncode, 0, E.describe(result))

    def test_1_lines_filters_and_errors(self):
        self.create("watch-een")
        self.create("watch-twee")
        result = self.ctl("watch", "--from", "1", "--until", "2")
        self.assertEqual(result.returncode, 0, E.describe(result))
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 2, result.stdout)
        self.assertRegex(lines[0], r"^1  \S+  created  dataset  datasets/watch-een  steward$")
        self.assertRegex(lines[1], r"^2  \S+  created  dataset  datasets/watch-twee  steward$")

        result = self.ctl("watch", "--from", "1", "--until", "2", "--prefix", "datasets/watch-t",
                          "--state", "-o", "json")
        self.assertEqual(result.returncode, 0, E.describe(result))
        changes = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual([c["resource"] for c in changes], ["datasets/watch-twee"])
        self.assertEqual(changes[0]["kind"], "RESOURCE_KIND_DATASET")
        self.assertEqual(changes[0]["changeType"], "CHANGE_TYPE_CREATED")
        self.assertEqual(changes[0]["dataset"]["id"], "watch-twee")

        result = self.ctl("watch", "--from", "1", "--until", "2", "--kind", "party")
        self.assertEqual(result.returncode, 0, E.describe(result))
        self.assertEqual(result.stdout, "")

        result = self.ctl("watch", "--from", "99")
        self.assertEqual(result.returncode, E.EXIT_INVALID_ARGUMENT, E.describe(result))
        self.assertIn("beyond the next revision 3", result.stderr)
        result = self.ctl("watch", "--kind", "fiets")
        self.assertEqual(result.returncode, E.EXIT_USAGE, E.describe(result))
        self.assertIn("--kind", result.stderr)
        result = self.ctl("watch", principal="application")
        self.assertEqual(result.returncode, E.EXIT_PERMISSION_DENIED, E.describe(result))

    def test_2_resumes_across_a_restart(self):
        start = 3  # After the two datasets of test_1.
        watcher = subprocess.Popen(
            [T.catalogctl_path(), "watch", "--from", str(start), "--until", str(start + 3),
             "-o", "json", *E.connection_flags(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=E.base_env())
        try:
            self.create("watch-drie")
            line = watcher.stdout.readline()
            self.assertEqual(json.loads(line)["revision"], str(start), line)
            self.server.stop()
            self.server.start()
            for name in ("watch-vier", "watch-vijf", "watch-zes"):
                self.create(name)
            out, err = watcher.communicate(timeout=60)
        finally:
            if watcher.poll() is None:
                watcher.kill()
        self.assertEqual(watcher.returncode, 0, err)
        revisions = [int(line) for line in
                     (json.loads(text)["revision"] for text in out.splitlines())]
        self.assertEqual(revisions, [start + 1, start + 2, start + 3])


if __name__ == "__main__":
    unittest.main(verbosity=2)
