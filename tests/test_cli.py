"""The `thb` command as a user meets it: real processes, real files, exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THB = str(Path(sys.executable).parent / "thb")
GOOD = """case_id: CLI-1
offence_date: 2024-03-01
victims:
  - {id: V1, age: 15, sex: female, citizenship: KG}
offenders: [{id: P1, age: 30}]
acts: [recruitment, harbouring]
means: []
purposes: [prostitution]
exploitation: [prostitution]
circumstances: [pimping]
record:
  charges: [{instrument: CC, article: "160", part: 2}]
"""


def thb(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([THB, *args], input=stdin, capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    p = tmp_path / "good.yaml"
    p.write_text(GOOD)
    return p


def test_version():
    r = thb("--version")
    assert r.returncode == 0 and r.stdout.startswith("thb-classifier ")


def test_classify_text_report_names_the_article_elements_and_sources(good):
    r = thb("classify", str(good))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "art. 167(1)" in out and "Trafficking in children" in out
    assert "not required" in out  # means, for a child victim
    assert "CC art. 167 part 1" in out
    assert "trafficking not charged" in out  # the kind, in words (the JSON keeps the code)
    assert "R-167-SPECIAL" in out


def test_classify_json_is_the_contract_object_on_stdout_alone(good):
    r = thb("classify", str(good), "--format", "json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert data["case_id"] == "CLI-1"
    assert [q["role"] for q in data["qualifications"]].count("primary") == 1
    assert data["misclassification"][0]["kind"] == "trafficking_not_charged"


def test_several_files_and_stdin_give_an_array(good):
    r = thb("classify", str(good), "-", "--format", "json", stdin=GOOD.replace("CLI-1", "CLI-2"))
    assert r.returncode == 0, r.stderr
    assert [d["case_id"] for d in json.loads(r.stdout)] == ["CLI-1", "CLI-2"]


def test_jsonl_batch(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join(json.dumps({"case_id": f"B{i}", "victims": [{"id": "V1", "age": 20 + i}]}) for i in range(3)) + "\n")
    r = thb("classify", str(p), "--format", "json")
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 3


def test_fail_on_misclassification_exits_1(good):
    assert thb("classify", str(good), "--fail-on-misclassification").returncode == 1
    assert thb("classify", str(good)).returncode == 0


def test_works_from_any_directory(good, tmp_path):
    r = thb("classify", str(good), "--format", "json", cwd=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["qualifications"]


def test_bundled_example_classifies():
    r = thb("classify", str(ROOT / "examples" / "osh-15-year-old.yaml"))
    assert r.returncode == 0, r.stderr
    assert "167(2)" in r.stdout


def test_articles_list_and_one_article():
    r = thb("articles")
    assert r.returncode == 0 and "166" in r.stdout and "Trafficking in" in r.stdout and "especially grave" in r.stdout
    r = thb("articles", "166")
    assert r.returncode == 0
    assert "Part 4" in r.stdout and "R-PALERMO-MEANS" in r.stdout and "rival" in r.stdout
    data = json.loads(thb("articles", "167", "--format", "json").stdout)
    assert data["article"] == "167" and [p["part"] for p in data["parts"]] == [1, 2, 3]
    assert thb("articles", "999").returncode == 2


def test_schema_is_json_schema_of_the_fact_pattern():
    data = json.loads(thb("schema").stdout)
    assert data["title"] == "FactPattern" and "case_id" in data["required"]
    assert "recruitment" in json.dumps(data)


def test_validate_lists_every_bad_record(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_text('{"case_id": "ok"}\n{"case_id": "bad", "acts": ["recruting"]}\nnot json\n')
    r = thb("validate", str(p))
    assert r.returncode == 2
    assert "batch.jsonl:2" in r.stderr and "recruting" in r.stderr and "batch.jsonl:3" in r.stderr
    assert "1 of 3 fact patterns valid" in r.stderr


BAD = {
    "unknown key (path named, suggestion)": (
        "case_id: A\nvictims:\n  - {id: V1, agee: 15}\n",
        ["victims[0].agee", "did you mean `age`"],
    ),
    "wrong type": ("case_id: A\nvictims:\n  - {id: V1, age: fifteen}\n", ["victims[0].age", "whole number"]),
    "negative age": ("case_id: A\nvictims:\n  - {id: V1, age: -3}\n", ["victims[0].age", "must be at least 0"]),
    "absurd age": ("case_id: A\noffenders:\n  - {id: P1, age: 300}\n", ["offenders[0].age", "must be at most 120"]),
    "impossible date": ("case_id: A\noffence_date: 2023-02-30\n", ["offence_date", "day value is outside"]),
    "unknown enum value": ("case_id: A\nmeans: [lies]\n", ["means[0]", "'lies'", "'deception'"]),
    "yes is not a boolean": ("case_id: A\nvictims:\n  - {id: V1, pregnant: yes}\n", ["victims[0].pregnant", "true or false"]),
    "YAML syntax error (line named)": ("case_id: A\nacts: [recruitment\nmeans: x\n", [":3:", "YAML syntax error"]),
    "duplicate key": ("case_id: A\nacts: []\nacts: [sale]\n", ["duplicate key 'acts'", ":3:"]),
    "empty file": ("", ["empty"]),
    "not a mapping": ("- 1\n- 2\n", ["mapping"]),
    "missing case_id": ("victims: []\n", ["case_id: required"]),
    "unknown victim in record": (
        "case_id: A\nvictims: [{id: V1}]\nrecord:\n  victim_charged_with: [{victim: V9, instrument: CC, article: '378'}]\n",
        ["V9", "not a victim id"],
    ),
    "age contradicts birth date": (
        "case_id: A\noffence_date: 2020-01-01\nvictims: [{id: V1, age: 30, birth_date: 2010-01-01}]\n",
        ["contradicts birth_date"],
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_exits_2_with_a_one_screen_message_and_writes_nothing(name, tmp_path):
    text, needles = BAD[name]
    p = tmp_path / "case.yaml"
    p.write_text(text)
    r = thb("classify", str(p), "--format", "json")
    assert r.returncode == 2, (name, r.stdout, r.stderr)
    assert r.stdout == ""
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) <= 24
    for n in needles:
        assert n in r.stderr, (name, r.stderr)


def test_binary_missing_and_directory_inputs(tmp_path):
    b = tmp_path / "x.yaml"
    b.write_bytes(b"\x7fELF\x00\x01\x02" * 50)
    for arg, needle in ((str(b), "binary"), (str(tmp_path / "nope.yaml"), "no such file"), (str(tmp_path), "directory")):
        r = thb("classify", arg)
        assert r.returncode == 2 and needle in r.stderr and "Traceback" not in r.stderr and r.stdout == ""


def test_one_bad_file_among_good_ones_classifies_nothing(good, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: B\nacts: [nope]\n")
    r = thb("classify", str(good), str(bad), "--format", "json")
    assert r.returncode == 2 and r.stdout == ""


def test_country_code_no_stays_a_string(tmp_path):
    p = tmp_path / "no.yaml"
    p.write_text("case_id: A\nvictims: [{id: V1, age: 30, citizenship: NO}]\n")
    assert thb("validate", str(p)).returncode == 0


def test_validate_reads_audit_csv_batches(tmp_path):
    template = thb("audit", "--csv-template")
    assert template.returncode == 0
    good = tmp_path / "batch.csv"
    good.write_text(template.stdout)
    assert thb("validate", str(good)).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,victim_ages\nA,abc\n")
    r = thb("validate", str(bad))
    assert r.returncode == 2 and "bad.csv:2" in r.stderr and "victim_ages" in r.stderr
