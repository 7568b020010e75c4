"""The lesson of a case: built from `classify()` — the stored expectations only say when the engine and the library disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import tr
from ..models import Findings, Qualification
from ..rulebase.legal import cc2021_in_force
from .cases import Case
from .labels import art, charged_labels, expected_primary, ref, shown_ref, word

# --------------------------------------------------------------------------- the lesson
PROSECUTION_FLAGS = ("recorded_private", "opened_on_complaint_only", "reconciliation_not_permitted")


@dataclass
class Lesson:
    """A case taught from the engine's findings."""

    case: Case
    findings: Findings
    focus: Qualification | None  # the qualification whose elements are taught
    charged: str  # "CC art. 159(3)"
    should_be: str  # "CC art. 167(2) — Trafficking in children"
    engine_answer: str  # "167(2)" or "none", comparable with expected_primary()
    charge_right: bool
    consequences: list[str] = field(default_factory=list)
    non_punishment: list[str] = field(default_factory=list)
    prosecution: list[str] = field(default_factory=list)
    law_notes: list[str] = field(default_factory=list)  # "Law applied", for a case the 2021 code did not govern
    then_in_force: str | None = None  # the focus's article in the code then in force, as `thb classify` names it

    @property
    def verdict(self) -> str:
        tail = tr("training.verdict.right_tail") if self.charge_right else ""
        return tr("training.verdict", charged=self.charged, should_be=self.should_be, tail=tail)

    @property
    def library_answer(self) -> str:
        return expected_primary(self.case)

    @property
    def agrees(self) -> bool:
        """The engine's primary matches the library's expectation (a part not stated matches any)."""
        want = self.case.expect.primary
        prim = self.findings.primary
        if want is None or prim is None:
            return want is None and prim is None
        return prim.article == want.article and (want.part is None or prim.part == want.part)

    @property
    def disagreement(self) -> str:
        return tr("training.disagrees", library=shown_ref(self.library_answer), engine=shown_ref(self.engine_answer))


def _charged_text(case: Case) -> str:
    labels = charged_labels(case)
    if labels:
        return tr("training.and").join(labels)
    record = case.facts.record
    victims = record.victim_charged_with if record else []
    if victims:
        by: dict[str, list[str]] = {}
        for v in victims:
            by.setdefault(art(v.instrument, v.article, v.part), []).append(v.victim)
        parts = [
            tr("training.charged.victims" if len(ids) > 1 else "training.charged.victim", ids=", ".join(ids), offence=a)
            for a, ids in by.items()
        ]
        return tr("training.charged.not_reported_but", victims="; ".join(parts))
    return tr("training.charged.not_reported")


def qual_label(q: Qualification) -> str:
    return f"{art(q.instrument, q.article, q.part)} — {q.title}"


RETRO_READING = "R-RETRO"


def law_caveat(case: Case, f: Findings) -> list[str]:
    """What `thb classify` prints under "Law applied" — the findings' own notes — and its warning
    that the mode and reconciliation were computed from the 2021 code, for a case whose offence
    predates the 2021 code or has no date; nothing for a case the 2021 code governs."""
    d = case.facts.offence_date
    if d is not None and d >= cc2021_in_force():
        return []
    return [*f.law.notes, *(w for w in f.warnings if RETRO_READING in w)]


def lesson(case: Case) -> Lesson:
    """Classify the case's facts and arrange the findings for teaching."""
    from ..analysis.pipeline import classify

    f = classify(case.facts)
    prim = f.primary
    focus = prim or next((q for q in f.qualifications if q.role != "excluded"), None)
    if prim:
        should_be = qual_label(prim)
    elif focus:
        should_be = tr("training.should_be.contested", label=qual_label(focus), role=word("role", focus.role))
    else:
        should_be = tr("training.should_be.nothing")
    wrong = [m for m in f.misclassification if m.kind != "victim_punished"]
    charge_right = (
        prim is not None
        and not wrong
        and any(c.instrument == prim.instrument and c.article == prim.article for c in case.charged_as or [])
    )
    cons: list[str] = []
    for m in f.misclassification:
        for line in (m.explanation, *m.consequences):
            if line not in cons:
                cons.append(line)
    nps = []
    for n in f.non_punishment:
        o = n.offence
        readings = tr("training.np.readings", ids=", ".join(n.readings)) if n.readings else ""
        nps.append(
            tr(
                "training.np.line",
                victim=n.victim,
                offence=art(o.instrument, o.article, o.part),
                applies=word("applies", n.applies),
                reason=n.reason,
                basis="; ".join(n.basis),
                readings=readings,
            )
        )
    pro = [tr(f"training.flag.{fl}") if fl in PROSECUTION_FLAGS else fl for fl in f.prosecution.flags]
    if pro:
        allowed = "permitted" if f.prosecution.reconciliation_permitted else "not_permitted"
        pro.append(
            tr(
                f"training.law.{allowed}",
                mode=word("mode", f.prosecution.mode),
                basis="; ".join(f.prosecution.basis),
            )
        )
    return Lesson(
        case=case,
        findings=f,
        focus=focus,
        charged=_charged_text(case),
        should_be=should_be,
        engine_answer=ref(prim.article, prim.part) if prim else "none",
        charge_right=charge_right,
        consequences=cons,
        non_punishment=nps,
        prosecution=pro,
        law_notes=law_caveat(case, f),
        then_in_force=then_in_force(focus) if focus else None,
    )


def then_in_force(q: Qualification) -> str | None:
    """`then in force: art. 171 of the Criminal Code 2017 (secondary sources only)`: the words of
    the report of `thb classify` (its catalogue), for a qualification with a historical equivalent."""
    h = q.historical_equivalent
    if h is None:
        return None
    return tr(
        "report.then_in_force",
        instrument=tr(f"report.instrument.{h.instrument}"),
        article=h.article,
        quality=tr(f"report.quality.{h.source_quality}"),
    )
