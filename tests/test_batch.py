"""Batch classification (`classify_many`, the audit's path) gives exactly what classifying each
case alone with every cache off gives — whatever the batch, the caches and the sessions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import fact_patterns

from classifier.analysis import elements
from classifier.analysis.pipeline import classify, classify_many
from classifier.analysis.units import build_units
from classifier.models import FactPattern
from classifier.rulebase.compiler import programs
from classifier.runtime import durable as facade
from classifier.runtime import justification, memo, oracle

CASES = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.yaml"))


def cold(facts, **kw):
    """One case alone, every cache off: no rule-result memo, no shared cores or templates."""
    old = memo.MEMO_SIZE
    memo.MEMO_SIZE = 0
    memo.clear_caches()
    try:
        return classify(facts, **kw)
    finally:
        memo.MEMO_SIZE = old


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fact_patterns(), min_size=1, max_size=6), st.sampled_from(["en", "ru"]))
def test_a_batch_gives_what_each_case_alone_gives(batch, lang):
    expected = [cold(f, lang=lang) for f in batch]
    assert classify_many(batch, lang=lang) == expected  # warm caches, one engine run
    assert classify_many(batch, lang=lang) == expected  # every core and template reused


def library() -> list[FactPattern]:
    return [FactPattern.model_validate(yaml.safe_load(p.read_text(encoding="utf-8"))["facts"]) for p in CASES]


def test_the_case_library_in_one_batch_gives_each_case_s_findings():
    cases = library()
    assert classify_many(cases * 2) == [cold(c) for c in cases] * 2


def test_a_failing_case_does_not_take_the_batch_down():
    good = library()[:2]
    out = classify_many([good[0], {"case_id": "BAD", "acts": ["no_such_act"]}, good[1]], return_exceptions=True)
    assert out[0] == cold(good[0]) and out[2] == cold(good[1])
    assert isinstance(out[1], ValueError) and "no_such_act" in str(out[1])
    with pytest.raises(ValueError):
        classify_many([good[0], {"case_id": "BAD", "acts": ["no_such_act"]}])


def units_of(cases: list[FactPattern]) -> list[set[str]]:
    return [set(u.atoms) for c in cases for u in build_units(c)]


def test_sessions_larger_than_one_batch_split_and_agree_with_the_oracle():
    """More units than one session holds: the façade splits them and loses none."""
    progs = programs()
    units = units_of(library()) * 12
    assert len(units) > 2 * facade.SESSION_UNITS
    assert facade.run("qualification", progs["qualification"], progs, units) == oracle.run(
        "qualification", progs["qualification"], progs, units
    )


def test_a_fact_dropped_as_a_duplicate_is_run_again_alone(monkeypatch):
    """durable-rules drops a fact whose id hashes like one it has seen (32-bit hashes): the
    sentinel shows which were not taken in, and they are run again in a session of their own."""
    progs = programs()
    units = units_of(library())
    monkeypatch.setattr(facade, "_fact_id", lambda sid, u: f"{sid}-{u // 2}")  # every pair collides
    assert facade.run("qualification", progs["qualification"], progs, units) == oracle.run(
        "qualification", progs["qualification"], progs, units
    )


def test_a_fact_never_taken_in_fails_loudly(monkeypatch):
    progs = programs()
    units = units_of(library())[:3]
    facade.run("qualification", progs["qualification"], progs, units)  # the host exists
    real = facade._Host._session

    def blind(self, handle, index, facts, sid, hits):
        real(self, handle, index, facts, sid, hits)
        return set()  # as if the engine had taken in nothing

    monkeypatch.setattr(facade._Host, "_session", blind)
    with pytest.raises(facade.EngineError, match="did not take in"):
        facade.run("qualification", progs["qualification"], progs, units)


def test_changing_the_findings_returned_does_not_change_the_next_ones():
    """Templates are shared by every unit with the same atoms: the output must not alias them."""
    case = library()[0]
    first = classify_many([case])[0]
    expected = first.model_copy(deep=True)
    for q in first.qualifications:
        q.readings.append("X")
        q.items.append(99)
        for e in q.elements:
            e.facts.append("X")
            e.readings.append("X")
    assert classify_many([case])[0] == expected


def _article_atoms_by_scan(atoms: frozenset[str], art: str) -> tuple[list, list, dict]:
    """The article's parts, items and role atoms, read the slow way: every atom, sorted."""
    parts, items, roles = [], [], {}
    for a in sorted(atoms):
        bits = a.split(".")
        if bits[0] != art:
            continue
        if len(bits) == 3 and bits[1] == "core" and bits[2].isdigit():
            parts.append(int(bits[2]) or None)
        elif len(bits) == 4 and bits[1] == "item":
            items.append((int(bits[2]), int(bits[3])))
        elif len(bits) >= 3 and bits[1] in justification.ROLE_KINDS:
            roles.setdefault(bits[1], []).append(a)
    return parts, sorted(items), roles


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_patterns())
def test_a_core_s_article_index_is_what_a_scan_of_its_atoms_finds(fp):
    prog = programs()["qualification"]
    for u in build_units(FactPattern.model_validate(fp)):
        base = frozenset(u.atoms)
        fired = tuple(oracle.run("qualification", prog, programs(), [set(base)])[0])
        core = justification.Core(prog, base, fired)
        for art in {a.split(".")[0] for a in core.atoms} | {"166", "999"}:
            ix = core.article(art)
            parts, items, roles = _article_atoms_by_scan(core.atoms, art)
            assert sorted(ix.parts, key=lambda p: p or 0) == sorted(parts, key=lambda p: p or 0)
            assert list(ix.items) == items and dict(ix.roles) == roles


def test_every_role_atom_the_rule_base_can_derive_is_of_a_kind_the_engine_reads():
    """A rule deriving `art.<kind>.<by>` for a kind outside ROLE_KINDS would be silently ignored."""
    for prog in programs().values():
        for rule in prog.rules.values():
            for a in rule.then:
                bits = a.split(".")
                if bits[0].isdigit() and len(bits) >= 3 and bits[1].endswith(("_by", "_with")):
                    assert bits[1] in justification.ROLE_KINDS, (rule.id, a)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["act", "means", "capacity", "part 2 item 1"]),
    st.sampled_from(["met", "not_met", "not_required", "unknown"]),
    st.lists(st.text(min_size=1, max_size=12), max_size=3),
    st.text(max_size=30),
    st.booleans(),
    st.lists(st.sampled_from(["R-167-SPECIAL", "R-RETRO"]), max_size=2),
)
def test_an_element_built_without_validation_is_the_validated_one(name, status, facts, reason, interp, readings):
    from classifier.models import Element

    fast = elements.make_element(name, status, list(facts), reason, "CC art. 166 part 1", interp, list(readings))
    slow = Element(
        element=name,
        status=status,
        facts=facts,
        reason=reason,
        source="CC art. 166 part 1",
        interpretation=interp,
        readings=readings,
    )
    assert fast == slow and fast.model_dump_json() == slow.model_dump_json() and repr(fast) == repr(slow)
    assert Element.model_validate(fast.model_dump()) == fast
    assert fast.model_copy(update={"facts": ["x"]}).facts == ["x"] and fast.facts == list(facts)
