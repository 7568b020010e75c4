"""The pages thb writes, printed (issue 13): the training handout and the audit report, in English and
Russian, printed to PDF by headless Chromium and read back with poppler's pdftotext.

Each must be A4, have text on its first page (the heading and the printed contents — never a page
with the heading alone, or a blank one), keep every word inside the page's margins (tables
included), keep case ids and article references on one line, and print its table of contents.
The tests skip only when Chromium is not installed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from classifier import audit as A
from classifier import i18n
from classifier import training as tr
from classifier.fileio import write_atomic

ROOT = Path(__file__).resolve().parents[1]
THB = str(Path(sys.executable).parent / "thb")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs headless Chromium (chromium, chromium-browser)")
A4 = (595.28, 841.89)  # points
MARGIN_X = 14 / 25.4 * 72  # the pages' left and right @page margin, 14 mm
# the last word of a line that would mean a reference was broken across lines
BROKEN_REF = re.compile(r"^(?:[Aa]rts?\.|[Сс]т\.|[Чч]\.|[Пп]п?\.|part|items?|CC|CoM|CoO)$")


def print_pdf(page: Path, tmp: Path) -> Path:
    """`page` printed to PDF by headless Chromium, without the browser's own header and footer."""
    pdf = page.with_suffix(".pdf")
    profile = tmp / f"profile-{page.stem}"
    r = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp)},
    )
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", r.stderr.decode(errors="replace")[-2000:]
    return pdf


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's size in points, from the PDF's MediaBox entries (no PDF library needed)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    return [(float(w), float(h)) for w, h in boxes]


