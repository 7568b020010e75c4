"""A finding while the analysis builds it — one article against one unit, then merged and ranked —
and what the catalogue says of an article: its seriousness, the part chosen, its penalty text,
a rule's statement in the language in force."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..citations import cite
from ..i18n import lang, tr
from ..models import Element
from ..rulebase.compiler import Rule
from ..rulebase.files import Part, catalogue
from ..rulebase.prose import law
from ..runtime.justification import Derivation
from .units import Unit


@dataclass
class Finding:
    article: str
    part: int | None
    items: list[int]
    role: str | None  # None = made out, role decided by ranking
    reason: str
    offenders: list[str]
    victims: list[str]
    readings: set[str]
    elements: list[Element]
    unit: Unit
    role_rule: Rule | None = None
    by: str | None = None
    extra_sources: list[str] = field(default_factory=list)
    capacity_excluded: bool = False  # excluded for the offender's age: the reason names the offender

    @property
    def part_data(self) -> Part:
        return catalogue()[self.article].parts[self.part]

    @property
    def key(self) -> tuple:
        # offenders share a qualification only when article, part and items agree: the
        # official-position and parent/teacher/carer items are personal (CC art. 43 parts 1-2)
        return (self.article, self.part, self.role, tuple(sorted(self.items)))


def penalty_text(article: str, part: int | None, p: Part) -> str:
    key = f"{article}({part})" if part is not None else article
    return law("penalties", key, p.penalty.text)


def says(rule: Rule) -> str:
    """A rule's plain-words statement in the language in force."""
    if lang() == "en":
        return rule.says
    if rule.gen:
        kind, *params = rule.gen
        if kind == "vocab":
            vkind, value, label, source = params
            own = law("vocabulary", f"{vkind}.{value}.says", "")
            if own:
                return own
            return tr("engine.gen.vocab", label=law("vocabulary", f"{vkind}.{value}", label).capitalize(), source=cite(source))
        if kind == "exploitation":
            value, label = params
            return tr("engine.gen.exploitation", label=law("vocabulary", f"purposes.{value}", label).capitalize())
        art, cap = params
        return tr(f"engine.gen.{kind}", art=art, cap=cap)
    return law("rules", rule.id, rule.says)


def seriousness(article: str, part: int | None) -> tuple[float, float]:
    p = catalogue()[article].parts[part]
    return (p.max_years, p.min_years)


def parts_made(d: Derivation, art: str) -> list[int | None]:
    return d.core.article(art).parts


def chosen_part(d: Derivation, art: str) -> int | None:
    parts = parts_made(d, art)
    return max(parts, key=lambda p: (*seriousness(art, p), p or 0))


def items_of(d: Derivation, art: str) -> list[tuple[int, int]]:
    """(part, item) pairs established for the article (of every part), sorted."""
    return d.core.article(art).items
