"""Crash safety of lineage: acknowledged edge and dataset changes survive
SIGKILL, forced deletes and OpenLineage intakes are all or nothing, and the
in-memory graph rebuilt on open agrees with the store.

Four cycles on one data directory. In each, catalogd is (re)started and
checked against everything learnt so far, then 8 writer threads (over mutual
TLS: "steward" for creates, edges and intake, "admin" for forced deletes)
change the lineage graph, and catalogd is killed with SIGKILL 0.4..1.4 s
after the writes started (random.Random with the seed printed below;
CATALOG_LINEAGE_CRASH_SEED overrides it). Three external parties are
registered before the first cycle.

Each thread owns its datasets (ids "lc-wNN-..."), and all edges touching
them, and does a random mix of: create a dataset; create an edge between
two of its datasets (DERIVED) or to a party (DELIVERY with purpose and legal
basis); delete one of its edges; delete one of its datasets that has edges
with force (as admin: the edges go in the same atomic write); and ingest an
OpenLineage event of its own job with one input and one output of
thread-unique names, which creates two stub datasets and the edge between
them in one atomic write (the stubs and the edge then join the thread's
pool). A thread waits for each answer before it sends the next request, so
when the kill comes at most one request per thread is unanswered: what the
thread knows of its datasets and edges is exact but for that one request.

After every restart:
  * the unanswered request of each thread either landed whole or not at all:
    a dataset or edge create is present or absent; a forced delete is whole
    (dataset gone and all its edges gone) or not applied (dataset and all
    its edges present), never half; an intake has both stubs and the edge,
    or none of them;
  * every dataset and edge present is exactly one the threads know to be
    there, nothing acknowledged is missing, nothing deleted (acknowledged)
    is back; each is as sent (fields, relation, purpose and legal basis of
    deliveries, process and run of intake edges) with its revision
    unchanged; every edge's endpoints exist;
  * every edge known is found by GetEdge as admin, and each edge deleted
    since the last check is NOT_FOUND;
  * a forced delete (acknowledged, or unanswered and landed) is complete:
    GetDataset says NOT_FOUND, and ListEdges of each former neighbour
    names no edge to or from it;
  * the in-memory graph agrees with the store: for a sample of datasets
    (and the former neighbours of forced deletes) GetLineage depth 1
    downstream (upstream) names, minus the root, exactly the targets
    (sources) of ListEdges out (in), which are exactly the known edges;
    the same for the deliveries into each party;
  * revisions never go backwards: every revision acknowledged after a
    restart is above every revision seen before it, and the replay of an
    acknowledged intake (which writes nothing) reports a catalogue
    revision not below any seen.
`catalogd check` (lineage out/in entries and their endpoints) must pass
after every crash and after the final SIGTERM.
"""

import collections
import os
import random
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402

from catalog.v1 import catalog_service_pb2 as pb  # noqa: E402
from catalog.v1 import dataset_pb2  # noqa: E402
from catalog.v1 import lineage_pb2  # noqa: E402
from catalog.v1 import lineage_service_pb2 as lpb  # noqa: E402

SEED = T.crash_seed("CATALOG_LINEAGE_CRASH_SEED", 20241205)
CYCLES = 4
WRITERS = 8
KILL_AFTER = (0.4, 1.4)  # seconds after the writes start
MAX_OPS_PER_WRITER = 1500  # per cycle; the kill comes long before
RPC_TIMEOUT = 10.0
GRAPH_SAMPLE = 60  # datasets per check whose graph neighbourhood is compared
DOMAIN = "Lineage crashtest"
OL_NAMESPACE = "lineage-crashtest"
DERIVED_PROCESS = "crashtest-etl"
PURPOSE = "Aanlevering voor de crash test"
LEGAL_BASIS = dataset_pb2.LEGAL_BASIS_WETTELIJKE_VERPLICHTING
PARTIES = (
    ("lc-belastingdienst", "Belastingdienst", lineage_pb2.PARTY_KIND_BELASTINGDIENST),
    ("lc-cbs", "CBS", lineage_pb2.PARTY_KIND_CBS),
    ("lc-leverancier", "Leverancier", lineage_pb2.PARTY_KIND_LEVERANCIER),
)
# Operations and their weights in a writer's mix.
CREATE_DATASET, CREATE_EDGE, DELETE_EDGE, FORCE_DELETE, INGEST = (
    "create dataset", "create edge", "delete edge", "forced delete", "ingest")
