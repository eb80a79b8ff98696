"""End to end: `catalogctl import amsterdam-schema` of the built catalogctl
against catalogd, on the fixtures in tests/fixtures/amsterdam-schema.

Checked, with expectations written here:
  * the tree imports into the three datasets of docs/AMSTERDAM-SCHEMA.md
    (fields, schema fields, confidentiality, openness and Woo ground);
  * a second import changes nothing: same revisions and etags;
  * a changed table file updates only its dataset;
  * a dataset with a malformed file is reported with path and pointer and
    not written, the others are, and the exit code is non-zero.

Run: python3 amsterdam_schema_e2e_test.py (through ctest).
"""

import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402,F401
import cli_e2e_test as E  # noqa: E402

FIXTURES = os.path.join(os.environ.get("CATALOG_SOURCE_DIR", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")), "tests", "fixtures",
    "amsterdam-schema", "datasets")
IDS = ["bekende-amsterdammers", "brandkranen", "minimaal"]
EXIT_FAILED_ITEMS = 3


class AmsterdamSchemaImportTest(E.CliTestCase):
    def tree(self, name):
        """A copy of the fixture tree in the work dir (so it can be changed)."""
        path = os.path.join(self.work_dir, name, "datasets")
        shutil.copytree(FIXTURES, path)
        return path

    def get(self, dataset_id):
        return self.run_json("dataset", "get", dataset_id)

    def states(self):
        return {i: (self.get(i)["revision"], self.get(i)["etag"]) for i in IDS}

    def test_1_import_reimport_change(self):
        tree = self.tree("one")
        out = self.run_json("import", "amsterdam-schema", tree)
        self.assertEqual([d["result"] for d in out["datasets"]], ["created"] * 3, out)
        self.assertEqual([d["id"] for d in out["datasets"]], IDS)

        b = self.get("bekende-amsterdammers")
        self.assertEqual(b["title"], "Bekende Amsterdammers")
        self.assertEqual(b["roles"]["owner"], "Gemeente Amsterdam")
        self.assertEqual(b["roles"]["steward"], "myDataTeam@amsterdam.nl")
        self.assertEqual(b["creator"]["name"], "myBronhouder")
        self.assertEqual(b["publisher"]["name"], "myDataTeam")
        self.assertEqual(b["classification"]["confidentiality"], "CONFIDENTIALITY_OPENBAAR")
        self.assertEqual(b["accessRights"], "ACCESS_RIGHTS_PUBLIC")
        self.assertEqual(b["openness"]["level"], "OPENNESS_LEVEL_OPEN")
        self.assertNotIn("wooGround", b["openness"])
        self.assertEqual(b["version"], "2.0.1")
        self.assertEqual(b["status"], "DATASET_STATUS_COMPLETED")
        self.assertEqual(
            b["provenance"],
            "Amsterdam Schema dataset bekendeAmsterdammers, version v2 (2.0.1, stable); "
            "superseded: v1 (1.3.0, superseded, end of support 2025-12-31)")
        names = [f["name"] for f in b["schemaFields"]]
        self.assertEqual(names, [
            "personen.id", "personen.volledigeNaam", "personen.beroep",
            "personen.geassocieerdeLocaties", "locaties.id", "locaties.naam",
            "locaties.heeftNummeraanduiding", "locaties.type", "locaties.herkenbaar",
            "locaties.herkenbaarDoor", "locaties.coordinaten", "locaties.geometrie"])
        fields = {f["name"]: f for f in b["schemaFields"]}
        self.assertEqual(fields["personen.geassocieerdeLocaties"]["type"], "array<string>")
        self.assertEqual(fields["locaties.geometrie"]["type"], "geometry (Polygon)")
        self.assertEqual(fields["personen.beroep"]["description"],
                         "Primaire reden, dat de persoon bekend is.")

        k = self.get("brandkranen")
        self.assertEqual(k["classification"]["confidentiality"], "CONFIDENTIALITY_INTERN")
        self.assertEqual(k["openness"]["level"], "OPENNESS_LEVEL_NIET_OPEN")
        self.assertEqual(k["openness"]["wooGround"],
                         "art. 5.1 lid 2 sub h Woo (Zwaarwegend belang: beveiliging van personen "
                         "en bedrijven en het voorkomen van sabotage)")
        self.assertEqual(k["publisher"]["name"], "BOR")
        self.assertEqual(k["domain"], "Veiligheid, wonen")
        self.assertEqual(k["updateFrequency"], "UPDATE_FREQUENCY_NEVER")
        self.assertEqual(k["conformsTo"], ["EPSG:28992"])
        self.assertEqual(k["tags"], ["brandweer", "brandkranen"])
        self.assertEqual(k["issued"], "2020-12-31T23:00:00Z")
        self.assertEqual(self.get("minimaal")["schemaFields"][1]["name"], "personen.naam")

        before = self.states()
        again = self.run_json("import", "amsterdam-schema", tree)
        self.assertEqual([d["result"] for d in again["datasets"]], ["unchanged"] * 3, again)
        self.assertEqual(self.states(), before)
        # One dataset folder, and one dataset.json, are the same datasets.
        for one in (os.path.join(tree, "minimaal"),
                    os.path.join(tree, "brandkranen", "dataset.json")):
            single = self.run_json("import", "amsterdam-schema", one)
            self.assertEqual([d["result"] for d in single["datasets"]], ["unchanged"], single)
        text = self.run_ok("import", "amsterdam-schema", tree)
        self.assertIn("3 datasets: 0 created, 0 updated, 3 unchanged, 0 failed", text)
        self.assertEqual(self.states(), before)

        table = os.path.join(tree, "brandkranen", "brandkranen", "v1.json")
        with open(table, encoding="utf-8") as f:
            doc = json.load(f)
        doc["schema"]["properties"]["postcode"]["description"] = "Postcode 4 van de brandkraan."
        with open(table, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        changed = self.run_json("import", "amsterdam-schema", tree)
        results = {d["id"]: (d["result"], d["changed"]) for d in changed["datasets"]}
        self.assertEqual(results["brandkranen"], ("updated", ["schema_fields"]))
        self.assertEqual(results["minimaal"], ("unchanged", []))
        after = self.states()
        self.assertNotEqual(after["brandkranen"], before["brandkranen"])
        self.assertEqual(after["minimaal"], before["minimaal"])
        self.assertEqual(after["bekende-amsterdammers"], before["bekende-amsterdammers"])
        postcode = next(f for f in self.get("brandkranen")["schemaFields"]
                        if f["name"] == "brandkranen.postcode")
        self.assertEqual(postcode["description"], "Postcode 4 van de brandkraan.")

    def test_2_malformed_dataset_is_not_written(self):
        tree = self.tree("two")
        # A dataset folder that does not exist in the catalogue yet, whose
        # table is not JSON, next to one whose dataset.json has a wrong type.
        shutil.copytree(os.path.join(tree, "minimaal"), os.path.join(tree, "kapotteTabel"))
        with open(os.path.join(tree, "kapotteTabel", "personen", "v1.json"), "w") as f:
            f.write('{"id": "personen",\n  "schema": }\n')
        shutil.copytree(os.path.join(tree, "minimaal"), os.path.join(tree, "verkeerdType"))
        path = os.path.join(tree, "verkeerdType", "dataset.json")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        doc["versions"]["v1"]["tables"] = "personen/v1"
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        # Amsterdam Schema sets no limit to a title; the catalogue does.
        shutil.copytree(os.path.join(tree, "minimaal"), os.path.join(tree, "teLangeTitel"))
        long_title = os.path.join(tree, "teLangeTitel", "dataset.json")
        with open(long_title, encoding="utf-8") as f:
            doc = json.load(f)
        doc["title"] = "x" * 300
        with open(long_title, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        result = E.ctl("import", "amsterdam-schema", tree, *self.flags)
        self.assertEqual(result.returncode, EXIT_FAILED_ITEMS, E.describe(result))
        self.assertIn(os.path.join(tree, "kapotteTabel", "personen", "v1.json") +
                      ": line 2, column 13: not valid JSON", result.stderr)
        self.assertIn(path + ": /versions/v1/tables: expected an array, not a string",
                      result.stderr)
        # brandkranen goes back to the fixture test_1 changed; the others
        # are as stored.
        self.assertIn(long_title + ": te-lange-titel: INVALID_ARGUMENT: dataset.title: at most 200",
                      result.stderr)
        self.assertIn("6 datasets: 0 created, 1 updated, 2 unchanged, 3 failed", result.stdout)
        for missing in ("kapotte-tabel", "verkeerd-type", "te-lange-titel"):
            gone = E.ctl("dataset", "get", missing, *self.flags)
            self.assertNotEqual(gone.returncode, 0, E.describe(gone))

    def test_3_bad_path_and_auth_map(self):
        self.run_fails(E.EXIT_USAGE, "import", "amsterdam-schema",
                       os.path.join(self.work_dir, "nowhere"))
        bad = os.path.join(self.work_dir, "auth.json")
        with open(bad, "w") as f:
            f.write('{"FP/MDW": "streng geheim"}')
        result = self.run_fails(E.EXIT_USAGE, "import", "amsterdam-schema", FIXTURES,
                                "--auth-map", bad)
        self.assertIn("/FP~1MDW", result.stderr)

    def test_4_auth_map_overrides(self):
        tree = self.tree("four")
        shutil.rmtree(os.path.join(tree, "bekendeAmsterdammers"))
        shutil.rmtree(os.path.join(tree, "minimaal"))
        os.rename(os.path.join(tree, "brandkranen"), os.path.join(tree, "brandkranenVertrouwelijk"))
        amap = os.path.join(self.work_dir, "auth-ok.json")
        with open(amap, "w") as f:
            f.write('{"FP/MDW": "vertrouwelijk"}')
        out = self.run_json("import", "amsterdam-schema", tree, "--auth-map", amap,
                            principal="admin")
        self.assertEqual(out["datasets"][0]["result"], "created", out)
        d = self.run_json("dataset", "get", "brandkranen-vertrouwelijk", principal="admin")
        self.assertEqual(d["classification"]["confidentiality"],
                         "CONFIDENTIALITY_VERTROUWELIJK")


if __name__ == "__main__":
    unittest.main(verbosity=2)
