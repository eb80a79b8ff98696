"""LandscapeService through the generated Python stubs against catalogd.

One catalogd on 127.0.0.1:0 over mutual TLS with the development policy. A
small landscape in a domain of its own (the filter keeps the other tests'
datasets out): SaaS with personal data and no processor agreement, public
cloud, an openbaar dataset that is not published, and a vertrouwelijk one
that the reader (clearance intern) may not see. GetLandscape's totals,
breakdowns, cloud, security and quality parts and findings for the admin and
the reader, and the error codes (INVALID_ARGUMENT naming the field).

Run: python3 landscape_client_test.py (through ctest, see tests/python/CMakeLists.txt).
"""

import datetime
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402
from google.protobuf import timestamp_pb2  # noqa: E402

from catalog.v1 import dataset_pb2  # noqa: E402
from catalog.v1 import landscape_service_pb2 as pb  # noqa: E402
from catalog.v1 import landscape_service_pb2_grpc as pb_grpc  # noqa: E402
from catalog.v1 import quality_pb2  # noqa: E402
from catalog.v1 import quality_service_pb2  # noqa: E402
from catalog.v1 import quality_service_pb2_grpc  # noqa: E402

TIMEOUT = T.RPC_TIMEOUT
PERSONAL = {"containsPersonalData": True, "legalBasis": "LEGAL_BASIS_WETTELIJKE_VERPLICHTING",
            "purposes": ["Uitvoering Wmo"]}


def counts(breakdown):
    return {c.key: c.count for c in breakdown}


def finding(landscape, rule):
    return next((f for f in landscape.findings if f.rule == rule), None)


