"""The legal model (../shared/domain/LAW.md, sections 1-10), one test per rule.

Expected values come from LAW.md, never from the engine's output. Where the engine disagrees
with LAW.md the test keeps the LAW.md assertion and is marked `xfail(strict=True)` with the
defect in its reason. Where LAW.md is open, the comment says which reading the test takes.

Fact patterns: `facts(**kw)` / `run(**kw)` in tests/lawcase.py merge into a minimal 166(1)
case (adult victim V1 aged 25, offender P1 aged 40, recruitment by deception for forced
labour, 1 Sep 2024).
"""

from __future__ import annotations

import re

import pytest
from lawcase import (
    TRAFFICKING,
    element,
    facts,
    has_missing,
    mis,
    missing,
    np_for,
    offender,
    primaries,
    primary_is,
    qual,
    quals,
    roles,
    run,
    summary,
    text,
    victim,
)

from classifier import classify
from classifier.rulebase.files import catalogue, readings
from classifier.rulebase.legal import gravity_for

# ---------------------------------------------------------------------------------------------
# Reusable fact patterns

CHILD_NO_MEANS = dict(victim_age=15, means=[])  # child victim, act + purpose, no means
NO_ACT = dict(acts=[], means=[], purposes=[])
LABOUR_170 = dict(
    acts=[],
    means=[],
    purposes=[],
    exploitation=["forced_labour"],
    circumstances=["ownership_powers_exercised", "victim_could_not_refuse"],
)
FORCED_MARRIAGE_ADULT = dict(acts=[], means=["threat"], purposes=["forced_marriage"])  # 174
BRIDE_KIDNAPPING = dict(
    acts=["transportation"],
    means=["abduction"],
    purposes=["forced_marriage"],
    circumstances=["marriage_purpose", "held_against_will"],
)


def offence(**o) -> dict:
    """The single victim V1 committed this offence (victims[V1].offences[0])."""
    return {"victim": {"offences": [o]}}


def record(**r) -> dict:
    return {"record": r}


def charge(article: str, part: int | None = None, instrument: str = "CC") -> dict:
    c = {"instrument": instrument, "article": article}
    if part is not None:
        c["part"] = part
    return c


def lower_penalty_consequence(m) -> bool:
    return any("below" in c.lower() for c in m.consequences)


def reconciliation_consequence(m) -> bool:
    return any("reconcil" in c.lower() for c in m.consequences)


def status_consequence(m) -> bool:
    return any("not recognised as a victim of trafficking" in c.lower() for c in m.consequences)


# =============================================================================================
# Section 1. Elements of trafficking


@pytest.mark.parametrize("act", ["recruitment", "transportation", "transfer", "harbouring", "receipt"])
def test_s1_each_cc_act_is_an_act_of_trafficking(act):
    f = run(acts=[act])
    assert primary_is(f, "166", 1), summary(f)
    assert element(f.primary, "act").status == "met"


def test_s1_sale_counts_as_transfer_R_SALE_ACT():
    f = run(acts=["sale"])
    assert primary_is(f, "166", 1), summary(f)
    assert "R-SALE-ACT" in f.primary.readings and f.primary.interpretation


def test_s1_purchase_counts_as_receipt_R_SALE_ACT():
    f = run(acts=["purchase"])
    assert primary_is(f, "166", 1), summary(f)
    assert "R-SALE-ACT" in f.primary.readings and f.primary.interpretation


def test_s1_recruitment_meets_note_definition_R_RECRUIT_only_when_sole_act():
    alone = run(acts=["recruitment"])
    assert primary_is(alone, "166", 1)
    assert "R-RECRUIT" in alone.primary.readings and alone.primary.interpretation
    # "R-RECRUIT only when recruitment is its only act"
    with_transport = run(acts=["recruitment", "transportation"])
    assert primary_is(with_transport, "166", 1)
    assert "R-RECRUIT" not in with_transport.primary.readings


@pytest.mark.parametrize("means", ["threat", "force", "coercion", "blackmail", "abduction", "fraud", "deception"])
def test_s1_each_cc_means_makes_166_binding(means):
    f = run(acts=["recruitment", "transportation"], means=[means])
    assert primary_is(f, "166", 1), summary(f)
    assert element(f.primary, "means").status == "met"
    assert "R-PALERMO-MEANS" not in f.primary.readings


def test_s1_debt_bondage_counts_as_coercion_R_DEBT():
    f = run(means=["debt_bondage"])
    assert primary_is(f, "166", 1), summary(f)
    assert "R-DEBT" in f.primary.readings and f.primary.interpretation


@pytest.mark.parametrize("means", ["abuse_of_power", "abuse_of_vulnerability", "payment_to_controller"])
def test_s1_palermo_only_means_adult_is_alternative_R_PALERMO_MEANS(means):
    f = run(means=[means])
    q = qual(f, "166", role="alternative")
    assert "R-PALERMO-MEANS" in q.readings and q.interpretation
    assert f.primary is None
    # the missing fact is the CC element that would make it binding
    assert has_missing(f, "means")
    # the output explains that the CC lists fewer means than Palermo / Law 55
    assert any("palermo" in w.lower() for w in f.warnings), f.warnings


def test_s1_palermo_means_with_a_cc_means_is_binding():
    f = run(means=["abuse_of_vulnerability", "deception"])
    assert primary_is(f, "166", 1)
    assert "R-PALERMO-MEANS" not in f.primary.readings


def test_s1_palermo_only_means_child_victim_is_not_contested():
    # R-PALERMO-MEANS is for an adult victim; for a child the means are irrelevant (rule 2).
    f = run(victim_age=15, means=["abuse_of_vulnerability"])
    assert primary_is(f, "167", 1), summary(f)
    assert not quals(f, "167", role="alternative") and not quals(f, "166", role="alternative")


def test_s1_identity_documents_taken_not_a_means_by_itself():
    f = run(means=[], circumstances=["identity_documents_taken"])
    assert not [q for q in f.qualifications if q.article in TRAFFICKING and q.role != "excluded"], summary(f)
    mf = [m for m in f.missing_facts if m.fact == "means"]
    assert mf, missing(f)
    assert "document" in mf[0].question.lower()


def test_s1_identity_documents_taken_with_cc_means_is_166():
    f = run(circumstances=["identity_documents_taken"])
    assert primary_is(f, "166", 1)


@pytest.mark.parametrize(
    "purpose", ["prostitution", "sexual_exploitation", "forced_labour", "forced_services", "slavery", "armed_conflict"]
)
def test_s1_each_cc_purpose_makes_166(purpose):
    f = run(purposes=[purpose])
    assert primary_is(f, "166", 1), summary(f)
    assert element(f.primary, "purpose").status == "met"
    assert not {"R-PORN", "R-BEGGING", "R-SERVITUDE", "R-ORGAN", "R-LAW55-PURPOSE"} & set(f.primary.readings)


@pytest.mark.parametrize(
    "purpose, reading, part, items",
    [
        ("pornography", "R-PORN", 1, []),
        ("begging", "R-BEGGING", 1, []),
        ("servitude", "R-SERVITUDE", 1, []),
        ("organ_removal", "R-ORGAN", 3, [2]),  # 166(3) item 2 presupposes the purpose
    ],
)
def test_s1_purpose_by_reading_is_a_cc_purpose(purpose, reading, part, items):
    f = run(purposes=[purpose])
    assert primary_is(f, "166", part), summary(f)
    assert f.primary.items == items
    assert reading in f.primary.readings and f.primary.interpretation


@pytest.mark.parametrize("purpose", ["criminal_activity", "commercial_adoption"])
def test_s1_law55_only_purpose_is_alternative_R_LAW55_PURPOSE(purpose):
    f = run(purposes=[purpose])
    q = qual(f, "166", role="alternative")
    assert "R-LAW55-PURPOSE" in q.readings and q.interpretation
    assert f.primary is None
    assert has_missing(f, "purposes")


def test_s1_law55_purpose_with_a_cc_purpose_is_binding():
    f = run(purposes=["criminal_activity", "forced_services"])
    assert primary_is(f, "166", 1)
    assert "R-LAW55-PURPOSE" not in f.primary.readings


def test_s1_forced_marriage_alone_is_not_exploitation():
    f = run(purposes=["forced_marriage"])
    assert not [q for q in f.qualifications if q.article in TRAFFICKING], summary(f)
    assert has_missing(f, "purposes")


def test_s1_purpose_not_result_intended_exploitation_suffices():
    f = run(purposes=["forced_labour"], exploitation=[])
    assert primary_is(f, "166", 1)


def test_s1_exploitation_carried_out_proves_the_purpose():
    f = run(purposes=[], exploitation=["forced_labour"])
    assert primary_is(f, "166", 1), summary(f)
    assert element(f.primary, "purpose").status == "met"


@pytest.mark.parametrize("age", [25, 15])
def test_s1_consent_irrelevant_to_trafficking_and_report_says_so(age):
    f = run(victim_age=age, means=[] if age < 18 else ["deception"], victim={"consented": True})
    assert f.primary is not None and f.primary.article in TRAFFICKING, summary(f)
    assert any("consent" in w.lower() and "irrelevant" in w.lower() for w in f.warnings), f.warnings


def test_s1_consent_for_172_must_be_checked():
    f = run(**BRIDE_KIDNAPPING, victim={"consented": True})
    assert primary_is(f, "172"), summary(f)
    w = [w for w in f.warnings if "172" in w and "consent" in w.lower()]
    assert w, f.warnings
    assert not any("irrelevant to trafficking" in x.lower() for x in f.warnings)


def test_s1_not_stated_means_not_established_empty_means():
    f = run(means=[])
    assert not [q for q in f.qualifications if q.article in TRAFFICKING], summary(f)
    assert has_missing(f, "means")


def test_s1_status_unknown_for_an_element_resting_on_an_unstated_fact():
    # 209 alongside trafficking without damage_ci: the amount is not stated -> unknown
    f = run(circumstances=["property_obtained_by_deception"])
    q = qual(f, "209")
    assert element(q, "amount").status == "unknown"
    assert has_missing(f, "damage_ci")


def test_s1_status_not_met_when_stated_facts_exclude_the_element():
    f = run(**CHILD_NO_MEANS, offender_age=15)
    q = qual(f, "167", role="excluded")
    assert element(q, "capacity").status == "not_met"


def test_s1_status_unknown_for_capacity_when_offender_age_not_stated():
    f = run(offender_age=None)
    assert element(qual(f, "166"), "capacity").status == "unknown"


def test_s1_missing_facts_name_the_unstated_fact_that_completes_170():
    f = run(**{**LABOUR_170, "circumstances": ["ownership_powers_exercised"]})
    assert not quals(f, "170")
    assert "circumstances.victim_could_not_refuse" in missing(f), missing(f)
    assert "circumstances.ownership_powers_exercised" not in missing(f)


def test_s1_missing_facts_list_what_a_candidate_lacks():
    f = run(acts=[])  # adult, means and purpose: only the act is missing
    assert has_missing(f, "acts")
    f = run(purposes=[])
    assert has_missing(f, "purposes")


def test_s1_missing_victim_age_both_branches_reported_and_age_missing():
    f = run(victim_age=None)
    # adult branch as a qualification, child branch reported
    assert primary_is(f, "166", 1), summary(f)
    assert any("167" in w for w in f.warnings), f.warnings
    assert "victims[V1].age" in missing(f)


def test_s1_missing_victim_age_child_branch_reported_when_adult_branch_fails():
    f = run(victim_age=None, means=[])
    assert "victims[V1].age" in missing(f)
    assert any("167" in w for w in f.warnings), f.warnings  # the child branch (no means needed)


@pytest.mark.parametrize(
    "article, kw",
    [("170", LABOUR_170), ("169", dict(**NO_ACT, circumstances=["held_against_will"]))],
)
def test_s1_missing_victim_age_reported_where_child_branch_differs_by_age_band(article, kw):
    assert primary_is(run(**kw, victim_age=15), article, 2)  # the child branch differs from the adult one
    f = run(**kw, victim_age=None)
    assert primary_is(f, article, 1), summary(f)
    assert "victims[V1].age" in missing(f)
    assert any("V1" in w and "age" in w.lower() for w in f.warnings), f.warnings


def test_s1_missing_offender_age_listed_for_capacity():
    f = run(offender_age=None)
    assert "offenders[P1].age" in missing(f)
    assert any("age" in w.lower() and "28" in w for w in f.warnings), f.warnings


def test_s1_missing_offender_age_child_victim_both_capacity_branches_reported():
    # 16 and over: 167; 14-15: only 166 (rule 3)
    f = run(**CHILD_NO_MEANS, offender_age=None)
    assert primary_is(f, "167", 1), summary(f)
    assert "offenders[P1].age" in missing(f)
    assert any("166" in w and "14" in w for w in f.warnings), f.warnings


# =============================================================================================
# Section 2. Persons


@pytest.mark.parametrize("age, child", [(17, True), (18, False)])
def test_s2_child_is_under_18_at_offence_date(age, child):
    f = run(victim_age=age, means=[])
    if child:
        assert primary_is(f, "167", 1), summary(f)
    else:
        assert not [q for q in f.qualifications if q.article in TRAFFICKING], summary(f)


@pytest.mark.parametrize("birth_date, child", [("2007-01-01", True), ("2006-08-31", False)])
def test_s2_child_age_from_birth_date_at_offence_date(birth_date, child):
    f = run(victims=[{"id": "V1", "birth_date": birth_date}], means=[])
    assert primary_is(f, "167") is child, summary(f)


def test_s2_continuing_offence_note_age_at_end_governs():
    f = run(victim_age=16, acts=["harbouring"], means=[])
    notes = " ".join(f.law.notes).lower()
    assert "continuing" in notes and "end" in notes, f.law.notes


@pytest.mark.parametrize("age", [14, 15])
def test_s2_offender_aged_14_15_cannot_commit_167(age):
    f = run(**CHILD_NO_MEANS, offender_age=age)
    q = qual(f, "167", role="excluded")
    assert "28" in q.reason
    assert not quals(f, "167", role="primary")


@pytest.mark.parametrize("age", [14, 15])
def test_s2_offender_aged_14_15_can_commit_166(age):
    f = run(offender_age=age)
    assert primary_is(f, "166", 1), summary(f)


def test_s2_offender_aged_16_can_commit_167():
    f = run(**CHILD_NO_MEANS, offender_age=16)
    assert primary_is(f, "167", 1), summary(f)


def test_s2_offender_aged_15_can_commit_165_kidnapping():
    f = run(acts=["transportation"], means=["abduction"], purposes=[], circumstances=["held_against_will"], offender_age=15)
    assert primary_is(f, "165", 1), summary(f)


