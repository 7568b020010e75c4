"""Facts in, justified findings out: the one pipeline that composes the analysis.

For each case: its units (`units`), the qualification program run over them (`runtime`), the
findings per unit, merged and ranked (`qualify`); then what follows from them — the missing facts
and warnings the programs name (`notices`), the law by date, non-punishment, prosecution,
misclassification — and last, the citations put into the language in force.
"""

from __future__ import annotations

from typing import Any

from ..citations import cite
from ..i18n import lang, use
from ..models import FactPattern, Findings, Law, MissingFact, Qualification
from ..rulebase.compiler import programs
from ..rulebase.files import edition, law_by_date
from ..rulebase.prose import law
from ..runtime import memo
from .law_by_date import law_notes
from .misclassification import misclassification, part_not_recorded
from .non_punishment import non_punishment, victim_status
from .notices import record_checks, unit_outputs
from .prosecution import prosecution
from .qualify import Plan, age_branches, entity_conduct, qualify, to_model
from .units import entities_only


def classify(facts: FactPattern | dict[str, Any], backend: str | None = None, lang: str | None = None) -> Findings:
    """Classify one fact pattern. Takes a dict (FACTS.md v1) or a `FactPattern`; returns `Findings`.

    `lang` ("en" or "ru"; default: `THB_LANG`, else English) sets the language of the prose
    fields; keys and enumeration values stay English."""
    return classify_many([facts], backend, lang)[0]  # type: ignore[return-value]


def classify_many(
    patterns: list[FactPattern | dict[str, Any]],
    backend: str | None = None,
    lang: str | None = None,
    return_exceptions: bool = False,
) -> list[Findings | Exception]:
    """Classify a batch of fact patterns: the same findings as `classify` on each, but the
    rules run over the whole batch's analysis units at once (an audit's chunk of records).

    With `return_exceptions`, a pattern that fails (invalid, or an engine error) gives its
    exception in its place and the others are still classified; otherwise the first raises."""
    backend = backend or memo.backend_name()  # once per batch, not per program run
    plans: list[Plan | Exception] = []
    for facts in patterns:
        try:
            plans.append(Plan.of(facts if isinstance(facts, FactPattern) else FactPattern.model_validate(facts)))
        except Exception as e:
            if not return_exceptions:
                raise
            plans.append(e)
    out: list[Findings | Exception] = []
    try:
        try:
            memo.prefetch("qualification", [a for p in plans if isinstance(p, Plan) for a in p.atoms()], backend)
        except Exception:
            if not return_exceptions:
                raise
            # each case is then run on its own, so the error lands on the case that causes it
        with use(lang):
            for p in plans:
                if isinstance(p, Exception):
                    out.append(p)
                    continue
                try:
                    out.append(_classify(p, backend))
                except Exception as e:
                    if not return_exceptions:
                        raise
                    out.append(e)
    finally:
        memo.clear_ahead()
    return out


def _classify(plan: Plan, backend: str | None) -> Findings:

    fp = plan.fp
    findings, derived = qualify(fp, plan.units, backend)
    extra_missing: list[MissingFact] = []
    extra_warnings: list[str] = []
    entities = entities_only(fp)
    if entities:
        # CC art. 24 part 3: no qualification at all; say what the conduct would make out against
        # the natural persons who acted for the entity (LAW.md section 2)
        extra_warnings += entity_conduct(findings, entities)
        quals: list[Qualification] = []
    else:
        quals = [to_model(f, fp) for f in findings]
    age_branches(plan, backend, findings, extra_missing, extra_warnings)
    out = assemble(fp, quals, derived, backend, extra_missing, extra_warnings)
    return localise_citations(out)


def rule_count() -> dict[str, int]:
    return {name: len(p.rules) for name, p in programs().items()}


def assemble(
    fp: FactPattern,
    quals: list[Qualification],
    derived: list,
    backend: str | None,
    extra_missing: list[MissingFact],
    extra_warnings: list[str],
) -> Findings:
    warnings: list[str] = []
    notes: list[str] = [law("law_by_date", "texts.edition", law_by_date()["texts"]["edition"])]
    missing: list[MissingFact] = []
    unit_outputs(derived, missing, warnings, notes)
    missing += extra_missing
    warnings += extra_warnings
    law_notes(fp, quals, notes, warnings, missing)
    status = victim_status(fp, derived)
    nps = non_punishment(fp, status, backend, missing)
    pro = prosecution(fp, quals, warnings, backend)
    record_checks(fp, warnings)
    part_not_recorded(fp, quals, warnings)
    mis = misclassification(fp, quals, nps, missing)
    return Findings(
        case_id=fp.case_id,
        law=Law(
            instrument="CC",
            edition=str(edition()["consolidated_to"]),
            offence_date=fp.offence_date.isoformat() if fp.offence_date else None,
            notes=_dedupe(notes),
        ),
        qualifications=quals,
        misclassification=mis,
        prosecution=pro,
        non_punishment=nps,
        missing_facts=_dedupe_missing(missing),
        warnings=_dedupe(warnings),
    )


def _dedupe(xs: list[str]) -> list[str]:
    return list(dict.fromkeys(xs))


def _dedupe_missing(xs: list[MissingFact]) -> list[MissingFact]:
    seen: dict[tuple[str, str], MissingFact] = {}
    for m in xs:
        k = (m.fact, m.question)
        if k in seen:
            seen[k].affects = _dedupe(seen[k].affects + m.affects)
        else:
            seen[k] = m
    return list(seen.values())


def localise_citations(findings: Any) -> Any:
    """Put every citation field of the findings (sources, element sources, bases, `affects`) in the
    language in force. Done last, after the engine compared citations internally in English."""
    if lang() == "en":
        return findings
    for q in findings.qualifications:
        q.sources = [cite(x) for x in q.sources]
        for pl in q.penalty_limits:
            pl.basis = [cite(x) for x in pl.basis]
        q.elements = [e.model_copy(update={"source": cite(e.source)}) for e in q.elements]
    for n in findings.non_punishment:
        n.basis = [cite(x) for x in n.basis]
    findings.prosecution.basis = [cite(x) for x in findings.prosecution.basis]
    for m in findings.missing_facts:
        m.affects = [cite(x) for x in m.affects]
    return findings