class LandscapeClientTest(T.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain = f"Landschap {T.unique_suffix()}"
        cls.ids = {name: f"ls-{name}-{T.unique_suffix()}"
                   for name in ("saas", "cloud", "bomen", "geheim")}
        datasets = [
            T.make_dataset(cls.ids["saas"], domain=cls.domain, personalData=PERSONAL, hosting={
                "kind": "HOSTING_KIND_SAAS", "provider": "Suite-X", "country": "NL",
                "insideEea": True}),
            T.make_dataset(cls.ids["cloud"], domain=cls.domain, hosting={
                "kind": "HOSTING_KIND_PUBLIC_CLOUD", "provider": "Azure", "country": "NL",
                "insideEea": True, "processorAgreementRef": "VWO-2026-1"}),
            T.make_dataset(cls.ids["bomen"], domain=cls.domain,
                           classification={"confidentiality": "CONFIDENTIALITY_OPENBAAR"}),
            T.make_dataset(cls.ids["geheim"], domain=cls.domain,
                           classification={"confidentiality": "CONFIDENTIALITY_VERTROUWELIJK"}),
        ]
        for dataset in datasets:
            T.create_dataset(cls.channel("admin"), dataset)
        quality = quality_service_pb2_grpc.QualityServiceStub(cls.channel("admin"))
        quality.RecordMeasurement(quality_service_pb2.RecordMeasurementRequest(
            measurement=quality_pb2.Measurement(
                dataset=cls.ids["saas"], dimension=dataset_pb2.QUALITY_DIMENSION_JUISTHEID,
                score=70)), timeout=TIMEOUT)

    def landscape(self, who="admin", **fields):
        stub = pb_grpc.LandscapeServiceStub(self.channel(who))
        fields.setdefault("filter", pb.LandscapeFilter(domain=self.domain))
        request = pb.GetLandscapeRequest(**fields)
        return stub.GetLandscape(request, timeout=TIMEOUT)

    def name(self, key):
        return f"datasets/{self.ids[key]}"

    def test_overview_of_the_admin(self):
        l = self.landscape()
        self.assertEqual(l.filter.domain, self.domain)
        self.assertGreater(l.revision, 0)
        self.assertEqual(l.total_datasets, 4)
        self.assertEqual(counts(l.by_domain), {self.domain: 4})
        self.assertEqual(counts(l.by_registration_type), {"REGISTRATION_TYPE_SECTORREGISTRATIE": 4})
        self.assertEqual(counts(l.cloud.by_hosting_kind), {
            "HOSTING_KIND_ON_PREMISES": 2, "HOSTING_KIND_SAAS": 1, "HOSTING_KIND_PUBLIC_CLOUD": 1})
        self.assertEqual(counts(l.cloud.by_provider), {"Suite-X": 1, "Azure": 1},
                         "datasets without a provider are left out")
        self.assertEqual(l.cloud.inside_eea, 2)
        providers = {p.provider: p for p in l.cloud.providers}
        self.assertEqual(set(providers), {"Suite-X", "Azure"})
        self.assertEqual((providers["Suite-X"].personal_data,
                          providers["Suite-X"].with_processor_agreement), (1, 0))
        self.assertEqual(providers["Azure"].with_processor_agreement, 1)
        self.assertEqual(providers["Suite-X"].mean_quality, 70)
        self.assertEqual(counts(l.security.by_confidentiality), {
            "CONFIDENTIALITY_INTERN": 2, "CONFIDENTIALITY_OPENBAAR": 1,
            "CONFIDENTIALITY_VERTROUWELIJK": 1})
        self.assertEqual(l.security.personal_data, 1)
        self.assertEqual(l.quality.measured_datasets, 1)
        self.assertEqual([(s.dimension, s.mean, s.datasets) for s in l.quality.by_dimension],
                         [(dataset_pb2.QUALITY_DIMENSION_JUISTHEID, 70, 1)])

        cloud = finding(l, pb.COMPLIANCE_RULE_CLOUD_PERSONAL_DATA_WITHOUT_AGREEMENT)
        self.assertIsNotNone(cloud)
        self.assertEqual((cloud.count, list(cloud.datasets)), (1, [self.name("saas")]))
        unpublished = finding(l, pb.COMPLIANCE_RULE_OPENBAAR_NOT_PUBLISHED)
        self.assertIsNotNone(unpublished)
        self.assertEqual(list(unpublished.datasets), [self.name("bomen")])
        for f in l.findings:
            self.assertTrue(f.fix, f"the fix of {pb.ComplianceRule.Name(f.rule)}")
        severities = [f.severity for f in l.findings]
        self.assertEqual(severities, sorted(severities, reverse=True), "most severe first")

    def test_reader_does_not_see_above_clearance(self):
        l = self.landscape("reader")
        self.assertEqual(l.total_datasets, 3)
        self.assertNotIn("CONFIDENTIALITY_VERTROUWELIJK", counts(l.security.by_confidentiality))
        self.assertNotIn(self.ids["geheim"], str(l), "never named")

    def test_filters_narrow(self):
        saas = self.landscape(filter=pb.LandscapeFilter(
            domain=self.domain, hosting_kind=dataset_pb2.HOSTING_KIND_SAAS))
        self.assertEqual(saas.total_datasets, 1)
        azure = self.landscape(filter=pb.LandscapeFilter(domain=self.domain, provider="Azure"))
        self.assertEqual(azure.total_datasets, 1)
        self.assertIsNone(finding(azure, pb.COMPLIANCE_RULE_CLOUD_PERSONAL_DATA_WITHOUT_AGREEMENT))
        nobody = self.landscape(filter=pb.LandscapeFilter(domain=self.domain, provider="Niemand"))
        self.assertEqual((nobody.total_datasets, list(nobody.findings)), (0, []))

    def test_bad_requests_name_the_field(self):
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT,
                         lambda: self.landscape(max_datasets_per_finding=1001),
                         detail="max_datasets_per_finding")
        now = datetime.datetime.now(datetime.timezone.utc)
        since, until = timestamp_pb2.Timestamp(), timestamp_pb2.Timestamp()
        since.FromDatetime(now)
        until.FromDatetime(now - datetime.timedelta(hours=1))
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT,
                         lambda: self.landscape(usage_since=since, usage_until=until),
                         detail="usage_since")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: self.landscape(
            filter=pb.LandscapeFilter(hosting_kind=99)), detail="filter.hosting_kind")


if __name__ == "__main__":
    unittest.main(verbosity=2)
