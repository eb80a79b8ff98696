"""End to end: catalogctl processing activity add|get|list|update|history
against a real catalogd -- the register of processing activities, its
versions, filters and errors with their exit codes.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402
import cli_e2e_test as E  # noqa: E402


def activity(activity_id, dataset=None):
    a = {"id": activity_id, "title": "Verlenen van parkeervergunningen",
         "purpose": "Beoordelen en verlenen van parkeervergunningen",
         "legalBasis": "LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG",
         "legalBasisExplanation": "Parkeerverordening art. 2",
         "controller": {"name": "College van B&W van Voorbeeldstad"},
         "dataSubjectCategories": ["Aanvragers parkeervergunning"],
         "personalDataCategories": ["NAW-gegevens", "kenteken"],
         "retentionPeriod": "P2Y", "logConfidentiality": "CONFIDENTIALITY_ZAAKVERTROUWELIJK"}
    if dataset:
        a["datasets"] = [dataset]
    return a


class ProcessingCommandsTest(E.CliTestCase):
    def write(self, name, value):
        path = os.path.join(self.work_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(value if isinstance(value, str) else json.dumps(value))
        return path

    def test_add_update_history_get_version_list(self):
        suffix = T.unique_suffix()
        dataset = f"e2e-parkeren-{suffix}"
        self.create_dataset(dataset, title="Parkeervergunningen")
        name = f"e2e-parkeervergunning-{suffix}"
        created = self.run_json("processing", "activity", "add", "-f",
                                self.write("a.json", activity(name, dataset)))
        self.assertEqual(created["name"], f"processing-activities/{name}")
        self.assertEqual(created["version"], "1")
        self.assertEqual(created["datasets"], [f"datasets/{dataset}"])
        shown = self.run_ok("processing", "activity", "get", name)
        self.assertIn("purpose:     Beoordelen en verlenen van parkeervergunningen", shown)
        self.assertIn("legal basis: algemeen_belang_openbaar_gezag", shown)

        # A relevant change (retention) makes version 2; an editorial one
        # (title) keeps it.
        updated = self.run_json("processing", "activity", "update", name, "--mask",
                                "retentionPeriod", "--etag", created["etag"], "-f",
                                self.write("r.json", {"retentionPeriod": "P5Y"}))
        self.assertEqual(updated["version"], "2")
        titled = self.run_json("processing", "activity", "update", name, "--mask", "title", "-f",
                               self.write("t.json", {"title": "Parkeervergunningen verlenen"}))
        self.assertEqual(titled["version"], "2")
        self.assertEqual(self.run_json("processing", "activity", "get", name, "--version", "1")
                         ["retentionPeriod"], "P2Y")
        history = self.run_ok("processing", "activity", "history", name).splitlines()
        self.assertTrue(history[0].startswith("VERSION "), history)
        self.assertTrue(history[1].startswith("2 "), history)
        self.assertTrue(history[2].startswith("1 "), history)
        stale = self.run_fails(E.EXIT_ABORTED, "processing", "activity", "update", name, "--mask",
                               "retentionPeriod", "--etag", created["etag"], "-f",
                               self.write("r2.json", {"retentionPeriod": "P9Y"}))
        self.assertIn("ABORTED", stale.stderr)

        listed = self.run_json("processing", "activity", "list", "--dataset", dataset)
        self.assertEqual([a["id"] for a in listed["activities"]], [name])
        table = self.run_ok("processing", "activity", "list", "--dataset", dataset)
        self.assertIn(f"processing-activities/{name}  Parkeervergunningen verlenen", table)
        none = self.run_json("processing", "activity", "list", "--dataset", dataset,
                             "--status", "ended")
        self.assertEqual(none["activities"], [])
        # The reader reads the register too.
        self.assertEqual(self.run_json("processing", "activity", "get", name,
                                       principal="reader")["version"], "2")

    def test_errors_have_their_exit_codes(self):
        suffix = T.unique_suffix()
        bad = activity(f"e2e-fout-{suffix}")
        del bad["purpose"]
        refused = self.run_fails(E.EXIT_INVALID_ARGUMENT, "processing", "activity", "add", "-f",
                                 self.write("bad.json", bad))
        self.assertIn("purpose: required", refused.stderr)
        unknown = activity(f"e2e-fout-{suffix}")
        unknown["legalBasis"] = "LEGAL_BASIS_OMDAT_HET_KAN"
        refused = self.run_fails(E.EXIT_INVALID_ARGUMENT, "processing", "activity", "add", "-f",
                                 self.write("enum.json", unknown))
        self.assertIn("expected one of: LEGAL_BASIS_TOESTEMMING", refused.stderr)
        self.run_fails(E.EXIT_USAGE, "processing", "activity", "add", "-f",
                       os.path.join(self.work_dir, "bestaat-niet.json"))
        missing = self.run_fails(E.EXIT_NOT_FOUND, "processing", "activity", "get",
                                 f"e2e-niemand-{suffix}")
        self.assertIn("not found", missing.stderr)
        self.run_fails(E.EXIT_PERMISSION_DENIED, "processing", "activity", "add", "-f",
                       self.write("ok.json", activity(f"e2e-lezer-{suffix}")), principal="reader")
        self.run_fails(E.EXIT_USAGE, "processing", "activity", "get", "x", "--version", "0")
        self.run_fails(E.EXIT_USAGE, "processing", "activity", "update", "x", "-f",
                       self.write("m.json", "{}"), "--mask", "doel")
        self.run_fails(E.EXIT_USAGE, "processing", "activity", "list", "--status", "misschien")


if __name__ == "__main__":
    unittest.main(verbosity=2)
