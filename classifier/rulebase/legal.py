"""The legal constants the code decides by, each read from the rule base — never written in Python.

`rules/parameters.yaml` holds the ages, dates, gravity bands, damage bands and the prosecution
mode by gravity, each with its source; `rules/consequences.yaml` the trafficking articles;
`rules/articles.yaml` each article's capacity age. This module names them for the code.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from ..errors import RuleBaseError
from .files import consequences, law_by_date, param, params


def is_child(age: int | None) -> bool:
    """Under 18 at the offence (CC appendix 1 item 9); an age not stated is not established to be a child."""
    return age is not None and age < param("ages", "child_below")


def child_age_below() -> int:
    """The age below which a person is a child (CC appendix 1 item 9)."""
    return param("ages", "child_below")


def gravity_for(max_years: float | None) -> str:
    """CC art. 19 part 2: the category follows the maximum imprisonment of the sanction."""
    for band in params()["gravity"]["bands"]:
        top = band["max_years"]
        if top is None or (max_years or 0) <= top:
            return band["gravity"]
    raise ValueError(f"no gravity band for {max_years!r} years")  # the last band has no limit


@functools.cache
def gravities() -> tuple[str, ...]:
    """The categories of CC art. 19, least grave first."""
    return tuple(b["gravity"] for b in params()["gravity"]["bands"])


@functools.cache
def low_gravity() -> tuple[str, ...]:
    """The minor and less grave categories (CC art. 19 parts 2-3)."""
    return tuple(params()["gravity"]["low"])


@functools.cache
def trafficking() -> tuple[str, ...]:
    """The trafficking articles of the Criminal Code 2021 (166, 167)."""
    return tuple(t["article"] for t in consequences()["trafficking_articles"] if t["instrument"] == "CC")


def is_trafficking(article: str) -> bool:
    return article in trafficking()


def prosecution_mode(article: str, part: int | None, gravity: str | None) -> str | None:
    """The prosecution mode of a qualification (CPC art. 24), from rules/parameters.yaml."""
    pm = params()["prosecution_mode"]
    if any(x["article"] == article and x["part"] == part for x in pm["private_public_also"]):
        return "private_public"
    return pm["by_gravity"].get(gravity) if gravity else None


@functools.cache
def capacity_sources() -> dict[int, str]:
    """The provision that sets each general age of criminal liability (CC art. 28 parts 1-2)."""
    ages = params()["ages"]
    return {ages[k]["value"]: ages[k]["source"] for k in ("capacity_general", "capacity_listed_crimes")}


@functools.cache
def in_force() -> dict[str, dt.date]:
    """The dates the codes came into force and Law 55 was adopted (rules/parameters.yaml), checked
    against the periods of rules/law-by-date.yaml, which must begin on the same days."""
    dates = {k: param("dates", k) for k in ("cc2021_in_force", "cc2017_in_force", "law55_adopted")}
    starts = {p["code"]["instrument"]: p.get("from") for p in law_by_date()["periods"]}
    for code, key in (("CC", "cc2021_in_force"), ("CC2017", "cc2017_in_force")):
        if starts.get(code) != dates[key]:
            raise RuleBaseError(
                f"rules/law-by-date.yaml: the {code} period begins on {starts.get(code)}, "
                f"but rules/parameters.yaml dates.{key} is {dates[key]}"
            )
    return dates


def cc2021_in_force() -> dt.date:
    return in_force()["cc2021_in_force"]


def cc2017_in_force() -> dt.date:
    return in_force()["cc2017_in_force"]


def law55_adopted() -> dt.date:
    return in_force()["law55_adopted"]


def period_of(d: dt.date) -> dict[str, Any]:
    """The period of rules/law-by-date.yaml that `d` falls in."""
    return next(
        p for p in law_by_date()["periods"] if (p.get("from") is None or d >= p["from"]) and (p.get("to") is None or d <= p["to"])
    )
