"""End to end: catalogctl processing subject|trace|operations|purge and
catalogctl deliveries against a real catalogd that keeps a processing log.

catalogd runs with a subject key (cli_e2e_test.CliTestCase with
processing_log). The steward registers datasets, parties, DELIVERY edges
and processing activities with catalogctl; the `application` principal
exports operations over OTLP (TraceService/Export) and logboek.v1
(LogboekService/Export) with the stubs generated into build/python; then
the privacy officer (`privacy`) asks. Each command's table and JSON output
is checked against values written here, the inzage letter (--html) for its
content and for holding no plain BSN, and the error paths for their exit
codes.

The module's functions (export_otlp, span, ...) and LandscapeTestCase are
shared with tests/browser/inzage_browser_test.py.

Run: python3 accountability_cli_e2e_test.py (through ctest, see
tests/CMakeLists.txt).
"""
import calendar
import datetime
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalog_testlib as T  # noqa: E402
import cli_e2e_test as E  # noqa: E402

from logboek.v1 import logboek_pb2, logboek_pb2_grpc  # noqa: E402
from opentelemetry.proto.collector.trace.v1 import (  # noqa: E402
    trace_service_pb2, trace_service_pb2_grpc)
from opentelemetry.proto.common.v1 import common_pb2  # noqa: E402
from opentelemetry.proto.resource.v1 import resource_pb2  # noqa: E402
from opentelemetry.proto.trace.v1 import trace_pb2  # noqa: E402

EXIT_FAILED_PRECONDITION = 9

# Valid test BSNs (they pass the elfproef).
BSN_RESIDENT = "999993653"
BSN_NEIGHBOUR = "999990019"
BSN_PURGED = "999991772"
BSN_NOTHING = "999992351"

VALID_FROM = "2026-01-01T00:00:00Z"
CONTROLLER = "College van B&W van Voorbeeldstad"


# ---- Exporting operations (the `application` principal) ----

def nanos(text):
    """An RFC 3339 UTC time ("2026-03-02T09:15:00Z") as Unix nanoseconds."""
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    return calendar.timegm(moment.timetuple()) * 1_000_000_000


def timestamp(text):
    from google.protobuf import timestamp_pb2
    value = timestamp_pb2.Timestamp()
    value.FromNanoseconds(nanos(text))
    return value


def dpl_attributes(activity, bsn):
    return {"dpl.core.processing_activity_id": f"processing-activities/{activity}",
            "dpl.core.data_subject_id": bsn, "dpl.core.data_subject_id_type": "BSN"}


def span(trace_id, span_id, name, start, activity, bsn, parent=b"", error=False, extra=None):
    """An OTLP span of one second from `start` with the dpl.core attributes
    and the `extra` ones (a dict)."""
    attributes = dict(dpl_attributes(activity, bsn), **(extra or {}))
    code = trace_pb2.Status.STATUS_CODE_ERROR if error else trace_pb2.Status.STATUS_CODE_OK
    return trace_pb2.Span(
        trace_id=trace_id, span_id=span_id, parent_span_id=parent, name=name,
        start_time_unix_nano=nanos(start), end_time_unix_nano=nanos(start) + 1_000_000_000,
        status=trace_pb2.Status(code=code),
        attributes=[common_pb2.KeyValue(key=k, value=common_pb2.AnyValue(string_value=v))
                    for k, v in attributes.items()])


def export_otlp(port, service, version, spans):
    """TraceService/Export as the application; every span must be taken."""
    resource = resource_pb2.Resource(attributes=[
        common_pb2.KeyValue(key="service.name", value=common_pb2.AnyValue(string_value=service)),
        common_pb2.KeyValue(key="service.version",
                            value=common_pb2.AnyValue(string_value=version))])
    request = trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
        trace_pb2.ResourceSpans(resource=resource,
                                scope_spans=[trace_pb2.ScopeSpans(spans=spans)])])
    with T.secure_channel(port, "application") as channel:
        response = trace_service_pb2_grpc.TraceServiceStub(channel).Export(
            request, timeout=T.RPC_TIMEOUT)
    if response.partial_success.rejected_spans:
        raise AssertionError(f"spans rejected: {response.partial_success.error_message}")