def pages(pdf: Path) -> list[dict]:
    """Per page: its size and its lines of words with their boxes (pdftotext -bbox-layout)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("reading the printed text needs pdftotext (poppler-utils)")
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml.stdout))
    out = []
    for p in root.iterfind(".//h:page", ns):
        lines = []
        for line in p.iterfind(".//h:line", ns):
            words = [(w.text or "", float(w.get("xMin")), float(w.get("xMax"))) for w in line.iterfind("h:word", ns)]
            if words:
                lines.append(words)
        out.append({"width": float(p.get("width")), "height": float(p.get("height")), "lines": lines})
    return out


def check_printed(pdf: Path, first_page: list[str], whole: list[str]) -> list[dict]:
    """The checks every printed page passes; returns the pages for more."""
    sizes = page_sizes(pdf)
    assert sizes and all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in sizes), sizes  # A4, every page
    ps = pages(pdf)
    assert len(ps) == len(sizes)
    first = " ".join(w for line in ps[0]["lines"] for w, _, _ in line)
    assert first.strip(), "the first page is blank"
    for needle in first_page:  # the heading and the contents, on page 1 (in capitals where the CSS says so)
        assert " ".join(needle.split()).casefold() in first.casefold(), needle
    for n, p in enumerate(ps, 1):
        assert p["lines"], f"page {n} is blank"
        for line in p["lines"]:
            for w, x0, x1 in line:  # every word inside the margins (1 pt of rounding)
                assert x0 >= MARGIN_X - 1 and x1 <= p["width"] - MARGIN_X + 1, (n, w, x0, x1)
            assert not BROKEN_REF.match(line[-1][0]), (n, " ".join(w for w, _, _ in line))
    words = {w for p in ps for line in p["lines"] for w, _, _ in line}
    for w in whole:  # a case id is one word of one line: never broken
        assert any(w in x for x in words), w
    return ps


# --------------------------------------------------------------------------- the handout
HANDOUT = ("c01", "c03", "c05", "c12", "c25")  # c25 has the longest id of the library; c03 and c12 the old codes


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_handout_prints_on_a4_with_its_contents_and_nothing_outside_the_margins(lang, tmp_path):
    with i18n.use(lang):
        cases = tr.load_library()
        lessons = [tr.lesson(tr.find_case(cases, k)) for k in HANDOUT]
        page = tmp_path / f"handout-{lang}.html"
        write_atomic(page, tr.handout_html(lessons))
        heading = i18n.tr("training.h.heading")
        contents = i18n.tr("training.h.contents")
        titles = [" ".join(ls.case.shown_title.split()) for ls in lessons]
    ids = [ls.case.id for ls in lessons]
    ps = check_printed(print_pdf(page, tmp_path), [heading, contents, *titles[:2]], ids)
    assert len(ps) >= len(lessons)  # each further case on a page of its own

    def joined(t: str) -> str:  # a hyphenated word the browser broke at its hyphen, joined again
        return re.sub(r"-\s", "-", t)

    text = [joined(" ".join(w for line in p["lines"] for w, _, _ in line)) for p in ps]
    titles = [joined(t) for t in titles]
    assert text[0].count(titles[0]) == 2  # in the contents, and the first case right after them on page 1
    starts = [next(i for i, t in enumerate(text) if i > 0 and title in t) for title in titles[1:]]
    assert starts == sorted(set(starts)), starts  # each further case starts a page of its own


@needs_chromium
def test_a_one_case_handout_starts_on_its_first_page(tmp_path):
    lesson = tr.lesson(tr.find_case(tr.load_library(), "c01"))
    page = tmp_path / "one.html"
    write_atomic(page, tr.handout_html([lesson]))
    ps = check_printed(print_pdf(page, tmp_path), [lesson.case.title, "The story"], [lesson.case.id])
    assert len(ps) <= 3


@needs_chromium
def test_handout_renders_in_headless_chromium(tmp_path):
    page = tmp_path / "handout.html"
    write_atomic(page, tr.handout_html([tr.lesson(tr.find_case(tr.load_library(), k)) for k in ("c01", "c05")]))
    png = tmp_path / "handout.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1200,2000",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=90,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert png.exists() and png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- the audit report
LONG_ID = "2019-ОШ-000123-" + "x" * 20  # 35 characters: kept whole
HOSTILE_ID = "<b>registry & co</b>-" + "y" * 250  # cut to 200 by the audit, then wrapped anywhere


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    """A small audit: library cases (one with a long Cyrillic id), and invalid records of each kind."""
    import yaml

    from classifier.reading.inputs import InputLoader

    d = tmp_path_factory.mktemp("print-audit")
    pats = [
        yaml.load(p.read_text(encoding="utf-8"), Loader=InputLoader)["facts"] for p in sorted((ROOT / "cases").glob("*.yaml"))
    ]
    pats = [json.loads(json.dumps(p, default=str)) for p in pats][:14]
    pats[0]["case_id"] = LONG_ID
    lines = [json.dumps(p, ensure_ascii=False) for p in pats]
    lines += [
        "not JSON at all",
        json.dumps({"case_id": HOSTILE_ID, "acts": ["<i>recrutment</i>"]}),
        json.dumps({"case_id": "BAD-age", "victims": [{"id": "V1", "age": "fifteen"}]}),
    ]
    src = d / "registry-2019.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = d / "audit.sqlite"
    A.run_audit(A.AuditOptions(input=str(src), out=str(out), jobs=1))
    return out


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_audit_report_prints_on_a4_with_its_contents_and_nothing_outside_the_margins(results, lang, tmp_path):
    page = tmp_path / f"report-{lang}.html"
    r = subprocess.run(
        [THB, "--lang", lang, "report", str(results), "--html", str(page), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    with i18n.use(lang):
        first = [i18n.tr("audit.title"), i18n.tr("audit.html.contents"), i18n.tr("audit.html.files_title")]
    ids = [c["case_id"] for c in data["reopen"] if len(c["case_id"]) <= 40] + [LONG_ID]
    ps = check_printed(print_pdf(page, tmp_path), first, ids)
    text = " ".join(w for p in ps for line in p["lines"] for w, _, _ in line)
    assert "BAD-age" in text and "fifteen" in text  # the invalid records are listed, not only counted
