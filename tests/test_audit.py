"""`thb audit` and `thb report`: resumable, deterministic, private, never a partial file."""

from __future__ import annotations

import contextlib
import csv
import glob
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from classifier import audit as A
from classifier.models import FactPattern
from classifier.reading.inputs import InputLoader as _Loader

ROOT = Path(__file__).resolve().parents[1]
THB = str(Path(sys.executable).parent / "thb")
EXAMPLES = ROOT.parent / "shared" / "domain" / "examples.yaml"
SECRET_SUMMARY = "PRIVATE-SUMMARY-zq81"
SECRET_NOTE = "PRIVATE-NOTE-kx27"


def _patterns() -> list[dict]:
    pats = [
        yaml.load(open(f, encoding="utf-8"), Loader=_Loader)["facts"] for f in sorted(glob.glob(str(ROOT / "cases" / "*.yaml")))
    ]
    if EXAMPLES.exists():
        for e in yaml.load(open(EXAMPLES, encoding="utf-8"), Loader=_Loader):
            e.pop("expect", None)
            pats.append(e)
    pats = [json.loads(json.dumps(p, default=str)) for p in pats]  # dates as ISO text, as in JSON Lines
    assert len(pats) >= 30
    return pats


PATTERNS = _patterns()


def make_cases(n: int) -> list[dict]:
    out = []
    for i in range(n):
        p = json.loads(json.dumps(PATTERNS[i % len(PATTERNS)]))
        p["case_id"] = f"{p['case_id']}#{i}"
        if i % 7 == 0:
            p["summary"] = f"{SECRET_SUMMARY} case {i}"
        if i % 11 == 0 and p.get("victims"):
            p["victims"][0].setdefault("offences", []).append(
                {"instrument": "CC", "article": "378", "part": 1, "caused_by_trafficking": True, "note": f"{SECRET_NOTE}; {i}"}
            )
        out.append(p)
    return out


BAD_LINES = [
    "this is not JSON",
    '{"case_id": "BAD-age", "victims": [{"id": "V1", "age": "fifteen"}]}',
    '["a", "list"]',
    '{"case_id": "BAD-act", "acts": ["recrutment"]}',
]


