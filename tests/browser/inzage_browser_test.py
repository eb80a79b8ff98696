"""End to end in a browser: the inzage letter of the built catalogctl
(`catalogctl processing subject --html F --pdf P`).

catalogd runs on 127.0.0.1:0 over mutual TLS with a subject key (the
tests/e2e helpers); the steward registers the activities and the
application exports the operations of tests/e2e/accountability_cli_e2e_test
(build_landscape). The privacy officer writes the letter. Then:

  * headless Chromium opens F from a file:// URL with the network switched
    off: the DOM it dumps holds the activities' titles and every operation
    (date and time, handeling, toepassing: no empty cell), the masked BSN
    where the letter says whom it concerns, and no plain BSN; its
    screenshot (kept in the test output directory) is not blank;
  * P is a PDF (`pdfinfo` counts its pages) whose text (`pdftotext`) holds
    the title and the masked BSN, and not the plain one;
  * markup in server strings stays text: no element of it reaches the DOM.

Chromium and poppler-utils must be installed (scripts/install-deps.sh
--with-browser): when they are missing the test fails, it does not skip.

Run: python3 inzage_browser_test.py (through ctest, see tests/CMakeLists.txt).
"""

import html.parser
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, HERE)

import accountability_cli_e2e_test as A  # noqa: E402
import catalog_testlib as T  # noqa: E402
import report_browser_test as R  # noqa: E402

SCREEN = (1024, 1400)


class LetterParser(html.parser.HTMLParser):
    """The titles (the h2 of each activity section), the cells of every
    data-operation row, the texts of the data-field elements, and the name
    of every element."""

    def __init__(self):
        super().__init__()
        self.titles, self.operations, self.fields, self.tags = [], [], {}, set()
        self._activity = False  # in a section with data-activity
        self._operation = False  # in a tr with data-operation
        self._target = None  # (container, key) the text goes to

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "section":
            self._activity = "data-activity" in attrs
        if tag == "tr":
            self._operation = "data-operation" in attrs
            if self._operation:
                self.operations.append([])
        if "data-field" in attrs:
            self.fields[attrs["data-field"]] = ""
            self._target = (self.fields, attrs["data-field"])
        elif tag == "h2" and self._activity:
            self.titles.append("")
            self._target = (self.titles, -1)
        elif tag == "td" and self._operation:
            self.operations[-1].append("")
            self._target = (self.operations[-1], -1)

    def handle_endtag(self, tag):
        if tag in ("h2", "td"):
            self._target = None
        if tag == "tr":
            self._operation = False

    def handle_data(self, data):
        if self._target is not None:
            container, key = self._target
            container[key] += data


def parse_letter(dom):
    parser = LetterParser()
    parser.feed(dom)
    return parser


class InzageLetterTest(A.LandscapeTestCase):
    def write_letter(self, name, *extra):
        page = os.path.join(self.work_dir, f"{name}.html")
        self.run_ok("processing", "subject", "--id-type", "BSN", "--id", A.BSN_RESIDENT,
                    "--html", page, *extra, principal="privacy")
        return page

    def test_letter_opens_in_the_browser(self):
        L = self.L
        pdf = os.path.join(self.work_dir, "inzage.pdf")
        page = self.write_letter("inzage", "--pdf", pdf)
        with open(page, encoding="utf-8") as f:
            self.assertNotIn(A.BSN_RESIDENT, f.read())

        dom = R.run_chromium(self.work_dir, *R.NO_NETWORK, "--dump-dom", R.file_url(page))
        self.assertNotIn(A.BSN_RESIDENT, dom)
        letter = parse_letter(dom)
        self.assertEqual(letter.titles, ["Verlenen van parkeervergunningen",
                                         "Verwerken van verhuizingen"])
        self.assertEqual(letter.fields["subject"], "Burgerservicenummer ******653")
        self.assertEqual(letter.fields["period"], "alle vastgelegde verwerkingen")
        self.assertEqual(letter.operations, [
            ["02-03-2026 10:15", "Aanvraag parkeervergunning ontvangen", "parkeer-app"],
            ["02-03-2026 10:16", "Kenteken gecontroleerd (mislukt)", "parkeer-app"],
            ["10-04-2026 15:45", "Verhuizing verwerkt", "verhuis-app"]])
        self.assertIn("Overzicht van de verwerking van uw persoonsgegevens", dom)
        self.assertIn("Uw rechten", dom)
        self.assertIn(f'data-activity="processing-activities/{L.verhuizing}"', dom)

        screenshot = os.path.join(R.output_dir(), "inzage-letter.png")
        if os.path.exists(screenshot):
            os.remove(screenshot)
        R.run_chromium(self.work_dir, *R.NO_NETWORK, f"--window-size={SCREEN[0]},{SCREEN[1]}",
                       f"--screenshot={screenshot}", R.file_url(page))
        width, height, channels, pixels = R.png_pixels(screenshot)
        self.assertEqual((width, height), SCREEN)
        step = channels * 5
        dark = sum(1 for i in range(0, len(pixels) - channels, step)
                   if min(pixels[i:i + min(channels, 3)]) < 160)
        self.assertGreater(dark, 500, "text is drawn")

        info = subprocess.run([R.poppler_path("pdfinfo"), pdf], capture_output=True, text=True,
                              timeout=60)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertRegex(info.stdout, r"(?m)^Pages:\s+[1-9]")
        text = subprocess.run([R.poppler_path("pdftotext"), pdf, "-"], capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(text.returncode, 0, text.stderr)
        words = " ".join(text.stdout.split())  # lines broken as on paper
        self.assertIn("Overzicht van de verwerking van uw persoonsgegevens", words)
        self.assertIn("Burgerservicenummer ******653", words)
        self.assertIn("Verwerken van verhuizingen", words)
        self.assertNotIn(A.BSN_RESIDENT, words.replace(" ", ""))

    def test_markup_in_server_strings_stays_text(self):
        suffix = T.unique_suffix()
        dataset = f"acc-markup-{suffix}"
        activity = f"acc-markup-{suffix}"
        self.create_dataset(dataset, title="Gegevens <b>vet</b>")
        markup = '<img src="x"><script>document.title="x"</script>'
        self.run_ok("processing", "activity", "add", "-f", self.write_json(
            "markup.json", A.activity_json(activity, f"Activiteit {markup}", dataset,
                                           purpose=f"Doel {markup}")))
        A.export_otlp(self.server.port, f"app {markup}", "1", [
            A.span(bytes.fromhex("77" * 16), bytes.fromhex("88" * 8), f"Handeling {markup}",
                   "2026-05-01T12:00:00Z", activity, A.BSN_NEIGHBOUR)])
        page = os.path.join(self.work_dir, "markup.html")
        self.run_ok("processing", "subject", "--id-type", "BSN", "--id", A.BSN_NEIGHBOUR,
                    "--since", "2026-05-01", "--html", page, principal="privacy")
        dom = R.run_chromium(self.work_dir, *R.NO_NETWORK, "--dump-dom", R.file_url(page))
        letter = parse_letter(dom)
        self.assertEqual(letter.titles, [f"Activiteit {markup}"])
        self.assertEqual(letter.operations, [["01-05-2026 14:00", f"Handeling {markup}",
                                              f"app {markup}"]])
        self.assertFalse({"img", "script", "b"} & letter.tags, letter.tags)


if __name__ == "__main__":
    unittest.main(verbosity=2)