MIX = {CREATE_DATASET: 22, CREATE_EDGE: 38, DELETE_EDGE: 12, FORCE_DELETE: 10, INGEST: 18}
NOT_FOUND = grpc.StatusCode.NOT_FOUND


def dataset_name(dataset_id):
    return f"datasets/{dataset_id}"


def party_name(party_id):
    return f"parties/{party_id}"


def id_of(name):
    return name.split("/", 1)[1]


def edge_text(key):
    return f"{key[0]} -> {key[1]}"


class KnownDataset:
    """A dataset of a writer: one it created (`sent`) or an intake stub
    (`ol_name`). `revision` is None until read back when unacknowledged."""

    __slots__ = ("id", "sent", "ol_name", "revision")

    def __init__(self, dataset_id, sent=None, ol_name=None, revision=None):
        self.id = dataset_id
        self.sent = sent
        self.ol_name = ol_name
        self.revision = revision

    def problems(self, stored):
        if self.sent is not None:
            if T.without_bookkeeping(stored) != T.normalized(self.sent):
                return [f"{self.id}: not as sent:\n{stored}"]
        elif (stored.title != self.ol_name or stored.status != dataset_pb2.DATASET_STATUS_CONCEPT
              or [(n.namespace, n.name) for n in stored.openlineage_names]
              != [(OL_NAMESPACE, self.ol_name)]):
            return [f"{self.id}: not the stub of OpenLineage dataset {self.ol_name}:\n{stored}"]
        if self.revision is not None and stored.revision != self.revision:
            return [f"{self.id}: revision {stored.revision}, was {self.revision}"]
        return []


class KnownEdge:
    """An edge of a writer: a DERIVED edge or a DELIVERY it created, or the
    edge of an intake (`run_id`)."""

    __slots__ = ("key", "relation", "run_id", "revision")

    def __init__(self, key, relation, run_id=None, revision=None):
        self.key = key
        self.relation = relation
        self.run_id = run_id
        self.revision = revision

    def request(self):
        edge = lineage_pb2.LineageEdge(source=self.key[0], target=self.key[1],
                                       relation=self.relation)
        if self.relation == lineage_pb2.LINEAGE_RELATION_DELIVERY:
            edge.purpose = PURPOSE
            edge.legal_basis = LEGAL_BASIS
        else:
            edge.process = DERIVED_PROCESS
        return edge

    def problems(self, stored, job):
        text = edge_text(self.key)
        if T.edge_key(stored) != self.key or stored.relation != self.relation:
            return [f"{text}: stored as {edge_text(T.edge_key(stored))} relation "
                    f"{stored.relation}"]
        if self.run_id is not None:
            fine = stored.process == job and stored.last_run.run_id == self.run_id
        elif self.relation == lineage_pb2.LINEAGE_RELATION_DELIVERY:
            fine = stored.purpose == PURPOSE and stored.legal_basis == LEGAL_BASIS
        else:
            fine = stored.process == DERIVED_PROCESS
        if not fine:
            return [f"{text}: not as sent:\n{stored}"]
        if self.revision is not None and stored.revision != self.revision:
            return [f"{text}: revision {stored.revision}, was {self.revision}"]
        return []


class Op:
    """One request of a writer: its kind and what it adds and removes."""

    __slots__ = ("kind", "datasets", "edges", "removed", "removed_edges", "event")

    def __init__(self, kind, datasets=(), edges=(), removed=None, removed_edges=(), event=None):
        self.kind = kind
        self.datasets = list(datasets)  # KnownDataset created
        self.edges = list(edges)  # KnownEdge created
        self.removed = removed  # dataset id deleted
        self.removed_edges = list(removed_edges)  # edge keys deleted
        self.event = event  # OpenLineage event JSON

    def describe(self):
        parts = [d.id for d in self.datasets] + [edge_text(e.key) for e in self.edges]
        if self.removed:
            parts.append(f"-{self.removed}")
        parts += [f"-({edge_text(k)})" for k in self.removed_edges]
        return f"{self.kind} {', '.join(parts)}"