@pytest.mark.parametrize(
    "article, kw",
    [
        ("159", dict(acts=[], means=["deception"], purposes=[], exploitation=["prostitution"])),
        ("160", dict(**NO_ACT, circumstances=["brothel_organised"])),
        ("168", dict(**NO_ACT, circumstances=["illegal_entry_or_exit_organised"])),
        ("169", dict(**NO_ACT, circumstances=["held_against_will"])),
        ("170", LABOUR_170),
        ("172", BRIDE_KIDNAPPING),
        ("173", dict(victim_age=15, acts=[], means=["coercion"], purposes=["forced_marriage"])),
        ("174", FORCED_MARRIAGE_ADULT),
        ("209", dict(acts=[], means=["deception"], purposes=[], circumstances=["property_obtained_by_deception"], damage_ci=150)),
    ],
)
def test_s2_offender_aged_15_excluded_from_articles_outside_art_28_2(article, kw):
    with_capacity = run(**kw)
    assert quals(with_capacity, article, role="primary"), summary(with_capacity)
    f = run(**kw, offender_age=15)
    q = qual(f, article)
    assert q.role == "excluded", summary(f)
    assert "28" in q.reason


@pytest.mark.parametrize(
    "article, kw",
    [
        ("157", dict(victim_age=15, **NO_ACT, circumstances=["sexual_acts_with_victim"])),
        ("180", dict(victim_age=15, acts=[], means=[], purposes=["criminal_activity"], offender={"relation": "none"})),
    ],
)
def test_s2_157_and_180_require_offender_aged_18(article, kw):
    assert primary_is(run(**kw), article)
    f = run(**{**kw, "offenders": [offender("P1", 17, relation="none")]})
    assert qual(f, article).role == "excluded", summary(f)


def test_s2_offender_under_14_every_article_excluded():
    f = run(acts=["transportation"], means=["abduction"], circumstances=["held_against_will"], offender_age=13)
    assert f.qualifications
    assert all(q.role == "excluded" for q in f.qualifications), summary(f)
    assert f.primary is None


def test_s2_legal_entity_not_subject_of_crime_law55_art14():
    # LAW.md: "no qualification" for the legal entity. Reading taken: the legal entity is never
    # among the offenders of a qualification; natural co-offenders are qualified as usual.
    f = run(offenders=[{"id": "P1", "legal_entity": True}, offender("P2", 40)])
    assert all("P1" not in q.offenders for q in f.qualifications), summary(f)
    assert primary_is(f, "166", 1) and f.primary.offenders == ["P2"]
    t = text(f)
    assert "24" in t and "law 55 art. 14" in t


def test_s2_offenders_with_same_article_and_part_share_one_qualification():
    f = run(offenders=[offender("P1", 40), offender("P2", 35)], circumstances=["group_prior_conspiracy"])
    q166 = quals(f, "166")
    assert len(q166) == 1, summary(f)
    assert sorted(q166[0].offenders) == ["P1", "P2"] and q166[0].victims == ["V1"]


def test_s2_qualification_is_per_offender():
    f = run(**CHILD_NO_MEANS, offenders=[offender("P1", 40), offender("P2", 15)])
    assert primary_is(f, "167", 1) and f.primary.offenders == ["P1"], summary(f)
    p2 = [q for q in f.qualifications if "P2" in q.offenders and q.role != "excluded"]
    assert [(q.article, q.part) for q in p2] == [("166", 4)], summary(f)
    assert "P2" in qual(f, "167", role="excluded").offenders


def test_s2_mixed_adult_and_child_victims_each_group_gets_its_article():
    f = run(victims=[victim("V1", 25), victim("V2", 15)])
    adult = [q for q in f.qualifications if q.role in ("primary", "concurrent") and q.victims == ["V1"]]
    child = [q for q in f.qualifications if q.role in ("primary", "concurrent") and q.victims == ["V2"]]
    assert [q.article for q in adult] == ["166"], summary(f)
    assert [q.article for q in child] == ["167"], summary(f)


def test_s2_victim_status_objective_offender_aged_13_non_punishment_yes():
    f = run(offender_age=13, **offence(instrument="CC", article="379", part=2, caused_by_trafficking=True))
    assert f.primary is None
    assert np_for(f, "379").applies == "yes"


def test_s2_child_victim_status_with_offender_aged_13():
    # a 17-year-old is liable for 379(2) (step 2 does not decide): only victim status can
    f = run(
        victim_age=17, means=[], offender_age=13, **offence(instrument="CC", article="379", part=2, caused_by_trafficking=True)
    )
    assert all(q.role == "excluded" for q in f.qualifications)
    assert np_for(f, "379").applies == "yes"


def test_s2_child_sold_is_a_victim_even_without_a_trafficking_finding_R_167_SALE():
    # offender aged 15, no purpose: no trafficking finding (rule 4), but the sold child is a victim
    f = run(
        victim_age=17,
        acts=["sale"],
        means=[],
        purposes=[],
        offender_age=15,
        **offence(instrument="CC", article="379", part=2, caused_by_trafficking=True),
    )
    assert f.primary is None
    assert np_for(f, "379").applies == "yes"


def test_s2_child_without_purpose_not_sold_is_not_a_victim():
    f = run(victim_age=17, means=[], purposes=[], **offence(instrument="CC", article="379", part=2, caused_by_trafficking=True))
    assert np_for(f, "379").applies == "no"


def test_s2_co_offender_lacking_capacity_not_counted_for_group_items_167():
    f = run(**CHILD_NO_MEANS, offenders=[offender("P1", 40), offender("P2", 15)], circumstances=["group"])
    q = qual(f, "167", role="primary")
    assert q.offenders == ["P1"]
    assert q.part == 1 and q.items == [], summary(f)


def test_s2_co_offender_under_14_not_counted_for_group_items_166():
    f = run(offenders=[offender("P1", 40), offender("P2", 13)], circumstances=["group"])
    assert primary_is(f, "166", 1) and f.primary.items == [], summary(f)


def test_s2_co_offenders_with_capacity_count_for_group_items():
    f = run(offenders=[offender("P1", 40), offender("P2", 15)], circumstances=["group"])
    assert primary_is(f, "166", 2) and f.primary.items == [2], summary(f)


def test_s2_official_position_used_applies_only_to_official_offenders():
    f = run(
        offenders=[offender("P1", 40, official=True), offender("P2", 30, official=False)],
        circumstances=["official_position_used"],
    )
    p1 = [q for q in f.qualifications if "P1" in q.offenders and q.article == "166"]
    p2 = [q for q in f.qualifications if "P2" in q.offenders and q.article == "166"]
    assert [(q.part, q.items) for q in p1] == [(2, [4])], summary(f)
    assert [(q.part, q.items) for q in p2] == [(1, [])], summary(f)


def test_s2_official_position_flag_without_official_offender_is_not_an_item():
    f = run(circumstances=["official_position_used"])
    assert primary_is(f, "166", 1) and f.primary.items == []


# =============================================================================================
# Section 3. Article catalogue

# (article, part): (minimum, maximum, gravity) per LAW.md section 3; None = no imprisonment or
# no stated minimum ("fine or up to N", "up to N").
LAW_CATALOGUE: dict[tuple[str, int | None], tuple[float | None, float | None, str]] = {
    ("166", 1): (3, 6, "grave"),
    ("166", 2): (6, 8, "grave"),
    ("166", 3): (8, 11, "especially_grave"),
    ("166", 4): (None, 5, "less_grave"),
    ("167", 1): (5, 8, "grave"),
    ("167", 2): (8, 11, "especially_grave"),
    ("167", 3): (11, 15, "especially_grave"),
    ("170", 1): (3, 6, "grave"),
    ("170", 2): (6, 8, "grave"),
    ("170", 3): (8, 12, "especially_grave"),
    ("159", 1): (None, 5, "less_grave"),
    ("159", 2): (5, 10, "grave"),
    ("159", 3): (10, 15, "especially_grave"),
    ("160", 1): (None, 7, "grave"),
    ("160", 2): (7, 15, "especially_grave"),
    ("157", None): (8, 10, "grave"),
    ("158", None): (7, 10, "grave"),
    ("162", 1): (None, 3, "less_grave"),
    ("162", 2): (5, 10, "grave"),
    ("162", 3): (6, 10, "grave"),
    ("162", 4): (10, 15, "especially_grave"),
    ("165", 1): (5, 7, "grave"),
    ("165", 2): (7, 10, "grave"),
    ("165", 3): (None, None, "minor"),
    ("165", 4): (10, 12, "especially_grave"),
    ("168", 1): (3, 5, "less_grave"),
    ("168", 2): (5, 8, "grave"),
    ("169", 1): (None, 2, "less_grave"),
    ("169", 2): (2, 5, "less_grave"),
    ("169", 3): (5, 10, "grave"),
    ("169", 4): (None, None, "minor"),
    ("172", 1): (5, 7, "grave"),
    ("172", 2): (7, 10, "grave"),
    ("173", None): (None, 5, "less_grave"),
    ("174", None): (None, 5, "less_grave"),
    ("180", 1): (None, 2, "less_grave"),
    ("180", 2): (2, 5, "less_grave"),
    ("180", 3): (5, 8, "grave"),
    ("181", 1): (None, None, "minor"),
    ("181", 2): (None, 5, "less_grave"),
    ("182", 1): (3, 6, "grave"),
    ("182", 2): (6, 8, "grave"),
    ("182", 3): (8, 11, "especially_grave"),
    ("185", None): (None, None, "minor"),
    ("188", None): (None, None, "minor"),
    ("209", 1): (None, None, "minor"),
    ("209", 2): (None, 3, "less_grave"),
    ("209", 3): (3, 5, "less_grave"),
    ("209", 4): (5, 10, "grave"),
    ("378", 1): (None, 2, "less_grave"),
    ("378", 2): (2, 5, "less_grave"),
    ("379", 1): (2, 5, "less_grave"),
    ("379", 2): (2, 5, "less_grave"),
    ("379", 3): (5, 8, "grave"),
}
LESSER = {"minor", "less_grave"}


@pytest.mark.parametrize("key", sorted(LAW_CATALOGUE, key=lambda k: (k[0], k[1] or 0)), ids=lambda k: f"{k[0]}({k[1]})")
def test_s3_gravity_follows_maximum_per_cc_art_19(key):
    article, part = key
    lo, hi, gravity = LAW_CATALOGUE[key]
    assert gravity_for(hi) == gravity  # CC art. 19: none minor, <=5 less grave, <=10 grave, >10
    p = catalogue()[article].part(part)
    assert p is not None, f"{article}({part}) missing from the catalogue"
    assert (p.penalty.max_years or None) == hi
    if lo is not None:
        assert p.penalty.min_years == lo
    assert p.gravity == gravity


@pytest.mark.parametrize("key", sorted(LAW_CATALOGUE, key=lambda k: (k[0], k[1] or 0)), ids=lambda k: f"{k[0]}({k[1]})")
def test_s3_gravity_decides_non_punishment_of_a_victim_offence(key):
    # the catalogue gravity as the engine applies it (section 8 steps 5-6), for every part
    article, part = key
    gravity = LAW_CATALOGUE[key][2]
    f = run(victim_age=30, **offence(instrument="CC", article=article, part=part, caused_by_trafficking=True))
    assert np_for(f, article).applies == ("yes" if gravity in LESSER else "unclear")


def test_s3_166_1_is_3_to_6_years_grave_with_open_question():
    f = run()
    q = f.primary
    assert (q.article, q.part, q.gravity) == ("166", 1, "grave")
    assert "3 to 6" in q.penalty
    # open question: US TIP 2022 says 3-5 (less grave if so) — surfaced, never hidden
    assert any("3 to 5" in w or "3-5" in w for w in f.warnings), f.warnings


def test_s3_166_4_up_to_5_less_grave():
    f = run(**CHILD_NO_MEANS, offender_age=15)
    assert primary_is(f, "166", 4) and f.primary.gravity == "less_grave"


def test_s3_additional_penalties_shown():
    assert "confiscation" in run(circumstances=["organised_group"]).primary.penalty.lower()  # 166(3) + confiscation
    assert "confiscation" in run().primary.penalty.lower()  # 166(1) ± confiscation


def test_s3_160_1_unverified_surfaces_as_open_question_never_a_qualification():
    f = run(purposes=["sexual_exploitation"], circumstances=["online"])
    assert not quals(f, "160-1")
    assert any("160-1" in w for w in f.warnings), f.warnings
    assert catalogue().get("160-1") is None or not catalogue()["160-1"].verified


def test_s3_160_1_gravity_unknown_for_a_victim_offence():
    f = run(**offence(instrument="CC", article="160-1", caused_by_trafficking=True))
    assert np_for(f, "160-1").applies == "unclear"
    assert has_missing(f, "victims[V1].offences[0].max_penalty_years")


def test_s3_qualification_gravity_matches_catalogue_in_output():
    for kw in CORPUS:
        f = run(**kw)
        for q in f.qualifications:
            key = (q.article, q.part)
            if key in LAW_CATALOGUE:
                assert q.gravity == LAW_CATALOGUE[key][2], (kw, summary(f), q.article, q.part, q.gravity)


# =============================================================================================
# Section 4. Facts -> elements and qualifying items

ADULT = {}
CHILD = dict(victim_age=15, means=[])
OFFICIAL = {"offender": {"official": True}}