def logboek_operation(trace_id, operation_id, name, start, activity, bsn, foreign=None):
    return logboek_pb2.ProcessingOperation(
        trace_id=trace_id, operation_id=operation_id, name=name,
        start_time=timestamp(start), end_time=timestamp(start),
        status_code=logboek_pb2.ProcessingOperation.STATUS_CODE_OK, foreign_operation=foreign,
        attributes=[logboek_pb2.Attribute(key=k, value=v)
                    for k, v in dpl_attributes(activity, bsn).items()])


def export_logboek(port, application, version, operations):
    """logboek.v1.LogboekService/Export as the application."""
    request = logboek_pb2.ExportOperationsRequest(
        resource=logboek_pb2.Resource(name=application, version=version), operations=operations)
    with T.secure_channel(port, "application") as channel:
        logboek_pb2_grpc.LogboekServiceStub(channel).Export(request, timeout=T.RPC_TIMEOUT)


# ---- The register ----

def activity_json(activity_id, title, dataset, **fields):
    """A ProcessingActivity in force since VALID_FROM using `dataset`."""
    a = {"id": activity_id, "title": title, "purpose": f"Doel van {title.lower()}",
         "legalBasis": "LEGAL_BASIS_ALGEMEEN_BELANG_OPENBAAR_GEZAG",
         "controller": {"name": CONTROLLER}, "governingBody": "GOVERNING_BODY_COLLEGE_VAN_BW",
         "dataSubjectCategories": ["Inwoners"], "personalDataCategories": ["NAW-gegevens"],
         "retentionPeriod": "P2Y", "logConfidentiality": "CONFIDENTIALITY_ZAAKVERTROUWELIJK",
         "datasets": [f"datasets/{dataset}"], "validFrom": VALID_FROM}
    a.update(fields)
    return a


def personal_dataset(dataset_id, title, fields):
    """Dataset fields of a dataset with personal data and schema `fields`
    (names), each marked as personal data."""
    return dict(title=title, personalData={
        "containsPersonalData": True, "legalBasis": "LEGAL_BASIS_WETTELIJKE_VERPLICHTING",
        "purposes": [title]},
        schemaFields=[{"name": f, "type": "string", "personalData": True} for f in fields])


