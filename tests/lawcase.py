"""Fact-pattern builders and finders for the legal-model tests (tests/test_law.py).

`facts(**kw)` merges keyword arguments into a minimal valid case: an adult victim recruited by
deception for forced labour by one adult offender, on a date under the 2021 code — the plain
166(1) case. Every test states only the facts it changes.
"""

from __future__ import annotations

import copy
from typing import Any

from classifier import classify
from classifier.models import Findings, Qualification

BASE: dict[str, Any] = {
    "case_id": "LAW-TEST",
    "offence_date": "2024-09-01",
    "victims": [{"id": "V1", "age": 25, "sex": "female", "citizenship": "KG"}],
    "offenders": [{"id": "P1", "age": 40}],
    "acts": ["recruitment"],
    "means": ["deception"],
    "purposes": ["forced_labour"],
}

TRAFFICKING = {"166", "167"}


def victim(vid: str = "V1", age: int | None = 25, **kw: Any) -> dict[str, Any]:
    v: dict[str, Any] = {"id": vid, "sex": "female", "citizenship": "KG", **kw}
    if age is not None:
        v["age"] = age
    return v


def offender(oid: str = "P1", age: int | None = 40, **kw: Any) -> dict[str, Any]:
    o: dict[str, Any] = {"id": oid, **kw}
    if age is not None:
        o["age"] = age
    return o


def facts(**kw: Any) -> dict[str, Any]:
    """The base case with the given top-level keys replaced.

    Shorthands: `victim_age=` / `offender_age=` set the age of the single victim / offender
    (None drops it); `victim=` / `offender=` add keys to the first victim / offender;
    `offence_date=None` leaves the date unstated.
    """
    d = copy.deepcopy(BASE)
    vage = kw.pop("victim_age", "keep")
    oage = kw.pop("offender_age", "keep")
    vextra = kw.pop("victim", {})
    oextra = kw.pop("offender", {})
    if vage != "keep":
        d["victims"] = [victim("V1", vage)]
    if oage != "keep":
        d["offenders"] = [offender("P1", oage)]
    d.update(copy.deepcopy(kw))  # explicit victims=/offenders= win over the age shorthands
    for key in [k for k, v in d.items() if v is None and k == "offence_date"]:
        del d[key]  # offence_date=None: the date is not stated
    if vextra:
        d["victims"][0].update(vextra)
    if oextra:
        d["offenders"][0].update(oextra)
    return d


def run(**kw: Any) -> Findings:
    return classify(facts(**kw))


def quals(f: Findings, article: str, role: str | None = None, part: Any = "any") -> list[Qualification]:
    return [
        q
        for q in f.qualifications
        if q.article == article and (role is None or q.role == role) and (part == "any" or q.part == part)
    ]


def qual(f: Findings, article: str, role: str | None = None, part: Any = "any") -> Qualification:
    found = quals(f, article, role, part)
    assert found, f"no {article} (role={role}, part={part}) in {summary(f)}"
    return found[0]


def roles(f: Findings, article: str) -> set[str]:
    return {q.role for q in f.qualifications if q.article == article}


def summary(f: Findings) -> list[str]:
    return [f"{q.article}({q.part}){q.items}:{q.role}" for q in f.qualifications]


def primary_is(f: Findings, article: str, part: Any = "any") -> bool:
    p = f.primary
    return p is not None and p.article == article and (part == "any" or p.part == part)


def primaries(f: Findings) -> list[Qualification]:
    return [q for q in f.qualifications if q.role == "primary"]


def missing(f: Findings) -> list[str]:
    return [m.fact for m in f.missing_facts]


def has_missing(f: Findings, fact: str) -> bool:
    """`fact` is among missing_facts[].fact (an exact path or a prefix of one)."""
    return any(m == fact or m.startswith(fact + ".") or m.startswith(fact + "[") for m in missing(f))


def element(q: Qualification, name: str):
    found = [e for e in q.elements if e.element == name]
    assert found, f"no element {name!r} in {q.article}({q.part}): {[e.element for e in q.elements]}"
    return found[0]


def text(f: Findings) -> str:
    """All free text of the findings (warnings, notes, reasons, explanations), lower-cased."""
    parts = list(f.warnings) + list(f.law.notes)
    for q in f.qualifications:
        parts.append(q.reason)
        parts.extend(e.reason for e in q.elements)
    for m in f.misclassification:
        parts.append(m.explanation)
        parts.extend(m.consequences)
    for n in f.non_punishment:
        parts.append(n.reason)
    parts.extend(m.question for m in f.missing_facts)
    return "\n".join(parts).lower()


def np_for(f: Findings, article: str, victim_id: str = "V1"):
    found = [n for n in f.non_punishment if n.offence.article == article and n.victim == victim_id]
    assert found, f"no non-punishment finding for {victim_id} / {article}: {f.non_punishment}"
    return found[0]


def mis(f: Findings, kind: str):
    found = [m for m in f.misclassification if m.kind == kind]
    assert found, f"no misclassification {kind}: {[m.kind for m in f.misclassification]}"
    return found[0]