def write_jsonl(path: Path, cases: list[dict], bad_every: int = 0) -> int:
    """Write cases, with a malformed line after every `bad_every` cases; return the record count."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for i, c in enumerate(cases):
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
            n += 1
            if bad_every and i % bad_every == bad_every - 1:
                f.write(BAD_LINES[(i // bad_every) % len(BAD_LINES)] + "\n")
                n += 1
    return n


def write_csv(path: Path, cases: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=A.CSV_COLUMNS)
        w.writeheader()
        for c in cases:
            w.writerow(A.facts_to_csv_row(c))


def audit(src: Path, out: Path, **kw) -> A.AuditResult:
    return A.run_audit(A.AuditOptions(input=str(src), out=str(out), **kw))


def thb(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([THB, *args], capture_output=True, text=True, timeout=120, **kw)


def rows(db: Path, table: str = "results", drop_line: bool = False) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        out = conn.execute(f"SELECT * FROM {table} ORDER BY line").fetchall()
    finally:
        conn.close()
    return [r[1:] for r in out] if drop_line else out


def meta(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # never create the file while polling
    try:
        return dict(conn.execute("SELECT key, value FROM meta"))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    """A 260-record batch with malformed lines, and its uninterrupted audit with --jobs 2."""
    d = tmp_path_factory.mktemp("audit")
    cases = make_cases(240)
    src = d / "batch.jsonl"
    n = write_jsonl(src, cases, bad_every=12)
    ref = d / "ref.sqlite"
    res = audit(src, ref, jobs=2)
    return {"dir": d, "cases": cases, "src": src, "ref": ref, "records": n, "result": res}


# ------------------------------------------------------------------------------------------ CSV
def test_csv_round_trip_of_every_case_library_pattern():
    for p in PATTERNS:
        back = A.csv_row_to_facts(A.facts_to_csv_row(p))
        assert FactPattern.model_validate(back) == FactPattern.model_validate(p), p["case_id"]


def test_csv_cells_split_escape_and_errors_name_the_column():
    assert A.split_list(r"a; b\;c ;;d") == ["a", "b;c", "", "d"]
    assert A.split_list("  ") == []
    row = {"case_id": "X", "victim_ages": "15;22", "victim_sexes": "female"}
    with pytest.raises(A.CsvError, match="victim_sexes.*1 value.*victim_ages.*2"):
        A.csv_row_to_facts(row)
    with pytest.raises(A.CsvError, match=r"column `victim_ages`, value 2: expected a whole number, got '2x'"):
        A.csv_row_to_facts({"case_id": "X", "victim_ages": "15;2x"})
    with pytest.raises(A.CsvError, match="`charges`.*`CC 159\\(3\\)`"):
        A.csv_row_to_facts({"case_id": "X", "charges": "159"})
    fp = A.csv_row_to_facts(
        {
            "case_id": "X",
            "victim_ages": "15;",
            "charges": "CC 160(1);CoM 122",
            "victim_offences": "V2:CC 378(1) caused_by_trafficking=yes",
        }
    )
    assert fp["victims"] == [
        {"id": "V1", "age": 15},
        {"id": "V2", "offences": [{"instrument": "CC", "article": "378", "part": 1, "caused_by_trafficking": True}]},
    ]
    assert fp["record"]["charges"] == [{"instrument": "CC", "article": "160", "part": 1}, {"instrument": "CoM", "article": "122"}]


def test_csv_template_is_a_valid_one_case_batch(tmp_path):
    r = thb("audit", "--csv-template")
    assert r.returncode == 0
    (tmp_path / "t.csv").write_text(r.stdout, encoding="utf-8")
    v = thb("audit", str(tmp_path / "t.csv"), "--validate-only")
    assert v.returncode == 0, v.stderr
    assert "1 of 1 records valid" in v.stdout


def test_unknown_csv_column_is_a_file_error(tmp_path):
    src = tmp_path / "b.csv"
    src.write_text("case_id,victim_age\nX,15\n", encoding="utf-8")
    r = thb("audit", str(src), "--out", str(tmp_path / "r.sqlite"))
    assert r.returncode == 2
    assert "b.csv:1: unknown column `victim_age`" in r.stderr and "victim_ages" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "r.sqlite").exists()


def test_csv_and_jsonl_of_the_same_cases_give_the_same_rows(batch, tmp_path):
    cases = batch["cases"][:60]
    write_jsonl(tmp_path / "s.jsonl", cases)
    write_csv(tmp_path / "s.csv", cases)
    audit(tmp_path / "s.jsonl", tmp_path / "j.sqlite", jobs=2)
    r = thb("audit", str(tmp_path / "s.csv"), "--out", str(tmp_path / "c.sqlite"), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    j, c = rows(tmp_path / "j.sqlite", drop_line=True), rows(tmp_path / "c.sqlite", drop_line=True)
    assert len(j) == 60 and j == c
    lines = [r[0] for r in rows(tmp_path / "c.sqlite")]
    assert lines[0] == 2 and lines == sorted(set(lines))  # line = where a record starts (a quoted cell may span lines)


def test_validate_only_reports_bad_csv_rows_with_their_line(tmp_path):
    src = tmp_path / "v.csv"
    write_csv(src, make_cases(3))
    with open(src, "a", encoding="utf-8", newline="") as f:
        row = A.facts_to_csv_row({"case_id": "BAD-1", "victims": [{"id": "V1"}]})
        row["victim_ages"] = "fifteen"
        csv.DictWriter(f, fieldnames=A.CSV_COLUMNS).writerow(row)
        f.write("BAD-2,2023-01-01\n")
    r = thb("audit", str(src), "--validate-only")
    assert r.returncode == 2
    assert "v.csv:5 (case_id BAD-1): column `victim_ages`, value 1: expected a whole number" in r.stderr
    assert f"v.csv:6 (case_id BAD-2): 2 cells, but the header has {len(A.CSV_COLUMNS)} columns" in r.stderr
    assert "3 of 5 records valid" in r.stderr


# ------------------------------------------------------------------------------ the audit itself
def test_malformed_lines_are_recorded_and_the_audit_continues(batch):
    res = batch["result"]
    bad = rows(batch["ref"], "invalid")
    assert res.total_results == 240 and res.total_invalid == 20 == len(bad)
    assert res.total_results + res.total_invalid == batch["records"]
    by_line = {r[0]: r for r in bad}
    lines = batch["src"].read_text(encoding="utf-8").splitlines()
    for line, _cid, kind, error, record in bad:
        assert kind == "invalid"
        assert lines[line - 1] in BAD_LINES
        assert error.startswith(f"{batch['src']}:{line}")
        assert record is None  # the raw record only with --keep-text
    first = by_line[13]
    assert "invalid JSON" in first[3]
    age = next(r for r in bad if r[1] == "BAD-age")
    assert "victims[0].age" in age[3]
    assert meta(batch["ref"])["status"] == "complete"


def test_duplicate_case_ids_are_kept_once(tmp_path):
    cases = make_cases(5)
    cases.append(dict(cases[1]))
    write_jsonl(tmp_path / "d.jsonl", cases)
    res = audit(tmp_path / "d.jsonl", tmp_path / "d.sqlite", jobs=1)
    assert res.total_results == 5
    ((line, cid, kind, error, _),) = rows(tmp_path / "d.sqlite", "invalid")
    assert (line, cid, kind) == (6, cases[1]["case_id"], "duplicate") and "line 2" in error


def test_jobs_1_and_2_give_identical_results(batch, tmp_path):
    audit(batch["src"], tmp_path / "one.sqlite", jobs=1, chunk_size=7)
    assert rows(tmp_path / "one.sqlite") == rows(batch["ref"])
    assert rows(tmp_path / "one.sqlite", "invalid") == rows(batch["ref"], "invalid")


def test_resume_after_kill_loses_nothing_and_repeats_nothing(batch, tmp_path):
    src, out = tmp_path / "k.jsonl", tmp_path / "k.sqlite"
    n = 240
    for _attempt in range(4):
        write_jsonl(src, make_cases(n), bad_every=12)
        for p in tmp_path.glob("k.sqlite*"):
            p.unlink()
        proc = subprocess.Popen(
            [THB, "audit", str(src), "--out", str(out), "--jobs", "2", "--chunk-size", "5", "--commit-interval", "0.05"],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        done = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                done = int(meta(out).get("records", "0"))
            except (sqlite3.Error, ValueError):
                done = 0
            if done >= 20:
                break
            time.sleep(0.01)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the whole tree at once, like a power cut
        assert proc.wait() in (-signal.SIGKILL, 0)
        m = meta(out)
        if m["status"] != "complete":
            break
        n *= 3  # the machine outran the poll: try a bigger batch
    else:
        pytest.skip("could not interrupt the audit partway")
    assert m["status"] == "running" and 0 < int(m["records"])
    killed_at = int(m["records"])
    r = thb("audit", str(src), "--out", str(out), "--resume", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert f"resumed at line {m['next_line']}" in r.stderr
    ref = tmp_path / "ref.sqlite"
    audit(src, ref, jobs=2)
    assert rows(out) == rows(ref)
    assert rows(out, "invalid") == rows(ref, "invalid")
    after = meta(out)
    assert after["status"] == "complete" and after["runs"] == "2"
    assert int(after["records"]) == len(rows(ref)) + len(rows(ref, "invalid")) > killed_at


def test_resume_refuses_a_different_input(batch, tmp_path):
    src = tmp_path / "x.jsonl"
    write_jsonl(src, batch["cases"][:5])
    out = tmp_path / "x.sqlite"
    conn = sqlite3.connect(batch["ref"])
    conn.execute("VACUUM INTO ?", (str(out),))
    conn.close()
    r = thb("audit", str(src), "--out", str(out), "--resume")
    assert r.returncode == 2
    assert "cannot resume: the input file's content (SHA-256) differs" in r.stderr


def test_existing_out_without_resume_or_force_exits_2(batch, tmp_path):
    before = batch["ref"].stat().st_mtime_ns
    r = thb("audit", str(batch["src"]), "--out", str(batch["ref"]))
    assert r.returncode == 2
    assert f"{batch['ref']}: already exists; pass --resume" in r.stderr and "--force" in r.stderr
    assert "Traceback" not in r.stderr
    assert batch["ref"].stat().st_mtime_ns == before
    small = tmp_path / "s.jsonl"
    write_jsonl(small, batch["cases"][:3])
    out = tmp_path / "o.sqlite"
    out.write_text("not a database")
    assert thb("audit", str(small), "--out", str(out), "--resume").returncode == 2
    r = thb("audit", str(small), "--out", str(out), "--force", "--jobs", "1")
    assert r.returncode == 0, r.stderr
    assert len(rows(out)) == 3


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_jsonl_and_csv_outputs_are_complete_files(batch, tmp_path, kind):
    out = tmp_path / f"out.{kind}"
    res = audit(batch["src"], out, jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temp file, no work database
    if kind == "jsonl":
        recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    else:
        with open(out, encoding="utf-8", newline="") as f:
            recs = list(csv.DictReader(f))
        for r in recs:
            r["line"] = int(r["line"])
            r["findings"] = json.loads(r["findings"]) if r["findings"] else None
    assert len(recs) == batch["records"] == res.total_results + res.total_invalid
    assert [r["line"] for r in recs] == sorted(r["line"] for r in recs)
    ok = [r for r in recs if r["status"] == "ok"]
    ref = rows(batch["ref"])
    assert [r["case_id"] for r in ok] == [r[1] for r in ref]
    fcol = A.RESULT_NAMES.index("findings")
    assert [r["findings"] for r in ok] == [json.loads(r[fcol]) for r in ref]
    assert sum(r["status"] == "invalid" for r in recs) == 20
    again = thb("audit", str(batch["src"]), "--out", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_free_text_is_left_out_unless_keep_text(batch, tmp_path):
    assert any(SECRET_SUMMARY in c.get("summary", "") for c in batch["cases"])
    raw = batch["ref"].read_bytes()
    assert SECRET_SUMMARY.encode() not in raw and SECRET_NOTE.encode() not in raw
    assert not Path(f"{batch['ref']}-wal").exists()
    out = tmp_path / "kept.sqlite"
    audit(batch["src"], out, jobs=1, keep_text=True)
    raw = out.read_bytes()
    assert SECRET_SUMMARY.encode() in raw and SECRET_NOTE.encode() in raw
    rec = rows(out, "invalid")[0][4]
    assert rec == "this is not JSON"
    html = tmp_path / "r.html"
    r = thb("report", str(batch["ref"]), "--html", str(html))
    assert r.returncode == 0
    assert SECRET_SUMMARY not in r.stdout + html.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ the report
def test_report_totals_match_the_rows(batch, tmp_path):
    r = thb("report", str(batch["ref"]), "--format", "json", "--top", "1000", "--html", str(tmp_path / "r.html"))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    conn = sqlite3.connect(batch["ref"])
    q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    t = data["totals"]
    assert t["cases"] == q("SELECT count(*) FROM results") == 240
    assert t["invalid"] == q("SELECT count(*) FROM invalid")
    ct = data["crosstab"]
    assert sum(ct["row_totals"].values()) == sum(ct["column_totals"].values()) == t["cases"]
    assert sum(sum(v.values()) for v in ct["counts"].values()) == t["cases"]
    assert t["trafficking_made_out"] == q("SELECT count(*) FROM results WHERE trafficking = 1")
    assert t["with_misclassification"] == q("SELECT count(*) FROM results WHERE misclassifications > 0")
    assert sum(m["flags"] for m in data["misclassifications"]) == q("SELECT sum(misclassifications) FROM results")
    assert t["victims_punished_cases"] == q("SELECT count(*) FROM results WHERE victims_punished > 0") > 0
    assert t["reconciliation_misuse_cases"] == q("SELECT count(*) FROM results WHERE reconciliation_misuse = 1") > 0
    assert len(data["reopen"]) == q("SELECT count(*) FROM results WHERE severity_rank > 0 OR reconciliation_misuse = 1")
    sev = [{"high": 3, "medium": 2, "low": 1, None: 0}[c["max_severity"]] for c in data["reopen"]]
    assert sev == sorted(sev, reverse=True)
    engine = {c["article"]: c["engine"] for c in data["chart"]}
    assert engine.get("CC 167") == q("SELECT count(*) FROM results WHERE primary_article = '167'")
    conn.close()
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<style>" in page
    for external in ("<script", "<link", " src=", "url(", "@import"):
        assert external not in page
    assert len(re.findall(r"href=.#", page)) == len(re.findall(r"href=", page)) > 0  # links only to the page's own sections


def test_report_merges_shards_and_flags_duplicates(batch, tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    audit(batch["src"], a, jobs=2, lines=(1, 130))
    audit(batch["src"], b, jobs=2, lines=(120, None))  # overlaps lines 120..130
    assert meta(a)["lines"] == "1:130" and meta(b)["lines"] == "120:"
    r = thb("report", str(a), str(b), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["totals"]["cases"] == 240
    overlap = len([x for x in rows(a) if x[0] >= 120])
    assert data["totals"]["duplicates_across_files"] == overlap > 0
    assert any("more than one results file" in w for w in data["warnings"])
    text = thb("report", str(a), str(b))
    assert text.returncode == 0 and "Case ids in more than one file" in text.stdout


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_report_fits_a_narrow_terminal_and_never_breaks_a_case_number(batch, lang):
    env = dict(os.environ, THB_LANG=lang)
    data = json.loads(thb("report", str(batch["ref"]), "--format", "json", env=env).stdout)
    ids = [c["case_id"] for c in data["reopen"]]
    assert ids
    narrow = thb("report", str(batch["ref"]), env=dict(env, COLUMNS="80"))
    assert narrow.returncode == 0, narrow.stderr
    lines = narrow.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    line_word = {"en": "line ", "ru": "строка "}[lang]
    for i, cid in enumerate(ids, 1):  # one block a case: its number, its case id whole, where it is (in words)
        assert any(line.startswith(f"{i:>{len(str(len(ids)))}}. {cid}  {line_word}") for line in lines), cid
    assert Path(batch["ref"]).name + ":" not in narrow.stdout  # never the results file's name for a place in the registry
    wide = thb("report", str(batch["ref"]), env=dict(env, COLUMNS="200"))
    assert all(cid in wide.stdout for cid in ids) and "┃ #" in wide.stdout  # a table when there is room


def test_report_escapes_text_and_rejects_non_databases(tmp_path):
    case = dict(PATTERNS[0], case_id="<script>alert(1)</script>")
    case["record"] = {"charges": [{"instrument": "CC", "article": "159", "part": 3}]}
    write_jsonl(tmp_path / "e.jsonl", [case])
    audit(tmp_path / "e.jsonl", tmp_path / "e.sqlite", jobs=1)
    r = thb("report", str(tmp_path / "e.sqlite"), "--html", str(tmp_path / "e.html"))
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "e.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    bad = thb("report", str(tmp_path / "e.jsonl"))
    assert bad.returncode == 2 and "not an audit results database" in bad.stderr
    assert thb("report", str(tmp_path / "missing.sqlite")).returncode == 2


def _descendants(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_bytes()
            except OSError:
                continue
            kids.setdefault(int(stat[stat.rindex(b")") + 2 :].split()[1]), []).append(int(d))
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.add(k)
            todo.append(k)
    return out


def _start_and_wait_for_progress(src: Path, out: Path, *extra: str, past: int = 0) -> subprocess.Popen:
    """Start an audit; return once it has committed more than `past` + 10 records."""
    proc = subprocess.Popen(
        [THB, "audit", str(src), "--out", str(out), "--jobs", "2", "--chunk-size", "5", *extra],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(sqlite3.Error, ValueError):
            if int(meta(out).get("records", "0")) >= past + 10:
                break
        time.sleep(0.01)
    return proc


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_then_resume_and_kill_9_of_the_parent_leaves_no_workers(tmp_path):
    src, out = tmp_path / "c.jsonl", tmp_path / "c.sqlite"
    total = write_jsonl(src, make_cases(600), bad_every=50)
    # Ctrl-C (SIGINT to the foreground process group): exit 130, status interrupted, rows = progress mark.
    proc = _start_and_wait_for_progress(src, out, "--commit-interval", "0.05")
    if proc.poll() is not None:
        pytest.skip("the audit finished before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    assert "--resume" in proc.stderr.read()
    m = meta(out)
    assert m["status"] == "interrupted" and 10 <= int(m["records"]) < total
    assert len(rows(out)) + len(rows(out, "invalid")) == int(m["records"])
    # kill -9 of the parent alone: its workers notice and exit instead of waiting forever.
    proc = _start_and_wait_for_progress(src, out, "--resume", "--commit-interval", "0.05", past=int(m["records"]))
    if proc.poll() is not None:
        pytest.skip("the audit finished before it could be killed")
    tree = _descendants(proc.pid)
    assert tree  # the fork server and the workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in tree):
        time.sleep(0.1)
    alive = [p for p in tree if Path(f"/proc/{p}").exists() and b"multiprocessing" in Path(f"/proc/{p}/cmdline").read_bytes()]
    assert not alive
    # and the audit still completes exactly
    r = thb("audit", str(src), "--out", str(out), "--resume")
    assert r.returncode == 0, r.stderr
    ref = tmp_path / "ref.sqlite"
    audit(src, ref, jobs=1)
    assert rows(out) == rows(ref) and rows(out, "invalid") == rows(ref, "invalid")


def test_chart_bars_start_after_the_longest_label():
    """A long label (a Russian reference to the Code of Misconduct) must not run into its bars."""
    from classifier import i18n
    from classifier.audit.html import svg_chart

    chart = [{"article": "CoM 122", "charged": 0, "engine": 0}, {"article": "CC 166", "charged": 3, "engine": 5}]
    with i18n.use("ru"):
        svg = svg_chart(chart)
    labels = re.findall(r"<text x='0' [^>]*>([^<]+)</text>", svg)
    bars = {
        float(x)
        for x in re.findall(r"<rect x='([\d.]+)' y='\d+' width='[\d.]+' height='12' fill='#(?:8aa1b8|b3261e)'><title>", svg)
    }
    assert labels and len(bars) == 1
    assert bars.pop() >= 7.5 * max(len(x) for x in labels), labels


# ------------------------------------------------------------------ issue 13: what a meeting reads
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_report_lists_the_invalid_records_with_where_case_id_and_problem(batch, tmp_path, lang):
    env = dict(os.environ, THB_LANG=lang)
    conn = sqlite3.connect(batch["ref"])
    bad = conn.execute("SELECT line, case_id, error FROM invalid ORDER BY line").fetchall()
    conn.close()
    assert len(bad) > 5
    data = json.loads(thb("report", str(batch["ref"]), "--format", "json", "--top", "5", env=env).stdout)
    listed = data["invalid"]
    assert [b["line"] for b in listed] == [r[0] for r in bad[:5]] and [b["case_id"] for b in listed] == [r[1] for r in bad[:5]]
    age = next(b for b in listed if b["case_id"] == "BAD-age")
    assert "fifteen" in age["problem"] and not age["problem"].startswith(str(batch["src"]))  # its line and id are beside it
    assert all(str(batch["src"]) not in b["problem"] and "\n" not in b["problem"] for b in listed)
    line_word = {"en": "line", "ru": "строка"}[lang]
    no_id = {"en": "(no case id)", "ru": "(без номера дела)"}[lang]
    for columns in (80, 100, 140):
        r = thb("report", str(batch["ref"]), "--top", "5", env=dict(env, COLUMNS=str(columns)))
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert max(len(x.rstrip()) for x in lines) <= columns
        for b in listed:
            who = b["case_id"] or no_id
            assert any(f"{line_word} {b['line']}" in x and who in x for x in lines), (columns, b)
            assert b["problem"][:30] in " ".join(r.stdout.split()), (columns, b)
        assert str(len(bad) - 5) in " ".join(lines[-3:]) and "invalid" in r.stdout  # "... and 15 more": where they all are
    page = tmp_path / "r.html"
    assert thb("report", str(batch["ref"]), "--top", "5", "--html", str(page), env=env).returncode == 0
    text = re.sub(r"\s+", " ", html_text(page.read_text(encoding="utf-8")))
    for b in listed:
        assert f"{line_word} {b['line']}" in text and b["problem"][:30] in text
    assert f"{len(bad) - 5}" in text


def html_text(page: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))


def test_invalid_records_are_escaped_cut_and_placed_in_words(tmp_path):
    hostile = "<script>x</script>&" + "z" * 300
    src = tmp_path / "registry.jsonl"
    src.write_text(
        json.dumps(PATTERNS[0]) + "\n" + json.dumps({"case_id": hostile, "acts": ["<img src=x>" * 40]}) + "\n", encoding="utf-8"
    )
    audit(src, tmp_path / "a.sqlite", jobs=1)
    src2 = tmp_path / "other.jsonl"
    src2.write_text("[1]\n", encoding="utf-8")
    audit(src2, tmp_path / "b.sqlite", jobs=1)
    r = thb(
        "report", str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite"), "--format", "json", "--html", str(tmp_path / "r.html")
    )
    assert r.returncode == 0, r.stderr
    bad = json.loads(r.stdout)["invalid"]
    assert [b["where"] for b in bad] == ["line 2 of registry.jsonl", "line 1 of other.jsonl"]  # two inputs: each named
    assert all(len(b["problem"]) <= A.PROBLEM_LIMIT for b in bad) and bad[0]["problem"].endswith("…")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>x" not in page and "<img src" not in page and "&lt;script&gt;x&lt;/script&gt;&amp;" in page
    one = json.loads(thb("report", str(tmp_path / "a.sqlite"), "--format", "json").stdout)
    assert one["invalid"][0]["where"] == "line 2" and one["reopen"][0]["where"] == "line 1"  # one input: the line says it


def test_problem_text_drops_what_the_report_shows_beside_it():
    assert A.problem_text("/x/in.jsonl:26 (case_id BAD-age):\n  victims[0].age: expected a whole number", 26, "BAD-age") == (
        "victims[0].age: expected a whole number"
    )
    assert A.problem_text("/x/in.csv:7 (дело 2019-ОШ-1): 3 cells, but the header has 9 columns", 7, "2019-ОШ-1") == (
        "3 cells, but the header has 9 columns"
    )
    assert (
        A.problem_text("in.jsonl:13: invalid JSON at column 1: Expecting value", 13, None)
        == "invalid JSON at column 1: Expecting value"
    )
    assert A.problem_text("a\n  b\n  c", 1, None) == "a; b; c"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_cross_tabulation_fits_80_columns_with_every_article_whole(batch, lang):
    env = dict(os.environ, THB_LANG=lang, COLUMNS="80")
    data = json.loads(thb("report", str(batch["ref"]), "--format", "json", env=env).stdout)
    out = thb("report", str(batch["ref"]), env=env).stdout
    lines = out.splitlines()
    assert max(len(x.rstrip()) for x in lines) <= 80 and "…" not in out.split("\n\n")[0]
    with_cols = [x for x in lines if x.startswith("┃")]
    from classifier import i18n

    with i18n.use(lang):
        heads = [A.shown(c) for c in data["crosstab"]["columns"] if c != A.NO_PRIMARY]
    for h in heads:  # every engine column's article in one piece in a header line
        assert any(h in x for x in with_cols), h
