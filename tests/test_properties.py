"""Properties the legal model guarantees for every fact pattern (hypothesis)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import ACTS, QUALIFYING, fact_patterns

from classifier import classify
from classifier.models import Findings
from classifier.ruledata import catalogue

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TRAFFICKING = {"166", "167"}


def quals(f: Findings) -> list[tuple]:
    return sorted((q.article, q.part, q.role, tuple(q.items), tuple(q.offenders), tuple(q.victims)) for q in f.qualifications)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_patterns())
def test_durable_and_oracle_give_identical_findings(facts):
    """The differential test: the durable-rules engine and the pure-Python oracle agree."""
    assert classify(facts, backend="durable") == classify(facts, backend="oracle")


@SETTINGS
@given(fact_patterns())
def test_recorded_consent_never_changes_a_qualification(facts):
    with_consent, without = copy.deepcopy(facts), copy.deepcopy(facts)
    for v in with_consent["victims"]:
        v["consented"] = True
    for v in without["victims"]:
        v.pop("consented", None)
    assert quals(classify(with_consent)) == quals(classify(without))


@SETTINGS
@given(fact_patterns(victim_ages=st.integers(0, 17)), st.lists(st.sampled_from(["threat", "force", "coercion", "deception", "debt_bondage", "abuse_of_power"]), min_size=1, max_size=2, unique=True))
def test_child_victim_means_never_decide_whether_trafficking_is_made_out(facts, means):
    def made_out(f: Findings) -> bool:
        return any(q.article in TRAFFICKING and q.role != "excluded" for q in f.qualifications)

    no_means, some_means = copy.deepcopy(facts), copy.deepcopy(facts)
    no_means["means"] = []
    some_means["means"] = means
    assert made_out(classify(no_means)) == made_out(classify(some_means))


def _seriousness(article: str, part: int | None) -> tuple[float, float]:
    p = catalogue()[article].parts[part]
    return (p.max_years, p.min_years)


@SETTINGS
@given(fact_patterns(), st.sampled_from(QUALIFYING))
def test_adding_a_qualifying_circumstance_never_lowers_the_part(facts, flag):
    before = classify(facts)
    more = copy.deepcopy(facts)
    if flag not in more["circumstances"]:
        more["circumstances"].append(flag)
    after = classify(more)
    for art in ("166", "167", "170"):
        b = [_seriousness(q.article, q.part) for q in before.qualifications if q.article == art and q.role != "excluded"]
        a = [_seriousness(q.article, q.part) for q in after.qualifications if q.article == art and q.role != "excluded"]
        if b:
            assert a and max(a) >= max(b), (art, flag)


@SETTINGS
@given(fact_patterns(), st.sampled_from(ACTS))
def test_removing_the_only_act_removes_every_trafficking_qualification(facts, act):
    facts = copy.deepcopy(facts)
    facts["acts"] = [act]
    classify(facts)  # with the act: whatever the facts make out
    facts["acts"] = []
    f = classify(facts)
    assert not [q for q in f.qualifications if q.article in TRAFFICKING]


@SETTINGS
@given(fact_patterns())
def test_every_qualification_and_element_cites_a_source(facts):
    for q in classify(facts).qualifications:
        assert q.sources and all(s.startswith(("CC ", "Law 55", "Palermo")) for s in q.sources)
        for e in q.elements:
            assert e.source


@SETTINGS
@given(fact_patterns())
def test_exactly_one_primary_whenever_an_article_is_fully_made_out(facts):
    f = classify(facts)
    roles = [q.role for q in f.qualifications]
    assert roles.count("primary") <= 1
    fully = [r for r in roles if r not in ("alternative", "competing", "excluded")]
    assert (roles.count("primary") == 1) == bool(fully)


REQUIRED = {
    "": {"case_id", "law", "qualifications", "misclassification", "prosecution", "non_punishment", "missing_facts", "warnings"},
    "law": {"instrument", "edition", "offence_date", "notes"},
    "qualification": {"instrument", "article", "part", "items", "title", "role", "reason", "offenders", "victims", "gravity",
                      "prosecution", "penalty", "interpretation", "readings", "historical_equivalent", "elements", "sources"},
    "element": {"element", "status", "facts", "reason", "source", "interpretation"},
    "misclassification": {"charged", "suggested", "kind", "severity", "explanation", "consequences", "interpretation"},
    "prosecution": {"mode", "reconciliation_permitted", "basis", "flags"},
    "non_punishment": {"victim", "offence", "applies", "basis", "reason", "interpretation", "readings"},
    "missing_fact": {"affects", "fact", "question"},
}


@SETTINGS
@given(fact_patterns())
def test_every_output_validates_against_the_contract(facts):
    f = classify(facts)
    data = json.loads(json.dumps(f.model_dump(mode="json")))
    assert Findings.model_validate(data) == f
    assert REQUIRED[""] <= set(data)
    assert REQUIRED["law"] <= set(data["law"])
    assert REQUIRED["prosecution"] <= set(data["prosecution"])
    for q in data["qualifications"]:
        assert REQUIRED["qualification"] <= set(q)
        assert isinstance(q["article"], str) and (q["part"] is None or isinstance(q["part"], int))
        for e in q["elements"]:
            assert REQUIRED["element"] <= set(e)
    for m in data["misclassification"]:
        assert REQUIRED["misclassification"] <= set(m)
        if m["kind"] == "victim_punished":
            assert m["suggested"] is None
        elif m["suggested"] is None:  # overcharged, and nothing at all is made out to suggest instead
            assert m["kind"] == "overcharged" and not any(q["role"] == "primary" for q in data["qualifications"])
    for n in data["non_punishment"]:
        assert REQUIRED["non_punishment"] <= set(n)
    for m in data["missing_facts"]:
        assert REQUIRED["missing_fact"] <= set(m)
    if not data["qualifications"]:
        assert data["prosecution"]["mode"] is None and data["prosecution"]["reconciliation_permitted"] is None


@SETTINGS
@given(fact_patterns())
def test_findings_resting_on_a_reading_say_so(facts):
    for q in classify(facts).qualifications:
        assert q.interpretation == bool(q.readings)
        if q.role == "alternative":
            assert {"R-PALERMO-MEANS", "R-LAW55-PURPOSE", "R-RETRO"} & set(q.readings)


@SETTINGS
@given(fact_patterns())
def test_classification_is_deterministic(facts):
    assert classify(facts).model_dump() == classify(copy.deepcopy(facts)).model_dump()


def test_facts_md_example_keys_are_all_produced():
    """Every key of the FACTS.md findings example appears in our output."""
    text = (Path(__file__).resolve().parents[2] / "shared" / "domain" / "FACTS.md").read_text()
    block = text.split("```json", 1)[1].split("```", 1)[0]
    example = json.loads(block.replace('"..."', '"x"'))
    ours = classify({"case_id": "k", "offence_date": "2023-04-10", "victims": [{"id": "V1", "age": 15, "offences": [
        {"instrument": "CC", "article": "378", "part": 1, "caused_by_trafficking": True}]}],
        "offenders": [{"id": "P1", "age": 17}, {"id": "P2", "age": 17}], "acts": ["receipt", "harbouring"],
        "means": [], "purposes": ["prostitution"], "circumstances": ["group_prior_conspiracy"],
        "record": {"charges": [{"instrument": "CC", "article": "159", "part": 3}]}}).model_dump(mode="json")

    def keys(a, b, path=""):
        if isinstance(a, dict):
            for k, v in a.items():
                assert k in b, f"missing key {path}.{k}"
                if b[k] is not None and v is not None:
                    keys(v, b[k], f"{path}.{k}")
        elif isinstance(a, list) and a and b:
            keys(a[0], b[0], path + "[0]")

    keys(example, ours)