ITEM_TABLE = [
    # (id, article, base, extra, expected part, expected items)
    ("two_victims-166", "166", ADULT, dict(victims=[victim("V1", 25), victim("V2", 30)]), 2, [1]),
    ("two_victims-167", "167", CHILD, dict(victims=[victim("V1", 15), victim("V2", 16)]), 2, [1]),
    ("two_victims-170", "170", LABOUR_170, dict(victims=[victim("V1", 25), victim("V2", 30)]), 2, [1]),
    ("group-166", "166", ADULT, dict(circumstances=["group"]), 2, [2]),
    ("group-167", "167", CHILD, dict(circumstances=["group"]), 2, [2]),
    ("group-170-no-item", "170", LABOUR_170, dict(circ=["group"]), 1, []),
    ("prior_conspiracy-166", "166", ADULT, dict(circumstances=["group_prior_conspiracy"]), 2, [3]),
    ("prior_conspiracy-167", "167", CHILD, dict(circumstances=["group_prior_conspiracy"]), 2, [3]),
    ("official-166", "166", ADULT, dict(circumstances=["official_position_used"], **OFFICIAL), 2, [4]),
    ("official-167", "167", CHILD, dict(circumstances=["official_position_used"], **OFFICIAL), 2, [4]),
    ("official-170", "170", LABOUR_170, dict(circ=["official_position_used"], **OFFICIAL), 2, [5]),
    ("border-166", "166", ADULT, dict(circumstances=["crossed_state_border"]), 2, [5]),
    ("held_abroad-166", "166", ADULT, dict(circumstances=["held_abroad"]), 2, [5]),
    ("border-167", "167", CHILD, dict(circumstances=["crossed_state_border"]), 2, [6]),
    ("held_abroad-167", "167", CHILD, dict(circumstances=["held_abroad"]), 2, [6]),
    ("dependent-166", "166", ADULT, dict(victim={"dependent_on_offender": True}), 2, [6]),
    ("dependent-167-no-item", "167", CHILD, dict(victim={"dependent_on_offender": True}), 1, []),
    ("pregnant-166", "166", ADULT, dict(victim={"pregnant": True}, circumstances=["offender_knew_pregnant"]), 3, [1]),
    ("organ-166", "166", ADULT, dict(purposes=["organ_removal"]), 3, [2]),
    ("organ-167", "167", CHILD, dict(purposes=["organ_removal"]), 3, [2]),
    ("harm_significant-166-no-item", "166", ADULT, dict(circumstances=["harm_significant"]), 1, []),
    ("harm_significant-167", "167", CHILD, dict(circumstances=["harm_significant"]), 2, [5]),
    ("harm_grave-166", "166", ADULT, dict(circumstances=["harm_grave"]), 3, [3]),
    ("harm_esp_grave-166", "166", ADULT, dict(circumstances=["harm_especially_grave"]), 3, [3]),
    ("harm_grave-167", "167", CHILD, dict(circumstances=["harm_grave"]), 3, [3]),
    ("harm_esp_grave-167", "167", CHILD, dict(circumstances=["harm_especially_grave"]), 3, [3]),
    ("harm_grave-170", "170", LABOUR_170, dict(circ=["harm_grave"]), 3, [2]),
    ("harm_esp_grave-170", "170", LABOUR_170, dict(circ=["harm_especially_grave"]), 3, [2]),
    ("organised_group-166", "166", ADULT, dict(circumstances=["organised_group"]), 3, [4]),
    ("organised_group-167", "167", CHILD, dict(circumstances=["organised_group"]), 3, [4]),
    ("organised_group-170", "170", LABOUR_170, dict(circ=["organised_group"]), 3, [3]),
    ("criminal_community-166", "166", ADULT, dict(circumstances=["criminal_community"]), 3, [5]),
    ("criminal_community-167", "167", CHILD, dict(circumstances=["criminal_community"]), 3, [5]),
    ("criminal_community-170", "170", LABOUR_170, dict(circ=["criminal_community"]), 3, [4]),
    ("under_14-167", "167", CHILD, dict(victim_age=13), 3, [1]),
    ("under_14-170", "170", LABOUR_170, dict(victim_age=13), 3, [1]),
    ("child_14_17-170", "170", LABOUR_170, dict(victim_age=15), 2, [2]),
    ("id_documents-170", "170", LABOUR_170, dict(circ=["identity_documents_taken"]), 2, [3]),
    ("blackmail-170", "170", LABOUR_170, dict(means=["blackmail"]), 2, [4]),
    ("force-170", "170", LABOUR_170, dict(means=["force"]), 2, [4]),
    ("threat-170", "170", LABOUR_170, dict(means=["threat"]), 2, [4]),
]


@pytest.mark.parametrize("article, base, extra, part, items", [r[1:] for r in ITEM_TABLE], ids=[r[0] for r in ITEM_TABLE])
def test_s4_fact_raises_article_to_part_and_item(article, base, extra, part, items):
    kw = {**base, **extra}
    if "circ" in kw:  # add to the base circumstances instead of replacing them
        kw["circumstances"] = list(base.get("circumstances", [])) + kw.pop("circ")
    f = run(**kw)
    assert primary_is(f, article), summary(f)
    assert (f.primary.part, f.primary.items) == (part, items), summary(f)


def test_s4_two_or_more_victims_of_this_article_children_only_for_167():
    f = run(victims=[victim("V1", 25), victim("V2", 15)], means=[])  # adult lacks means: only V2 is a victim
    assert primary_is(f, "167", 1) and f.primary.items == [], summary(f)
    f = run(victims=[victim("V1", 25), victim("V2", 30), victim("V3", 15)])
    q167 = [q for q in f.qualifications if q.article == "167" and q.role != "competing"]
    assert [(q.part, q.items, q.victims) for q in q167] == [(1, [], ["V3"])], summary(f)
    assert qual(f, "166", part=2).items == [1]


def test_s4_group_never_inferred_from_number_of_offenders():
    f = run(offenders=[offender("P1", 40), offender("P2", 35)])
    assert primary_is(f, "166", 1) and f.primary.items == [], summary(f)
    # "did they act together, and by prior agreement?" (group / group_prior_conspiracy)
    assert any(m.startswith("circumstances.group") for m in missing(f)), missing(f)


def test_s4_official_without_flag_is_a_missing_fact_not_an_item():
    f = run(offender={"official": True})
    assert primary_is(f, "166", 1) and f.primary.items == []
    assert "circumstances.official_position_used" in missing(f)


@pytest.mark.parametrize(
    "flags, part, item",
    [
        (["group", "group_prior_conspiracy"], 2, 3),
        (["group", "organised_group"], 3, 4),
        (["group_prior_conspiracy", "organised_group"], 3, 4),
        (["organised_group", "criminal_community"], 3, 5),
        (["group", "group_prior_conspiracy", "organised_group", "criminal_community"], 3, 5),
    ],
)
def test_s4_most_serious_group_flag_governs(flags, part, item):
    f = run(circumstances=flags)
    assert primary_is(f, "166", part), summary(f)
    assert f.primary.items == [item]


def test_s4_pregnant_without_offender_knew_pregnant_item_counts_with_warning_and_missing_fact():
    f = run(victim={"pregnant": True})
    assert primary_is(f, "166", 3) and f.primary.items == [1], summary(f)
    assert "circumstances.offender_knew_pregnant" in missing(f)
    assert any("pregnan" in w.lower() for w in f.warnings), f.warnings


def test_s4_pregnant_with_offender_knew_pregnant_no_warning():
    f = run(victim={"pregnant": True}, circumstances=["offender_knew_pregnant"])
    assert primary_is(f, "166", 3)
    assert "circumstances.offender_knew_pregnant" not in missing(f)
    assert not any("pregnan" in w.lower() for w in f.warnings)


def test_s4_items_of_lower_parts_appear_among_elements():
    f = run(circumstances=["organised_group", "crossed_state_border"])
    q = f.primary
    assert (q.article, q.part, q.items) == ("166", 3, [4])
    assert element(q, "part 2 item 5").status == "met"


@pytest.mark.parametrize("means", ["force", "threat"])
def test_s4_R_NONDANGEROUS_force_or_threat_counts_as_non_dangerous(means):
    f = run(**{**LABOUR_170, "means": [means]})
    q = qual(f, "170", role="primary")
    assert (q.part, q.items) == (2, [4])
    assert "R-NONDANGEROUS" in q.readings and q.interpretation
    assert "circumstances.dangerous_violence" in missing(f)  # it decides 170(2)4


def test_s4_dangerous_violence_excludes_170_2_4():
    f = run(**{**LABOUR_170, "means": ["force"], "circumstances": LABOUR_170["circumstances"] + ["dangerous_violence"]})
    assert primary_is(f, "170", 1) and f.primary.items == [], summary(f)


def test_s4_dangerous_violence_alone_makes_159_contested_R_DANGEROUS_VIOLENCE():
    """v4: dangerous force or threat is no 159(1) means; 159 on it alone is `alternative` (the
    rival view: the greater violence includes the lesser), never primary."""
    base = dict(acts=[], means=["force"], purposes=["prostitution"], exploitation=["prostitution"])
    assert primary_is(run(**base), "159", 1)
    f = run(**base, circumstances=["dangerous_violence"])
    q = qual(f, "159")
    assert q.role == "alternative" and "R-DANGEROUS-VIOLENCE" in q.readings and q.interpretation, summary(f)
    assert f.primary is None
    assert "130" in text(f) and "139" in text(f)  # the harm to health is named, outside the rule base


def test_s4_dangerous_violence_is_a_cc_means_for_166():
    f = run(means=["force"], circumstances=["dangerous_violence"])
    assert primary_is(f, "166", 1)


def test_s4_170_base_needs_ownership_and_no_refusal_with_labour_carried_out():
    assert primary_is(run(**LABOUR_170), "170", 1)
    assert primary_is(run(**{**LABOUR_170, "exploitation": ["forced_services"]}), "170", 1)
    assert not quals(run(**{**LABOUR_170, "exploitation": []}), "170")
    assert not quals(run(**{**LABOUR_170, "circumstances": ["ownership_powers_exercised"]}), "170")


OTHER_TABLE = [
    # (id, kw, article, part) — the "others" column: the article the fact makes out, as primary
    ("brothel", dict(**NO_ACT, circumstances=["brothel_organised"]), "160", 1),
    ("procuring", dict(**NO_ACT, circumstances=["procuring"]), "160", 1),
    ("pimping", dict(**NO_ACT, circumstances=["pimping"]), "160", 1),
    ("brothel-child", dict(**NO_ACT, victim_age=15, circumstances=["brothel_organised"]), "160", 2),
    ("prostitution+deception", dict(acts=[], means=["deception"], purposes=[], exploitation=["prostitution"]), "159", 1),
    ("prostitution+blackmail-child", dict(victim_age=15, acts=[], means=["blackmail"], purposes=["prostitution"]), "159", 3),
    ("illegal_entry", dict(**NO_ACT, circumstances=["illegal_entry_or_exit_organised"]), "168", 1),
    ("illegal_entry-child", dict(**NO_ACT, victim_age=15, circumstances=["illegal_entry_or_exit_organised"]), "168", 2),
    ("abduction+marriage", BRIDE_KIDNAPPING, "172", 1),
    ("abduction+marriage-child", dict(**BRIDE_KIDNAPPING, victim_age=17), "172", 2),
    ("forced_marriage-child", dict(victim_age=15, acts=[], means=["coercion"], purposes=["forced_marriage"]), "173", None),
    ("forced_marriage-adult", FORCED_MARRIAGE_ADULT, "174", None),
    (
        "kidnapping",
        dict(acts=["transportation"], means=["abduction"], purposes=[], circumstances=["held_against_will"]),
        "165",
        1,
    ),
    ("held", dict(**NO_ACT, circumstances=["held_against_will"]), "169", 1),
    ("sexual_acts-under_16", dict(**NO_ACT, victim_age=15, circumstances=["sexual_acts_with_victim"]), "157", None),
    ("begging-child", dict(victim_age=10, **NO_ACT, exploitation=["begging"], offender={"relation": "none"}), "181", 1),
    ("begging-child-parent", dict(victim_age=10, **NO_ACT, exploitation=["begging"], offender={"relation": "parent"}), "181", 2),
    (
        "criminal_activity-child",
        dict(victim_age=15, acts=[], means=[], purposes=["criminal_activity"], offender={"relation": "none"}),
        "180",
        1,
    ),
    (
        "armed_conflict+border-child",
        dict(victim_age=15, acts=[], means=[], purposes=["armed_conflict"], circumstances=["crossed_state_border"]),
        "182",
        1,
    ),
    (
        "fraud",
        dict(acts=[], means=["deception"], purposes=[], circumstances=["property_obtained_by_deception"], damage_ci=150),
        "209",
        2,
    ),
    (
        "commercial_adoption-child",
        dict(victim_age=2, acts=[], means=[], purposes=["commercial_adoption"], offender={"adoption_intermediary": True}),
        "185",
        None,
    ),
]


@pytest.mark.parametrize("kw, article, part", [r[1:] for r in OTHER_TABLE], ids=[r[0] for r in OTHER_TABLE])
def test_s4_fact_makes_other_article(kw, article, part):
    f = run(**kw)
    assert primary_is(f, article, part), summary(f)


def test_s4_sexual_acts_need_victim_under_16():
    f = run(**NO_ACT, victim_age=16, circumstances=["sexual_acts_with_victim"])
    assert not quals(f, "157")


def test_s4_pornography_child_victim_is_162():
    f = run(victim_age=15, acts=[], means=[], purposes=["pornography"], offender={"relation": "none"})
    assert f.primary is not None and f.primary.article == "162" and f.primary.part in (1, 2), summary(f)


def test_s4_online_and_for_profit_have_no_legal_effect():
    plain = run()
    flagged = run(circumstances=["online", "for_profit"])
    assert [(q.article, q.part, q.items, q.role) for q in flagged.qualifications] == [
        (q.article, q.part, q.items, q.role) for q in plain.qualifications
    ]


# =============================================================================================
# Section 5. Choosing articles and roles


def test_s5_rule1_adult_act_cc_means_purpose_166_highest_part():
    assert primary_is(run(), "166", 1)
    assert primary_is(run(circumstances=["group"]), "166", 2)
    f = run(circumstances=["group", "harm_grave"])
    assert primary_is(f, "166", 3) and f.primary.items == [3]


def test_s5_rule2_child_victim_167_primary_166_4_competing():
    f = run(**CHILD_NO_MEANS)
    assert primary_is(f, "167", 1), summary(f)
    assert "R-167-SPECIAL" in f.primary.readings
    q = qual(f, "166", role="competing", part=4)
    assert "167" in q.reason
    # the reason compares the penalties
    assert q.penalty in q.reason and f.primary.penalty in q.reason, q.reason


def test_s5_rule2_child_victim_with_cc_means_166_1_3_competing():
    f = run(victim_age=15, circumstances=["group"])
    assert primary_is(f, "167", 2), summary(f)
    q = qual(f, "166", role="competing")
    assert q.part == 2 and q.items == [2]
    assert "167" in q.reason and q.penalty in q.reason and f.primary.penalty in q.reason


def test_s5_rule3_offender_14_15_child_no_means_166_4_and_means_missing():
    f = run(**CHILD_NO_MEANS, offender_age=15)
    assert primary_is(f, "166", 4), summary(f)
    assert qual(f, "167").role == "excluded"
    assert has_missing(f, "means")


def test_s5_rule3_offender_14_15_child_with_cc_means_166_1_to_3():
    f = run(victim_age=15, offenders=[offender("P1", 15), offender("P2", 14)], circumstances=["group"])
    assert primary_is(f, "166", 2) and f.primary.items == [2], summary(f)
    assert qual(f, "167").role == "excluded"
    assert not has_missing(f, "means")


def test_s5_rule3_offender_under_14_all_excluded_victim_still_victim():
    f = run(**CHILD_NO_MEANS, offender_age=13, **offence(instrument="CC", article="378", part=1, caused_by_trafficking=True))
    assert f.qualifications and all(q.role == "excluded" for q in f.qualifications)
    assert np_for(f, "378").applies == "yes"