class Writer:
    """What one thread has written. Only the thread changes it while writes
    run; the main thread reads and resolves it after they stopped."""

    def __init__(self, index):
        self.index = index
        self.prefix = f"lc-w{index:02d}"
        self.job = f"lineage_crashtest.writer_{index:02d}"
        self.serial = 0
        self.datasets = {}  # id -> KnownDataset, present
        self.edges = {}  # key -> KnownEdge, present
        self.gone_datasets = set()  # ids deleted, or creates that did not land
        self.gone_edges = set()
        self.pending = None  # the Op unanswered at the kill
        self.deletes = []  # (id, former edge keys): forced deletes since the last check
        self.deleted_edges = []  # edge keys deleted since the last check
        self.ingests = []  # Ops of intakes that landed
        self.last_revision = 0  # of the newest acknowledgement in this cycle

    def edges_of(self, dataset_id):
        name = dataset_name(dataset_id)
        return [key for key in self.edges if name in key]

    def choose(self, rng):
        """The next request, from what the thread knows is stored."""
        ids = sorted(self.datasets)
        kinds = list(MIX)
        kind = rng.choices(kinds, [MIX[k] for k in kinds])[0]
        if kind == CREATE_EDGE and len(ids) >= 2:
            for _ in range(10):
                source = dataset_name(rng.choice(ids))
                if rng.random() < 0.3:
                    key, relation = ((source, party_name(rng.choice(PARTIES)[0])),
                                     lineage_pb2.LINEAGE_RELATION_DELIVERY)
                else:
                    key, relation = ((source, dataset_name(rng.choice(ids))),
                                     lineage_pb2.LINEAGE_RELATION_DERIVED)
                if key[0] != key[1] and key not in self.edges:
                    return Op(kind, edges=[KnownEdge(key, relation)])
        if kind == DELETE_EDGE and self.edges:
            return Op(kind, removed_edges=[rng.choice(sorted(self.edges))])
        if kind == FORCE_DELETE:
            linked = [i for i in ids if self.edges_of(i)]
            if linked:
                victim = rng.choice(linked)
                return Op(kind, removed=victim, removed_edges=self.edges_of(victim))
        self.serial += 1
        if kind == INGEST:
            names = [f"{self.prefix}-ol{self.serial:05d}-{end}" for end in ("in", "out")]
            run_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            event = T.openlineage_event(OL_NAMESPACE, self.job, run_id,
                                        inputs=[(OL_NAMESPACE, names[0])],
                                        outputs=[(OL_NAMESPACE, names[1])])
            # A stub's id is the slug of its name: the names are slugs.
            edge = KnownEdge((dataset_name(names[0]), dataset_name(names[1])),
                             lineage_pb2.LINEAGE_RELATION_DERIVED, run_id=str(run_id))
            return Op(kind, datasets=[KnownDataset(n, ol_name=n) for n in names], edges=[edge],
                      event=event)
        dataset_id = f"{self.prefix}-{self.serial:05d}"
        sent = T.make_dataset(dataset_id, title=f"Lineage crash test {dataset_id}", domain=DOMAIN,
                              owner=f"Schrijver {self.index}", tags=["lineage-crashtest"])
        return Op(CREATE_DATASET, datasets=[KnownDataset(dataset_id, sent=sent)])

    def send(self, op, catalog, lineage, admin):
        """Sends `op`; returns the revision acknowledged and problems of the
        answer."""
        if op.kind == CREATE_DATASET:
            stored = catalog.CreateDataset(pb.CreateDatasetRequest(dataset=op.datasets[0].sent),
                                           timeout=RPC_TIMEOUT)
            return stored.revision, op.datasets[0].problems(stored)
        if op.kind == CREATE_EDGE:
            stored = lineage.CreateEdge(lpb.CreateEdgeRequest(edge=op.edges[0].request()),
                                        timeout=RPC_TIMEOUT)
            return stored.revision, op.edges[0].problems(stored, self.job)
        if op.kind == DELETE_EDGE:
            source, target = op.removed_edges[0]
            response = lineage.DeleteEdge(lpb.DeleteEdgeRequest(source=source, target=target),
                                          timeout=RPC_TIMEOUT)
            return response.revision, []
        if op.kind == FORCE_DELETE:
            response = admin.DeleteDataset(pb.DeleteDatasetRequest(id=op.removed, force=True),
                                           timeout=RPC_TIMEOUT)
            return response.revision, []
        response = lineage.IngestOpenLineage(lpb.IngestOpenLineageRequest(events=[op.event]),
                                             timeout=RPC_TIMEOUT)
        expected = sorted(d.id for d in op.datasets)
        if (sorted(response.datasets_created) != expected or response.edges_created != 1
                or response.edges_updated != 0 or response.events != 1):
            return response.revision, [f"intake of {expected}: answered {response}"]
        return response.revision, []

    def apply(self, op):
        """Takes `op` as stored."""
        for dataset in op.datasets:
            self.datasets[dataset.id] = dataset
        for edge in op.edges:
            self.edges[edge.key] = edge
            self.gone_edges.discard(edge.key)
        if op.removed:
            del self.datasets[op.removed]
            self.gone_datasets.add(op.removed)
            self.deletes.append((op.removed, list(op.removed_edges)))
        for key in op.removed_edges:
            del self.edges[key]
            self.gone_edges.add(key)
            if not op.removed:
                self.deleted_edges.append(key)
        if op.kind == INGEST:
            self.ingests.append(op)

    def discard(self, op):
        """Takes `op` as not stored (an unanswered request that did not land)."""
        self.gone_datasets.update(d.id for d in op.datasets)
        self.gone_edges.update(e.key for e in op.edges)

    def write(self, cycle, catalog, lineage, admin, rng):
        """Sends requests until the stop event or a failed RPC."""
        self.last_revision = 0
        for _ in range(MAX_OPS_PER_WRITER):
            if cycle.stop.is_set():
                return
            op = self.choose(rng)
            self.pending = op
            try:
                revision, problems = self.send(op, catalog, lineage, admin)
            except grpc.RpcError as error:
                cycle.rpc_failed(op.kind, error)
                return
            self.pending = None
            for problem in problems:
                cycle.violation(problem)
            if revision <= max(cycle.revision_floor, self.last_revision):
                cycle.violation(f"{op.describe()}: acknowledged with revision {revision}, not "
                                f"above {self.last_revision} (this thread's last) and "
                                f"{cycle.revision_floor} (the highest before the restart)")
            self.last_revision = max(self.last_revision, revision)
            for dataset in op.datasets:
                if op.kind == CREATE_DATASET:
                    dataset.revision = revision
            for edge in op.edges:
                if op.kind == CREATE_EDGE:
                    edge.revision = revision
            self.apply(op)
            cycle.acked(op.kind)

    def resolve(self, datasets, edges):
        """Decides from the stored datasets and edges whether the unanswered
        request landed: whole or not at all. Returns (its kind, whether it
        landed, problems); (None, None, []) without one."""
        op, self.pending = self.pending, None
        if op is None:
            return None, None, []
        if op.kind == DELETE_EDGE:
            landed = [op.removed_edges[0] not in edges]
        elif op.kind == FORCE_DELETE:
            landed = [op.removed not in datasets] + [k not in edges for k in op.removed_edges]
        else:
            landed = [d.id in datasets for d in op.datasets] + [e.key in edges for e in op.edges]
        if all(landed):
            self.apply(op)
            return op.kind, True, []
        if not any(landed):
            self.discard(op)
            return op.kind, False, []
        return op.kind, None, [f"unanswered {op.describe()} is half applied: "
                               f"{sum(landed)} of {len(landed)} parts landed ({landed})"]


