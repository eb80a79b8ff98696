"""Other services can use the generated Python stubs against catalogd.

One catalogd on 127.0.0.1:0 over mutual TLS with the development policy;
the steward's certificate, and the admin's for deletes (only owners and
admins may delete).
Creates, reads, lists with filters, updates with a FieldMask and an etag,
bulk-loads over the UpsertDatasets stream, and checks the error codes
(ABORTED, NOT_FOUND, INVALID_ARGUMENT, ALREADY_EXISTS, RESOURCE_EXHAUSTED)
and that a connection without a valid client certificate is refused.

Run: python3 client_test.py (through ctest, see tests/CMakeLists.txt).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402
from google.protobuf import field_mask_pb2  # noqa: E402

from catalog.v1 import catalog_service_pb2 as pb  # noqa: E402
from catalog.v1 import dataset_pb2  # noqa: E402

TIMEOUT = T.RPC_TIMEOUT


class ClientTest(T.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stub = T.catalog_stub(cls.channel("steward"))
        cls.admin = T.catalog_stub(cls.channel("admin"))

    # ---- helpers ----

    def create(self, dataset):
        return self.stub.CreateDataset(pb.CreateDatasetRequest(dataset=dataset), timeout=TIMEOUT)

    def get(self, dataset_id, revision=0):
        return self.stub.GetDataset(pb.GetDatasetRequest(id=dataset_id, revision=revision),
                                    timeout=TIMEOUT)

    # ---- tests ----

    def test_create_and_get(self):
        suffix = T.unique_suffix()
        sent = {}
        for i in range(3):
            dataset = T.make_dataset(
                f"cl-create-{suffix}-{i}", title=f"Clientregistratie {i}",
                description="Aangemaakt door client_test.py",
                tags=["client-test", f"nr{i}"],
                personalData={"containsPersonalData": True,
                              "legalBasis": "LEGAL_BASIS_WETTELIJKE_VERPLICHTING"},
                schemaFields=[{"name": "bsn", "type": "string", "personalData": True}])
            created = self.create(dataset)
            sent[dataset.id] = (dataset, created)
            self.assertEqual(created.id, dataset.id)
            self.assertGreater(created.revision, 0)
            self.assertEqual(created.etag, str(created.revision))
            self.assertTrue(created.HasField("create_time"))
            self.assertEqual(created.update_time, created.create_time)
            self.assertEqual(T.without_bookkeeping(created), T.normalized(dataset))

        revisions = [created.revision for _, created in sent.values()]
        self.assertEqual(revisions, sorted(set(revisions)), "revisions increase")
        for dataset_id, (dataset, created) in sent.items():
            self.assertEqual(self.get(dataset_id), created)
            self.assertEqual(self.get(f"datasets/{dataset_id}"), created, "resource name")
            self.assertEqual(self.get(dataset_id, revision=created.revision), created)

    def test_create_generates_id_from_title(self):
        created = self.create(T.make_dataset("", title="Subsidieregister Cultuur"))
        self.assertRegex(created.id, r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$")
        self.assertTrue(created.id.startswith("subsidieregister"), created.id)
        self.assertEqual(self.get(created.id).title, "Subsidieregister Cultuur")

    def test_create_existing_id_is_already_exists(self):
        dataset = T.make_dataset(f"cl-dup-{T.unique_suffix()}")
        first = self.create(dataset)
        dataset.title = "Een andere titel"
        self.assert_code(grpc.StatusCode.ALREADY_EXISTS, self.create, dataset)
        self.assertEqual(self.get(dataset.id), first, "unchanged")

    def test_list_with_filter(self):
        suffix = T.unique_suffix()
        domain = f"Clienttest {suffix}"
        kinds = ["HOSTING_KIND_ON_PREMISES", "HOSTING_KIND_SAAS", "HOSTING_KIND_SAAS",
                 "HOSTING_KIND_PUBLIC_CLOUD", "HOSTING_KIND_SAAS"]
        ids = []
        for i, kind in enumerate(kinds):
            dataset = T.make_dataset(f"cl-list-{suffix}-{i}", domain=domain,
                                     hosting={"kind": kind, "provider": f"Leverancier {i % 2}"},
                                     tags=["even" if i % 2 == 0 else "oneven"])
            ids.append(self.create(dataset).id)
        # A dataset of another domain that matches the other conditions.
        self.create(T.make_dataset(f"cl-list-{suffix}-other", domain="Elders",
                                   hosting={"kind": "HOSTING_KIND_SAAS"}))

        def listed(**filter_fields):
            request = pb.ListDatasetsRequest(filter=pb.DatasetFilter(**filter_fields))
            return [d.id for d in T.list_all(self.stub, request)]

        self.assertEqual(listed(domain=domain), sorted(ids))
        self.assertEqual(listed(domain=domain.upper()), sorted(ids), "text ignores case")
        saas = [ids[i] for i, kind in enumerate(kinds) if kind == "HOSTING_KIND_SAAS"]
        self.assertEqual(listed(domain=domain, hosting_kind=dataset_pb2.HOSTING_KIND_SAAS),
                         sorted(saas))
        self.assertEqual(listed(domain=domain, tag="even"), sorted(ids[0::2]))
        self.assertEqual(listed(domain=domain, provider="Leverancier 1",
                                hosting_kind=dataset_pb2.HOSTING_KIND_SAAS),
                         sorted([ids[1]]))
        self.assertEqual(listed(domain=domain, tag="nergens"), [])

        # Paging: one dataset per page, tokens until the end.
        request = pb.ListDatasetsRequest(filter=pb.DatasetFilter(domain=domain), page_size=1)
        paged = []
        for _ in range(20):
            response = self.stub.ListDatasets(request, timeout=TIMEOUT)
            self.assertLessEqual(len(response.datasets), 1)
            paged.extend(d.id for d in response.datasets)
            if not response.next_page_token:
                break
            request.page_token = response.next_page_token
        self.assertEqual(paged, sorted(ids))

        # A token belongs to its query.
        first = self.stub.ListDatasets(
            pb.ListDatasetsRequest(filter=pb.DatasetFilter(domain=domain), page_size=1),
            timeout=TIMEOUT)
        self.assertTrue(first.next_page_token)
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.stub.ListDatasets,
                         pb.ListDatasetsRequest(filter=pb.DatasetFilter(domain="Elders"),
                                                page_token=first.next_page_token))

    def test_update_with_field_mask_and_etag(self):
        dataset = T.make_dataset(f"cl-update-{T.unique_suffix()}", title="Oude titel",
                                 description="Blijft staan",
                                 hosting={"kind": "HOSTING_KIND_ON_PREMISES",
                                          "provider": "Eigen datacenter"})
        created = self.create(dataset)

        # Only the masked fields change; the rest of the request is ignored.
        change = T.make_dataset(dataset.id, title="Nieuwe titel", description="GENEGEERD",
                                hosting={"kind": "HOSTING_KIND_SAAS", "provider": "Centric"})
        change.etag = created.etag
        updated = self.stub.UpdateDataset(
            pb.UpdateDatasetRequest(dataset=change, update_mask=field_mask_pb2.FieldMask(
                paths=["title", "hosting.provider"])),
            timeout=TIMEOUT)
        self.assertEqual(updated.title, "Nieuwe titel")
        self.assertEqual(updated.hosting.provider, "Centric")
        self.assertEqual(updated.hosting.kind, dataset_pb2.HOSTING_KIND_ON_PREMISES)
        self.assertEqual(updated.description, "Blijft staan")
        self.assertGreater(updated.revision, created.revision)
        self.assertEqual(updated.etag, str(updated.revision))
        self.assertEqual(updated.create_time, created.create_time)
        self.assertEqual(self.get(dataset.id), updated)

        # The etag of before the update is stale now: ABORTED, nothing changes.
        stale = T.make_dataset(dataset.id, title="Verloren update")
        stale.etag = created.etag
        title_only = field_mask_pb2.FieldMask(paths=["title"])
        self.assert_code(grpc.StatusCode.ABORTED, self.stub.UpdateDataset,
                         pb.UpdateDatasetRequest(dataset=stale, update_mask=title_only), TIMEOUT)
        self.assertEqual(self.get(dataset.id), updated)

        # The old revision stays readable.
        self.assertEqual(self.get(dataset.id, revision=created.revision).title, "Oude titel")
        history = self.stub.ListDatasetRevisions(pb.ListDatasetRevisionsRequest(id=dataset.id),
                                                 timeout=TIMEOUT)
        self.assertEqual([r.revision for r in history.revisions],
                         [updated.revision, created.revision])
        self.assertEqual([r.kind for r in history.revisions],
                         [pb.CHANGE_KIND_UPDATE, pb.CHANGE_KIND_CREATE])
        self.assertEqual({r.principal for r in history.revisions}, {"steward"})

        # Without an etag the update is unconditional; an empty mask replaces.
        whole = T.make_dataset(dataset.id, title="Helemaal vervangen")
        replaced = self.stub.UpdateDataset(pb.UpdateDatasetRequest(dataset=whole),
                                           timeout=TIMEOUT)
        self.assertEqual(T.without_bookkeeping(replaced), T.normalized(whole))

    def test_update_errors(self):
        created = self.create(T.make_dataset(f"cl-upderr-{T.unique_suffix()}"))
        mask = field_mask_pb2.FieldMask

        def update(dataset, paths):
            return self.stub.UpdateDataset(
                pb.UpdateDatasetRequest(dataset=dataset, update_mask=mask(paths=paths)),
                timeout=TIMEOUT)

        change = T.make_dataset(created.id, title="x")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, update, change, ["id"], detail="id")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, update, change, ["no_such_field"],
                         detail="no_such_field")
        change.etag = "geen-etag"
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, update, change, ["title"],
                         detail="etag")
        emptied = T.make_dataset(created.id, title="")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, update, emptied, ["title"],
                         detail="title")
        self.assert_code(grpc.StatusCode.NOT_FOUND, update,
                         T.make_dataset(f"cl-missing-{T.unique_suffix()}"), ["title"])
        self.assertEqual(self.get(created.id), created, "unchanged after the failures")

    def test_bulk_upsert_stream(self):
        suffix = T.unique_suffix()
        existing = self.create(T.make_dataset(f"cl-bulk-{suffix}-old", title="Voor de bulk"))
        batches = [
            [T.make_dataset(f"cl-bulk-{suffix}-{i}") for i in range(3)],
            [T.make_dataset(f"cl-bulk-{suffix}-old", title="Vervangen door de bulk"),
             T.make_dataset(f"cl-bulk-{suffix}-notitle", title=""),
             T.make_dataset("Geen-Geldig-Id"),
             T.make_dataset(f"cl-bulk-{suffix}-3")],
            [T.make_dataset(f"cl-bulk-{suffix}-{i}", title=f"Tweede keer {i}") for i in range(2)],
        ]
        requests = (pb.UpsertDatasetsRequest(datasets=batch) for batch in batches)
        responses = list(self.stub.UpsertDatasets(requests, timeout=TIMEOUT))

        self.assertEqual(len(responses), len(batches), "one response per batch")
        for batch, response in zip(batches, responses):
            self.assertEqual([r.id for r in response.results], [d.id for d in batch],
                             "one result per dataset, in order")
        ok = grpc.StatusCode.OK.value[0]
        invalid = grpc.StatusCode.INVALID_ARGUMENT.value[0]
        codes = [[r.code for r in response.results] for response in responses]
        self.assertEqual(codes, [[ok, ok, ok], [ok, invalid, invalid, ok], [ok, ok]])
        created = [[r.created for r in response.results] for response in responses]
        self.assertEqual(created, [[True, True, True], [False, False, False, True],
                                   [False, False]])
        failed = responses[1].results
        self.assertIn("title", failed[1].message)
        self.assertIn("id", failed[2].message)

        # Every stored item is readable at its revision with what was sent.
        last = {}
        for batch, response in zip(batches, responses):
            for dataset, result in zip(batch, response.results):
                if result.code == ok:
                    self.assertGreater(result.revision, 0)
                    last[dataset.id] = (dataset, result.revision)
        for dataset_id, (dataset, revision) in last.items():
            stored = self.get(dataset_id)
            self.assertEqual(stored.revision, revision)
            self.assertEqual(T.without_bookkeeping(stored), T.normalized(dataset))
        replaced = self.get(existing.id)
        self.assertEqual(replaced.title, "Vervangen door de bulk")
        self.assertEqual(replaced.create_time, existing.create_time, "keeps its create_time")
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.get, f"cl-bulk-{suffix}-notitle")

    def test_bulk_batch_over_limit_ends_stream(self):
        batch = [T.make_dataset(f"cl-big-{i}") for i in range(1001)]
        requests = iter([pb.UpsertDatasetsRequest(datasets=batch)])
        error = self.assert_code(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                 lambda: list(self.stub.UpsertDatasets(requests, timeout=TIMEOUT)))
        self.assertIn("1000", error.details())
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.get, "cl-big-0")

    def test_not_found(self):
        missing = f"cl-nope-{T.unique_suffix()}"
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.get, missing)
        # Deleting needs the owner or admin role: asked as admin.
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.admin.DeleteDataset,
                         pb.DeleteDatasetRequest(id=missing), TIMEOUT)
        # Before the dataset existed.
        first = self.create(T.make_dataset(f"cl-before-{T.unique_suffix()}"))
        created = self.create(T.make_dataset(f"cl-late-{T.unique_suffix()}"))
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.get, created.id, first.revision)

    def test_invalid_argument(self):
        suffix = T.unique_suffix()
        cases = [
            (T.make_dataset(f"cl-inv-{suffix}-1", domain=""), "domain"),
            (T.make_dataset(f"cl-inv-{suffix}-2", owner=""), "roles.owner"),
            (T.make_dataset("X"), "id"),
            (T.make_dataset(f"cl-inv-{suffix}-3",
                            registrationType="REGISTRATION_TYPE_BASISREGISTRATIE",
                            basisregistratie="BASISREGISTRATIE_BRP"), "municipal_role"),
            (T.make_dataset(f"cl-inv-{suffix}-4",
                            personalData={"containsPersonalData": True}),
             "personal_data.legal_basis"),
            (T.make_dataset(f"cl-inv-{suffix}-5", hosting={"kind": "HOSTING_KIND_SAAS",
                                                           "country": "nl"}),
             "hosting.country"),
            (T.make_dataset(f"cl-inv-{suffix}-6", tags=["a", "a"]), "tags"),
        ]
        for dataset, field in cases:
            with self.subTest(field=field):
                self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.create, dataset,
                                 detail=field)
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.get, "Geen Id")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.get, "cl-x", -1)
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.stub.ListDatasets,
                         pb.ListDatasetsRequest(page_token="bogus"), TIMEOUT)
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.stub.ListDatasets,
                         pb.ListDatasetsRequest(page_size=-1), TIMEOUT)
        # Above the maximum means the maximum (AIP-158).
        self.stub.ListDatasets(pb.ListDatasetsRequest(page_size=1001), timeout=TIMEOUT)

    def test_delete_with_etag(self):
        created = self.create(T.make_dataset(f"cl-del-{T.unique_suffix()}"))
        # The steward may not delete (owner or admin role needed); the admin may.
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, self.stub.DeleteDataset,
                         pb.DeleteDatasetRequest(id=created.id, etag=created.etag), TIMEOUT)
        self.assert_code(grpc.StatusCode.ABORTED, self.admin.DeleteDataset,
                         pb.DeleteDatasetRequest(id=created.id, etag=str(created.revision + 1000)),
                         TIMEOUT)
        deleted = self.admin.DeleteDataset(
            pb.DeleteDatasetRequest(id=created.id, etag=created.etag), timeout=TIMEOUT)
        self.assertGreater(deleted.revision, created.revision)
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.get, created.id)
        self.assertEqual(self.get(created.id, revision=created.revision), created)
        history = self.stub.ListDatasetRevisions(pb.ListDatasetRevisionsRequest(id=created.id),
                                                 timeout=TIMEOUT)
        self.assertEqual([r.kind for r in history.revisions],
                         [pb.CHANGE_KIND_DELETE, pb.CHANGE_KIND_CREATE])
        self.assertEqual(history.revisions[0].revision, deleted.revision)
        self.assertEqual([r.principal for r in history.revisions], ["admin", "steward"])

    def test_other_principals_connect(self):
        for principal in ("admin", "reader", "auditor"):
            with self.subTest(principal=principal):
                channel = T.secure_channel(self.server.port, principal)
                try:
                    T.catalog_stub(channel).ListDatasets(pb.ListDatasetsRequest(page_size=1),
                                                         timeout=TIMEOUT)
                finally:
                    channel.close()

    def test_connection_without_valid_client_certificate_fails(self):
        cases = {
            "no client certificate": dict(principal=None),
            "client certificate of another CA": dict(certs=T.other_ca_certs_dir()),
            "server not signed by the trusted CA": dict(ca=T.other_ca_certs_dir()),
        }
        for name, options in cases.items():
            with self.subTest(name):
                channel = T.secure_channel(self.server.port, wait=False, **options)
                try:
                    self.assert_code(grpc.StatusCode.UNAVAILABLE,
                                     T.catalog_stub(channel).ListDatasets,
                                     pb.ListDatasetsRequest(), 5.0)
                finally:
                    channel.close()

    def test_health(self):
        # build/python/grpc/health cannot be imported next to grpcio (see
        # catalog_testlib); the generated health_pb2 is loaded by path. The
        # build always generates it (protos/CMakeLists.txt, target
        # catalog_python_stubs, part of `all`) and ctest puts build/python
        # on PYTHONPATH (tests/CMakeLists.txt): missing, the build is broken.
        health_pb2 = T.load_health_pb2()
        self.assertIsNotNone(
            health_pb2,
            "grpc/health/v1/health_pb2.py is on no entry of sys.path "
            f"(PYTHONPATH={os.environ.get('PYTHONPATH', '')!r}); "
            "build the catalog_python_stubs target")
        response = T.health_check(self.channel(), health_pb2)
        self.assertEqual(response.status, health_pb2.HealthCheckResponse.SERVING)


if __name__ == "__main__":
    unittest.main(verbosity=2)
