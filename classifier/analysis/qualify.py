"""From units to qualifications: each unit's findings built once per atom set as templates and
filled in with the unit's people; merged, ranked, turned into the output model; the child age
bands of a victim whose age is not stated; the conduct of legal entities alone."""

from __future__ import annotations

from dataclasses import dataclass

from ..citations import ref
from ..i18n import lang, tr
from ..models import FactPattern, MissingFact, Qualification
from ..rulebase.compiler import article_logic
from ..rulebase.files import catalogue
from ..rulebase.legal import cc2021_in_force, prosecution_mode, trafficking
from ..rulebase.prose import law
from ..runtime import memo
from ..runtime.justification import Derivation
from .elements import MARK, article_elements, capacity_element, capacity_reason, field_for, made_out, make_element
from .finding import Finding, chosen_part, items_of, penalty_text, seriousness
from .law_by_date import historical
from .penalties import penalty_limits
from .ranking import ROLE_ORDER, merge, rank
from .roles import assign_role
from .units import Unit, build_units


def unit_findings(unit: Unit, d: Derivation, full: bool = True) -> list[Finding]:
    """The unit's findings; `full=False` decides articles, parts and roles only (no elements,
    no prose), which is all the age-band comparison needs.

    Everything but the people is decided by the unit's atom set, so the findings are built once
    per atom set (and language, and whether the offender and their age are known) as templates,
    and each unit fills in its own offender, victims and fact paths."""
    o = unit.offender
    people = (o is not None, o is not None and o.age is not None)
    key = ("findings", full, lang(), people)
    templates = d.core.cache.get(key)
    if templates is None:
        marks = {a: [MARK + a] for a in d.core.base}
        templates = _templates(Derivation(d.core, marks), full, people)
        d.core.compact()
        d.core.cache[key] = templates
    return [_instantiate(t, unit, d) for t in templates]


def _templates(d: Derivation, full: bool, people: tuple[bool, bool]) -> list[Finding]:
    made: dict[str, int | None] = {}
    logic = article_logic()
    for art in logic:
        if f"{art}.core" in d.atoms:
            made[art] = chosen_part(d, art)
    # the trafficking articles first: the other articles' roles refer to the one that prevails
    order = sorted(made, key=lambda a: a not in trafficking())
    out = []
    traf = "166"
    for art in order:
        part = made[art]
        elements, used = article_elements(d, art, people) if full else ([], set())
        core = d.support(f"{art}.core.{part or 0}")
        rd = set(core.readings) | used
        items = [i for p, i in items_of(d, art) if p == part]
        f = Finding(
            article=art,
            part=part,
            items=items,
            role=None,
            reason=made_out(art, part, items, elements) if full else "",
            offenders=[],
            victims=[],
            readings=rd,
            elements=elements,
            unit=None,  # type: ignore[arg-type]
        )
        assign_role(f, d, made, traf)
        out.append(f)
        if art in trafficking() and f.role is None and (traf != "167" or art == "167"):
            traf = art  # the binding trafficking finding (167 before 166 when both stand)
    for f in out:  # the special norm carries the reading that made it prevail
        if f.role == "competing" and f.role_rule:
            for g in out:
                if g.article == f.by:
                    g.readings |= set(f.role_rule.readings)
    return out


def _instantiate(t: Finding, unit: Unit, d: Derivation) -> Finding:
    """A template finding for one unit: its offender, victims and fact paths."""
    o = unit.offender
    elements = []
    for e in t.elements:
        if e.element == "capacity":
            elements.append(capacity_element(d, t.article, unit, e))
            continue
        facts: list[str] = []
        for x in e.facts:
            facts += [p for p in (unit.paths.get(x[1:], ()) if x.startswith(MARK) else (x,)) if p not in facts]
        if not facts and not e.element.startswith("part "):
            facts = [field_for(e.element)]
        # the template's element (validated) with the unit's facts; nothing of it is shared with the output
        elements.append(make_element(e.element, e.status, facts, e.reason, e.source, e.interpretation, list(e.readings)))
    return Finding(
        article=t.article,
        part=t.part,
        items=list(t.items),
        role=t.role,
        reason=capacity_reason(t.article, o) if t.capacity_excluded else t.reason,
        offenders=[o.id] if o else [],
        victims=[v.id for v in unit.victims],
        readings=set(t.readings),
        elements=elements,
        unit=unit,
        role_rule=t.role_rule,
        by=t.by,
        extra_sources=list(t.extra_sources),
        capacity_excluded=t.capacity_excluded,
    )


