"""catalogd re-reads its access policy on SIGHUP, without a restart and
without dropping connections.

The file watcher would also pick a change up within seconds, so the new
policy is written with the same size and the old modification time: the
watcher sees nothing, and only the signal can explain the change.
"""
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import catalog_testlib as lib  # noqa: E402

import grpc  # noqa: E402
from catalog.v1 import catalog_service_pb2 as pb  # noqa: E402

SECRET = "vertrouwelijk-register"


def grants(reader_clearance):
    return [
        {"principal": "admin", "roles": ["admin"], "clearance": "zeer_geheim"},
        {"principal": "reader", "roles": ["reader"], "clearance": reader_clearance},
    ]


class SighupReloadTest(unittest.TestCase):
    def setUp(self):
        self.work = lib.make_temp_dir("sighup-")
        self.policy = os.path.join(self.work, "policy.toml")
        # "intern" and "geheim" have the same length: the file keeps its size.
        lib.write_policy(self.policy, grants("intern"))
        self.server = lib.CatalogServer(self.work, policy=self.policy)
        self.server.start()

    def tearDown(self):
        self.server.stop()
        lib.remove_temp_dir(self.work)

    def reader_get(self, stub):
        try:
            stub.GetDataset(pb.GetDatasetRequest(id=SECRET), timeout=lib.RPC_TIMEOUT)
            return grpc.StatusCode.OK
        except grpc.RpcError as error:
            return error.code()

    def test_sighup_applies_a_changed_policy_on_open_connections(self):
        admin = lib.catalog_stub(lib.secure_channel(self.server.port, "admin"))
        dataset = lib.make_dataset(SECRET, classification={
            "confidentiality": "CONFIDENTIALITY_VERTROUWELIJK"})
        admin.CreateDataset(pb.CreateDatasetRequest(dataset=dataset), timeout=lib.RPC_TIMEOUT)
        reader = lib.catalog_stub(lib.secure_channel(self.server.port, "reader"))
        self.assertEqual(self.reader_get(reader), grpc.StatusCode.NOT_FOUND)

        before = os.stat(self.policy)
        lib.write_policy(self.policy, grants("geheim"))
        os.utime(self.policy, ns=(before.st_atime_ns, before.st_mtime_ns))
        self.assertEqual(os.stat(self.policy).st_size, before.st_size)
        time.sleep(3)  # Longer than the watcher's interval: it must not have reloaded.
        self.assertEqual(self.reader_get(reader), grpc.StatusCode.NOT_FOUND)

        os.kill(self.server.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 10
        outcome = None
        while time.monotonic() < deadline:
            outcome = self.reader_get(reader)  # Same channel: not dropped.
            if outcome == grpc.StatusCode.OK:
                break
            time.sleep(0.1)
        self.assertEqual(outcome, grpc.StatusCode.OK)
        self.assertTrue(self.server.running())

    def test_sighup_with_a_broken_policy_keeps_the_old_one(self):
        reader = lib.catalog_stub(lib.secure_channel(self.server.port, "reader"))
        request = pb.ListDatasetsRequest()
        reader.ListDatasets(request, timeout=lib.RPC_TIMEOUT)
        with open(self.policy, "w", encoding="utf-8") as f:
            f.write("[[grant]]\nprincipal = \"reader\"\nroles = [\"nonsense\"]\n")
        os.kill(self.server.process.pid, signal.SIGHUP)
        time.sleep(1)
        self.assertTrue(self.server.running())
        reader.ListDatasets(request, timeout=lib.RPC_TIMEOUT)  # Still allowed.
        with open(self.server.log_path, encoding="utf-8", errors="replace") as log:
            self.assertIn("policy not reloaded", log.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
