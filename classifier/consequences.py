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
from .ruledata import catalogue, consequences, edition, law_by_date, logic_files
from .units import CC2021_IN_FORCE

LOW_GRAVITY = ("minor", "less_grave")


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
    pro = _prosecution(fp, quals, warnings)
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
    if _kind(o) == "administrative":
        return 16  # CoO art. 15 part 1
    cap14 = consequences()["capacity_14"]
    if o.instrument == "CC" and o.article in cap14:
        parts = cap14[o.article]
        if parts == "all" or (o.part is not None and o.part in parts):
            return 14
    return 16


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
        age = fp.victim_age(v)
        if age is not None and age < _capacity_age(o):
            a.add("np.below_age")
        a.add({True: "caused.yes", False: "caused.no", None: "caused.unknown"}[o.caused_by_trafficking])
        kind = _kind(o)
        a.add(f"kind.{kind}")
        if kind == "criminal":
            g = _gravity_of(o)
            a.add("grav.unknown" if g is None else "grav.low" if g in LOW_GRAVITY else "grav.high")
        units.append(a)
    from .engine import _run

    fired = _run("non_punishment", units, backend)
    prog = programs()["non_punishment"]
    outcomes = logic_files()["non-punishment.rules.yaml"]["outcomes"]
    lbd = law_by_date()["texts"]
    out = []
    for (v, o, path), fr in zip(items, fired, strict=True):
        results = [t for rid in fr for t in prog.rules[rid].then if t in outcomes]
        if len(results) != 1:
            raise RuntimeError(f"non-punishment rules gave {results or 'no outcome'} for {v.id} art. {o.article}")
        meta = outcomes[results[0]]
        rd = sorted({r for rid in fr for r in prog.rules[rid].readings})
        reason = law("non_punishment", results[0], " ".join(str(meta["reason"]).split()))
        if results[0] == "np.too_young":
            reason = tr("engine.np.too_young", victim=v.id, age=fp.victim_age(v), cap=_capacity_age(o)) + reason
        if fp.offence_date and fp.offence_date < CC2021_IN_FORCE and _kind(o) == "criminal":
            reason += " " + law("law_by_date", "texts.np_pre2021", lbd["np_pre2021"])
        if o.foreign_law:
            reason += " " + law("law_by_date", "texts.np_foreign", lbd["np_foreign"])
        out.append(
            NonPunishment(
                victim=v.id,
                offence=ArticleRef(instrument=o.instrument, article=o.article, part=o.part),
                applies=meta["applies"],
                basis=list(meta["basis"]),
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
def _pt(key: str) -> str:
    return law("consequences", f"prosecution.{key}", consequences()["prosecution"][key])


def _ex(key: str) -> str:
    return law("consequences", f"explanations.{key}", consequences()["explanations"][key])


def _prosecution(fp: FactPattern, quals: list[Qualification], warnings: list[str]) -> Prosecution:
    texts = consequences()["prosecution"]
    considered = [q for q in quals if q.role in ("primary", "concurrent")] or [q for q in quals if q.role == "alternative"]
    if not considered:
        return Prosecution(mode=None, reconciliation_permitted=None, basis=[], flags=[])
    modes = {q.prosecution for q in considered}
    mode = "public" if "public" in modes or None in modes else "private_public"
    basis = ["CPC art. 24 part 4" if mode == "public" else "CPC art. 24 part 2", "CC art. 19"]
    rec = fp.record
    child_traf = any(q.article in ("166", "167") and _has_child(fp, q.victims) for q in considered)
    dependent = any(v.dependent_on_offender for v in fp.victims)
    organised = bool({"organised_group", "criminal_community"} & set(fp.circumstances))
    permitted = all(q.gravity in LOW_GRAVITY for q in considered) and not organised
    if organised:
        basis += ["CC art. 57 part 2", "CPC art. 27 part 5 item 2"]
    if permitted:
        ex_officio = child_traf or dependent
        on_complaint = rec.opened_on_victim_complaint if rec else None
        if ex_officio and on_complaint is not True:
            permitted = False
            basis += ["CPC art. 24 part 3", "CPC art. 155 part 2", "CPC art. 27 part 5 item 1"]
            if child_traf:
                basis.append("R-CHILD-HELPLESS")
        elif rec and on_complaint is False:
            permitted = False
            basis += ["CPC art. 27 part 5 item 1"]
        else:
            if ex_officio:
                warnings.append(_pt("complaint_reconciled"))
            basis += ["CC art. 57 part 1", "CPC art. 505 part 7"] + [
                law("consequences", f"prosecution.reconciliation_conditions.{i}", t)
                for i, t in enumerate(texts["reconciliation_conditions"])
            ]
    flags = []
    if rec:
        if mode == "public" and rec.prosecution in ("private", "private_public"):
            flags.append("recorded_private")
            warnings.append(_pt("renumbered"))
        if mode == "public" and rec.opened_on_victim_complaint:
            flags.append("opened_on_complaint_only")
        if rec.terminated_by_reconciliation and not permitted:
            flags.append("reconciliation_not_permitted")
    return Prosecution(mode=mode, reconciliation_permitted=permitted, basis=_dedupe(basis), flags=flags)


def _has_child(fp: FactPattern, ids: list[str]) -> bool:
    for v in fp.victims:
        if v.id in ids:
            age = fp.victim_age(v)
            if age is not None and age < 18:
                return True
    return False


# --------------------------------------------------------------------------- misclassification
def _traf_charge(c) -> bool:
    return any(c.instrument == t["instrument"] and c.article == t["article"] for t in consequences()["trafficking_articles"])


def _charge_max_and_gravity(c) -> tuple[float, str]:
    if c.instrument in ("CoO", "CoM"):
        return 0.0, "minor"
    if c.instrument == "CC":
        art = catalogue().get(c.article)
        if art and art.parts:
            p = art.parts.get(c.part) if c.part in art.parts else min(art.parts.values(), key=lambda x: x.max_years)
            return p.max_years, p.gravity
    return float("nan"), "unknown"


def _label(ref) -> str:
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
                explanation=_ex(key).format(suggested=_label(ref(sug)), charged=_label(charged)),
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
            why = tr("engine.mis.why_child") if traf_prim.article == "167" else tr("engine.mis.why_not_167")
            out.append(
                Misclassification(
                    charged=cref,
                    suggested=ref(traf_prim),
                    kind="wrong_article",
                    severity="high",
                    explanation=_ex("wrong_article").format(charged=_label(cref), suggested=_label(ref(traf_prim)), why=why),
                    consequences=_consequences([], c, traf_prim),
                    interpretation=traf_prim.interpretation,
                )
            )
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


def today() -> dt.date:
    return dt.date.today()
