"""Crash safety: what catalogd acknowledged survives SIGKILL, nothing else is
half there, and the data directory stays consistent.

Five cycles on one data directory. In each, catalogd is (re)started and
checked against everything learnt so far, then 16 writer threads (unary
CreateDataset / UpdateDataset over mutual TLS, one channel each) and one bulk
thread (an UpsertDatasets stream of batches) write datasets with distinct
ids, and catalogd is killed with SIGKILL 0.3..1.5 s after the writes
started (random.Random with the seed printed below; CATALOG_CRASH_SEED
overrides it). Each thread owns its datasets, so what a dataset must look
like follows from its own writes alone: the title of write number `seq` of
a dataset is "<id> v<seq>" and all other fields are fixed per id.

After every restart:
  * every acknowledged create/update/upsert item (RPC or item result OK) is
    there, with the title of that write or of a later one that was sent,
    and at least the acknowledged revision (exactly it when no later write
    landed); the acknowledged revision is readable with GetDataset(revision)
    and listed by ListDatasetRevisions;
  * every dataset present is one this test sent, complete and consistent
    (all fields as sent, etag == revision, times set), the same through
    GetDataset, ListDatasets by id and ListDatasets by the domain index;
    unacknowledged creates are either whole or absent, and stay absent;
  * revisions given out after the restart are above all revisions seen
    before it (no revision is reused);
  * a change is never without its audit entry (the entry is committed in the
    same atomic write as the change): for every acknowledged write, the audit
    trail (AuditService.ListAuditEvents as "auditor") holds at least as many
    successful (code 0) entries of its method (CreateDataset, UpdateDataset,
    UpsertDatasets) naming "datasets/<id>" as writes were acknowledged; for
    every dataset whose history is read, the successful write entries naming
    it are exactly as many as its revisions (landed but unacknowledged writes
    included); a sample is also asked by resource filter, one call per
    dataset and method; the audit entries of writes seen before a crash are
    still there, unchanged (same sequence, hash, method and resources);
  * AuditService.VerifyAuditTrail reports the hash chain intact, with no
    fewer entries than before the crash.
`catalogd check` (which also verifies the audit hash chain) must pass after
every crash and after the final SIGTERM.
"""

import collections
import os
import random
import re
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import catalog_testlib as T  # noqa: E402

import grpc  # noqa: E402
from google.protobuf import field_mask_pb2  # noqa: E402

from catalog.v1 import catalog_service_pb2 as pb  # noqa: E402
from catalog.v1 import dataset_pb2  # noqa: E402

SEED = int(os.environ.get("CATALOG_CRASH_SEED", "20241128"))
CYCLES = 5
WRITERS = 16
KILL_AFTER = (0.3, 1.5)  # seconds after the writes start
MAX_OPS_PER_WRITER = 3000  # per cycle; the kill comes long before
BULK_BATCH = 10  # items per UpsertDatasets batch: 8 new, up to 2 replaced
BULK_WINDOW = 2  # batches sent ahead of their results
BULK_PAUSE = 0.02  # seconds between batches, so that a kill finds the stream busy
MAX_BULK_BATCHES = 500  # per cycle
RPC_TIMEOUT = 10.0
JOIN_TIMEOUT = 30.0  # for all threads of a cycle after the kill
HISTORY_SAMPLE = 40  # datasets per cycle whose whole history is checked
DOMAIN = "Crashtest"
TITLE = re.compile(r"^(?P<id>[a-z0-9-]+) v(?P<seq>\d+)$")
OK = grpc.StatusCode.OK.value[0]
# The methods that change datasets here, as the audit trail names them.
CREATE, UPDATE, UPSERT = "CreateDataset", "UpdateDataset", "UpsertDatasets"
WRITE_METHODS = (CREATE, UPDATE, UPSERT)
AUDIT_PAGE = 1000  # events per ListAuditEvents page
AUDIT_RESOURCE_SAMPLE = 8  # datasets per verification asked by resource filter


