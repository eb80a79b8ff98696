"""Crash safety of the search index: acknowledged writes are found after
SIGKILL and restart (the indexer catches up from the change log), the
restart does not rebuild the index, and `catalogd reindex` gives the same
answers as the incremental index.

Two crash cycles on one data directory. In each, 4 writer threads (over
mutual TLS as "steward") create datasets titled "Zoekproef ..." and update
some of them (a new title word), and catalogd is killed with SIGKILL
0.3..0.9 s after the writes started (random.Random with the seed printed
below; CATALOG_SEARCH_CRASH_SEED overrides it) -- well inside the index's
100 ms commit interval of the last writes, so the index had (most likely)
not applied them. After each restart:
  * the log line "search index opened" shows the applied revision the index
    had committed before the kill (above 0 after the first cycle: not a
    fresh index), and no rebuild was logged;
  * with min_revision = the latest acknowledged revision, searching
    "zoekproef" as the steward finds every acknowledged dataset, and at
    most the unanswered one of each thread more; an acknowledged update's
    new title word finds it; the total equals the number of datasets
    ListDatasets shows.
Then catalogd is stopped (SIGTERM), a set of queries (as steward and
reader, with facets) is answered before and after `catalogd reindex`, and
the answers (names in order, totals, facets) must be equal; `catalogd
reindex` refuses a data directory a running catalogd holds. Finally the
index directory is deleted: the next start builds it from the store, with
the same answers.
"""

import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402

from catalog.v1 import catalog_service_pb2 as pb  # noqa: E402
from catalog.v1 import search_service_pb2 as spb  # noqa: E402
from catalog.v1 import search_service_pb2_grpc as sgrpc  # noqa: E402

SEED = T.crash_seed("CATALOG_SEARCH_CRASH_SEED", 20261207)
CYCLES = 2
WRITERS = 4
KILL_AFTER = (0.3, 0.9)
RPC_TIMEOUT = 10.0
OPENED = re.compile(r'msg="search index opened" applied_revision=(\d+) latest_revision=(\d+)')
QUERIES = ["zoekproef", "zoekpro*", "zoekproef NOT gewijzigd", "title:gewijzigd",
           '"zoekproef nummer"', "", "kraanwater OR gewijzigd"]


