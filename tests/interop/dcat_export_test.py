"""The DCAT-AP-NL 3.0 export, read back with an RDF library.

A real catalogd (built binary, mutual TLS, development policy) holds open
datasets (openness OPEN, openbaar) with every mandatory property, one open
dataset without a publisher and themes, and datasets that are not open
data (intern; openbaar but NIET_OPEN). InteropService.ExportDcat is called
for Turtle and for JSON-LD, and `catalogctl export dcat` writes a file; each
document is parsed with rdflib (Debian's python3-rdflib) and checked with
SPARQL, by rules written here from the DCAT-AP-NL 3.0 profile:

  * every dcat:Dataset has dct:accessRights, dcat:contactPoint, dct:creator,
    dct:description, dct:identifier, dct:publisher, dcat:theme and
    dct:title, and a dcat:Distribution with dcat:accessURL and dct:license;
  * themes are EU data-theme IRIs, access rights EU access-right IRIs,
    licences IRIs of the DCAT-AP-NL licence list;
  * exactly the complete open datasets are in it; the incomplete one is
    reported with what it lacks (and as a landscape finding); what is not
    open data never appears, not even its id;
  * the Turtle and the JSON-LD graphs are the same graph, and literals with
    quotes, backslashes and new lines survive.

Run: python3 dcat_export_test.py (through ctest).
"""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402
import rdflib  # noqa: E402
from rdflib.compare import isomorphic  # noqa: E402

from catalog.v1 import catalog_service_pb2 as pb  # noqa: E402
from catalog.v1 import catalog_service_pb2_grpc as pb_grpc  # noqa: E402
from catalog.v1 import interop_service_pb2 as ipb  # noqa: E402
from catalog.v1 import interop_service_pb2_grpc as ipb_grpc  # noqa: E402
from catalog.v1 import landscape_service_pb2 as lpb  # noqa: E402
from catalog.v1 import landscape_service_pb2_grpc as lpb_grpc  # noqa: E402