class LineageCrashTest(unittest.TestCase):
    def setUp(self):
        self.work_dir = T.make_temp_dir("lineage-crash-test")
        self.server = T.CatalogServer(self.work_dir)
        self.writers = [Writer(i) for i in range(WRITERS)]
        self.max_revision = 0  # highest revision seen (acknowledged or read)
        self.rng = random.Random(SEED)
        self.passed = False
        self.landed = collections.Counter()  # unanswered requests found landed, by kind
        self.unlanded = collections.Counter()  # and found not landed

    def tearDown(self):
        T.clean_up_after(self.server, self.work_dir, self.passed)

    def test_lineage_survives_sigkill(self):
        print(f"\nlineage crash test seed {SEED} (set CATALOG_LINEAGE_CRASH_SEED to repeat "
              f"another run)")
        started = time.monotonic()
        for number in range(1, CYCLES + 1):
            self.server.start()
            if number == 1:
                self.create_parties()
            else:
                self.verify(f"before cycle {number}")
            kill_after = self.rng.uniform(*KILL_AFTER)
            cycle = T.CrashCycle(number, self.max_revision)
            self.run_writes(cycle, kill_after)
            for writer in self.writers:
                self.max_revision = max(self.max_revision, writer.last_revision)
            print(f"cycle {number}: SIGKILL after {kill_after:.2f} s; acknowledged "
                  f"{dict(cycle.acks)}; failed by the kill {dict(cycle.after_kill)}")
            self.assertEqual(cycle.errors, [], "RPCs failed while catalogd was running")
            self.assertEqual(cycle.violations, [])
            self.assertGreaterEqual(sum(cycle.acks.values()), WRITERS,
                                    "too few writes were acknowledged to test anything")
            T.assert_check_passes(self, self.server.data_dir, f"after the crash of cycle {number}")

        self.server.start()
        self.verify("after the last crash")
        code = self.server.stop()
        self.assertEqual(code, 0, f"catalogd exit code after SIGTERM\n{self.server.log_tail()}")
        print("final catalogd check:\n" + T.assert_check_passes(
            self, self.server.data_dir, "after SIGTERM").strip())
        print(f"unanswered requests that landed {dict(self.landed)}, that did not "
              f"{dict(self.unlanded)}")
        print(f"lineage crash test took {time.monotonic() - started:.1f} s")
        self.passed = True

    def create_parties(self):
        channel = T.secure_channel(self.server.port, "steward")
        try:
            stub = T.lineage_stub(channel)
            for party_id, name, kind in PARTIES:
                stub.CreateParty(lpb.CreatePartyRequest(party=lineage_pb2.ExternalParty(
                    id=party_id, name=name, kind=kind)), timeout=RPC_TIMEOUT)
        finally:
            channel.close()

    def run_writes(self, cycle, kill_after):
        channels = []
        try:
            threads = []
            for writer in self.writers:
                steward = T.secure_channel(self.server.port, "steward")
                admin = T.secure_channel(self.server.port, "admin")
                channels += [steward, admin]
                threads.append(threading.Thread(
                    target=cycle.run, name=f"writer-{writer.index}",
                    args=(writer.write, T.catalog_stub(steward), T.lineage_stub(steward),
                          T.catalog_stub(admin), random.Random(self.rng.random()))))
            alive = T.run_until_killed(self.server, cycle, threads, kill_after)
            self.assertEqual(alive, [], "threads still running after the kill")
        finally:
            for channel in channels:
                channel.close()

    def verify(self, when):
        """Checks the restarted catalogd against the writers (see the module
        docstring); resolves their unanswered requests."""
        steward = T.secure_channel(self.server.port, "steward")
        admin = T.secure_channel(self.server.port, "admin")
        problems = []
        try:
            catalog, lineage = T.catalog_stub(admin), T.lineage_stub(admin)
            datasets = {d.id: d for d in T.list_all(catalog, pb.ListDatasetsRequest(
                page_size=1000), timeout=RPC_TIMEOUT)}
            edges = {T.edge_key(e): e for e in T.list_edges(lineage)}
            for writer in self.writers:
                kind, landed, half = writer.resolve(datasets, edges)
                problems += half
                if landed is not None:
                    (self.landed if landed else self.unlanded)[kind] += 1
            problems += self.verify_contents(datasets, edges)
            problems += self.verify_gets(catalog, lineage)
            deletes = [d for w in self.writers for d in w.deletes]
            problems += self.verify_forced_deletes(catalog, lineage, deletes)
            problems += self.verify_graph(lineage, deletes)
            for d in datasets.values():
                self.max_revision = max(self.max_revision, d.revision)
            for e in edges.values():
                self.max_revision = max(self.max_revision, e.revision)
            problems += self.verify_latest_revision(T.lineage_stub(steward))
        finally:
            steward.close()
            admin.close()
        for writer in self.writers:
            writer.deletes, writer.deleted_edges = [], []
        print(f"verified {when}: {len(datasets)} datasets, {len(edges)} edges, "
              f"{len(deletes)} forced deletes since the last check; unanswered requests so far "
              f"landed {dict(self.landed)}, not landed {dict(self.unlanded)}; highest revision "
              f"{self.max_revision}")
        if problems:
            self.fail(f"{when}: {len(problems)} problems:\n" + "\n".join(problems[:50]))

    def verify_contents(self, datasets, edges):
        """The stored datasets and edges are exactly the known ones, as sent."""
        problems = []
        known_datasets, known_edges = {}, {}
        for writer in self.writers:
            known_datasets.update(writer.datasets)
            known_edges.update({key: (writer, edge) for key, edge in writer.edges.items()})
            for dataset_id in writer.gone_datasets:
                if dataset_id in datasets and dataset_id not in writer.datasets:
                    problems.append(f"{dataset_id}: present, but deleted or never landed")
            for key in writer.gone_edges:
                if key in edges and key not in writer.edges:
                    problems.append(f"{edge_text(key)}: present, but deleted or never landed")
        for dataset_id, known in known_datasets.items():
            stored = datasets.get(dataset_id)
            if stored is None:
                problems.append(f"{dataset_id}: known (revision {known.revision}) but missing")
                continue
            problems += known.problems(stored)
            known.revision = stored.revision
        for dataset_id in datasets:
            if dataset_id not in known_datasets:
                problems.append(f"{dataset_id}: present, but never known to be there")
        parties = {party_name(p[0]) for p in PARTIES}
        for key, stored in edges.items():
            if key not in known_edges:
                problems.append(f"{edge_text(key)}: present, but never known to be there")
            if id_of(key[0]) not in datasets or (key[1] not in parties and
                                                 id_of(key[1]) not in datasets):
                problems.append(f"{edge_text(key)}: an endpoint does not exist")
        for key, (writer, known) in known_edges.items():
            stored = edges.get(key)
            if stored is None:
                problems.append(f"{edge_text(key)}: known (revision {known.revision}) but "
                                f"missing")
                continue
            problems += known.problems(stored, writer.job)
            known.revision = stored.revision
        return problems

    def verify_gets(self, catalog, lineage):
        """GetEdge finds every known edge; edges deleted since the last check
        (and not created again) are NOT_FOUND."""
        problems = []
        for writer in self.writers:
            for key, known in sorted(writer.edges.items()):
                try:
                    stored = lineage.GetEdge(lpb.GetEdgeRequest(source=key[0], target=key[1]),
                                             timeout=RPC_TIMEOUT)
                    problems += known.problems(stored, writer.job)
                except grpc.RpcError as error:
                    problems.append(f"{edge_text(key)}: GetEdge {error.code()} "
                                    f"{error.details()}")
            gone = [k for k in writer.deleted_edges if k not in writer.edges]
            gone += [k for _, keys in writer.deletes for k in keys if k not in writer.edges]
            for key in gone:
                problems += self.expect_not_found(
                    f"deleted edge {edge_text(key)}: GetEdge", lineage.GetEdge,
                    lpb.GetEdgeRequest(source=key[0], target=key[1]))
        return problems

    @staticmethod
    def expect_not_found(what, call, request):
        try:
            found = call(request, timeout=RPC_TIMEOUT)
        except grpc.RpcError as error:
            if error.code() == NOT_FOUND:
                return []
            return [f"{what}: {error.code()} {error.details()}"]
        return [f"{what}: found {found}"]

    def verify_forced_deletes(self, catalog, lineage, deletes):
        """Each forced delete since the last check is complete."""
        problems = []
        present = {dataset_name(i) for w in self.writers for i in w.datasets}
        present |= {party_name(p[0]) for p in PARTIES}
        for dataset_id, keys in deletes:
            name = dataset_name(dataset_id)
            problems += self.expect_not_found(f"force-deleted {dataset_id}: GetDataset",
                                              catalog.GetDataset,
                                              pb.GetDatasetRequest(id=dataset_id))
            problems += self.expect_not_found(f"force-deleted {dataset_id}: ListEdges",
                                              lineage.ListEdges, lpb.ListEdgesRequest(node=name))
            neighbours = {n for key in keys for n in key if n != name and n in present}
            for neighbour in sorted(neighbours):
                for edge in T.list_edges(lineage, neighbour, lpb.EDGE_DIRECTION_BOTH):
                    if name in T.edge_key(edge):
                        problems.append(f"force-deleted {dataset_id}: ListEdges of its former "
                                        f"neighbour {neighbour} names {edge.name}")
        return problems

    def verify_graph(self, lineage, deletes):
        """GetLineage (the in-memory graph) == ListEdges (the store) == the
        known edges, one level down and up, for a sample of datasets, the
        former neighbours of forced deletes, and the deliveries into parties."""
        out, into = collections.defaultdict(set), collections.defaultdict(set)
        for writer in self.writers:
            for source, target in writer.edges:
                out[source].add(target)
                into[target].add(source)
        names = sorted(dataset_name(i) for w in self.writers for i in w.datasets)
        sample = set(self.rng.sample(names, min(GRAPH_SAMPLE, len(names))))
        sample |= {n for _, keys in deletes for key in keys for n in key
                   if n in names}
        problems = []
        for node in sorted(sample):
            for direction, edge_direction, known, end in (
                    (lpb.LINEAGE_DIRECTION_DOWNSTREAM, lpb.EDGE_DIRECTION_OUT, out[node], 1),
                    (lpb.LINEAGE_DIRECTION_UPSTREAM, lpb.EDGE_DIRECTION_IN, into[node], 0)):
                graph = lineage.GetLineage(lpb.GetLineageRequest(
                    root=node, direction=direction, max_depth=1), timeout=RPC_TIMEOUT)
                traversed = {n.name for n in graph.nodes} - {node}
                listed = {T.edge_key(e)[end] for e in T.list_edges(lineage, node, edge_direction)}
                if not traversed == listed == known:
                    problems.append(f"{node} {lpb.LineageDirection.Name(direction)}: GetLineage "
                                    f"{sorted(traversed)}, ListEdges {sorted(listed)}, known "
                                    f"{sorted(known)}")
        for party_id, _, _ in PARTIES:
            node = party_name(party_id)
            listed = {e.source for e in T.list_edges(lineage, node, lpb.EDGE_DIRECTION_IN)}
            if listed != into[node]:
                problems.append(f"{node}: ListEdges in lists {len(listed)} deliveries, "
                                f"{len(into[node])} known; missing "
                                f"{sorted(into[node] - listed)[:5]}, extra "
                                f"{sorted(listed - into[node])[:5]}")
        print(f"graph compared for {len(sample)} datasets and {len(PARTIES)} parties")
        return problems

    def verify_latest_revision(self, lineage):
        """The replay of an acknowledged intake whose stubs and edge are all
        still there changes nothing and reports the catalogue revision,
        which may not be below any revision seen."""
        for writer in self.writers:
            for op in reversed(writer.ingests):
                if all(d.id in writer.datasets for d in op.datasets) and op.edges[0].key in \
                        writer.edges:
                    response = lineage.IngestOpenLineage(
                        lpb.IngestOpenLineageRequest(events=[op.event]), timeout=RPC_TIMEOUT)
                    if (response.datasets_created or response.edges_created
                            or response.edges_updated):
                        return [f"replay of {op.describe()} changed something: {response}"]
                    if response.revision < self.max_revision:
                        return [f"replay of {op.describe()}: catalogue revision "
                                f"{response.revision}, below {self.max_revision} seen"]
                    return []
        return []


if __name__ == "__main__":
    unittest.main(verbosity=2)
