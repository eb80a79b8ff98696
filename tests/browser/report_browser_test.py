"""End to end in a browser: the landscape report of the built catalogctl.

catalogd runs on 127.0.0.1:0 over mutual TLS with the development policy (as
in tests/e2e, whose helpers this uses) and keeps a processing log (a subject
key); the admin loads the demo landscape (`catalogctl demo load --datasets
300`) and registers an activity on gerechtvaardigd belang (a finding that
names it), and the `application` principal writes the demo processing log
(`catalogctl demo log`, as scripts/run.sh does). Then:

  * `catalogctl landscape -o json` gives the RPC's answer, and the table
    output its key figures, its processing figures (activities per legal
    basis, operations per activity) and the activities a finding names;
    filters and the usage period reach the server;
  * `catalogctl landscape --html F --pdf P` writes both;
  * headless Chromium (Debian's chromium) opens F from a file:// URL with
    the network switched off: the DOM it dumps holds the key figures and
    the processing figures of the JSON (data-figure attributes), the
    activities by operations and the activity the finding names, its
    screenshot (a PNG in the test output
    directory, decoded here with zlib) is not blank, and `pdfinfo` (poppler)
    counts at least two pages in P;
  * server strings with markup cannot make the page load anything: with a
    listening loopback server and the network left on, Chromium makes no
    request to it (while a control page without the report's escaping and
    policy does);
  * the error paths: bad --lang, --since, --hosting-kind (usage, 64), a
    missing Chromium and unwritable --html/--pdf paths (failed
    precondition, 9), since after until (invalid argument, 3).

Chromium and pdfinfo must be installed (scripts/install-deps.sh
--with-browser): when they are missing the test fails, it does not skip.

Run: python3 report_browser_test.py (through ctest, see tests/CMakeLists.txt).
"""

import html.parser
import http.server
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))

import catalog_testlib as T  # noqa: E402
import cli_e2e_test as E  # noqa: E402

EXIT_INVALID_ARGUMENT = 3
EXIT_FAILED_PRECONDITION = 9
EXIT_USAGE = 64

