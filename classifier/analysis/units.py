"""From a fact pattern to analysis units: the atoms the rules read, and where each came from.

Qualification is per offender (LAW.md section 2), and each group of victims — the children,
the adults — gets its own article, so a unit is one offender × one victim group. Every atom
remembers the input paths it came from, so each element of the output names the facts that
decided it. What is not stated produces no atom: not established, never false.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import FactPattern, Offender, Victim
from ..rulebase.files import param, params
from ..rulebase.legal import cc2017_in_force, cc2021_in_force, is_child, law55_adopted

# The dates and thresholds come from rules/parameters.yaml (each with its legal source).
# Flags of joint commission: with any of them, every member answers for the joint trafficking act
# (CC art. 43 part 1), whatever their own `acts` and `means` say (LAW.md section 2).
GROUP_FLAGS = ("group", "group_prior_conspiracy", "organised_group", "criminal_community")


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
    """The offender's age band for capacity (CC art. 28): under 14, 14-15, 16-17, adult."""
    if age is None:
        return "unknown"
    if age < param("ages", "capacity_listed_crimes"):
        return "u14"
    if age < param("ages", "capacity_general"):
        return "14_15"
    if age < param("ages", "child_below"):
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
        (children if is_child(fp.victim_age(v)) else adults).append(v)
    groups = [(g, vs) for g, vs in (("child", children), ("adult", adults)) if vs]
    return groups or [("none", [])]


def entities_only(fp: FactPattern) -> list[Offender]:
    """The offenders when every one of them is a legal entity (CC art. 24 part 3: no subject of
    crime at all); empty otherwise."""
    return list(fp.offenders) if fp.offenders and all(o.legal_entity for o in fp.offenders) else []


def build_units(fp: FactPattern) -> list[Unit]:
    people = [o for o in fp.offenders if not o.legal_entity]
    offenders: list[Offender | None] = list(people) if people else [None]
    case = Unit(key="case", offender=None, victims=[], group="none")
    _case_atoms(case, fp, people)  # the same in every unit of the case: worked out once
    entity = bool(entities_only(fp))
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
            _offender_atoms(u, o, entity)
            _conduct_atoms(u, fp, o)
            units.append(u)
    return units


def _conduct_atoms(u: Unit, fp: FactPattern, o: Offender | None) -> None:
    """The acts and means of this offender: their own lists (`offenders[].acts`, `.means`) or,
    without them, all the case's. With a group flag, the acts and means of the group they did not
    take part in themselves are still theirs for the joint trafficking act (CC art. 43 part 1):
    `joint.act.*` / `joint.means.*`, which only the trafficking elements read."""
    group = any(c in GROUP_FLAGS for c in fp.circumstances)
    for key, prefix in (("acts", "act"), ("means", "means")):
        case_values = getattr(fp, key)
        own = getattr(o, key) if o is not None else None
        if own is None:
            for x in case_values:
                u.add(f"{prefix}.{x}", key)
            continue
        for x in own:
            u.add(f"{prefix}.{x}", f"offenders[{o.id}].{key}")
        if group:
            for x in case_values:
                if x not in own:
                    u.add(f"joint.{prefix}.{x}", key, *[f"circumstances.{c}" for c in fp.circumstances if c in GROUP_FLAGS])


def _case_atoms(u: Unit, fp: FactPattern, people: list[Offender]) -> None:
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
        ages = params()["ages"]
        for key in ("capacity_listed_crimes", "capacity_general", "capacity_adult_only"):
            cap = ages[key]["value"]
            if sum(capable(o.age, cap) for o in people) < 2:
                u.add(f"offs.short{cap}", *[f"offenders[{o.id}].age" for o in people])
    for o in people:
        if o.adoption_intermediary:
            u.add("offs.adoption_intermediary", f"offenders[{o.id}].adoption_intermediary")
    d = fp.offence_date
    if d is not None and d < cc2017_in_force():
        u.add("date.pre2019", "offence_date")
    elif d is not None and d < cc2021_in_force():
        u.add("date.cc2017", "offence_date")
    if d is not None and d < cc2021_in_force():
        u.add("date.pre2021", "offence_date")
    if d is not None and d < law55_adopted():
        u.add("date.pre_law55", "offence_date")
    if fp.damage_ci is not None:
        u.add("damage.stated", "damage_ci")
        bands = params()["damage_bands"]["bands"]
        band = next((b["atom"] for b in bands if fp.damage_ci >= b["at_least"]), "damage.below")
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
            if age < param("ages", "victim_under_14"):
                u.add("victim.under14", p)
            if age < param("ages", "victim_under_16"):
                u.add("victim.under16", p)
            if param("ages", "victim_under_14") <= age < param("ages", "child_below"):
                u.add("victim.age14_17", p)
        if v.pregnant:
            u.add("victim.pregnant", f"victims[{v.id}].pregnant")
        if v.dependent_on_offender:
            u.add("victim.dependent", f"victims[{v.id}].dependent_on_offender")
        if v.consented:
            u.add("victim.consented", f"victims[{v.id}].consented")
        if v.citizenship and v.citizenship not in ("KG", "unknown"):
            u.add("victim.foreign", f"victims[{v.id}].citizenship")  # a foreign citizen or stateless
        if v.citizenship == "KG":
            u.add("victim.citizen_kg", f"victims[{v.id}].citizenship")


def _offender_atoms(u: Unit, o: Offender | None, entity: bool = False) -> None:
    if o is None:
        # no natural person is named: the conduct is analysed as if one had acted; for legal
        # entities alone (CC art. 24 part 3) no age or capacity is assumed, and no one is qualified
        u.add("off.entity" if entity else "off.age.unknown", "offenders")
        u.add("off.lists.none", "offenders")
        return
    u.add(f"off.age.{age_class(o.age)}", f"offenders[{o.id}].age")
    if o.acts is None and o.means is None:
        u.add("off.lists.none", f"offenders[{o.id}]")
    if o.means is not None:
        u.add("off.means_listed", f"offenders[{o.id}].means")
    if o.adoption_intermediary:
        u.add("off.adoption_intermediary", f"offenders[{o.id}].adoption_intermediary")
    if o.official:
        u.add("off.official", f"offenders[{o.id}].official")
    if o.relation is not None:
        u.add("off.rel.stated", f"offenders[{o.id}].relation")
        if o.relation != "none":
            u.add(f"off.rel.{o.relation}", f"offenders[{o.id}].relation")


def has_child(fp: FactPattern, ids: list[str]) -> bool:
    """Whether any of the victims named is a child (CC appendix 1 item 9)."""
    return any(v.id in ids and is_child(fp.victim_age(v)) for v in fp.victims)
