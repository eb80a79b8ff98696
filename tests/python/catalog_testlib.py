"""Shared helpers of the Python script tests (client, e2e, crash).

Standard library plus Debian's python3-grpcio and python3-protobuf only. The
tests run under ctest (tests/CMakeLists.txt, catalog_script_test), which sets:

  CATALOG_TEST_CERTS           ca.pem, server.pem/.key, <principal>.pem/.key
  CATALOG_TEST_OTHER_CA_CERTS  the same from an unrelated CA
  CATALOG_BIN_DIR              build/bin with catalogd and catalogctl
  CATALOG_SOURCE_DIR           the repository (scripts/dev/policy.toml)
  PYTHONPATH                   build/python: the stubs generated from protos/

catalogd needs an access policy (--policy); CatalogServer passes the
development policy, scripts/dev/policy.toml, unless told otherwise: admin is
admin (clearance zeer_geheim), steward is steward of every domain
(vertrouwelijk), reader is reader (intern), auditor is auditor (zeer_geheim).
Only owners and admins may delete.

Other scripts import this module after putting tests/python on sys.path.

A note on `grpc`: build/python also holds the stubs of grpc/health/v1, in a
directory named `grpc` without __init__.py. grpcio's regular package `grpc`
always wins over that namespace directory, so `import grpc` is grpcio, but
`grpc.health.v1` is then not importable. load_health_pb2() loads the
generated health_pb2.py by its path, under another module name.
"""

import collections
import datetime
import importlib.util
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import grpc  # grpcio (Debian python3-grpcio), never build/python/grpc.
from google.protobuf import json_format

from catalog.v1 import catalog_service_pb2, catalog_service_pb2_grpc, dataset_pb2

# Seconds allowed for one RPC in the tests (also the channel-ready wait).
RPC_TIMEOUT = 10.0
# Seconds allowed for catalogd to print its port.
START_TIMEOUT = 30.0
# Seconds allowed for catalogd to exit after SIGTERM (its own grace is 10 s).
STOP_TIMEOUT = 20.0

PRINCIPALS = ("admin", "steward", "reader", "auditor")
_READY = re.compile(r"^catalogd listening on port (\d+)\s*$")
# Printed before _READY when --http-listen is given.
_HTTP_READY = re.compile(r"^catalogd http listening on port (\d+)\s*$")


# ---- Environment ----

def _env_dir(name):
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(
            f"{name} is not set: run this test through ctest (see tests/CMakeLists.txt)")
    return value


def certs_dir():
    """Directory of the test PKI (CATALOG_TEST_CERTS)."""
    return _env_dir("CATALOG_TEST_CERTS")


def other_ca_certs_dir():
    """Directory of a second, unrelated PKI (CATALOG_TEST_OTHER_CA_CERTS)."""
    return _env_dir("CATALOG_TEST_OTHER_CA_CERTS")


def bin_dir():
    return _env_dir("CATALOG_BIN_DIR")


