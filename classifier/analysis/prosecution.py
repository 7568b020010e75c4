"""Prosecution and reconciliation (LAW.md section 7; CPC art. 24): the `prosecution` rule program
(`rules/prosecution.rules.yaml`) decides over one unit of facts of the case."""

from __future__ import annotations

from ..models import FactPattern, Prosecution, Qualification
from ..rulebase.compiler import programs
from ..rulebase.files import prosecution_rules
from ..rulebase.legal import cc2021_in_force, trafficking
from ..rulebase.prose import law
from ..runtime import memo
from .units import has_child


def prosecution(fp: FactPattern, quals: list[Qualification], warnings: list[str], backend: str | None) -> Prosecution:
    """Prosecution and reconciliation (LAW.md section 7): the `prosecution` rule program
    (rules/prosecution.rules.yaml) decides, over one unit of facts of the case."""
    data = prosecution_rules()
    considered = [q for q in quals if q.role in ("primary", "concurrent")] or [q for q in quals if q.role == "alternative"]
    atoms = _prosecution_atoms(fp, considered)
    (fired,) = memo.run("prosecution", [atoms], backend)
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
    """A citation or a reading id (put into Russian form by `citations.cite`), not a sentence to translate."""
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
    if any(q.article in trafficking() and has_child(fp, q.victims) for q in considered):
        a.add("pr.child_trafficking")
    carers = {o.id for o in fp.offenders if o.relation in ("parent", "carer") and not o.legal_entity}
    if any(has_child(fp, q.victims) and carers & set(q.offenders) for q in considered):
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
    if fp.offence_date is not None and fp.offence_date < cc2021_in_force():
        a.add("date.pre2021")
    return a