@pytest.mark.parametrize("purposes", [[], ["commercial_adoption"], ["criminal_activity"], ["forced_labour"]])
@pytest.mark.parametrize("act", ["sale", "purchase"])
def test_s5_rule4_sale_of_child_by_offender_16_plus_is_167_whatever_the_purpose(act, purposes):
    f = run(victim_age=10, acts=[act], means=[], purposes=purposes)
    q = qual(f, "167", role="primary")
    assert "R-167-SALE" in q.readings or purposes == ["forced_labour"]
    assert q.interpretation
    # the rule overrides R-LAW55-PURPOSE and the finding keeps its role
    assert not quals(f, "167", role="alternative") and "R-LAW55-PURPOSE" not in q.readings


def test_s5_rule4_sale_of_child_by_offender_14_15_with_cc_purpose_follows_rule3():
    f = run(victim_age=10, acts=["sale"], means=[], purposes=["forced_labour"], offender_age=15)
    assert primary_is(f, "166", 4), summary(f)
    assert qual(f, "167").role == "excluded"


def test_s5_rule4_sale_of_child_by_offender_14_15_no_purpose_no_trafficking_finding():
    f = run(victim_age=10, acts=["sale"], means=[], purposes=[], offender_age=15)
    # "no trafficking finding": 167 may appear only as excluded for capacity (section 2)
    assert not [q for q in f.qualifications if q.article in TRAFFICKING and q.role != "excluded"], summary(f)
    assert has_missing(f, "purposes")


def test_s5_rule4_sale_of_child_by_offender_14_15_law55_purpose_no_trafficking_finding():
    f = run(victim_age=10, acts=["sale"], means=[], purposes=["commercial_adoption"], offender_age=15)
    assert not [q for q in f.qualifications if q.article in TRAFFICKING and q.role != "excluded"], summary(f)
    assert has_missing(f, "purposes")


def test_s5_rule4_185_listed_where_its_facts_are_present():
    """v4: art. 185 is the unauthorised intermediary's crime only, concurrent beside 167."""
    f = run(victim_age=2, acts=["sale"], means=[], purposes=["commercial_adoption"], offender={"adoption_intermediary": True})
    assert primary_is(f, "167")
    assert qual(f, "185").role == "concurrent", summary(f)


def test_v4_185_never_for_the_parent_or_the_buyer_and_the_intermediary_is_asked_for():
    f = run(
        victim_age=2,
        acts=["sale", "purchase"],
        means=[],
        purposes=["commercial_adoption"],
        offenders=[offender("P1", 30, relation="parent"), offender("P2", 44)],
    )
    assert primary_is(f, "167", 3)
    assert not quals(f, "185"), summary(f)
    q = [m for m in f.missing_facts if m.fact == "offenders" and "CC art. 185" in m.affects]
    assert q and "not the parent" in q[0].question  # asked of someone else, never of the parent or the buyer


def test_s5_rule5_1_exploitation_without_act_170_primary_acts_missing():
    f = run(**{**LABOUR_170, "means": ["coercion"]})
    assert primary_is(f, "170", 1), summary(f)
    assert has_missing(f, "acts")


def test_s5_rule5_1_exploitation_with_only_an_alternative_trafficking_finding():
    f = run(means=["abuse_of_vulnerability"], exploitation=["forced_labour"], circumstances=LABOUR_170["circumstances"])
    assert qual(f, "166").role == "alternative"
    assert primary_is(f, "170", 1), summary(f)


def test_s5_rule5_1_most_serious_exploitation_article_primary():
    # 160(1) (up to 7) before 159(1) (up to 5)
    f = run(acts=[], means=["deception"], purposes=[], exploitation=["prostitution"], circumstances=["pimping"])
    assert primary_is(f, "160", 1), summary(f)
    assert qual(f, "159").role == "concurrent"


@pytest.mark.parametrize(
    "article, kw",
    [
        ("170", dict(exploitation=["forced_labour"], circumstances=LABOUR_170["circumstances"])),
        ("159", dict(purposes=["prostitution"], exploitation=["prostitution"])),
        ("160", dict(purposes=["prostitution"], exploitation=["prostitution"], circumstances=["pimping"])),
        ("162", dict(**CHILD_NO_MEANS, purposes=["pornography"], exploitation=["pornography"], offender={"relation": "none"})),
        ("181", dict(**CHILD_NO_MEANS, purposes=["begging"], exploitation=["begging"], offender={"relation": "none"})),
        (
            "180",
            dict(victim_age=15, purposes=["forced_services"], exploitation=["criminal_activity"], offender={"relation": "none"}),
        ),
        ("157", dict(**CHILD_NO_MEANS, purposes=["sexual_exploitation"], circumstances=["sexual_acts_with_victim"])),
    ],
)
def test_s5_rule5_2_trafficking_plus_exploitation_carried_out_concurrent_R_AGGREGATE(article, kw):
    f = run(**kw)
    assert f.primary is not None and f.primary.article in TRAFFICKING, summary(f)
    q = qual(f, article)
    assert q.role == "concurrent", summary(f)
    assert "R-AGGREGATE" in q.readings and q.interpretation


@pytest.mark.parametrize(
    "article, kw",
    [
        ("159", dict(purposes=["prostitution"])),
        ("160", dict(purposes=["prostitution"], circumstances=["pimping"])),
        ("162", dict(**CHILD_NO_MEANS, purposes=["pornography"], offender={"relation": "none"})),
        ("181", dict(**CHILD_NO_MEANS, purposes=["begging"], offender={"relation": "none"})),
        ("180", dict(victim_age=15, purposes=["forced_services", "criminal_activity"], offender={"relation": "none"})),
    ],
)
def test_s5_rule5_2_exploitation_only_intended_excluded_as_covered(article, kw):
    f = run(**kw)
    assert f.primary is not None and f.primary.article in TRAFFICKING, summary(f)
    q = qual(f, article)
    assert q.role == "excluded", summary(f)
    assert "22" in q.reason


@pytest.mark.parametrize(
    "article, kw",
    [
        (
            "172",
            dict(
                acts=["transportation"], means=["abduction"], purposes=["sexual_exploitation"], circumstances=["marriage_purpose"]
            ),
        ),
        ("173", dict(victim_age=15, means=["coercion"], purposes=["sexual_exploitation", "forced_marriage"])),
        ("174", dict(means=["coercion"], purposes=["sexual_exploitation", "forced_marriage"])),
    ],
)
def test_s5_rule5_2_marriage_articles_concurrent_with_trafficking(article, kw):
    f = run(**kw)
    assert f.primary is not None and f.primary.article in TRAFFICKING, summary(f)
    assert qual(f, article).role == "concurrent", summary(f)


KIDNAP = dict(acts=["transportation"], means=["abduction"], circumstances=["held_against_will"])


def test_s5_rule5_3_165_concurrent_when_166_part_max_below_165_part_max():
    f = run(**KIDNAP)  # 166(1) max 6 < 165(1) max 7
    assert primary_is(f, "166", 1)
    assert qual(f, "165").role == "concurrent", summary(f)


def test_s5_rule5_3_165_excluded_when_abduction_was_means_and_166_max_at_least_165_max():
    # pregnant victim: 166(3) item 1 (max 11) and 165(2) (max 10)
    f = run(**{**KIDNAP, "circumstances": KIDNAP["circumstances"] + ["offender_knew_pregnant"]}, victim={"pregnant": True})
    assert primary_is(f, "166", 3)
    q = qual(f, "165")
    assert q.part == 2
    assert q.role == "excluded", summary(f)
    assert "22" in q.reason


def test_s5_rule5_3_169_excluded_when_force_was_the_166_means():
    f = run(acts=["harbouring"], means=["force"], circumstances=["held_against_will"])  # 169(1) max 2
    assert primary_is(f, "166", 1)
    assert qual(f, "169").role == "excluded", summary(f)


def test_s5_rule5_3_169_concurrent_when_neither_abduction_nor_force_was_the_means():
    f = run(acts=["harbouring"], means=["deception"], circumstances=["held_against_will"])
    assert primary_is(f, "166", 1)
    assert qual(f, "169").role == "concurrent", summary(f)


def test_s5_rule5_3_165_and_169_concurrent_alongside_167_R_ABSORB():
    f = run(victim_age=15, **KIDNAP)
    assert primary_is(f, "167")
    q = qual(f, "165")
    assert q.role == "concurrent" and "R-ABSORB" in q.readings, summary(f)
    f = run(victim_age=15, acts=["harbouring"], means=["force"], circumstances=["held_against_will"])
    q = qual(f, "169")
    assert q.role == "concurrent" and "R-ABSORB" in q.readings, summary(f)


def test_s5_rule5_4_172_special_to_165_general_competing_169_excluded():
    f = run(**BRIDE_KIDNAPPING)
    assert primary_is(f, "172", 1), summary(f)
    q165 = qual(f, "165")
    assert q165.role == "competing" and "172" in q165.reason
    assert qual(f, "169").role == "excluded"


def test_s5_rule5_4_173_special_to_174_for_a_child():
    f = run(victim_age=15, acts=[], means=["coercion"], purposes=["forced_marriage"])
    assert primary_is(f, "173"), summary(f)
    q = qual(f, "174")
    assert q.role == "competing" and "173" in q.reason
    assert any("174" in w for w in f.warnings), f.warnings  # a registered marriage would be 174


def test_s5_rule5_4_169_excluded_alongside_165():
    f = run(**{**KIDNAP, "purposes": []})
    assert primary_is(f, "165", 1)
    assert qual(f, "169").role == "excluded", summary(f)


def test_s5_rule5_5_168_excluded_when_border_item_in_trafficking():
    f = run(circumstances=["crossed_state_border", "illegal_entry_or_exit_organised"])
    assert primary_is(f, "166", 2) and 5 in f.primary.items
    assert qual(f, "168").role == "excluded", summary(f)
    f = run(**CHILD_NO_MEANS, circumstances=["crossed_state_border", "illegal_entry_or_exit_organised"])
    assert primary_is(f, "167", 2) and 6 in f.primary.items
    assert qual(f, "168").role == "excluded", summary(f)


def test_s5_rule5_5_168_concurrent_without_border_item():
    f = run(circumstances=["illegal_entry_or_exit_organised"])
    assert primary_is(f, "166", 1)
    assert qual(f, "168").role == "concurrent", summary(f)


def test_s5_rule5_5_209_concurrent_only_with_damage_ci():
    f = run(circumstances=["property_obtained_by_deception"], damage_ci=150)
    assert qual(f, "209").role == "concurrent", summary(f)
    f = run(circumstances=["property_obtained_by_deception"])
    assert qual(f, "209").role == "excluded", summary(f)


def test_s5_rule5_6_illegal_migration_without_means_and_purpose_is_168():
    f = run(acts=["transportation"], means=[], purposes=[], circumstances=["illegal_entry_or_exit_organised"])
    assert primary_is(f, "168", 1), summary(f)


@pytest.mark.parametrize("damage_ci, part", [(150, 2), (11000, 3), (30000, 4)])
def test_s5_rule5_6_fraud_without_exploitation_is_209_part_by_amount(damage_ci, part):
    f = run(acts=[], means=["deception"], purposes=[], circumstances=["property_obtained_by_deception"], damage_ci=damage_ci)
    assert primary_is(f, "209", part), summary(f)


@pytest.mark.parametrize("age, part", [(25, 1), (17, 2)])
def test_s5_rule5_7_bride_kidnapping_is_172_not_trafficking(age, part):
    f = run(**BRIDE_KIDNAPPING, victim_age=age)
    assert primary_is(f, "172", part), summary(f)
    assert not [q for q in f.qualifications if q.article in TRAFFICKING]


@pytest.mark.parametrize("age", [25, 17])
def test_s5_rule5_7_payment_to_relative_without_purpose_adds_purposes_never_trafficking(age):
    kw = {**BRIDE_KIDNAPPING, "means": ["abduction", "payment_to_controller"]}
    f = run(**kw, victim_age=age)
    assert primary_is(f, "172"), summary(f)
    assert not [q for q in f.qualifications if q.article in TRAFFICKING], summary(f)
    assert has_missing(f, "purposes")


def test_s5_rule5_7_bride_kidnapping_with_exploitation_purpose_is_trafficking():
    f = run(**{**BRIDE_KIDNAPPING, "purposes": ["forced_marriage", "sexual_exploitation"]})
    assert primary_is(f, "166"), summary(f)
    assert qual(f, "172").role == "concurrent"


def test_s5_rule5_8_nothing_made_out_no_qualification_missing_facts_say_what_lacks():
    f = run(means=[], purposes=[])
    assert f.qualifications == []
    assert f.primary is None
    assert has_missing(f, "purposes")


def test_s5_roles_at_most_one_primary_and_one_whenever_something_is_made_out():
    for kw in CORPUS:
        f = run(**kw)
        ps = primaries(f)
        assert len(ps) <= 1, (kw, summary(f))
        made_out = [q for q in f.qualifications if q.role not in ("alternative", "competing", "excluded")]
        assert bool(made_out) == bool(ps), (kw, summary(f))


def test_s5_excluded_reason_capacity_first_when_both_hold():
    # 159/160 are both beyond a 15-year-old's capacity and covered by the intended purpose
    f = run(victim_age=15, offender_age=15, purposes=["prostitution"], circumstances=["pimping"])
    for article in ("159", "160"):
        q = qual(f, article)
        assert q.role == "excluded"
        assert "28" in q.reason, q.reason


def test_s5_rule6_trafficking_first_R_TRAFFICKING_FIRST():
    # 160(1) has the higher maximum (7 > 6) but trafficking is primary
    f = run(purposes=["prostitution"], exploitation=["prostitution"], circumstances=["pimping"])
    assert primary_is(f, "166", 1), summary(f)
    assert "R-TRAFFICKING-FIRST" in f.primary.readings
    assert qual(f, "160").role == "concurrent"


def test_s5_rule6_among_trafficking_findings_higher_maximum_primary_others_concurrent_naming_victims():
    f = run(victims=[victim("V1", 25), victim("V2", 15)])  # 167(1) max 8 > 166(1) max 6
    assert primary_is(f, "167", 1) and f.primary.victims == ["V2"], summary(f)
    q = [q for q in f.qualifications if q.article == "166" and q.role == "concurrent"]
    assert len(q) == 1 and q[0].victims == ["V1"]
    assert "V1" in q[0].reason


def test_s5_rule6_among_trafficking_findings_higher_minimum_on_equal_maximum():
    f = run(victims=[victim("V1", 25), victim("V2", 30), victim("V3", 15)])  # 166(2) 6-8 vs 167(1) 5-8
    assert primary_is(f, "166", 2), summary(f)
    q = qual(f, "167", role="concurrent")
    assert "V3" in q.reason


def test_s5_rule6_among_trafficking_findings_167_before_166_on_equal_penalties():
    # 166(3) (pregnant adult) and 167(2) (child, significant harm): both 8-11
    f = run(
        victims=[victim("V1", 25, pregnant=True), victim("V2", 15)],
        circumstances=["harm_significant", "offender_knew_pregnant"],
    )
    assert primary_is(f, "167", 2), summary(f)
    assert qual(f, "166", part=3).role == "concurrent"


