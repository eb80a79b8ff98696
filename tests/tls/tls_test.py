"""End to end: catalogd's TLS transport and catalogctl's security messages.

Against the built catalogd on 127.0.0.1:0 (mutual TLS, --policy):

  * Handshakes with the `openssl s_client` CLI: TLS 1.1 (and 1.0) offered by
    the client is refused; TLS 1.2 and 1.3 with a client certificate
    complete, verify against the CA and negotiate h2; without a client
    certificate s_client fails (under TLS 1.3 the client finishes its side,
    then the server aborts).
  * Application data (HTTP/2 over Python's ssl and raw sockets): with a
    client certificate the server answers the HTTP/2 preface with SETTINGS;
    without one, and over plaintext, the connection is closed without any
    HTTP/2 frame. gRPC calls without a certificate, with one from another CA
    and with an expired one fail.
  * Certificate rotation: with cert_refresh_seconds = 1 (TOML --config), a
    new server certificate written over server.pem/server.key is served on
    new connections within seconds, by the same process, and calls go on.
  * catalogctl: PERMISSION_DENIED (reader creating, unknown principal,
    reader reading the audit trail) exits 7 with a message naming the
    permission problem and the principal; `audit list` / `audit verify` as
    auditor; with a policy that requires a purpose of readers, reading a
    dataset with personal data exits 9 with a hint to use --purpose, works
    with --purpose / CATALOG_PURPOSE, and the audit trail shows the purpose.
    `audit verify` on a broken trail (a stand-in AuditService in this
    process) prints where it breaks and exits 1.

Run: python3 tls_test.py (through ctest, see tests/CMakeLists.txt).
"""

import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import unittest
from concurrent import futures

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import catalog_testlib as T  # noqa: E402
import grpc  # noqa: E402

from catalog.v1 import audit_service_pb2, audit_service_pb2_grpc  # noqa: E402
from catalog.v1 import catalog_service_pb2  # noqa: E402

# catalogctl exit codes: the canonical gRPC code, 1 for a failed check, 64
# for usage errors.
EXIT_PERMISSION_DENIED = 7
EXIT_FAILED_PRECONDITION = 9
EXIT_UNAVAILABLE = 14
EXIT_USAGE = 64
EXIT_CHECK_FAILED = 1

CTL_TIMEOUT = 60          # seconds for one catalogctl run
OPENSSL_TIMEOUT = 20      # seconds for one openssl run
SOCKET_TIMEOUT = 5.0      # seconds for one socket operation
ROTATION_WAIT = 15.0      # seconds allowed for a rotated certificate to show
CONNECTION_ENV = ("CATALOG_SERVER", "CATALOG_CA", "CATALOG_CERT", "CATALOG_KEY",
                  "CATALOG_PURPOSE")

# The client connection preface of HTTP/2 (RFC 9113 3.4) followed by an empty
# SETTINGS frame; a server speaking h2 answers with its own SETTINGS frame.
H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
H2_EMPTY_SETTINGS = bytes([0, 0, 0, 0x04, 0, 0, 0, 0, 0])
H2_FRAME_SETTINGS = 0x04


# ---- Environment and processes ----

def source_dir():
    value = os.environ.get("CATALOG_SOURCE_DIR", "")
    if not value:
        raise RuntimeError("CATALOG_SOURCE_DIR is not set: run this test through ctest")
    return value


def dev_policy():
    return os.path.join(source_dir(), "scripts", "dev", "policy.toml")


def openssl_path():
    path = shutil.which("openssl")
    if path is None:
        raise AssertionError("the openssl CLI is needed (apt-get install openssl)")
    return path


def run(command, timeout=OPENSSL_TIMEOUT, stdin=b""):
    """Runs `command`; (exit code, stdout + stderr as text)."""
    result = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout)
    return result.returncode, (result.stdout + result.stderr).decode("utf-8", "replace")


