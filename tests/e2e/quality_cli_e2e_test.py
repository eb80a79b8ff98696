"""End to end: the quality and terugmelding commands of the built catalogctl.

Drives $CATALOG_BIN_DIR/catalogctl against catalogd on 127.0.0.1:0 over mutual
TLS with the development access policy, as cli_e2e_test.py does (and with its
helpers): `quality record`, `quality load` (JSONL, with a bad item counted),
`quality list` with filters, `quality report` (table with score against norm,
and JSON); a terugmelding filed by the reader, moved by the steward through
IN_BEHANDELING -> INGEPLAND -> AFGEHANDELD, an illegal transition refused with
the FAILED_PRECONDITION exit code, `report show` with its history, `report
list` and `report mine`, and the usage errors of the new commands.

Run: python3 quality_cli_e2e_test.py (through ctest, see tests/CMakeLists.txt).
"""

import datetime
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402
import cli_e2e_test as E  # noqa: E402

EXIT_INVALID_ARGUMENT = 3
EXIT_FAILED_PRECONDITION = 9


def days_ago(days):
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class QualityCommandsTest(E.CliTestCase):
    def test_record_list_load_and_report(self):
        ds = f"e2e-kwal-{T.unique_suffix()}"
        # Intern, so that the reader can see it too; norms on two dimensions.
        self.create_dataset(ds, domain="Ruimte", schemaFields=[
            {"name": "huisnummer", "type": "integer"}, {"name": "postcode", "type": "string"}],
            qualityNorms=[{"dimension": "QUALITY_DIMENSION_JUISTHEID", "target": 95},
                          {"dimension": "QUALITY_DIMENSION_COMPLEETHEID", "target": 90}])

        # quality record: table and JSON
        out = self.run_ok("quality", "record", ds, "--dimension", "juistheid", "--score", "91.5",
                          "--measured-at", days_ago(40), "--method", "steekproef",
                          "--sample-size", "400")
        self.assertIn("juistheid", out)
        self.assertIn("91.5", out)
        recorded = self.run_json("quality", "record", ds, "--dimension", "juistheid",
                                 "--score", "92", "--measured-at", days_ago(3))
        self.assertEqual(recorded["dimension"], "QUALITY_DIMENSION_JUISTHEID")
        self.assertEqual(recorded["score"], 92)
        self.assertTrue(recorded["name"].startswith(f"datasets/{ds}/measurements/"), recorded)
        self.assertEqual(recorded["measuredBy"], "steward")
        # Without --measured-at: measured when recorded (an unspecified
        # dimension, so that the counts below are unchanged).
        now = self.run_json("quality", "record", ds, "--dimension", "uniciteit", "--score", "99")
        self.assertTrue(now["measuredAt"].startswith(days_ago(0)[:10]), now)

        # quality load: JSONL through the stream, all or nothing: a bad item
        # is reported with its line and nothing is recorded, exit 3
        lines = [{"dataset": ds, "dimension": "QUALITY_DIMENSION_COMPLEETHEID",
                  "score": 96 + i / 10, "measuredAt": days_ago(30 * (3 - i))}
                 for i in range(3)]
        lines.append({"dataset": ds, "dimension": "QUALITY_DIMENSION_COMPLEETHEID",
                      "score": 101})
        path = os.path.join(self.work_dir, f"{ds}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(json.dumps(line) for line in lines) + "\n")
        result = E.ctl("quality", "load", "-f", path, "-o", "json", *self.flags)
        self.assertEqual(result.returncode, EXIT_INVALID_ARGUMENT, E.describe(result))
        refused = json.loads(result.stdout)
        self.assertFalse(refused["written"], refused)
        self.assertEqual([p["line"] for p in refused["problems"]], [4], refused)
        self.assertEqual(refused["problems"][0]["code"], "INVALID_ARGUMENT")
        self.assertEqual(len(self.run_json("quality", "list", ds, "--all")["measurements"]), 3,
                         "nothing recorded")
        # With --continue-on-error the good lines are recorded.
        result = E.ctl("quality", "load", "-f", path, "--continue-on-error", "-o", "json",
                       *self.flags)
        self.assertEqual(result.returncode, EXIT_INVALID_ARGUMENT, E.describe(result))
        loaded = json.loads(result.stdout)
        self.assertEqual((loaded["recorded"], loaded["failed"]), (3, 1), loaded)
        self.assertEqual([p["line"] for p in loaded["problems"]], [4], loaded)

        # quality list: all, by dimension, by time range, table
        listed = self.run_json("quality", "list", ds, "--all")
        self.assertEqual(len(listed["measurements"]), 6)
        self.assertEqual(listed["nextPageToken"], "")
        only = self.run_json("quality", "list", ds, "--dimension", "juistheid")
        self.assertEqual([m["score"] for m in only["measurements"]], [92, 91.5], "newest first")
        recent = self.run_json("quality", "list", ds, "--from", days_ago(10), "--to", days_ago(1))
        self.assertEqual([m["score"] for m in recent["measurements"]], [92])
        table = self.run_ok("quality", "list", ds, "--dimension", "compleetheid")
        self.assertTrue(table.startswith("DIMENSION"), table)
        self.assertEqual(len(table.strip().splitlines()), 4, table)

        # quality report: table with score against norm, and JSON
        report = self.run_ok("quality", "report", ds)
        self.assertIn("92.0 / 95", report)
        self.assertIn("below norm", report)
        self.assertIn("96.2 / 90 ✓", report)
        self.assertIn("overall score", report)
        as_json = self.run_json("quality", "report", ds, "--upstream")
        dims = {d["dimension"]: d for d in as_json["dimensions"]}
        self.assertEqual(dims["QUALITY_DIMENSION_JUISTHEID"]["norm"], 95)
        self.assertFalse(dims["QUALITY_DIMENSION_JUISTHEID"].get("meetsNorm", False))
        self.assertTrue(dims["QUALITY_DIMENSION_COMPLEETHEID"]["meetsNorm"])
        self.assertEqual(as_json["belowNorm"], ["QUALITY_DIMENSION_JUISTHEID"])
        self.assertAlmostEqual(as_json["overallScore"], (92 + 96.2 + 99) / 3, places=3)
        # The reader may read it; only writers record.
        self.assertIn("92.0 / 95", self.run_ok("quality", "report", ds, principal="reader"))
        self.run_fails(7, "quality", "record", ds, "--dimension", "juistheid", "--score", "1",
                       principal="reader")
        self.run_fails(5, "quality", "report", f"{ds}-bestaat-niet")

    def test_terugmelding_workflow(self):
        ds = f"e2e-tm-{T.unique_suffix()}"
        self.create_dataset(ds, domain="Ruimte", schemaFields=[
            {"name": "huisnummer", "type": "integer"}])

        # The reader files it (table), then reads it back as JSON.
        out = self.run_ok("report", "file", ds, "--explanation", "Huisnummer klopt niet",
                          "--reference", "REF-42", "--attribute", "huisnummer=12:12a",
                          "--dimension", "juistheid", "--organisation", "CBS",
                          "--oin", "00000001001698932000", "--person", "J. de Vries",
                          "--contact", "melder:J. de Vries:jdv@example.nl",
                          principal="reader")
        self.assertIn("gemeld", out)
        self.assertIn("12a", out)
        mine = self.run_json("report", "mine", principal="reader")
        filed = [t for t in mine["terugmeldingen"] if t.get("reference") == "REF-42"]
        self.assertEqual(len(filed), 1, mine)
        report_id = filed[0]["id"]
        self.assertEqual(filed[0]["status"], "TERUGMELDING_STATUS_GEMELD")
        self.assertEqual(filed[0]["reporterPrincipal"], "reader")

        # The steward lists the dataset's reports and moves it along.
        listed = self.run_json("report", "list", ds, "--open")
        self.assertEqual([t["id"] for t in listed["terugmeldingen"]], [report_id])
        table = self.run_ok("report", "list", ds)
        self.assertIn("DEADLINE", table)
        self.assertIn("gemeld", table)
        moved = self.run_json("report", "transition", ds, report_id, "in_behandeling",
                              "--note", "opgepakt")
        self.assertEqual(moved["status"], "TERUGMELDING_STATUS_IN_BEHANDELING")
        moved = self.run_json("report", "transition", ds, f"datasets/{ds}/reports/{report_id}",
                              "ingepland", "--planning", "week 50", "--etag", moved["etag"])
        self.assertEqual(moved["status"], "TERUGMELDING_STATUS_INGEPLAND")
        self.assertEqual(moved["planningExpectation"], "week 50")
        out = self.run_ok("report", "transition", ds, report_id, "afgehandeld",
                          "--note", "gecorrigeerd")
        self.assertIn("afgehandeld", out)
        # AFGEHANDELD is final: any move is a failed precondition.
        refused = self.run_fails(EXIT_FAILED_PRECONDITION, "report", "transition", ds, report_id,
                                 "in_behandeling")
        # Status names as the STATUS argument accepts them.
        self.assertIn("a terugmelding in afgehandeld cannot move to in_behandeling (allowed: none)",
                      refused.stderr)

        shown = self.run_ok("report", "show", ds, report_id)
        self.assertIn("Status history:", shown)
        for status in ("gemeld", "in_behandeling", "ingepland", "afgehandeld"):
            self.assertIn(status, shown)
        self.assertIn("gecorrigeerd", shown)
        history = self.run_json("report", "show", ds, report_id)["history"]
        self.assertEqual([h["to"] for h in history],
                         ["TERUGMELDING_STATUS_GEMELD", "TERUGMELDING_STATUS_IN_BEHANDELING",
                          "TERUGMELDING_STATUS_INGEPLAND", "TERUGMELDING_STATUS_AFGEHANDELD"])

        # The reader follows it: closed now, so not among the open ones.
        mine = self.run_json("report", "mine", "--all", principal="reader")
        self.assertIn(report_id, [t["id"] for t in mine["terugmeldingen"]])
        self.assertEqual([t for t in mine["terugmeldingen"] if t["id"] == report_id][0]["status"],
                         "TERUGMELDING_STATUS_AFGEHANDELD")
        open_mine = self.run_json("report", "mine", "--open", principal="reader")
        self.assertNotIn(report_id, [t["id"] for t in open_mine["terugmeldingen"]])
        self.assertIn(report_id, self.run_ok("report", "mine", principal="reader"))

        # A second report the reader withdraws; the quality report counts
        # open ones.
        second = self.run_json("report", "file", ds, "--explanation", "Dubbel object",
                               principal="reader")
        report = self.run_json("quality", "report", ds)
        self.assertEqual(report.get("openTerugmeldingen", 0), 1, report)
        withdrawn = self.run_json("report", "transition", ds, second["id"], "ingetrokken",
                                  principal="reader")
        self.assertEqual(withdrawn["status"], "TERUGMELDING_STATUS_INGETROKKEN")

    def test_usage_errors_exit_64(self):
        cases = [
            ["quality", "record", "e2e-x", "--dimension", "schoonheid", "--score", "5"],
            ["quality", "record", "e2e-x", "--dimension", "juistheid", "--score", "101"],
            ["quality", "record", "e2e-x", "--dimension", "juistheid"],
            ["quality", "record", "Geen Id", "--dimension", "juistheid", "--score", "5"],
            ["quality", "record", "e2e-x", "--dimension", "juistheid", "--score", "5",
             "--measured-at", "gisteren"],
            ["quality", "list", "e2e-x", "--from", "28-11-2026"],
            ["quality", "load"],
            ["quality", "report"],
            ["report", "file", "e2e-x"],
            ["report", "file", "e2e-x", "--explanation", "x", "--attribute", "zonder-is"],
            ["report", "file", "e2e-x", "--explanation", "x", "--contact", "buurman:Piet"],
            ["report", "show", "e2e-x"],
            ["report", "show", "e2e-x", "datasets/e2e-y/reports/tm-1"],
            ["report", "transition", "e2e-x", "tm-1", "klaar"],
            ["report", "transition", "e2e-x", "tm-1"],
            ["quality"],
            ["report"],
        ]
        help_text = self.assert_usage_errors(cases)
        self.assertIn("quality", help_text)
        self.assertIn("report", help_text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