def test_s5_rule6_concurrent_trafficking_reason_names_offenders():
    f = run(**CHILD_NO_MEANS, offenders=[offender("P1", 40), offender("P2", 15)])
    q = [q for q in f.qualifications if q.role == "concurrent" and q.article == "166"]
    assert len(q) == 1 and q[0].offenders == ["P2"], summary(f)
    assert "P2" in q[0].reason


def test_s5_rule6_among_the_rest_higher_maximum_first():
    f = run(acts=[], means=["deception"], purposes=[], exploitation=["prostitution"], circumstances=["pimping"])
    assert primary_is(f, "160", 1)  # 160(1) up to 7 over 159(1) up to 5


def test_s5_rule6_among_the_rest_higher_minimum_on_equal_maximum():
    # 168(1) 3-5 and 169(2) 2-5 (dangerous violence)
    f = run(**NO_ACT, circumstances=["illegal_entry_or_exit_organised", "held_against_will", "dangerous_violence"])
    assert primary_is(f, "168", 1), summary(f)
    assert qual(f, "169", part=2).role == "concurrent"


def test_s5_rule6_special_norm_first_among_the_rest():
    # 172(1) and 165(1) both carry 5-7: the special norm is primary
    f = run(**BRIDE_KIDNAPPING)
    assert primary_is(f, "172", 1)


def test_s5_rule6_alternative_neither_takes_nor_blocks_primary():
    f = run(means=["abuse_of_power"], exploitation=["forced_labour"], circumstances=LABOUR_170["circumstances"])
    assert qual(f, "166").role == "alternative"
    assert primary_is(f, "170"), summary(f)


def test_s5_rule6_only_alternative_findings_no_primary_and_warning_says_why():
    f = run(means=["abuse_of_power"])
    assert f.primary is None and roles(f, "166") == {"alternative"}
    assert any("contested" in w.lower() for w in f.warnings), f.warnings


# =============================================================================================
# Section 6. Misclassification


def test_s6_trafficking_not_charged_high_when_primary():
    f = run(**record(charges=[charge("168", 1)]))
    m = mis(f, "trafficking_not_charged")
    assert m.severity == "high"
    assert (m.charged.article, m.charged.part) == ("168", 1)
    assert (m.suggested.article, m.suggested.part) == ("166", 1)
    assert m.explanation


def test_s6_trafficking_not_charged_medium_when_alternative():
    f = run(means=["abuse_of_power"], **record(charges=[charge("160", 1)]))
    m = mis(f, "trafficking_not_charged")
    assert m.severity == "medium"


@pytest.mark.parametrize(
    "date, ch",
    [
        ("2024-09-01", charge("166", 1)),
        ("2024-09-01", charge("167", 1)),
        ("2020-06-01", charge("171", instrument="CC2017")),
        ("2015-06-01", charge("124", instrument="CC1997")),
    ],
)
def test_s6_no_trafficking_not_charged_when_a_trafficking_article_is_charged(date, ch):
    f = run(offence_date=date, **record(charges=[charge("160", 1), ch]))
    assert not [m for m in f.misclassification if m.kind == "trafficking_not_charged"]


def test_s6_trafficking_not_charged_compares_instrument_and_article():
    f = run(**record(charges=[charge("171")]))  # CC 2021 art. 171 is not trafficking
    assert mis(f, "trafficking_not_charged").severity == "high"


def test_s6_wrong_article_child_victim_charged_166_when_167_applies():
    """v4: medium — the suggestion rests on R-167-SPECIAL, whose rival view supports the 166(4) charge."""
    f = run(**CHILD_NO_MEANS, **record(charges=[charge("166", 4)]))
    m = mis(f, "wrong_article")
    assert m.severity == "medium" and m.interpretation
    assert (m.suggested.article, m.suggested.part) == ("167", 1)
    assert "defensible" in m.explanation and "R-167-SPECIAL" in m.explanation


def test_v4_wrong_article_high_for_a_166_charge_of_a_child_sale():
    f = run(victim_age=12, acts=["sale"], means=[], purposes=["forced_labour"], **record(charges=[charge("166", 4)]))
    m = mis(f, "wrong_article")
    assert m.severity == "high" and (m.suggested.article, m.suggested.part) == ("167", 3)


def test_s6_wrong_article_167_charged_against_offender_aged_14_15():
    f = run(**CHILD_NO_MEANS, offender_age=15, **record(charges=[charge("167", 1)]))
    m = mis(f, "wrong_article")
    assert m.severity == "high"
    assert (m.suggested.article, m.suggested.part) == ("166", 4)


def test_s6_wrong_part_lower_than_facts_make_out():
    f = run(circumstances=["organised_group"], **record(charges=[charge("166", 1)]))
    m = mis(f, "wrong_part")
    assert m.severity == "medium"
    assert (m.suggested.article, m.suggested.part) == ("166", 3)


def test_s6_wrong_part_higher_than_facts_support():
    f = run(**record(charges=[charge("166", 3)]))
    m = mis(f, "wrong_part")
    assert m.severity == "medium"
    assert (m.suggested.article, m.suggested.part) == ("166", 1)


def test_s6_overcharged_low_and_missing_fact_names_the_element():
    f = run(means=[], **record(charges=[charge("166", 1)]))
    m = mis(f, "overcharged")
    assert m.severity == "low"
    assert has_missing(f, "means")


def test_s6_victim_punished_high_when_non_punishment_yes():
    f = run(
        **offence(instrument="CC", article="378", part=1, caused_by_trafficking=True),
        **record(charges=[charge("166", 1)], victim_charged_with=[{"victim": "V1", **charge("378", 1)}]),
    )
    m = mis(f, "victim_punished")
    assert m.severity == "high" and m.suggested is None
    assert any("offender" in c.lower() for c in m.consequences)


def test_s6_victim_punished_medium_when_non_punishment_unclear():
    f = run(
        **offence(instrument="CC", article="379", part=3, caused_by_trafficking=True),  # grave -> unclear
        **record(charges=[charge("166", 1)], victim_charged_with=[{"victim": "V1", **charge("379", 3)}]),
    )
    assert np_for(f, "379").applies == "unclear"
    m = mis(f, "victim_punished")
    assert m.severity == "medium" and m.suggested is None


def test_s6_no_victim_punished_when_non_punishment_no():
    f = run(
        **offence(instrument="CC", article="378", part=1, caused_by_trafficking=False),
        **record(charges=[charge("166", 1)], victim_charged_with=[{"victim": "V1", **charge("378", 1)}]),
    )
    assert not [m for m in f.misclassification if m.kind == "victim_punished"]


@pytest.mark.parametrize(
    "ch, lower, reconciliation",
    [
        (charge("168", 1), True, True),  # max 5 < 6; less grave
        (charge("169", 1), True, True),  # max 2 < 6; less grave
        (charge("160", 1), False, False),  # max 7 >= 6; grave
        (charge("165", 1), False, False),  # max 7 >= 6; grave
        (charge("109", instrument="CoO"), True, True),  # a CoO charge counts as minor
    ],
)
def test_s6_consequences_only_where_true_trafficking_not_charged(ch, lower, reconciliation):
    f = run(**record(charges=[ch]))
    m = mis(f, "trafficking_not_charged")
    assert status_consequence(m)
    assert any("non-punishment" in c.lower() for c in m.consequences)
    assert lower_penalty_consequence(m) is lower, m.consequences
    assert reconciliation_consequence(m) is reconciliation, m.consequences


def test_s6_consequences_wrong_part_lower_only_penalty():
    f = run(circumstances=["organised_group"], **record(charges=[charge("166", 1)]))
    m = mis(f, "wrong_part")
    assert lower_penalty_consequence(m)
    assert not reconciliation_consequence(m)  # 166(1) is grave
    assert not status_consequence(m)  # a trafficking article was charged


def test_s6_consequences_wrong_part_higher_none_of_the_penalty_kind():
    m = mis(run(**record(charges=[charge("166", 3)])), "wrong_part")
    assert not lower_penalty_consequence(m) and not reconciliation_consequence(m) and not status_consequence(m)


def test_s6_consequences_wrong_article_166_4_charged_for_167():
    m = mis(run(**CHILD_NO_MEANS, **record(charges=[charge("166", 4)])), "wrong_article")
    assert lower_penalty_consequence(m)  # 5 < 8
    assert reconciliation_consequence(m)  # 166(4) is less grave
    assert not status_consequence(m)


def test_s6_consequences_wrong_article_167_charged_for_166_4_none():
    m = mis(run(**CHILD_NO_MEANS, offender_age=15, **record(charges=[charge("167", 1)])), "wrong_article")
    assert not lower_penalty_consequence(m) and not reconciliation_consequence(m)


# =============================================================================================
# Section 7. Prosecution and reconciliation


def test_s7_mode_per_qualification_follows_gravity():
    for kw in CORPUS:
        f = run(**kw)
        for q in f.qualifications:
            if q.gravity is None:
                continue
            expected = "private_public" if q.gravity in LESSER else "public"
            assert q.prosecution == expected, (kw, q.article, q.part, q.gravity, q.prosecution)


@pytest.mark.parametrize(
    "kw, mode",
    [
        ({}, "public"),  # 166(1) grave
        (dict(**CHILD_NO_MEANS, offender_age=15), "private_public"),  # 166(4) less grave
        (FORCED_MARRIAGE_ADULT, "private_public"),  # 174 less grave
        (dict(**NO_ACT, circumstances=["illegal_entry_or_exit_organised"]), "private_public"),  # 168(1)
        (
            dict(acts=[], means=["deception"], purposes=[], circumstances=["property_obtained_by_deception"], damage_ci=30000),
            "public",
        ),
    ],
)
def test_s7_case_mode_per_gravity(kw, mode):
    f = run(**kw)
    assert f.prosecution.mode == mode, summary(f)
    assert any("CPC art. 24" in b for b in f.prosecution.basis), f.prosecution.basis


def test_s7_case_mode_public_if_any_primary_or_concurrent_is_public():
    f = run(**CHILD_NO_MEANS, offenders=[offender("P1", 40), offender("P2", 15)])  # 167(1) + 166(4) concurrent
    assert {q.prosecution for q in f.qualifications if q.role in ("primary", "concurrent")} == {"public", "private_public"}
    assert f.prosecution.mode == "public"


def test_s7_case_mode_private_public_when_all_primary_and_concurrent_are():
    f = run(**NO_ACT, circumstances=["illegal_entry_or_exit_organised", "held_against_will"])  # 168(1) + 169(1)
    assert f.prosecution.mode == "private_public", summary(f)


def test_s7_case_mode_computed_from_alternative_findings_when_no_primary():
    f = run(means=["abuse_of_power"])  # 166(1) alternative, grave
    assert f.primary is None and f.prosecution.mode == "public"
    f = run(**CHILD_NO_MEANS, offender_age=15, purposes=["criminal_activity"])  # 166(4) alternative
    assert qual(f, "166").role == "alternative"
    assert f.prosecution.mode == "private_public"


@pytest.mark.parametrize(
    "kw",
    [dict(means=[], purposes=[]), dict(offender_age=13)],
    ids=["nothing", "only-excluded"],
)
def test_s7_null_mode_when_nothing_is_made_out(kw):
    f = run(**kw)
    assert f.prosecution.mode is None and f.prosecution.reconciliation_permitted is None


def test_s7_reconciliation_permitted_with_basis_conditions():
    f = run(**FORCED_MARRIAGE_ADULT)  # 174, no record: taken as opened on an application
    assert f.prosecution.reconciliation_permitted is True
    basis = " ".join(f.prosecution.basis)
    assert "505" in basis and "57" in basis
    assert "agree" in basis and "compensated" in basis and "society" in basis


def test_s7_no_reconciliation_for_a_public_case():
    assert run().prosecution.reconciliation_permitted is False


def test_s7_no_reconciliation_with_organised_group_or_criminal_community():
    for flag in ("organised_group", "criminal_community"):
        f = run(**FORCED_MARRIAGE_ADULT, circumstances=[flag])
        assert f.prosecution.mode == "private_public", summary(f)
        assert f.prosecution.reconciliation_permitted is False
        assert any("57 part 2" in b or "27 part 5 item 2" in b for b in f.prosecution.basis), f.prosecution.basis


def test_s7_no_reconciliation_when_opened_without_victim_application():
    f = run(**FORCED_MARRIAGE_ADULT, **record(opened_on_victim_complaint=False))
    assert f.prosecution.reconciliation_permitted is False
    assert any("27 part 5 item 1" in b for b in f.prosecution.basis)


def test_s7_166_4_child_helpless_no_reconciliation():
    f = run(**CHILD_NO_MEANS, offender_age=15)
    assert f.prosecution.mode == "private_public"
    assert f.prosecution.reconciliation_permitted is False
    assert "R-CHILD-HELPLESS" in f.prosecution.basis
    assert any("24 part 3" in b for b in f.prosecution.basis)


def test_s7_166_4_opened_on_victim_complaint_reconciliation_permitted_with_warning():
    f = run(**CHILD_NO_MEANS, offender_age=15, **record(opened_on_victim_complaint=True))
    assert f.prosecution.reconciliation_permitted is True
    w = [w for w in f.warnings if "57" in w and "OSCE" in w]
    assert w, f.warnings


def test_s7_dependent_victim_no_reconciliation_cpc_24_3():
    f = run(**FORCED_MARRIAGE_ADULT, victim={"dependent_on_offender": True})
    assert f.prosecution.mode == "private_public"
    assert f.prosecution.reconciliation_permitted is False
    assert any("24 part 3" in b for b in f.prosecution.basis), f.prosecution.basis


@pytest.mark.parametrize("recorded", ["private", "private_public"])
def test_s7_flag_recorded_private_for_a_public_case(recorded):
    f = run(**record(prosecution=recorded))
    assert "recorded_private" in f.prosecution.flags


def test_s7_no_flag_recorded_private_for_a_private_public_case():
    f = run(**FORCED_MARRIAGE_ADULT, **record(prosecution="private_public"))
    assert "recorded_private" not in f.prosecution.flags


def test_s7_record_private_notes_renumbering_art_23_to_24():
    f = run(**record(prosecution="private"))
    t = text(f)
    assert "art. 23" in t and "art. 24" in t


def test_s7_flag_opened_on_complaint_only_for_a_public_case():
    assert "opened_on_complaint_only" in run(**record(opened_on_victim_complaint=True)).prosecution.flags
    f = run(**FORCED_MARRIAGE_ADULT, **record(opened_on_victim_complaint=True))
    assert "opened_on_complaint_only" not in f.prosecution.flags


