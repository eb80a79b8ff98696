"""catalogd's log is one format: every line on stderr is
`ts=... level=... key=value`, including gRPC's own lines (a refused TLS
handshake), which come through the structured logger as component=grpc.
"""
import os
import re
import socket
import ssl
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import catalog_testlib as lib  # noqa: E402

import grpc  # noqa: E402
from catalog.v1 import catalog_service_pb2 as pb  # noqa: E402

LINE = re.compile(r'^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z level=(trace|debug|info|warning|'
                  r'error|critical) \S+=')


class ServerLogFormatTest(unittest.TestCase):
    def setUp(self):
        self.work = lib.make_temp_dir("server-log-")
        self.server = lib.CatalogServer(self.work)
        self.server.start()

    def tearDown(self):
        self.server.stop()
        lib.remove_temp_dir(self.work)

    def refused_handshakes(self):
        # A client certificate of another CA: the handshake fails in gRPC.
        other = lib.other_ca_certs_dir()
        channel = grpc.secure_channel(self.server.address, lib.channel_credentials(
            "steward", certs=other, ca=lib.certs_dir()))
        with self.assertRaises(grpc.RpcError):
            lib.catalog_stub(channel).ListDatasets(pb.ListDatasetsRequest(), timeout=5)
        channel.close()
        # Plain bytes where a TLS ClientHello belongs.
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                s.recv(100)
            except OSError:
                pass
        # TLS without a client certificate.
        context = ssl.create_default_context(cafile=lib.cert_path("ca.pem"))
        context.check_hostname = False
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as raw:
            try:
                with context.wrap_socket(raw) as tls:
                    tls.recv(100)
            except (ssl.SSLError, OSError):
                pass

    def test_every_line_is_structured_including_grpc_lines(self):
        self.refused_handshakes()
        deadline = time.monotonic() + 10
        while True:
            with open(self.server.log_path, encoding="utf-8", errors="replace") as log:
                lines = log.read().splitlines()
            if any("component=grpc" in line for line in lines) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if os.environ.get("SHOW_LOG"):
            print("\n".join(lines))
        self.assertTrue(lines, "catalogd wrote no log")
        for line in lines:
            self.assertRegex(line, LINE)
        grpc_lines = [line for line in lines if "component=grpc" in line]
        self.assertTrue(grpc_lines, "no gRPC line came through the logger:\n" + "\n".join(lines))
        for line in grpc_lines:
            self.assertRegex(line, r' msg="[^"\n]*(\\"[^"\n]*)*" source=[\w.]+:\d+$')
        self.assertTrue(any("andshake" in line for line in grpc_lines), "\n".join(grpc_lines))


if __name__ == "__main__":
    unittest.main(verbosity=2)