def openssl(*args, stdin=b""):
    """openssl ARGS that must succeed; its stdout as text."""
    result = subprocess.run([openssl_path(), *args], input=stdin, capture_output=True,
                            timeout=OPENSSL_TIMEOUT)
    if result.returncode != 0:
        raise AssertionError(f"openssl {' '.join(args)} failed with {result.returncode}:\n"
                             f"{result.stderr.decode('utf-8', 'replace')}")
    return result.stdout.decode("utf-8", "replace")


def _without_flags(command, flags):
    """`command` without the flags in `flags` and their values."""
    kept, skip = [], False
    for arg in command:
        if skip:
            skip = False
        elif arg in flags:
            skip = True
        elif not any(arg.startswith(flag + "=") for flag in flags):
            kept.append(arg)
    return kept


class Catalogd(T.CatalogServer):
    """The shared CatalogServer with this test's --policy (exactly once,
    whatever the shared helper passes by default), optionally the
    certificate files of `cert_dir` and a --config file."""

    def __init__(self, work_dir, policy=None, cert_dir=None, config=None):
        super().__init__(work_dir)
        self.policy = policy or dev_policy()
        self.cert_dir = cert_dir
        self.config = config

    def command(self):
        replaced = ["--policy", "--config"]
        if self.cert_dir:
            replaced += ["--tls-cert", "--tls-key", "--client-ca"]
        command = _without_flags(super().command(), replaced) + ["--policy", self.policy]
        if self.cert_dir:
            command += ["--tls-cert", os.path.join(self.cert_dir, "server.pem"),
                        "--tls-key", os.path.join(self.cert_dir, "server.key"),
                        "--client-ca", os.path.join(self.cert_dir, "ca.pem")]
        if self.config:
            command += ["--config", self.config]
        return command


def start_server(test_class, prefix, **kwargs):
    """Starts a Catalogd for `test_class` (work_dir, server) and registers its
    stop and clean-up."""
    test_class.work_dir = T.make_temp_dir(prefix)
    test_class.server = Catalogd(test_class.work_dir, **kwargs)
    try:
        test_class.server.start()
    except Exception:
        T.remove_temp_dir(test_class.work_dir)
        raise


def stop_server(test_class):
    code = test_class.server.stop()
    T.remove_temp_dir(test_class.work_dir)
    if code != 0:
        raise AssertionError(f"catalogd exited with {code} after SIGTERM")


# ---- openssl s_client ----

def s_client(port, *args, principal="steward", certs=None, stdin=b""):
    """`openssl s_client` to 127.0.0.1:port as `principal` (None: no client
    certificate), offering ALPN h2 as gRPC clients do (catalogd drops a
    connection that does not negotiate h2) and verifying the server against
    the test CA; (exit code, output). stdin is closed at once, so s_client
    ends after the handshake."""
    certs = certs or T.certs_dir()
    command = [openssl_path(), "s_client", "-connect", f"127.0.0.1:{port}",
               "-servername", "localhost", "-alpn", "h2",
               "-CAfile", T.cert_path("ca.pem", certs), *args]
    if principal is not None:
        command += ["-cert", T.cert_path(f"{principal}.pem", certs),
                    "-key", T.cert_path(f"{principal}.key", certs)]
    return run(command, stdin=stdin)


def serial_of_pem(pem):
    return openssl("x509", "-noout", "-serial", stdin=pem.encode()).strip().split("=", 1)[1]


def served_serial(port, certs=None):
    """Serial number of the certificate the server presents on a new
    connection (openssl s_client -showcerts)."""
    code, out = s_client(port, "-showcerts", certs=certs)
    match = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", out, re.S)
    if code != 0 or match is None:
        raise AssertionError(f"s_client -showcerts failed ({code}):\n{out[-3000:]}")
    return serial_of_pem(match.group(0))


# ---- HTTP/2 over sockets ----

def tls_context(principal, version, certs=None):
    certs = certs or T.certs_dir()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(T.cert_path("ca.pem", certs))
    context.minimum_version = version
    context.maximum_version = version
    context.set_alpn_protocols(["h2"])
    if principal is not None:
        context.load_cert_chain(T.cert_path(f"{principal}.pem", certs),
                                T.cert_path(f"{principal}.key", certs))
    return context


