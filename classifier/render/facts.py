"""Input paths in words: what a reader sees where the findings name the facts an element rests on.

The JSON keeps the paths (`victims[V1].age`, `circumstances.group`: FACTS.md, the API); every
screen and page says the fact instead — "the victim's age (15)", "committed by a group of
persons", «возраст потерпевшего (15)» — with its value when the fact pattern is at hand. Every
word comes from the message catalogue (`report.fact.*`) and the vocabulary's labels, so it
follows `--lang`."""

from __future__ import annotations

import re
from typing import Any

from ..i18n import tr
from ..rulebase.files import vocabulary
from ..rulebase.prose import law

_PERSON = re.compile(r"^(victims|offenders)\[([^\]]*)\](?:\.(\w+))?(?:\[(\d+)\](?:\.(\w+))?)?$")
LISTS = ("acts", "means", "purposes", "exploitation")


def value_label(kind: str, value: str) -> str:
    """A vocabulary value (`harbouring`, `group`) as a reader sees it, in the language in force."""
    meta = (vocabulary().get(kind) or {}).get(value) or {}
    return law("vocabulary", f"{kind}.{value}", str(meta.get("label") or value.replace("_", " ")))


def fact_words(path: str, facts: Any = None) -> str:
    """One input path in words; `facts` (a `FactPattern`), when given, supplies the value."""
    if path in LISTS:
        values = list(getattr(facts, path, None) or []) if facts is not None else []
        kind = "purposes" if path == "exploitation" else path
        words = tr(f"report.fact.{path}")
        if values:
            return tr("report.fact.with_value", fact=words, value=", ".join(value_label(kind, v) for v in values))
        return words
    if path.startswith("circumstances."):
        return value_label("circumstances", path.split(".", 1)[1])
    if path == "damage_ci":
        amount = getattr(facts, "damage_ci", None) if facts is not None else None
        words = tr("report.fact.damage_ci")
        return tr("report.fact.with_value", fact=words, value=tr("report.fact.ci", n=f"{amount:g}")) if amount is not None else words
    if path in ("victims", "offenders", "record", "offence_date", "circumstances"):
        return tr(f"report.fact.{path}")
    m = _PERSON.match(path)
    if not m:
        return path.replace("_", " ")  # a path this module does not know: at least no underscores
    group, pid, attr, index, sub = m.groups()
    people = list(getattr(facts, group, None) or []) if facts is not None else []
    person = next((p for p in people if getattr(p, "id", None) == pid), None)
    single = len(people) == 1
    the = "the_f" if attr == "pregnant" else "the"  # Russian: «беременность потерпевшей»
    who = tr(f"report.fact.{group[:-1]}.{the}") if single or pid == "" else pid
    if attr is None:
        return who
    if index is not None:  # victims[V1].offences[0].caused_by_trafficking
        return tr("report.fact.victim_offence", who=who, n=int(index) + 1)
    key = f"report.fact.{group[:-1]}.{attr}"
    words = tr(key, who=who) if _has(key) else tr("report.fact.generic", who=who, what=attr.replace("_", " "))
    value = _value(facts, person, group, attr)
    return tr("report.fact.with_value", fact=words, value=value) if value else words


def _has(key: str) -> bool:
    from ..i18n import messages

    return key in messages("en")


def _value(facts: Any, person: Any, group: str, attr: str) -> str | None:
    if person is None:
        return None
    if attr == "age":
        age = facts.victim_age(person) if group == "victims" else getattr(person, "age", None)
        return None if age is None else str(age)
    if attr in ("acts", "means"):
        values = getattr(person, attr, None) or []
        return ", ".join(value_label(attr, v) for v in values) or None
    if attr == "relation":
        r = getattr(person, "relation", None)
        return value_label("relations", r) if r else None
    return None


def facts_words(paths: list[str], facts: Any = None) -> str:
    """Several paths in words, each once, in their order."""
    return "; ".join(dict.fromkeys(fact_words(p, facts) for p in paths))