def source_dir():
    """The repository root: CATALOG_SOURCE_DIR, else two levels above this
    file."""
    return os.environ.get("CATALOG_SOURCE_DIR", "") or os.path.normpath(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def dev_policy_path():
    """The development access policy, matching the test certificates."""
    return os.path.join(source_dir(), "scripts", "dev", "policy.toml")


def write_policy(path, grants, purpose_required_for=()):
    """Writes a policy file (TOML, see server/security/policy.h) with
    `grants`: dicts with principal or group, roles, clearance and optionally
    domains. Returns `path`."""
    def value(v):
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["[purpose]", f"required_for = {value(list(purpose_required_for))}", ""]
    for grant in grants:
        lines.append("[[grant]]")
        lines.extend(f"{key} = {value(v)}" for key, v in grant.items())
        lines.append("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return path


def catalogd_path():
    return os.path.join(bin_dir(), "catalogd")


def catalogctl_path():
    return os.path.join(bin_dir(), "catalogctl")


def cert_path(name, directory=None):
    """Path of `name` ("ca.pem", "steward.key", ...) in the test PKI."""
    return os.path.join(directory or certs_dir(), name)


def keep_temp_dirs():
    """CATALOG_KEEP_TEST_DIRS=1 keeps data dirs and logs for inspection."""
    return os.environ.get("CATALOG_KEEP_TEST_DIRS", "") not in ("", "0")


def make_temp_dir(prefix):
    return tempfile.mkdtemp(prefix=f"catalog-{prefix}-")


def remove_temp_dir(path):
    if path and not keep_temp_dirs():
        shutil.rmtree(path, ignore_errors=True)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# ---- catalogd ----

class CatalogServer:
    """One catalogd process on 127.0.0.1, port 0, in/over a data directory.

    stdout is read by a thread (the readiness line, then drained); stderr
    (the logs) goes to a file next to the data directory and is quoted in
    errors. start() can be called again after stop()/kill() to restart on
    the same data directory.
    """

    def __init__(self, work_dir, data_dir=None, extra_args=(), listen="127.0.0.1:0", tls=True,
                 policy=""):
        """`tls` False leaves out the certificate flags (give
        --insecure-plaintext in `extra_args`); `listen` must stay a loopback
        address unless the test expects catalogd to refuse it. `policy`: the
        --policy file, "" for the development policy, None for no --policy
        at all."""
        self.work_dir = work_dir
        self.data_dir = data_dir or os.path.join(work_dir, "data")
        self.extra_args = list(extra_args)
        self.listen = listen
        self.tls = tls
        self.policy = dev_policy_path() if policy == "" else policy
        self.process = None
        self.port = None
        self.http_port = None  # with --http-listen
        self.starts = 0
        self.log_path = None

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def command(self):
        command = [catalogd_path(), "serve", "--listen", self.listen,
                   "--data-dir", self.data_dir]
        if self.tls:
            certs = certs_dir()
            command += ["--tls-cert", cert_path("server.pem", certs),
                        "--tls-key", cert_path("server.key", certs),
                        "--client-ca", cert_path("ca.pem", certs)]
        if self.policy is not None:
            command += ["--policy", self.policy]
        return command + self.extra_args

    def start(self, timeout=START_TIMEOUT):
        """Starts catalogd and waits for "catalogd listening on port N"."""
        if self.running():
            raise RuntimeError("catalogd is already running")
        self.starts += 1
        self.log_path = os.path.join(self.work_dir, f"catalogd-{self.starts}.log")
        log = open(self.log_path, "wb")
        try:
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=log, close_fds=True)
        finally:
            log.close()
        lines = queue.Queue()
        threading.Thread(target=_pump_lines, args=(self.process.stdout, lines),
                         daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise RuntimeError(
                    f"catalogd printed no port within {timeout} s\n{self.log_tail()}")
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:  # stdout closed: it exited.
                code = self.process.wait(timeout=STOP_TIMEOUT)
                self.process = None
                raise RuntimeError(
                    f"catalogd exited with {code} before listening\n{self.log_tail()}")
            http_match = _HTTP_READY.match(line)
            if http_match:
                self.http_port = int(http_match.group(1))
            match = _READY.match(line)
            if match:
                self.port = int(match.group(1))
                return self.port

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, wait; SIGKILL if it does not exit in time. Returns the exit
        code (negative for a signal), or None when it was not running."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
            raise RuntimeError(
                f"catalogd did not exit within {timeout} s of SIGTERM\n{self.log_tail()}")

    def kill(self):
        """SIGKILL (a crash), then reap. Returns the exit code."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.poll() is None:
            process.kill()
        return process.wait(timeout=STOP_TIMEOUT)

    def log_tail(self, lines=30):
        if not self.log_path or not os.path.exists(self.log_path):
            return "(no catalogd log)"
        text = _read(self.log_path).decode("utf-8", "replace").splitlines()
        return "catalogd log (last lines):\n" + "\n".join(text[-lines:])

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            try:
                self.stop()
            except RuntimeError:
                pass
        return False


def _pump_lines(stream, lines):
    try:
        for raw in iter(stream.readline, b""):
            lines.put(raw.decode("utf-8", "replace"))
    finally:
        lines.put(None)
        stream.close()


def subject_key_args(work_dir):
    """Writes a processing-log subject key into `work_dir` (outside the data
    directory, owner-only) and returns the catalogd flags that name it."""
    path = os.path.join(work_dir, "subject.key")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("suite-subject-key-" + "0123456789abcdef" * 2 + "\n")
    return ["--processing-subject-key", path]


def run_check(data_dir, timeout=60):
    """`catalogd check --data-dir DIR`: CompletedProcess (text)."""
    return subprocess.run([catalogd_path(), "check", "--data-dir", data_dir],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


# ---- gRPC ----

def channel_credentials(principal="steward", certs=None, ca=None):
    """mTLS credentials: the CA of `ca` (a dir, default the test PKI) and the
    client certificate of `principal` from `certs`; principal None: no
    client certificate."""
    certs = certs or certs_dir()
    root = _read(cert_path("ca.pem", ca or certs_dir()))
    if principal is None:
        return grpc.ssl_channel_credentials(root_certificates=root)
    return grpc.ssl_channel_credentials(
        root_certificates=root,
        private_key=_read(cert_path(f"{principal}.key", certs)),
        certificate_chain=_read(cert_path(f"{principal}.pem", certs)))


def secure_channel(port, principal="steward", certs=None, ca=None, wait=True):
    """A channel to 127.0.0.1:port over mutual TLS as `principal`; with `wait`,
    blocks until it is connected (RPC_TIMEOUT)."""
    channel = grpc.secure_channel(
        f"127.0.0.1:{port}", channel_credentials(principal, certs, ca),
        options=[("grpc.max_receive_message_length", 32 << 20)])
    if wait:
        try:
            grpc.channel_ready_future(channel).result(timeout=RPC_TIMEOUT)
        except grpc.FutureTimeoutError:
            channel.close()
            raise RuntimeError(f"no mTLS connection to 127.0.0.1:{port} as {principal}")
    return channel


class ServerTestCase(unittest.TestCase):
    """Tests sharing one catalogd (development policy, mutual TLS) started
    in setUpClass; tearDownClass stops it (it must exit with 0) and runs
    `catalogd check` on its data directory (it must pass). Subclasses get
    channels per principal (`channel("admin")`), and assert_code.
    `server_args`: extra catalogd flags."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.work_dir = make_temp_dir(cls.__name__.lower())
        cls.server = CatalogServer(cls.work_dir, extra_args=cls.server_args)
        cls._channels = {}
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        for channel in cls._channels.values():
            channel.close()
        code = cls.server.stop()
        check = run_check(cls.server.data_dir)
        remove_temp_dir(cls.work_dir)
        if code != 0:
            raise AssertionError(f"catalogd exited with {code} after SIGTERM")
        if check.returncode != 0:
            raise AssertionError(f"catalogd check failed:\n{check.stdout}{check.stderr}")

    @classmethod
    def channel(cls, principal="steward"):
        """The channel of `principal` to the server (one per principal)."""
        if principal not in cls._channels:
            cls._channels[principal] = secure_channel(cls.server.port, principal)
        return cls._channels[principal]

    def assert_code(self, code, call, *args, detail=None):
        """`call(*args)` fails with `code`; returns the error. `detail`: a
        substring the message must contain (e.g. the field at fault)."""
        with self.assertRaises(grpc.RpcError) as caught:
            call(*args)
        error = caught.exception
        self.assertEqual(error.code(), code, f"details: {error.details()}")
        if detail is not None:
            self.assertIn(detail, error.details())
        return error


def create_dataset(channel, dataset, timeout=RPC_TIMEOUT):
    """CatalogService.CreateDataset of `dataset` over `channel`: the stored
    dataset."""
    return catalog_stub(channel).CreateDataset(
        catalog_service_pb2.CreateDatasetRequest(dataset=dataset), timeout=timeout)


def catalog_stub(channel):
    return catalog_service_pb2_grpc.CatalogServiceStub(channel)


def audit_modules():
    """(audit_service_pb2, audit_service_pb2_grpc), generated into
    build/python."""
    from catalog.v1 import audit_service_pb2, audit_service_pb2_grpc
    return audit_service_pb2, audit_service_pb2_grpc


def audit_stub(channel):
    """An AuditService stub (only auditor and admin may call it)."""
    return audit_modules()[1].AuditServiceStub(channel)


def list_audit_events(stub, timeout=RPC_TIMEOUT, max_pages=100000, **filters):
    """Every audit event matching `filters` (ListAuditEventsRequest fields,
    e.g. resource="datasets/x", method="CreateDataset", code=0,
    oldest_first=True), following next_page_token (a page may be short or
    even empty before the end)."""
    audit_pb2 = audit_modules()[0]
    request = audit_pb2.ListAuditEventsRequest(**filters)
    events = []
    for _ in range(max_pages):
        response = stub.ListAuditEvents(request, timeout=timeout)
        events.extend(response.events)
        if not response.next_page_token:
            return events
        request.page_token = response.next_page_token
    raise AssertionError(f"ListAuditEvents did not end within {max_pages} pages")


def verify_audit_trail(stub, timeout=RPC_TIMEOUT):
    """AuditService.VerifyAuditTrail: the response (intact, entries, ...)."""
    return stub.VerifyAuditTrail(audit_modules()[0].VerifyAuditTrailRequest(), timeout=timeout)


def load_health_pb2():
    """The generated grpc/health/v1/health_pb2.py from PYTHONPATH, loaded by
    path (see the module docstring), or None when it is not there."""
    for entry in sys.path:
        path = os.path.join(entry or ".", "grpc", "health", "v1", "health_pb2.py")
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("catalog_test_health_pb2", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    return None


def health_check(channel, health_pb2, service="", timeout=RPC_TIMEOUT):
    """grpc.health.v1.Health/Check without the generated _grpc module."""
    check = channel.unary_unary(
        "/grpc.health.v1.Health/Check",
        request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
        response_deserializer=health_pb2.HealthCheckResponse.FromString)
    return check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)


def list_all(stub, request, max_pages=1000, timeout=RPC_TIMEOUT):
    """Every dataset of a ListDatasets query, following next_page_token."""
    copy = catalog_service_pb2.ListDatasetsRequest()
    copy.CopyFrom(request)
    request = copy
    datasets = []
    for _ in range(max_pages):
        response = stub.ListDatasets(request, timeout=timeout)
        datasets.extend(response.datasets)
        if not response.next_page_token:
            return datasets
        request.page_token = response.next_page_token
    raise AssertionError(f"ListDatasets did not end within {max_pages} pages")


# ---- Datasets ----

def make_dataset(dataset_id, title=None, domain="Sociaal domein", owner="Afdeling Test",
                 **fields):
    """A minimal valid Dataset (sector registration, on premises, intern).
    `fields` are set on top with json_format, in proto3 JSON names or proto
    names, e.g. tags=["a"], hosting={"kind": "HOSTING_KIND_SAAS"}."""
    dataset = dataset_pb2.Dataset(
        id=dataset_id,
        title=title if title is not None else f"Dataset {dataset_id}",
        registration_type=dataset_pb2.REGISTRATION_TYPE_SECTORREGISTRATIE,
        domain=domain,
        roles=dataset_pb2.Roles(owner=owner),
        hosting=dataset_pb2.Hosting(kind=dataset_pb2.HOSTING_KIND_ON_PREMISES),
        classification=dataset_pb2.Classification(
            confidentiality=dataset_pb2.CONFIDENTIALITY_INTERN))
    if fields:
        json_format.ParseDict(fields, dataset)
    return dataset


def dataset_json(dataset):
    """A Dataset as proto3 JSON (a dict), as catalogctl reads it."""
    return json_format.MessageToDict(dataset)


def without_bookkeeping(dataset):
    """A copy without the output-only fields (times, revision, etag)."""
    copy = dataset_pb2.Dataset()
    copy.CopyFrom(dataset)
    for name in ("create_time", "update_time", "revision", "etag"):
        copy.ClearField(name)
    return copy


def normalized(dataset):
    """`dataset` as the server stores it: defaults of status and origin, no
    bookkeeping."""
    copy = without_bookkeeping(dataset)
    if copy.status == dataset_pb2.DATASET_STATUS_UNSPECIFIED:
        copy.status = dataset_pb2.DATASET_STATUS_COMPLETED
    if copy.origin == dataset_pb2.ORIGIN_UNSPECIFIED:
        copy.origin = dataset_pb2.ORIGIN_INTERNAL
    return copy


def unique_suffix():
    """A short suffix that differs per process and call, for ids/domains."""
    unique_suffix.counter += 1
    return f"{os.getpid() % 100000:05d}{unique_suffix.counter:03d}"


unique_suffix.counter = 0


# ---- Paging ----

def list_pages(call, request, field, timeout=RPC_TIMEOUT, max_pages=100000):
    """Every item of repeated `field` over the pages of a List RPC (`call`,
    e.g. stub.ListEdges), following next_page_token; `request` is not
    changed."""
    copy = type(request)()
    copy.CopyFrom(request)
    items = []
    for _ in range(max_pages):
        response = call(copy, timeout=timeout)
        items.extend(getattr(response, field))
        if not response.next_page_token:
            return items
        copy.page_token = response.next_page_token
    raise AssertionError(f"{field}: the listing did not end within {max_pages} pages")


# ---- Lineage ----

def lineage_modules():
    """(lineage_pb2, lineage_service_pb2, lineage_service_pb2_grpc),
    generated into build/python."""
    from catalog.v1 import lineage_pb2, lineage_service_pb2, lineage_service_pb2_grpc
    return lineage_pb2, lineage_service_pb2, lineage_service_pb2_grpc


def lineage_stub(channel):
    """A LineageService stub."""
    return lineage_modules()[2].LineageServiceStub(channel)


def list_edges(stub, node="", direction=0, timeout=RPC_TIMEOUT):
    """Every edge of ListEdges (EdgeDirection `direction` of `node`; node "":
    every edge of the catalogue), in pages of 1000."""
    request = lineage_modules()[1].ListEdgesRequest(node=node, direction=direction,
                                                    page_size=1000)
    return list_pages(stub.ListEdges, request, "edges", timeout=timeout)


def edge_key(edge):
    """(source, target) of a LineageEdge, as resource names."""
    return (edge.source, edge.target)


def openlineage_event(job_namespace, job_name, run_id, inputs=(), outputs=(),
                      event_type="COMPLETE", event_time=None):
    """An OpenLineage RunEvent (spec 2-0-2) as JSON text. `inputs` and
    `outputs` are (namespace, name) pairs; `event_time` an aware datetime,
    default now (UTC)."""
    event_time = event_time or datetime.datetime.now(datetime.timezone.utc)
    return json.dumps({
        "eventType": event_type,
        "eventTime": event_time.isoformat(timespec="microseconds"),
        "run": {"runId": str(run_id)},
        "job": {"namespace": job_namespace, "name": job_name},
        "inputs": [{"namespace": ns, "name": name} for ns, name in inputs],
        "outputs": [{"namespace": ns, "name": name} for ns, name in outputs],
        "producer": "https://example.org/catalog-tests",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    })


# ---- Crash tests ----

def crash_seed(variable, default):
    """The seed of a crash test: the environment variable `variable` when
    set (to repeat a run), else `default`."""
    return int(os.environ.get(variable, "") or default)


class CrashCycle:
    """Shared state of the writer threads of one crash cycle: stop and
    killed events, RPC failures while catalogd ran (test failures) and
    invariant violations seen by the writers, counts of acknowledged
    writes and of RPCs the kill failed, by kind."""

    def __init__(self, number, revision_floor=0):
        self.number = number
        self.revision_floor = revision_floor  # highest revision seen before it
        self.stop = threading.Event()
        self.killed = threading.Event()
        self.lock = threading.Lock()
        self.errors = []
        self.violations = []
        self.acks = collections.Counter()
        self.after_kill = collections.Counter()

    def rpc_failed(self, kind, error):
        """Counts an RPC failed by the kill, or records a real failure."""
        with self.lock:
            if self.killed.is_set():
                self.after_kill[kind] += 1
            else:
                self.errors.append(f"{kind}: {error.code()}: {error.details()}")

    def violation(self, text):
        with self.lock:
            self.violations.append(text)

    def run(self, target, *args):
        """Runs a thread's target(cycle, *args); an exception in it is an
        error (and stops the cycle)."""
        try:
            target(self, *args)
        except Exception as error:  # noqa: BLE001 - reported as a test failure
            with self.lock:
                self.errors.append(f"{threading.current_thread().name}: "
                                   f"{type(error).__name__}: {error}")
            self.stop.set()

    def acked(self, kind, count=1):
        with self.lock:
            self.acks[kind] += count


def run_until_killed(server, cycle, threads, kill_after, join_timeout=30.0):
    """Starts `threads`, SIGKILLs `server` `kill_after` seconds later
    (cycle.killed is set first, so that the RPCs the kill fails are told
    from real failures; cycle.stop after it) and waits up to
    `join_timeout` seconds for the threads. Returns the names of those
    still alive."""
    for thread in threads:
        thread.start()
    time.sleep(kill_after)
    cycle.killed.set()
    server.kill()
    cycle.stop.set()
    deadline = time.monotonic() + join_timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [t.name for t in threads if t.is_alive()]


def clean_up_after(server, work_dir, passed):
    """The tearDown of a test with a catalogd on a temporary directory: kills
    it when still running; removes `work_dir` after a pass, else keeps it
    (logs and data directory) and says where."""
    if server.running():
        server.kill()
    if passed:
        remove_temp_dir(work_dir)
    else:
        print(f"kept {work_dir} (catalogd logs and data directory)")


def assert_check_passes(testcase, data_dir, when):
    """`catalogd check` of `data_dir` (catalogd stopped) must pass: exit 0
    and "check passed". Returns its output."""
    check = run_check(data_dir)
    testcase.assertEqual(check.returncode, 0,
                         f"catalogd check {when}:\n{check.stdout}{check.stderr}")
    testcase.assertIn("check passed", check.stdout, f"catalogd check {when}")
    return check.stdout