RPC_TIMEOUT = 30.0
BASE = "https://data.gemeente.example/catalogus"
PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
"""
MANDATORY = ["dct:accessRights", "dcat:contactPoint", "dct:creator", "dct:description",
             "dct:identifier", "dct:publisher", "dcat:theme", "dct:title"]
LICENCE_LIST = {
    "http://creativecommons.org/publicdomain/zero/1.0/deed.nl",
    "http://creativecommons.org/licenses/by/4.0/deed.nl",
}
TRICKY_TITLE = 'Bomen "monumentaal" \\ in de stad\nen daarbuiten'


def open_dataset(dataset_id, **extra):
    fields = {
        "description": f"Beschrijving van {dataset_id}.",
        "publisher": {"name": "Gemeente Voorbeeldstad", "oin": "00000001001234567000"},
        "creator": {"name": "Afdeling Openbare Ruimte"},
        "contactPoint": {"name": "Team Open Data", "email": "opendata@voorbeeldstad.nl"},
        "themes": ["THEME_ENVI", "THEME_REGI"],
        "accessRights": "ACCESS_RIGHTS_PUBLIC",
        "tags": ["bomen", "groen"],
        "classification": {"confidentiality": "CONFIDENTIALITY_OPENBAAR"},
        "openness": {"level": "OPENNESS_LEVEL_OPEN",
                     "publicationUrl": f"https://data.voorbeeldstad.nl/{dataset_id}.csv",
                     "licence": "CC0-1.0"},
    }
    fields.update(extra)
    return T.make_dataset(dataset_id, **fields)


class DcatExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work_dir = T.make_temp_dir("dcat")
        cls.server = T.CatalogServer(cls.work_dir)
        cls.server.start()
        cls.channel = T.secure_channel(cls.server.port, "steward")
        catalog = pb_grpc.CatalogServiceStub(cls.channel)
        datasets = [
            open_dataset("bomen", title=TRICKY_TITLE),
            open_dataset("parkeerplaatsen", themes=["THEME_TRAN"],
                         openness={"level": "OPENNESS_LEVEL_OPEN",
                                   "publicationUrl": "https://data.voorbeeldstad.nl/parkeren",
                                   "licence": "CC-BY-4.0"}),
            # Open, but without publisher and themes: left out, reported.
            open_dataset("speeltuinen", publisher={}, themes=[]),
            # Not open data: never in the export.
            T.make_dataset("wmo-voorzieningen"),
            open_dataset("kapvergunningen", openness={"level": "OPENNESS_LEVEL_NIET_OPEN",
                                                      "wooGround": "art. 5.1 lid 2 sub e"}),
        ]
        for dataset in datasets:
            catalog.CreateDataset(pb.CreateDatasetRequest(dataset=dataset), timeout=RPC_TIMEOUT)
        cls.interop = ipb_grpc.InteropServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        code = cls.server.stop()
        T.remove_temp_dir(cls.work_dir)
        if code != 0:
            raise AssertionError(f"catalogd exited with {code}")

    def export(self, fmt):
        return self.interop.ExportDcat(ipb.ExportDcatRequest(format=fmt), timeout=RPC_TIMEOUT)

    def check_graph(self, graph):
        datasets = {str(row.d) for row in graph.query(PREFIXES + "SELECT ?d { ?d a dcat:Dataset }")}
        self.assertEqual(datasets, {f"{BASE}/datasets/bomen", f"{BASE}/datasets/parkeerplaatsen"})
        for prop in MANDATORY:
            lacking = graph.query(PREFIXES + f"""
                SELECT ?d {{ ?d a dcat:Dataset . FILTER NOT EXISTS {{ ?d {prop} ?v }} }}""")
            self.assertEqual(list(lacking), [], f"a dataset without {prop}")
        rows = list(graph.query(PREFIXES + """
            SELECT ?d ?url ?licence { ?d a dcat:Dataset ; dcat:distribution ?dist .
                                      ?dist a dcat:Distribution ; dcat:accessURL ?url ;
                                            dct:license ?licence }"""))
        self.assertEqual(len(rows), 2)
        for row in rows:
            self.assertIn(str(row.licence), LICENCE_LIST)
            self.assertTrue(str(row.url).startswith("https://data.voorbeeldstad.nl/"))
        themes = {str(row.t) for row in graph.query(PREFIXES + "SELECT ?t { ?d dcat:theme ?t }")}
        self.assertEqual(themes, {
            "http://publications.europa.eu/resource/authority/data-theme/ENVI",
            "http://publications.europa.eu/resource/authority/data-theme/REGI",
            "http://publications.europa.eu/resource/authority/data-theme/TRAN"})
        rights = {str(row.r) for row in graph.query(PREFIXES + "SELECT ?r { ?d dct:accessRights ?r }")}
        self.assertEqual(rights, {"http://publications.europa.eu/resource/authority/access-right/PUBLIC"})
        titles = {str(row.t) for row in graph.query(PREFIXES + f"""
            SELECT ?t {{ <{BASE}/datasets/bomen> dct:title ?t }}""")}
        self.assertEqual(titles, {TRICKY_TITLE})
        names = {str(row.n) for row in graph.query(PREFIXES + """
            SELECT ?n { ?d a dcat:Dataset ; dct:publisher ?p . ?p foaf:name ?n }""")}
        self.assertEqual(names, {"Gemeente Voorbeeldstad"})
        mails = {str(row.m) for row in graph.query(PREFIXES + """
            SELECT ?m { ?d dcat:contactPoint ?c . ?c vcard:hasEmail ?m }""")}
        self.assertEqual(mails, {"mailto:opendata@voorbeeldstad.nl"})
        catalogs = list(graph.query(PREFIXES + "SELECT ?c ?t { ?c a dcat:Catalog ; dct:title ?t }"))
        self.assertEqual(len(catalogs), 1)
        self.assertEqual(len(list(graph.query(PREFIXES + "SELECT ?d { ?c dcat:dataset ?d }"))), 2)

    def test_turtle_and_jsonld_hold_every_mandatory_property(self):
        turtle = self.export(ipb.DCAT_FORMAT_TURTLE)
        self.assertEqual(turtle.media_type, "text/turtle")
        self.assertEqual(turtle.exported, 2)
        self.assertEqual([(o.dataset, list(o.missing)) for o in turtle.omitted],
                         [("datasets/speeltuinen", ["dct:publisher", "dcat:theme"])])
        for secret in ("wmo-voorzieningen", "kapvergunningen", "speeltuinen"):
            self.assertNotIn(secret, turtle.document)
        g_turtle = rdflib.Graph().parse(data=turtle.document, format="turtle")
        self.check_graph(g_turtle)

        jsonld = self.export(ipb.DCAT_FORMAT_JSONLD)
        self.assertEqual(jsonld.media_type, "application/ld+json")
        json.loads(jsonld.document)
        g_jsonld = rdflib.Graph().parse(data=jsonld.document, format="json-ld")
        self.check_graph(g_jsonld)
        self.assertTrue(isomorphic(g_turtle, g_jsonld), "Turtle and JSON-LD differ")

        # The default format is Turtle.
        self.assertEqual(self.export(ipb.DCAT_FORMAT_UNSPECIFIED).media_type, "text/turtle")

    def test_incomplete_open_data_is_a_landscape_finding(self):
        landscape = lpb_grpc.LandscapeServiceStub(self.channel).GetLandscape(
            lpb.GetLandscapeRequest(), timeout=RPC_TIMEOUT)
        named = [list(f.datasets) for f in landscape.findings
                 if f.rule == lpb.COMPLIANCE_RULE_DCAT_INCOMPLETE]
        self.assertEqual(named, [["datasets/speeltuinen"]])

    def test_unknown_format_is_refused(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.export(99)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("format", caught.exception.details())

    def test_catalogctl_writes_the_file_and_names_what_it_left_out(self):
        path = os.path.join(self.work_dir, "catalogus.jsonld")
        flags = ["--server", f"127.0.0.1:{self.server.port}", "--ca", T.cert_path("ca.pem"),
                 "--cert", T.cert_path("steward.pem"), "--key", T.cert_path("steward.key")]
        result = subprocess.run(
            [T.catalogctl_path(), "export", "dcat", "--format", "jsonld", "-f", path, *flags],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("left out datasets/speeltuinen: missing dct:publisher, dcat:theme",
                      result.stderr)
        self.assertIn("2 datasets written to", result.stdout)
        self.check_graph(rdflib.Graph().parse(path, format="json-ld"))
        bad = subprocess.run([T.catalogctl_path(), "export", "dcat", "--format", "rdfxml", *flags],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(bad.returncode, 64, bad.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