class Record:
    """What the test knows about one dataset. Only its owning thread changes
    it while writes run; the main thread reads it after they stopped."""

    __slots__ = ("id", "owner", "acked_seq", "acked_revision", "max_sent_seq", "absent",
                 "new_acks", "acked_by_method")

    def __init__(self, dataset_id, owner):
        self.id = dataset_id
        self.owner = owner
        self.acked_seq = None  # seq of the newest acknowledged (or observed) write
        self.acked_revision = 0  # its revision
        self.max_sent_seq = 0  # highest seq ever sent (acknowledged or not)
        self.absent = False  # create not acknowledged and found absent after a crash
        self.new_acks = []  # (revision, seq) acknowledged since the last check
        # Acknowledged writes over all cycles, by method (each must have its
        # own audit entry).
        self.acked_by_method = collections.Counter()

    @property
    def resource(self):
        return f"datasets/{self.id}"

    def dataset(self, seq):
        """The dataset of write `seq` (all fields but the title fixed per id)."""
        return T.make_dataset(self.id, title=f"{self.id} v{seq}", domain=DOMAIN,
                              owner=self.owner, description=f"Crash test dataset {self.id}",
                              tags=["crashtest", self.owner.lower().replace(" ", "-")])

    def acknowledge(self, seq, revision, floor, violations, method):
        self.acked_by_method[method] += 1
        if revision <= floor:
            violations.append(f"{self.id}: write v{seq} acknowledged with revision {revision}, "
                              f"not above {floor}, the highest revision before the restart")
        if revision <= self.acked_revision:
            violations.append(f"{self.id}: write v{seq} acknowledged with revision {revision}, "
                              f"not above the previous {self.acked_revision}")
        if self.acked_seq is None or seq > self.acked_seq:
            self.acked_seq = seq
            self.acked_revision = revision
        self.new_acks.append((revision, seq))


class Cycle:
    """Shared state of the threads of one write cycle."""

    def __init__(self, number, revision_floor):
        self.number = number
        self.revision_floor = revision_floor  # highest revision seen before it
        self.stop = threading.Event()
        self.killed = threading.Event()
        self.lock = threading.Lock()
        self.errors = []  # failures while catalogd was alive: test failures
        self.violations = []
        self.acks = collections.Counter()  # kind -> count
        self.after_kill = collections.Counter()  # kind -> RPCs failed by the kill

    def rpc_failed(self, kind, error):
        with self.lock:
            if self.killed.is_set():
                self.after_kill[kind] += 1
            else:
                self.errors.append(f"{kind}: {error.code()}: {error.details()}")

    def run(self, target, *args):
        """Runs a thread's target; an exception in it fails the test."""
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


def writer(cycle, stub, records, index, rng):
    """Creates datasets and updates its acknowledged ones (title only, with a
    field mask) until the stop event."""
    acked = [r for r in records if r.acked_seq is not None]
    for n in range(MAX_OPS_PER_WRITER):
        if cycle.stop.is_set():
            return
        if acked and rng.random() < 0.5:
            record = rng.choice(acked)
            seq = record.max_sent_seq + 1
            record.max_sent_seq = seq
            request = pb.UpdateDatasetRequest(
                dataset=dataset_pb2.Dataset(id=record.id, title=f"{record.id} v{seq}"),
                update_mask=field_mask_pb2.FieldMask(paths=["title"]))
            kind, call = "update", stub.UpdateDataset
        else:
            record = Record(f"cr-c{cycle.number}-w{index:02d}-{n:04d}", f"Schrijver {index}")
            records.append(record)
            seq = 0
            request = pb.CreateDatasetRequest(dataset=record.dataset(0))
            kind, call = "create", stub.CreateDataset
        try:
            stored = call(request, timeout=RPC_TIMEOUT)
        except grpc.RpcError as error:
            cycle.rpc_failed(kind, error)
            return
        if stored.title != f"{record.id} v{seq}":
            cycle.violations.append(f"{record.id}: {kind} v{seq} returned title {stored.title!r}")
        record.acknowledge(seq, stored.revision, cycle.revision_floor, cycle.violations,
                           CREATE if kind == "create" else UPDATE)
        if kind == "create":
            acked.append(record)
        cycle.acked(kind)


