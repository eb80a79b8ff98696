"""End to end: the CSV register (`dataset export --format csv`, `dataset load
-f FILE.csv`) of the built catalogctl against catalogd.

Checked, with expectations written here:
  * the export is what Dutch Excel opens: a UTF-8 byte-order mark, ';'
    between fields, CR LF, the documented header, Dutch enum names, ja/nee,
    one list item per line inside a quoted cell;
  * export then load changes nothing (every row unchanged) and a second
    export is byte for byte the first;
  * a register typed in Excel (BOM, ';', CR LF, a description with a new
    line, "Vertrouwelijk" and "SaaS" in any case, ja/nee) loads, and a row
    of an existing dataset changes only its columns (schema fields stay);
  * bad rows are reported with their line and column and nothing of the
    file is written; an unclosed quote, an unknown column and a CSV where
    no datasets are expected are refused.

Run: python3 csv_register_e2e_test.py (through ctest).
"""

import csv
import io
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402
import cli_e2e_test as E  # noqa: E402

BOM = "\ufeff"


class CsvRegisterTest(E.CliTestCase):
    def write(self, name, text, newline="\r\n"):
        path = os.path.join(self.work_dir, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text.replace("\n", newline) if newline != "\n" else text)
        return path

    def export(self, name):
        path = os.path.join(self.work_dir, name)
        self.run_ok("dataset", "export", "--format", "csv", "-f", path)
        with open(path, "rb") as f:
            return path, f.read()

    def test_1_export_is_excel_csv_and_round_trips(self):
        self.create_dataset(
            "csv-woz", title="WOZ-objecten; waarden", domain="Belastingen",
            description='Waarden van "onroerende zaken".\nTweede regel.',
            tags=["woz", "belasting"], themes=["THEME_ECON", "THEME_GOVE"],
            hosting={"kind": "HOSTING_KIND_SAAS", "provider": "Centric", "insideEea": True},
            classification={"confidentiality": "CONFIDENTIALITY_VERTROUWELIJK"},
            personalData={"containsPersonalData": True,
                          "legalBasis": "LEGAL_BASIS_WETTELIJKE_VERPLICHTING",
                          "purposes": ["Heffing OZB", "Waardebepaling"]})
        self.create_dataset("csv-bomen", domain="Openbare ruimte")
        path, raw = self.export("export-1.csv")
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"), raw[:10])
        self.assertIn(b"\r\n", raw)
        text = raw.decode("utf-8")[1:]
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
        header = text.split("\r\n", 1)[0].split(";")
        for column in ("id", "title", "description", "owner", "domain", "registration_type",
                       "basisregistratie", "system", "supplier", "hosting", "provider",
                       "confidentiality", "availability", "integrity", "personal_data",
                       "legal_basis", "purposes", "openness", "tags", "themes"):
            self.assertIn(column, header)
        woz = next(r for r in rows if r["id"] == "csv-woz")
        self.assertEqual(woz["title"], "WOZ-objecten; waarden")
        self.assertEqual(woz["description"], 'Waarden van "onroerende zaken".\nTweede regel.')
        self.assertEqual(woz["confidentiality"], "vertrouwelijk")
        self.assertEqual(woz["hosting"], "saas")
        self.assertEqual(woz["inside_eea"], "ja")
        self.assertEqual(woz["personal_data"], "ja")
        self.assertEqual(woz["legal_basis"], "wettelijke_verplichting")
        self.assertEqual(woz["purposes"], "Heffing OZB\nWaardebepaling")
        self.assertEqual(woz["tags"], "woz\nbelasting")
        self.assertEqual(woz["themes"], "econ\ngove")
        bomen = next(r for r in rows if r["id"] == "csv-bomen")
        self.assertEqual((bomen["personal_data"], bomen["basisregistratie"]), ("nee", ""))

        report = self.run_json("dataset", "load", "-f", path)
        self.assertTrue(report["written"], report)
        self.assertEqual(report["created"] + report["replaced"], 0, report)
        self.assertEqual(report["unchanged"], len(rows), report)
        _, again = self.export("export-2.csv")
        self.assertEqual(again, raw, "a second export equals the first")

    def test_2_dutch_excel_input_loads_and_changes_only_its_columns(self):
        self.create_dataset("csv-kapvergunning", title="Oud",
                            schemaFields=[{"name": "zaaknummer", "type": "string"}])
        path = self.write("excel.csv", BOM + (
            "ID;Title;Owner;Domain;Registration_Type;Hosting;Confidentiality;Personal_Data;"
            "Legal_Basis;Purposes;Tags;Description\n"
            "csv-parkeren;Parkeervergunningen;Afdeling Parkeren;Verkeer;sectorregistratie;SaaS;"
            'Vertrouwelijk;ja;Algemeen_Belang_Openbaar_Gezag;Vergunningverlening;"parkeren\nvergunning";'
            '"Vergunningen voor\nbewoners"\n'
            "\n"
            "csv-kapvergunning;Kapvergunningen;Afdeling Groen;Openbare ruimte;OVERIG;"
            "on_premises;intern;nee;;;;\n"))
        report = self.run_json("dataset", "load", "-f", path)
        self.assertEqual((report["created"], report["replaced"]), (1, 1), report)
        parkeren = self.run_json("dataset", "get", "csv-parkeren")
        self.assertEqual(parkeren["classification"]["confidentiality"],
                         "CONFIDENTIALITY_VERTROUWELIJK")
        self.assertEqual(parkeren["hosting"]["kind"], "HOSTING_KIND_SAAS")
        self.assertTrue(parkeren["personalData"]["containsPersonalData"])
        self.assertEqual(parkeren["tags"], ["parkeren", "vergunning"])
        self.assertEqual(parkeren["description"], "Vergunningen voor\nbewoners")
        kap = self.run_json("dataset", "get", "csv-kapvergunning")
        self.assertEqual(kap["title"], "Kapvergunningen")
        self.assertEqual(kap["registrationType"], "REGISTRATION_TYPE_OVERIG")
        self.assertEqual([f["name"] for f in kap["schemaFields"]], ["zaaknummer"],
                         "fields without a column stay")

    def test_3_bad_rows_are_reported_and_nothing_is_written(self):
        path = self.write("bad.csv", (
            "id;title;owner;domain;registration_type;hosting;confidentiality\n"
            "csv-goed;Goed;Afdeling;Sociaal domein;overig;saas;intern\n"
            "csv-fout;Fout;Afdeling;Sociaal domein;overig;saas;geheimzinnig\n"
            "csv-kort;Kort;Afdeling\n"))
        result = E.ctl("dataset", "load", "-f", path, "-o", "json", *self.flags)
        self.assertEqual(result.returncode, E.EXIT_INVALID_ARGUMENT, E.describe(result))
        report = json.loads(result.stdout)
        self.assertFalse(report["written"], report)
        self.assertEqual([p["line"] for p in report["problems"]], [3, 4], report)
        self.assertIn(f"{path}:3: column confidentiality:", report["problems"][0]["message"])
        self.assertIn("geheimzinnig", report["problems"][0]["message"])
        self.assertIn(f"{path}:4: 3 fields, the header has 7", report["problems"][1]["message"])
        self.assertEqual(E.ctl("dataset", "get", "csv-goed", *self.flags).returncode,
                         E.EXIT_NOT_FOUND, "nothing was written")

        for name, text, message in [
            ("quote.csv", 'id;title\ncsv-x;"niet gesloten\n', "line 2"),
            ("column.csv", "id;opmerkingen\ncsv-x;iets\n", 'unknown column "opmerkingen"'),
            ("noid.csv", "title\nZonder id\n", 'no "id" column'),
        ]:
            with self.subTest(name=name):
                result = E.ctl("dataset", "load", "-f", self.write(name, text), *self.flags)
                self.assertEqual(result.returncode, E.EXIT_INVALID_ARGUMENT, E.describe(result))
                self.assertIn(message, result.stderr + result.stdout)
        result = E.ctl("quality", "load", "-f", self.write("m.csv", "id\nx\n"), *self.flags)
        self.assertEqual(result.returncode, E.EXIT_INVALID_ARGUMENT, E.describe(result))
        self.assertIn("CSV input is for datasets only", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