def to_model(f: Finding, fp: FactPattern) -> Qualification:
    art = catalogue()[f.article]
    p = f.part_data
    readings_ = set(f.readings)
    if fp.offence_date and fp.offence_date < cc2021_in_force():
        readings_.add("R-RETRO")
    rd = sorted(readings_)
    sources = [ref(f.article, f.part, form="citation")] + [ref(f.article, f.part, [i], form="citation") for i in f.items]
    if f.role_rule:
        sources.append(f.role_rule.provision)
    sources += f.extra_sources
    gravity = p.gravity if p.gravity in ("minor", "less_grave", "grave", "especially_grave") else None
    return Qualification(
        instrument=art.instrument,
        article=f.article,
        part=f.part,
        items=sorted(f.items),
        title=(art.title_ru or law("titles", art.article, art.title)) if lang() == "ru" else art.title,
        role=f.role or "primary",
        reason=f.reason,
        offenders=f.offenders,
        victims=f.victims,
        gravity=gravity,
        prosecution=prosecution_mode(f.article, f.part, gravity),
        penalty=penalty_text(f.article, f.part, p),
        penalty_limits=[] if f.role == "excluded" else penalty_limits(p, [o for o in fp.offenders if o.id in f.offenders]),
        interpretation=bool(rd),
        readings=rd,
        historical_equivalent=historical(f.article, fp.offence_date),
        elements=f.elements,
        sources=list(dict.fromkeys(sources)),
        verified=art.verified,
    )


def qualify(
    fp: FactPattern, units: list[Unit], backend: str | None, full: bool = True
) -> tuple[list[Finding], list[tuple[Unit, Derivation]]]:
    derived = list(zip(units, memo.derive("qualification", units, backend), strict=True))
    findings: list[Finding] = []
    for u, d in derived:
        findings += unit_findings(u, d, full)
    findings = merge(findings)
    rank(findings)
    findings.sort(key=lambda f: (ROLE_ORDER[f.role or "primary"], -seriousness(f.article, f.part)[0], f.article))
    return findings, derived


# A victim's age not stated: the child branch is analysed in each band where the law differs
# (CC art. 167(3)1 and 170(3)1 under 14; 157 under 16; 169(2)2 and 170(2)2 from 14 to 17).
AGE_BANDS = (("engine.age.band.u14", 10), ("engine.age.band.14_15", 15), ("engine.age.band.16_17", 17))


@dataclass
class Plan:
    """One case ready for the engine: its analysis units, and for a victim whose age is not
    stated, the same case with that victim in each child age band."""

    fp: FactPattern
    units: list[Unit]
    bands: list[tuple[str, FactPattern, list[Unit]]]

    @classmethod
    def of(cls, fp: FactPattern) -> Plan:
        ids = {v.id for v in fp.victims if fp.victim_age(v) is None}
        bands = []
        for band, age in AGE_BANDS if ids else ():
            alt = fp.model_copy(update={"victims": [v.model_copy(update={"age": age}) if v.id in ids else v for v in fp.victims]})
            bands.append((band, alt, build_units(alt)))
        return cls(fp, build_units(fp), bands)

    def atoms(self) -> list[set[str]]:
        return [u.atoms for u in self.units] + [u.atoms for _, _, us in self.bands for u in us]


def entity_conduct(findings: list[Finding], entities: list) -> list[str]:
    ids = ", ".join(o.id for o in entities)
    out = []
    for f in findings:
        if f.role in (None, "primary", "concurrent", "alternative"):
            reference = ref(f.article, f.part, f.items, form="full")
            key = "engine.entity.alternative" if f.role == "alternative" else "engine.entity.conduct"
            out.append(tr(key, ref=reference, ids=ids))
    if not out:
        out.append(tr("engine.entity.nothing", ids=ids))
    return out


def summary_of(findings: list[Finding]) -> str:
    prim = next((f for f in findings if (f.role or "primary") == "primary"), None)
    return ref(prim.article, prim.part, form="notation") if prim else tr("engine.none")


def age_branches(
    plan: Plan, backend: str | None, findings: list[Finding], missing: list[MissingFact], warnings: list[str]
) -> None:
    """Report what would change if a victim whose age is not stated was a child."""
    if not plan.bands:
        return
    fp = plan.fp
    unknown = [v for v in fp.victims if fp.victim_age(v) is None]
    ids = {v.id for v in unknown}

    def shape(fs: list[Finding]) -> set[tuple]:
        return {(f.article, f.part, f.role or "primary") for f in fs}

    main = shape(findings)
    diffs = []
    for band, alt_fp, units in plan.bands:
        alt, _ = qualify(alt_fp, units, backend, full=False)
        if shape(alt) != main:
            diffs.append(f"{tr(band)}: {summary_of(alt)}")
    if not diffs:
        return
    names = ", ".join(sorted(ids))
    warnings.append(tr("engine.age.warning", names=names, primary=summary_of(findings), diffs="; ".join(diffs)))
    for v in unknown:
        missing.append(
            MissingFact(
                affects=["CC art. 166", "CC art. 167", "CC appendix 1 item 9"],
                fact=f"victims[{v.id}].age",
                question=tr("engine.age.question", victim=v.id, diffs="; ".join(diffs)),
            )
        )