def h2_exchange(port, context=None):
    """Connects (over TLS with `context`, else plaintext), sends the HTTP/2
    preface and an empty SETTINGS frame, and reads the answer. Returns the
    type of the first frame the server sent, or None when the connection was
    refused, closed or reset before a whole frame header arrived; and a
    description of what happened."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT)
    sock = raw
    try:
        if context is not None:
            try:
                sock = context.wrap_socket(raw, server_hostname="localhost")
            except (ssl.SSLError, OSError) as e:
                return None, f"handshake failed: {e!r}"
        try:
            sock.sendall(H2_PREFACE + H2_EMPTY_SETTINGS)
            data = b""
            while len(data) < 9:
                chunk = sock.recv(4096)
                if not chunk:
                    return None, f"closed after {len(data)} bytes: {data!r}"
                data += chunk
        except socket.timeout:
            raise AssertionError("the server neither answered nor closed the connection")
        except (ssl.SSLError, OSError) as e:
            return None, f"failed: {e!r}"
        return data[3], f"frame header {data[:9]!r}"
    finally:
        sock.close()


# ---- catalogctl ----

def base_env():
    """The environment without catalogctl's connection variables."""
    return {k: v for k, v in os.environ.items() if k not in CONNECTION_ENV}


def ctl(*args, env=None):
    path = T.catalogctl_path()
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} was not built")
    return subprocess.run([path, *args], capture_output=True, text=True,
                          env=base_env() if env is None else env, timeout=CTL_TIMEOUT)


def connection_flags(port, principal, certs=None):
    certs = certs or T.certs_dir()
    flags = ["--server", f"127.0.0.1:{port}", "--ca", T.cert_path("ca.pem")]
    if principal is not None:
        flags += ["--cert", T.cert_path(f"{principal}.pem", certs),
                  "--key", T.cert_path(f"{principal}.key", certs)]
    return flags


def describe(result):
    return (f"exit {result.returncode}\n--- stdout\n{result.stdout[-3000:]}"
            f"\n--- stderr\n{result.stderr[-3000:]}")


