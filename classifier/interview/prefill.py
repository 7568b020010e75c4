"""`thb interview --prefill DRAFT`: confirm a machine draft (thb extract) fact by fact, then answer the rest.

The draft's proposed facts are walked first, each with the words of the narrative it rests on:
accept, reject or edit (`prefill.N.decision`, `prefill.N.value`). What is accepted answers the
interview's own questions: a single value (an age, a sex, a citizenship, the offence date) is taken
as the answer and the question is not asked again; a list (acts, means, purposes, circumstances,
how many victims, the charges) becomes the question's default, so Enter keeps it and another
answer changes it. Then the interview runs as always. The file written records that a person
confirmed the draft: `provenance: {method: extract, confirmed: true, confirmed_by: thb interview,
confirmed_on, review: {accepted, rejected, edited}}`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..i18n import lang, tr
from ..rulebase.files import vocabulary
from .base import UNKNOWN, InterviewError, read_yaml_file
from .checks import Flow, check_article, check_offence_date, known
from .questions import Notice, Option, Question
from .state import State

LIST_FIELDS = ("acts", "means", "purposes", "exploitation", "circumstances")
PERSON = re.compile(r"^(victims|offenders)\[([^\]]+)\]\.(age|sex|citizenship)$")
CIRC_QUESTION = {
    "group": "circ.group",
    "group_prior_conspiracy": "circ.group",
    "organised_group": "circ.group",
    "criminal_community": "circ.group",
    "official_position_used": "circ.official",
    "crossed_state_border": "circ.movement",
    "held_abroad": "circ.movement",
    "held_against_will": "circ.movement",
    "illegal_entry_or_exit_organised": "circ.movement",
    "identity_documents_taken": "circ.control",
    "ownership_powers_exercised": "circ.control",
    "victim_could_not_refuse": "circ.control",
    "dangerous_violence": "circ.control",
    "weapon_used": "circ.control",
    "brothel_organised": "circ.sexual",
    "procuring": "circ.sexual",
    "pimping": "circ.sexual",
    "online": "circ.sexual",
    "sexual_acts_with_victim": "circ.sexual",
    "marriage_purpose": "circ.marriage",
    "harm_significant": "circ.harm",
    "harm_grave": "circ.harm",
    "harm_especially_grave": "circ.harm",
    "property_obtained_by_deception": "circ.property",
}


@dataclass
class Fact:
    field: str  # a fact-pattern path: acts, victims[V1].age, record.charges, offence_date
    value: Any
    quotes: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass
class Draft:
    name: str
    case_id: str
    facts: list[Fact]
    provenance: dict[str, Any]


def load_draft(path: str) -> Draft:
    """A draft of `thb extract`: its YAML or JSON (a fact pattern whose provenance holds the
    evidence), or the `--format json` object {case_id, lang, draft, evidence}."""
    from pydantic import ValidationError

    from ..models import FactPattern
    from ..records import explain

    name, data = read_yaml_file(path, "prefill.error.yaml")
    if isinstance(data, dict) and isinstance(data.get("draft"), dict) and "evidence" in data:
        draft, evidence = dict(data["draft"]), data.get("evidence") or []
        prov = dict(draft.get("provenance") or {})
    elif isinstance(data, dict):
        draft = dict(data)
        prov = dict(draft.get("provenance") or {})
        evidence = prov.get("evidence") or []
    else:
        raise InterviewError(tr("prefill.error.not_draft", file=name))
    if prov.get("method") != "extract":
        raise InterviewError(tr("prefill.error.not_draft", file=name))
    try:
        fp = FactPattern.model_validate(draft)
    except ValidationError as e:
        raise InterviewError(tr("prefill.error.invalid", file=name, problem=explain(e))) from None
    if not isinstance(evidence, list):
        raise InterviewError(tr("prefill.error.invalid", file=name, problem="evidence"))
    quotes: dict[tuple[str, str], list[tuple[str, int, int]]] = {}
    for e in evidence:
        if isinstance(e, dict) and e.get("status") == "proposed":
            k = (str(e.get("field")), json.dumps(e.get("value"), sort_keys=True, default=str))
            quotes.setdefault(k, []).append((str(e.get("quote", "")), int(e.get("start", 0)), int(e.get("end", 0))))
    facts: list[Fact] = []

    def add(fld: str, value: Any) -> None:
        facts.append(Fact(fld, value, quotes.get((fld, json.dumps(value, sort_keys=True, default=str)), [])))

    if fp.offence_date:
        add("offence_date", fp.offence_date.isoformat())
    for role, people in (("victims", fp.victims), ("offenders", fp.offenders)):
        for p in people:
            for attr in ("age", "sex", "citizenship"):
                v = getattr(p, attr, None)
                if v is not None:
                    add(f"{role}[{p.id}].{attr}", v)
    for fld in LIST_FIELDS:
        for v in getattr(fp, fld):
            add(fld, v)
    for c in fp.record.charges if fp.record else []:
        add("record.charges", c.model_dump(exclude_none=True))
    return Draft(name, fp.case_id, facts, {k: v for k, v in prov.items() if k != "evidence"} | {"evidence": evidence})


# ------------------------------------------------------------------------------ the walk
def _label(f: Fact) -> str:
    m = PERSON.match(f.field)
    if m:
        role, pid, attr = m.groups()
        value = tr(f"interview.sex.{f.value}") if attr == "sex" else str(f.value)
        return tr(f"prefill.person.{role}.{attr}", id=pid, value=value)
    if f.field == "record.charges":
        v = f.value
        part = tr("prefill.charge.part", part=v["part"]) if v.get("part") else ""
        return tr("prefill.charge", instrument=v["instrument"], article=v["article"], part=part)
    if f.field == "offence_date":
        return tr("prefill.offence_date", value=f.value)
    kind = "purposes" if f.field == "exploitation" else f.field
    meta = vocabulary()[kind].get(f.value) or {}
    label = (meta.get("label_ru") if lang() == "ru" else None) or meta.get("label") or f.value
    return tr(f"prefill.field.{f.field}", value=label if label == f.value else f"{label} ({f.value})")


def _quotes(f: Fact) -> str:
    if not f.quotes:
        return tr("prefill.no_quote")
    shown = "; ".join(tr("prefill.quote", quote=" ".join(q.split()), start=a, end=b) for q, a, b in f.quotes[:3])
    return shown + (tr("prefill.more_quotes", n=len(f.quotes) - 3) if len(f.quotes) > 3 else "")


def _edit(f: Fact, k: str) -> Flow:
    """Ask the right value of a fact; returns it (UNKNOWN: leave it out)."""
    m = PERSON.match(f.field)
    text = tr("prefill.edit", fact=_label(f))
    if m and m.group(3) == "age":
        v = yield Question(k + "value", "years", text)
    elif m and m.group(3) == "sex":
        opts = [Option("female", tr("interview.sex.female")), Option("male", tr("interview.sex.male"))]
        v = yield Question(k + "value", "choice", text, options=opts)
    elif m:
        v = yield Question(k + "value", "country", text, tr("interview.victim.citizenship.help"))
    elif f.field == "offence_date":
        v = yield Question(k + "value", "date", text, tr("interview.case.date.help"), check=check_offence_date)
        v = v.isoformat() if known(v) else v
    elif f.field == "record.charges":
        art = yield Question(k + "value", "text", text, tr("interview.charge.article.help"), check=check_article)
        part = yield Question(k + "part", "int", tr("interview.charge.part"), lo=1, hi=20, blank_is_unknown=True)
        if not known(art):
            return UNKNOWN
        v = {"instrument": f.value["instrument"], "article": art}
        if known(part):
            v["part"] = part
    else:
        kind = "purposes" if f.field == "exploitation" else f.field
        voc = vocabulary()[kind]
        ru = lang() == "ru"
        opts = [Option(x, str((voc[x].get("label_ru") if ru else None) or voc[x].get("label") or x)) for x in voc]
        v = yield Question(k + "value", "choice", text, options=opts)
    return v


def walk(st: State, d: Draft) -> Flow:
    """The draft's facts, one question each; then what was accepted answers the interview."""
    yield Notice(tr("prefill.section", file=d.name), "section")
    yield Notice(tr("prefill.intro", n=len(d.facts)))
    kept: list[tuple[Fact, Any, bool]] = []  # (fact, value, unchanged)
    counts = {"accepted": 0, "rejected": 0, "edited": 0}
    options = [
        Option("accept", tr("prefill.accept")),
        Option("reject", tr("prefill.reject")),
        Option("edit", tr("prefill.edit_option")),
    ]
    for i, f in enumerate(d.facts, 1):
        k = f"prefill.{i}."
        text = tr("prefill.fact", n=i, total=len(d.facts), fact=_label(f))
        a = yield Question(k + "decision", "choice", text, _quotes(f), options, required=True)
        if a == "accept":
            kept.append((f, f.value, True))
            counts["accepted"] += 1
        elif a == "edit":
            v = yield from _edit(f, k)
            counts["edited"] += 1
            if known(v):
                kept.append((f, v, v == f.value))
        else:
            counts["rejected"] += 1
    yield Notice(tr("prefill.done", **counts))
    st.prefilled = answers(d, kept)
    st.prefill_kept = [(f.field, v) for f, v, _ in kept]
    unchanged = {(f.field, json.dumps(f.value, sort_keys=True, default=str)) for f, _, same in kept if same}
    evidence = [
        e
        for e in d.provenance.get("evidence") or []
        if isinstance(e, dict)
        and e.get("status") == "proposed"
        and (str(e.get("field")), json.dumps(e.get("value"), sort_keys=True, default=str)) in unchanged
    ]
    prov = {k: v for k, v in d.provenance.items() if k != "evidence"}
    prov.update(
        confirmed=True,
        confirmed_by="thb interview",
        confirmed_on=dt.date.today().isoformat(),
        review=counts,
        evidence=evidence,
    )
    st.provenance = prov