DEMO_DATASETS = 300
DEMO_OPERATIONS = 600
# Registered by the test: on gerechtvaardigd belang, which a public body may
# not use (COMPLIANCE_RULE_ACTIVITY_BASIS_NOT_ALLOWED names it).
LEGITIMATE_INTEREST_ACTIVITY = "browser-nieuwsbrief"
BROWSER_TIMEOUT = 120  # seconds for one Chromium run
SCREEN = (1280, 1800)
# Every request goes to a proxy where nothing listens, loopback included.
NO_NETWORK = ["--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]
INSTALL_HINT = "install it: scripts/install-deps.sh --with-browser"


def chromium_path():
    path = os.environ.get("CATALOG_CHROMIUM") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        raise AssertionError(f"Chromium is not at {path}; {INSTALL_HINT}")
    return path


def poppler_path(tool):
    """The path of `tool` of poppler-utils ("pdfinfo", "pdftotext")."""
    path = shutil.which(tool)
    if path is None:
        raise AssertionError(f"{tool} (poppler-utils) is not installed; {INSTALL_HINT}")
    return path


def output_dir():
    """Where screenshots stay after the test: CATALOG_TEST_OUTPUT_DIR (set by
    tests/browser/CMakeLists.txt, under the build directory)."""
    path = os.environ.get("CATALOG_TEST_OUTPUT_DIR") or os.path.join(
        os.path.dirname(T.bin_dir()), "test-output", "browser")
    os.makedirs(path, exist_ok=True)
    return path


def file_url(path):
    return "file://" + os.path.abspath(path)


def run_chromium(work_dir, *args):
    """Headless Chromium with a fresh profile under `work_dir`; stdout is
    returned, a failure fails the test."""
    profile = T.make_temp_dir("chromium-profile")
    try:
        result = subprocess.run(
            [chromium_path(), "--headless", "--disable-gpu", "--no-sandbox",
             "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={profile}", *args],
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=BROWSER_TIMEOUT, cwd=work_dir)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if result.returncode != 0:
        raise AssertionError(f"chromium {' '.join(args)}: exit {result.returncode}\n"
                             f"{result.stderr[-3000:]}")
    return result.stdout


class FigureParser(html.parser.HTMLParser):
    """The text of every element with a data-figure or data-field
    attribute, by its value."""

    def __init__(self):
        super().__init__()
        self.values = {}
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("data-figure") or attrs.get("data-field")
        if name:
            self._open = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open:
            self.values[self._open] += data


def figures_of(dom):
    parser = FigureParser()
    parser.feed(dom)
    return parser.values


def png_pixels(path):
    """(width, height, channels, pixel bytes) of an 8-bit, non-interlaced
    PNG as Chromium writes it (grey, RGB, grey+alpha or RGBA), decoded with
    zlib and the five PNG row filters."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace != 0 or colour not in (0, 2, 4, 6):
        raise AssertionError(f"unexpected PNG format {header}")
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    pixels = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 0xFF
        elif kind != 0:
            raise AssertionError(f"unknown PNG filter {kind} in row {y}")
        pixels[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, bytes(pixels)


def json_int(message, *path):
    """An int64 (a string in proto3 JSON) or int32 at `path`; 0 when left
    out (a default value)."""
    for key in path[:-1]:
        message = message.get(key, {})
    return int(message.get(path[-1], 0))


def table_rows(text, header_start):
    """The rows of the table in `text` whose header starts with
    `header_start`, up to its end (an empty line): first cell (stripped) ->
    second, cells split on two or more spaces."""
    rows, inside = {}, False
    for line in text.splitlines():
        if line.startswith(header_start):
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            cells = re.split(r"\s{2,}", line.strip())
            rows[cells[0]] = cells[1] if len(cells) > 1 else ""
    return rows


def dutch_percent(part, whole):
    return f"{100 * part / whole:.1f}%".replace(".", ",") if whole else "–"


def short_name(name):
    """"processing-activities/wmo" -> "wmo", as the report shows names."""
    return name.split("/", 1)[1] if "/" in name else name


class LandscapeReportTest(E.CliTestCase):
    processing_log = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activity = os.path.join(cls.work_dir, "nieuwsbrief.json")
        with open(activity, "w", encoding="utf-8") as f:
            json.dump({"id": LEGITIMATE_INTEREST_ACTIVITY, "title": "Nieuwsbrief aan inwoners",
                       "purpose": "Inwoners informeren over gemeentelijk nieuws",
                       "legalBasis": "LEGAL_BASIS_GERECHTVAARDIGD_BELANG",
                       "controller": {"name": "College van B&W van Voorbeeldstad"},
                       "dataSubjectCategories": ["Inwoners"],
                       "personalDataCategories": ["NAW-gegevens", "e-mailadres"],
                       "retentionPeriod": "P1Y",
                       "logConfidentiality": "CONFIDENTIALITY_INTERN"}, f)
        application = E.connection_flags(cls.server.port, "application")
        for what, args in (
                ("demo load", ["demo", "load", "--datasets", str(DEMO_DATASETS), "--seed", "11",
                               "-o", "json", *cls.admin_flags]),
                ("activity add", ["processing", "activity", "add", "-f", activity,
                                  *cls.admin_flags]),
                # The demo register's operations in the last 30 days: the
                # landscape's default usage period.
                ("demo log", ["demo", "log", "--operations", str(DEMO_OPERATIONS),
                              "--seed", "11", *application])):
            result = E.ctl(*args)
            if result.returncode != 0:
                raise AssertionError(f"{what}: {E.describe(result)}")

    def test_report_opens_in_the_browser_with_the_figures_of_the_rpc(self):
        landscape = self.run_json("landscape", principal="admin")
        total = json_int(landscape, "totalDatasets")
        self.assertGreaterEqual(total, DEMO_DATASETS, "the admin sees the whole demo landscape")
        self.assertTrue(landscape["findings"], "the demo landscape has findings")

        # Table output: the key figures, readable.
        table = self.run_ok("landscape", principal="admin")
        self.assertIn("op basis van uw rechten", table)
        self.assertIn("Datasets", table)
        self.assertIn(str(total), table)
        self.assertIn("Belangrijkste bevindingen:", table)
        self.assertNotIn("HOSTING_KIND_", table)
        processing = landscape["processing"]
        operations = json_int(processing, "operations")
        self.assertGreater(operations, 0, "the demo log lies in the usage period")
        self.assertGreater(json_int(processing, "activeActivities"), 1)
        by_activity = processing["operationsByActivity"]
        self.assertEqual(sum(int(c["count"]) for c in by_activity), operations)
        top = by_activity[0]
        self.assertIn("processing-activities/", top["key"])
        rows = table_rows(table, "VERWERKINGEN")
        self.assertEqual(rows.get("Actieve verwerkingsactiviteiten"),
                         str(json_int(processing, "activeActivities")), table)
        self.assertEqual(rows.get("Beëindigde verwerkingsactiviteiten"),
                         str(json_int(processing, "endedActivities")), table)
        self.assertEqual(rows.get("Operaties in de periode"), str(operations), table)
        self.assertEqual(rows.get(short_name(top["key"])), top["count"], table)
        self.assertEqual(rows.get("Gerechtvaardigd belang (f)"), "1", table)
        self.assertNotIn("LEGAL_BASIS_", table)
        self.assertNotIn("processing-activities/", table)
        # The finding names the activity, in the JSON and in the table.
        basis = [f for f in landscape["findings"]
                 if f["rule"] == "COMPLIANCE_RULE_ACTIVITY_BASIS_NOT_ALLOWED"]
        self.assertEqual(len(basis), 1, landscape["findings"])
        self.assertEqual(basis[0]["activities"],
                         [f"processing-activities/{LEGITIMATE_INTEREST_ACTIVITY}"])
        # Each top finding with the (first five) datasets or activities it
        # names under it.
        for i, finding in enumerate(landscape["findings"][:5]):
            names = (finding.get("activities") or finding.get("datasets", []))[:5]
            affected = ", ".join(short_name(n) for n in names)
            rest = int(finding["count"]) - len(names)
            if rest > 0:
                affected += f"{' ' if affected else ''}(+{rest} meer)"
            self.assertRegex(table, rf"\n  {i + 1}\. .*\n     Betreft: {re.escape(affected)}\n")

        page = os.path.join(self.work_dir, "landscape.html")
        pdf = os.path.join(self.work_dir, "landscape.pdf")
        out = self.run_ok("landscape", "--html", page, "--pdf", pdf, principal="admin")
        self.assertIn(f"HTML report written to {page}", out)
        self.assertIn(f"PDF report written to {pdf}", out)
        with open(page, encoding="utf-8") as f:
            source = f.read()
        for external in ("http://", "https://", "src=", "href=", "<script"):
            self.assertNotIn(external, source)

        # The DOM as Chromium built it, without network.
        dom = run_chromium(self.work_dir, *NO_NETWORK, "--dump-dom", file_url(page))
        figures = figures_of(dom)
        in_cloud = sum(int(c.get("count", 0)) for c in landscape["cloud"]["byHostingKind"]
                       if c.get("key") in ("HOSTING_KIND_PUBLIC_CLOUD", "HOSTING_KIND_SAAS",
                                           "HOSTING_KIND_GOVERNMENT_CLOUD"))
        measured = json_int(landscape, "quality", "measuredDatasets")
        mean_score = landscape["quality"].get("meanScore", 0)
        expected = {
            "total_datasets": str(total),
            "cloud_share": dutch_percent(in_cloud, total),
            "outside_eea": str(json_int(landscape, "cloud", "outsideEea")),
            "personal_data": str(json_int(landscape, "security", "personalData")),
            "special_categories": str(json_int(landscape, "security", "specialCategories")),
            "mean_quality": f"{mean_score:.1f}".replace(".", ",") if measured else "–",
            "below_norm": str(json_int(landscape, "quality", "belowNorm")),
            "open_terugmeldingen": str(json_int(landscape, "quality", "openTerugmeldingen")),
            "overdue_terugmeldingen": str(
                json_int(landscape, "quality", "overdueTerugmeldingen")),
            "findings": str(len(landscape["findings"])),
            "revision": landscape["revision"],
            "active_activities": str(json_int(processing, "activeActivities")),
            "ended_activities": str(json_int(processing, "endedActivities")),
            "operations": str(operations),
        }
        for name, value in expected.items():
            self.assertEqual(figures.get(name), value, name)
        self.assertGreater(in_cloud, 0, "the demo landscape has data in the cloud")
        self.assertIn("Kerncijfers", dom)
        self.assertIn("op basis van uw rechten", dom)
        self.assertIn('class="chart heatmap"', dom)
        self.assertIn('class="chart lineage"', dom)
        # The processing section: the activities with operations (the
        # chart's rows) and the legal basis of the test's activity, by
        # readable names; the findings table names that activity.
        self.assertIn("<h2>Verwerkingen</h2>", dom)
        for c in by_activity[:11]:
            self.assertIn(f"<title>{short_name(c['key'])}: {c['count']}</title>", dom)
        self.assertIn("<title>Gerechtvaardigd belang (f): 1</title>", dom)
        self.assertNotIn("LEGAL_BASIS_", dom)
        self.assertNotIn("processing-activities/", dom)
        self.assertIn(f"<td>{LEGITIMATE_INTEREST_ACTIVITY}</td>", dom)

        # A screenshot that shows something.
        screenshot = os.path.join(output_dir(), "landscape-report.png")
        if os.path.exists(screenshot):
            os.remove(screenshot)
        run_chromium(self.work_dir, *NO_NETWORK, f"--window-size={SCREEN[0]},{SCREEN[1]}",
                     f"--screenshot={screenshot}", file_url(page))
        width, height, channels, pixels = png_pixels(screenshot)
        self.assertEqual((width, height), SCREEN)
        colours, non_white, sampled = set(), 0, 0
        step = channels * 7  # every 7th pixel
        for i in range(0, len(pixels) - channels, step):
            pixel = pixels[i:i + min(channels, 3)]
            colours.add(pixel)
            sampled += 1
            non_white += min(pixel) < 240
        self.assertGreater(len(colours), 20, "more than a few colours: text, bars, heat map")
        self.assertGreater(non_white / sampled, 0.03, f"{non_white}/{sampled} non-white pixels")

        # The PDF: a first page of key figures, then a page per section.
        info = subprocess.run([poppler_path("pdfinfo"), pdf], capture_output=True, text=True,
                              timeout=60)
        self.assertEqual(info.returncode, 0, info.stderr)
        pages = [line for line in info.stdout.splitlines() if line.startswith("Pages:")]
        self.assertTrue(pages, info.stdout)
        self.assertGreaterEqual(int(pages[0].split()[1]), 2, info.stdout)

    def test_english_report(self):
        page = os.path.join(self.work_dir, "landscape-en.html")
        self.run_ok("landscape", "--lang", "en", "--html", page, principal="admin")
        dom = run_chromium(self.work_dir, *NO_NETWORK, "--dump-dom", file_url(page))
        self.assertIn('lang="en"', dom)
        self.assertIn("Key figures", dom)
        self.assertIn("<h2>Processing</h2>", dom)
        self.assertIn("<title>Legitimate interests (f): 1</title>", dom)
        self.assertIn("based on your access rights", dom)
        self.assertNotIn("Kerncijfers", dom)
        self.assertRegex(figures_of(dom)["cloud_share"], r"^\d+\.\d%$")

    def test_clearance_filters_and_period_reach_the_server(self):
        admin = self.run_json("landscape", principal="admin")
        steward = self.run_json("landscape")
        self.assertLess(json_int(steward, "totalDatasets"), json_int(admin, "totalDatasets"),
                        "the steward's clearance (vertrouwelijk) hides part of the demo")
        domain = self.run_json("landscape", "--domain", "Burgerzaken", principal="admin")
        self.assertEqual(domain["filter"]["domain"], "Burgerzaken")
        burgerzaken = [c for c in admin["byDomain"] if c.get("key") == "Burgerzaken"]
        self.assertEqual(json_int(domain, "totalDatasets"),
                         int(burgerzaken[0]["count"]) if burgerzaken else 0)
        saas = self.run_json("landscape", "--hosting-kind", "saas", "--registration-type",
                             "sectorregistratie", "--provider", "Centric", principal="admin")
        self.assertEqual(saas["filter"], {"registrationType": "REGISTRATION_TYPE_SECTORREGISTRATIE",
                                          "hostingKind": "HOSTING_KIND_SAAS",
                                          "provider": "Centric"})
        period = self.run_json("landscape", "--since", "2026-01-01", "--until",
                               "2026-02-01T12:00:00Z", principal="admin")
        self.assertEqual(period["usageSince"], "2026-01-01T00:00:00Z")
        self.assertEqual(period["usageUntil"], "2026-02-01T12:00:00Z")

    def test_server_strings_cannot_make_the_page_load_anything(self):
        requests = []

        class Canary(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server interface
                requests.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        canary = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
        threading.Thread(target=canary.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{canary.server_address[1]}"
            markup = (f'"><img src="{url}/img"><link rel="stylesheet" href="{url}/css">'
                      f'<script src="{url}/js"></script>')
            ds = f"browser-xss-{T.unique_suffix()}"
            self.create_dataset(ds, domain=f"Domein {markup}", hosting={
                "kind": "HOSTING_KIND_SAAS", "provider": f"Leverancier {markup}",
                "country": "NL", "insideEea": True})
            page = os.path.join(self.work_dir, "hostile.html")
            self.run_ok("landscape", "--html", page)
            # The network stays on, so that a leak would reach the canary.
            dom = run_chromium(self.work_dir, "--virtual-time-budget=3000", "--dump-dom",
                               file_url(page))
            self.assertIn("Leverancier", dom)
            self.assertEqual(requests, [], "the report made requests")

            # Control: the same markup unescaped and without the policy does.
            control = os.path.join(self.work_dir, "control.html")
            with open(control, "w", encoding="utf-8") as f:
                f.write(f"<!DOCTYPE html><html><body><p>{markup}</p></body></html>")
            run_chromium(self.work_dir, "--virtual-time-budget=3000", "--dump-dom",
                         file_url(control))
            self.assertIn("/img", requests, "the canary sees requests of an unsafe page")
        finally:
            canary.shutdown()
            canary.server_close()

    def test_error_paths(self):
        page = os.path.join(self.work_dir, "never.html")
        pdf = os.path.join(self.work_dir, "never.pdf")
        for args, flag in ((["--lang", "de"], "--lang"),
                           (["--since", "gisteren"], "--since"),
                           (["--until", "2026-13-45"], "--until"),
                           (["--hosting-kind", "zolder"], "--hosting-kind"),
                           (["--registration-type", "x"], "--registration-type")):
            with self.subTest(args=args):
                result = self.run_fails(EXIT_USAGE, "landscape", "--html", page, *args)
                self.assertIn(flag, result.stderr)
        self.assertFalse(os.path.exists(page), "nothing written after a usage error")

        # Chromium missing: a clear message before anything is asked of the server.
        env = dict(E.base_env(), CATALOG_CHROMIUM="/nonexistent/chromium")
        result = self.run_fails(EXIT_FAILED_PRECONDITION, "landscape", "--html", page,
                                "--pdf", pdf, env=env)
        self.assertIn("/nonexistent/chromium", result.stderr)
        self.assertIn("install-deps.sh --with-browser", result.stderr)
        self.assertIn("CATALOG_CHROMIUM", result.stderr)
        self.assertFalse(os.path.exists(pdf))
        self.assertFalse(os.path.exists(page))

        missing_dir = os.path.join(self.work_dir, "no-such-dir")
        for flag in ("--html", "--pdf"):
            with self.subTest(flag=flag):
                target = os.path.join(missing_dir, "report")
                result = self.run_fails(EXIT_FAILED_PRECONDITION, "landscape", flag, target)
                self.assertIn(f"{flag}: cannot write {target}", result.stderr)
                self.assertIn("No such file or directory", result.stderr)
        self.assertFalse(os.path.exists(missing_dir))

        # The server checks the period.
        self.run_fails(EXIT_INVALID_ARGUMENT, "landscape", "--since", "2026-02-01",
                       "--until", "2026-01-01")


if __name__ == "__main__":
    unittest.main(verbosity=2)
