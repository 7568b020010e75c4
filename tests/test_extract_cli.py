"""`thb extract`, `thb interview --prefill` and the `--draft` refusal as a user meets them: real
processes, real files, exit codes and messages (docs/extract.md)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

THB = str(Path(sys.executable).parent / "thb")
RU = (
    "В январе 2023 года в г. Ош группа несовершеннолетних лиц похитила 15-летнюю девочку и удерживала её в квартире "
    "против её воли. Угроз они не высказывали. Уголовное дело возбуждено по ч. 3 ст. 159 УК КР.\n"
)
EN = "On 12 May 2022 the suspect recruited a 19-year-old woman, a citizen of Uzbekistan, and took her to Dubai.\n"


def thb(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("THB_LANG", "THB_DEBUG")}
    return subprocess.run([THB, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env)


def test_a_narrative_gives_a_yaml_draft_with_quotes_that_validates(tmp_path):
    f = tmp_path / "osh.txt"
    f.write_text(RU, encoding="utf-8")
    r = thb("extract", str(f))
    assert r.returncode == 0, r.stderr
    assert "«15-летнюю»" in r.stdout and "NOT confirmed" in r.stdout
    assert "negated" in r.stdout and "«Угроз»" in r.stdout  # set aside, shown
    d = yaml.safe_load(r.stdout)
    assert d["case_id"] == "osh" and d["victims"][0]["age"] == 15 and d["provenance"]["confirmed"] is False
    assert d["record"]["charges"] == [{"instrument": "CC", "article": "159", "part": 3}]
    assert "threat" not in d.get("means", [])
    out = tmp_path / "draft.yaml"
    out.write_text(r.stdout, encoding="utf-8")
    v = thb("validate", str(out))
    assert v.returncode == 0, v.stderr + v.stdout


def test_json_is_the_documented_object_and_every_quote_is_its_span(tmp_path):
    f = tmp_path / "case.txt"
    f.write_text(EN, encoding="utf-8")
    r = thb("extract", str(f), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"case_id", "lang", "draft", "evidence"} and data["lang"] == "en"
    text = f.read_text(encoding="utf-8")
    for e in data["evidence"]:
        assert {"field", "value", "start", "end", "quote", "status", "rule"} <= set(e)
        assert text[e["start"] : e["end"]] == e["quote"]
    assert data["draft"]["offence_date"] == "2022-05-12"
    assert data["draft"]["victims"] == [{"id": "V1", "age": 19, "sex": "female", "citizenship": "UZ"}]


def test_standard_input_text_lang_and_russian_messages(tmp_path):
    r = thb("extract", "-", "--format", "json", stdin=RU)
    assert r.returncode == 0 and json.loads(r.stdout)["case_id"] == "stdin"
    r = thb("extract", "-", "--format", "json", "--text-lang", "en", stdin=RU)
    assert json.loads(r.stdout)["lang"] == "en"  # overridden: the English lexicon finds nothing in Russian
    r = thb("--lang", "ru", "extract", str(tmp_path / "missing.txt"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "missing.txt" in r.stderr
    r = thb("extract", "-", "--text-lang", "fr", stdin=RU)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_out_is_written_atomically_and_never_over_a_file_without_force(tmp_path):
    f = tmp_path / "osh.txt"
    f.write_text(RU, encoding="utf-8")
    out = tmp_path / "d.yaml"
    assert thb("extract", str(f), "--out", str(out)).returncode == 0
    first = out.read_text(encoding="utf-8")
    r = thb("extract", str(f), "--out", str(out))
    assert r.returncode == 2 and "--force" in r.stderr and out.read_text(encoding="utf-8") == first
    assert thb("extract", str(f), "--out", str(out), "--force").returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    r = thb("extract", str(empty))
    assert r.returncode == 2 and "empty" in r.stderr


def test_a_registry_is_drafted_a_bad_row_recorded_never_fatal(tmp_path):
    reg = tmp_path / "registry.csv"
    reg.write_text(
        "case_no,fabula\n"
        f'A1,"{RU.strip()}"\n'
        "A2,\n"
        f'A3,"{EN.strip()}"\n'
        'A4,"one","two"\n'
        'A5,"Гражданин Б. продал двухлетнего мальчика гражданке В.\nРебенок был передан покупательнице."\n',
        encoding="utf-8",
    )
    out = tmp_path / "drafts.jsonl"
    r = thb("extract", str(reg), "--text-column", "fabula", "--id-column", "case_no", "--out", str(out))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [d["case_id"] for d in lines] == ["A1", "A3", "A5"]
    assert lines[0]["provenance"]["source"] == f"{reg}:2" and lines[0]["provenance"]["evidence"]
    errors = [json.loads(x) for x in (tmp_path / "drafts.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["line"], e["id"]) for e in errors] == [(3, "A2"), (5, None)]
    assert "2 rows could not be drafted" in r.stderr and "registry.csv:3" in r.stderr
    v = thb("validate", str(out))
    assert v.returncode == 0, v.stderr
    # the column must exist: nothing is written
    out2 = tmp_path / "other.jsonl"
    r = thb("extract", str(reg), "--text-column", "narrative", "--out", str(out2))
    assert r.returncode == 2 and "case_no, fabula" in r.stderr and not out2.exists()
    r = thb("extract", str(reg), "--out", str(out2))
    assert r.returncode == 2 and "--text-column" in r.stderr and not out2.exists()
    r = thb("extract", str(reg), "--text-column", "fabula")
    assert r.returncode == 2 and "--out" in r.stderr


def test_a_json_lines_registry_and_one_from_standard_input(tmp_path):
    src = tmp_path / "reg.jsonl"
    src.write_text(json.dumps({"id": "J1", "text": EN}) + "\n{broken\n" + json.dumps({"id": "J3"}) + "\n", encoding="utf-8")
    out = tmp_path / "d.jsonl"
    r = thb("extract", str(src), "--text-column", "text", "--id-column", "id", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert [json.loads(x)["case_id"] for x in out.read_text().splitlines()] == ["J1"]
    assert len((tmp_path / "d.errors.jsonl").read_text().splitlines()) == 2
    out3 = tmp_path / "s.jsonl"
    r = thb("extract", "-", "--text-column", "t", "--out", str(out3), stdin=f't\n"{EN.strip()}"\n')
    assert r.returncode == 0, r.stderr
    assert json.loads(out3.read_text().splitlines()[0])["case_id"] == "stdin-2"


def _draft(tmp_path: Path) -> Path:
    f = tmp_path / "osh.txt"
    f.write_text(RU, encoding="utf-8")
    out = tmp_path / "osh.yaml"
    assert thb("extract", str(f), "--out", str(out)).returncode == 0
    return out


def test_classify_refuses_an_unconfirmed_draft_unless_draft_and_then_says_so_first(tmp_path):
    d = _draft(tmp_path)
    r = thb("classify", str(d))
    assert r.returncode == 2 and "unconfirmed machine draft" in r.stderr and "thb interview --prefill" in r.stderr
    r = thb("classify", str(d), "--draft")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("UNCONFIRMED MACHINE DRAFT")
    r = thb("classify", str(d), "--draft", "--format", "json")
    assert json.loads(r.stdout)["warnings"][0].startswith("UNCONFIRMED MACHINE DRAFT")
    r = thb("--lang", "ru", "classify", str(d), "--draft")
    assert r.stdout.splitlines()[0].startswith("НЕПОДТВЕРЖДЁННЫЙ МАШИННЫЙ ЧЕРНОВИК")


def test_audit_refuses_unconfirmed_drafts_unless_draft_and_the_report_says_so_first(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text(f'n,t\nA1,"{RU.strip()}"\nA2,"{EN.strip()}"\n', encoding="utf-8")
    drafts = tmp_path / "drafts.jsonl"
    assert thb("extract", str(reg), "--text-column", "t", "--id-column", "n", "--out", str(drafts)).returncode == 0
    refused = tmp_path / "refused.sqlite"
    r = thb("audit", str(drafts), "--out", str(refused), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(refused)
    assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == 0
    assert {k for (k,) in conn.execute("SELECT kind FROM invalid")} == {"unconfirmed_draft"}
    conn.close()
    allowed = tmp_path / "allowed.sqlite"
    r = thb("audit", str(drafts), "--out", str(allowed), "--jobs", "1", "--draft")
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(allowed)
    facts, findings = conn.execute("SELECT facts, findings FROM results ORDER BY line").fetchone()
    conn.close()
    assert "evidence" not in json.loads(facts)["provenance"]  # the quotes are free text: kept only with --keep-text
    assert json.loads(findings)["warnings"][0].startswith("UNCONFIRMED MACHINE DRAFT")
    rep = thb("report", str(allowed))
    assert rep.returncode == 0 and rep.stdout.splitlines()[0].startswith("UNCONFIRMED MACHINE DRAFTS: 2")


def test_interview_prefill_walks_the_facts_then_writes_a_confirmed_fact_pattern(tmp_path):
    d = _draft(tmp_path)
    n = len(yaml.safe_load(d.read_text(encoding="utf-8"))["provenance"]["evidence"])
    assert n
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "prefill.1.decision: accept\n"  # victim V1: age 15
        "prefill.2.decision: accept\n"  # victim V1: sex female
        "prefill.3.decision: edit\n"  # act: harbouring -> transportation
        "prefill.3.value: transportation\n"
        "prefill.4.decision: reject\n"  # means: abduction
        "prefill.5.decision: accept\n"  # circumstance: group
        "prefill.6.decision: accept\n"  # circumstance: held_against_will
        "prefill.7.decision: accept\n"  # charged under CC 159(3)
        "offenders.count: 1\n"
        "offender.1.age: 17\n",
        encoding="utf-8",
    )
    out = tmp_path / "confirmed.yaml"
    r = thb("interview", "--prefill", str(d), "--answers", str(answers), "--out", str(out))
    assert r.returncode == 0, r.stderr + r.stdout[-2000:]
    assert "«15-летнюю»" in r.stdout and "from the confirmed draft: 15" in r.stdout
    fp = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert fp["victims"] == [{"id": "V1", "age": 15, "sex": "female"}]
    assert fp["acts"] == ["transportation"] and "means" not in fp
    assert fp["circumstances"] == ["group", "held_against_will"]
    assert fp["record"]["charges"] == [{"instrument": "CC", "article": "159", "part": 3}]
    p = fp["provenance"]
    assert p["method"] == "extract" and p["confirmed"] is True and p["confirmed_by"] == "thb interview"
    assert p["review"] == {"accepted": 5, "rejected": 1, "edited": 1}
    assert {e["field"] for e in p["evidence"]} >= {"victims[V1].age", "record.charges"}
    assert "harbouring" not in {e["value"] for e in p["evidence"] if e["field"] == "acts"}
    r = thb("classify", str(out))  # confirmed: no --draft needed, no banner
    assert r.returncode == 0 and not r.stdout.startswith("UNCONFIRMED")


def test_interview_prefill_needs_a_decision_for_every_fact_and_a_draft(tmp_path):
    d = _draft(tmp_path)
    answers = tmp_path / "a.yaml"
    answers.write_text("prefill.1.decision: accept\n", encoding="utf-8")
    r = thb("interview", "--prefill", str(d), "--answers", str(answers), "--out", str(tmp_path / "x.yaml"))
    assert r.returncode == 2 and "prefill.2.decision" in r.stderr and not (tmp_path / "x.yaml").exists()
    notdraft = tmp_path / "plain.yaml"
    notdraft.write_text("case_id: X\nacts: [sale]\n", encoding="utf-8")
    r = thb("interview", "--prefill", str(notdraft), "--answers", str(answers), "--out", str(tmp_path / "y.yaml"))
    assert r.returncode == 2 and "not a draft of thb extract" in r.stderr