def test_s7_flag_reconciliation_not_permitted():
    assert "reconciliation_not_permitted" in run(**record(terminated_by_reconciliation=True)).prosecution.flags
    f = run(**CHILD_NO_MEANS, offender_age=15, **record(terminated_by_reconciliation=True, opened_on_victim_complaint=False))
    assert "reconciliation_not_permitted" in f.prosecution.flags
    f = run(**FORCED_MARRIAGE_ADULT, **record(terminated_by_reconciliation=True, opened_on_victim_complaint=True))
    assert f.prosecution.reconciliation_permitted is True
    assert "reconciliation_not_permitted" not in f.prosecution.flags


# =============================================================================================
# Section 8. Non-punishment


def test_s8_step1_not_a_trafficking_victim_no():
    f = run(means=[], **offence(instrument="CC", article="378", part=1, caused_by_trafficking=True))
    assert np_for(f, "378").applies == "no"


def test_s8_step1_contested_status_administrative_offence_yes():
    f = run(means=["abuse_of_power"], **offence(instrument="CoO", article="62", caused_by_trafficking=True))
    n = np_for(f, "62")
    assert n.applies == "yes"
    assert any("12" in b for b in n.basis)


@pytest.mark.parametrize("kw", [dict(means=["abuse_of_power"]), dict(purposes=["criminal_activity"])], ids=["palermo", "law55"])
def test_s8_step1_contested_status_criminal_offence_at_most_unclear(kw):
    f = run(**kw, **offence(instrument="CC", article="378", part=1, caused_by_trafficking=True))
    assert np_for(f, "378").applies == "unclear"


def test_s8_step2_victim_under_age_of_liability_for_crime_yes_basis_age():
    # 379(3) is grave (step 6 would say unclear) but a 15-year-old is not liable for it (CC art. 28)
    f = run(**CHILD_NO_MEANS, **offence(instrument="CC", article="379", part=3, caused_by_trafficking=True))
    n = np_for(f, "379")
    assert n.applies == "yes"
    assert "CC art. 28" in n.basis


def test_s8_step2_victim_under_16_for_administrative_offence_yes_coo_15():
    f = run(**CHILD_NO_MEANS, **offence(instrument="CoO", article="62", caused_by_trafficking=True))
    n = np_for(f, "62")
    assert n.applies == "yes"
    assert any("CoO art. 15" in b for b in n.basis)


def test_s8_step2_victim_aged_15_liable_for_art_28_2_crime():
    # 282 (capacity 14) is grave: a 15-year-old is liable, so step 6 decides -> unclear
    f = run(**CHILD_NO_MEANS, **offence(instrument="CC", article="282", part=1, caused_by_trafficking=True))
    assert np_for(f, "282").applies == "unclear"


def test_s8_step2_capacity_before_causation():
    f = run(**CHILD_NO_MEANS, **offence(instrument="CC", article="379", part=3, caused_by_trafficking=False))
    assert np_for(f, "379").applies == "yes"


def test_s8_step3_not_caused_by_trafficking_no():
    f = run(**offence(instrument="CC", article="378", part=1, caused_by_trafficking=False))
    assert np_for(f, "378").applies == "no"


def test_s8_step3_caused_by_trafficking_not_stated_unclear_and_missing_fact():
    # "not stated means not established": the step cannot be decided
    f = run(**offence(instrument="CC", article="378", part=1))
    assert np_for(f, "378").applies == "unclear"
    assert "victims[V1].offences[0].caused_by_trafficking" in missing(f)


@pytest.mark.parametrize(
    "o",
    [
        dict(instrument="CoO", article="62"),
        dict(instrument="CoM", article="122"),
        dict(instrument="other", kind="administrative", article="residence-registration"),
    ],
    ids=["CoO", "CoM", "other-administrative"],
)
def test_s8_step4_administrative_offence_yes_law55_art12_3(o):
    f = run(**offence(**o, caused_by_trafficking=True))  # the base victim is a citizen of the KR
    n = np_for(f, o["article"])
    assert n.applies == "yes"
    assert any("Law 55 art. 12" in b for b in n.basis), n.basis
    # v4: Law 55 art. 28(3) concerns foreign and stateless victims only: never cited for a citizen
    assert "28(3)" not in n.reason and not any("art. 28" in b for b in n.basis), n.basis


@pytest.mark.parametrize("citizenship", ["UZ", "stateless"])
def test_v4_law55_art28_3_for_a_foreign_or_stateless_victim(citizenship):
    o = {"instrument": "CoO", "article": "431", "caused_by_trafficking": True}
    f = run(victim={"citizenship": citizenship, "offences": [o]})
    n = np_for(f, "431")
    assert n.applies == "yes"
    assert "Law 55 art. 28 part 3" in n.basis and "28(3)" in n.reason


def test_v4_law55_art28_3_not_for_an_unknown_citizenship():
    o = {"instrument": "CoO", "article": "431", "caused_by_trafficking": True}
    f = run(victim={"citizenship": "unknown", "offences": [o]})
    assert "Law 55 art. 28 part 3" not in np_for(f, "431").basis


def test_s8_step5_less_grave_crime_non_punishment_yes():
    f = run(**offence(instrument="CC", article="379", part=2, caused_by_trafficking=True))
    n = np_for(f, "379")
    assert n.applies == "yes"
    basis = " ".join(n.basis)
    assert "166 note" in basis and "27 part 1 item 9" in basis and "art. 56" in basis


@pytest.mark.parametrize("years, applies", [(0, "yes"), (5, "yes"), (6, "unclear")])
def test_s8_step5_gravity_from_max_penalty_years_for_uncatalogued_article(years, applies):
    f = run(**offence(instrument="other", kind="criminal", article="X-1", max_penalty_years=years, caused_by_trafficking=True))
    assert np_for(f, "X-1").applies == applies


def test_s8_step5_uncatalogued_article_without_max_penalty_unclear_and_missing_fact():
    f = run(**offence(instrument="CC", article="999", caused_by_trafficking=True))
    assert np_for(f, "999").applies == "unclear"
    assert has_missing(f, "victims[V1].offences[0].max_penalty_years")


def test_s8_step5_applies_to_167_victims_R_NP_167():
    f = run(victim_age=17, means=[], **offence(instrument="CC", article="379", part=2, caused_by_trafficking=True))
    assert primary_is(f, "167")
    n = np_for(f, "379")
    assert n.applies == "yes"
    assert "R-NP-167" in n.readings and n.interpretation


def test_s8_step6_grave_crime_unclear_human_review():
    f = run(**offence(instrument="CC", article="282", part=2, caused_by_trafficking=True))
    n = np_for(f, "282")
    assert n.applies == "unclear"
    basis = " ".join(n.basis)
    assert "art. 47" in basis and "art. 48" in basis and "CC art. 2" in basis


def test_s8_step7_offence_before_1_dec_2021_says_both_codes():
    f = run(offence_date="2020-06-01", **offence(instrument="CC", article="379", part=2, caused_by_trafficking=True))
    n = np_for(f, "379")
    assert n.applies == "yes"
    r = n.reason.lower()
    assert "cooperat" in r and "art. 12" in r and "retroactive" in r


def test_s8_step7_not_mentioned_after_1_dec_2021():
    f = run(**offence(instrument="CC", article="379", part=2, caused_by_trafficking=True))
    assert "cooperat" not in np_for(f, "379").reason.lower()


def test_s8_record_charge_merged_with_victim_offence():
    f = run(
        **offence(instrument="CC", article="379", part=2, caused_by_trafficking=True),
        **record(victim_charged_with=[{"victim": "V1", **charge("379", 2)}]),
    )
    assert len([n for n in f.non_punishment if n.offence.article == "379"]) == 1
    assert np_for(f, "379").applies == "yes"


def test_s8_unmatched_record_charge_unclear_and_missing_fact():
    f = run(**record(victim_charged_with=[{"victim": "V1", **charge("378", 1)}]))
    assert np_for(f, "378").applies == "unclear"
    # LAW.md: "a missing fact for caused_by_trafficking". The charge has no offences[] index, so
    # the test accepts any path under victims[V1].offences whose question asks the causation.
    mf = [m for m in f.missing_facts if m.fact.startswith("victims[V1].offences")]
    assert mf, missing(f)
    assert any("result of being trafficked" in m.question.lower() or "caused_by_trafficking" in m.fact for m in mf)


@pytest.mark.parametrize(
    "o, applies",
    [
        (dict(instrument="other", kind="criminal", article="RU-322", max_penalty_years=2), "yes"),
        (dict(instrument="other", kind="administrative", article="RU-18.8"), "yes"),
        (dict(instrument="other", kind="criminal", article="RU-228", max_penalty_years=15), "unclear"),
    ],
)
def test_s8_foreign_law_computed_the_same_way_reason_adds_kyrgyz_liability_only(o, applies):
    f = run(**offence(**o, caused_by_trafficking=True, foreign_law=True))
    n = np_for(f, o["article"])
    assert n.applies == applies
    assert "kyrgyz" in n.reason.lower()


# =============================================================================================
# Section 9. Law by date


@pytest.mark.parametrize(
    "date, kw, article, instrument, old_article",
    [
        ("2020-06-01", {}, "166", "CC2017", "171"),
        ("2019-01-01", {}, "166", "CC2017", "171"),
        ("2021-11-30", {}, "166", "CC2017", "171"),
        ("2020-06-01", CHILD_NO_MEANS, "167", "CC2017", "171"),
        ("2018-12-31", {}, "166", "CC1997", "124"),
        ("2015-06-01", {}, "166", "CC1997", "124"),
        ("2020-06-01", LABOUR_170, "170", "CC2017", "173"),
        ("2015-06-01", LABOUR_170, "170", "CC1997", "125-1"),
        ("2020-06-01", dict(**NO_ACT, circumstances=["illegal_entry_or_exit_organised"]), "168", "CoM", "122"),
    ],
)
def test_s9_historical_equivalent_and_R_RETRO(date, kw, article, instrument, old_article):
    f = run(offence_date=date, **kw)
    q = qual(f, article, role="primary")
    he = q.historical_equivalent
    assert he is not None
    assert (he.instrument, he.article, he.source_quality) == (instrument, old_article, "secondary")
    assert "R-RETRO" in q.readings and q.interpretation


def test_s9_no_historical_equivalent_from_1_dec_2021():
    f = run(offence_date="2021-12-01")
    assert f.primary.historical_equivalent is None
    assert "R-RETRO" not in f.primary.readings


def test_s9_illegal_migration_before_2019_has_no_equivalent():
    f = run(offence_date="2015-06-01", **NO_ACT, circumstances=["illegal_entry_or_exit_organised"])
    q = qual(f, "168")
    assert q.historical_equivalent is None
    assert "R-RETRO" in q.readings


@pytest.mark.parametrize("date, code", [("2020-06-01", "2017"), ("2015-06-01", "1997")])
def test_s9_notes_state_arts_11_12_milder_law_and_gravity_may_differ(date, code):
    f = run(offence_date=date)
    notes = " ".join(f.law.notes)
    assert "art. 11" in notes and "art. 12" in notes
    assert "milder" in notes.lower()
    assert code in notes
    assert "gravity" in notes.lower() and "prosecution" in notes.lower()


def test_s9_notes_cc2017_171_reportedly_less_grave():
    notes = " ".join(run(offence_date="2020-06-01").law.notes).lower()
    assert "171" in notes and "2.5" in notes and "less grave" in notes


def test_s9_pre_2019_child_without_cc_means_is_alternative_R_RETRO():
    f = run(offence_date="2015-06-01", **CHILD_NO_MEANS)
    q = qual(f, "167", role="alternative")
    assert "R-RETRO" in q.readings and q.interpretation
    assert f.primary is None
    assert has_missing(f, "means")


def test_s9_pre_2019_child_with_cc_means_is_binding():
    f = run(offence_date="2015-06-01", victim_age=15)
    assert primary_is(f, "167", 1), summary(f)


def test_s9_2019_2021_child_without_means_is_binding():
    f = run(offence_date="2020-06-01", **CHILD_NO_MEANS)
    assert primary_is(f, "167", 1), summary(f)


def test_s9_no_offence_date_today_law_and_say_so():
    d = facts()
    del d["offence_date"]
    f = classify(d)
    assert f.primary.historical_equivalent is None
    assert any("date" in n.lower() for n in f.law.notes)


# =============================================================================================
# Section 10. Readings: each labelled in the output (readings + interpretation: true)


def _q(article, role=None):
    return lambda f: qual(f, article, role=role)


def _np(article):
    return lambda f: np_for(f, article)


READING_CASES = [
    ("R-167-SPECIAL", dict(**CHILD_NO_MEANS), _q("167", "primary")),
    ("R-167-SALE", dict(victim_age=10, acts=["sale"], means=[], purposes=[]), _q("167", "primary")),
    ("R-SALE-ACT", dict(acts=["sale"]), _q("166", "primary")),
    ("R-RECRUIT", dict(acts=["recruitment"]), _q("166", "primary")),
    ("R-DEBT", dict(means=["debt_bondage"]), _q("166", "primary")),
    ("R-PORN", dict(purposes=["pornography"]), _q("166", "primary")),
    ("R-BEGGING", dict(purposes=["begging"]), _q("166", "primary")),
    ("R-SERVITUDE", dict(purposes=["servitude"]), _q("166", "primary")),
    ("R-ORGAN", dict(purposes=["organ_removal"]), _q("166", "primary")),
    ("R-PALERMO-MEANS", dict(means=["abuse_of_vulnerability"]), _q("166", "alternative")),
    ("R-LAW55-PURPOSE", dict(purposes=["commercial_adoption"]), _q("166", "alternative")),
    ("R-NONDANGEROUS", dict(**{**LABOUR_170, "means": ["force"]}), _q("170", "primary")),
    ("R-AGGREGATE", dict(exploitation=["forced_labour"], circumstances=LABOUR_170["circumstances"]), _q("170", "concurrent")),
    ("R-ABSORB", dict(acts=["harbouring"], means=["force"], circumstances=["held_against_will"]), _q("169", "excluded")),
    ("R-MARRIAGE-SPECIAL", BRIDE_KIDNAPPING, _q("172", "primary")),
    (
        "R-TRAFFICKING-FIRST",
        dict(purposes=["prostitution"], exploitation=["prostitution"], circumstances=["pimping"]),
        _q("166", "primary"),
    ),
    (
        "R-NP-167",
        dict(victim_age=17, means=[], **offence(instrument="CC", article="379", part=2, caused_by_trafficking=True)),
        _np("379"),
    ),
    ("R-RETRO", dict(offence_date="2020-06-01"), _q("166", "primary")),
]


@pytest.mark.parametrize("reading, kw, finding", READING_CASES, ids=[r[0] for r in READING_CASES])
def test_s10_reading_labelled_in_output(reading, kw, finding):
    f = run(**kw)
    x = finding(f)
    assert reading in x.readings, (reading, x.readings)
    assert x.interpretation is True


