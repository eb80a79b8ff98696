"""End to end: the built catalogctl against a running catalogd.

Drives $CATALOG_BIN_DIR/catalogctl as a subprocess, as an operator or a
script would, against catalogd on 127.0.0.1:0 over mutual TLS with the
development access policy (scripts/dev/policy.toml: the steward creates and
changes; the admin deletes and loads the demo landscape, whose markings go
above the steward's clearance): the dataset
commands (create, get, list, update, delete, history, load) in table and
JSON output, the demo generator, the environment variables, the exit codes
(gRPC code numbers, 64 for usage errors) and the messages on stderr. Then
catalogd's own command line: `check` after SIGTERM, and the refusal of
--insecure-plaintext off loopback.

Run: python3 cli_e2e_test.py (through ctest, see tests/CMakeLists.txt).
"""

import json
import os
import socket
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import catalog_testlib as T  # noqa: E402

# catalogctl exit codes: the canonical gRPC code, 64 for usage errors.
EXIT_INVALID_ARGUMENT = 3
EXIT_NOT_FOUND = 5
EXIT_PERMISSION_DENIED = 7
EXIT_ABORTED = 10
EXIT_UNAVAILABLE = 14
EXIT_USAGE = 64

CTL_TIMEOUT = 60  # seconds for one catalogctl run
CONNECTION_ENV = ("CATALOG_SERVER", "CATALOG_CA", "CATALOG_CERT", "CATALOG_KEY",
                  "CATALOG_PURPOSE", "COLUMNS")


def base_env():
    """The environment without catalogctl's connection variables (and
    without COLUMNS: tables are not cut unless a test asks)."""
    return {k: v for k, v in os.environ.items() if k not in CONNECTION_ENV}


def ctl(*args, env=None, stdin_text=None):
    """Runs catalogctl with `args`; CompletedProcess with text output."""
    path = T.catalogctl_path()
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} was not built")
    return subprocess.run([path, *args], input=stdin_text, capture_output=True, text=True,
                          env=base_env() if env is None else env, timeout=CTL_TIMEOUT)


def connection_flags(port, principal="steward"):
    return ["--server", f"127.0.0.1:{port}", "--ca", T.cert_path("ca.pem"),
            "--cert", T.cert_path(f"{principal}.pem"), "--key", T.cert_path(f"{principal}.key")]


def free_loopback_port():
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_subject_key(directory):
    """A processing-subject key file in `directory` (keep it outside the data
    directory), chmod 600, 64 bytes: catalogd keeps a processing log only
    with one (--processing-subject-key). Returns its path."""
    path = os.path.join(directory, "processing-subject.key")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as f:
        f.write(os.urandom(32).hex())
    return path


def describe(result):
    return (f"exit {result.returncode}\n--- stdout\n{result.stdout[-3000:]}"
            f"\n--- stderr\n{result.stderr[-3000:]}")


