"""Merging the units' findings (offenders with the same article, part and items share one) and
ranking them in plain Python by LAW.md section 5 rule 6 — trafficking first, then the higher
maximum, then the higher minimum, then 167 before 166 — never by rule firing order."""

from __future__ import annotations

from ..citations import ref
from ..i18n import tr
from ..rulebase.legal import trafficking
from .finding import Finding, seriousness


def merge(findings: list[Finding]) -> list[Finding]:
    merged: dict[tuple, Finding] = {}
    for f in findings:
        k = f.key
        if k in merged:
            m = merged[k]
            m.offenders += [o for o in f.offenders if o not in m.offenders]
            m.victims += [v for v in f.victims if v not in m.victims]
            m.items = sorted(set(m.items) | set(f.items))
            m.readings |= f.readings
            names = {e.element for e in m.elements}
            m.elements += [e for e in f.elements if e.element not in names]
            for i, e in enumerate(m.elements):  # capacity is per offender: keep every offender's line
                other = next((x for x in f.elements if x.element == "capacity"), None)
                if e.element == "capacity" and other is not None and other.reason not in e.reason:
                    m.elements[i] = e.model_copy(
                        update={
                            "reason": f"{e.reason}; {other.reason}",
                            "facts": e.facts + [x for x in other.facts if x not in e.facts],
                            "status": "met" if {e.status, other.status} == {"met"} else e.status,
                        }
                    )
            if m.capacity_excluded and f.reason not in m.reason:  # every offender excluded for age is named
                m.reason = f"{m.reason}; {f.reason}"
        else:
            merged[k] = f
    return list(merged.values())


def rank(findings: list[Finding]) -> None:
    cands = [f for f in findings if f.role in (None, "concurrent")]
    if not cands:
        return

    def key(f: Finding) -> tuple:
        # LAW.md section 5 rule 6: trafficking first, then the higher maximum, then the higher
        # minimum, then 167 before 166; among equals, the qualification with more items (an
        # offender's personal items), then the first offender named — so the choice never rests on
        # the order in which rules fired
        return (f.article in trafficking(), *seriousness(f.article, f.part), f.article == "167", len(f.items))

    best = max(cands, key=key)
    others = [f for f in cands if f is not best]
    if best.article in trafficking() and any(
        f.article not in trafficking() and seriousness(f.article, f.part) > seriousness(best.article, best.part) for f in others
    ):
        best.readings.add("R-TRAFFICKING-FIRST")  # it decided: another article carries a heavier penalty
    lead = ref(best.article, best.part, form="notation")
    best.role = "primary"
    for f in others:
        if f.role is None:
            f.role = "concurrent"
            who = []
            if f.victims != best.victims and f.victims:
                who.append(tr("engine.rank.victims", ids=", ".join(f.victims)))
            if f.offenders != best.offenders:
                who.append(tr("engine.rank.offenders", ids=", ".join(f.offenders)))
            scope = tr("engine.rank.against", who="; ".join(who)) if who else ""
            if f.offenders and not set(f.offenders) & set(best.offenders):
                # other offenders' own qualification (CC art. 43 part 2), not one person's aggregate (art. 21)
                f.reason = tr("engine.rank.own", scope=scope, lead=lead, why=f.reason)
                f.extra_sources.append("CC art. 43 part 2")
            else:
                f.reason = tr("engine.rank.also", scope=scope, lead=lead, why=f.reason)
                f.extra_sources.append("CC art. 21")


ROLE_ORDER = {"primary": 0, "concurrent": 1, "alternative": 2, "competing": 3, "excluded": 4}
