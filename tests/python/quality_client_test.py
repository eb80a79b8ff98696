"""QualityService through the generated Python stubs against catalogd.

One catalogd on 127.0.0.1:0 over mutual TLS with the development policy
(steward records measurements; reader may not). Measurements recorded one
by one and over the bulk stream (per-item results, validate_only), listed
newest first within a time range, and the quality report: latest score per
dimension against the norm, trend by month, overall score, below norm, the
weakest upstream source; the error codes (INVALID_ARGUMENT naming the
field, NOT_FOUND, PERMISSION_DENIED, RESOURCE_EXHAUSTED).

Run: python3 quality_client_test.py (through ctest, see tests/python/CMakeLists.txt).
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
from catalog.v1 import lineage_pb2  # noqa: E402
from catalog.v1 import lineage_service_pb2  # noqa: E402
from catalog.v1 import quality_pb2  # noqa: E402
from catalog.v1 import quality_service_pb2 as pb  # noqa: E402
from catalog.v1 import quality_service_pb2_grpc as pb_grpc  # noqa: E402

TIMEOUT = T.RPC_TIMEOUT
JUISTHEID = dataset_pb2.QUALITY_DIMENSION_JUISTHEID
COMPLEETHEID = dataset_pb2.QUALITY_DIMENSION_COMPLEETHEID
OK = grpc.StatusCode.OK.value[0]
INVALID = grpc.StatusCode.INVALID_ARGUMENT.value[0]
MISSING = grpc.StatusCode.NOT_FOUND.value[0]


def timestamp(moment):
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(moment)
    return ts


def days_ago(days):
    """Now minus `days` days (UTC, whole seconds)."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return now - datetime.timedelta(days=days)


def measurement(dataset_id, dimension, score, measured_at, method="regel"):
    return quality_pb2.Measurement(dataset=dataset_id, dimension=dimension, score=score,
                                   measured_at=timestamp(measured_at), method=method)


