"""The missing facts and warnings the rule programs name (`rules/missing-facts.rules.yaml`,
`rules/warnings.rules.yaml`), and the checks of how a record is written (`rules/consequences.yaml`)."""

from __future__ import annotations

from ..i18n import tr
from ..models import FactPattern, MissingFact
from ..rulebase.files import consequences, logic_files
from ..rulebase.prose import law


def unit_outputs(derived: list, missing: list[MissingFact], warnings: list[str], notes: list[str]) -> None:
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


def record_checks(fp: FactPattern, warnings: list[str]) -> None:
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
