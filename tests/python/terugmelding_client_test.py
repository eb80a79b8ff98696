"""TerugmeldingService through the generated Python stubs against catalogd.

One catalogd on 127.0.0.1:0 over mutual TLS with the development policy:
the reader files terugmeldingen (any consumer may), the steward (of every
domain) handles them, the auditor reads them. Filing (server-assigned id,
reporter, status, history, deadline), the status machine with notes and
etags, the reporter's own listing, the listing per dataset, the count in the
quality report, and the error codes (INVALID_ARGUMENT naming the field,
NOT_FOUND, FAILED_PRECONDITION, PERMISSION_DENIED, ABORTED).

Run: python3 terugmelding_client_test.py (through ctest, see tests/python/CMakeLists.txt).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402

from catalog.v1 import dataset_pb2  # noqa: E402
from catalog.v1 import quality_pb2 as q  # noqa: E402
from catalog.v1 import quality_service_pb2 as pb  # noqa: E402
from catalog.v1 import quality_service_pb2_grpc as pb_grpc  # noqa: E402

TIMEOUT = T.RPC_TIMEOUT
GEMELD = q.TERUGMELDING_STATUS_GEMELD
IN_BEHANDELING = q.TERUGMELDING_STATUS_IN_BEHANDELING
INGEPLAND = q.TERUGMELDING_STATUS_INGEPLAND
AFGEHANDELD = q.TERUGMELDING_STATUS_AFGEHANDELD
INGETROKKEN = q.TERUGMELDING_STATUS_INGETROKKEN
DAY = 86400


class TerugmeldingClientTest(T.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stubs = {who: pb_grpc.TerugmeldingServiceStub(cls.channel(who))
                     for who in ("reader", "steward", "auditor")}

    def create_dataset(self, prefix, **fields):
        dataset_id = f"tm-{prefix}-{T.unique_suffix()}"
        T.create_dataset(self.channel("steward"), T.make_dataset(
            dataset_id, schemaFields=[{"name": "huisnummer", "type": "string"}], **fields))
        return dataset_id

    def file(self, dataset_id, who="reader", **fields):
        draft = q.Terugmelding(**{"dataset": dataset_id,
                                  "explanation": "Het huisnummer bestaat niet in de BAG",
                                  "reference": "REF-1", **fields})
        return self.stubs[who].FileTerugmelding(pb.FileTerugmeldingRequest(terugmelding=draft),
                                                timeout=TIMEOUT)

    def get(self, name, who="steward"):
        return self.stubs[who].GetTerugmelding(pb.GetTerugmeldingRequest(name=name),
                                               timeout=TIMEOUT)

    def move(self, name, status, who="steward", **fields):
        return self.stubs[who].TransitionTerugmelding(
            pb.TransitionTerugmeldingRequest(name=name, status=status, **fields), timeout=TIMEOUT)

    def mine(self, who, open_only=False):
        request = pb.ListMyTerugmeldingenRequest(open_only=open_only, page_size=1)
        return T.list_pages(self.stubs[who].ListMyTerugmeldingen, request, "terugmeldingen")

    def test_file_and_get(self):
        dataset_id = self.create_dataset("bag", registrationType="REGISTRATION_TYPE_BASISREGISTRATIE",
                                         basisregistratie="BASISREGISTRATIE_BAG",
                                         municipalRole="MUNICIPAL_ROLE_BRONHOUDER")
        filed = self.file(
            dataset_id, reporter_organisation=dataset_pb2.Organisation(
                name="Belastingdienst", oin="00000001003214345000"),
            object_reference="0363200000123456",
            attributes=[q.DoubtedAttribute(name="huisnummer", doubted_value="12",
                                           proposed_value="14")],
            contacts=[q.TerugmeldingContact(role=q.CONTACT_ROLE_MELDER, name="A. Melder")],
            dimension=dataset_pb2.QUALITY_DIMENSION_JUISTHEID,
            status=AFGEHANDELD, reporter_principal="iemand-anders")  # Output only: ignored.
        self.assertRegex(filed.id, r"^tm-[a-z2-7]{10}$")
        self.assertEqual(filed.name, f"datasets/{dataset_id}/reports/{filed.id}")
        self.assertEqual(filed.dataset, f"datasets/{dataset_id}")
        self.assertEqual(filed.reporter_principal, "reader")
        self.assertEqual(filed.status, GEMELD)
        self.assertEqual([(getattr(h, "from"), h.to, h.principal) for h in filed.history],
                         [(q.TERUGMELDING_STATUS_UNSPECIFIED, GEMELD, "reader")])
        self.assertEqual(filed.attributes[0].proposed_value, "14")
        self.assertEqual(filed.reporter_organisation.oin, "00000001003214345000")
        self.assertEqual(filed.etag, str(filed.revision))
        # A basisregistratie is handled within 5 days.
        self.assertEqual(filed.deadline.seconds - filed.create_time.seconds, 5 * DAY)
        self.assertFalse(filed.overdue)
        for who in ("reader", "steward", "auditor"):
            with self.subTest(who=who):
                self.assertEqual(self.get(filed.name, who), filed)

        report = pb_grpc.QualityServiceStub(self.channel("steward")).GetQualityReport(
            pb.GetQualityReportRequest(dataset=dataset_id), timeout=TIMEOUT)
        self.assertEqual((report.open_terugmeldingen, report.overdue_terugmeldingen), (1, 0))

    def test_status_machine(self):
        dataset_id = self.create_dataset("wmo")
        filed = self.file(dataset_id)
        handled = self.move(filed.name, IN_BEHANDELING, note="Wij zoeken het uit",
                            etag=filed.etag)
        self.assertEqual(handled.status, IN_BEHANDELING)
        planned = self.move(filed.name, INGEPLAND, planning_expectation="Voor 1 maart")
        self.assertEqual(planned.planning_expectation, "Voor 1 maart")
        # INGEPLAND -> GEMELD is not a transition of the machine.
        self.assert_code(grpc.StatusCode.FAILED_PRECONDITION, self.move, filed.name, GEMELD)
        # The reporter may not withdraw a planned report.
        self.assert_code(grpc.StatusCode.FAILED_PRECONDITION, self.move, filed.name,
                         INGETROKKEN, "reader")
        self.assert_code(grpc.StatusCode.ABORTED,
                         lambda: self.move(filed.name, AFGEHANDELD, etag=handled.etag))
        done = self.move(filed.name, AFGEHANDELD, note="Hersteld")
        self.assertEqual([(getattr(h, "from"), h.to, h.principal, h.note) for h in done.history], [
            (q.TERUGMELDING_STATUS_UNSPECIFIED, GEMELD, "reader", ""),
            (GEMELD, IN_BEHANDELING, "steward", "Wij zoeken het uit"),
            (IN_BEHANDELING, INGEPLAND, "steward", ""),
            (INGEPLAND, AFGEHANDELD, "steward", "Hersteld"),
        ])
        self.assertGreater(done.revision, planned.revision)
        self.assertEqual(self.get(filed.name), done)
        self.assert_code(grpc.StatusCode.FAILED_PRECONDITION, self.move, filed.name,
                         IN_BEHANDELING, detail="afgehandeld cannot move")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.move, filed.name,
                         q.TERUGMELDING_STATUS_UNSPECIFIED, detail="status")

    def test_reporter_withdraws_and_listings(self):
        dataset_id = self.create_dataset("brp")
        own = self.file(dataset_id)
        other = self.file(dataset_id, "steward")
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, self.move, own.name, IN_BEHANDELING,
                         "reader", detail="the reporter may only withdraw")
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.get, other.name, "reader")
        withdrawn = self.move(own.name, INGETROKKEN, "reader", note="toch correct")
        self.assertEqual((withdrawn.status, withdrawn.history[-1].principal),
                         (INGETROKKEN, "reader"))

        mine = [t.name for t in self.mine("reader") if t.dataset == f"datasets/{dataset_id}"]
        self.assertEqual(mine, [own.name])
        self.assertNotIn(own.name, [t.name for t in self.mine("reader", open_only=True)])

        request = pb.ListTerugmeldingenRequest(dataset=dataset_id, page_size=1)
        for who in ("steward", "auditor"):
            with self.subTest(who=who):
                listed = T.list_pages(self.stubs[who].ListTerugmeldingen, request,
                                      "terugmeldingen")
                self.assertEqual(sorted(t.name for t in listed), sorted([own.name, other.name]))
        open_only = self.stubs["steward"].ListTerugmeldingen(
            pb.ListTerugmeldingenRequest(dataset=dataset_id, open_only=True), timeout=TIMEOUT)
        self.assertEqual([t.name for t in open_only.terugmeldingen], [other.name])
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, self.stubs["reader"].ListTerugmeldingen,
                         request, TIMEOUT, detail="does not handle terugmeldingen")

    def test_filing_errors(self):
        dataset_id = self.create_dataset("err")
        cases = [
            ({"dataset": ""}, "terugmelding.dataset: required"),
            ({"explanation": ""}, "terugmelding.explanation: required"),
            ({"reference": "1234567890123"}, "terugmelding.reference"),
            ({"attributes": [q.DoubtedAttribute(name="postcode")]},
             "terugmelding.attributes[0].name"),
            ({"reporter_organisation": dataset_pb2.Organisation(oin="123")},
             "terugmelding.reporter_organisation.oin"),
        ]
        for fields, detail in cases:
            with self.subTest(detail=detail):
                draft = {"dataset": dataset_id, **fields}
                self.assert_code(grpc.StatusCode.INVALID_ARGUMENT,
                                 lambda: self.file(draft.pop("dataset"), **draft), detail=detail)
        missing = f"tm-onbekend-{T.unique_suffix()}"
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.file, missing)
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.get,
                         f"datasets/{dataset_id}/reports/tm-aaaaaaaaaa")
        listed = self.stubs["steward"].ListTerugmeldingen(
            pb.ListTerugmeldingenRequest(dataset=dataset_id), timeout=TIMEOUT)
        self.assertEqual(list(listed.terugmeldingen), [], "nothing filed")


if __name__ == "__main__":
    unittest.main(verbosity=2)
