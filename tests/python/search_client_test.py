"""SearchService through the generated Python stubs against catalogd.

One catalogd on 127.0.0.1:0 over mutual TLS with the development policy.
Datasets written by the steward are found (min_revision waits for the
index) by words, stems, prefixes, field qualifiers and phrases, with the
structured filters and exact facet counts; one above the reader's clearance
is in no total of the reader. Bad queries and page tokens are
INVALID_ARGUMENT.

Run: python3 search_client_test.py (through ctest, see tests/python/CMakeLists.txt).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402

from catalog.v1 import catalog_service_pb2 as cpb  # noqa: E402
from catalog.v1 import dataset_pb2  # noqa: E402
from catalog.v1 import search_service_pb2 as pb  # noqa: E402
from catalog.v1 import search_service_pb2_grpc as pb_grpc  # noqa: E402

TIMEOUT = T.RPC_TIMEOUT


class SearchClientTest(T.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = f"Zoekdomein {T.unique_suffix()}"
        s = T.unique_suffix()
        cls.ids = {"bomen": f"zk-bomen-{s}", "parkeren": f"zk-parkeren-{s}",
                   "geheim": f"zk-geheim-{s}"}
        datasets = [
            T.make_dataset(cls.ids["bomen"], title="Bomenregister gemeente",
                           description="Alle monumentale bomen in de openbare ruimte",
                           domain=cls.domain, tags=["gis"],
                           hosting={"kind": "HOSTING_KIND_SAAS", "provider": "Boomwachter"}),
            T.make_dataset(cls.ids["parkeren"], title="Parkeervergunningen",
                           description="Vergunningen voor parkeren bij bomen en pleinen",
                           domain=cls.domain),
            T.make_dataset(cls.ids["geheim"], title="Geheime bomenkaart", domain=cls.domain,
                           classification={"confidentiality": "CONFIDENTIALITY_VERTROUWELIJK"}),
        ]
        cls.revision = max(T.create_dataset(cls.channel("steward"), d).revision
                           for d in datasets)
        cls.wait_for_index()

    @classmethod
    def wait_for_index(cls, attempts=30):
        """min_revision waits 1 s at most (DEADLINE_EXCEEDED after it): on a
        loaded machine the indexer may need a few."""
        stub = pb_grpc.SearchServiceStub(cls.channel("steward"))
        request = pb.SearchDatasetsRequest(min_revision=cls.revision, page_size=1)
        for _ in range(attempts):
            try:
                stub.SearchDatasets(request, timeout=TIMEOUT)
                return
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                    raise
        raise AssertionError(f"the index did not reach revision {cls.revision}")

    def search(self, query, who="steward", **fields):
        stub = pb_grpc.SearchServiceStub(self.channel(who))
        fields.setdefault("filter", cpb.DatasetFilter(domain=self.domain))
        request = pb.SearchDatasetsRequest(query=query, min_revision=self.revision, **fields)
        return stub.SearchDatasets(request, timeout=TIMEOUT)

    def names(self, response):
        return [hit.name for hit in response.hits]

    def test_words_qualifiers_and_clearance(self):
        bomen, parkeren, geheim = (f"datasets/{self.ids[k]}"
                                   for k in ("bomen", "parkeren", "geheim"))
        found = self.search("bomen")
        self.assertGreaterEqual(found.index_revision, self.revision)
        self.assertEqual(sorted(self.names(found)), sorted([bomen, parkeren, geheim]))
        self.assertEqual(found.total, 3)
        self.assertEqual([hit.rank for hit in found.hits], [0, 1, 2])
        self.assertEqual(self.search("bomen", "reader").total, 2, "geheim is above intern")
        self.assertNotIn(geheim, self.names(self.search("bomen", "reader")))

        title = self.search("title:parkeervergunningen")
        self.assertEqual(self.names(title), [parkeren])
        whole = self.search("Parkeervergunningen")
        self.assertEqual((whole.hits[0].name, whole.hits[0].exact), (parkeren, True),
                         "a whole-title match comes first")
        self.assertEqual(self.names(self.search("provider:boomwachter")), [bomen])
        self.assertEqual(self.names(self.search('"monumentale bomen"')), [bomen])
        self.assertEqual(self.names(self.search("parkeer*")), [parkeren])
        self.assertEqual(sorted(self.names(self.search("bomen -parkeren", "reader"))), [bomen])
        snippet = self.search("monumentale").hits[0].snippet
        self.assertIn("<b>", snippet)

    def test_filters_and_facets(self):
        saas = self.search("", filter=cpb.DatasetFilter(
            domain=self.domain, hosting_kind=dataset_pb2.HOSTING_KIND_SAAS))
        self.assertEqual(self.names(saas), [f"datasets/{self.ids['bomen']}"])
        faceted = self.search("", "reader", facets=True)
        facets = {f.facet: dict(f.counts) for f in faceted.facets}
        self.assertEqual(facets["hosting_kind"],
                         {"HOSTING_KIND_SAAS": 1, "HOSTING_KIND_ON_PREMISES": 1})
        self.assertEqual(facets["domain"], {self.domain: 2})
        paged = T.list_pages(pb_grpc.SearchServiceStub(self.channel()).SearchDatasets,
                             pb.SearchDatasetsRequest(
                                 filter=cpb.DatasetFilter(domain=self.domain), page_size=1),
                             "hits")
        self.assertEqual(len({hit.name for hit in paged}), 3)

    def test_bad_requests(self):
        for query in ('"open', "(bomen", "x" * 2049):
            with self.subTest(query=query[:10]):
                self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.search, query)
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT,
                         lambda: self.search("bomen", page_token="bogus"))
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT,
                         lambda: self.search("bomen", page_size=-1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
