"""The role of a finding (LAW.md section 5): excluded for capacity, competing (a special norm
displaces it), alternative, absorbed or concurrent — each decided by the role atoms the rules
established and the checks on penalties and items they carry."""

from __future__ import annotations

from typing import Any

from ..citations import ref
from ..i18n import tr
from ..rulebase.compiler import Rule
from ..rulebase.files import catalogue
from ..runtime.justification import ROLE_KINDS, Derivation
from .finding import Finding, chosen_part, items_of, parts_made, penalty_text, says, seriousness


def _role_rules(d: Derivation, art: str, kind: str) -> list[tuple[str, Rule]]:
    """Role atoms `art.<kind>.<by>` established in this unit, with the rule that did it."""
    assert kind in ROLE_KINDS, kind  # only these are indexed
    core = d.core
    out = []
    for a in core.article(art).roles.get(kind, ()):
        rule = core.support(a)[2]
        if rule:
            out.append((a.split(".", 2)[2], rule))  # `art.<kind>.<by>`: by
    return out


def assign_role(f: Finding, d: Derivation, made: dict[str, int | None], traf: str) -> None:
    art = f.article
    cat = catalogue()
    if f"{art}.capacity.met" not in d.atoms:
        f.role, f.capacity_excluded = "excluded", True  # the reason names the offender (`_instantiate`)
        return
    for by, rule in _role_rules(d, art, "displaced_by"):
        if by not in made or not _severity_check(rule.check, d, art, by):
            continue
        f.role, f.role_rule, f.by = "competing", rule, by
        f.readings |= set(rule.readings)
        mine, theirs = f.part_data, cat[by].parts[made[by]]
        f.reason = tr(
            "engine.role.competing",
            by=by,
            why=says(rule).rstrip("."),
            mine=ref(art, f.part, form="notation"),
            mine_penalty=penalty_text(art, f.part, mine),
            theirs=ref(by, made[by], form="notation"),
            theirs_penalty=penalty_text(by, made[by], theirs),
        )
        return
    if f"{art}.alternative" in d.atoms:
        s = d.support(f"{art}.alternative")
        f.role, f.role_rule = "alternative", s.rule
        f.readings |= set(s.readings)
        f.reason = tr("engine.role.alternative", why=says(s.rule) if s.rule else "")
        return
    failed: tuple[str, Rule, str] | None = None  # an absorption whose check failed: then a further crime
    for by, rule in _role_rules(d, art, "absorbed_by"):
        target = traf if by == "traf" else by
        if target not in made:
            continue
        ok, why = _check(rule.check, f, target, made, d)
        if ok:
            f.readings |= set(rule.readings)
            f.role, f.role_rule = "excluded", rule
            f.reason = tr("engine.role.absorbed", by=target, why=says(rule))
            return
        failed = failed or (target, rule, why)
    if failed:
        target, rule, why = failed
        f.readings |= set(rule.readings)
        f.role, f.role_rule = "concurrent", rule
        f.reason = tr("engine.role.concurrent_check", by=target, why=why)
        return
    for by, rule in _role_rules(d, art, "concurrent_with"):
        target = traf if by == "traf" else by
        if target not in made:
            continue
        f.readings |= set(rule.readings)
        f.role, f.role_rule = "concurrent", rule
        f.reason = tr("engine.role.concurrent", by=target, why=says(rule))
        return


def _sanction(article: str, part: int | None) -> tuple[float, float, bool]:
    """A part's sanction as the Code writes it, for comparing norms (LAW.md section 5 rule 2): the
    maximum, the minimum, and whether confiscation is mandatory."""
    p = catalogue()[article].parts[part]
    return (p.max_years, p.min_years, "confiscation" in p.penalty.additional)


def _effective_part(d: Derivation, art: str, discount: dict | None) -> int | None:
    """The part of `art` made out for the comparison of norms: the chosen part, or — when an item
    does not count for it (`discount`: the pregnancy item without the offender's knowledge) — the
    most serious part made out without that item."""
    chosen = chosen_part(d, art)
    if not discount:
        return chosen
    dart, rest = discount["item"].split("(")
    dpart, ditem = (int(x) for x in rest.split(")"))
    if dart != art or discount.get("unless") in d.atoms:
        return chosen
    items = [pi for pi in items_of(d, art) if pi != (dpart, ditem)]
    parts = catalogue()[art].parts
    valid = [p for p in parts_made(d, art) if not parts[p].items or any(ip == p for ip, _ in items)]
    return max(valid, key=lambda p: (*seriousness(art, p), p or 0)) if valid else chosen


def _severity_check(check: Any, d: Derivation, art: str, by: str) -> bool:
    """Whether `art` is displaced by `by`: a special norm displaces the general one (CC art. 22
    part 2) unless the general one's part is more severe (R-167-SPECIAL-LIMIT, R-MARRIAGE-SPECIAL);
    `severity: not_less` — `by`'s part is at least as severe as `art`'s; `more` — more severe."""
    if not check:
        return True
    if not isinstance(check, dict) or check.get("severity") not in ("not_less", "more"):
        raise ValueError(f"unknown displacement check {check!r}")
    discount = check.get("discount")
    mine = _sanction(art, _effective_part(d, art, discount))
    theirs = _sanction(by, _effective_part(d, by, discount))
    return theirs > mine if check["severity"] == "more" else not mine > theirs


def _check(check: Any, f: Finding, target: str, made: dict[str, int | None], d: Derivation) -> tuple[bool, str]:
    if not check:
        return True, ""
    tpart = made[target]
    if check == "max_not_below":
        tmax = catalogue()[target].parts[tpart].max_years
        fmax = f.part_data.max_years
        if tmax >= fmax:
            return True, ""
        return False, tr(
            "engine.check.max",
            target=ref(target, tpart, form="notation"),
            tmax=f"{tmax:g}",
            mine=ref(f.article, f.part, form="notation"),
            fmax=f"{fmax:g}",
        )
    if isinstance(check, dict) and "item" in check:
        want = check["item"]  # like "166(2)5"
        art, rest = want.split("(")
        p, i = rest.split(")")
        if tpart == int(p) and int(i) in [i2 for p2, i2 in items_of(d, art) if p2 == tpart]:
            return True, ""
        return False, tr("engine.check.item", item=i, part=p)
    if isinstance(check, dict) and "item_any" in check:  # the item met in whichever part is chosen
        for want in check["item_any"]:
            art, rest = want.split("(")
            p, i = rest.split(")")
            if art == target and (int(p), int(i)) in items_of(d, art):
                return True, ""
        named = []
        for want in check["item_any"]:
            art, rest = want.split("(")
            p, i = rest.split(")")
            named.append(ref(art, int(p), [int(i)], form="full"))
        return False, tr("engine.check.item_any", items="; ".join(named))
    raise ValueError(f"unknown check {check!r}")
