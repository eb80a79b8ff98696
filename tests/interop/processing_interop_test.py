"""Interoperability of the processing log: clients built from their own
copies of the protocols export to a real catalogd over mutual TLS.

The logboek.v1 client and the OTLP client use Python stubs generated from
tests/interop/protos (the reference implementation's logboek.proto as it
is, and the complete OTLP 1.11 trace messages with events, links, flags and
entity refs, which catalogd's own copies leave out), passed as argv[1]; the
register and the answers use catalogd's catalog.v1 stubs. catalogd runs
from the built binary with a subject key outside its data directory.

Checked:
  * a logboek.v1 export in the reference client's style (one operation per
    call, the Go library's misspelled dpl.core.procsssing_activity_id, a
    foreign operation) and an OTLP export (resource service.name, events and
    links, flags, an int-valued attribute elsewhere) are stored;
  * they are found by subject (GetSubjectAccount), by activity
    (ListActivityOperations) and by trace (GetTrace, with the foreign
    operation), as written in this test;
  * an OTLP span without a subject is rejected through partial_success
    while the others are stored; logboek.v1 refuses a bad request whole;
  * no file of the data directory and no catalogd log holds the plain BSN,
    and the audit trail names the subject only by its keyed hash.

Run: python3 processing_interop_test.py INTEROP_STUB_DIR (through ctest).
"""

import os
import re
import sys
import time
import unittest

INTEROP_DIR = sys.argv.pop(1) if len(sys.argv) > 1 else os.environ.get("CATALOG_INTEROP_PY", "")
# The test's own wire stubs first: they, not catalogd's copies, are imported
# for logboek.v1 and opentelemetry.
sys.path.insert(0, INTEROP_DIR)
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402
from google.protobuf import timestamp_pb2  # noqa: E402

from catalog.v1 import accountability_service_pb2 as apb  # noqa: E402
from catalog.v1 import accountability_service_pb2_grpc as apb_grpc  # noqa: E402
from catalog.v1 import catalog_service_pb2 as pb  # noqa: E402
from catalog.v1 import dataset_pb2  # noqa: E402
from catalog.v1 import processing_service_pb2 as ppb  # noqa: E402
from catalog.v1 import processing_service_pb2_grpc as ppb_grpc  # noqa: E402
from logboek.v1 import logboek_pb2  # noqa: E402
from logboek.v1 import logboek_pb2_grpc  # noqa: E402
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2  # noqa: E402
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc  # noqa: E402
from opentelemetry.proto.common.v1 import common_pb2  # noqa: E402
from opentelemetry.proto.trace.v1 import trace_pb2  # noqa: E402

BSN = "999991772"
OTHER_BSN = "999992351"
ACTIVITY = "processing-activities/woz-beschikking"
RPC_TIMEOUT = 10.0


def timestamp(seconds_ago):
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(time.time_ns() - int(seconds_ago * 1e9))
    return ts


def kv(key, value):
    if isinstance(value, int):
        return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(int_value=value))
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))


def span(trace, span_id, bsn, seconds_ago, with_subject=True):
    start = time.time_ns() - int(seconds_ago * 1e9)
    attributes = [kv("dpl.core.processing_activity_id", ACTIVITY),
                  kv("dpl.core.data_subject_id_type", "BSN"),
                  kv("app.request_size", 512)]
    if with_subject:
        attributes.append(kv("dpl.core.data_subject_id", bsn))
    return trace_pb2.Span(
        trace_id=trace, span_id=span_id, name="WOZ-waarde vaststellen",
        kind=trace_pb2.Span.SPAN_KIND_SERVER, flags=0x301,
        start_time_unix_nano=start, end_time_unix_nano=start + 1500000,
        attributes=attributes,
        events=[trace_pb2.Span.Event(time_unix_nano=start + 1000, name="taxatie geladen")],
        links=[trace_pb2.Span.Link(trace_id=b"\x09" * 16, span_id=b"\x08" * 8)],
        status=trace_pb2.Status(code=trace_pb2.Status.STATUS_CODE_OK, message="klaar"))


class ProcessingInteropTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = T.make_temp_dir("catalog-interop-")
        cls.server = T.CatalogServer(cls.work, extra_args=T.subject_key_args(cls.work))
        port = cls.server.start()
        cls.channels = {p: T.secure_channel(port, p)
                        for p in ("steward", "application", "privacy", "auditor")}
        steward = cls.channels["steward"]
        T.catalog_stub(steward).CreateDataset(pb.CreateDatasetRequest(
            dataset=T.make_dataset("woz-objecten", title="WOZ-objecten en waarden")),
            timeout=RPC_TIMEOUT)
        activity = ppb.ProcessingActivity(
            id="woz-beschikking", title="WOZ-beschikking",
            purpose="Vaststellen van de WOZ-waarde (Wet WOZ)",
            legal_basis=dataset_pb2.LEGAL_BASIS_WETTELIJKE_VERPLICHTING,
            controller=dataset_pb2.Organisation(name="Heffingsambtenaar Voorbeeldstad",
                                                oin="00000001001234567000"),
            governing_body=ppb.GOVERNING_BODY_HEFFINGSAMBTENAAR,
            data_subject_categories=["Eigenaren", "Gebruikers"],
            personal_data_categories=["NAW-gegevens", "WOZ-waarde"],
            retention_period="P7Y",
            log_confidentiality=dataset_pb2.CONFIDENTIALITY_VERTROUWELIJK,
            datasets=["datasets/woz-objecten"], valid_from=timestamp(86400))
        ppb_grpc.ProcessingServiceStub(steward).CreateProcessingActivity(
            ppb.CreateProcessingActivityRequest(activity=activity), timeout=RPC_TIMEOUT)
        cls.logboek = logboek_pb2_grpc.LogboekServiceStub(cls.channels["application"])
        cls.otlp = trace_service_pb2_grpc.TraceServiceStub(cls.channels["application"])
        cls.accountability = apb_grpc.AccountabilityServiceStub(cls.channels["privacy"])
        cls.export_all()

    @classmethod
    def export_all(cls):
        # The reference Go client: one operation per call, its key spelling,
        # a foreign parent.
        for i, bsn in enumerate([BSN, OTHER_BSN]):
            op = logboek_pb2.ProcessingOperation(
                trace_id=b"\x11" * 16, operation_id=bytes([0x21 + i]) * 8,
                name="Bezwaar WOZ behandelen", start_time=timestamp(600 - i),
                end_time=timestamp(599 - i),
                status_code=logboek_pb2.ProcessingOperation.STATUS_CODE_OK,
                foreign_operation=logboek_pb2.ProcessingOperation.ForeignProcessingOperation(
                    trace_id=b"\x31" * 16, operation_id=b"\x32" * 8,
                    entity="https://belastingsamenwerking.example.nl/bezwaar"),
                attributes=[logboek_pb2.Attribute(key="dpl.core.procsssing_activity_id",
                                                  value=ACTIVITY),
                            logboek_pb2.Attribute(key="dpl.core.data_subject_id", value=bsn),
                            logboek_pb2.Attribute(key="dpl.core.data_subject_id_type",
                                                  value="BSN")])
            cls.logboek.Export(logboek_pb2.ExportOperationsRequest(
                resource=logboek_pb2.Resource(name="bezwaar-app", version="1.0.3"),
                operations=[op]), timeout=RPC_TIMEOUT)
        request = trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
            trace_pb2.ResourceSpans(
                resource={"attributes": [kv("service.name", "woz-taxatie"),
                                         kv("service.version", "2026.11")],
                          "entity_refs": [{"type": "service", "id_keys": ["service.name"]}]},
                scope_spans=[trace_pb2.ScopeSpans(
                    scope=common_pb2.InstrumentationScope(name="io.opentelemetry.test"),
                    spans=[span(b"\x41" * 16, b"\x51" * 8, BSN, 300),
                           span(b"\x41" * 16, b"\x52" * 8, BSN, 200, with_subject=False),
                           span(b"\x41" * 16, b"\x53" * 8, BSN, 100)])])])
        cls.otlp_response = cls.otlp.Export(request, timeout=RPC_TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        for channel in cls.channels.values():
            channel.close()
        cls.server.stop()
        T.remove_temp_dir(cls.work)

    def subject(self, bsn):
        return self.accountability.GetSubjectAccount(apb.GetSubjectAccountRequest(
            data_subject_id=bsn, data_subject_id_type="BSN"), timeout=RPC_TIMEOUT)

    def test_the_clients_are_the_tests_own(self):
        for module in (logboek_pb2, trace_service_pb2, trace_pb2, common_pb2):
            self.assertTrue(os.path.abspath(module.__file__).startswith(
                os.path.abspath(INTEROP_DIR)), module.__file__)
        self.assertIn("events", trace_pb2.Span.DESCRIPTOR.fields_by_name,
                      "the complete OTLP messages, not catalogd's reduced copy")

    def test_otlp_partial_success_names_the_rejected_span(self):
        partial = self.otlp_response.partial_success
        self.assertEqual(partial.rejected_spans, 1)
        self.assertIn("resource_spans[0].scope_spans[0].spans[1]."
                      "attributes[dpl.core.data_subject_id]: required", partial.error_message)

    def test_found_by_subject_with_the_register_joined(self):
        account = self.subject(BSN)
        self.assertEqual(len(account.activities), 1)
        woz = account.activities[0]
        self.assertEqual(woz.activity.version_name, ACTIVITY + "/versions/1")
        self.assertEqual(woz.activity.purpose, "Vaststellen van de WOZ-waarde (Wet WOZ)")
        self.assertEqual([d.dataset for d in woz.datasets], ["datasets/woz-objecten"])
        self.assertEqual(
            [(o.application, o.application_version, o.span_id.hex()) for o in woz.operations],
            [("bezwaar-app", "1.0.3", "21" * 8), ("woz-taxatie", "2026.11", "51" * 8),
             ("woz-taxatie", "2026.11", "53" * 8)])
        self.assertEqual(self.subject(OTHER_BSN).operation_count, 1)

    def test_found_by_activity_and_by_trace(self):
        operations = self.accountability.ListActivityOperations(
            apb.ListActivityOperationsRequest(activity=ACTIVITY), timeout=RPC_TIMEOUT)
        self.assertEqual([o.span_id.hex()[:2] for o in operations.operations],
                         ["21", "22", "51", "53"])
        trace = self.accountability.GetTrace(apb.GetTraceRequest(trace_id="11" * 16),
                                             timeout=RPC_TIMEOUT)
        self.assertEqual(len(trace.operations), 2)
        self.assertEqual(len(trace.foreign_operations), 1)
        foreign = trace.foreign_operations[0]
        self.assertEqual((foreign.trace_id.hex(), foreign.span_id.hex(), foreign.processor),
                         ("31" * 16, "32" * 8, "https://belastingsamenwerking.example.nl/bezwaar"))

    def test_logboek_refuses_a_bad_request_whole(self):
        good = logboek_pb2.ProcessingOperation(
            trace_id=b"\x61" * 16, operation_id=b"\x62" * 8, name="ok",
            start_time=timestamp(10), end_time=timestamp(9),
            attributes=[logboek_pb2.Attribute(key="dpl.core.processing_activity_id",
                                              value=ACTIVITY),
                        logboek_pb2.Attribute(key="dpl.core.data_subject_id", value=BSN),
                        logboek_pb2.Attribute(key="dpl.core.data_subject_id_type", value="BSN")])
        bad = logboek_pb2.ProcessingOperation()
        bad.CopyFrom(good)
        bad.operation_id = b"\x63" * 8
        bad.ClearField("end_time")
        with self.assertRaises(grpc.RpcError) as caught:
            self.logboek.Export(logboek_pb2.ExportOperationsRequest(
                resource=logboek_pb2.Resource(name="x"), operations=[good, bad]),
                timeout=RPC_TIMEOUT)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("operations[1].end_time: required", caught.exception.details())
        trace = None
        try:
            trace = self.accountability.GetTrace(apb.GetTraceRequest(trace_id="61" * 16),
                                                 timeout=RPC_TIMEOUT)
        except grpc.RpcError as e:
            self.assertEqual(e.code(), grpc.StatusCode.NOT_FOUND)
        self.assertIsNone(trace, "nothing of the refused request is stored")

    def test_plain_subject_id_is_nowhere_on_disk_or_in_the_logs(self):
        self.subject(BSN)
        events = T.list_audit_events(T.audit_stub(self.channels["auditor"]),
                                     method="GetSubjectAccount")
        subjects = {r for e in events for r in e.resources if r.startswith("data-subjects/")}
        self.assertTrue(subjects)
        for name in subjects:
            self.assertRegex(name, r"^data-subjects/[0-9a-f]{64}$")
        for event in events:
            self.assertNotIn(BSN.encode(), event.SerializeToString())
        scanned = 0
        for root, _, files in os.walk(self.work):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    content = f.read()
                scanned += 1
                for bsn in (BSN, OTHER_BSN):
                    self.assertNotIn(bsn.encode(), content, os.path.join(root, name))
        self.assertGreater(scanned, 5)


if __name__ == "__main__":
    unittest.main(verbosity=2)
