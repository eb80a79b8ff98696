"""AuditService through the generated Python stubs against catalogd.

One catalogd on 127.0.0.1:0 over mutual TLS with the development policy.
The steward creates and reads a dataset and asks for a missing one, the
reader tries a delete it may not make; the auditor finds each call in the
trail by resource, method, principal and status code, oldest first, with
an intact hash chain (VerifyAuditTrail). Only auditors and admins may read
the trail (PERMISSION_DENIED otherwise); a bad page token is
INVALID_ARGUMENT.

Run: python3 audit_client_test.py (through ctest, see tests/python/CMakeLists.txt).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402

from catalog.v1 import audit_service_pb2 as pb  # noqa: E402
from catalog.v1 import catalog_service_pb2 as cpb  # noqa: E402

TIMEOUT = T.RPC_TIMEOUT
SERVICE = "/catalog.v1.CatalogService/"


class AuditClientTest(T.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auditor = T.audit_stub(cls.channel("auditor"))

    def test_calls_are_in_the_trail(self):
        dataset_id = f"au-wmo-{T.unique_suffix()}"
        missing = f"au-onbekend-{T.unique_suffix()}"
        steward = T.catalog_stub(self.channel("steward"))
        T.create_dataset(self.channel("steward"), T.make_dataset(dataset_id))
        steward.GetDataset(cpb.GetDatasetRequest(id=dataset_id), timeout=TIMEOUT)
        self.assert_code(grpc.StatusCode.NOT_FOUND, steward.GetDataset,
                         cpb.GetDatasetRequest(id=missing), TIMEOUT)
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED,
                         T.catalog_stub(self.channel("reader")).DeleteDataset,
                         cpb.DeleteDatasetRequest(id=dataset_id), TIMEOUT)

        events = T.list_audit_events(self.auditor, resource=f"datasets/{dataset_id}",
                                     oldest_first=True, page_size=1)
        self.assertEqual([(e.method, e.principal, e.code, e.code_name) for e in events], [
            (SERVICE + "CreateDataset", "steward", 0, "OK"),
            (SERVICE + "GetDataset", "steward", 0, "OK"),
            (SERVICE + "DeleteDataset", "reader", 7, "PERMISSION_DENIED"),
        ])
        sequences = [e.sequence for e in events]
        self.assertEqual(sequences, sorted(set(sequences)), "oldest first")
        for event in events:
            self.assertEqual(list(event.resources), [f"datasets/{dataset_id}"])
            self.assertRegex(event.hash, r"^[0-9a-f]{64}$")
            self.assertRegex(event.prev_hash, r"^[0-9a-f]{64}$")
            self.assertTrue(event.peer)
            self.assertTrue(event.request_id)
            self.assertGreater(event.time.seconds, 1000000000)

        newest_first = T.list_audit_events(self.auditor, resource=f"datasets/{dataset_id}")
        self.assertEqual([e.sequence for e in newest_first], sequences[::-1])
        not_found = T.list_audit_events(self.auditor, resource=f"datasets/{missing}", code=5)
        self.assertEqual([(e.method, e.code_name) for e in not_found],
                         [(SERVICE + "GetDataset", "NOT_FOUND")])
        by_method = T.list_audit_events(self.auditor, resource=f"datasets/{dataset_id}",
                                        method="GetDataset", principal="steward")
        self.assertEqual([e.sequence for e in by_method], [events[1].sequence])

        verified = T.verify_audit_trail(self.auditor)
        self.assertTrue(verified.intact, verified.problem)
        self.assertGreaterEqual(verified.entries, events[-1].sequence)
        self.assertEqual((verified.first_broken_sequence, verified.problem), (0, ""))

    def test_only_auditors_and_admins_read_the_trail(self):
        for who in ("steward", "reader"):
            with self.subTest(who=who):
                stub = T.audit_stub(self.channel(who))
                self.assert_code(grpc.StatusCode.PERMISSION_DENIED, stub.ListAuditEvents,
                                 pb.ListAuditEventsRequest(), TIMEOUT)
                self.assert_code(grpc.StatusCode.PERMISSION_DENIED, stub.VerifyAuditTrail,
                                 pb.VerifyAuditTrailRequest(), TIMEOUT)
        admin = T.audit_stub(self.channel("admin"))
        self.assertTrue(T.verify_audit_trail(admin).intact)
        denied = T.list_audit_events(self.auditor, principal="reader", method="ListAuditEvents")
        self.assertTrue(denied, "the denied calls are in the trail too")
        self.assertEqual({e.code_name for e in denied}, {"PERMISSION_DENIED"})

    def test_bad_page_token(self):
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.auditor.ListAuditEvents,
                         pb.ListAuditEventsRequest(page_token="bogus"), TIMEOUT)


if __name__ == "__main__":
    unittest.main(verbosity=2)
