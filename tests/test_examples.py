"""examples/: what an investigator or an auditor copies must give what its comments say. Each
example is classified (the CSV audited) and checked against its expected article; its facts are
those of the library case it names, so neither can drift from the other."""

from __future__ import annotations

import csv
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from classifier import classify

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
THB = str(Path(sys.executable).parent / "thb")

# file -> (primary article, part), what else must be in the findings
EXPECTED = {
    "osh-15-year-old.yaml": (("167", 2), {"misclassification": ["trafficking_not_charged"]}),
    "adult-forced-labour-debt-bondage.yaml": (("166", 2), {"offenders": ["P2"]}),
    "child-sexual-exploitation.yaml": (("167", 2), {"concurrent": [("160", 2)], "non_punishment": [("431", "yes")]}),
    "bride-kidnapping.yaml": (("172", 1), {"competing": [("165", 1)], "not": ["166", "167"]}),
    "victim-punished.yaml": (
        ("166", 2),
        {"non_punishment": [("378", "yes"), ("378", "yes")], "misclassification": ["victim_punished", "victim_punished"]},
    ),
}
# audit-registry.csv: case id -> (engine primary, misclassification kinds, prosecution flags)
REGISTRY = {
    "c03-forced-labour-charged-as-illegal-migration": (("166", 2), "trafficking_not_charged", ""),
    "c25-online-modelling-offer-webcamming-charged-as-pimping": (("166", 1), "trafficking_not_charged", ""),
    "c26-housekeeper-job-lure-charged-as-fraud": (("166", 1), "trafficking_not_charged", ""),
    "c36-trafficking-case-ended-by-reconciliation": (("166", 1), "", "reconciliation_not_permitted"),
    "c07-kyrgyz-woman-sexually-exploited-turkiye": (("166", 2), "", ""),
    "c05-victims-convicted-of-illegal-border-crossing": (("166", 2), "victim_punished", ""),
}


def _library_facts(case_id: str) -> dict:
    (path,) = list((ROOT / "cases").glob(f"{case_id}.yaml"))
    return yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]


def _without_free_text(facts: dict) -> dict:
    """The facts as the model reads them, without what is for people only (summary, notes): the
    engine never reads those."""
    from classifier.models import FactPattern

    def strip(obj):
        if isinstance(obj, dict):
            return {k: strip(v) for k, v in obj.items() if k not in ("summary", "note")}
        if isinstance(obj, list):
            return [strip(v) for v in obj]
        return obj

    return strip(FactPattern.model_validate(facts).model_dump(mode="json", exclude_none=True))


def test_every_example_is_checked_here():
    shipped = {p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".csv")}
    assert shipped == set(EXPECTED) | {"audit-registry.csv"}, shipped ^ (set(EXPECTED) | {"audit-registry.csv"})
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for name in shipped:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_gives_what_its_comments_say(name):
    path = EXAMPLES / name
    text = path.read_text(encoding="utf-8")
    facts = yaml.safe_load(text)
    (article, part), more = EXPECTED[name]
    f = classify(facts)
    assert (f.primary.article, f.primary.part) == (article, part), (name, f.primary.article, f.primary.part)
    roles = {(q.article, q.part, q.role) for q in f.qualifications}
    for role in ("concurrent", "competing"):
        for a, p in more.get(role, []):
            assert (a, p, role) in roles, (name, a, p, role, roles)
    for a in more.get("not", []):
        assert all(q.article != a or q.role not in ("primary", "concurrent") for q in f.qualifications), (name, a)
    if "non_punishment" in more:
        assert [(n.offence.article, n.applies) for n in f.non_punishment] == more["non_punishment"], name
    if "misclassification" in more:
        assert [m.kind for m in f.misclassification] == more["misclassification"], name
    else:
        assert f.misclassification == [], name
    if "offenders" in more:
        assert f.primary.offenders == more["offenders"], name
    # the comments: what it is expected to give, where it comes from, how to run it
    if name != "osh-15-year-old.yaml":
        expected_line = next(line for line in text.splitlines() if line.startswith("# Expected:"))
        assert f"CC art. {article} part {part}" in expected_line, (name, expected_line)
        assert re.search(r"^# Source: ", text, flags=re.M) and f"thb classify examples/{name}" in text, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_holds_the_facts_of_the_library_case_it_names(name):
    facts = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    case_id = facts["case_id"] if name != "osh-15-year-old.yaml" else "c01-osh-15-year-old-charged-159"
    assert f"cases/{case_id[:3]}" in (EXAMPLES / name).read_text(encoding="utf-8"), name
    if name == "osh-15-year-old.yaml":
        return  # the first example predates the library; its case c01 names it
    library = _library_facts(case_id)
    assert _without_free_text(facts) == _without_free_text(library), name


def test_the_audit_registry_is_valid_csv_of_library_cases_and_audits_as_expected(tmp_path):
    from classifier.audit.csvformat import csv_row_to_facts

    path = EXAMPLES / "audit-registry.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["case_id"] for r in rows] == list(REGISTRY)
    for r in rows:
        assert _without_free_text(csv_row_to_facts(r)) == _without_free_text(_library_facts(r["case_id"])), r["case_id"]
        assert f"Case library {r['case_id'][:3]}" in r["summary"] and "Source: " in r["summary"], r["case_id"]
    valid = subprocess.run([THB, "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert valid.returncode == 0, valid.stderr
    out = tmp_path / "audit.sqlite"
    run = subprocess.run([THB, "audit", str(path), "--out", str(out), "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    with sqlite3.connect(out) as db:
        got = {
            cid: ((art, part), kinds or "", flags or "")
            for cid, art, part, kinds, flags in db.execute(
                "select case_id, primary_article, primary_part, misclassification_kinds, prosecution_flags from results"
            )
        }
        assert db.execute("select count(*) from invalid").fetchone()[0] == 0
    for cid, (primary, kinds, flag) in REGISTRY.items():
        g_primary, g_kinds, g_flags = got[cid]
        assert g_primary == primary, (cid, g_primary)
        assert set(filter(None, g_kinds.split(";"))) == set(filter(None, kinds.split(";"))), (cid, g_kinds)
        assert flag in g_flags, (cid, g_flags)
