"""Hypothesis strategies: random but valid FACTS.md fact patterns."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from classifier.rulebase.files import values

ACTS = values("acts")
MEANS = values("means")
PURPOSES = values("purposes")
FLAGS = values("circumstances")
RELATIONS = values("relations")
# Flags that LAW.md section 4 maps to qualifying items (aggravations) of 166/167/170.
QUALIFYING = [
    "group",
    "group_prior_conspiracy",
    "organised_group",
    "criminal_community",
    "crossed_state_border",
    "held_abroad",
    "official_position_used",
    "harm_significant",
    "harm_grave",
    "harm_especially_grave",
    "identity_documents_taken",
]
CHARGES = [
    ("CC", "159", 1),
    ("CC", "159", 3),
    ("CC", "160", 1),
    ("CC", "160", 2),
    ("CC", "166", 1),
    ("CC", "166", 4),
    ("CC", "167", 1),
    ("CC", "167", 2),
    ("CC", "168", 1),
    ("CC", "169", 1),
    ("CC", "209", 2),
    ("CoM", "122", None),
    ("CC2017", "171", None),
    ("CC", "170", 1),
    ("CC", "166", None),
    ("CC", "160", None),
    ("CC", "166", 3),
    ("CC", "172", 1),
    ("CoO", "109", None),
]
VICTIM_OFFENCES = [
    ("CC", "378", 1),
    ("CC", "378", 2),
    ("CC", "379", 2),
    ("CC", "282", 1),
    ("CC", "283", 1),
    ("CoO", "residence", None),
    ("CC", "999", None),
    ("CC", "159", 1),
    ("CoO", "109", None),
    ("CoM", "122", None),
    ("CC", "256", 1),
    ("CC", "416", 2),
]


def subset(xs: list[str], max_size: int = 4):
    return st.lists(st.sampled_from(xs), max_size=max_size, unique=True)


@st.composite
def victims(draw, n_min: int = 1, n_max: int = 3, ages=None):
    n = draw(st.integers(n_min, n_max))
    out = []
    for i in range(n):
        v = {"id": f"V{i + 1}"}
        age = draw(ages if ages is not None else st.one_of(st.none(), st.integers(0, 70)))
        if age is not None:
            v["age"] = age
        for key in ("pregnant", "dependent_on_offender", "consented"):
            b = draw(st.sampled_from([None, True, False]))
            if b is not None:
                v[key] = b
        v["citizenship"] = draw(st.sampled_from(["KG", "KG", "UZ", "unknown", "stateless"]))
        offs = []
        for inst, art, part in draw(st.lists(st.sampled_from(VICTIM_OFFENCES), max_size=2, unique=True)):
            o = {"instrument": inst, "article": art}
            if part:
                o["part"] = part
            c = draw(st.sampled_from([None, True, False]))
            if c is not None:
                o["caused_by_trafficking"] = c
            if art == "999":
                o["max_penalty_years"] = draw(st.sampled_from([0, 3, 8]))
            offs.append(o)
        if offs:
            v["offences"] = offs
        out.append(v)
    return out


@st.composite
def offenders(draw, n_max: int = 3, ages=None, acts: list[str] | None = None, means: list[str] | None = None):
    """Offenders; with the case's `acts` and `means` given, some offenders say which of them they
    took part in (v4 `offenders[].acts`, `.means`: subsets of the case's)."""
    n = draw(st.integers(0, n_max))
    out = []
    for i in range(n):
        o = {"id": f"P{i + 1}"}
        age = draw(ages if ages is not None else st.one_of(st.none(), st.integers(10, 70)))
        if age is not None:
            o["age"] = age
        if draw(st.booleans()):
            o["official"] = draw(st.booleans())
        if draw(st.integers(0, 9)) == 0:
            o["legal_entity"] = True
        rel = draw(st.one_of(st.none(), st.sampled_from(RELATIONS)))
        if rel:
            o["relation"] = rel
        if draw(st.integers(0, 5)) == 0:
            o["adoption_intermediary"] = True
        for key, case in (("acts", acts), ("means", means)):
            if case is not None and draw(st.integers(0, 3)) == 0:
                o[key] = draw(st.lists(st.sampled_from(case), unique=True)) if case else []
        out.append(o)
    return out


@st.composite
def fact_patterns(draw, victim_ages=None, offender_ages=None, with_record: bool = True):
    acts, means = draw(subset(ACTS, 3)), draw(subset(MEANS, 3))
    f = {
        "case_id": "H-" + str(draw(st.integers(0, 10**6))),
        "victims": draw(victims(ages=victim_ages)),
        "offenders": draw(offenders(ages=offender_ages, acts=acts, means=means)),
        "acts": acts,
        "means": means,
        "purposes": draw(subset(PURPOSES, 2)),
        "exploitation": draw(subset(PURPOSES, 2)),
        "circumstances": draw(subset(FLAGS, 5)),
    }
    # dates across the three codes and before Law 55 (17 March 2005)
    date = draw(st.one_of(st.none(), st.dates(dt.date(2003, 1, 1), dt.date(2026, 1, 1))))
    if date:
        f["offence_date"] = date.isoformat()
    if draw(st.booleans()):
        f["damage_ci"] = draw(st.sampled_from([5, 50, 500, 15000, 30000]))
    if with_record and draw(st.booleans()):
        rec: dict = {"charges": []}
        for inst, art, part in draw(st.lists(st.sampled_from(CHARGES), max_size=2, unique=True)):
            c = {"instrument": inst, "article": art}
            if part:
                c["part"] = part
            rec["charges"].append(c)
        rec["prosecution"] = draw(st.sampled_from(["private_public", "public", "private", "unknown"]))
        for key in ("opened_on_victim_complaint", "terminated_by_reconciliation"):
            b = draw(st.sampled_from([None, True, False]))
            if b is not None:
                rec[key] = b
        if draw(st.booleans()):
            v = f["victims"][0]["id"]
            inst, art, part = draw(st.sampled_from(VICTIM_OFFENCES))
            c = {"victim": v, "instrument": inst, "article": art}
            if part:
                c["part"] = part
            rec["victim_charged_with"] = [c]
        f["record"] = rec
    return f