class CliTestCase(unittest.TestCase):
    """A catalogd for the class; helpers to run catalogctl against it.
    With `processing_log` True (a class attribute) catalogd gets a subject
    key and keeps a processing log."""

    processing_log = False

    @classmethod
    def setUpClass(cls):
        cls.work_dir = T.make_temp_dir("cli-e2e")
        extra_args = []
        if cls.processing_log:
            extra_args = ["--processing-subject-key", write_subject_key(cls.work_dir)]
        cls.server = T.CatalogServer(cls.work_dir, extra_args=extra_args)
        cls.server.start()
        cls.flags = connection_flags(cls.server.port)
        cls.admin_flags = connection_flags(cls.server.port, "admin")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        check = T.run_check(cls.server.data_dir)
        T.remove_temp_dir(cls.work_dir)
        if code != 0:
            raise AssertionError(f"catalogd exited with {code} after SIGTERM")
        if check.returncode != 0:
            raise AssertionError(f"catalogd check failed:\n{check.stdout}{check.stderr}")

    def flags_of(self, principal):
        """Connection flags of any principal of the development policy
        (steward by default)."""
        if principal == "admin":
            return self.admin_flags
        if principal == "steward":
            return self.flags
        return connection_flags(self.server.port, principal)

    def run_ok(self, *args, flags_first=False, principal="steward", **kwargs):
        """catalogctl with the connection flags of `principal` (after the
        command, or before it); must exit 0. Returns stdout."""
        flags = self.flags_of(principal)
        argv = [*flags, *args] if flags_first else [*args, *flags]
        result = ctl(*argv, **kwargs)
        self.assertEqual(result.returncode, 0, f"catalogctl {' '.join(args)}: {describe(result)}")
        return result.stdout

    def run_json(self, *args, **kwargs):
        return json.loads(self.run_ok(*args, "-o", "json", **kwargs))

    def run_fails(self, expected_code, *args, principal="steward", **kwargs):
        result = ctl(*args, *self.flags_of(principal), **kwargs)
        self.assertEqual(result.returncode, expected_code,
                         f"catalogctl {' '.join(args)}: {describe(result)}")
        self.assertTrue(result.stderr.strip(), "an error message on stderr")
        return result

    def assert_usage_errors(self, cases, stdin_text=None):
        """Each argument list of `cases` exits with the usage code and says
        why on stderr; then `catalogctl --help` succeeds. Returns its stdout."""
        for args in cases:
            with self.subTest(args=args):
                result = ctl(*args, *self.flags, stdin_text=stdin_text)
                self.assertEqual(result.returncode, EXIT_USAGE, describe(result))
                self.assertTrue(result.stderr.strip(), "a message on stderr")
        help_result = ctl("--help")
        self.assertEqual(help_result.returncode, 0, describe(help_result))
        return help_result.stdout

    def write_json(self, name, value):
        path = os.path.join(self.work_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False)
        return path

    def write_dataset(self, name, dataset_id, **fields):
        return self.write_json(name, T.dataset_json(T.make_dataset(dataset_id, **fields)))

    def create_dataset(self, dataset_id, **fields):
        """Creates T.make_dataset(dataset_id, **fields) as the steward."""
        self.run_ok("dataset", "create", "-f",
                    self.write_dataset(f"{dataset_id}.json", dataset_id, **fields))


