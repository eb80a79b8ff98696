"""End to end: `catalogctl search` of the built binaries.

Drives $CATALOG_BIN_DIR/catalogctl against catalogd on 127.0.0.1:0 over mutual
TLS with the development access policy (helpers of cli_e2e_test.py): a table
of hits with the exact match first, `-o json` with hits, total, facets and
the index revision, the filters of `dataset list`, paging with
--page-size/--page-token, a dataset above the reader's clearance absent, and
the exit codes of a query that does not parse (INVALID_ARGUMENT, 3) and of
bad flags (usage).

Run: python3 search_cli_e2e_test.py (through ctest, see tests/CMakeLists.txt).
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402
import cli_e2e_test as E  # noqa: E402

EXIT_INVALID_ARGUMENT = 3
EXIT_UNAVAILABLE = 14


class SearchCommandTest(E.CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revision = 0

    def create(self, dataset_id, title, principal="steward", **fields):
        path = self.write_dataset(f"{dataset_id}.json", dataset_id, title=title, **fields)
        created = self.run_json("dataset", "create", "-f", path, principal=principal)
        self.revision = max(self.revision, int(created["revision"]))
        return created

    def search_json(self, *args, principal="steward"):
        return self.run_json("search", *args, "--min-revision", str(self.revision),
                             principal=principal)

    def test_search_table_json_filters_paging_and_errors(self):
        suffix = T.unique_suffix()
        self.create(f"brandkranen-{suffix}", "Brandkranen")
        self.create(f"kraanonderhoud-{suffix}", "Onderhoud brandkranen",
                    hosting={"kind": "HOSTING_KIND_SAAS", "provider": "Kraan BV"})
        self.create(f"geheim-{suffix}", "Geheime brandkranen", principal="admin",
                    classification={"confidentiality": "CONFIDENTIALITY_GEHEIM"})

        table = self.run_ok("search", "brandkraan", "--min-revision", str(self.revision))
        lines = [line for line in table.splitlines() if line.strip()]
        self.assertTrue(lines[0].startswith("ID"), table)
        self.assertIn("total: 2", table)  # the steward does not see the geheim one

        found = self.search_json("Brandkranen", "--facets")
        names = [hit["name"] for hit in found["hits"]]
        self.assertEqual(names[0], f"datasets/brandkranen-{suffix}", found)
        self.assertTrue(found["hits"][0]["exact"], found)
        self.assertEqual(found["total"], "2", found)  # int64 is a string in proto3 JSON
        self.assertGreaterEqual(int(found["indexRevision"]), self.revision)
        facets = {f["facet"]: f.get("counts", {}) for f in found["facets"]}
        self.assertEqual(facets["hosting_kind"],
                         {"HOSTING_KIND_ON_PREMISES": "1", "HOSTING_KIND_SAAS": "1"}, facets)
        self.assertNotIn("CONFIDENTIALITY_GEHEIM", facets["confidentiality"])
        self.assertNotIn(f"geheim-{suffix}", str(found))

        admin = self.search_json("brandkranen", principal="admin")
        self.assertEqual(admin["total"], "3", admin)

        saas = self.search_json("brandkranen", "--hosting-kind", "saas")
        self.assertEqual([hit["name"] for hit in saas["hits"]],
                         [f"datasets/kraanonderhoud-{suffix}"], saas)

        first = self.search_json("brandkranen", "--page-size", "1")
        self.assertEqual(len(first["hits"]), 1)
        self.assertTrue(first["nextPageToken"], first)
        second = self.search_json("brandkranen", "--page-size", "1",
                                  "--page-token", first["nextPageToken"])
        self.assertEqual(len(second["hits"]), 1)
        self.assertEqual(second["nextPageToken"], "", second)
        self.assertNotEqual(first["hits"][0]["name"], second["hits"][0]["name"])

        self.run_fails(EXIT_INVALID_ARGUMENT, "search", '"brandkranen')
        self.run_fails(EXIT_INVALID_ARGUMENT, "search", "(brandkranen")

    def test_usage_errors(self):
        self.assert_usage_errors([
            ["search", "x", "--page-size", "-1"],
            ["search", "x", "--hosting-kind", "wolk"],
            ["search", "x", "--quality-below-norm", "misschien"],
        ])


class WithoutSearchIndexTest(unittest.TestCase):
    """catalogd without the index (TOML search_index = false, or
    --no-search-index): search answers UNAVAILABLE saying so, the other
    TOML keys still reach the server, and a later start with the index
    catches up with what was written without it."""

    def setUp(self):
        self.work_dir = T.make_temp_dir("no-search-index")
        self.config = os.path.join(self.work_dir, "catalogd.toml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write('search_index = false\ndcat_catalog_title = "Catalogus van Testdorp"\n')
        self.server = T.CatalogServer(self.work_dir, extra_args=["--config", self.config])

    def tearDown(self):
        self.server.stop()
        T.remove_temp_dir(self.work_dir)

    def ctl(self, *args):
        return E.ctl(*args, *E.connection_flags(self.server.port))

    def assert_search_unavailable(self):
        result = self.ctl("search", "brandkranen")
        self.assertEqual(result.returncode, EXIT_UNAVAILABLE, E.describe(result))
        self.assertIn("search is disabled", result.stderr)

    def test_disabled_then_caught_up(self):
        self.server.start()
        path = os.path.join(self.work_dir, "d.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(T.dataset_json(T.make_dataset("brandkranen-zonder-index", title="Brandkranen")), f)
        created = self.ctl("dataset", "create", "-f", path, "-o", "json")
        self.assertEqual(created.returncode, 0, E.describe(created))
        revision = json.loads(created.stdout)["revision"]
        self.assert_search_unavailable()
        dcat = self.ctl("export", "dcat")
        self.assertEqual(dcat.returncode, 0, E.describe(dcat))
        self.assertIn("Catalogus van Testdorp", dcat.stdout)  # the TOML reached the server
        self.server.stop()

        self.server.extra_args = []  # with the index: catches up from the change log
        self.server.start()
        found = self.ctl("search", "brandkraan", "--min-revision", str(revision), "-o", "json")
        self.assertEqual(found.returncode, 0, E.describe(found))
        self.assertEqual([hit["name"] for hit in json.loads(found.stdout)["hits"]],
                         ["datasets/brandkranen-zonder-index"])
        self.server.stop()

        self.server.extra_args = ["--no-search-index"]
        self.server.start()
        self.assert_search_unavailable()


if __name__ == "__main__":
    unittest.main()