class CtlMixin:
    """Runs catalogctl against cls.server."""

    def ctl_as(self, principal, *args, certs=None, env=None):
        return ctl(*args, *connection_flags(self.server.port, principal, certs), env=env)

    def ok(self, principal, *args, **kwargs):
        result = self.ctl_as(principal, *args, **kwargs)
        self.assertEqual(result.returncode, 0,
                         f"catalogctl {' '.join(args)} as {principal}: {describe(result)}")
        return result.stdout

    def ok_json(self, principal, *args, **kwargs):
        return json.loads(self.ok(principal, *args, "-o", "json", **kwargs))

    def fails(self, code, principal, *args, **kwargs):
        result = self.ctl_as(principal, *args, **kwargs)
        self.assertEqual(result.returncode, code,
                         f"catalogctl {' '.join(args)} as {principal}: {describe(result)}")
        self.assertEqual(result.stdout, "", "nothing on stdout for a failed call")
        self.assertTrue(result.stderr.startswith("catalogctl: error: "), describe(result))
        return result.stderr

    def write_dataset(self, dataset_id, **fields):
        path = os.path.join(self.work_dir, f"{dataset_id}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(T.dataset_json(T.make_dataset(dataset_id, **fields)), f)
        return path

    def audit_events(self, *filters):
        """Every audit event matching `filters`, oldest first, as the auditor
        sees it through catalogctl -o json."""
        return self.ok_json("auditor", "audit", "list", "--all", "--oldest-first",
                            *filters)["events"]


PERSONAL_DATA = {"containsPersonalData": True,
                 "legalBasis": "LEGAL_BASIS_WETTELIJKE_VERPLICHTING",
                 "purposes": ["Onderzoek", "onderzoek via env"]}


# ---- Handshakes, application data, plaintext ----

class HandshakeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_server(cls, "tls-handshake")

    @classmethod
    def tearDownClass(cls):
        stop_server(cls)

    def test_old_protocol_versions_are_refused(self):
        # SECLEVEL=0 so that the local OpenSSL really offers TLS 1.1/1.0;
        # -msg shows that it did, and that no ServerHello came back.
        for flag, version in (("-tls1_1", "1.1"), ("-tls1", "1.0")):
            with self.subTest(version=version):
                code, out = s_client(self.server.port, flag, "-cipher", "DEFAULT:@SECLEVEL=0",
                                     "-msg")
                self.assertRegex(out, rf">>> TLS {re.escape(version)}, Handshake .*ClientHello",
                                 "the client offered only this version")
                self.assertNotEqual(code, 0, out)
                self.assertNotRegex(out, r"<<< .*ServerHello", out)
                self.assertIn("Cipher is (NONE)", out)
                self.assertTrue(self.server.running())

    def test_tls12_and_tls13_with_client_certificate_succeed(self):
        for flag, name, version in (("-tls1_2", "TLSv1.2", ssl.TLSVersion.TLSv1_2),
                                    ("-tls1_3", "TLSv1.3", ssl.TLSVersion.TLSv1_3)):
            with self.subTest(version=name):
                code, out = s_client(self.server.port, flag, "-verify_return_error",
                                     "-verify_hostname", "localhost")
                self.assertEqual(code, 0, out)
                self.assertRegex(out, rf"New, {re.escape(name)}, Cipher is [A-Z0-9_-]+")
                self.assertIn("ALPN protocol: h2", out)
                self.assertIn("Verification: OK", out)
                self.assertIn("Verified peername: localhost", out)
                # And application data flows: SETTINGS in answer to the preface.
                frame, what = h2_exchange(self.server.port, tls_context("steward", version))
                self.assertEqual(frame, H2_FRAME_SETTINGS, what)

    def test_handshake_without_client_certificate_gets_no_application_data(self):
        for flag, name, version in (("-tls1_2", "TLSv1.2", ssl.TLSVersion.TLSv1_2),
                                    ("-tls1_3", "TLSv1.3", ssl.TLSVersion.TLSv1_3)):
            with self.subTest(version=name):
                # Under TLS 1.3 s_client finishes its side of the handshake;
                # the server then aborts (alert or plain close), which
                # s_client reports as an error. So that s_client waits for
                # that rather than closing first, it sends the HTTP/2
                # preface and ignores the end of its input (-ign_eof).
                code, out = s_client(self.server.port, flag, "-ign_eof", principal=None,
                                     stdin=H2_PREFACE + H2_EMPTY_SETTINGS)
                self.assertNotEqual(code, 0, out)
                self.assertRegex(out.lower(), r"alert|unexpected eof|connection reset|"
                                              r"errno|handshake failure", out)
                frame, what = h2_exchange(self.server.port, tls_context(None, version))
                self.assertIsNone(frame, f"no HTTP/2 frame without a client certificate; {what}")

    def test_grpc_calls_without_trusted_client_certificate_fail(self):
        other = T.other_ca_certs_dir()
        expired_dir = os.path.join(self.work_dir, "expired-ca")
        os.makedirs(expired_dir)
        for name in ("ca.pem", "ca.key"):
            shutil.copy(T.cert_path(name), expired_dir)
        subprocess.run(["bash", os.path.join(source_dir(), "scripts", "issue-client-cert.sh"),
                        expired_dir, "reader", "--expired"],
                       check=True, capture_output=True, timeout=OPENSSL_TIMEOUT)
        cases = (("no certificate", None, None),
                 ("certificate of another CA", "reader", other),
                 ("expired certificate", "reader", expired_dir))
        for what, principal, certs in cases:
            with self.subTest(what):
                channel = grpc.secure_channel(
                    f"127.0.0.1:{self.server.port}",
                    T.channel_credentials(principal, certs=certs, ca=T.certs_dir()))
                try:
                    with self.assertRaises(grpc.RpcError) as caught:
                        T.catalog_stub(channel).ListDatasets(
                            catalog_service_pb2.ListDatasetsRequest(), timeout=SOCKET_TIMEOUT)
                    self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)
                finally:
                    channel.close()
        # The trusted certificate of the same principal works (control).
        channel = T.secure_channel(self.server.port, "reader")
        try:
            T.catalog_stub(channel).ListDatasets(catalog_service_pb2.ListDatasetsRequest(),
                                                 timeout=T.RPC_TIMEOUT)
        finally:
            channel.close()

    def test_catalogctl_without_client_certificate_says_so(self):
        result = ctl("dataset", "list", *connection_flags(self.server.port, None))
        self.assertEqual(result.returncode, EXIT_UNAVAILABLE, describe(result))
        self.assertIn("client certificate", result.stderr)
        self.assertIn("--cert", result.stderr)

    def test_plaintext_http2_is_refused(self):
        frame, what = h2_exchange(self.server.port)
        self.assertIsNone(frame, f"no HTTP/2 frame over plaintext; {what}")
        result = ctl("dataset", "list", "--plaintext",
                     *connection_flags(self.server.port, "steward"))
        self.assertEqual(result.returncode, EXIT_UNAVAILABLE, describe(result))
        self.assertTrue(self.server.running())


