"""The law by date (LAW.md section 9): the code in force at the offence date, the historical
equivalent of each article, and the notes the findings carry about it."""

from __future__ import annotations

import datetime as dt

from ..i18n import tr
from ..models import FactPattern, HistoricalEquivalent, MissingFact, Qualification
from ..rulebase.files import law_by_date, open_questions
from ..rulebase.legal import cc2021_in_force
from ..rulebase.prose import law


def historical(article: str, d: dt.date | None) -> HistoricalEquivalent | None:
    if d is None or d >= cc2021_in_force():
        return None
    for period in law_by_date()["periods"]:
        lo, hi = period.get("from"), period.get("to")
        if (lo is None or d >= lo) and (hi is None or d <= hi):
            eq = (period.get("equivalents") or {}).get(article)
            if eq:
                return HistoricalEquivalent(
                    instrument=period["code"]["instrument"], article=str(eq), source_quality=period["source_quality"]
                )
            other = (period.get("equivalents_other") or {}).get(article)
            if other:
                return HistoricalEquivalent(
                    instrument=other["instrument"], article=str(other["article"]), source_quality=period["source_quality"]
                )
    return None


def law_notes(
    fp: FactPattern, quals: list[Qualification], notes: list[str], warnings: list[str], missing: list[MissingFact]
) -> None:
    lbd = law_by_date()
    d = fp.offence_date
    if d is None:
        notes.append(law("law_by_date", "texts.no_date", lbd["texts"]["no_date"]))
    elif d < cc2021_in_force():
        period = next(
            p for p in lbd["periods"] if (p.get("from") is None or d >= p["from"]) and (p.get("to") is None or d <= p["to"])
        )
        pi = lbd["periods"].index(period)
        label = law("law_by_date", f"period.{pi}.code_label", period["code"]["label"])
        notes.append(law("law_by_date", "texts.retro", lbd["texts"]["retro"]).format(code=label))
        if period.get("note"):
            notes.append(law("law_by_date", f"period.{pi}.note", period["note"]))
        unmapped = sorted({q.article for q in quals if q.historical_equivalent is None})
        if unmapped:
            notes.append(tr("engine.unmapped", articles=", ".join(unmapped)))
    if any(q.article == "166" and q.part == 1 for q in quals):
        warnings.append(_open_question("Q-166-1-PENALTY"))
    ents = [o for o in fp.offenders if o.legal_entity]
    if ents:
        warnings.append(tr("engine.legal_entity", ids=", ".join(o.id for o in ents)))
    if not [o for o in fp.offenders if not o.legal_entity] and quals:
        warnings.append(tr("engine.no_offender"))
    if not fp.victims:
        warnings.append(tr("engine.no_victim"))
    for q in quals:
        if not q.verified:
            warnings.append(tr("engine.unverified", art=q.article))


def _open_question(qid: str) -> str:
    return law("open_questions", qid, open_questions()[qid])
