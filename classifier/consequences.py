"""What follows from the qualifications: misclassification, prosecution, non-punishment,
missing facts, warnings and the law applied (LAW.md sections 6-9).

The texts and citations come from `rules/consequences.yaml`, `rules/law-by-date.yaml`,
`rules/missing-facts.rules.yaml`, `rules/warnings.rules.yaml` and
`rules/non-punishment.rules.yaml`; the non-punishment outcome itself is decided by the
`non_punishment` rule program.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .compiler import programs
from .i18n import lang, law, tr
from .models import (
    ArticleRef,
    FactPattern,
    Findings,
    Law,
    Misclassification,
    MissingFact,
    NonPunishment,
    Prosecution,
    Qualification,
    Victim,
    VictimOffence,
)
from .ruledata import (
    catalogue,
    consequences,
    edition,
    is_child,
    law_by_date,
    logic_files,
    param,
    params,
    prosecution_rules,
    readings,
)
from .units import CC2021_IN_FORCE

LOW_GRAVITY = ("minor", "less_grave")
TRAFFICKING = ("166", "167")


def assemble(
    fp: FactPattern,
    quals: list[Qualification],
    derived: list,
    backend: str | None,
    extra_missing: list[MissingFact],
    extra_warnings: list[str],
) -> Findings:
    from .engine import Derivation  # noqa: F401  (type only)

    warnings: list[str] = []
    notes: list[str] = [law("law_by_date", "texts.edition", law_by_date()["texts"]["edition"])]
    missing: list[MissingFact] = []
    _unit_outputs(derived, missing, warnings, notes)
    missing += extra_missing
    warnings += extra_warnings
    _law_notes(fp, quals, notes, warnings, missing)
    status = _victim_status(fp, derived)
    nps = _non_punishment(fp, status, backend, missing)
    pro = _prosecution(fp, quals, warnings, backend)
    _record_checks(fp, warnings)
    _part_not_recorded(fp, quals, warnings)
    mis = _misclassification(fp, quals, nps, missing)
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


# --------------------------------------------------------------------------- missing facts, warnings
def _unit_outputs(derived: list, missing: list[MissingFact], warnings: list[str], notes: list[str]) -> None:
    files = logic_files()
    mf = files["missing-facts.rules.yaml"]["facts"]
    wt = files["warnings.rules.yaml"]["texts"]
    for unit, d in derived:
        outputs = d.core.outputs
        if outputs is None:  # the unit's atoms that name a missing fact or a warning, once per atom set
            outputs = d.core.outputs = [a for a in d.core.sorted_atoms if a in mf or a in wt]
        for atom in outputs:
            if atom in mf:
                meta = mf[atom]
                off = unit.offender.id if unit.offender else "-"
                missing.append(
                    MissingFact(
                        affects=list(meta["affects"]),
                        fact=meta["fact"].format(offender=off),
                        question=law("missing_facts", atom, " ".join(str(meta["question"]).split())),
                    )
                )
            elif atom in wt:
                (notes if wt[atom].get("to") == "notes" else warnings).append(law("warnings", atom, wt[atom]["text"]))
        o = unit.offender
        if o is not None and o.age is None and any(a.endswith(".core") for a in d.atoms):
            missing.append(
                MissingFact(
                    affects=["CC art. 28"],
                    fact=f"offenders[{o.id}].age",
                    question=tr("engine.offender_age.question", who=o.id),
                )
            )


def _law_notes(
    fp: FactPattern, quals: list[Qualification], notes: list[str], warnings: list[str], missing: list[MissingFact]
) -> None:
    lbd = law_by_date()
    d = fp.offence_date
    if d is None:
        notes.append(law("law_by_date", "texts.no_date", lbd["texts"]["no_date"]))
    elif d < CC2021_IN_FORCE:
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
    from .ruledata import open_questions

    return law("open_questions", qid, open_questions()[qid])


# --------------------------------------------------------------------------- victim status
def _victim_status(fp: FactPattern, derived: list) -> dict[str, dict[str, bool]]:
    out: dict[str, dict[str, bool]] = {v.id: {"victim": False, "contested": False, "child": False} for v in fp.victims}
    for unit, d in derived:
        for v in unit.victims:
            st = out[v.id]
            st["victim"] |= "status.victim" in d.atoms
            st["contested"] |= "status.contested" in d.atoms
            st["child"] |= "status.child" in d.atoms
    for st in out.values():
        if st["victim"]:
            st["contested"] = False
    return out


# --------------------------------------------------------------------------- non-punishment
def _kind(o: VictimOffence | Any) -> str:
    if o.instrument in ("CoO", "CoM"):
        return "administrative"
    if o.instrument == "other":
        return o.kind or "criminal"
    return "criminal"


def _gravity_of(o: VictimOffence) -> str | None:
    if o.instrument == "CC":
        art = catalogue().get(o.article)
        if art and art.parts:
            if o.part in art.parts:
                return art.parts[o.part].gravity
            if o.part is None:
                gs = {p.gravity for p in art.parts.values()}
                if len(gs) == 1:
                    return gs.pop()
    if o.max_penalty_years is not None:
        from .ruledata import gravity_for

        return gravity_for(o.max_penalty_years)
    return None


def _capacity_age(o: VictimOffence) -> int:
    ages = params()["ages"]
    if _kind(o) == "administrative":
        return ages["capacity_offences"]["value"]  # CoO art. 15 part 1
    cap14 = consequences()["capacity_14"]
    if o.instrument == "CC" and o.article in cap14:
        parts = cap14[o.article]
        if parts == "all" or (o.part is not None and o.part in parts):
            return ages["capacity_listed_crimes"]["value"]  # CC art. 28 part 2
    return ages["capacity_general"]["value"]  # CC art. 28 part 1


def _offences(fp: FactPattern) -> list[tuple[Victim, VictimOffence, str]]:
    """Each victim offence with its input path; record charges with no matching offence join
    with their causal link unknown."""
    out = []
    vmap = {v.id: v for v in fp.victims}
    for v in fp.victims:
        for i, o in enumerate(v.offences):
            out.append((v, o, f"victims[{v.id}].offences[{i}].caused_by_trafficking"))
    if fp.record:
        for c in fp.record.victim_charged_with:
            v = vmap[c.victim]
            if not any(o.instrument == c.instrument and o.article == c.article for o in v.offences):
                o = VictimOffence(
                    instrument=c.instrument, article=c.article, part=c.part, kind="criminal" if c.instrument == "other" else None
                )
                out.append((v, o, f"victims[{v.id}].offences"))
    return out


def _non_punishment(fp: FactPattern, status: dict, backend: str | None, missing: list[MissingFact]) -> list[NonPunishment]:
    items = _offences(fp)
    if not items:
        return []
    units: list[set[str]] = []
    for v, o, _ in items:
        st = status[v.id]
        a = {"vs.victim" if st["victim"] else "vs.contested" if st["contested"] else "vs.none"}
        if st["child"]:
            a.add("vs.child")
        if v.citizenship and v.citizenship not in ("KG", "unknown"):
            a.add("vs.foreign")  # a foreign citizen or stateless (Law 55 art. 28 part 3)
        age = fp.victim_age(v)
        if age is not None and age < _capacity_age(o):
            a.add("np.below_age")
        a.add({True: "caused.yes", False: "caused.no", None: "caused.unknown"}[o.caused_by_trafficking])
        kind = _kind(o)
        a.add(f"kind.{kind}")
        if o.instrument == "CoM":
            a.add("inst.com")
        if kind == "criminal":
            g = _gravity_of(o)
            a.add("grav.unknown" if g is None else "grav.low" if g in LOW_GRAVITY else "grav.high")
        if fp.offence_date is not None:
            if fp.offence_date < CC2021_IN_FORCE:
                a.add("date.pre2021")
            if fp.offence_date < param("dates", "law55_adopted"):
                a.add("date.pre_law55")
        if o.foreign_law:
            a.add("foreign_law")
        units.append(a)
    from .engine import _run

    fired = _run("non_punishment", units, backend)
    prog = programs()["non_punishment"]
    data = logic_files()["non-punishment.rules.yaml"]
    outcomes, additions = data["outcomes"], data["additions"]
    out = []
    for (v, o, path), fr in zip(items, fired, strict=True):
        derived = [t for rid in fr for t in prog.rules[rid].then]
        results = [t for t in derived if t in outcomes]
        if len(results) != 1:
            raise RuntimeError(f"non-punishment rules gave {results or 'no outcome'} for {v.id} art. {o.article}")
        meta = outcomes[results[0]]
        rd = sorted({r for rid in fr for r in prog.rules[rid].readings})
        reason = law("non_punishment", results[0], " ".join(str(meta["reason"]).split()))
        if results[0] in ("np.too_young_crime", "np.too_young_offence"):
            reason = tr("engine.np.too_young", victim=v.id, age=fp.victim_age(v), cap=_capacity_age(o)) + reason
        basis = list(meta["basis"])
        for k, add in additions.items():  # in the order the rule file lists them
            if k in derived:
                reason += " " + law("non_punishment", k, " ".join(str(add["reason"]).split()))
                basis += [b for b in add.get("basis") or [] if b not in basis]
        out.append(
            NonPunishment(
                victim=v.id,
                offence=ArticleRef(instrument=o.instrument, article=o.article, part=o.part),
                applies=meta["applies"],
                basis=basis,
                reason=reason,
                interpretation=bool(rd),
                readings=rd,
            )
        )
        if results[0] == "np.cause_unknown":
            missing.append(
                MissingFact(
                    affects=["CC art. 166 note", "Law 55 art. 12"],
                    fact=path,
                    question=tr("engine.np.cause_question", victim=v.id, article=o.article, instrument=o.instrument),
                )
            )
        if results[0] == "np.gravity_unknown":
            missing.append(
                MissingFact(
                    affects=["CC art. 166 note"],
                    fact=path.replace("caused_by_trafficking", "max_penalty_years"),
                    question=tr("engine.np.gravity_question", article=o.article, instrument=o.instrument),
                )
            )
    return out


# --------------------------------------------------------------------------- prosecution
def _ex(key: str) -> str:
    return law("consequences", f"explanations.{key}", consequences()["explanations"][key])


def _prosecution(fp: FactPattern, quals: list[Qualification], warnings: list[str], backend: str | None) -> Prosecution:
    """Prosecution and reconciliation (LAW.md section 7): the `prosecution` rule program
    (rules/prosecution.rules.yaml) decides, over one unit of facts of the case."""
    data = prosecution_rules()
    considered = [q for q in quals if q.role in ("primary", "concurrent")] or [q for q in quals if q.role == "alternative"]
    atoms = _prosecution_atoms(fp, considered)
    from .engine import _run

    (fired,) = _run("prosecution", [atoms], backend)
    prog = programs()["prosecution"]
    out = set(atoms) | {t for rid in fired for t in prog.rules[rid].then}
    modes = [m for m in ("public", "private_public") if f"mode.{m}" in out]
    recon = [r for r in ("permitted", "barred") if f"recon.{r}" in out]
    if not considered:
        if modes or recon:
            raise RuntimeError(f"prosecution rules decided {modes + recon} for a case with no qualification")
        return Prosecution(mode=None, reconciliation_permitted=None, basis=[], flags=[])
    if len(modes) != 1 or len(recon) != 1:
        raise RuntimeError(f"prosecution rules gave mode {modes} and reconciliation {recon}")
    basis = [v if _is_code(v) else law("prosecution", k, v) for k, v in data["basis"].items() if k in out]
    flags = [v for k, v in data["flags"].items() if k in out]
    warnings += [law("prosecution", k, v) for k, v in data["warnings"].items() if k in out]
    return Prosecution(mode=modes[0], reconciliation_permitted=recon[0] == "permitted", basis=basis, flags=flags)


def _is_code(text: str) -> bool:
    """A citation or a reading id (put into Russian form by `i18n.cite`), not a sentence to translate."""
    return " " not in text.strip() or text.startswith(("CPC ", "CC ", "R-"))


def _prosecution_atoms(fp: FactPattern, considered: list[Qualification]) -> set[str]:
    """The facts of the case the prosecution rules read (their list: rules/prosecution.rules.yaml)."""
    a: set[str] = set()
    if not considered:
        a.add("pr.considered.none")
    if any(q.prosecution != "private_public" for q in considered):
        a.add("pr.public")  # a public qualification, or one whose gravity is unknown
    if {"organised_group", "criminal_community"} & set(fp.circumstances):
        a.add("pr.organised")
    if any(v.dependent_on_offender for v in fp.victims):
        a.add("pr.dependent")
    if any(q.article in TRAFFICKING and _has_child(fp, q.victims) for q in considered):
        a.add("pr.child_trafficking")
    carers = {o.id for o in fp.offenders if o.relation in ("parent", "carer") and not o.legal_entity}
    if any(_has_child(fp, q.victims) and carers & set(q.offenders) for q in considered):
        a.add("pr.representative")
    rec = fp.record
    if rec is not None:
        if rec.opened_on_victim_complaint is True:
            a.add("pr.complaint.yes")
        elif rec.opened_on_victim_complaint is False:
            a.add("pr.complaint.no")
        if rec.prosecution in ("private", "private_public"):
            a.add("pr.recorded_private")
        if rec.terminated_by_reconciliation:
            a.add("pr.reconciled")
    if fp.offence_date is not None and fp.offence_date < CC2021_IN_FORCE:
        a.add("date.pre2021")
    return a


def _has_child(fp: FactPattern, ids: list[str]) -> bool:
    return any(v.id in ids and is_child(fp.victim_age(v)) for v in fp.victims)


# --------------------------------------------------------------------------- misclassification
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


def _label(ref) -> str:
    if ref.instrument == "other":  # an instrument outside the catalogue: the article as recorded
        return tr("engine.label.other", article=ref.article) + (f" ({ref.part})" if ref.part is not None else "")
    if lang() == "ru":
        code = {"CC": "УК", "CoO": "КоП", "CoM": "КоПр 2017 г.", "CC2017": "УК 2017 г.", "CC1997": "УК 1997 г."}.get(
            ref.instrument, ref.instrument
        )
        return (f"ч. {ref.part} " if ref.part is not None else "") + f"ст. {ref.article} {code}"
    inst = "" if ref.instrument == "CC" else f"{ref.instrument} "
    return inst + tr("engine.label.article", article=ref.article) + (f"({ref.part})" if ref.part is not None else "")


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
    if cgrav in LOW_GRAVITY:
        out.append(law("consequences", "consequences.reconciliation", texts["reconciliation"]))
    return out


def _misclassification(
    fp: FactPattern, quals: list[Qualification], nps: list[NonPunishment], missing: list[MissingFact]
) -> list[Misclassification]:
    rec = fp.record
    if rec is None:
        return []
    out: list[Misclassification] = []
    prim = next((q for q in quals if q.role == "primary"), None)
    alts = [q for q in quals if q.role == "alternative" and q.article in ("166", "167")]
    traf_prim = prim if prim is not None and prim.article in ("166", "167") else None
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
                explanation=_ex(key).format(suggested=_label(ref(sug)), charged=_label(charged))
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
            why = "; ".join(f"{m.fact}: {m.question}" for m in missing if set(m.affects) & {"CC art. 166", "CC art. 167"}) or tr(
                "engine.mis.why_nothing"
            )
            out.append(
                Misclassification(
                    charged=cref,
                    suggested=ref(alts[0]) if alts else (ref(prim) if prim else None),
                    kind="overcharged",
                    severity="low",
                    explanation=_ex("overcharged").format(charged=_label(cref), why=why),
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
                        explanation=_ex("wrong_part").format(charged=_label(cref), suggested=_label(ref(prim)), why=why),
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
                            explanation=_ex("victim_punished").format(victim=c.victim, charged=_label(cref), how=how),
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
    elif c.article == "167" and not _has_child(fp, prim.victims):
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
            charged=_label(cref),
            suggested=_label(sugg),
            why=why,
            reading=rival_of,
            rival=law("readings", f"{rival_of}.rival", rd["rival"]),
        )
    else:
        explanation = _ex("wrong_article").format(charged=_label(cref), suggested=_label(sugg), why=why)
    return Misclassification(
        charged=cref,
        suggested=sugg,
        kind="wrong_article",
        severity=severity,
        explanation=explanation,
        consequences=_consequences([], c, prim),
        interpretation=prim.interpretation or rival_of is not None,
    )


def _record_checks(fp: FactPattern, warnings: list[str]) -> None:
    """Warnings about how the record itself is written (rules/consequences.yaml `record_checks`)."""
    entries = [(o.instrument, o.article, o.note or "") for v in fp.victims for o in v.offences]
    if fp.record:
        entries += [(c.instrument, c.article, "") for c in list(fp.record.charges) + list(fp.record.victim_charged_with)]
    for check in consequences().get("record_checks") or []:
        words = [w.lower() for w in check.get("or_note") or []]
        hit = any(
            inst == check["instrument"] and (art == check["article"] or any(w in note.lower() for w in words))
            for inst, art, note in entries
        )
        if hit:
            warnings.append(law("consequences", f"record_checks.{check['id']}", " ".join(check["text"].split())))


def _part_not_recorded(fp: FactPattern, quals: list[Qualification], warnings: list[str]) -> None:
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
            warnings.append(_ex("part_not_recorded").format(charged=_label(ArticleRef(**c.model_dump())), suggested=_label(sugg)))


def today() -> dt.date:
    return dt.date.today()