def test_s10_R_CHILD_HELPLESS_labelled_in_prosecution_basis():
    # The prosecution object has no `readings`/`interpretation` fields (FACTS.md); the reading
    # that decides it can only be named in `basis`. Reading taken: it must be named there.
    f = run(**CHILD_NO_MEANS, offender_age=15)
    assert "R-CHILD-HELPLESS" in f.prosecution.basis


def test_s10_every_reading_has_an_entry_and_rival_view_where_law_md_gives_one():
    with_rival = [
        "R-167-SPECIAL",
        "R-167-SALE",
        "R-SALE-ACT",
        "R-RECRUIT",
        "R-DEBT",
        "R-PORN",
        "R-BEGGING",
        "R-SERVITUDE",
        "R-ORGAN",
        "R-PALERMO-MEANS",
        "R-LAW55-PURPOSE",
        "R-NONDANGEROUS",
        "R-CHILD-HELPLESS",
        "R-NP-167",
        "R-RETRO",
    ]
    without = ["R-AGGREGATE", "R-ABSORB", "R-MARRIAGE-SPECIAL", "R-TRAFFICKING-FIRST"]
    registry = readings()
    for rid in with_rival + without:
        assert rid in registry, rid
    for rid in with_rival:
        assert registry[rid].get("rival"), rid


def test_s10_interpretation_true_whenever_a_finding_carries_a_reading():
    for kw in CORPUS:
        f = run(**kw)
        for q in f.qualifications:
            if q.readings:
                assert q.interpretation, (kw, q.article, q.readings)
            for e in q.elements:
                if e.readings:
                    assert e.interpretation, (kw, q.article, e.element)
        for n in f.non_punishment:
            if n.readings:
                assert n.interpretation


# ---------------------------------------------------------------------------------------------
# A corpus of fact patterns for the invariants above (sections 3, 5, 7, 10).

CORPUS: list[dict] = [
    {},
    dict(circumstances=["group"]),
    dict(circumstances=["organised_group", "crossed_state_border"]),
    dict(victim={"pregnant": True}),
    CHILD_NO_MEANS,
    dict(**CHILD_NO_MEANS, offender_age=15),
    dict(**CHILD_NO_MEANS, offenders=[offender("P1", 40), offender("P2", 15)], circumstances=["group"]),
    dict(victim_age=13, means=[]),
    dict(victims=[victim("V1", 25), victim("V2", 15)]),
    dict(means=["abuse_of_power"]),
    dict(purposes=["criminal_activity"]),
    dict(victim_age=10, acts=["sale"], means=[], purposes=["commercial_adoption"]),
    LABOUR_170,
    dict(**{**LABOUR_170, "means": ["force"]}),
    dict(purposes=["prostitution"], exploitation=["prostitution"], circumstances=["pimping"]),
    dict(purposes=["prostitution"], circumstances=["pimping"]),
    dict(victim_age=15, **KIDNAP),
    {**KIDNAP, "circumstances": KIDNAP["circumstances"] + ["organised_group"]},
    BRIDE_KIDNAPPING,
    dict(**BRIDE_KIDNAPPING, victim_age=17),
    dict(victim_age=15, acts=[], means=["coercion"], purposes=["forced_marriage"]),
    FORCED_MARRIAGE_ADULT,
    dict(**NO_ACT, circumstances=["illegal_entry_or_exit_organised", "held_against_will", "dangerous_violence"]),
    dict(circumstances=["illegal_entry_or_exit_organised"]),
    dict(circumstances=["property_obtained_by_deception"], damage_ci=150),
    dict(acts=[], means=["deception"], purposes=[], circumstances=["property_obtained_by_deception"], damage_ci=30000),
    dict(victim_age=15, means=[], purposes=["pornography"], exploitation=["pornography"], offender={"relation": "parent"}),
    dict(victim_age=10, **NO_ACT, exploitation=["begging"], offender={"relation": "parent"}),
    dict(victim_age=15, **NO_ACT, circumstances=["sexual_acts_with_victim"]),
    dict(offence_date="2015-06-01", **CHILD_NO_MEANS),
    dict(offender_age=13),
]


# =============================================================================================
# Legal model version 4 (LAW.md section 12): one test (or more) per change, expected values
# from LAW.md. Each names the section and the change it checks.

FORCED_LABOUR_ABROAD = dict(acts=["recruitment", "transportation"], means=["deception"], purposes=["forced_labour"])
PROSTITUTION_CHILD = dict(victim_age=15, acts=["harbouring"], means=[], purposes=["prostitution"])


# --- section 2: persons ------------------------------------------------------------------------
def test_v4_s2_legal_entity_alone_no_qualification_conduct_named_persons_asked():
    f = run(
        **FORCED_LABOUR_ABROAD,
        circumstances=["crossed_state_border"],
        offenders=[{"id": "P1", "legal_entity": True}],
        **offence(instrument="CoO", article="431", caused_by_trafficking=True),
    )
    assert f.qualifications == [] and f.primary is None
    assert f.prosecution.mode is None and f.prosecution.reconciliation_permitted is None
    conduct = [w for w in f.warnings if "persons who acted for P1" in w]
    assert conduct and "CC art. 166 part 2 item 5" in conduct[0], f.warnings
    assert has_missing(f, "offenders")
    assert any("Law 55 art. 14" in w for w in f.warnings)
    # no capacity or age assumed for a legal entity
    assert "capacity is assumed" not in text(f)
    # the victim's status is unaffected
    assert np_for(f, "431").applies == "yes"


def test_v4_s2_a_natural_person_beside_a_legal_entity_is_qualified():
    f = run(offenders=[{"id": "P1", "legal_entity": True}, offender("P2", 40)])
    assert primary_is(f, "166", 1) and f.primary.offenders == ["P2"]


def test_v4_s2_official_item_is_personal_separate_qualifications_cite_art_43_2():
    f = run(
        **FORCED_LABOUR_ABROAD,
        victims=[victim("V1", 25), victim("V2", 29)],
        offenders=[offender("P1", 41), offender("P2", 47, official=True)],
        circumstances=["official_position_used"],
    )
    p2 = [q for q in quals(f, "166", part=2) if q.offenders == ["P2"]]
    p1 = [q for q in quals(f, "166", part=2) if q.offenders == ["P1"]]
    assert p2 and sorted(p2[0].items) == [1, 4], summary(f)
    assert p1 and p1[0].items == [1], summary(f)
    assert p2[0].role == "primary" and p1[0].role == "concurrent"
    # another offender's own qualification: CC art. 43 part 2, never art. 21
    assert "art. 43 part 2" in p1[0].reason and "CC art. 43 part 2" in p1[0].sources
    assert "CC art. 21" not in p1[0].reason and "CC art. 21" not in p1[0].sources


def test_v4_s2_parent_item_is_personal():
    f = run(
        victim_age=10,
        acts=[],
        means=[],
        purposes=[],
        exploitation=["begging"],
        offenders=[offender("P1", 34, relation="parent"), offender("P2", 30, relation="none")],
    )
    assert [q.offenders for q in quals(f, "181", part=2)] == [["P1"]], summary(f)
    assert [q.offenders for q in quals(f, "181", part=1)] == [["P2"]], summary(f)


def test_v4_s2_offenders_share_a_qualification_only_with_the_same_items():
    f = run(offenders=[offender("P1", 40), offender("P2", 41)], circumstances=["group_prior_conspiracy"])
    assert [q.offenders for q in quals(f, "166")] == [["P1", "P2"]], summary(f)


def test_v4_s2_who_did_what_the_buyer_is_not_the_kidnapper():
    f = run(
        victim_age=20,
        acts=["transportation", "sale", "purchase"],
        means=["abduction"],
        purposes=["forced_marriage"],
        circumstances=["held_against_will"],
        offenders=[
            offender("P1", 30, acts=["transportation", "sale"], means=["abduction"]),
            offender("P2", 45, acts=["purchase"], means=[]),
        ],
    )
    assert [q.offenders for q in quals(f, "172")] == [["P1"]], summary(f)
    assert all("P2" not in q.offenders for q in quals(f, "165") + quals(f, "172")), summary(f)
    assert not any("attribution is assumed" in w or "who did what" in w for w in f.warnings)


def test_v4_s2_with_a_group_flag_every_member_answers_for_the_joint_trafficking_act():
    f = run(
        **FORCED_LABOUR_ABROAD,
        circumstances=["group_prior_conspiracy"],
        offenders=[offender("P1", 30, acts=["recruitment"]), offender("P2", 35, acts=["transportation"], means=[])],
    )
    assert primary_is(f, "166", 2) and sorted(f.primary.offenders) == ["P1", "P2"], summary(f)


def test_v4_s2_without_a_group_flag_an_offender_without_a_means_is_not_a_trafficker_of_an_adult():
    f = run(
        **FORCED_LABOUR_ABROAD,
        offenders=[offender("P1", 30, means=["deception"]), offender("P2", 35, acts=["transportation"], means=[])],
    )
    assert all("P2" not in q.offenders for q in quals(f, "166")), summary(f)


def test_v4_s2_an_offender_s_lists_must_be_subsets_of_the_case():
    import pydantic

    with pytest.raises(pydantic.ValidationError, match="subset"):
        run(offenders=[offender("P1", 30, acts=["harbouring"])])  # the case's acts: recruitment


def test_v4_s2_attribution_assumed_warning_without_lists():
    f = run(**BRIDE_KIDNAPPING, offenders=[offender("P1", 30), offender("P2", 28)])
    assert any("who did what" in w for w in f.warnings), f.warnings


def test_v4_s2_continuing_offence_note_never_says_the_age_at_the_end_governs():
    f = run(**PROSTITUTION_CHILD)
    notes = " ".join(f.law.notes).lower()
    assert "art. 20" in notes and "under 18" in notes and "began" in notes
    assert "at the end of the continuing offence governs" not in notes


# --- section 3: penalties for offenders under 18; the catalogue ----------------------------------
def test_v4_s3_penalty_limits_for_an_offender_aged_17_especially_grave():
    f = run(**PROSTITUTION_CHILD, offenders=[offender("P1", 17), offender("P2", 30)], circumstances=["group_prior_conspiracy"])
    p = f.primary
    assert (p.article, p.part) == ("167", 2)
    assert p.penalty.startswith("8 to 11 years")  # the article's own sanction stays
    (lim,) = p.penalty_limits
    assert lim.offenders == ["P1"]
    assert lim.imprisonment == [5, 10] and "CC art. 108 part 2 item 3" in lim.basis and "CC art. 103 part 1" in lim.basis
    assert "diversion" not in lim.text and "probation" not in lim.text  # never for an especially grave part
    assert p.gravity == "especially_grave" and p.prosecution == "public"  # the article's sanction decides


def test_v4_s3_penalty_limits_14_15_halved_minimum_R_JUVENILE_RANGE():
    f = run(
        victim_age=15,
        means=["deception"],
        purposes=["prostitution"],
        acts=["harbouring"],
        victim={"pregnant": True},
        circumstances=["offender_knew_pregnant"],
        offender_age=15,
    )
    q = qual(f, "166", part=3)  # 8 to 11, especially grave
    (lim,) = q.penalty_limits
    assert lim.imprisonment == [4, 10]  # min(5, 8, 8 / 2) = 4; max min(11, 10)
    assert "CC art. 108 part 8" in lim.basis and lim.readings == ["R-JUVENILE-RANGE"] and lim.interpretation


def test_v4_s3_penalty_limits_less_grave_under_16_first_crime_and_measures():
    f = run(**PROSTITUTION_CHILD, offender_age=15)  # 166(4): up to 5, less grave
    q = qual(f, "166", part=4)
    (lim,) = q.penalty_limits
    assert lim.imprisonment == [0.5, 2]
    assert "CC art. 108 part 4" in lim.basis and "first" in lim.text
    assert "CC art. 98" in lim.basis and "CC art. 97 part 1" not in lim.basis  # diversion only from 16
    assert "CC art. 109 part 1" in lim.basis


def test_v4_s3_penalty_limits_adult_and_excluded_none():
    assert run().primary.penalty_limits == []
    f = run(**PROSTITUTION_CHILD, offender_age=15)
    assert qual(f, "167", role="excluded").penalty_limits == []


def test_v4_s3_penalty_limits_grouped_by_offenders_with_the_same_limits():
    f = run(**PROSTITUTION_CHILD, offenders=[offender("P1", 17), offender("P2", 16)], circumstances=["group"])
    assert [sorted(x.offenders) for x in f.primary.penalty_limits] == [["P1", "P2"]]


def test_v4_s3_175_religious_marriage_rite_with_a_child():
    f = run(victim_age=15, acts=[], means=[], purposes=[], circumstances=["religious_marriage_rite"])
    assert primary_is(f, "175")
    assert f.primary.gravity == "less_grave"
    assert any("Art. 175 names its subjects" in w for w in f.warnings)
    assert not quals(run(victim_age=19, acts=[], means=[], purposes=[], circumstances=["religious_marriage_rite"]), "175")


def test_v4_s3_175_concurrent_beside_172():
    f = run(
        **{**BRIDE_KIDNAPPING, "circumstances": BRIDE_KIDNAPPING["circumstances"] + ["religious_marriage_rite"]}, victim_age=16
    )
    assert primary_is(f, "172", 2) and qual(f, "175").role == "concurrent", summary(f)


def test_v4_s3_416_mercenary_recruitment_of_a_child_concurrent_R_AGGREGATE_416():
    f = run(
        victim_age=17,
        **{**FORCED_LABOUR_ABROAD, "purposes": ["armed_conflict"]},
        circumstances=["crossed_state_border", "paid_to_fight"],
    )
    assert primary_is(f, "167", 2)
    q = qual(f, "416", part=3)
    assert q.role == "concurrent" and q.items == [3] and "R-AGGREGATE-416" in q.readings


def test_v4_s3_416_needs_the_note_s_conditions():
    f = run(**{**FORCED_LABOUR_ABROAD, "purposes": ["armed_conflict"]}, circumstances=["crossed_state_border"])
    assert not quals(f, "416")


def test_v4_s3_256_and_416_2_only_as_the_victim_s_own_offence():
    for art, part in (("256", 1), ("416", 2)):
        f = run(
            **{**FORCED_LABOUR_ABROAD, "purposes": ["armed_conflict"]},
            exploitation=["armed_conflict"],
            circumstances=["paid_to_fight"] if art == "416" else [],
            **offence(instrument="CC", article=art, part=part, caused_by_trafficking=True),
        )
        assert np_for(f, art).applies == "unclear"  # grave or especially grave: outside the note
        assert not [q for q in quals(f, art) if q.part == part]  # the engine never qualifies a victim
        assert any(f"art. {art}" in w for w in f.warnings), f.warnings


