"""Misclassification (LAW.md section 6): what the case was charged as against what the facts make
out — trafficking not charged, the wrong trafficking article, the wrong part, an overcharge, a
victim punished — and what each costs the victim (`rules/consequences.yaml`)."""

from __future__ import annotations

from ..citations import ref_of
from ..i18n import tr
from ..models import ArticleRef, FactPattern, Misclassification, MissingFact, NonPunishment, Qualification
from ..rulebase.files import catalogue, consequences, readings
from ..rulebase.legal import low_gravity, trafficking
from ..rulebase.prose import law
from .units import has_child


def _ex(key: str) -> str:
    return law("consequences", f"explanations.{key}", consequences()["explanations"][key])


def _traf_charge(c) -> bool:
    return any(c.instrument == t["instrument"] and c.article == t["article"] for t in consequences()["trafficking_articles"])


def _charge_max_and_gravity(c) -> tuple[float, str]:
    """The charged part's maximum imprisonment and gravity; nan and `unknown` when they cannot be
    known — a charge recorded without a part has an unknown part, never the lowest (LAW.md section 6)."""
    if c.instrument in ("CoO", "CoM"):
        return 0.0, "minor"
    if c.instrument == "CC":
        art = catalogue().get(c.article)
        if art and art.parts:
            if c.part in art.parts:
                p = art.parts[c.part]
            elif c.part is None and len(art.parts) == 1:
                p = next(iter(art.parts.values()))  # an article with a single part (or none)
            else:
                return float("nan"), "unknown"
            return p.max_years, p.gravity
    return float("nan"), "unknown"


def _charge_weight(c) -> float:
    top = _charge_max_and_gravity(c)[0]
    return -1.0 if top != top else top  # an unknown maximum (nan) weighs least


def _consequences(kinds: list[str], charged, suggested: Qualification | None) -> list[str]:
    texts = consequences()["consequences"]
    out = [law("consequences", f"consequences.{k}", texts[k]) for k in kinds]
    cmax, cgrav = _charge_max_and_gravity(charged)
    if suggested is not None:
        smax = catalogue()[suggested.article].parts[suggested.part].max_years
        if cmax == cmax and cmax < smax:  # nan (unknown charge) compares false
            out.append(law("consequences", "consequences.lower_penalty", texts["lower_penalty"]))
    if cgrav in low_gravity():
        out.append(law("consequences", "consequences.reconciliation", texts["reconciliation"]))
    return out


def misclassification(
    fp: FactPattern, quals: list[Qualification], nps: list[NonPunishment], missing: list[MissingFact]
) -> list[Misclassification]:
    rec = fp.record
    if rec is None:
        return []
    out: list[Misclassification] = []
    prim = next((q for q in quals if q.role == "primary"), None)
    alts = [q for q in quals if q.role == "alternative" and q.article in trafficking()]
    traf_prim = prim if prim is not None and prim.article in trafficking() else None
    charges = list(rec.charges)
    traf_charges = [c for c in charges if _traf_charge(c)]

    def ref(q: Qualification) -> ArticleRef:
        return ArticleRef(instrument=q.instrument, article=q.article, part=q.part)

    if charges and not traf_charges and (traf_prim or alts):
        sug = traf_prim or alts[0]
        charged = max(charges, key=_charge_weight)  # the most serious charge laid
        key = "trafficking_not_charged" if traf_prim else "trafficking_not_charged_alt"
        out.append(
            Misclassification(
                charged=ArticleRef(**charged.model_dump()),
                suggested=ref(sug),
                kind="trafficking_not_charged",
                severity="high" if traf_prim else "medium",
                explanation=_ex(key).format(suggested=ref_of(ref(sug)), charged=ref_of(charged))
                + (" " + tr("engine.mis.part_unknown") if _charge_max_and_gravity(charged)[1] == "unknown" else ""),
                consequences=_consequences(["no_status", "no_non_punishment"], charged, sug),
                interpretation=sug.interpretation,
            )
        )
    for c in traf_charges:
        cref = ArticleRef(**c.model_dump())
        if c.instrument != "CC":
            continue  # an old code's trafficking article: its 2021 equivalent is shown as historical_equivalent
        if traf_prim is None:
            why = "; ".join(m.question for m in missing if set(m.affects) & {"CC art. 166", "CC art. 167"}) or tr(
                "engine.mis.why_nothing"
            )
            out.append(
                Misclassification(
                    charged=cref,
                    suggested=ref(alts[0]) if alts else (ref(prim) if prim else None),
                    kind="overcharged",
                    severity="low",
                    explanation=_ex("overcharged").format(charged=ref_of(cref), why=why),
                    consequences=[],
                    interpretation=bool(alts and alts[0].interpretation),
                )
            )
        elif c.article != traf_prim.article:
            if any(q.article == c.article and q.role in ("primary", "concurrent") and c.part in (None, q.part) for q in quals):
                continue  # the charge is a co-offender's own qualification (CC art. 43 part 2)
            out.append(_wrong_article(fp, quals, c, cref, traf_prim))
    if prim is not None:
        for c in charges:
            if (
                c.instrument == "CC"
                and c.article == prim.article
                and c.part is not None
                and prim.part is not None
                and c.part != prim.part
            ):
                cref = ArticleRef(**c.model_dump())
                lower = (
                    c.part != prim.part and _charge_max_and_gravity(c)[0] < catalogue()[prim.article].parts[prim.part].max_years
                )
                why = (
                    tr(
                        "engine.mis.why_items",
                        items=", ".join(tr("engine.item", part=prim.part, item=i) for i in prim.items)
                        or tr("engine.mis.see_elements"),
                    )
                    if lower
                    else tr("engine.mis.why_aggravation")
                )
                out.append(
                    Misclassification(
                        charged=cref,
                        suggested=ref(prim),
                        kind="wrong_part",
                        severity="medium",
                        explanation=_ex("wrong_part").format(charged=ref_of(cref), suggested=ref_of(ref(prim)), why=why),
                        consequences=_consequences([], c, prim) if lower else [],
                        interpretation=prim.interpretation,
                    )
                )
    if rec.victim_charged_with:
        for c in rec.victim_charged_with:
            for n in nps:
                if (
                    n.victim == c.victim
                    and n.offence.article == c.article
                    and n.offence.instrument == c.instrument
                    and n.applies in ("yes", "unclear")
                ):
                    cref = ArticleRef(instrument=c.instrument, article=c.article, part=c.part)
                    how = tr("engine.mis.victim_yes") if n.applies == "yes" else tr("engine.mis.victim_unclear")
                    out.append(
                        Misclassification(
                            charged=cref,
                            suggested=None,
                            kind="victim_punished",
                            severity="high" if n.applies == "yes" else "medium",
                            explanation=_ex("victim_punished").format(victim=c.victim, charged=ref_of(cref), how=how),
                            consequences=[
                                law("consequences", f"consequences.{k}", consequences()["consequences"][k])
                                for k in ("treated_as_offender", "no_non_punishment")
                            ],
                            interpretation=n.interpretation,
                            victim=c.victim,
                        )
                    )
                    break
    return out


