"""Crash safety of the processing log: every acknowledged export survives
SIGKILL, and an export is stored whole or not at all.

Three cycles on one data directory. In each, catalogd is (re)started, then
8 exporter threads (4 over OTLP, 4 over logboek.v1, one mTLS channel each,
as the `application` principal) send batches of 64 operations, each batch
under its own trace id, and catalogd is killed with SIGKILL 0.4..1.4 s
after the exports started (random.Random with the seed printed below;
CATALOG_PROCESSING_CRASH_SEED overrides it).

After every restart, for every batch ever sent (GetTrace as `privacy`):
  * an acknowledged batch is there with all its 64 operations (span ids as
    sent, under the activity version it was sent for);
  * an unacknowledged batch has all 64 operations or none (one write per
    export), and a batch absent after one restart stays absent;
`catalogd check` must pass after every crash and after the final SIGTERM,
and the audit trail's hash chain must verify.
"""

import os
import random
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

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

SEED = T.crash_seed("CATALOG_PROCESSING_CRASH_SEED", 20261207)
CYCLES = 3
EXPORTERS = 8
BATCH = 64
KILL_AFTER = (0.4, 1.4)
RPC_TIMEOUT = 10.0
ACTIVITY = "processing-activities/parkeervergunning"
BSNS = ["999993653", "999990019", "999991772", "999992351"]


def trace_id(cycle, thread, batch):
    return bytes([0xC0, cycle, thread]) + batch.to_bytes(4, "big") + b"\x01" * 9


def span_id(i):
    return b"\x5a" + i.to_bytes(7, "big")


def logboek_request(trace, now_ns):
    ops = []
    for i in range(BATCH):
        start = timestamp_pb2.Timestamp()
        start.FromNanoseconds(now_ns - 1000000)
        end = timestamp_pb2.Timestamp()
        end.FromNanoseconds(now_ns)
        ops.append(logboek_pb2.ProcessingOperation(
            trace_id=trace, operation_id=span_id(i), name="Vergunning beoordelen",
            start_time=start, end_time=end,
            attributes=[logboek_pb2.Attribute(key="dpl.core.processing_activity_id",
                                              value=ACTIVITY),
                        logboek_pb2.Attribute(key="dpl.core.data_subject_id",
                                              value=BSNS[i % len(BSNS)]),
                        logboek_pb2.Attribute(key="dpl.core.data_subject_id_type",
                                              value="BSN")]))
    return logboek_pb2.ExportOperationsRequest(
        resource=logboek_pb2.Resource(name="parkeren", version="3"), operations=ops)


def otlp_request(trace, now_ns):
    def kv(key, value):
        return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))
    spans = [trace_pb2.Span(
        trace_id=trace, span_id=span_id(i), name="Vergunning beoordelen",
        start_time_unix_nano=now_ns - 1000000, end_time_unix_nano=now_ns,
        attributes=[kv("dpl.core.processing_activity_id", ACTIVITY),
                    kv("dpl.core.data_subject_id", BSNS[i % len(BSNS)]),
                    kv("dpl.core.data_subject_id_type", "BSN")]) for i in range(BATCH)]
    return trace_service_pb2.ExportTraceServiceRequest(resource_spans=[trace_pb2.ResourceSpans(
        resource={"attributes": [kv("service.name", "parkeren")]},
        scope_spans=[trace_pb2.ScopeSpans(spans=spans)])])