def bulk_writer(cycle, stub, records, rng):
    """Streams UpsertDatasets batches (new datasets and whole replacements of
    acknowledged ones) and acknowledges each item whose result is OK."""
    acked = [r for r in records if r.acked_seq is not None]
    window = threading.Semaphore(BULK_WINDOW)
    in_flight = collections.deque()  # items of the batches sent, oldest first
    lock = threading.Lock()

    def batches():
        for b in range(MAX_BULK_BATCHES):
            # Bounded waits: the stream's own failure ends the loop too.
            while not window.acquire(timeout=0.2):
                if cycle.stop.is_set():
                    return
            if cycle.stop.wait(BULK_PAUSE if b else 0):
                return
            items = []
            for i in range(BULK_BATCH - 2):
                record = Record(f"cr-c{cycle.number}-bulk-{b:04d}-{i}", "Bulkloader")
                records.append(record)
                items.append((record, 0))
            with lock:
                replace = rng.sample(acked, min(2, len(acked)))
            for record in replace:
                record.max_sent_seq += 1
                items.append((record, record.max_sent_seq))
            with lock:
                in_flight.append(items)
            yield pb.UpsertDatasetsRequest(datasets=[r.dataset(seq) for r, seq in items])

    try:
        for response in stub.UpsertDatasets(batches(), timeout=120):
            with lock:
                items = in_flight.popleft()
            window.release()
            results = list(response.results)
            if [r.id for r in results] != [record.id for record, _ in items]:
                cycle.violations.append(f"bulk: results {[r.id for r in results]} do not match "
                                        f"the batch {[r.id for r, _ in items]}")
                return
            for (record, seq), result in zip(items, results):
                if result.code != OK:
                    with cycle.lock:
                        cycle.errors.append(f"bulk item {record.id}: {result.code} "
                                            f"{result.message}")
                    continue
                if result.created != (seq == 0):
                    cycle.violations.append(f"bulk item {record.id} v{seq}: created="
                                            f"{result.created}")
                record.acknowledge(seq, result.revision, cycle.revision_floor, cycle.violations,
                                   UPSERT)
                if seq == 0:
                    with lock:
                        acked.append(record)
            cycle.acked("bulk item", len(results))
    except grpc.RpcError as error:
        cycle.rpc_failed("bulk stream", error)


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.work_dir = T.make_temp_dir("crash-test")
        self.server = T.CatalogServer(self.work_dir)
        self.records = {}  # id -> Record, over all cycles
        self.max_revision = 0  # highest revision seen (acknowledged or read)
        self.rng = random.Random(SEED)
        self.passed = False
        self.landed = 0  # unacknowledged writes found stored after a restart
        self.history_lengths = {}  # id -> revisions, of the histories read by verify()
        self.audit_seen = {}  # sequence -> (hash, method, resources) of write events
        self.audit_entries = 0  # entries VerifyAuditTrail counted last

    def tearDown(self):
        if self.server.running():
            self.server.kill()
        if self.passed:
            T.remove_temp_dir(self.work_dir)
        else:
            print(f"kept {self.work_dir} (catalogd logs and data directory)")

    def test_acknowledged_writes_survive_sigkill(self):
        print(f"\ncrash test seed {SEED} (set CATALOG_CRASH_SEED to repeat another run)")
        started = time.monotonic()
        writer_records = [[] for _ in range(WRITERS)]
        bulk_records = []
        for number in range(1, CYCLES + 1):
            self.server.start()
            self.verify(f"before cycle {number}")
            self.verify_audit(f"before cycle {number}")
            kill_after = self.rng.uniform(*KILL_AFTER)
            cycle = Cycle(number, self.max_revision)
            self.run_writes(cycle, writer_records, bulk_records, kill_after)
            for records in writer_records + [bulk_records]:
                for record in records:
                    self.records.setdefault(record.id, record)
            print(f"cycle {number}: SIGKILL after {kill_after:.2f} s; acknowledged "
                  f"{dict(cycle.acks)}; failed by the kill {dict(cycle.after_kill)}; "
                  f"{len(self.records)} datasets known")
            self.assertEqual(cycle.errors, [], "RPCs failed while catalogd was running")
            self.assertEqual(cycle.violations, [])
            self.assertGreaterEqual(sum(cycle.acks.values()), WRITERS,
                                    "too few writes were acknowledged to test anything")
            check = T.run_check(self.server.data_dir)
            self.assertEqual(check.returncode, 0,
                             f"catalogd check after the crash of cycle {number}:\n"
                             f"{check.stdout}{check.stderr}")
            self.assertIn("check passed", check.stdout)

        self.server.start()
        self.verify("after the last crash")
        self.verify_audit("after the last crash")
        code = self.server.stop()
        self.assertEqual(code, 0, f"catalogd exit code after SIGTERM\n{self.server.log_tail()}")
        check = T.run_check(self.server.data_dir)
        print(f"final catalogd check:\n{check.stdout.strip()}")
        self.assertEqual(check.returncode, 0, f"catalogd check:\n{check.stdout}{check.stderr}")
        self.assertIn("check passed", check.stdout)
        print(f"crash test took {time.monotonic() - started:.1f} s")
        self.passed = True

    def run_writes(self, cycle, writer_records, bulk_records, kill_after):
        channels = [T.secure_channel(self.server.port, "steward") for _ in range(WRITERS + 1)]
        try:
            threads = [threading.Thread(
                target=cycle.run, name=f"writer-{i}",
                args=(writer, T.catalog_stub(channels[i]), writer_records[i], i,
                      random.Random(self.rng.random())))
                for i in range(WRITERS)]
            threads.append(threading.Thread(
                target=cycle.run, name="bulk",
                args=(bulk_writer, T.catalog_stub(channels[WRITERS]), bulk_records,
                      random.Random(self.rng.random()))))
            for thread in threads:
                thread.start()
            time.sleep(kill_after)
            cycle.killed.set()
            self.server.kill()
            cycle.stop.set()
            deadline = time.monotonic() + JOIN_TIMEOUT
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            alive = [t.name for t in threads if t.is_alive()]
            self.assertEqual(alive, [], "threads still running after the kill")
        finally:
            for channel in channels:
                channel.close()

    def verify(self, when):
        """Checks the restarted catalogd against self.records (see the module
        docstring) and takes what it finds as the new known state."""
        channel = T.secure_channel(self.server.port, "admin")
        problems = []
        try:
            stub = T.catalog_stub(channel)
            listed = T.list_all(stub, pb.ListDatasetsRequest(page_size=1000),
                                timeout=RPC_TIMEOUT)
            by_domain = T.list_all(stub, pb.ListDatasetsRequest(
                page_size=1000, filter=pb.DatasetFilter(domain=DOMAIN)), timeout=RPC_TIMEOUT)
            present = {d.id: d for d in listed}
            if len(present) != len(listed):
                problems.append("ListDatasets returned an id twice")
            if [d.id for d in listed] != sorted(present):
                problems.append("ListDatasets is not in id order")
            if [d.id for d in by_domain] != [d.id for d in listed]:
                missing = set(present) - {d.id for d in by_domain}
                extra = {d.id for d in by_domain} - set(present)
                problems.append(f"the domain index disagrees with the datasets: not indexed "
                                f"{sorted(missing)[:10]}, indexed but absent {sorted(extra)[:10]}")
            for dataset in listed:
                if dataset.id not in self.records:
                    problems.append(f"{dataset.id}: present, but never written by this test")
            for dataset in by_domain:
                if dataset.id in present and dataset != present[dataset.id]:
                    problems.append(f"{dataset.id}: differs between the listings")

            sample = set(self.rng.sample(sorted(present), min(HISTORY_SAMPLE, len(present))))
            for record in self.records.values():
                problems.extend(self.verify_record(stub, record, present.get(record.id),
                                                   record.id in sample))
                if len(problems) > 50:
                    break
        finally:
            channel.close()
        if present:
            self.max_revision = max(self.max_revision,
                                    max(d.revision for d in present.values()))
        acked = sum(1 for r in self.records.values() if r.acked_seq is not None)
        print(f"verified {when}: {len(present)} datasets present, {acked} known acknowledged or "
              f"observed, {sum(r.absent for r in self.records.values())} unacknowledged creates "
              f"absent, {self.landed} unacknowledged writes landed so far; highest revision "
              f"{self.max_revision}")
        if problems:
            self.fail(f"{when}: {len(problems)} problems:\n" + "\n".join(problems[:50]))

    def verify_record(self, stub, record, listed, check_history):
        problems = []
        try:
            stored = stub.GetDataset(pb.GetDatasetRequest(id=record.id), timeout=RPC_TIMEOUT)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                return [f"{record.id}: GetDataset failed: {error.code()} {error.details()}"]
            stored = None
        if (stored is None) != (listed is None):
            return [f"{record.id}: GetDataset {'finds' if stored else 'does not find'} it, "
                    f"ListDatasets {'lists' if listed else 'does not list'} it"]

        if stored is None:
            if record.acked_seq is not None:
                return [f"{record.id}: acknowledged (v{record.acked_seq}, revision "
                        f"{record.acked_revision}) but missing"]
            record.absent = True  # An unacknowledged create that did not land.
            return []
        if record.absent:
            return [f"{record.id}: was absent after an earlier crash, now present"]

        # Present: complete, consistent, and at least what was acknowledged.
        if stored != listed:
            problems.append(f"{record.id}: GetDataset and ListDatasets differ")
        match = TITLE.match(stored.title)
        if match is None or match.group("id") != record.id:
            return problems + [f"{record.id}: title {stored.title!r} was never sent"]
        seq = int(match.group("seq"))
        if seq > record.max_sent_seq:
            problems.append(f"{record.id}: v{seq} present, but only up to v{record.max_sent_seq} "
                            f"was sent")
        if T.without_bookkeeping(stored) != T.normalized(record.dataset(seq)):
            problems.append(f"{record.id}: v{seq} is not as sent:\n{stored}")
        if stored.etag != str(stored.revision) or stored.revision <= 0:
            problems.append(f"{record.id}: revision {stored.revision}, etag {stored.etag!r}")
        if not stored.HasField("create_time") or stored.update_time.ToNanoseconds() < \
                stored.create_time.ToNanoseconds():
            problems.append(f"{record.id}: create_time/update_time inconsistent")
        if record.acked_seq is not None:
            if seq < record.acked_seq:
                problems.append(f"{record.id}: v{seq} present, but v{record.acked_seq} was "
                                f"acknowledged (revision {record.acked_revision})")
            if stored.revision < record.acked_revision:
                problems.append(f"{record.id}: revision {stored.revision} below the acknowledged "
                                f"{record.acked_revision}")
            if seq == record.acked_seq and stored.revision != record.acked_revision:
                problems.append(f"{record.id}: v{seq} at revision {stored.revision}, acknowledged "
                                f"at {record.acked_revision}")
        # What was acknowledged since the last check is in the history. Read
        # too where an unacknowledged write landed: verify_audit() matches
        # the number of revisions with the audit entries.
        revisions = None
        landed = record.acked_seq is None or seq > record.acked_seq
        if check_history or record.new_acks or landed:
            revisions = self.revisions(stub, record, problems)
            if revisions is not None:
                self.history_lengths[record.id] = len(revisions)
        for revision, acked_seq in record.new_acks:
            try:
                old = stub.GetDataset(pb.GetDatasetRequest(id=record.id, revision=revision),
                                      timeout=RPC_TIMEOUT)
                if old.revision != revision or old.title != f"{record.id} v{acked_seq}":
                    problems.append(f"{record.id}: at revision {revision} v{acked_seq} was "
                                    f"acknowledged, read revision {old.revision} {old.title!r}")
            except grpc.RpcError as error:
                problems.append(f"{record.id}: GetDataset at acknowledged revision {revision}: "
                                f"{error.code()} {error.details()}")
            if revisions is not None and revision not in revisions:
                problems.append(f"{record.id}: acknowledged revision {revision} is not in its "
                                f"history {sorted(revisions)}")
        if revisions is not None and revisions and revisions[0] != stored.revision:
            problems.append(f"{record.id}: newest history entry {revisions[0]}, dataset at "
                            f"{stored.revision}")
        if landed:
            self.landed += 1  # A write whose acknowledgement the kill cut off.
        record.new_acks = []
        # Durable now (catalogd recovered it): the new floor for later cycles.
        record.acked_seq = seq
        record.acked_revision = stored.revision
        return problems

    def verify_audit(self, when):
        """Checks the audit trail of the restarted catalogd against the writes
        (see the module docstring), as "auditor"."""
        channel = T.secure_channel(self.server.port, "auditor")
        problems = []
        try:
            stub = T.audit_stub(channel)
            verification = T.verify_audit_trail(stub, timeout=60)
            if not verification.intact:
                problems.append(f"VerifyAuditTrail: broken at sequence "
                                f"{verification.first_broken_sequence}: {verification.problem}")
            if verification.entries < self.audit_entries:
                problems.append(f"VerifyAuditTrail counts {verification.entries} entries, "
                                f"{self.audit_entries} before the crash")

            # Every successful write event, once per method (the trail is
            # scanned by the server; the filters keep the answers small).
            counts = collections.Counter()  # (resource, method) -> successful events
            events = {}
            for method in WRITE_METHODS:
                for event in T.list_audit_events(stub, method=method, code=OK, oldest_first=True,
                                                 page_size=AUDIT_PAGE, timeout=60):
                    if not event.method.endswith("/" + method) or event.code != OK:
                        problems.append(f"audit event {event.sequence} does not match the "
                                        f"filter: {event.method} code {event.code}")
                    if event.principal != "steward":
                        problems.append(f"audit event {event.sequence} ({method}) by "
                                        f"{event.principal!r}, the writers are the steward")
                    events[event.sequence] = (event.hash, event.method, tuple(event.resources))
                    for resource in event.resources:
                        counts[(resource, method)] += 1
            for sequence, seen in sorted(self.audit_seen.items()):
                if events.get(sequence) != seen:
                    problems.append(f"audit event {sequence} {seen[1]} {list(seen[2])[:3]} was "
                                    f"there before the crash; now "
                                    f"{events[sequence][1:] if sequence in events else 'gone'}")
                    if len(problems) > 50:
                        break

            # Acknowledged: at least that many entries per method.
            acknowledged = [r for r in self.records.values() if r.acked_by_method]
            for record in acknowledged:
                for method, acked in record.acked_by_method.items():
                    found = counts[(record.resource, method)]
                    if found < acked:
                        problems.append(f"{record.id}: {acked} {method} acknowledged, "
                                        f"{found} successful audit entries name it")
            # Every revision (landed or acknowledged) has its own entry, and no
            # successful entry is without its change.
            for dataset_id, length in sorted(self.history_lengths.items()):
                entries = sum(counts[(f"datasets/{dataset_id}", m)] for m in WRITE_METHODS)
                if entries != length:
                    problems.append(f"{dataset_id}: {length} revisions but {entries} successful "
                                    f"write entries in the audit trail")
            known = {r.resource for r in self.records.values()}
            for resource, method in counts:
                if resource not in known:
                    problems.append(f"audit: {method} of {resource}, never written by this test")

            # A sample asked the way an auditor would: by resource and method.
            sample = self.rng.sample(acknowledged, min(AUDIT_RESOURCE_SAMPLE, len(acknowledged)))
            for record in sample:
                for method, acked in sorted(record.acked_by_method.items()):
                    found = T.list_audit_events(stub, resource=record.resource, method=method,
                                                code=OK, page_size=AUDIT_PAGE, timeout=60)
                    if len(found) != counts[(record.resource, method)] or any(
                            record.resource not in e.resources for e in found):
                        problems.append(f"{record.id}: ListAuditEvents by resource and {method} "
                                        f"found {len(found)} events, "
                                        f"{counts[(record.resource, method)]} by method alone")
        finally:
            channel.close()
        self.audit_seen = events
        self.audit_entries = verification.entries
        histories = len(self.history_lengths)
        self.history_lengths = {}
        print(f"audit verified {when}: trail intact with {verification.entries} entries, "
              f"{len(events)} successful write events cover "
              f"{sum(sum(r.acked_by_method.values()) for r in self.records.values())} "
              f"acknowledged writes; {histories} histories matched entry for entry, "
              f"{len(sample)} datasets asked by resource")
        if problems:
            self.fail(f"{when}: {len(problems)} audit problems:\n" + "\n".join(problems[:50]))

    def revisions(self, stub, record, problems):
        """Revision numbers of the dataset, newest first (checked to decrease)."""
        request = pb.ListDatasetRevisionsRequest(id=record.id, page_size=1000)
        numbers = []
        for _ in range(100):
            try:
                response = stub.ListDatasetRevisions(request, timeout=RPC_TIMEOUT)
            except grpc.RpcError as error:
                problems.append(f"{record.id}: ListDatasetRevisions: {error.code()} "
                                f"{error.details()}")
                return None
            for revision in response.revisions:
                numbers.append(revision.revision)
                match = TITLE.match(revision.dataset.title)
                if revision.dataset.id != record.id or match is None:
                    problems.append(f"{record.id}: history entry {revision.revision} holds "
                                    f"{revision.dataset.id} {revision.dataset.title!r}")
            if not response.next_page_token:
                break
            request.page_token = response.next_page_token
        if numbers != sorted(numbers, reverse=True) or len(set(numbers)) != len(numbers):
            problems.append(f"{record.id}: history not newest first: {numbers}")
        return numbers


if __name__ == "__main__":
    unittest.main(verbosity=2)