def test_v4_s3_notes_name_outside_articles_with_their_titles():
    assert "Принуждение к изъятию органов" in " ".join(run(purposes=["organ_removal"]).law.notes)
    dv = " ".join(run(circumstances=["dangerous_violence"], means=["force"]).law.notes)
    assert "art. 130" in dv and "art. 131" in dv and "art. 139" in dv
    official = run(**{**LABOUR_170, "circumstances": ["official_position_used"]}, offender={"official": True})
    assert "Злоупотребление должностным положением" in " ".join(official.law.notes)
    counted = run(offender={"official": True}, circumstances=["official_position_used"])
    assert "337" not in " ".join(counted.law.notes)  # 166(2) item 4 counts the use of the position


def test_v4_s3_154_155_caution_makes_157_and_159_alternative():
    f = run(
        victim_age=15,
        acts=[],
        means=["force"],
        purposes=["prostitution"],
        exploitation=["prostitution"],
        circumstances=["sexual_acts_with_victim"],
    )
    assert qual(f, "157").role == "alternative" and qual(f, "159").role == "alternative", summary(f)
    assert "154" in " ".join(f.law.notes) and "155" in " ".join(f.law.notes)


# --- section 4 -------------------------------------------------------------------------------------
def test_v4_s4_abduction_with_purpose_forced_marriage_is_172_without_the_flag():
    f = run(
        acts=["transportation"],
        means=["abduction"],
        purposes=["forced_marriage"],
        circumstances=["held_against_will"],
        **record(charges=[charge("172", 1)]),
    )
    assert primary_is(f, "172", 1) and f.misclassification == []
    assert not has_missing(f, "circumstances.marriage_purpose")


def test_v4_s4_dangerous_violence_leaves_blackmail_and_deception_for_159():
    for means in (["force", "blackmail"], ["threat", "deception"]):
        f = run(acts=[], means=means, purposes=[], exploitation=["prostitution"], circumstances=["dangerous_violence"])
        assert primary_is(f, "159", 1), (means, summary(f))
        assert "R-DANGEROUS-VIOLENCE" not in f.primary.readings


def test_v4_s4_dangerous_violence_leaves_blackmail_for_170_2_4():
    flags = LABOUR_170["circumstances"] + ["dangerous_violence"]
    f = run(**{**LABOUR_170, "means": ["force", "blackmail"], "circumstances": flags})
    assert primary_is(f, "170", 2) and 4 in f.primary.items, summary(f)
    f = run(**{**LABOUR_170, "means": ["force"], "circumstances": flags})
    assert primary_is(f, "170", 1), summary(f)


# --- section 5 -------------------------------------------------------------------------------------
def test_v4_s5_R_167_SPECIAL_LIMIT_pregnant_child_known_to_be_pregnant():
    f = run(
        victim_age=17,
        victim={"pregnant": True},
        acts=["recruitment", "transportation"],
        means=["deception"],
        purposes=["sexual_exploitation"],
        circumstances=["offender_knew_pregnant"],
        **record(charges=[charge("166", 3)]),
    )
    assert primary_is(f, "166", 3) and f.primary.items == [1]
    c = qual(f, "167", role="competing", part=1)
    for q in (f.primary, c):
        assert "R-167-SPECIAL-LIMIT" in q.readings and q.interpretation
    assert "art. 22 part 1" in c.reason.lower() and "74" in c.reason
    assert f.misclassification == []  # a correct 166(3) charge is never flagged


def test_v4_s5_R_167_SPECIAL_LIMIT_pregnancy_switches_only_with_the_offender_s_knowledge():
    f = run(victim_age=17, victim={"pregnant": True}, acts=["recruitment"], means=["deception"], purposes=["sexual_exploitation"])
    assert primary_is(f, "167", 1), summary(f)
    assert qual(f, "166", role="competing").part == 3
    assert has_missing(f, "circumstances.offender_knew_pregnant")
    assert any("R-167-SPECIAL-LIMIT" in w for w in f.warnings)


def test_v4_s5_R_167_SPECIAL_LIMIT_dependent_child():
    f = run(victim_age=16, victim={"dependent_on_offender": True})
    assert primary_is(f, "166", 2) and 6 in f.primary.items
    assert qual(f, "167", role="competing").part == 1


def test_v4_s5_R_167_SPECIAL_LIMIT_a_co_offender_aged_15_counts_for_166_s_group_items_only():
    f = run(
        **{**PROSTITUTION_CHILD, "means": ["deception"]},
        offenders=[offender("P1", 30), offender("P2", 15)],
        circumstances=["group_prior_conspiracy"],
    )  # 166(2) item 3 (6 to 8) against 167(1) (5 to 8)
    assert primary_is(f, "166", 2) and sorted(f.primary.offenders) == ["P1", "P2"], summary(f)
    assert "R-167-SPECIAL-LIMIT" in f.primary.readings


def test_v4_s5_R_167_SPECIAL_unchanged_when_167_is_at_least_as_severe():
    f = run(victim_age=12, victim={"dependent_on_offender": True})  # 167(3) 11-15 against 166(2) 6-8
    assert primary_is(f, "167", 3) and "R-167-SPECIAL-LIMIT" not in f.primary.readings


def test_v4_s5_the_general_kidnapping_prevails_over_172_when_more_severe():
    f = run(
        **{**BRIDE_KIDNAPPING, "circumstances": BRIDE_KIDNAPPING["circumstances"] + ["group_prior_conspiracy"]},
        offenders=[offender("P1", 30), offender("P2", 28)],
    )
    assert primary_is(f, "165", 2), summary(f)  # 7 to 10 against 172(1) 5 to 7
    assert qual(f, "172").role == "competing" and "R-MARRIAGE-SPECIAL" in qual(f, "172").readings


def test_v4_s5_169_absorbed_by_the_held_abroad_item_and_holding_at_home_asked():
    f = run(
        victim_age=16,
        acts=["recruitment", "transportation"],
        means=["deception"],
        purposes=["prostitution"],
        circumstances=["crossed_state_border", "held_abroad", "held_against_will"],
    )
    assert primary_is(f, "167", 2)
    q = qual(f, "169")
    assert q.role == "excluded" and "held abroad" in q.reason
    assert any("inside the Kyrgyz Republic" in m.question for m in f.missing_facts)
    without = run(
        victim_age=16, acts=["recruitment"], means=["deception"], purposes=["prostitution"], circumstances=["held_against_will"]
    )
    assert qual(without, "169").role == "concurrent"  # no holding abroad: a further crime beside 167


def test_v4_s5_concurrent_trafficking_of_the_same_offender_cites_art_21():
    f = run(victims=[victim("V1", 25), victim("V2", 15)], means=["deception"], purposes=["prostitution"])
    other = [q for q in f.qualifications if q.role == "concurrent" and q.article in TRAFFICKING]
    assert other and "CC art. 21" in other[0].sources and "43" not in other[0].reason, summary(f)


# --- section 6 -------------------------------------------------------------------------------------
def test_v4_s6_167_charged_where_R_167_SPECIAL_LIMIT_makes_166_primary_medium():
    f = run(victim_age=16, victim={"dependent_on_offender": True}, **record(charges=[charge("167", 1)]))
    m = mis(f, "wrong_article")
    assert m.severity == "medium" and (m.suggested.article, m.suggested.part) == ("166", 2)
    assert "defensible" in m.explanation


def test_v4_s6_167_charged_against_an_offender_aged_15_high():
    m = mis(run(**CHILD_NO_MEANS, offender_age=15, **record(charges=[charge("167", 1)])), "wrong_article")
    assert m.severity == "high"


def test_v4_s6_charge_without_a_part_unknown_part():
    f = run(**record(charges=[charge("166")]), circumstances=["crossed_state_border"])  # 166(2) made out
    assert not [m for m in f.misclassification if m.kind == "wrong_part"]
    assert any("without a part" in w and "166(2)" in w for w in f.warnings), f.warnings
    f = run(**CHILD_NO_MEANS, **record(charges=[charge("160")]))
    m = mis(f, "trafficking_not_charged")
    assert not lower_penalty_consequence(m) and not reconciliation_consequence(m)
    assert "not recorded" in m.explanation


def test_v4_s6_coo_109_recorded_as_prostitution_is_warned_about():
    f = run(**offence(instrument="CoO", article="109", caused_by_trafficking=True))
    assert any("CoO art. 109" in w and "pornograph" in w for w in f.warnings), f.warnings
    g = run(**offence(instrument="CoO", article="62", caused_by_trafficking=True, note="fined for prostitution"))
    assert any("no prostitution offence" in w for w in g.warnings)
    assert not any("CoO art. 109" in w for w in run().warnings)


# --- section 7 -------------------------------------------------------------------------------------
def test_v4_s7_parent_or_carer_as_offender_no_reconciliation_R_REPRESENTATIVE_OFFENDER():
    for rel in ("parent", "carer"):
        f = run(victim_age=10, acts=[], means=[], purposes=[], exploitation=["begging"], offender={"relation": rel})
        assert primary_is(f, "181", 2)
        assert f.prosecution.mode == "private_public" and f.prosecution.reconciliation_permitted is False
        assert "R-REPRESENTATIVE-OFFENDER" in f.prosecution.basis and "CPC art. 24 part 3" in f.prosecution.basis


def test_v4_s7_parent_as_offender_opened_on_complaint_permitted_with_warning():
    f = run(
        victim_age=10,
        acts=[],
        means=[],
        purposes=[],
        exploitation=["begging"],
        offender={"relation": "parent"},
        **record(opened_on_victim_complaint=True),
    )
    assert f.prosecution.reconciliation_permitted is True
    assert any("opened on the victim's complaint" in w for w in f.warnings)


def test_v4_s7_a_relative_who_is_not_the_carer_is_not_the_representative():
    f = run(victim_age=10, acts=[], means=[], purposes=[], exploitation=["begging"], offender={"relation": "relative"})
    assert "R-REPRESENTATIVE-OFFENDER" not in f.prosecution.basis and f.prosecution.reconciliation_permitted is True


@pytest.mark.parametrize("date", ["2020-06-01", "2015-06-01"])
def test_v4_s7_before_december_2021_mode_and_reconciliation_marked_uncertain(date):
    f = run(offence_date=date)
    assert "R-RETRO" in f.prosecution.basis
    assert any("not settled" in w and "reconciliation" in w for w in f.warnings)
    assert "R-RETRO" not in run().prosecution.basis


# --- section 8 -------------------------------------------------------------------------------------
def test_v4_s8_one_capacity_basis_never_both():
    crime = np_for(
        run(victim_age=13, means=[], **offence(instrument="CC", article="378", part=1, caused_by_trafficking=True)), "378"
    )
    assert crime.applies == "yes" and crime.basis == ["CC art. 28"]
    off = np_for(run(victim_age=15, means=[], **offence(instrument="CoO", article="431", caused_by_trafficking=True)), "431")
    assert off.applies == "yes" and off.basis == ["CoO art. 15 part 1"]


def test_v4_s8_law55_before_17_march_2005_R_NP_LATER_LAW():
    f = run(offence_date="2003-06-01", **offence(instrument="CoM", article="122", caused_by_trafficking=True))
    n = np_for(f, "122")
    assert n.applies == "yes" and "R-NP-LATER-LAW" in n.readings and n.interpretation
    assert "17 March 2005" in n.reason
    assert (
        "R-NP-LATER-LAW"
        not in np_for(run(**offence(instrument="CoM", article="122", caused_by_trafficking=True)), "122").readings
    )


def test_v4_s8_a_code_of_misconduct_offence_is_a_misdemeanour_not_an_administrative_offence():
    n = np_for(run(**offence(instrument="CoM", article="122", caused_by_trafficking=True)), "122")
    assert "misdemeanour" in n.reason and "administrative offence" not in n.reason


def test_v4_s8_release_from_liability_never_from_punishment():
    for o in (dict(instrument="CC", article="379", part=2), dict(instrument="CoO", article="431")):
        n = np_for(run(**offence(**o, caused_by_trafficking=True)), o["article"])
        assert "liab" in n.reason and "from punishment" not in n.reason.lower()
    ru = classify(facts(**offence(instrument="CC", article="379", part=2, caused_by_trafficking=True)), lang="ru")
    assert "от уголовной ответственности" in ru.non_punishment[0].reason and "от наказания" not in ru.non_punishment[0].reason


# --- section 9 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("date", ["2018-05-01", "2020-06-01"])
def test_v4_s9_child_sale_before_december_2021_without_a_cc_purpose_is_alternative(date):
    f = run(offence_date=date, victim_age=10, acts=["purchase"], means=["fraud"], purposes=[])
    q = qual(f, "167")
    assert q.role == "alternative" and "R-RETRO" in q.readings and f.primary is None
    assert primary_is(run(victim_age=10, acts=["purchase"], means=["fraud"], purposes=[]), "167", 3)


def test_v4_s9_a_shared_defect_makes_every_trafficking_finding_alternative():
    f = run(offence_date="2015-06-01", **CHILD_NO_MEANS)
    assert roles(f, "166") == {"alternative"} and roles(f, "167") == {"alternative"}, summary(f)
    g = run(**{**CHILD_NO_MEANS, "purposes": ["criminal_activity"]})
    assert roles(g, "166") == {"alternative"} and roles(g, "167") == {"alternative"}, summary(g)


def test_v4_s9_no_law55_purpose_warning_when_R_167_SALE_decides():
    f = run(victim_age=2, acts=["sale"], means=[], purposes=["commercial_adoption"])
    assert primary_is(f, "167")
    assert not any("R-LAW55-PURPOSE" in w for w in f.warnings)


# --- section 11: wording ---------------------------------------------------------------------------
def test_v4_s11_article_titles_as_the_code_heads_them():
    from pathlib import Path

    code = (Path(__file__).resolve().parents[2] / "shared" / "law" / "criminal-code-2021.ru.txt").read_text()
    headings = dict(re.findall(r"^Статья (\d+)\. (.+?)\s*$", code, flags=re.M))
    for art in catalogue().values():
        if art.verified and art.instrument == "CC":
            number = art.article.replace("-", "")
            assert art.title_ru == headings[number], (art.article, art.title_ru, headings[number])


def test_v4_s11_no_file_name_or_line_in_any_output_text():
    import re as _re

    bad = _re.compile(r"seed \d|\.txt|\bline \d|\blines \d|строк[аи] \d|источник \d{3}")
    for kw in CORPUS + [dict(**BRIDE_KIDNAPPING), dict(circumstances=["online"], purposes=["sexual_exploitation"])]:
        for lang in ("en", "ru"):
            f = classify(facts(**kw), lang=lang)
            blob = " ".join([f.model_dump_json()])
            assert not bad.search(blob), (kw, bad.search(blob).group(0))