def table_rows(text, header_start):
    """The rows (cells split on two or more spaces) of the table in `text`
    whose header line starts with `header_start`, up to the first line
    that is not indented like it."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(header_start):
            indent = len(line) - len(line.lstrip())
            rows = []
            for row in lines[i + 1:]:
                if not row.strip() or len(row) - len(row.lstrip()) != indent:
                    break
                rows.append(re.split(r"\s{2,}", row.strip()))
            return rows
    raise AssertionError(f"no table starting {header_start!r} in:\n{text}")


def key_values(text):
    """The "key: value" lines of `text` (indented or not), as a dict."""
    pairs = {}
    for line in text.splitlines():
        match = re.match(r"^\s*([a-z][a-z ]*):\s+(\S.*)$", line)
        if match:
            pairs.setdefault(match.group(1), match.group(2))
    return pairs


class Landscape:
    """The register and the log of one test class: names by role."""

    def __init__(self, suffix):
        self.parkeren = f"acc-parkeren-{suffix}"
        self.brp = f"acc-brp-{suffix}"
        self.rdw = f"acc-rdw-{suffix}"
        self.cbs = f"acc-cbs-{suffix}"
        self.parkeervergunning = f"acc-parkeervergunning-{suffix}"
        self.verhuizing = f"acc-verhuizing-{suffix}"
        self.kort = f"acc-kort-{suffix}"
        self.trace_aanvraag = bytes.fromhex("4bf92f3577b34da6a3ce929d0e0e4736")
        self.trace_buren = bytes.fromhex("00f067aa0ba902b700f067aa0ba902b7")
        self.trace_verhuizing = bytes.fromhex("5b8efff798038103d269b633813fc60c")
        self.trace_kort = bytes.fromhex("a3ce929d0e0e47364bf92f3577b34da6")


def build_landscape(case, suffix):
    """Registers (as the steward, with catalogctl) two datasets, two parties,
    two deliveries and three activities, and exports five operations (as
    the application). Returns the Landscape."""
    L = Landscape(suffix)
    case.create_dataset(L.parkeren, **personal_dataset(
        L.parkeren, "Parkeervergunningen", ["bsn", "kenteken"]))
    case.create_dataset(L.brp, title="Verhuismeldingen")
    case.run_ok("party", "create", "--id", L.rdw, "--name", "RDW e2e", "--kind", "overheid")
    case.run_ok("party", "create", "--id", L.cbs, "--name", "CBS e2e", "--kind", "cbs")
    case.run_ok("lineage", "add", L.parkeren, f"parties/{L.rdw}", "--relation", "delivery",
                "--purpose", "Controle kentekens", "--legal-basis", "wettelijke_verplichting")
    case.run_ok("lineage", "add", L.brp, f"parties/{L.cbs}", "--relation", "delivery",
                "--purpose", "Statistiek", "--legal-basis", "wettelijke_verplichting")
    case.run_ok("processing", "activity", "add", "-f", case.write_json(
        "parkeervergunning.json", activity_json(
            L.parkeervergunning, "Verlenen van parkeervergunningen", L.parkeren,
            legalBasisExplanation="Parkeerverordening art. 2",
            personalDataCategories=["NAW-gegevens", "kenteken"],
            recipientParties=[f"parties/{L.rdw}"], recipientCategories=["Handhavers parkeren"],
            dataProtectionOfficer={"name": "FG Voorbeeldstad",
                                   "email": "fg@voorbeeldstad.example"})))
    case.run_ok("processing", "activity", "add", "-f", case.write_json(
        "verhuizing.json", activity_json(
            L.verhuizing, "Verwerken van verhuizingen", L.brp,
            legalBasis="LEGAL_BASIS_WETTELIJKE_VERPLICHTING",
            legalBasisExplanation="Wet BRP art. 2.39", retentionPeriod="P7Y")))
    case.run_ok("processing", "activity", "add", "-f", case.write_json(
        "kort.json", activity_json(L.kort, "Kort bewaarde controle", L.brp,
                                   retentionPeriod="P1D")))
    port = case.server.port
    export_otlp(port, "parkeer-app", "2.1", [
        span(L.trace_aanvraag, bytes.fromhex("00f067aa0ba902b7"),
             "Aanvraag parkeervergunning ontvangen", "2026-03-02T09:15:00Z",
             L.parkeervergunning, BSN_RESIDENT),
        span(L.trace_aanvraag, bytes.fromhex("53995c3f42cd8ad8"), "Kenteken gecontroleerd",
             "2026-03-02T09:16:00Z", L.parkeervergunning, BSN_RESIDENT,
             parent=bytes.fromhex("00f067aa0ba902b7"), error=True,
             extra={"dpl.core.foreign_operation.processor": "https://rdw.example/kentekens",
                    "dpl.core.foreign_operation.span_id": "0102030405060708"}),
        span(L.trace_buren, bytes.fromhex("1111111111111111"),
             "Aanvraag parkeervergunning ontvangen", "2026-03-03T10:00:00Z",
             L.parkeervergunning, BSN_NEIGHBOUR),
        span(L.trace_kort, bytes.fromhex("2222222222222222"), "Controle uitgevoerd",
             "2026-02-01T08:00:00Z", L.kort, BSN_PURGED),
    ])
    export_logboek(port, "verhuis-app", "1.0", [
        logboek_operation(L.trace_verhuizing, bytes.fromhex("3333333333333333"),
                          "Verhuizing verwerkt", "2026-04-10T13:45:00Z", L.verhuizing,
                          BSN_RESIDENT,
                          foreign=logboek_pb2.ProcessingOperation.ForeignProcessingOperation(
                              trace_id=bytes.fromhex("0af7651916cd43dd8448eb211c80319c"),
                              operation_id=bytes.fromhex("b7ad6b7169203331"),
                              entity="https://belastingdienst.example/verwerkingen"))])
    return L


class LandscapeTestCase(E.CliTestCase):
    """A catalogd with a processing log and the landscape of
    build_landscape (self.L) for the class."""

    processing_log = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A case outside any test (unittest allows the default method name)
        # runs the CliTestCase helpers.
        cls.L = build_landscape(cls(), T.unique_suffix())


class AccountabilityCommandsTest(LandscapeTestCase):

    def privacy_json(self, *args):
        return self.run_json(*args, principal="privacy")

    def privacy(self, *args):
        return self.run_ok(*args, principal="privacy")

    # ---- processing subject ----

    def test_subject_id_from_standard_input_stays_off_the_command_line(self):
        from_stdin = self.run_ok("processing", "subject", "--id-type", "BSN", "--id", "-",
                                 principal="privacy", stdin_text=BSN_RESIDENT + "\n")
        self.assertEqual(from_stdin, self.privacy("processing", "subject", "--id-type", "BSN",
                                                  "--id", BSN_RESIDENT))
        self.run_fails(64, "processing", "subject", "--id-type", "BSN", "--id", "-",
                       principal="privacy", stdin_text="")

    def test_subject_table_groups_operations_by_activity(self):
        L = self.L
        out = self.privacy("processing", "subject", "--id-type", "BSN", "--id", BSN_RESIDENT)
        self.assertNotIn(BSN_RESIDENT, out)
        first = out.splitlines()[0]
        self.assertEqual(first, "Data subject BSN ******653, all logged operations: "
                                "3 operations in 2 activities")
        parkeren, verhuizing = out.split(f"processing-activities/{L.verhuizing} (version 1):")
        self.assertIn(f"processing-activities/{L.parkeervergunning} (version 1):", parkeren)
        facts = key_values(parkeren)
        self.assertEqual(facts["title"], "Verlenen van parkeervergunningen")
        self.assertEqual(facts["purpose"], "Doel van verlenen van parkeervergunningen")
        self.assertEqual(facts["legal basis"],
                         "algemeen_belang_openbaar_gezag (Parkeerverordening art. 2)")
        self.assertEqual(facts["controller"], CONTROLLER)
        self.assertEqual(facts["retention"], "P2Y")
        self.assertEqual(facts["datasets"],
                         f"datasets/{L.parkeren} (Parkeervergunningen; personal: bsn, kenteken)")
        self.assertEqual(table_rows(parkeren, "RECIPIENT"), [
            ["RDW e2e", f"parties/{L.rdw}", "register", "-", "-", "-"],
            ["Handhavers parkeren", "-", "register", "-", "-", "-"],
            ["RDW e2e", f"parties/{L.rdw}", "delivery", f"datasets/{L.parkeren}",
             "Controle kentekens", "wettelijke_verplichting"]])
        self.assertEqual(table_rows(parkeren, "TIME"), [
            ["2026-03-02T09:15:00Z", "parkeer-app 2.1", "Aanvraag parkeervergunning ontvangen",
             "ok", L.trace_aanvraag.hex()],
            ["2026-03-02T09:16:00Z", "parkeer-app 2.1", "Kenteken gecontroleerd", "error",
             L.trace_aanvraag.hex()]])
        facts = key_values(verhuizing)
        self.assertEqual(facts["title"], "Verwerken van verhuizingen")
        self.assertEqual(facts["legal basis"], "wettelijke_verplichting (Wet BRP art. 2.39)")
        self.assertEqual(facts["retention"], "P7Y")
        self.assertEqual(facts["datasets"], f"datasets/{L.brp} (Verhuismeldingen)")
        self.assertEqual(table_rows(verhuizing, "TIME"), [
            ["2026-04-10T13:45:00Z", "verhuis-app 1.0", "Verhuizing verwerkt", "ok",
             L.trace_verhuizing.hex()]])

    def test_subject_json_merges_every_page(self):
        L = self.L
        account = self.privacy_json("processing", "subject", "--id-type", "bsn",
                                    "--id", BSN_RESIDENT)
        self.assertEqual(account["operationCount"], 3)
        self.assertEqual(account["nextPageToken"], "")
        self.assertNotIn("hiddenOperations", account)
        self.assertNotIn(BSN_RESIDENT, json.dumps(account))
        self.assertEqual([a["activity"]["name"] for a in account["activities"]],
                         [f"processing-activities/{L.parkeervergunning}",
                          f"processing-activities/{L.verhuizing}"])
        parkeren = account["activities"][0]
        self.assertEqual([op["name"] for op in parkeren["operations"]],
                         ["Aanvraag parkeervergunning ontvangen", "Kenteken gecontroleerd"])
        op = parkeren["operations"][1]
        self.assertEqual(op["status"], "OPERATION_STATUS_ERROR")
        self.assertEqual(op["activity"], f"processing-activities/{L.parkeervergunning}/versions/1")
        self.assertEqual(op["dataSubjectIdType"], "BSN")
        self.assertEqual(op["application"], "parkeer-app")
        self.assertEqual(op["exporter"], "application")
        self.assertEqual(op["startTime"], "2026-03-02T09:16:00Z")
        self.assertNotIn("dataSubjectHash", op)
        self.assertEqual(parkeren["datasets"], [{"dataset": f"datasets/{L.parkeren}",
                                                 "title": "Parkeervergunningen",
                                                 "personalFields": ["bsn", "kenteken"]}])
        self.assertEqual(parkeren["recipients"], [
            {"party": f"parties/{L.rdw}", "title": "RDW e2e", "source": "SOURCE_REGISTER"},
            {"title": "Handhavers parkeren", "source": "SOURCE_REGISTER"},
            {"party": f"parties/{L.rdw}", "title": "RDW e2e", "source": "SOURCE_DELIVERY",
             "dataset": f"datasets/{L.parkeren}", "purpose": "Controle kentekens",
             "legalBasis": "LEGAL_BASIS_WETTELIJKE_VERPLICHTING"}])
        # One operation per page: the same account once merged.
        paged = self.privacy_json("processing", "subject", "--id-type", "BSN", "--id",
                                  BSN_RESIDENT, "--page-size", "1")
        self.assertEqual(paged, account)

    def test_subject_period(self):
        L = self.L
        april = self.privacy_json("processing", "subject", "--id-type", "BSN", "--id",
                                  BSN_RESIDENT, "--since", "2026-04-01")
        self.assertEqual(april["operationCount"], 1)
        self.assertEqual([a["activity"]["id"] for a in april["activities"]], [L.verhuizing])
        march = self.privacy("processing", "subject", "--id-type", "BSN", "--id", BSN_RESIDENT,
                             "--since", "2026-03-01", "--until", "2026-03-02T09:16:00Z")
        self.assertTrue(march.startswith(
            "Data subject BSN ******653, 2026-03-01T00:00:00Z to 2026-03-02T09:16:00Z: "
            "1 operation in 1 activity\n"), march)
        none = self.privacy("processing", "subject", "--id-type", "BSN", "--id", BSN_NOTHING)
        self.assertEqual(none, "Data subject BSN ******351, all logged operations: "
                               "0 operations in 0 activities\n")

    def test_subject_letter(self):
        L = self.L
        page = os.path.join(self.work_dir, "inzage.html")
        out = self.privacy("processing", "subject", "--id-type", "BSN", "--id", BSN_RESIDENT,
                           "--since", "2026-01-01", "--until", "2027-01-01", "--html", page)
        self.assertIn(f"HTML overview written to {page}", out)
        with open(page, encoding="utf-8") as f:
            html = f.read()
        self.assertNotIn(BSN_RESIDENT, html)
        self.assertEqual(html.count("******653"), 1, "the letter names the subject once")
        for external in ("http://", "https://", "src=", "href=", "<script"):
            self.assertNotIn(external, html)
        self.assertIn("Content-Security-Policy", html)
        self.assertIn("<h1>Overzicht van de verwerking van uw persoonsgegevens</h1>", html)
        self.assertIn('<td data-field="subject">Burgerservicenummer ******653</td>', html)
        self.assertIn('<td data-field="period">van 1 januari 2026 tot 1 januari 2027</td>', html)
        self.assertIn("College van B&amp;W van Voorbeeldstad", html)
        self.assertIn(f'data-activity="processing-activities/{L.parkeervergunning}"', html)
        self.assertIn("<h2>Verlenen van parkeervergunningen</h2>", html)
        self.assertIn("<dt>Bewaartermijn</dt><dd>2 jaar</dd>", html)
        self.assertIn("<dt>Bewaartermijn</dt><dd>7 jaar</dd>", html)
        self.assertIn("Wettelijke verplichting (artikel 6, lid 1, onder c AVG)", html)
        self.assertIn("RDW e2e <span class=\"sub\">(verstrekking uit Parkeervergunningen; "
                      "doel: Controle kentekens; grondslag: Wettelijke verplichting", html)
        self.assertIn("Handhavers parkeren", html)
        # Times in Dutch time: 09:15 UTC is 10:15 in March (CET).
        self.assertIn('<td class="time">02-03-2026 10:15</td><td>Aanvraag parkeervergunning '
                      'ontvangen</td><td>parkeer-app</td>', html)
        self.assertIn('<td class="time">10-04-2026 15:45</td>', html)  # CEST
        self.assertEqual(html.count("<tr data-operation>"), 3)
        self.assertIn("FG Voorbeeldstad (fg@voorbeeldstad.example)", html)

    # ---- processing trace, operations ----

    def test_trace(self):
        L = self.L
        trace_id = L.trace_aanvraag.hex()
        out = self.privacy("processing", "trace", trace_id.upper())
        self.assertTrue(out.startswith(f"Trace {trace_id}: 2 operations\n"), out)
        self.assertEqual(table_rows(out, "TIME"), [
            ["2026-03-02T09:15:00Z", "00f067aa0ba902b7", "-",
             f"processing-activities/{L.parkeervergunning}/versions/1", "parkeer-app 2.1",
             "Aanvraag parkeervergunning ontvangen", "ok"],
            ["2026-03-02T09:16:00Z", "53995c3f42cd8ad8", "00f067aa0ba902b7",
             f"processing-activities/{L.parkeervergunning}/versions/1", "parkeer-app 2.1",
             "Kenteken gecontroleerd", "error"]])
        self.assertEqual(table_rows(out, "PROCESSOR"),
                         [["https://rdw.example/kentekens", "-", "0102030405060708"]])
        trace = self.privacy_json("processing", "trace", trace_id)
        self.assertEqual(trace["traceId"], trace_id)
        self.assertEqual(len(trace["operations"]), 2)
        self.assertEqual(trace["foreignOperations"],
                         [{"spanId": "AQIDBAUGBwg=", "processor": "https://rdw.example/kentekens"}])
        logboek = self.privacy_json("processing", "trace", L.trace_verhuizing.hex())
        self.assertEqual(logboek["foreignOperations"][0]["processor"],
                         "https://belastingdienst.example/verwerkingen")

    def test_activity_operations(self):
        L = self.L
        out = self.privacy("processing", "operations", L.parkeervergunning)
        self.assertEqual([row[:3] + row[4:] for row in table_rows(out, "TIME")], [
            ["2026-03-02T09:15:00Z", f"processing-activities/{L.parkeervergunning}/versions/1",
             "parkeer-app 2.1", "ok", "BSN", L.trace_aanvraag.hex()],
            ["2026-03-02T09:16:00Z", f"processing-activities/{L.parkeervergunning}/versions/1",
             "parkeer-app 2.1", "error", "BSN", L.trace_aanvraag.hex()],
            ["2026-03-03T10:00:00Z", f"processing-activities/{L.parkeervergunning}/versions/1",
             "parkeer-app 2.1", "ok", "BSN", L.trace_buren.hex()]])
        listed = self.privacy_json("processing", "operations",
                                   f"processing-activities/{L.parkeervergunning}/versions/1",
                                   "--since", "2026-03-03")
        self.assertEqual([op["startTime"] for op in listed["operations"]],
                         ["2026-03-03T10:00:00Z"])
        self.assertEqual(listed["nextPageToken"], "")
        self.assertNotIn("dataSubjectHash", listed["operations"][0])
        first = self.privacy_json("processing", "operations", L.parkeervergunning,
                                  "--page-size", "2")
        self.assertEqual(len(first["operations"]), 2)
        self.assertTrue(first["nextPageToken"])
        every = self.privacy_json("processing", "operations", L.parkeervergunning,
                                  "--page-size", "2", "--all")
        self.assertEqual(len(every["operations"]), 3)
        # The auditor may ask as well.
        self.run_ok("processing", "operations", L.verhuizing, principal="auditor")

    # ---- deliveries ----

    def test_deliveries(self):
        L = self.L
        out = self.privacy("deliveries")
        rows = {(r[0], r[1]): r for r in table_rows(out, "DATASET")}
        self.assertEqual(rows[(f"datasets/{L.parkeren}", f"parties/{L.rdw}")],
                         [f"datasets/{L.parkeren}", f"parties/{L.rdw}", "Controle kentekens",
                          "wettelijke_verplichting", "ja",
                          f"processing-activities/{L.parkeervergunning}"])
        self.assertEqual(rows[(f"datasets/{L.brp}", f"parties/{L.cbs}")],
                         [f"datasets/{L.brp}", f"parties/{L.cbs}", "Statistiek",
                          "wettelijke_verplichting", "nee", "none"])
        uncovered = self.privacy_json("deliveries", "--uncovered")
        self.assertEqual([d["edge"] for d in uncovered["deliveries"]],
                         [f"lineage/{L.brp}/parties/{L.cbs}"])
        self.assertEqual(uncovered["deliveries"][0]["datasetTitle"], "Verhuismeldingen")
        personal = self.privacy_json("deliveries", "--personal-data")
        self.assertEqual([(d["dataset"], d["personalData"], d["coveringActivities"])
                          for d in personal["deliveries"]],
                         [(f"datasets/{L.parkeren}", True,
                           [f"processing-activities/{L.parkeervergunning}"])])
        self.assertEqual(self.privacy_json("deliveries", "--personal-data", "--uncovered"),
                         {"deliveries": [], "nextPageToken": ""})

    # ---- processing purge ----

    def test_purge(self):
        L = self.L
        kort = f"processing-activities/{L.kort}/versions/1"
        dry = self.run_json("processing", "purge", "--dry-run", principal="admin")
        self.assertEqual(dry, {"activities": [{"activity": kort, "retentionPeriod": "P1D",
                                               "operations": "1"}],
                               "operations": "1", "dryRun": True})
        self.assertEqual(self.privacy_json("processing", "subject", "--id-type", "BSN", "--id",
                                           BSN_PURGED)["operationCount"], 1, "dry run kept it")
        out = self.privacy("processing", "purge")
        self.assertEqual(out.splitlines()[0],
                         "removed 1 operation past their activity's retention period")
        self.assertEqual(table_rows(out, "ACTIVITY"), [[kort, "P1D", "1"]])
        again = self.privacy("processing", "purge", "--dry-run")
        self.assertEqual(again, "would remove 0 operations past their activity's retention "
                                "period (dry run: nothing removed)\n")
        self.assertNotIn("operationCount", self.privacy_json(
            "processing", "subject", "--id-type", "BSN", "--id", BSN_PURGED))
        self.run_fails(E.EXIT_PERMISSION_DENIED, "processing", "purge", principal="auditor")

    # ---- errors ----

    def test_usage_errors_exit_64(self):
        subject = ["processing", "subject", "--id-type", "BSN"]
        for args, flag in (([*subject], "--id"),
                           (["processing", "subject", "--id", BSN_RESIDENT], "--id-type"),
                           ([*subject, "--id", " "], "--id"),
                           ([*subject, "--id", BSN_RESIDENT, "--since", "gisteren"], "--since"),
                           ([*subject, "--id", BSN_RESIDENT, "--until", "2026-13-01"], "--until"),
                           ([*subject, "--id", BSN_RESIDENT, "--page-size", "-1"], "--page-size"),
                           (["processing", "trace", "abc"], "TRACE_ID"),
                           (["processing", "operations", "x", "--since", "morgen"], "--since"),
                           (["processing", "operations"], "ACTIVITY"),
                           (["deliveries", "--page-size", "veel"], "--page-size")):
            with self.subTest(args=args):
                result = self.run_fails(E.EXIT_USAGE, *args, principal="privacy")
                self.assertIn(flag, result.stderr)
                self.assertNotIn(BSN_RESIDENT, result.stderr)

    def test_server_errors_keep_their_codes(self):
        subject = ["processing", "subject", "--id-type", "BSN"]
        bad = self.run_fails(E.EXIT_INVALID_ARGUMENT, *subject, "--id", "123456789",
                             principal="privacy")
        self.assertIn("elfproef", bad.stderr)
        self.assertNotIn("123456789", bad.stderr)
        self.run_fails(E.EXIT_INVALID_ARGUMENT, *subject, "--id", BSN_RESIDENT, "--since",
                       "2026-05-01", "--until", "2026-04-01", principal="privacy")
        for principal in ("steward", "reader", "application"):
            with self.subTest(principal=principal):
                self.run_fails(E.EXIT_PERMISSION_DENIED, *subject, "--id", BSN_RESIDENT,
                               principal=principal)
        self.run_fails(E.EXIT_PERMISSION_DENIED, "deliveries", principal="steward")
        missing = self.run_fails(E.EXIT_NOT_FOUND, "processing", "trace", "1" * 32,
                                 principal="privacy")
        self.assertIn("1" * 32, missing.stderr)
        self.run_fails(E.EXIT_NOT_FOUND, "processing", "operations", "acc-bestaat-niet",
                       principal="privacy")
        # A missing Chromium: before anything is asked, nothing written.
        pdf = os.path.join(self.work_dir, "never.pdf")
        env = dict(E.base_env(), CATALOG_CHROMIUM="/nonexistent/chromium")
        result = self.run_fails(EXIT_FAILED_PRECONDITION, *subject, "--id", BSN_RESIDENT,
                                "--pdf", pdf, principal="privacy", env=env)
        self.assertIn("/nonexistent/chromium", result.stderr)
        self.assertFalse(os.path.exists(pdf))
        target = os.path.join(self.work_dir, "no-such-dir", "inzage.html")
        result = self.run_fails(EXIT_FAILED_PRECONDITION, *subject, "--id", BSN_RESIDENT,
                                "--html", target, principal="privacy")
        self.assertIn(f"--html: cannot write {target}", result.stderr)

    def test_without_subject_key_the_log_is_refused(self):
        work_dir = T.make_temp_dir("acc-no-key")
        try:
            with T.CatalogServer(work_dir) as server:
                flags = E.connection_flags(server.port, "privacy")
                for args in (["processing", "subject", "--id-type", "BSN", "--id", BSN_RESIDENT],
                             ["processing", "trace", "1" * 32], ["processing", "purge"]):
                    with self.subTest(args=args):
                        result = E.ctl(*args, *flags)
                        self.assertEqual(result.returncode, EXIT_FAILED_PRECONDITION,
                                         E.describe(result))
                        self.assertIn("processing_subject_key_file", result.stderr)
        finally:
            T.remove_temp_dir(work_dir)


if __name__ == "__main__":
    unittest.main(verbosity=2)
