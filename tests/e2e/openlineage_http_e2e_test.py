"""OpenLineage over HTTP: POST /api/v1/lineage on catalogd's HTTPS listener
(--http-listen), as the OpenLineage HTTP transport of Airflow, dbt and Spark
sends it, against real catalogd processes on port 0 with the test PKI.

Two servers: `grpc_server` (http_require_client_cert default true) takes the
shared fixture through the gRPC intake; `http_server`
(http_require_client_cert = false) takes it event by event over HTTP with a
bearer API key. Both graphs must be the same. Refusals: bad JSON and a bad
event (400 naming the problem), a wrong key and no credentials (401), a key
of a principal without a writer role (403), no client certificate where one
is required (TLS handshake refused), an oversized body (413), other paths
and methods (404/405). Re-posting is idempotent.
"""

import http.client
import json
import os
import ssl
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import catalog_testlib as T  # noqa: E402

STEWARD_KEY = "airflow-key-" + "0123456789abcdef" * 3
READER_KEY = "reader-key-" + "fedcba9876543210" * 3
PATH = "/api/v1/lineage"
MAX_BODY = 65536


def fixture_events():
    directory = os.environ.get("CATALOG_FIXTURES_DIR", "") or os.path.join(
        T.source_dir(), "tests", "fixtures")
    with open(os.path.join(directory, "openlineage", "municipal_run_events.jsonl"),
              encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def hash_api_key(principal, key):
    """The [[api_key]] entry `catalogd hash-api-key` prints for `key`."""
    done = subprocess.run([T.catalogd_path(), "hash-api-key", "--principal", principal],
                          input=key + "\n", capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise AssertionError(f"hash-api-key failed: {done.stderr}")
    return done.stdout


def tls_context(principal=None):
    context = ssl.create_default_context(cafile=T.cert_path("ca.pem"))
    context.check_hostname = False  # the test server certificate names localhost
    if principal is not None:
        context.load_cert_chain(T.cert_path(f"{principal}.pem"), T.cert_path(f"{principal}.key"))
    return context


def request(port, method, path, body=None, principal=None, key=None, headers=None):
    """(status, parsed JSON body or text, response headers)."""
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=T.RPC_TIMEOUT,
                                             context=tls_context(principal))
    all_headers = {"Content-Type": "application/json"}
    if key is not None:
        all_headers["Authorization"] = f"Bearer {key}"
    all_headers.update(headers or {})
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8")
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = text
        return response.status, parsed, dict(response.getheaders())
    finally:
        connection.close()


def graph(port):
    """Every edge as (source, target, relation, process, last run, column
    mappings) and the
    stub datasets, via gRPC as admin."""
    channel = T.secure_channel(port, "admin")
    try:
        stub = T.lineage_stub(channel)
        edges = sorted(
            (e.source, e.target, e.relation, e.process, str(e.last_run).replace("\n", " "),
             str(sorted((m.source_field, m.target_field) for m in e.column_mappings)))
            for e in T.list_edges(stub))
        datasets = sorted(d.id for d in T.list_all(
            T.catalog_stub(channel), T.catalog_service_pb2.ListDatasetsRequest(page_size=100)))
        return edges, datasets
    finally:
        channel.close()


class OpenLineageHttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work_dir = T.make_temp_dir("openlineage-http")
        with open(T.dev_policy_path(), encoding="utf-8") as f:
            policy = f.read()
        policy += ('\n[[grant]]\nprincipal = "airflow"\nroles = ["steward"]\n'
                   'clearance = "vertrouwelijk"\n\n')
        policy += hash_api_key("airflow", STEWARD_KEY) + "\n" + hash_api_key("reader", READER_KEY)
        cls.policy_path = os.path.join(cls.work_dir, "policy.toml")
        with open(cls.policy_path, "w", encoding="utf-8") as f:
            f.write(policy)
        config = os.path.join(cls.work_dir, "catalogd.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"http_require_client_cert = false\nhttp_max_body_bytes = {MAX_BODY}\n")
        cls.grpc_server = T.CatalogServer(
            os.path.join(cls.work_dir, "a"), policy=cls.policy_path,
            extra_args=["--http-listen", "127.0.0.1:0"])
        cls.http_server = T.CatalogServer(
            os.path.join(cls.work_dir, "b"), policy=cls.policy_path,
            extra_args=["--http-listen", "127.0.0.1:0", "--config", config])
        for server in (cls.grpc_server, cls.http_server):
            os.makedirs(server.work_dir)
            server.start()
        cls.passed = False

    @classmethod
    def tearDownClass(cls):
        for server in (cls.grpc_server, cls.http_server):
            if server.running():
                server.stop()
        T.remove_temp_dir(cls.work_dir)

    def post(self, body, server=None, **kwargs):
        return request((server or self.http_server).http_port, "POST", PATH, body, **kwargs)

    def test_1_fixture_over_http_gives_the_grpc_graph(self):
        events = fixture_events()
        channel = T.secure_channel(self.grpc_server.port, "steward")
        try:
            _, lineage_service_pb2, _ = T.lineage_modules()
            T.lineage_stub(channel).IngestOpenLineage(
                lineage_service_pb2.IngestOpenLineageRequest(events=events), timeout=T.RPC_TIMEOUT)
        finally:
            channel.close()
        created = 0
        for event in events:
            status, body, _ = self.post(event, key=STEWARD_KEY)
            self.assertEqual(status, 200, body)
            self.assertEqual(body["events"], 1, body)
            created += body["edgesCreated"]
        self.assertEqual(created, 3)
        over_grpc, over_http = graph(self.grpc_server.port), graph(self.http_server.port)
        self.assertEqual(len(over_http[0]), 3, over_http)
        self.assertEqual(over_http, over_grpc)
        # Re-posting is idempotent, over HTTP on either server (client
        # certificate on the one that requires it).
        for event in events:
            status, body, _ = self.post(event, key=STEWARD_KEY)
            self.assertEqual((status, body["edgesCreated"], body["datasetsCreated"]), (200, 0, []))
            status, body, _ = self.post(event, server=self.grpc_server, principal="steward")
            self.assertEqual((status, body["edgesCreated"], body["datasetsCreated"]), (200, 0, []))
        self.assertEqual(graph(self.http_server.port), over_http)
        self.assertEqual(graph(self.grpc_server.port), over_grpc)

    def test_bad_json_and_bad_event_are_400_naming_the_problem(self):
        status, body, _ = self.post("{not json", key=STEWARD_KEY)
        self.assertEqual((status, body["code"]), (400, "INVALID_ARGUMENT"), body)
        self.assertEqual(body["message"], "event: not valid JSON")
        event = json.loads(fixture_events()[0])
        del event["eventTime"]
        status, body, _ = self.post(json.dumps(event), key=STEWARD_KEY)
        self.assertEqual((status, body["message"]), (400, "event.eventTime: required"), body)

    def test_wrong_key_and_no_credentials_are_401(self):
        event = fixture_events()[0]
        for key in ("wrong-" + STEWARD_KEY, ""):
            status, body, headers = self.post(event, key=key)
            self.assertEqual((status, body["code"]), (401, "UNAUTHENTICATED"), body)
            self.assertEqual(headers.get("WWW-Authenticate"), "Bearer")
            self.assertNotIn(STEWARD_KEY, json.dumps(body))
        status, body, _ = self.post(event, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
        self.assertEqual(status, 401, body)
        self.assertIn("bearer", body["message"])
        status, body, _ = self.post(event)
        self.assertEqual(status, 401, body)
        self.assertIn("no credentials", body["message"])
        with open(self.http_server.log_path, encoding="utf-8") as f:
            self.assertNotIn(STEWARD_KEY, f.read())

    def test_key_of_a_reader_is_403(self):
        status, body, _ = self.post(fixture_events()[0], key=READER_KEY)
        self.assertEqual((status, body["code"]), (403, "PERMISSION_DENIED"), body)

    def test_audited_as_the_grpc_method(self):
        self.post(fixture_events()[0], key=STEWARD_KEY)
        self.post(fixture_events()[0], key=READER_KEY)
        channel = T.secure_channel(self.http_server.port, "auditor")
        try:
            events = T.list_audit_events(T.audit_stub(channel), method="IngestOpenLineage")
        finally:
            channel.close()
        by_principal = {(e.principal, e.code) for e in events}
        self.assertIn(("airflow", 0), by_principal, events)
        self.assertIn(("reader", 7), by_principal, events)  # PERMISSION_DENIED
        self.assertTrue(all(e.method.endswith("LineageService/IngestOpenLineage") for e in events))

    def test_client_certificate_required_by_default(self):
        with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
            self.post(fixture_events()[0], server=self.grpc_server, key=STEWARD_KEY)
        # A client certificate of another CA is refused too.
        context = ssl.create_default_context(cafile=T.cert_path("ca.pem"))
        context.check_hostname = False
        other = T.other_ca_certs_dir()
        context.load_cert_chain(os.path.join(other, "steward.pem"), os.path.join(other, "steward.key"))
        connection = http.client.HTTPSConnection("127.0.0.1", self.grpc_server.http_port,
                                                 timeout=T.RPC_TIMEOUT, context=context)
        with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
            connection.request("POST", PATH, body=fixture_events()[0])
            connection.getresponse().read()
        connection.close()

    def test_oversized_body_is_413_and_other_routes_404_405(self):
        status, body, _ = self.post("x" * (MAX_BODY + 1), key=STEWARD_KEY)
        self.assertEqual((status, body["code"]), (413, "PAYLOAD_TOO_LARGE"), body)
        status, body, _ = request(self.http_server.http_port, "GET", "/nowhere", key=STEWARD_KEY)
        self.assertEqual((status, body["code"]), (404, "NOT_FOUND"), body)
        status, body, headers = request(self.http_server.http_port, "GET", PATH, key=STEWARD_KEY)
        self.assertEqual((status, body["code"]), (405, "METHOD_NOT_ALLOWED"), body)
        self.assertEqual(headers.get("Allow"), "POST")

    def test_hash_api_key_refuses_short_keys(self):
        done = subprocess.run([T.catalogd_path(), "hash-api-key", "--principal", "x"],
                              input="short\n", capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 1)
        self.assertIn("at least 32", done.stderr)


if __name__ == "__main__":
    unittest.main()
