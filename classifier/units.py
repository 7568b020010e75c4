"""From a fact pattern to analysis units: the atoms the rules read, and where each came from.

Qualification is per offender (LAW.md section 2), and each group of victims — the children,
the adults — gets its own article, so a unit is one offender × one victim group. Every atom
remembers the input paths it came from, so each element of the output names the facts that
decided it. What is not stated produces no atom: not established, never false.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .models import FactPattern, Offender, Victim

CC2021_IN_FORCE = dt.date(2021, 12, 1)
CC2017_IN_FORCE = dt.date(2019, 1, 1)
# CC appendix 1 items 5-8: damage thresholds in calculation indices at the time of the offence.
DAMAGE_BANDS = [
    (25000, "damage.especially_large"),
    (10000, "damage.large"),
    (100, "damage.significant"),
    (10, "damage.insignificant"),
]


@dataclass
class Unit:
    key: str
    offender: Offender | None
    victims: list[Victim]
    group: str  # "child" | "adult" | "none"
    atoms: set[str] = field(default_factory=set)
    paths: dict[str, list[str]] = field(default_factory=dict)

    def add(self, atom: str, *paths: str) -> None:
        self.atoms.add(atom)
        lst = self.paths.setdefault(atom, [])
        for p in paths:
            if p not in lst:
                lst.append(p)


def age_class(age: int | None) -> str:
    if age is None:
        return "unknown"
    if age < 14:
        return "u14"
    if age < 16:
        return "14_15"
    if age < 18:
        return "16_17"
    return "adult"


def capable(age: int | None, threshold: int) -> bool:
    return age is None or age >= threshold


def victim_groups(fp: FactPattern) -> list[tuple[str, list[Victim]]]:
    """Children and adults, each a group. A victim whose age is not stated is not established
    to be a child, so the analysis counts them with the adults; the engine runs the child age
    bands separately to report what would change."""
    children, adults = [], []
    for v in fp.victims:
        age = fp.victim_age(v)
        is_child = age is not None and age < 18
        (children if is_child else adults).append(v)
    groups = [(g, vs) for g, vs in (("child", children), ("adult", adults)) if vs]
    return groups or [("none", [])]


def build_units(fp: FactPattern) -> list[Unit]:
    people = [o for o in fp.offenders if not o.legal_entity]
    offenders: list[Offender | None] = list(people) if people else [None]
    case = Unit(key="case", offender=None, victims=[], group="none")
    _case_atoms(case, fp, people)  # the same in every unit of the case: worked out once
    units = []
    for o in offenders:
        for group, victims in victim_groups(fp):
            u = Unit(
                key=f"{o.id if o else '-'}/{group}",
                offender=o,
                victims=victims,
                group=group,
                atoms=set(case.atoms),
                paths={a: list(ps) for a, ps in case.paths.items()},
            )
            _victim_atoms(u, fp, group, victims)
            _offender_atoms(u, o)
            units.append(u)
    return units


def _case_atoms(u: Unit, fp: FactPattern, people: list[Offender]) -> None:
    for a in fp.acts:
        u.add(f"act.{a}", "acts")
    for m in fp.means:
        u.add(f"means.{m}", "means")
    for p in fp.purposes:
        u.add(f"purpose.{p}", "purposes")
    for e in fp.exploitation:
        u.add(f"exploit.{e}", "exploitation")
    for c in fp.circumstances:
        u.add(f"flag.{c}", f"circumstances.{c}")
    if len(fp.victims) >= 2:
        u.add("victims.all_two", "victims")
    if len(people) >= 2:
        u.add("offs.two", "offenders")
        for cap in (14, 16, 18):
            if sum(capable(o.age, cap) for o in people) < 2:
                u.add(f"offs.short{cap}", *[f"offenders[{o.id}].age" for o in people])
    d = fp.offence_date
    if d is not None and d < CC2017_IN_FORCE:
        u.add("date.pre2019", "offence_date")
    elif d is not None and d < CC2021_IN_FORCE:
        u.add("date.cc2017", "offence_date")
    if fp.damage_ci is not None:
        u.add("damage.stated", "damage_ci")
        band = next((atom for limit, atom in DAMAGE_BANDS if fp.damage_ci >= limit), "damage.below")
        u.add(band, "damage_ci")


def _victim_atoms(u: Unit, fp: FactPattern, group: str, victims: list[Victim]) -> None:
    if group == "none":
        return
    agepaths = [f"victims[{v.id}].age" for v in victims]
    u.add(f"victim.{group}", *agepaths)
    if len(victims) >= 2:
        u.add("victims.two", *agepaths)
    for v in victims:
        age = fp.victim_age(v)
        p = f"victims[{v.id}].age"
        if age is not None:
            if age < 14:
                u.add("victim.under14", p)
            if age < 16:
                u.add("victim.under16", p)
            if 14 <= age < 18:
                u.add("victim.age14_17", p)
        if v.pregnant:
            u.add("victim.pregnant", f"victims[{v.id}].pregnant")
        if v.dependent_on_offender:
            u.add("victim.dependent", f"victims[{v.id}].dependent_on_offender")
        if v.consented:
            u.add("victim.consented", f"victims[{v.id}].consented")
        if v.citizenship and v.citizenship not in ("KG", "unknown"):
            u.add("victim.foreign", f"victims[{v.id}].citizenship")


def _offender_atoms(u: Unit, o: Offender | None) -> None:
    if o is None:
        u.add("off.age.unknown", "offenders")
        return
    u.add(f"off.age.{age_class(o.age)}", f"offenders[{o.id}].age")
    if o.official:
        u.add("off.official", f"offenders[{o.id}].official")
    if o.relation is not None:
        u.add("off.rel.stated", f"offenders[{o.id}].relation")
        if o.relation != "none":
            u.add(f"off.rel.{o.relation}", f"offenders[{o.id}].relation")