class QualityClientTest(T.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steward = pb_grpc.QualityServiceStub(cls.channel("steward"))
        cls.reader = pb_grpc.QualityServiceStub(cls.channel("reader"))

    def create_dataset(self, dataset_id, **fields):
        """A dataset with norms JUISTHEID 95 and COMPLEETHEID 80."""
        norms = [{"dimension": "QUALITY_DIMENSION_JUISTHEID", "target": 95},
                 {"dimension": "QUALITY_DIMENSION_COMPLEETHEID", "target": 80}]
        return T.create_dataset(self.channel("steward"),
                                T.make_dataset(dataset_id, qualityNorms=norms, **fields))

    def record(self, m, stub=None):
        return (stub or self.steward).RecordMeasurement(pb.RecordMeasurementRequest(measurement=m),
                                                        timeout=TIMEOUT)

    def report(self, dataset_id, include_upstream=False):
        return self.steward.GetQualityReport(
            pb.GetQualityReportRequest(dataset=dataset_id, include_upstream=include_upstream),
            timeout=TIMEOUT)

    @staticmethod
    def dimension(report, dimension):
        return next(d for d in report.dimensions if d.dimension == dimension)

    def test_record_and_report(self):
        dataset_id = f"ql-bag-{T.unique_suffix()}"
        self.create_dataset(dataset_id)
        old, recent, latest = days_ago(40), days_ago(10), days_ago(1)
        first = self.record(measurement(dataset_id, JUISTHEID, 80, old, "postcode bestaat"))
        self.assertEqual(first.dataset, f"datasets/{dataset_id}")
        self.assertEqual(first.measured_by, "steward")
        self.assertEqual(first.method, "postcode bestaat")
        self.assertEqual(first.measured_at.ToDatetime(datetime.timezone.utc), old)
        self.assertGreater(first.revision, 0)
        self.assertEqual(first.name,
                         f"datasets/{dataset_id}/measurements/QUALITY_DIMENSION_JUISTHEID/{first.revision}")
        self.record(measurement(dataset_id, JUISTHEID, 92, recent))
        self.record(measurement(dataset_id, COMPLEETHEID, 85, latest))

        report = self.report(dataset_id)
        self.assertEqual(report.dataset, f"datasets/{dataset_id}")
        self.assertEqual([d.dimension for d in report.dimensions], [JUISTHEID, COMPLEETHEID])
        juist = self.dimension(report, JUISTHEID)
        self.assertEqual(juist.latest.score, 92)
        self.assertEqual((juist.has_norm, juist.norm, juist.meets_norm), (True, 95, False))
        self.assertFalse(juist.stale)
        self.assertAlmostEqual(juist.age_seconds, 10 * 86400, delta=120)
        compleet = self.dimension(report, COMPLEETHEID)
        self.assertEqual((compleet.latest.score, compleet.meets_norm), (85, True))
        self.assertAlmostEqual(report.overall_score, (92 + 85) / 2)
        self.assertEqual(list(report.below_norm), [JUISTHEID])
        self.assertEqual(list(report.stale), [])
        self.assertEqual(report.stale_after_days, 90)
        self.assertEqual(report.open_terugmeldingen, 0)

        # The trend: the mean of each calendar month (UTC), oldest first.
        months = {}
        for moment, score in ((old, 80), (recent, 92)):
            months.setdefault(moment.strftime("%Y-%m"), []).append(score)
        self.assertEqual([(t.month, t.mean, t.measurements) for t in juist.trend],
                         [(month, sum(s) / len(s), len(s)) for month, s in sorted(months.items())])

    def test_list_measurements(self):
        dataset_id = f"ql-list-{T.unique_suffix()}"
        self.create_dataset(dataset_id)
        for days, score in ((30, 70), (20, 75), (10, 80)):
            self.record(measurement(dataset_id, JUISTHEID, score, days_ago(days)))
        self.record(measurement(dataset_id, COMPLEETHEID, 50, days_ago(5)))

        request = pb.ListMeasurementsRequest(dataset=dataset_id, dimension=JUISTHEID, page_size=2)
        listed = T.list_pages(self.steward.ListMeasurements, request, "measurements")
        self.assertEqual([m.score for m in listed], [80, 75, 70], "newest first")
        ranged = self.steward.ListMeasurements(pb.ListMeasurementsRequest(
            dataset=dataset_id, dimension=JUISTHEID, **{"from": timestamp(days_ago(25))},
            to=timestamp(days_ago(15))), timeout=TIMEOUT)
        self.assertEqual([m.score for m in ranged.measurements], [75], "[from, to)")
        every = T.list_pages(self.reader.ListMeasurements,
                             pb.ListMeasurementsRequest(dataset=dataset_id), "measurements")
        self.assertEqual([(m.dimension, m.score) for m in every],
                         [(COMPLEETHEID, 50), (JUISTHEID, 80), (JUISTHEID, 75), (JUISTHEID, 70)],
                         "by dimension (the last dimension first), then newest first")

    def test_weakest_upstream(self):
        s = T.unique_suffix()
        bron, kern, rapport = f"ql-bron-{s}", f"ql-kern-{s}", f"ql-rapport-{s}"
        lineage = T.lineage_stub(self.channel("steward"))
        for dataset_id, score in ((bron, 60), (kern, 90), (rapport, 99)):
            self.create_dataset(dataset_id)
            self.record(measurement(dataset_id, JUISTHEID, score, days_ago(2)))
        for source, target in ((bron, kern), (kern, rapport)):
            lineage.CreateEdge(lineage_service_pb2.CreateEdgeRequest(edge=lineage_pb2.LineageEdge(
                source=source, target=f"datasets/{target}",
                relation=lineage_pb2.LINEAGE_RELATION_DERIVED)), timeout=TIMEOUT)
        juist = self.dimension(self.report(rapport, include_upstream=True), JUISTHEID)
        self.assertEqual((juist.weakest_upstream, juist.weakest_upstream_score),
                         (f"datasets/{bron}", 60))
        self.assertEqual(self.dimension(self.report(rapport), JUISTHEID).weakest_upstream, "",
                         "only when asked")

    def test_bulk_stream(self):
        dataset_id = f"ql-bulk-{T.unique_suffix()}"
        self.create_dataset(dataset_id)
        at = days_ago(3)
        batches = [
            pb.RecordMeasurementsRequest(validate_only=True, measurements=[
                measurement(dataset_id, JUISTHEID, 10, at)]),
            pb.RecordMeasurementsRequest(measurements=[
                measurement(dataset_id, JUISTHEID, 96, at),
                measurement(dataset_id, JUISTHEID, 180, at),
                measurement(f"ql-onbekend-{T.unique_suffix()}", JUISTHEID, 50, at),
                measurement(dataset_id, COMPLEETHEID, 70, at)]),
        ]
        responses = list(self.steward.RecordMeasurements(iter(batches), timeout=TIMEOUT))
        self.assertEqual([[r.code for r in response.results] for response in responses],
                         [[OK], [OK, INVALID, MISSING, OK]])
        self.assertIn("measurement.score", responses[1].results[1].message)
        self.assertEqual(responses[1].results[3].measurement.score, 70)
        scores = [m.score for m in T.list_pages(
            self.steward.ListMeasurements, pb.ListMeasurementsRequest(dataset=dataset_id),
            "measurements")]
        self.assertEqual(sorted(scores), [70, 96], "the validate_only batch recorded nothing")

        too_big = pb.RecordMeasurementsRequest(measurements=[
            measurement(dataset_id, JUISTHEID, 1, at)] * 1001)
        self.assert_code(grpc.StatusCode.RESOURCE_EXHAUSTED, lambda: list(
            self.steward.RecordMeasurements(iter([too_big]), timeout=TIMEOUT)))

    def test_errors(self):
        dataset_id = f"ql-err-{T.unique_suffix()}"
        self.create_dataset(dataset_id)
        at = days_ago(1)
        cases = [
            (measurement(dataset_id, JUISTHEID, 100.5, at), "measurement.score"),
            (measurement(dataset_id, dataset_pb2.QUALITY_DIMENSION_UNSPECIFIED, 50, at),
             "measurement.dimension"),
            (measurement(dataset_id, JUISTHEID, 50, days_ago(-1)), "measurement.measured_at"),
            (measurement("Geen Id", JUISTHEID, 50, at), "measurement.dataset"),
        ]
        for m, field in cases:
            with self.subTest(field=field):
                self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.record, m, detail=field)
        missing = f"ql-onbekend-{T.unique_suffix()}"
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.record,
                         measurement(missing, JUISTHEID, 50, at), detail=missing)
        self.assert_code(grpc.StatusCode.NOT_FOUND, self.report, missing)
        self.assert_code(grpc.StatusCode.PERMISSION_DENIED, self.record,
                         measurement(dataset_id, JUISTHEID, 50, at), self.reader)
        report = self.report(dataset_id)
        self.assertFalse(any(d.HasField("latest") for d in report.dimensions), "nothing recorded")
        self.assert_code(grpc.StatusCode.INVALID_ARGUMENT, self.steward.ListMeasurements,
                         pb.ListMeasurementsRequest(dataset=dataset_id, page_token="bogus"),
                         TIMEOUT)


if __name__ == "__main__":
    unittest.main(verbosity=2)