class ProcessingCrashTest(unittest.TestCase):

    def setUp(self):
        self.work = T.make_temp_dir("catalog-processing-crash-")
        self.server = T.CatalogServer(self.work, extra_args=T.subject_key_args(self.work))
        self.sent = {}       # trace id -> acknowledged (bool)
        self.absent = set()  # trace ids seen absent after a restart
        self.lock = threading.Lock()

    def tearDown(self):
        self.server.stop()
        T.remove_temp_dir(self.work)

    def register(self, port):
        channel = T.secure_channel(port, "steward")
        T.catalog_stub(channel).CreateDataset(pb.CreateDatasetRequest(
            dataset=T.make_dataset("parkeervergunningen")), timeout=RPC_TIMEOUT)
        start = timestamp_pb2.Timestamp()
        start.FromSeconds(int(time.time()) - 3600)
        ppb_grpc.ProcessingServiceStub(channel).CreateProcessingActivity(
            ppb.CreateProcessingActivityRequest(activity=ppb.ProcessingActivity(
                id="parkeervergunning", title="Parkeervergunning verlenen",
                purpose="Verlenen van parkeervergunningen (APV)",
                legal_basis=dataset_pb2.LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG,
                controller=dataset_pb2.Organisation(name="College van B&W",
                                                    oin="00000001001234567000"),
                governing_body=ppb.GOVERNING_BODY_COLLEGE_VAN_BW,
                data_subject_categories=["Aanvragers"], personal_data_categories=["Kenteken"],
                retention_period="P2Y", log_confidentiality=dataset_pb2.CONFIDENTIALITY_INTERN,
                datasets=["datasets/parkeervergunningen"], valid_from=start)),
            timeout=RPC_TIMEOUT)
        channel.close()

    def exporter(self, port, cycle, thread, stop):
        channel = T.secure_channel(port, "application")
        otlp = thread % 2 == 0
        stub = (trace_service_pb2_grpc.TraceServiceStub(channel) if otlp
                else logboek_pb2_grpc.LogboekServiceStub(channel))
        batch = 0
        try:
            while not stop.is_set():
                trace = trace_id(cycle, thread, batch)
                batch += 1
                now = time.time_ns()
                request = otlp_request(trace, now) if otlp else logboek_request(trace, now)
                with self.lock:
                    self.sent[trace] = False
                try:
                    response = stub.Export(request, timeout=RPC_TIMEOUT)
                except grpc.RpcError:
                    return  # The server went away.
                if otlp:
                    self.assertEqual(response.partial_success.rejected_spans, 0)
                with self.lock:
                    self.sent[trace] = True
        finally:
            channel.close()

    def verify(self, port):
        channel = T.secure_channel(port, "privacy")
        stub = apb_grpc.AccountabilityServiceStub(channel)
        acknowledged = partial = 0
        for trace, acked in sorted(self.sent.items()):
            try:
                found = stub.GetTrace(apb.GetTraceRequest(trace_id=trace.hex()),
                                      timeout=RPC_TIMEOUT)
                spans = sorted(o.span_id for o in found.operations)
            except grpc.RpcError as e:
                self.assertEqual(e.code(), grpc.StatusCode.NOT_FOUND, e.details())
                spans = []
            if acked:
                acknowledged += 1
                self.assertEqual(spans, [span_id(i) for i in range(BATCH)], trace.hex())
            elif spans:
                partial += 1
                self.assertEqual(len(spans), BATCH, f"{trace.hex()}: half an export")
                self.assertNotIn(trace, self.absent, f"{trace.hex()}: came back")
            else:
                self.absent.add(trace)
        auditor = T.secure_channel(port, "auditor")
        verification = T.verify_audit_trail(T.audit_stub(auditor))
        self.assertTrue(verification.intact, verification)
        auditor.close()
        channel.close()
        return acknowledged, partial

    def test_acknowledged_exports_survive_sigkill(self):
        rng = random.Random(SEED)
        print(f"seed {SEED}", file=sys.stderr)
        port = self.server.start()
        self.register(port)
        for cycle in range(CYCLES):
            stop = threading.Event()
            threads = [threading.Thread(target=self.exporter, args=(port, cycle, t, stop))
                       for t in range(EXPORTERS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(*KILL_AFTER))
            self.server.kill()
            stop.set()
            for t in threads:
                t.join(timeout=30)
            check = T.run_check(self.server.data_dir)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
            port = self.server.start()
            acknowledged, partial = self.verify(port)
            print(f"cycle {cycle}: {len(self.sent)} exports sent, {acknowledged} acknowledged "
                  f"and present, {partial} unacknowledged but whole, lost 0", file=sys.stderr)
            self.assertGreater(acknowledged, 0)
        self.server.stop()
        check = T.run_check(self.server.data_dir)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