def answers(d: Draft, kept: list[tuple[Fact, Any, bool]]) -> dict[str, tuple[str, str]]:
    """The interview's question keys the accepted facts answer: (auto | default, raw answer)."""
    out: dict[str, tuple[str, str]] = {"case.id": ("default", d.case_id)}
    lists: dict[str, list[str]] = {}
    people: dict[str, list[str]] = {"victims": [], "offenders": []}
    charges = []
    for f, v, _ in kept:
        m = PERSON.match(f.field)
        if m:
            role, pid, attr = m.groups()
            if pid not in people[role]:
                people[role].append(pid)
            n = people[role].index(pid) + 1
            out[f"{'victim' if role == 'victims' else 'offender'}.{n}.{attr}"] = ("auto", str(v))
        elif f.field == "offence_date":
            out["case.date"] = ("auto", str(v))
        elif f.field == "record.charges":
            charges.append(v)
        elif f.field == "circumstances":
            q = CIRC_QUESTION.get(v)
            if q:
                lists.setdefault(q, []).append(v)
        else:
            lists.setdefault(f.field, []).append(v)
    for role, key in (("victims", "victims.count"), ("offenders", "offenders.count")):
        if people[role]:
            out[key] = ("default", str(len(people[role])))
    for q, vals in lists.items():
        if q in ("circ.group", "circ.harm"):
            out[q] = ("default", vals[-1])
        elif q in ("circ.official", "circ.marriage", "circ.property"):
            out[q] = ("default", "yes")
        else:
            out[q] = ("default", ", ".join(vals))
    if charges:
        out["record.charged"] = ("default", "yes")
        for n, c in enumerate(charges, 1):
            out[f"charge.{n}.instrument"] = ("default", c["instrument"])
            out[f"charge.{n}.article"] = ("default", c["article"])
            if c.get("part") is not None:
                out[f"charge.{n}.part"] = ("default", str(c["part"]))
            out[f"charge.{n}.more"] = ("default", "yes" if n < len(charges) else "no")
    return out


def complete(st: State) -> None:
    """Accepted facts whose question the interview did not ask (means for a child, `for_profit`,
    which it never asks) are kept as confirmed."""
    for fld, v in getattr(st, "prefill_kept", []):
        if fld in ("acts", "means", "purposes", "exploitation") and fld not in st.asked:
            current = list(getattr(st, fld) or [])
            if v not in current:
                setattr(st, fld, current + [v])
        elif fld == "circumstances" and CIRC_QUESTION.get(v) not in st.asked:
            st.flag(v)