def call(stub, request):
    """SearchDatasets; UNAVAILABLE (the index not yet at min_revision after
    its 1 s wait) is tried again for up to 30 s."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return stub.SearchDatasets(request, timeout=RPC_TIMEOUT)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                raise


def search(stub, query, min_revision=0, facets=True, page_size=1000):
    return call(stub, spb.SearchDatasetsRequest(query=query, facets=facets, page_size=page_size,
                                                min_revision=min_revision))


def all_names(stub, query, min_revision):
    """The names of every hit, page by page."""
    request = spb.SearchDatasetsRequest(query=query, page_size=1000, min_revision=min_revision)
    names = []
    while True:
        response = call(stub, request)
        names += [h.name for h in response.hits]
        if not response.next_page_token:
            return names
        request.page_token = response.next_page_token


def answer(response):
    """What must agree between two indexes: names in order, total, facets."""
    facets = {f.facet: dict(f.counts) for f in response.facets}
    return ([h.name for h in response.hits], response.total, facets)


class Writer:
    """One thread's datasets: acknowledged ids, updated ids, the unanswered
    create (if any) and the highest revision acknowledged."""

    def __init__(self, number, cycle_number, rng):
        self.prefix = f"zk-c{cycle_number}-w{number}"
        self.rng = rng
        self.acked = set()
        self.updated = set()
        self.pending = None
        self.revision = 0

    def run(self, cycle, port):
        channel = T.secure_channel(port, "steward")
        stub = T.catalog_stub(channel)
        try:
            for n in range(100000):
                if cycle.stop.is_set():
                    return
                if self.acked and self.rng.random() < 0.2:
                    self.update(stub, cycle, self.rng.choice(sorted(self.acked)))
                else:
                    self.create(stub, cycle, f"{self.prefix}-{n:05d}")
        finally:
            channel.close()

    def create(self, stub, cycle, dataset_id):
        dataset = T.make_dataset(dataset_id, title=f"Zoekproef nummer {dataset_id}",
                                 description="Kraanwater en leidingen")
        self.pending = dataset_id
        try:
            created = stub.CreateDataset(pb.CreateDatasetRequest(dataset=dataset),
                                         timeout=RPC_TIMEOUT)
        except grpc.RpcError as error:
            cycle.rpc_failed("create", error)
            cycle.stop.set()
            return
        self.pending = None
        self.acked.add(dataset_id)
        self.revision = max(self.revision, created.revision)
        cycle.acked("create")

    def update(self, stub, cycle, dataset_id):
        dataset = T.make_dataset(dataset_id, title=f"Zoekproef gewijzigd {dataset_id}",
                                 description="Kraanwater en leidingen")
        request = pb.UpdateDatasetRequest(dataset=dataset)
        request.update_mask.paths.append("title")
        try:
            updated = stub.UpdateDataset(request, timeout=RPC_TIMEOUT)
        except grpc.RpcError as error:
            cycle.rpc_failed("update", error)
            cycle.stop.set()
            return
        self.updated.add(dataset_id)
        self.revision = max(self.revision, updated.revision)
        cycle.acked("update")


class SearchCrashTest(unittest.TestCase):
    def setUp(self):
        self.work_dir = T.make_temp_dir("search-crash")
        self.server = T.CatalogServer(self.work_dir)
        self.passed = False

    def tearDown(self):
        T.clean_up_after(self.server, self.work_dir, self.passed)

    def log(self):
        with open(self.server.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def opened(self):
        """(applied, latest) of the last start's "search index opened"; a
        committed index (applied > 0) is caught up, never rebuilt."""
        log = self.log()
        match = OPENED.search(log)
        self.assertIsNotNone(match, self.server.log_tail())
        applied, latest = int(match.group(1)), int(match.group(2))
        if applied > 0:
            self.assertNotIn("rebuil", log, self.server.log_tail())
            self.assertNotIn("building it from the store", log, self.server.log_tail())
        return applied, latest

    def crash_cycle(self, number, rng, writers_so_far, applied_floor):
        port = self.server.start()
        applied, latest = self.opened()
        print(f"cycle {number}: index opened at applied revision {applied} of {latest}")
        self.assertGreaterEqual(applied, applied_floor, "the committed index was kept")
        self.check_found(port, writers_so_far)
        floor = max([w.revision for w in writers_so_far], default=0)
        cycle = T.CrashCycle(number)
        writers = [Writer(i, number, rng) for i in range(WRITERS)]
        threads = [threading.Thread(target=cycle.run, args=(w.run, port), name=f"w{i}")
                   for i, w in enumerate(writers)]
        alive = T.run_until_killed(self.server, cycle, threads, rng.uniform(*KILL_AFTER))
        self.assertEqual(alive, [], "writer threads hung")
        self.assertEqual(cycle.errors, [])
        print(f"cycle {number}: acknowledged {dict(cycle.acks)}, failed by the kill "
              f"{dict(cycle.after_kill)}")
        self.assertGreater(cycle.acks["create"], 0)
        return writers, floor

    def check_found(self, port, writers):
        if not writers:
            return
        channel = T.secure_channel(port, "steward")
        try:
            stub = sgrpc.SearchServiceStub(channel)
            revision = max(w.revision for w in writers)
            found = set(all_names(stub, "zoekproef", revision))
            changed = set(all_names(stub, "gewijzigd", revision))
            listed = T.list_all(T.catalog_stub(channel), pb.ListDatasetsRequest())
            total = search(stub, "zoekproef", revision, False, 1).total
        finally:
            channel.close()
        acked = {f"datasets/{i}" for w in writers for i in w.acked}
        pending = {f"datasets/{w.pending}" for w in writers if w.pending}
        self.assertEqual(acked - found, set(), "acknowledged datasets missing from search")
        self.assertEqual(found - acked - pending, set(), "unknown datasets found")
        updated = {f"datasets/{i}" for w in writers for i in w.updated}
        self.assertEqual(updated - changed, set(), "acknowledged updates not indexed")
        self.assertEqual(total, len(listed))

    def answers(self, port, min_revision=0):
        result = {}
        for principal in ("steward", "reader"):
            channel = T.secure_channel(port, principal)
            try:
                stub = sgrpc.SearchServiceStub(channel)
                for query in QUERIES:
                    result[(principal, query)] = answer(search(stub, query, min_revision))
            finally:
                channel.close()
        return result

    def test_writes_survive_sigkill_and_reindex_agrees(self):
        print(f"seed {SEED} (CATALOG_SEARCH_CRASH_SEED to repeat)")
        rng = random.Random(SEED)
        writers, applied_floor = [], 0
        for number in range(CYCLES):
            new_writers, applied_floor = self.crash_cycle(number, rng, writers, applied_floor)
            writers += new_writers
        # The last cycle's writes, caught up after its kill.
        port = self.server.start()
        applied, latest = self.opened()
        print(f"final start: index opened at applied revision {applied} of {latest}"
              f"{' (caught up from the change log)' if applied < latest else ''}")
        self.assertGreaterEqual(applied, max(applied_floor, 1), "the committed index was kept")
        self.check_found(port, writers)
        busy = subprocess.run([T.catalogd_path(), "reindex", "--data-dir", self.server.data_dir],
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(busy.returncode, 0, "reindex refuses a running server's directory")
        before = self.answers(port)
        self.assertEqual(self.server.stop(), 0)

        reindex = subprocess.run([T.catalogd_path(), "reindex", "--data-dir",
                                  self.server.data_dir], capture_output=True, text=True,
                                 timeout=120)
        self.assertEqual(reindex.returncode, 0, reindex.stdout + reindex.stderr)
        self.assertIn("search index rebuilt", reindex.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "search.new")))
        port = self.server.start()
        after = self.answers(port)
        for key in before:
            self.assertEqual(after[key], before[key], f"{key}: reindex answers differently")
        self.assertEqual(self.server.stop(), 0)

        # Without an index (deleted, or the first start with search), the
        # server builds it from the store.
        shutil.rmtree(os.path.join(self.server.data_dir, "search"))
        port = self.server.start()
        # The build runs beside serving: wait for it through min_revision.
        rebuilt = self.answers(port, max(w.revision for w in writers))
        self.assertIn("building it from the store", self.log())
        for key in before:
            self.assertEqual(rebuilt[key], before[key], f"{key}: built index answers differently")
        self.assertEqual(self.server.stop(), 0)
        T.assert_check_passes(self, self.server.data_dir, "after the reindex")
        self.passed = True


if __name__ == "__main__":
    unittest.main()
