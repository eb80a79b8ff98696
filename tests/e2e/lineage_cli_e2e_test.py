"""End to end: the lineage and party commands of the built catalogctl.

Drives $CATALOG_BIN_DIR/catalogctl against catalogd on 127.0.0.1:0 over mutual
TLS with the development access policy, as cli_e2e_test.py does (and with its
helpers): external parties, lineage edges (derived with column mappings, and
deliveries), the tree, DOT and JSON of `lineage show`, `lineage impact`,
findings, the intake of the shared OpenLineage fixture (JSONL, and again as
a JSON array on stdin), a dataset above the reader's clearance shown as a
placeholder, `dataset delete` refused while edges exist and done with
--force, and the usage errors of the new commands.

Run: python3 lineage_cli_e2e_test.py (through ctest, see tests/CMakeLists.txt).
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402
import cli_e2e_test as E  # noqa: E402

# catalogctl exit codes beyond those cli_e2e_test names.
EXIT_ALREADY_EXISTS = 6
EXIT_FAILED_PRECONDITION = 9

# The datasets the OpenLineage fixture names, as the stubs IngestOpenLineage
# creates for them (id = slug of the OpenLineage name).
FIXTURE_DATASETS = {
    "dwh.brp.ingezetenen": "dwh-brp-ingezetenen",
    "dwh.wmo.aanvragen": "dwh-wmo-aanvragen",
    "dwh.sociaal_domein.wmo_clienten": "dwh-sociaal-domein-wmo-clienten",
    "dwh.rapportage.wmo_maandcijfers": "dwh-rapportage-wmo-maandcijfers",
}


def fixture_path():
    """The OpenLineage fixture ($CATALOG_FIXTURES_DIR, else tests/fixtures)."""
    directory = os.environ.get("CATALOG_FIXTURES_DIR", "") or os.path.join(
        T.source_dir(), "tests", "fixtures")
    return os.path.join(directory, "openlineage", "municipal_run_events.jsonl")


def dataset_name(dataset_id):
    return f"datasets/{dataset_id}"


def edge_pairs(listing):
    return {(e["source"], e["target"]) for e in listing["edges"]}


# A dataset holding personal data, with schema fields, as the steward may
# create it (clearance vertrouwelijk).
def personal_fields(*names):
    return {
        "personalData": {"containsPersonalData": True,
                         "legalBasis": "LEGAL_BASIS_WETTELIJKE_VERPLICHTING",
                         "legalBasisExplanation": "Wet BRP art. 3.3"},
        "schemaFields": [{"name": name, "type": "string", "personalData": True}
                         for name in names],
    }


class LineageCommandsTest(E.CliTestCase):
    def test_edges_parties_show_impact_and_forced_delete(self):
        suffix = T.unique_suffix()
        src, dst = f"e2e-lin-bron-{suffix}", f"e2e-lin-doel-{suffix}"
        party = f"e2e-partij-{suffix}"
        self.create_dataset(src, title="BRP bron", **personal_fields("bsn", "geboortedatum"))
        self.create_dataset(dst, title="Wmo cliënten", **personal_fields("bsn", "leeftijd"))

        # party create / get / list
        created = self.run_json("party", "create", "--id", party, "--name", "Belastingdienst e2e",
                                "--kind", "belastingdienst")
        self.assertEqual(created["id"], party)
        self.assertEqual(created["kind"], "PARTY_KIND_BELASTINGDIENST")
        table = self.run_ok("party", "get", party)
        self.assertIn("Belastingdienst e2e", table)
        self.assertIn("belastingdienst", table)
        self.assertEqual(self.run_json("party", "get", f"parties/{party}")["id"], party)
        parties = self.run_json("party", "list", "--all", "--page-size", "1")
        self.assertIn(party, [p["id"] for p in parties["parties"]])
        # The table shows the name the lineage commands accept.
        listed = self.run_ok("party", "list", "--all")
        self.assertTrue(listed.startswith("PARTY "), listed)
        self.assertIn(f"parties/{party}  Belastingdienst e2e", listed)
        self.assertEqual(parties["nextPageToken"], "")
        self.run_fails(EXIT_ALREADY_EXISTS, "party", "create", "--id", party, "--name", "Nog een",
                       "--kind", "belastingdienst")

        # lineage add: derived with column mappings (JSON), a delivery (table)
        edge = self.run_json("lineage", "add", src, f"datasets/{dst}", "--relation", "derived",
                             "--process", "StUF-BG", "--frequency", "daily",
                             "--map", "bsn=bsn",
                             "--map", "geboortedatum=leeftijd:leeftijd op peildatum")
        self.assertEqual(edge["source"], dataset_name(src))
        self.assertEqual(edge["target"], dataset_name(dst))
        self.assertEqual(edge["relation"], "LINEAGE_RELATION_DERIVED")
        self.assertEqual(edge["process"], "StUF-BG")
        self.assertEqual(edge["frequency"], "UPDATE_FREQUENCY_DAILY")
        self.assertEqual(edge["columnMappings"], [
            {"sourceField": "bsn", "targetField": "bsn"},
            {"sourceField": "geboortedatum", "targetField": "leeftijd",
             "transformation": "leeftijd op peildatum"}])
        out = self.run_ok("lineage", "add", dst, f"parties/{party}", "--relation", "delivery",
                          "--purpose", "belastingheffing", "--legal-basis",
                          "wettelijke_verplichting", "--legal-basis-explanation", "AWR art. 53",
                          "--map", "bsn=")
        self.assertIn("delivery", out)
        self.assertIn(f"parties/{party}", out)
        self.assertIn("belastingheffing", out)
        self.run_fails(EXIT_ALREADY_EXISTS, "lineage", "add", src, dst, "--relation", "source")

        # lineage get: JSON and table
        got = self.run_json("lineage", "get", src, dst)
        self.assertEqual(got["relation"], "LINEAGE_RELATION_DERIVED")
        self.assertTrue(got["etag"])
        table = self.run_ok("lineage", "get", f"datasets/{src}", dst)
        self.assertIn("leeftijd op peildatum", table)
        self.assertIn("StUF-BG", table)

        # lineage list: of a node, by direction
        self.assertEqual(edge_pairs(self.run_json("lineage", "list", src, "--out")),
                         {(dataset_name(src), dataset_name(dst))})
        self.assertEqual(edge_pairs(self.run_json("lineage", "list", dst)),
                         {(dataset_name(src), dataset_name(dst)),
                          (dataset_name(dst), f"parties/{party}")})
        self.assertEqual(edge_pairs(self.run_json("lineage", "list", dst, "--in")),
                         {(dataset_name(src), dataset_name(dst))})
        self.assertEqual(edge_pairs(self.run_json("lineage", "list", f"parties/{party}")),
                         {(dataset_name(dst), f"parties/{party}")})
        table = self.run_ok("lineage", "list", dst)
        self.assertTrue(table.startswith("SOURCE"), table)
        self.assertEqual(len(table.strip().splitlines()), 3, table)

        # lineage show: tree, JSON, DOT, upstream, column level
        tree = self.run_ok("lineage", "show", src)
        lines = tree.splitlines()
        self.assertTrue(lines[0].startswith("NODE"), tree)
        self.assertIn(" TITLE ", lines[0])
        self.assertTrue(lines[1].startswith(f"datasets/{src} "), tree)
        self.assertIn("BRP bron", lines[1])
        self.assertTrue(lines[2].startswith(f"  -> datasets/{dst} "), tree)
        self.assertIn("Wmo cliënten", lines[2])
        self.assertIn("derived", lines[2])
        self.assertTrue(lines[3].startswith(f"    -> parties/{party} "), tree)
        self.assertIn("Belastingdienst e2e", lines[3])
        self.assertIn("delivery", lines[3])
        self.assertEqual(lines[-1], f"3 nodes downstream of datasets/{src}, depth 2 reached, "
                                    "complete")
        nothing = self.run_ok("lineage", "show", src, "--up")
        self.assertEqual(nothing, f"datasets/{src} has no recorded sources (nothing upstream); "
                                  f"record one with 'catalogctl lineage add SOURCE {src} "
                                  "--relation source'\n")
        shown = self.run_json("lineage", "show", src)
        self.assertEqual([(n["name"], n.get("depth", 0)) for n in shown["nodes"]],
                         [(dataset_name(src), 0), (dataset_name(dst), 1),
                          (f"parties/{party}", 2)])
        self.assertEqual(len(shown["edges"]), 2)
        dot = self.run_ok("lineage", "show", src, "--format", "dot")
        self.assertTrue(dot.startswith("digraph"), dot)
        self.assertIn(f'"parties/{party}" [label="Belastingdienst e2e", shape=ellipse', dot)
        self.assertIn(f'"datasets/{src}" -> "datasets/{dst}" [label="derived\\nStUF-BG"]', dot)
        self.assertTrue(dot.rstrip().endswith("}"), dot)
        upstream = self.run_ok("lineage", "show", dst, "--up")
        self.assertIn(f"  <- datasets/{src} ", upstream)
        self.assertNotIn("Belastingdienst e2e", upstream)
        both = self.run_ok("lineage", "show", dst, "--both")
        self.assertIn(f"  <- datasets/{src} ", both)
        self.assertIn(f"  -> parties/{party} ", both)
        column = self.run_json("lineage", "show", src, "--field", "geboortedatum")
        reached = {n["name"]: n.get("fields", []) for n in column["nodes"]}
        self.assertIn("leeftijd", reached.get(dataset_name(dst), []), column)
        shallow = self.run_json("lineage", "show", src, "--depth", "1")
        self.assertEqual([n["name"] for n in shallow["nodes"]],
                         [dataset_name(src), dataset_name(dst)])
        self.assertTrue(shallow["nodes"][1].get("moreBeyondDepth"), shallow)

        # lineage impact: JSON counts and the table
        impact = self.run_json("lineage", "impact", src)
        self.assertEqual(impact["root"]["name"], dataset_name(src))
        self.assertEqual(impact.get("datasets", 0), 1, impact)
        self.assertEqual(impact.get("hiddenDatasets", 0), 0, impact)
        self.assertEqual(impact.get("personalDataDatasets", 0), 1, impact)
        self.assertEqual(impact.get("parties", 0), 1, impact)
        self.assertEqual(impact["highestConfidentiality"], "CONFIDENTIALITY_INTERN")
        self.assertEqual([d["name"] for d in impact["levels"][0]["datasets"]],
                         [dataset_name(dst)])
        self.assertEqual([p["name"] for p in impact["levels"][1]["parties"]],
                         [f"parties/{party}"])
        self.assertEqual(len(impact["deliveries"]), 1)
        self.assertEqual(impact["deliveries"][0]["purpose"], "belastingheffing")
        self.assertEqual(impact["deliveries"][0]["legalBasis"],
                         "LEGAL_BASIS_WETTELIJKE_VERPLICHTING")
        table = self.run_ok("lineage", "impact", src)
        self.assertIn("datasets downstream:", table)
        self.assertIn("Depth 1:", table)
        self.assertIn("Deliveries to external parties (1):", table)
        self.assertIn("belastingheffing", table)
        self.assertIn("wettelijke_verplichting", table)

        # The party is not deleted while it receives a delivery.
        self.run_fails(EXIT_FAILED_PRECONDITION, "party", "delete", party, principal="admin")

        # dataset delete: refused while edges refer to it; --force deletes
        # them with it.
        refused = self.run_fails(EXIT_FAILED_PRECONDITION, "dataset", "delete", src,
                                 principal="admin")
        self.assertIn("FAILED_PRECONDITION", refused.stderr)
        self.assertEqual(self.run_json("lineage", "get", src, dst)["etag"], got["etag"])
        self.run_ok("dataset", "delete", src, "--force", principal="admin")
        self.run_fails(E.EXIT_NOT_FOUND, "dataset", "get", src)
        self.run_fails(E.EXIT_NOT_FOUND, "lineage", "get", src, dst)
        self.assertEqual(edge_pairs(self.run_json("lineage", "list", dst)),
                         {(dataset_name(dst), f"parties/{party}")})

        # lineage delete with a stale etag, then the right one; then the
        # party can go.
        delivery = self.run_json("lineage", "get", dst, f"parties/{party}")
        self.run_fails(E.EXIT_ABORTED, "lineage", "delete", dst, f"parties/{party}",
                       "--etag", "1" + delivery["etag"])
        out = self.run_ok("lineage", "delete", dst, f"parties/{party}", "--etag", delivery["etag"])
        self.assertIn("deleted", out)
        self.run_fails(E.EXIT_NOT_FOUND, "lineage", "get", dst, f"parties/{party}")
        self.run_ok("party", "delete", party, principal="admin")
        self.run_fails(E.EXIT_NOT_FOUND, "party", "get", party)

    def test_ingest_fixture_then_list_and_replay_as_array(self):
        path = fixture_path()
        result = self.run_json("lineage", "ingest", "-f", path)
        self.assertEqual(result["events"], 4, result)
        self.assertEqual(set(result.get("datasetsCreated", [])), set(FIXTURE_DATASETS.values()),
                         result)
        self.assertEqual(result.get("edgesCreated", 0), 3, result)
        self.assertGreater(int(result["revision"]), 0)

        brp, aanvragen, clienten, maandcijfers = (
            dataset_name(FIXTURE_DATASETS[name]) for name in (
                "dwh.brp.ingezetenen", "dwh.wmo.aanvragen", "dwh.sociaal_domein.wmo_clienten",
                "dwh.rapportage.wmo_maandcijfers"))
        listed = self.run_json("lineage", "list", "--all", "--page-size", "2")
        self.assertLessEqual({(brp, clienten), (aanvragen, clienten), (clienten, maandcijfers)},
                             edge_pairs(listed))
        self.assertEqual(listed["nextPageToken"], "")
        by_pair = {(e["source"], e["target"]): e for e in listed["edges"]}
        # Field-level lineage from the columnLineage facet; the run state of
        # the newest event of each run.
        mappings = by_pair[(brp, clienten)].get("columnMappings", [])
        self.assertIn({"sourceField": "geboortedatum", "targetField": "leeftijd",
                       "transformation": "leeftijd op peildatum"}, mappings)
        self.assertEqual(by_pair[(brp, clienten)]["lastRun"]["state"], "RUN_STATE_COMPLETE")
        self.assertEqual(by_pair[(clienten, maandcijfers)]["lastRun"]["state"], "RUN_STATE_FAIL")
        table = self.run_ok("lineage", "list", clienten)
        for node in (brp, aanvragen, maandcijfers):
            self.assertIn(node, table)
        self.assertIn("fail", table)

        # The same events as one JSON array on stdin: a replay changes
        # nothing. Table output this time.
        with open(path, encoding="utf-8") as f:
            events = [json.loads(line) for line in f if line.strip()]
        again = self.run_json("lineage", "ingest", "-f", "-",
                              stdin_text=json.dumps(events, indent=2))
        self.assertEqual(again["events"], 4, again)
        self.assertEqual(again.get("datasetsCreated", []), [], again)
        self.assertEqual(again.get("edgesCreated", 0), 0, again)
        out = self.run_ok("lineage", "ingest", "-f", path)
        self.assertIn("events accepted:  4", out)
        self.assertIn("datasets created: 0", out)

    def test_ingest_malformed_line_is_a_usage_error_and_sends_nothing(self):
        suffix = T.unique_suffix()
        event = {
            "eventType": "COMPLETE", "eventTime": "2026-03-02T03:00:00.000Z",
            "run": {"runId": "0190f1c2-7a41-7c3e-9b1a-2f4d6e8a1c01"},
            "job": {"namespace": "e2e", "name": f"e2e.job{suffix}"},
            "inputs": [{"namespace": "e2e", "name": f"e2e.bron{suffix}"}],
            "outputs": [{"namespace": "e2e", "name": f"e2e.doel{suffix}"}],
            "producer": "https://example.gemeente.nl/e2e",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}
        path = os.path.join(self.work_dir, f"bad-{suffix}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(event) + "\n\n" + '{"eventType": "COMPLETE",\n')
        result = self.run_fails(E.EXIT_USAGE, "lineage", "ingest", "-f", path)
        self.assertIn(f"{path}:3:", result.stderr)
        self.assertEqual(result.stdout, "")
        # The good first line was not sent either.
        self.run_fails(E.EXIT_NOT_FOUND, "dataset", "get", f"e2e-bron{suffix}", principal="admin")

        # A missing local file is a usage error (exit 64), as for `dataset
        # create -f`: not NOT_FOUND, which scripts read as "no such dataset".
        self.run_fails(64, "lineage", "ingest", "-f", path + ".nope")

    def test_dataset_above_clearance_is_a_placeholder(self):
        suffix = T.unique_suffix()
        visible, secret = f"e2e-lin-open-{suffix}", f"e2e-lin-geheim-{suffix}"
        self.create_dataset(visible, title="Openbare bron")
        self.create_dataset(secret, title="Geheime afgeleide",
                            classification={"confidentiality": "CONFIDENTIALITY_VERTROUWELIJK"})
        self.run_ok("lineage", "add", visible, secret, "--relation", "derived")

        # The reader's clearance is intern: the derived dataset is a
        # placeholder, never named.
        tree = self.run_ok("lineage", "show", visible, principal="reader")
        self.assertRegex(tree, r"-> hidden/\d+ +hidden \(above your clearance\)")
        self.assertNotIn(secret, tree)
        self.assertNotIn("Geheime afgeleide", tree)
        shown = self.run_json("lineage", "show", visible, principal="reader")
        self.assertTrue(shown["nodes"][1]["hidden"])
        self.assertTrue(shown["nodes"][1]["name"].startswith("hidden/"))
        dot = self.run_ok("lineage", "show", visible, "--format", "dot", principal="reader")
        self.assertIn("fillcolor=lightgrey", dot)
        self.assertNotIn(secret, dot)
        impact = self.run_json("lineage", "impact", visible, principal="reader")
        self.assertEqual(impact.get("datasets", 0), 1, impact)
        self.assertEqual(impact.get("hiddenDatasets", 0), 1, impact)
        # The steward sees it.
        self.assertIn("Geheime afgeleide", self.run_ok("lineage", "show", visible))

    def test_findings_classification_below_source(self):
        suffix = T.unique_suffix()
        high, low = f"e2e-lin-hoog-{suffix}", f"e2e-lin-laag-{suffix}"
        self.create_dataset(high, classification={"confidentiality":
                                                  "CONFIDENTIALITY_VERTROUWELIJK"})
        self.create_dataset(low)  # intern
        self.run_ok("lineage", "add", high, low, "--relation", "derived")
        findings = self.run_json("lineage", "findings", low, "--all")
        rules = [(f["rule"], f["source"], f["target"]) for f in findings["findings"]]
        self.assertTrue(any(rule == "LINEAGE_FINDING_RULE_CLASSIFICATION_BELOW_SOURCE"
                            and high in source and low in target
                            for rule, source, target in rules), findings)
        table = self.run_ok("lineage", "findings", low)
        self.assertTrue(table.startswith("SEVERITY"), table)
        self.assertIn("classification_below_source", table)
        self.assertIn("vertrouwelijk -> intern", table)
        self.assertEqual(self.run_json("lineage", "findings", high)["findings"], [])

    def test_usage_errors_exit_64(self):
        cases = [
            ["lineage", "add", "e2e-a"],  # TARGET missing
            ["lineage", "add", "e2e-aa", "e2e-bb"],  # --relation missing
            ["lineage", "add", "e2e-aa", "e2e-bb", "--relation", "zijwaarts"],
            ["lineage", "add", "e2e-aa", "e2e-bb", "--relation", "derived", "--map", "=x"],
            ["lineage", "add", "parties/cbs", "e2e-bb", "--relation", "derived"],
            ["lineage", "add", "e2e-aa", "lineage/x", "--relation", "derived"],
            ["lineage", "add", "e2e-aa", "e2e-bb", "--relation", "derived",
             "--legal-basis", "omdat"],
            ["lineage", "get", "Geen Id", "e2e-bb"],
            ["lineage", "list", "--in"],
            ["lineage", "list", "e2e-aa", "--in", "--out"],
            ["lineage", "show", "e2e-aa", "--up", "--both"],
            ["lineage", "show", "e2e-aa", "--format", "svg"],
            ["lineage", "show", "e2e-aa", "--format", "dot", "-o", "json"],
            ["lineage", "impact"],
            ["lineage", "ingest"],
            ["party", "create", "--name", "Zonder soort"],
            ["party", "create", "--name", "Buurman", "--kind", "buurman"],
            ["lineage"],
            ["party"],
        ]
        help_text = self.assert_usage_errors(cases)
        self.assertIn("lineage", help_text)
        self.assertIn("party", help_text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
