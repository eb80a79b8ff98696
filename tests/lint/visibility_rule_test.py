#!/usr/bin/env python3
"""The one visibility rule holds by construction.

Fails when C++ code of the server or the store outside the visibility unit
(server/core/visibility.*) or the policy that grants clearances
(server/security/policy.*) touches a clearance: the only way to compare a
confidentiality with a clearance is then through Visibility. Comments and
string literals are ignored (an error message may say "clearance").

Also fails when the service layer (server/service/) includes anything from
storage/: handlers reach the store only through the core.

Usage: visibility_rule_test.py [SOURCE_DIR]   (default: $CATALOG_SOURCE_DIR)
"""
import os
import re
import sys
import unittest

ALLOWED = {
    "server/core/visibility.h",
    "server/core/visibility.cc",
    "server/security/policy.h",
    "server/security/policy.cc",
}
CLEARANCE = re.compile(r"\bclearance\b")
STORAGE_INCLUDE = re.compile(r'^\s*#\s*include\s+"storage/')
# Comments and literals, in the order the lexer meets them.
TOKENS = re.compile(
    r'//[^\n]*|/\*.*?\*/|R"(?P<d>[^(]*)\(.*?\)(?P=d)"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
    re.S)


def strip(code):
    """Code without comments and string/char literals (newlines kept)."""
    return TOKENS.sub(lambda m: "\n" * m.group(0).count("\n"), code)


def violations(path, code):
    found = []
    if path not in ALLOWED and path.startswith(("server/", "storage/")):
        for n, line in enumerate(strip(code).split("\n"), 1):
            if CLEARANCE.search(line):
                found.append(f"{path}:{n}: touches a clearance outside the visibility unit")
    if path.startswith("server/service/"):
        for n, line in enumerate(code.split("\n"), 1):
            if STORAGE_INCLUDE.search(line):
                found.append(f"{path}:{n}: the service layer includes storage/")
    return found


def sources(root):
    for top in ("server", "storage"):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if name.endswith((".h", ".cc")):
                    full = os.path.join(folder, name)
                    yield os.path.relpath(full, root), full


class VisibilityRuleTest(unittest.TestCase):
    def test_checker_catches_a_copied_predicate(self):
        code = "bool Mine(const Grant& g, int c) {\n  return c <= g.clearance;\n}\n"
        self.assertEqual(violations("server/core/lineage_catalog.cc", code),
                         ["server/core/lineage_catalog.cc:2: touches a clearance outside "
                          "the visibility unit"])

    def test_checker_ignores_comments_and_messages(self):
        code = ('// above the caller\'s clearance\n'
                'return Err("dataset above your clearance"); /* clearance */\n')
        self.assertEqual(violations("server/core/lineage_catalog.cc", code), [])

    def test_checker_allows_the_visibility_unit(self):
        code = "return c <= caller_.grant.clearance;\n"
        self.assertEqual(violations("server/core/visibility.cc", code), [])

    def test_checker_catches_storage_in_the_service_layer(self):
        self.assertEqual(len(violations("server/service/x.h", '#include "storage/catalog_store.h"\n')), 1)

    def test_sources_follow_the_rule(self):
        root = SOURCE_DIR
        checked = 0
        problems = []
        for relative, full in sources(root):
            with open(full, encoding="utf-8") as f:
                problems += violations(relative.replace(os.sep, "/"), f.read())
            checked += 1
        self.assertGreater(checked, 50, f"no sources found under {root}")
        self.assertEqual(problems, [], "\n".join(problems))


if __name__ == "__main__":
    SOURCE_DIR = sys.argv.pop(1) if len(sys.argv) > 1 else os.environ["CATALOG_SOURCE_DIR"]
    unittest.main()
