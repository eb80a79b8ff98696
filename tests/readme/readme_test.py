#!/usr/bin/env python3
"""The README is a test: every command of its tour runs, in order, against a
fresh demo catalogue, and does what the text next to it says.

How the README is read:
- every ```sh block is run, command by command (a command may continue over
  lines ending in a backslash), in a scratch directory that looks like the
  repository as the README assumes it: build/bin/ (the binaries under
  test), var/certs/ (the suite's certificates) and tests/fixtures/;
- a block preceded by `<!-- readme-test: skip REASON -->` is not run (the
  two entry points, starting servers by hand);
- a command whose trailing comment says `exit N` must exit with N; every
  other command must exit 0;
- `<!-- readme-test: expect REGEX -->` before a block: the block's combined
  output must match REGEX (Python syntax, searched, multi-line);
- the server address of the README (127.0.0.1:7443) is the test server's;
- placeholders in angle brackets are filled from earlier outputs, by the
  rules in PLACEHOLDERS below (written here, not taken from the code under
  test).

The demo catalogue is loaded as scripts/run.sh does on first run:
`catalogctl demo load --datasets 500 --seed 1` as admin, then
`catalogctl demo log --operations 3000 --seed 1` as application.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import catalog_testlib as T  # noqa: E402

README_ADDRESS = "127.0.0.1:7443"
COMMAND_TIMEOUT = 300
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\b[^>]*-->\s*$")
EXPECT = re.compile(r"<!--\s*readme-test:\s*expect\s+(.*?)\s*-->\s*$")
EXIT = re.compile(r"\bexit (\d+)\b")


def blocks(readme_text):
    """The ```sh blocks of the README: (first line number, lines, skip, expect)."""
    found = []
    lines = readme_text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sh":
            j = i - 1
            skip = False
            expect = None
            while j >= 0 and lines[j].strip().startswith("<!--"):
                if SKIP.search(lines[j]):
                    skip = True
                m = EXPECT.search(lines[j])
                if m:
                    expect = m.group(1)
                j -= 1
            end = i + 1
            while lines[end].strip() != "```":
                end += 1
            found.append((i + 2, lines[i + 1:end], skip, expect))
            i = end
        i += 1
    return found


HEREDOC = re.compile(r"<<-?\s*'?(\w+)'?")


def commands(block_lines):
    """(line offset, command text, expected exit code) of each command. A
    command with a here-document (<<'EOF') runs to its terminator line."""
    result = []
    current, start = "", 0
    heredoc = None
    for offset, line in enumerate(block_lines):
        if heredoc is not None:
            result[-1] = (result[-1][0], result[-1][1] + "\n" + line, result[-1][2])
            if line.strip() == heredoc:
                heredoc = None
            continue
        if not current:
            start = offset
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        text = current.strip()
        current = ""
        if not text or text.startswith("#"):
            continue
        comment = ""
        code = text
        # The trailing comment: a '#' after white space, outside quotes.
        hash_at = _comment_start(text)
        if hash_at is not None:
            code, comment = text[:hash_at].rstrip(), text[hash_at + 1:]
        m = EXIT.search(comment)
        result.append((start, code, int(m.group(1)) if m else 0))
        here = HEREDOC.search(code)
        if here:
            heredoc = here.group(1)
    return result


def _comment_start(text):
    quote = None
    for k, c in enumerate(text):
        if quote:
            if c == quote:
                quote = None
            elif c == "\\" and quote == '"':
                continue
        elif c in "'\"":
            quote = c
        elif c == "#" and k > 0 and text[k - 1] in " \t":
            return k
    return None


def fill_etag(state):
    with open(os.path.join(state["cwd"], "woz.json"), encoding="utf-8") as f:
        return json.load(f)["etag"]


def fill_older_revision(state):
    # The history table, newest first: REVISION is the first column.
    revisions = re.findall(r"(?m)^\s*(\d+)\s", state["last_history"])
    if len(revisions) < 2:
        raise AssertionError(f"no older revision in the history:\n{state['last_history']}")
    return revisions[1]


def fill_id(state):
    m = re.search(r"\b(tm-[0-9a-z]+)\b", state["last_report"])
    if not m:
        raise AssertionError(f"no terugmelding id in:\n{state['last_report']}")
    return m.group(1)


PLACEHOLDERS = {
    "<etag>": fill_etag,
    "<older revision>": fill_older_revision,
    "<id>": fill_id,
}


class ReadmeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work_dir = T.make_temp_dir("readme")
        cls.cwd = os.path.join(cls.work_dir, "repo")
        os.makedirs(os.path.join(cls.cwd, "build"))
        os.makedirs(os.path.join(cls.cwd, "var"))
        os.makedirs(os.path.join(cls.cwd, "tests"))
        os.symlink(T.bin_dir(), os.path.join(cls.cwd, "build", "bin"))
        os.symlink(T.certs_dir(), os.path.join(cls.cwd, "var", "certs"))
        os.symlink(os.path.join(T.source_dir(), "tests", "fixtures"),
                   os.path.join(cls.cwd, "tests", "fixtures"))
        cls.server = T.CatalogServer(cls.work_dir, extra_args=T.subject_key_args(cls.work_dir))
        cls.server.start()
        admin = ["--server", cls.server.address, "--ca", T.cert_path("ca.pem"),
                 "--cert", T.cert_path("admin.pem"), "--key", T.cert_path("admin.key")]
        load = subprocess.run([T.catalogctl_path(), "demo", "load", "--datasets", "500",
                               "--seed", "1", *admin], capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT)
        if load.returncode == 0:
            # The demo processing log, as scripts/run.sh writes it.
            application = admin[:4] + ["--cert", T.cert_path("application.pem"),
                                       "--key", T.cert_path("application.key")]
            load = subprocess.run([T.catalogctl_path(), "demo", "log", "--operations", "3000",
                                   "--seed", "1", *application], capture_output=True,
                                  text=True, timeout=COMMAND_TIMEOUT)
        if load.returncode != 0:
            cls.server.stop()
            raise AssertionError(f"demo load failed: {load.stdout}{load.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        T.remove_temp_dir(cls.work_dir)

    def test_every_tour_command_runs_as_written(self):
        with open(os.path.join(T.source_dir(), "README.md"), encoding="utf-8") as f:
            readme = f.read()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOG_")}
        env["PWD"] = self.cwd
        state = {"cwd": self.cwd, "last_history": "", "last_report": ""}
        ran = 0
        for first_line, block_lines, skip, expect in blocks(readme):
            if skip:
                continue
            output = ""
            for offset, command, expected in commands(block_lines):
                where = f"README.md:{first_line + offset}: {command}"
                for placeholder, fill in PLACEHOLDERS.items():
                    if placeholder in command:
                        command = command.replace(placeholder, fill(state))
                command = command.replace(README_ADDRESS, self.server.address)
                env_file = os.path.join(self.work_dir, "env")
                script = (f"cd {shlex.quote(self.cwd)}\n{command}\n__rc=$?\n"
                          f"env -0 > {shlex.quote(env_file)}\nexit $__rc\n")
                result = subprocess.run(["bash", "-c", script], env=env, capture_output=True,
                                        text=True, timeout=COMMAND_TIMEOUT)
                with open(env_file, encoding="utf-8") as f:
                    env = dict(item.split("=", 1) for item in f.read().split("\0") if "=" in item)
                self.assertEqual(result.returncode, expected,
                                 f"{where}\nexit {result.returncode}, expected {expected}\n"
                                 f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}")
                output += result.stdout + result.stderr
                if " dataset history " in f" {command} ":
                    state["last_history"] = result.stdout
                if " report file " in f" {command} ":
                    state["last_report"] = result.stdout
                ran += 1
            if expect is not None:
                self.assertRegex(output, re.compile(expect, re.M),
                                 f"README.md:{first_line}: the block's output does not match "
                                 f"{expect!r}:\n{output[-3000:]}")
        self.assertGreater(ran, 40, "the tour has more commands than that")

    def test_reader_finds_blocks_commands_and_exit_codes(self):
        text = ("<!-- readme-test: skip not here -->\n```sh\nrm -rf /\n```\n"
                "<!-- readme-test: expect ^created \\d+ -->\n```sh\n"
                "a --x 'y # z' \\\n   --w   # NOT_FOUND, exit 5\n# a comment\nb\n```\n")
        found = blocks(text)
        self.assertEqual([(skip, expect) for _, _, skip, expect in found],
                         [(True, None), (False, "^created \\d+")])
        self.assertEqual([(c, e) for _, c, e in commands(found[1][1])],
                         [("a --x 'y # z'     --w", 5), ("b", 0)])
        here = commands(["cat > f.json <<'EOF'", '{"a": 1}  # not a comment', "EOF", "c"])
        self.assertEqual([c for _, c, _ in here],
                         ["cat > f.json <<'EOF'\n{\"a\": 1}  # not a comment\nEOF", "c"])


if __name__ == "__main__":
    unittest.main()
