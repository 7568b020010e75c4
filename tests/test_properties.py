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
from classifier.rulebase.files import catalogue

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
@given(
    fact_patterns(victim_ages=st.integers(0, 17)),
    st.lists(
        st.sampled_from(["threat", "force", "coercion", "deception", "debt_bondage", "abuse_of_power"]),
        min_size=1,
        max_size=2,
        unique=True,
    ),
)
def test_child_victim_means_never_decide_whether_trafficking_is_made_out(facts, means):
    def made_out(f: Findings) -> bool:
        return any(q.article in TRAFFICKING and q.role != "excluded" for q in f.qualifications)

    for o in facts["offenders"]:
        o.pop("means", None)  # an offender's means are a subset of the case's, which this test replaces
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
    for o in facts["offenders"]:
        o.pop("acts", None)  # an offender's acts are a subset of the case's, which this test replaces
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
    "qualification": {
        "instrument",
        "article",
        "part",
        "items",
        "title",
        "role",
        "reason",
        "offenders",
        "victims",
        "gravity",
        "prosecution",
        "penalty",
        "penalty_limits",
        "interpretation",
        "readings",
        "historical_equivalent",
        "elements",
        "sources",
    },
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
        if q.role == "alternative":  # LAW.md section 1: only these make a finding contested
            assert {"R-PALERMO-MEANS", "R-LAW55-PURPOSE", "R-RETRO", "R-DANGEROUS-VIOLENCE"} & set(q.readings) or (
                q.article in ("157", "159") and "154" in q.reason
            ), (q.article, q.readings, q.reason)


@SETTINGS
@given(fact_patterns())
def test_classification_is_deterministic(facts):
    assert classify(facts).model_dump() == classify(copy.deepcopy(facts)).model_dump()


def test_facts_md_example_keys_are_all_produced():
    """Every key of the FACTS.md findings example appears in our output."""
    text = (Path(__file__).resolve().parents[2] / "shared" / "domain" / "FACTS.md").read_text()
    block = text.split("```json", 1)[1].split("```", 1)[0]
    example = json.loads(block.replace('"..."', '"x"'))
    ours = classify(
        {
            "case_id": "k",
            "offence_date": "2023-04-10",
            "victims": [
                {
                    "id": "V1",
                    "age": 15,
                    "offences": [{"instrument": "CC", "article": "378", "part": 1, "caused_by_trafficking": True}],
                }
            ],
            "offenders": [{"id": "P1", "age": 17}, {"id": "P2", "age": 17}],
            "acts": ["receipt", "harbouring"],
            "means": [],
            "purposes": ["prostitution"],
            "circumstances": ["group_prior_conspiracy"],
            "record": {"charges": [{"instrument": "CC", "article": "159", "part": 3}]},
        }
    ).model_dump(mode="json")

    def keys(a, b, path=""):
        if isinstance(a, dict):
            for k, v in a.items():
                assert k in b, f"missing key {path}.{k}"
                if b[k] is not None and v is not None:
                    keys(v, b[k], f"{path}.{k}")
        elif isinstance(a, list) and a and b:
            keys(a[0], b[0], path + "[0]")

    keys(example, ours)


# --- legal model v4 (LAW.md section 12) ---------------------------------------------------------
PERSONAL_ITEMS = {("166", 2, 4), ("167", 2, 4), ("170", 2, 5), ("165", 4, 2), ("168", 2, 4), ("209", 4, 4)}
CARER_ITEMS = {("162", 4, 1)}
CARER_PARTS = {("180", 2), ("181", 2), ("182", 2)}


@SETTINGS
@given(fact_patterns())
def test_personal_items_only_for_the_offenders_who_have_the_feature(facts):
    """CC art. 43: the official-position and parent/teacher/carer items count only for offenders
    who have the feature; co-offenders share a qualification only with the same items."""
    people = {o["id"]: o for o in facts["offenders"]}
    for q in classify(facts).qualifications:
        for i in q.items:
            if (q.article, q.part, i) in PERSONAL_ITEMS:
                assert all(people[o].get("official") is True for o in q.offenders), (q.article, q.part, i, q.offenders)
            if (q.article, q.part, i) in CARER_ITEMS:
                assert all(people[o].get("relation") in ("parent", "carer", "teacher") for o in q.offenders)
        if (q.article, q.part) in CARER_PARTS:
            assert all(people[o].get("relation") in ("parent", "carer", "teacher") for o in q.offenders)


@SETTINGS
@given(fact_patterns())
def test_penalty_limits_name_exactly_the_offenders_under_18_within_the_code_s_bounds(facts):
    people = {o["id"]: o for o in facts["offenders"]}
    for q in classify(facts).qualifications:
        young = {o for o in q.offenders if people[o].get("age") is not None and people[o]["age"] < 18}
        named = [o for pl in q.penalty_limits for o in pl.offenders]
        assert len(named) == len(set(named))  # one entry per group, each offender once
        assert set(named) == (set() if q.role == "excluded" else young), (q.article, q.role, named, young)
        p = catalogue()[q.article].parts[q.part]
        for pl in q.penalty_limits:
            assert pl.basis and pl.interpretation == bool(pl.readings)
            if pl.imprisonment is not None:
                lo, hi = pl.imprisonment
                assert 0.5 <= lo <= hi <= 10 and hi <= p.max_years  # CC art. 108 parts 1-2
            else:
                assert not p.max_years or p.gravity == "minor"


@SETTINGS
@given(fact_patterns())
def test_legal_entities_alone_are_never_qualified(facts):
    facts = copy.deepcopy(facts)
    if not facts["offenders"]:
        return  # no offender named at all: the findings describe the conduct (a warning says so)
    for o in facts["offenders"]:
        o["legal_entity"] = True
    f = classify(facts)
    assert f.qualifications == [] and f.prosecution.mode is None
    assert any(m.fact == "offenders" for m in f.missing_facts)


@SETTINGS
@given(fact_patterns())
def test_an_offender_who_took_no_act_and_no_group_is_never_a_trafficker(facts):
    facts = copy.deepcopy(facts)
    facts["circumstances"] = [
        c for c in facts["circumstances"] if c not in ("group", "group_prior_conspiracy", "organised_group", "criminal_community")
    ]
    if not facts["offenders"]:
        return
    facts["offenders"][0]["acts"] = []
    who = facts["offenders"][0]["id"]
    for q in classify(facts).qualifications:
        if q.article in TRAFFICKING and q.role != "excluded":
            assert who not in q.offenders, (q.article, q.part, q.role)


@SETTINGS
@given(fact_patterns())
def test_prosecution_follows_the_qualifications(facts):
    f = classify(facts)
    considered = [q for q in f.qualifications if q.role in ("primary", "concurrent")] or [
        q for q in f.qualifications if q.role == "alternative"
    ]
    if not considered:
        assert f.prosecution.mode is None and f.prosecution.reconciliation_permitted is None
        return
    public = any(q.prosecution != "private_public" for q in considered)
    assert f.prosecution.mode == ("public" if public else "private_public")
    if public or {"organised_group", "criminal_community"} & set(facts["circumstances"]):
        assert f.prosecution.reconciliation_permitted is False
    if facts.get("offence_date") and facts["offence_date"] < "2021-12-01":
        assert "R-RETRO" in f.prosecution.basis  # never stated as settled
