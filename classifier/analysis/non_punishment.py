"""Non-punishment of the victim (LAW.md section 8): the `non_punishment` rule program decides,
over one unit per victim offence, from the victim's status the qualification program found."""

from __future__ import annotations

from typing import Any

from ..i18n import tr
from ..models import ArticleRef, FactPattern, MissingFact, NonPunishment, Victim, VictimOffence
from ..rulebase.compiler import programs
from ..rulebase.files import catalogue, consequences, logic_files, params
from ..rulebase.legal import cc2021_in_force, gravity_for, law55_adopted, low_gravity
from ..rulebase.prose import law
from ..runtime import memo


def victim_status(fp: FactPattern, derived: list) -> dict[str, dict[str, bool]]:
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


def non_punishment(fp: FactPattern, status: dict, backend: str | None, missing: list[MissingFact]) -> list[NonPunishment]:
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
            a.add("grav.unknown" if g is None else "grav.low" if g in low_gravity() else "grav.high")
        if fp.offence_date is not None:
            if fp.offence_date < cc2021_in_force():
                a.add("date.pre2021")
            if fp.offence_date < law55_adopted():
                a.add("date.pre_law55")
        if o.foreign_law:
            a.add("foreign_law")
        units.append(a)
    fired = memo.run("non_punishment", units, backend)
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