def _wrong_article(fp: FactPattern, quals: list[Qualification], c, cref: ArticleRef, prim: Qualification) -> Misclassification:
    """A trafficking article charged where the other one applies (LAW.md section 6): high where
    the charge cannot stand (167 against an offender aged 14 or 15; 166 for the sale or purchase of
    a child, trade in the strict sense), medium where the suggestion rests on R-167-SPECIAL or
    R-167-SPECIAL-LIMIT, whose rival views support the charge."""
    sugg = ArticleRef(instrument=prim.instrument, article=prim.article, part=prim.part)
    rival_of = None
    if c.article == "167" and any(q.article == "167" and q.role == "excluded" for q in quals):
        severity, why = "high", tr("engine.mis.why_capacity_167")
    elif c.article == "167" and not has_child(fp, prim.victims):
        severity, why = "high", tr("engine.mis.why_adult")
    elif c.article == "166" and prim.article == "167" and {"sale", "purchase"} & set(fp.acts):
        severity, why = "high", tr("engine.mis.why_child_traded")
    elif c.article == "166" and prim.article == "167":
        severity, why, rival_of = "medium", tr("engine.mis.why_child"), "R-167-SPECIAL"
    elif "R-167-SPECIAL-LIMIT" in prim.readings:
        severity, why, rival_of = "medium", tr("engine.mis.why_limit"), "R-167-SPECIAL-LIMIT"
    else:
        severity, why = "high", tr("engine.mis.why_not_167")
    if rival_of:
        rd = readings()[rival_of]
        explanation = _ex("wrong_article_defensible").format(
            charged=ref_of(cref),
            suggested=ref_of(sugg),
            why=why,
            reading=rival_of,
            rival=law("readings", f"{rival_of}.rival", rd["rival"]),
        )
    else:
        explanation = _ex("wrong_article").format(charged=ref_of(cref), suggested=ref_of(sugg), why=why)
    return Misclassification(
        charged=cref,
        suggested=sugg,
        kind="wrong_article",
        severity=severity,
        explanation=explanation,
        consequences=_consequences([], c, prim),
        interpretation=prim.interpretation or rival_of is not None,
    )


def part_not_recorded(fp: FactPattern, quals: list[Qualification], warnings: list[str]) -> None:
    """A charge of an article made out, recorded without a part: its part is unknown (LAW.md section 6)."""
    if fp.record is None:
        return
    for c in fp.record.charges:
        if c.instrument != "CC" or c.part is not None:
            continue
        art = catalogue().get(c.article)
        if art is None or None in art.parts:
            continue  # an article without parts: nothing is missing
        q = next((q for q in quals if q.article == c.article and q.role in ("primary", "concurrent")), None)
        if q is not None:
            sugg = ArticleRef(instrument=q.instrument, article=q.article, part=q.part)
            warnings.append(_ex("part_not_recorded").format(charged=ref_of(ArticleRef(**c.model_dump())), suggested=ref_of(sugg)))
