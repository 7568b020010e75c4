"""The rule base is well-formed, and the durable-rules façade handles every known trap."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from classifier import classify
from classifier.analysis.units import build_units
from classifier.models import FactPattern
from classifier.rulebase.compiler import MAX_PROPS_PER_FACT, MAX_RULES_PER_RULESET, programs
from classifier.rulebase.files import catalogue, readings, rules_dir, vocabulary
from classifier.rulebase.legal import gravity_for
from classifier.runtime import durable as facade
from classifier.runtime import memo

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASE = {
    "case_id": "G",
    "victims": [{"id": "V1", "age": 15}],
    "offenders": [{"id": "P1", "age": 30}],
    "acts": ["harbouring"],
    "purposes": ["prostitution"],
}


def test_guard_the_full_rule_base_builds_and_classifies_under_a_timeout():
    """durable-rules hangs silently past ~510 rules: build everything in a fresh process, with a deadline."""
    code = (
        "from classifier import classify; f = classify(" + repr(CASE) + ", backend='durable'); "
        "print(f.primary.article, f.primary.part)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["167", "1"]


def test_strata_stay_within_durable_rules_limits():
    for prog in programs().values():
        for i, stratum in enumerate(prog.strata):
            assert len(stratum) + 1 <= MAX_RULES_PER_RULESET  # + the sentinel
            assert len(prog.stratum_reads(i)) <= MAX_PROPS_PER_FACT


def test_every_rule_cites_a_provision_and_says_it_in_plain_words():
    for prog in programs().values():
        for r in prog.rules.values():
            assert re.search(r"\b(CC|CPC|CoO|Law 55|Palermo)\b", r.provision), (r.id, r.provision)
            assert len(r.says) >= 6 and (r.says[0].isupper() or r.says[0].isdigit()) and r.says.rstrip().endswith("."), r.id
            for rid in r.readings:
                assert rid in readings()


def test_every_reading_of_law_md_section_10_is_defined_with_its_rival_view():
    law = (SHARED / "domain" / "LAW.md").read_text()
    sec = law.split("## 10.", 1)[1]
    ids = set(re.findall(r"R-[A-Z0-9-]+[A-Z0-9]", sec))
    assert ids <= set(readings()), ids - set(readings())
    for rid in ids:
        assert readings()[rid]["reading"]


def test_vocabulary_matches_the_facts_md_enumerations():
    facts = (SHARED / "domain" / "FACTS.md").read_text()
    # the case-level lists (at the start of a line), not the v4 per-offender `acts:` / `means:`
    for kind, anchor in (("acts", "\nacts: [receipt"), ("means", "\nmeans: [threat"), ("purposes", "\npurposes: [prostitution]")):
        line_start = facts.index(anchor)
        block = facts[line_start : facts.index("\n\n", line_start) if "\n\n" in facts[line_start:] else None]
        listed = set(re.findall(r"\b[a-z_]+\b", block.split("#", 1)[1])) if "#" in block else set()
        for v in vocabulary()[kind]:
            assert v in listed or v in block, (kind, v)


def test_gravity_follows_cc_art_19_for_every_part():
    for art in catalogue().values():
        for p in art.parts.values():
            assert p.gravity == gravity_for(p.penalty.max_years), (art.article, p.part)


def test_every_article_file_matches_the_catalogue():
    for f in (rules_dir() / "articles").glob("*.yaml"):
        data = yaml.safe_load(f.read_text())
        assert f.stem == str(data["article"]) and data["article"] in catalogue()
        for el in (data.get("elements") or {}).values():
            assert el["source"].startswith(("CC", "Law 55"))


def test_sessions_never_accumulate_past_the_1024_table():
    """durable-rules raises MemoryError at the 1,025th live session: each run deletes its own."""
    old = memo.MEMO_SIZE
    memo.MEMO_SIZE = 0  # no memo: every classification reaches the engine
    memo.clear_caches()
    try:
        for i in range(700):  # 700 cases x several strata x 2 programs >> 1,024 sessions
            f = classify({**CASE, "case_id": f"S{i}", "victims": [{"id": "V1", "age": i % 40}]}, backend="durable")
            assert f.case_id == f"S{i}"
    finally:
        memo.MEMO_SIZE = old


def test_threads_share_the_engine_safely():
    """The C core is not thread-safe: the façade's lock serialises every call."""
    memo.clear_caches()
    expected = classify(CASE, backend="oracle").model_dump()
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(40):
                f = classify({**CASE, "case_id": "G"}, backend="durable")
                assert f.model_dump() == expected
                memo.clear_caches()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=120)
    assert not errors


def test_a_rebuilt_host_gives_the_same_answers():
    memo.clear_caches()
    before = classify(CASE, backend="durable")
    facade.reset()
    memo.clear_caches()
    assert classify(CASE, backend="durable") == before


def test_an_error_in_the_dispatch_loop_is_raised_not_swallowed(monkeypatch):
    """durable-rules' own action runner swallows exceptions; ours must raise them."""
    memo.clear_caches()
    facade.reset()
    prog = programs()["qualification"]
    classify(CASE, backend="durable")  # build the host
    host = facade._HOST
    stratum0 = next(iter(host.index))
    monkeypatch.setitem(host.index, stratum0, {})  # every fired key is now unknown
    memo.clear_caches()
    with pytest.raises(KeyError):
        facade.run("qualification", prog, programs(), [set(build_units(FactPattern(**CASE))[0].atoms)])
    facade.reset()
    memo.clear_caches()
    assert classify(CASE, backend="durable").primary.article == "167"


def test_the_fast_yaml_loader_reads_every_rule_and_message_file_as_safe_load_does():
    """The rule base is read with libyaml's loader for speed; it must read the same data."""
    import yaml

    from classifier.i18n import LOCALES
    from classifier.reading.data import load_data as load_yaml
    from classifier.rulebase.files import rules_dir

    files = sorted(rules_dir().rglob("*.yaml")) + sorted(LOCALES.glob("*.yaml"))
    assert len(files) > 20
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert load_yaml(text) == yaml.safe_load(text), f
