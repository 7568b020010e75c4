"""Penalty limits for offenders under 18 at the offence (LAW.md section 3; CC arts. 97-109).

The article's sanction is not the penalty a child offender faces. For every qualification that
concerns an offender under 18 (any role but `excluded`), the findings add the limits of
`rules/juvenile-penalties.yaml` — one entry per group of offenders with the same limits —
while `penalty`, gravity and the prosecution mode keep following the article's own sanction.
The numbers and their sources are data; this module only combines them (R-JUVENILE-RANGE).
"""

from __future__ import annotations

from ..i18n import tr
from ..models import Offender, PenaltyLimit
from ..rulebase.files import Part, juvenile


def _years(x: float) -> str:
    if x < 1:
        return tr("penalty.months", n=f"{round(x * 12):d}")
    return f"{x:g}"


def imprisonment_range(part: Part, age: int) -> tuple[float | None, float | None, list[str], list[str]]:
    """(min, max) years of imprisonment for an offender of `age` under `part`, the bases that
    set them, and the readings that decided; (None, None) when no imprisonment is possible."""
    j = juvenile()["imprisonment"]
    general = j["general"]
    if not part.penalty.max_years:
        return None, None, [], []
    band = j["by_gravity"].get(part.gravity)
    if band is None:  # minor crimes carry no imprisonment; other gravities are always banded
        return None, None, [], []
    basis = [band["source"]]
    readings: list[str] = []
    hi = min(part.penalty.max_years, band["max_years"])
    # the article's own minimum; an article that names none has the general 6 months (art. 108(1))
    own_min = part.penalty.min_years if part.penalty.min_years is not None else general["min_years"]
    floor = band["min_years"] if band["min_years"] is not None else general["min_years"]
    lo = min(floor, own_min)
    halved = j["halved_minimum"]
    if age in halved["ages"] and part.gravity in halved["gravity"] and part.penalty.min_years is not None:
        # art. 108(8) is in play: how it combines with 108(2) is the reading (its rival: 108(8) alone)
        lo = min(lo, part.penalty.min_years / 2)
        basis.append(halved["source"])
        readings.append(halved["reading"])
    lo = max(lo, general["min_years"])
    if lo == general["min_years"]:
        basis.append(general["source"])  # the general 6 months decided the floor
    return lo, hi, basis, readings


def _measures(part: Part, age: int) -> tuple[list[str], list[str]]:
    texts, basis = [], []
    data = juvenile()
    first = []
    for key in ("diversion", "educational"):
        m = data["measures"][key]
        if age in m["ages"] and part.gravity in m["gravity"]:
            first.append(tr(f"penalty.measure.{key}"))
            basis += m["source"]
    if first:
        texts.append(tr("penalty.first_crime_measures", measures=tr("penalty.or").join(first)))
    m = data["measures"]["probation"]
    if age in m["ages"] and part.gravity in m["gravity"]:
        texts.append(tr("penalty.measure.probation"))
        basis += m["source"]
    return texts, basis


def limit_for(part: Part, age: int) -> tuple[str, list[str], list[str], list[float | None] | None]:
    """The limits for one offender's age: (text, basis, readings, [min, max] or None)."""
    data = juvenile()
    j = data["imprisonment"]
    bits: list[str] = []
    basis: list[str] = []
    lo, hi, ib, readings = imprisonment_range(part, age)
    if hi is None:
        bits.append(tr("penalty.no_imprisonment"))
        rng = None
    else:
        own = part.penalty
        own_text = (
            tr("penalty.range", lo=_years(own.min_years), hi=_years(own.max_years))
            if own.min_years is not None
            else tr("penalty.up_to", hi=_years(own.max_years))
        )
        bits.append(tr("penalty.imprisonment", lo=_years(lo), hi=_years(hi), own=own_text))
        basis += ib
        rng = [lo, hi]
        f16 = j["first_less_grave_under_16"]
        if age < f16["below_age"] and part.gravity in f16["gravity"]:
            bits.append(tr("penalty.first_less_grave_under_16"))
            basis.append(f16["source"])
        if part.gravity == "especially_grave":
            bits.append(tr("penalty.aggregate", years=f"{j['aggregate_max']['years']:g}"))
            basis.append(j["aggregate_max"]["source"])
    extra = [a.replace("_optional", "") for a in part.penalty.additional]
    names = [tr(f"penalty.additional.{a}") for a in dict.fromkeys(extra)]
    bits.append(tr("penalty.no_additional", what=tr("penalty.or").join(names)) if names else tr("penalty.only_allowed"))
    basis.append(data["penalties_allowed"]["source"])
    if age < data["penalties_allowed"]["fine_from_age"]["age"] and "fine" in part.penalty.text:
        bits.append(tr("penalty.no_fine_under_16"))
        basis.append(data["penalties_allowed"]["fine_from_age"]["source"])
    texts, mb = _measures(part, age)
    bits += texts
    basis += mb
    return tr("penalty.head") + "; ".join(bits), list(dict.fromkeys(basis)), readings, rng


def penalty_limits(part: Part, offenders: list[Offender]) -> list[PenaltyLimit]:
    """One entry per group of offenders under 18 (age stated) sharing the same limits."""
    below = juvenile()["applies_below_age"]
    groups: dict[tuple, list[str]] = {}
    meta: dict[tuple, tuple] = {}
    for o in offenders:
        if o.legal_entity or o.age is None or o.age >= below:
            continue
        text, basis, readings, rng = limit_for(part, o.age)
        k = (text, tuple(basis), tuple(readings), tuple(rng) if rng else None)
        groups.setdefault(k, []).append(o.id)
        meta[k] = (text, basis, readings, rng)
    out = []
    for k, ids in groups.items():
        text, basis, readings, rng = meta[k]
        out.append(
            PenaltyLimit(
                offenders=ids, text=text, basis=basis, interpretation=bool(readings), readings=readings, imprisonment=rng
            )
        )
    return out