# ---- Certificate rotation ----

def issue_server_certificate(ca_dir, out_dir):
    """A new server certificate (EC P-256, SAN localhost/127.0.0.1/::1,
    random serial) signed by ca_dir/ca.pem + ca.key, as out_dir/new.pem and
    new.key. Returns its serial as openssl prints it."""
    key = os.path.join(out_dir, "new.key")
    csr = os.path.join(out_dir, "new.csr")
    cert = os.path.join(out_dir, "new.pem")
    ext = os.path.join(out_dir, "new.ext")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-pkeyopt", "ec_param_enc:named_curve", "-out", key)
    openssl("req", "-new", "-key", key, "-subj",
            "/O=Gemeente Voorbeeldstad/OU=catalogd/CN=localhost", "-out", csr)
    with open(ext, "w", encoding="ascii") as f:
        f.write("basicConstraints = critical, CA:FALSE\n"
                "keyUsage = critical, digitalSignature\n"
                "extendedKeyUsage = serverAuth\n"
                "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1\n")
    serial = secrets.randbits(63) | (1 << 62)
    openssl("x509", "-req", "-in", csr, "-CA", os.path.join(ca_dir, "ca.pem"),
            "-CAkey", os.path.join(ca_dir, "ca.key"), "-set_serial", str(serial),
            "-days", "30", "-sha256", "-extfile", ext, "-out", cert)
    return serial_of_pem(open(cert, encoding="ascii").read())


class RotationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cert_dir = T.make_temp_dir("tls-rotation-certs")
        for name in ("ca.pem", "ca.key", "server.pem", "server.key"):
            shutil.copy2(T.cert_path(name), cls.cert_dir)
        config = os.path.join(cls.cert_dir, "catalogd.toml")
        with open(config, "w", encoding="ascii") as f:
            f.write("# Re-read the certificate files every second.\ncert_refresh_seconds = 1\n")
        start_server(cls, "tls-rotation", cert_dir=cls.cert_dir, config=config)

    @classmethod
    def tearDownClass(cls):
        try:
            stop_server(cls)
        finally:
            T.remove_temp_dir(cls.cert_dir)

    def call_works(self, channel):
        T.catalog_stub(channel).ListDatasets(catalog_service_pb2.ListDatasetsRequest(),
                                             timeout=T.RPC_TIMEOUT)

    def test_new_server_certificate_is_served_without_restart(self):
        port, pid = self.server.port, self.server.process.pid
        with open(os.path.join(self.cert_dir, "server.pem"), encoding="ascii") as f:
            old_serial = serial_of_pem(f.read())
        self.assertEqual(served_serial(port), old_serial)
        old_channel = T.secure_channel(port, "steward")
        try:
            self.call_works(old_channel)

            work = os.path.join(self.work_dir, "new-cert")
            os.makedirs(work)
            new_serial = issue_server_certificate(self.cert_dir, work)
            self.assertNotEqual(new_serial, old_serial)
            # Each file replaced atomically, the key first.
            for name in ("key", "pem"):
                staged = os.path.join(self.cert_dir, f"server.{name}.new")
                shutil.copy2(os.path.join(work, f"new.{name}"), staged)
                os.replace(staged, os.path.join(self.cert_dir, f"server.{name}"))

            time.sleep(2)  # Two refresh periods; then poll.
            deadline = time.monotonic() + ROTATION_WAIT
            seen = None
            while time.monotonic() < deadline:
                try:
                    seen = served_serial(port)
                except AssertionError:
                    seen = None  # A handshake during the swap; try again.
                if seen == new_serial:
                    break
                time.sleep(0.5)
            self.assertEqual(seen, new_serial,
                             f"the new certificate is not served within {ROTATION_WAIT + 2} s"
                             f"\n{self.server.log_tail()}")

            self.assertTrue(self.server.running(), "catalogd still runs")
            self.assertEqual(self.server.process.pid, pid, "the same catalogd process")
            code, out = s_client(port, "-verify_return_error", "-verify_hostname", "localhost")
            self.assertEqual(code, 0, out)
            self.assertIn("Verification: OK", out)
            new_channel = T.secure_channel(port, "steward")
            try:
                self.call_works(new_channel)
            finally:
                new_channel.close()
            self.call_works(old_channel)
        finally:
            old_channel.close()


# ---- catalogctl: permission, unknown principal, audit commands ----