class DatasetCommandsTest(CliTestCase):
    def test_create_get_update_history_delete(self):
        dataset_id = f"e2e-lifecycle-{T.unique_suffix()}"
        path = self.write_dataset(
            "lifecycle.json", dataset_id, title="Leerlingenvervoer aanvragen",
            domain="Sociaal domein", owner="Afdeling Onderwijs", tags=["e2e", "vervoer"],
            hosting={"kind": "HOSTING_KIND_SAAS", "provider": "Leverancier A",
                     "country": "NL", "insideEea": True})

        # create (table output, flags before the command)
        out = self.run_ok("dataset", "create", "-f", path, flags_first=True)
        self.assertIn(dataset_id, out)
        self.assertIn("Leerlingenvervoer aanvragen", out)

        # get: table and JSON
        table = self.run_ok("dataset", "get", dataset_id)
        lines = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
                 for line in table.splitlines() if ":" in line}
        self.assertEqual(lines.get("id"), dataset_id, table)
        self.assertEqual(lines.get("title"), "Leerlingenvervoer aanvragen", table)
        self.assertEqual(lines.get("owner"), "Afdeling Onderwijs", table)
        self.assertEqual(lines.get("provider"), "Leverancier A", table)
        got = self.run_json("dataset", "get", dataset_id)
        self.assertEqual(got["id"], dataset_id)
        self.assertEqual(got["title"], "Leerlingenvervoer aanvragen")
        self.assertEqual(got["registrationType"], "REGISTRATION_TYPE_SECTORREGISTRATIE")
        self.assertEqual(got["hosting"]["kind"], "HOSTING_KIND_SAAS")
        self.assertEqual(got["tags"], ["e2e", "vervoer"])
        self.assertEqual(got["etag"], str(int(got["revision"])))
        first_etag = got["etag"]
        self.assertEqual(lines.get("etag"), first_etag, table)
        # By resource name too.
        self.assertEqual(self.run_json("dataset", "get", f"datasets/{dataset_id}")["etag"],
                         first_etag)

        # update with --mask and --etag: only the masked field changes.
        change = self.write_json("lifecycle-change.json",
                                 {"title": "Leerlingenvervoer", "domain": "GENEGEERD"})
        updated = self.run_json("dataset", "update", dataset_id, "-f", change,
                                "--mask", "title", "--etag", first_etag)
        self.assertEqual(updated["title"], "Leerlingenvervoer")
        self.assertEqual(updated["domain"], "Sociaal domein")
        self.assertGreater(int(updated["revision"]), int(first_etag))
        # A lowerCamelCase nested path.
        provider = self.write_json("lifecycle-provider.json",
                                   {"hosting": {"provider": "Leverancier B"}})
        updated = self.run_json("dataset", "update", dataset_id, "-f", provider,
                                "--mask", "hosting.provider", "--etag", updated["etag"])
        self.assertEqual(updated["hosting"]["provider"], "Leverancier B")
        self.assertEqual(updated["hosting"]["kind"], "HOSTING_KIND_SAAS")

        # The first etag is stale now: ABORTED (10), nothing changes.
        stale = self.run_fails(EXIT_ABORTED, "dataset", "update", dataset_id, "-f", change,
                               "--mask", "title", "--etag", first_etag)
        self.assertIn("ABORTED", stale.stderr)
        self.assertIn("etag", stale.stderr)
        self.assertEqual(self.run_json("dataset", "get", dataset_id), updated)

        # Earlier revision.
        old = self.run_json("dataset", "get", dataset_id, "--revision", first_etag)
        self.assertEqual(old["title"], "Leerlingenvervoer aanvragen")

        # history: JSON and table, newest first.
        history = self.run_json("dataset", "history", dataset_id)
        kinds = [r["kind"] for r in history["revisions"]]
        self.assertEqual(kinds, ["CHANGE_KIND_UPDATE", "CHANGE_KIND_UPDATE", "CHANGE_KIND_CREATE"])
        self.assertEqual({r["principal"] for r in history["revisions"]}, {"steward"})
        self.assertEqual(history["revisions"][0]["revision"], updated["revision"])
        self.assertEqual(history["nextPageToken"], "")
        table = self.run_ok("dataset", "history", dataset_id)
        rows = [line.split() for line in table.splitlines()[1:] if line.strip()]
        self.assertEqual([row[0] for row in rows],
                         [r["revision"] for r in history["revisions"]], table)
        self.assertIn("steward", table)

        # delete: the steward may not (PERMISSION_DENIED, 7), the admin may
        # (owner or admin role); then get is NOT_FOUND (5); the history stays.
        denied = self.run_fails(EXIT_PERMISSION_DENIED, "dataset", "delete", dataset_id)
        self.assertIn("PERMISSION_DENIED", denied.stderr)
        self.assertEqual(self.run_json("dataset", "get", dataset_id), updated)
        out = self.run_ok("dataset", "delete", dataset_id, principal="admin")
        self.assertIn(dataset_id, out)
        missing = self.run_fails(EXIT_NOT_FOUND, "dataset", "get", dataset_id)
        self.assertIn("NOT_FOUND", missing.stderr)
        after = self.run_json("dataset", "history", dataset_id)
        self.assertEqual(after["revisions"][0]["kind"], "CHANGE_KIND_DELETE")
        self.assertEqual(after["revisions"][0]["principal"], "admin")
        self.run_fails(EXIT_NOT_FOUND, "dataset", "delete", dataset_id, principal="admin")

    def test_create_from_stdin_and_invalid_input(self):
        dataset_id = f"e2e-stdin-{T.unique_suffix()}"
        text = json.dumps(T.dataset_json(T.make_dataset(dataset_id)))
        created = self.run_json("dataset", "create", "-f", "-", stdin_text=text)
        self.assertEqual(created["id"], dataset_id)
        # Server-side validation: INVALID_ARGUMENT (3) naming the field.
        bad = self.write_dataset("no-domain.json", f"e2e-bad-{T.unique_suffix()}", domain="")
        result = self.run_fails(EXIT_INVALID_ARGUMENT, "dataset", "create", "-f", bad)
        self.assertIn("domain", result.stderr)
        # A typo in a field name is an error, not silently dropped.
        typo = self.write_json("typo.json", {**T.dataset_json(T.make_dataset("e2e-typo")),
                                             "titel": "x"})
        result = ctl("dataset", "create", "-f", typo, *self.flags)
        self.assertNotEqual(result.returncode, 0, describe(result))
        self.assertIn("titel", result.stderr)

    def test_list_with_filters_and_all(self):
        suffix = T.unique_suffix()
        domain = f"E2e lijst {suffix}"
        ids = []
        for i in range(7):
            kind = "HOSTING_KIND_PUBLIC_CLOUD" if i % 3 == 0 else "HOSTING_KIND_ON_PREMISES"
            dataset_id = f"e2e-list-{suffix}-{i}"
            self.run_ok("dataset", "create", "-f", self.write_dataset(
                f"list-{i}.json", dataset_id, domain=domain, hosting={"kind": kind},
                tags=["e2e-lijst"] + (["oneven"] if i % 2 else [])))
            ids.append(dataset_id)
        cloud = [ids[i] for i in range(7) if i % 3 == 0]

        listed = self.run_json("dataset", "list", "--domain", domain, "--all")
        self.assertEqual([d["id"] for d in listed["datasets"]], ids)
        self.assertEqual(listed["nextPageToken"], "")

        # Enum flags in short form and full name.
        for kind in ("public_cloud", "HOSTING_KIND_PUBLIC_CLOUD"):
            listed = self.run_json("dataset", "list", "--domain", domain, "--hosting-kind", kind)
            self.assertEqual([d["id"] for d in listed["datasets"]], cloud, kind)
        listed = self.run_json("dataset", "list", "--domain", domain, "--tag", "oneven")
        self.assertEqual([d["id"] for d in listed["datasets"]], ids[1::2])

        # One page of 3 without --all: a token; with --all: everything.
        page = self.run_json("dataset", "list", "--domain", domain, "--page-size", "3")
        self.assertEqual([d["id"] for d in page["datasets"]], ids[:3])
        self.assertTrue(page["nextPageToken"])
        following = self.run_json("dataset", "list", "--domain", domain, "--page-size", "3",
                                  "--page-token", page["nextPageToken"])
        self.assertEqual([d["id"] for d in following["datasets"]], ids[3:6])
        everything = self.run_json("dataset", "list", "--domain", domain, "--page-size", "3",
                                   "--all")
        self.assertEqual([d["id"] for d in everything["datasets"]], ids)

        # Table output: a header and one row per dataset; the token on stderr.
        result = ctl("dataset", "list", "--domain", domain, "--page-size", "3", *self.flags)
        self.assertEqual(result.returncode, 0, describe(result))
        rows = result.stdout.strip().splitlines()
        self.assertTrue(rows[0].startswith("ID"), result.stdout)
        self.assertEqual([row.split()[0] for row in rows[1:]], ids[:3])
        self.assertIn("--page-token", result.stderr)

        # No match: an empty list, exit 0.
        empty = self.run_json("dataset", "list", "--domain", domain, "--tag", "nergens")
        self.assertEqual(empty["datasets"], [])

    def test_demo_generate_is_deterministic_and_loadable(self):
        first = ctl("demo", "generate", "--datasets", "50", "--seed", "7")
        second = ctl("demo", "generate", "--datasets", "50", "--seed", "7")
        self.assertEqual(first.returncode, 0, describe(first))
        self.assertEqual(second.returncode, 0, describe(second))
        self.assertEqual(first.stdout, second.stdout, "same seed, same landscape")
        lines = first.stdout.splitlines()
        self.assertEqual(len(lines), 50)
        ids = [json.loads(line)["id"] for line in lines]
        self.assertEqual(len(set(ids)), 50, "distinct ids")
        other = ctl("demo", "generate", "--datasets", "50", "--seed", "8")
        self.assertEqual(other.returncode, 0, describe(other))
        self.assertNotEqual(other.stdout, first.stdout, "another seed, another landscape")

        path = os.path.join(self.work_dir, "demo-50.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(first.stdout)
        # As admin: the landscape has markings above the steward's clearance.
        loaded = self.run_json("dataset", "load", "-f", path, principal="admin")
        self.assertEqual(loaded["failed"], 0, loaded)
        self.assertEqual(loaded["created"] + loaded["replaced"], 50, loaded)
        # Loading the same file again changes nothing.
        again = self.run_json("dataset", "load", "-f", path, "--batch", "7", principal="admin")
        self.assertEqual((again["created"], again["replaced"], again["unchanged"], again["failed"]),
                         (0, 0, 50, 0), again)
        for line in lines[:5]:
            sent = json.loads(line)
            got = self.run_json("dataset", "get", sent["id"], principal="admin")
            self.assertEqual(got["title"], sent["title"])
            self.assertEqual(got["domain"], sent["domain"])

    def test_dataset_load_reports_bad_items(self):
        suffix = T.unique_suffix()
        good = T.dataset_json(T.make_dataset(f"e2e-load-{suffix}-ok"))
        bad = T.dataset_json(T.make_dataset(f"e2e-load-{suffix}-bad", owner=""))
        path = os.path.join(self.work_dir, f"load-{suffix}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n" + '{"id": "x",\n')
        # All or nothing: every bad line is reported, nothing is written.
        result = ctl("dataset", "load", "-f", path, "-o", "json", *self.flags)
        self.assertEqual(result.returncode, EXIT_INVALID_ARGUMENT, describe(result))
        report = json.loads(result.stdout)
        self.assertFalse(report["written"], report)
        self.assertEqual((report["lines"], report["badLines"]), (3, 2), report)
        self.assertEqual([p["line"] for p in report["problems"]], [3, 4], report)
        self.assertIn(f"{path}:3: {bad['id']}: roles.owner", report["problems"][0]["message"])
        self.assertIn(f"{path}:4:", report["problems"][1]["message"])
        self.assertEqual(ctl("dataset", "get", good["id"], *self.flags).returncode, EXIT_NOT_FOUND,
                         "nothing was written")
        text = ctl("dataset", "load", "-f", path, *self.flags)
        self.assertIn("2 of 3 lines", text.stdout)
        self.assertIn("nothing was written", text.stdout)
        # --continue-on-error stores the good line and reports the others.
        result = ctl("dataset", "load", "-f", path, "--continue-on-error", "-o", "json",
                     *self.flags)
        self.assertEqual(result.returncode, EXIT_INVALID_ARGUMENT, describe(result))
        report = json.loads(result.stdout)
        self.assertTrue(report["written"], report)
        self.assertEqual((report["created"], report["failed"]), (1, 1), report)
        self.assertEqual([p["line"] for p in report["problems"]], [3, 4], report)
        self.assertEqual(self.run_json("dataset", "get", good["id"])["id"], good["id"])

    def test_demo_load_then_list_all(self):
        # The class's catalogue already holds datasets: refused unless asked.
        refused = self.run_fails(9, "demo", "load", "--datasets", "200", "--seed", "3",
                                 principal="admin")
        self.assertIn("--add-to-existing", refused.stderr)
        # As admin, who may create and see every marking of the landscape.
        result = self.run_json("demo", "load", "--datasets", "200", "--seed", "3",
                               "--add-to-existing", principal="admin")
        self.assertEqual(result["datasets"]["failed"], 0, result)
        self.assertEqual(result["datasets"]["created"] + result["datasets"]["replaced"], 200)
        for step in ("parties", "lineage", "processing", "measurements", "terugmeldingen"):
            self.assertEqual(result[step]["failed"], 0, result[step])
        self.assertEqual(result["processing"]["created"], 7, result["processing"])
        register = self.run_json("processing", "activity", "list", "--dataset", "brp-ingezetenen")
        self.assertIn("brp-bijhouding", [a["id"] for a in register["activities"]])
        self.assertGreater(result["measurements"]["recorded"], 200 * 12, result["measurements"])
        self.assertGreater(result["terugmeldingen"]["filed"], 10, result["terugmeldingen"])
        self.assertGreaterEqual(len(result["terugmeldingen"]["by_status"]), 7,
                                "terugmeldingen in every status")
        generated = ctl("demo", "generate", "--datasets", "200", "--seed", "3")
        self.assertEqual(generated.returncode, 0, describe(generated))
        demo_ids = {json.loads(line)["id"] for line in generated.stdout.splitlines()}
        self.assertEqual(len(demo_ids), 200)

        listed = self.run_json("dataset", "list", "--all", principal="admin")
        ids = [d["id"] for d in listed["datasets"]]
        self.assertGreaterEqual(len(ids), 200)
        self.assertEqual(len(ids), len(set(ids)), "no dataset twice across pages")
        self.assertEqual(ids, sorted(ids), "in id order across pages")
        self.assertLessEqual(demo_ids, set(ids))
        self.assertEqual(listed["nextPageToken"], "")
        # Small pages give the same.
        paged = self.run_json("dataset", "list", "--all", "--page-size", "37", principal="admin")
        self.assertEqual([d["id"] for d in paged["datasets"]], ids)
        # The steward's listing is the admin's without what is above its
        # clearance (vertrouwelijk), in the same order.
        order = ["CONFIDENTIALITY_OPENBAAR", "CONFIDENTIALITY_BEPERKT_OPENBAAR",
                 "CONFIDENTIALITY_INTERN", "CONFIDENTIALITY_ZAAKVERTROUWELIJK",
                 "CONFIDENTIALITY_VERTROUWELIJK"]
        within = [d["id"] for d in listed["datasets"]
                  if d["classification"]["confidentiality"] in order]
        self.assertLess(len(within), len(ids), "the landscape has markings above vertrouwelijk")
        steward = self.run_json("dataset", "list", "--all", "--page-size", "37")
        self.assertEqual([d["id"] for d in steward["datasets"]], within)

    def test_environment_variables_instead_of_flags(self):
        env = base_env()
        env.update(CATALOG_SERVER=f"127.0.0.1:{self.server.port}", CATALOG_CA=T.cert_path("ca.pem"),
                   CATALOG_CERT=T.cert_path("steward.pem"), CATALOG_KEY=T.cert_path("steward.key"))
        dataset_id = f"e2e-env-{T.unique_suffix()}"
        path = self.write_dataset("env.json", dataset_id)
        result = ctl("dataset", "create", "-f", path, "-o", "json", env=env)
        self.assertEqual(result.returncode, 0, describe(result))
        self.assertEqual(json.loads(result.stdout)["id"], dataset_id)
        result = ctl("dataset", "get", dataset_id, env=env)
        self.assertEqual(result.returncode, 0, describe(result))
        self.assertIn(dataset_id, result.stdout)
        # A flag wins over its variable.
        env["CATALOG_SERVER"] = f"127.0.0.1:{free_loopback_port()}"
        result = ctl("dataset", "get", dataset_id, "--server", f"127.0.0.1:{self.server.port}",
                     env=env)
        self.assertEqual(result.returncode, 0, describe(result))

    def test_usage_errors_exit_64(self):
        cases = [
            ["dataset", "list", "--no-such-flag"],
            ["dataset", "get"],  # ID missing
            ["dataset", "get", "Geen Geldig Id"],
            ["dataset", "list", "-o", "yaml"],
            ["dataset", "list", "--hosting-kind", "zolder"],
            ["dataset", "list", "--inside-eea", "misschien"],
            ["dataset", "update", "e2e-x", "-f", "-", "--mask", "titel"],
            ["dataset"],
            ["geen-commando"],
        ]
        help_text = self.assert_usage_errors(cases, stdin_text="{}")
        self.assertIn("dataset", help_text)
        result = ctl("dataset", "list", "--no-such-flag", *self.flags)
        self.assertIn("--no-such-flag", result.stderr)


    def test_tables_fit_the_terminal_and_wide_shows_everything(self):
        dataset_id = f"e2e-breed-{T.unique_suffix()}"
        title = ("Register van aanvragen maatwerkvoorzieningen Wmo 2015 inclusief "
                 "beschikkingen en herindicaties")
        self.create_dataset(dataset_id, title=title)
        env = dict(base_env(), COLUMNS="120")
        narrow = ctl("dataset", "list", "--page-size", "1000", *self.flags, env=env)
        self.assertEqual(narrow.returncode, 0, describe(narrow))
        row = [line for line in narrow.stdout.splitlines() if line.startswith(dataset_id)]
        self.assertEqual(len(row), 1, narrow.stdout)
        self.assertIn("...", row[0])
        self.assertNotIn(title, narrow.stdout)
        for line in narrow.stdout.splitlines():
            self.assertLessEqual(len(line), 120, line)
        wide = ctl("dataset", "list", "--page-size", "1000", "--wide", *self.flags, env=env)
        self.assertEqual(wide.returncode, 0, describe(wide))
        self.assertIn(title, wide.stdout)
        self.assertIn(dataset_id, wide.stdout)

    def test_usage_errors_point_at_the_fix(self):
        # (arguments, what stderr says): no 300-digit ranges, no bare
        # "A subcommand is required".
        cases = [
            (["datasets", "list"], 'unknown command "datasets" for catalogctl; '
                                   'did you mean "dataset"?'),
            (["dataset", "lst"], 'unknown command "lst" for catalogctl dataset; '
                                 'did you mean "list"?'),
            (["-o", "json", "lineage", "shw", "x"], 'did you mean "show"?'),
            (["dataset"], "catalogctl dataset needs a command: create, get, list, update"),
            (["dataset", "list", "--page-size", "abc"],
             '--page-size: expected a number of 0 or more, not "abc"'),
            (["dataset", "list", "--page-size", "-5"],
             '--page-size: expected a number of 0 or more, not "-5"'),
            (["--timeout", "0", "dataset", "list"], '--timeout: expected a number above 0, not "0"'),
            (["dataset", "load", "-f", "x.jsonl", "--batch", "0"],
             '--batch: expected a number from 1 to 1000, not "0"'),
        ]
        for args, says in cases:
            result = ctl(*args, *self.flags)
            self.assertEqual(result.returncode, EXIT_USAGE, describe(result))
            self.assertIn(says, result.stderr, describe(result))
            self.assertNotRegex(result.stderr, r"\d{30}")
            self.assertNotIn("A subcommand is required", result.stderr)

class ConnectionErrorsTest(CliTestCase):
    def test_nothing_listening_is_unavailable(self):
        port = free_loopback_port()
        result = ctl("dataset", "list", "--timeout", "10", "--server", f"127.0.0.1:{port}",
                     "--ca", T.cert_path("ca.pem"), "--cert", T.cert_path("steward.pem"),
                     "--key", T.cert_path("steward.key"))
        self.assertEqual(result.returncode, EXIT_UNAVAILABLE, describe(result))
        self.assertIn("UNAVAILABLE", result.stderr)
        self.assertIn("is catalogd running", result.stderr)
        self.assertIn(f"127.0.0.1:{port}", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_missing_certificate_file(self):
        missing = os.path.join(self.work_dir, "does-not-exist", "steward.pem")
        result = ctl("dataset", "list", "--server", f"127.0.0.1:{self.server.port}",
                     "--ca", T.cert_path("ca.pem"), "--cert", missing,
                     "--key", T.cert_path("steward.key"))
        self.assertNotIn(result.returncode, (0, EXIT_UNAVAILABLE), describe(result))
        self.assertIn(missing, result.stderr)
        self.assertIn("--cert", result.stderr)
        self.assertIn("does not exist", result.stderr)
        missing_ca = os.path.join(self.work_dir, "nope-ca.pem")
        result = ctl("dataset", "list", "--server", f"127.0.0.1:{self.server.port}",
                     "--ca", missing_ca, "--cert", T.cert_path("steward.pem"),
                     "--key", T.cert_path("steward.key"))
        self.assertNotEqual(result.returncode, 0, describe(result))
        self.assertIn(missing_ca, result.stderr)
        # A certificate without its key.
        result = ctl("dataset", "list", "--server", f"127.0.0.1:{self.server.port}",
                     "--ca", T.cert_path("ca.pem"), "--cert", T.cert_path("steward.pem"))
        self.assertNotEqual(result.returncode, 0, describe(result))
        self.assertIn("--key", result.stderr)

    def test_certificate_with_another_key_says_so(self):
        # Not "cannot reach the server ... is catalogd running?" (UNAVAILABLE).
        result = ctl("dataset", "list", "--server", f"127.0.0.1:{self.server.port}",
                     "--ca", T.cert_path("ca.pem"), "--cert", T.cert_path("steward.pem"),
                     "--key", T.cert_path("reader.key"))
        self.assertEqual(result.returncode, EXIT_USAGE, describe(result))
        self.assertIn("does not belong to the client certificate", result.stderr)
        self.assertIn(T.cert_path("reader.key"), result.stderr)
        self.assertNotIn("is catalogd running", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_missing_certificate_file_is_a_usage_error(self):
        result = ctl("dataset", "list", "--server", f"127.0.0.1:{self.server.port}",
                     "--ca", T.cert_path("ca.pem"), "--cert", os.path.join(self.work_dir, "no.pem"),
                     "--key", T.cert_path("steward.key"))
        self.assertEqual(result.returncode, EXIT_USAGE, describe(result))

    def test_server_without_port_is_refused(self):
        for server in ("localhost", "127.0.0.1:", "127.0.0.1:0"):
            result = ctl("dataset", "list", "--server", server, "--ca", T.cert_path("ca.pem"),
                         "--cert", T.cert_path("steward.pem"), "--key", T.cert_path("steward.key"))
            self.assertEqual(result.returncode, EXIT_USAGE, describe(result))
            self.assertIn(f'--server "{server}" is not host:port', result.stderr)

    def test_without_client_certificate_is_refused(self):
        result = ctl("dataset", "list", "--server", f"127.0.0.1:{self.server.port}",
                     "--ca", T.cert_path("ca.pem"))
        self.assertEqual(result.returncode, EXIT_UNAVAILABLE, describe(result))
        self.assertIn("client certificate", result.stderr)

    def test_wrong_ca_is_a_tls_failure(self):
        result = ctl("dataset", "list", "--server", f"127.0.0.1:{self.server.port}",
                     "--ca", T.cert_path("ca.pem", T.other_ca_certs_dir()),
                     "--cert", T.cert_path("steward.pem"), "--key", T.cert_path("steward.key"))
        self.assertEqual(result.returncode, EXIT_UNAVAILABLE, describe(result))
        self.assertIn("TLS", result.stderr)


class ServerCommandLineTest(unittest.TestCase):
    def setUp(self):
        self.work_dir = T.make_temp_dir("cli-e2e-server")

    def tearDown(self):
        T.remove_temp_dir(self.work_dir)

    def test_check_passes_after_sigterm(self):
        server = T.CatalogServer(self.work_dir)
        with server:
            flags = connection_flags(server.port)
            # Deleting, and the demo's higher markings, need the admin.
            admin = connection_flags(server.port, "admin")
            result = ctl("demo", "load", "--datasets", "30", "--seed", "11", *admin)
            self.assertEqual(result.returncode, 0, describe(result))
            path = os.path.join(self.work_dir, "one.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(T.dataset_json(T.make_dataset("e2e-check-1")), f)
            result = ctl("dataset", "create", "-f", path, *flags)
            self.assertEqual(result.returncode, 0, describe(result))
            result = ctl("dataset", "delete", "e2e-check-1", *admin)
            self.assertEqual(result.returncode, 0, describe(result))
            code = server.stop()
        self.assertEqual(code, 0, f"exit code after SIGTERM\n{server.log_tail()}")
        check = T.run_check(server.data_dir)
        self.assertEqual(check.returncode, 0, f"{check.stdout}{check.stderr}")
        self.assertIn("check passed", check.stdout)
        self.assertIn("datasets: 30", check.stdout)
        # Restarted on the same directory, the data is there.
        with server:
            result = ctl("dataset", "list", "--all", "-o", "json",
                         *connection_flags(server.port, "admin"))
            self.assertEqual(result.returncode, 0, describe(result))
            self.assertEqual(len(json.loads(result.stdout)["datasets"]), 30)

    def test_check_fails_on_missing_data_dir_option(self):
        result = subprocess.run([T.catalogd_path(), "check"], capture_output=True, text=True,
                                timeout=CTL_TIMEOUT)
        self.assertNotEqual(result.returncode, 0)

    def test_plaintext_refused_off_loopback(self):
        server = T.CatalogServer(self.work_dir, listen="0.0.0.0:0", tls=False,
                                 extra_args=["--insecure-plaintext"])
        try:
            port = server.start()
        except RuntimeError as error:
            message = str(error)
        else:
            server.kill()
            self.fail(f"catalogd served plaintext on 0.0.0.0 (port {port})")
        self.assertIn("exited with", message)
        self.assertNotIn("exited with 0 ", message)
        self.assertIn("loopback", message)

    def test_plaintext_on_loopback_with_catalogctl_plaintext(self):
        # Plaintext callers are "anonymous", which the development policy does
        # not know: a policy of this test lets it read.
        policy = T.write_policy(os.path.join(self.work_dir, "anonymous.toml"), [
            {"principal": "anonymous", "roles": ["steward"], "clearance": "intern"}])
        server = T.CatalogServer(self.work_dir, tls=False, extra_args=["--insecure-plaintext"],
                                 policy=policy)
        with server:
            result = ctl("dataset", "list", "--plaintext", "--server",
                         f"127.0.0.1:{server.port}", "-o", "json")
            self.assertEqual(result.returncode, 0, describe(result))
            self.assertEqual(json.loads(result.stdout)["datasets"], [])
            code = server.stop()
        self.assertEqual(code, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