class CliSecurityMessagesTest(CtlMixin, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_server(cls, "tls-cli")

    @classmethod
    def tearDownClass(cls):
        stop_server(cls)

    def test_reader_may_not_create(self):
        dataset_id = f"tls-reader-create-{T.unique_suffix()}"
        path = self.write_dataset(dataset_id)
        err = self.fails(EXIT_PERMISSION_DENIED, "reader", "dataset", "create", "-f", path)
        self.assertIn("permission denied", err.lower())
        self.assertIn("PERMISSION_DENIED", err)
        self.assertIn('"reader"', err)
        self.assertIn("CreateDataset", err)
        # Denied calls are audited.
        denied = self.audit_events("--principal", "reader", "--method", "CreateDataset",
                                   "--code", "PERMISSION_DENIED")
        self.assertTrue(denied, "the denied CreateDataset is in the audit trail")
        self.assertEqual(denied[-1]["codeName"], "PERMISSION_DENIED")
        self.assertEqual(denied[-1]["code"], EXIT_PERMISSION_DENIED)

    def test_unknown_principal_is_denied_everything(self):
        name = f"onbekende-{T.unique_suffix()}"
        ca_copy = os.path.join(self.work_dir, f"ca-{name}")
        os.makedirs(ca_copy)
        for file in ("ca.pem", "ca.key"):
            shutil.copy(T.cert_path(file), ca_copy)
        subprocess.run(["bash", os.path.join(source_dir(), "scripts", "issue-client-cert.sh"),
                        ca_copy, name], check=True, capture_output=True, timeout=OPENSSL_TIMEOUT)
        for args in (("dataset", "list"), ("dataset", "get", "brp-ingezetenen"),
                     ("audit", "verify")):
            with self.subTest(args=args):
                err = self.fails(EXIT_PERMISSION_DENIED, name, *args, certs=ca_copy)
                self.assertIn("permission denied", err.lower())
                self.assertIn(f'"{name}"', err)
                self.assertIn("not known to the access policy", err)
        self.assertTrue(self.audit_events("--principal", name),
                        "the unknown principal's calls are audited")

    def test_reader_may_not_read_the_audit_trail(self):
        for args in (("audit", "list"), ("audit", "verify")):
            with self.subTest(args=args):
                err = self.fails(EXIT_PERMISSION_DENIED, "reader", *args)
                self.assertIn("permission denied", err.lower())
                self.assertIn('"reader"', err)

    def test_auditor_lists_and_verifies(self):
        dataset_id = f"tls-audited-{T.unique_suffix()}"
        self.ok("steward", "dataset", "create", "-f", self.write_dataset(dataset_id))
        self.ok("reader", "dataset", "get", dataset_id)

        table = self.ok("auditor", "audit", "list", "--resource", dataset_id, "--oldest-first")
        lines = table.splitlines()
        self.assertEqual(lines[0].split(), ["SEQ", "TIME", "PRINCIPAL", "METHOD", "RESOURCES",
                                            "PURPOSE", "OUTCOME"])
        rows = [line.split() for line in lines[1:]]
        self.assertEqual([(r[2], r[3], r[4], r[6]) for r in rows],
                         [("steward", "CreateDataset", f"datasets/{dataset_id}", "OK"),
                          ("reader", "GetDataset", f"datasets/{dataset_id}", "OK")], table)

        events = self.ok_json("auditor", "audit", "list", "--resource",
                              f"datasets/{dataset_id}", "--method", "GetDataset")["events"]
        self.assertEqual(len(events), 1, events)
        self.assertEqual(events[0]["principal"], "reader")
        self.assertEqual(events[0]["method"], "/catalog.v1.CatalogService/GetDataset")

        everything = self.audit_events()
        sequences = [int(e["sequence"]) for e in everything]
        self.assertEqual(sequences, list(range(sequences[0], sequences[0] + len(sequences))),
                         "--all --oldest-first: every sequence once, in order")
        # Every page request is audited too: read oldest first in pages of
        # one, the trail would grow as fast as it is read; the listing stops
        # at the entry that was the newest when it began.
        one_by_one = self.ok_json("auditor", "audit", "list", "--all", "--oldest-first",
                                  "--page-size", "1")["events"]
        sequences = [int(e["sequence"]) for e in one_by_one]
        self.assertEqual(sequences, list(range(1, len(sequences) + 1)))
        self.assertGreater(len(sequences), len(everything))
        paged = self.ok_json("auditor", "audit", "list", "--page-size", "2")
        self.assertEqual(len(paged["events"]), 2)
        self.assertTrue(paged["nextPageToken"])
        self.assertGreater(int(paged["events"][0]["sequence"]),
                           int(paged["events"][1]["sequence"]), "newest first")

        out = self.ok("auditor", "audit", "verify")
        match = re.fullmatch(r"audit trail intact: (\d+) entries\n", out)
        self.assertIsNotNone(match, out)
        self.assertGreaterEqual(int(match.group(1)), len(everything))
        verdict = self.ok_json("auditor", "audit", "verify")
        self.assertIs(verdict["intact"], True)
        self.assertGreaterEqual(int(verdict["entries"]), len(everything))

    def test_audit_list_rejects_bad_filters_before_calling(self):
        for args in (("--code", "NOT_A_CODE"), ("--code", "17"), ("--since", "gisteren"),
                     ("--since", "2024-05-02", "--until", "2024-05-01")):
            with self.subTest(args=args):
                self.fails(EXIT_USAGE, "auditor", "audit", "list", *args)


# ---- Purpose binding ----

class PurposeTest(CtlMixin, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        policy_dir = T.make_temp_dir("tls-purpose-policy")
        cls.policy_dir = policy_dir
        with open(dev_policy(), encoding="utf-8") as f:
            text = f.read()
        text, count = re.subn(r"(?m)^required_for\s*=.*$", 'required_for = ["reader"]', text)
        if count != 1:
            raise AssertionError("scripts/dev/policy.toml has no single required_for line")
        policy = os.path.join(policy_dir, "policy.toml")
        with open(policy, "w", encoding="utf-8") as f:
            f.write(text)
        start_server(cls, "tls-purpose", policy=policy)

    @classmethod
    def tearDownClass(cls):
        try:
            stop_server(cls)
        finally:
            T.remove_temp_dir(cls.policy_dir)

    def test_reader_needs_purpose_for_personal_data(self):
        suffix = T.unique_suffix()
        personal = f"tls-personal-{suffix}"
        plain = f"tls-plain-{suffix}"
        self.ok("steward", "dataset", "create", "-f",
                self.write_dataset(personal, personalData=PERSONAL_DATA))
        self.ok("steward", "dataset", "create", "-f", self.write_dataset(plain))

        err = self.fails(EXIT_FAILED_PRECONDITION, "reader", "dataset", "get", personal)
        self.assertIn("--purpose", err)
        self.assertIn("x-purpose", err)
        self.assertIn("FAILED_PRECONDITION", err)

        out = self.ok("reader", "dataset", "get", personal, "--purpose", "onderzoek")
        self.assertIn(personal, out)
        # A purpose the dataset does not declare (doelbinding).
        err = self.fails(EXIT_PERMISSION_DENIED, "reader", "dataset", "get", personal,
                         "--purpose", "nieuwsgierigheid")
        self.assertIn("declared purpose", err)
        self.assertNotIn("ask the catalogue's administrator for a role", err)
        env = base_env()
        env["CATALOG_PURPOSE"] = "onderzoek via env"
        self.ok("reader", "dataset", "get", personal, env=env)
        # No purpose needed for a dataset without personal data, nor for
        # roles the policy does not ask it of.
        self.ok("reader", "dataset", "get", plain)
        self.ok("steward", "dataset", "get", personal)

        events = self.audit_events("--principal", "reader", "--resource", personal)
        self.assertEqual([(e.get("purpose", ""), e.get("codeName")) for e in events],
                         [("", "FAILED_PRECONDITION"), ("onderzoek", "OK"),
                          ("nieuwsgierigheid", "PERMISSION_DENIED"),
                          ("onderzoek via env", "OK")], events)
        table = self.ok("auditor", "audit", "list", "--principal", "reader",
                        "--resource", personal, "--code", "OK")
        self.assertRegex(table, r"(?m)^\d+ .* reader +GetDataset +datasets/\S+ +onderzoek +OK$")


# ---- audit verify on a broken trail (a stand-in AuditService) ----

class BrokenTrailAuditService(audit_service_pb2_grpc.AuditServiceServicer):
    """Answers VerifyAuditTrail as catalogd does for a tampered trail. (A
    real tampered store needs the C++ test hook; see tests/security.)"""

    def VerifyAuditTrail(self, request, context):
        return audit_service_pb2.VerifyAuditTrailResponse(
            intact=False, entries=41, first_broken_sequence=17,
            problem="hash does not match the entry")


class AuditVerifyBrokenTrailTest(unittest.TestCase):
    def setUp(self):
        self.grpc_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        audit_service_pb2_grpc.add_AuditServiceServicer_to_server(
            BrokenTrailAuditService(), self.grpc_server)
        with open(T.cert_path("server.key"), "rb") as key, \
                open(T.cert_path("server.pem"), "rb") as cert, \
                open(T.cert_path("ca.pem"), "rb") as ca:
            credentials = grpc.ssl_server_credentials(
                [(key.read(), cert.read())], root_certificates=ca.read(),
                require_client_auth=True)
        self.port = self.grpc_server.add_secure_port("127.0.0.1:0", credentials)
        self.grpc_server.start()

    def tearDown(self):
        self.grpc_server.stop(grace=None)

    def test_broken_trail_is_reported_and_fails(self):
        flags = connection_flags(self.port, "auditor")
        result = ctl("audit", "verify", *flags)
        self.assertEqual(result.returncode, EXIT_CHECK_FAILED, describe(result))
        self.assertEqual(result.stdout,
                         "audit trail BROKEN at sequence 17: hash does not match the entry\n")
        self.assertIn("sequence 17", result.stderr)

        result = ctl("audit", "verify", "-o", "json", *flags)
        self.assertEqual(result.returncode, EXIT_CHECK_FAILED, describe(result))
        self.assertEqual(json.loads(result.stdout),
                         {"intact": False, "entries": "41", "firstBrokenSequence": "17",
                          "problem": "hash does not match the entry"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
