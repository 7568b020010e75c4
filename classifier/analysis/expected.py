"""The articles a reader was led to expect that the facts do not make out, and the element that fails.

A report lists what is made out; a reader who stated "the victim could not refuse the work"
expects art. 170 and needs to be told why it is not there ("powers of ownership exercised over
the victim: not established"). An article is *pointed to* when

- one of its elements is met on a stated circumstance or on the exploitation carried out (the
  fact the reader gave that only this article reads), or
- the case was charged under it (`record.charges`, the Criminal Code 2021), or
- it is a trafficking article two of whose act, means and purpose are met (or not required)
  while no trafficking article is made out;

and it is listed when no qualification of it is found and the victim is not known to be outside
it (its age element not met: art. 167 for an adult). Its elements are those of the unit that
comes closest (the most elements met), from the same derivations the findings rest on (memoised:
nothing is run twice). Nothing here is part of the findings (the JSON does not change)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..citations import cite
from ..models import Element, FactPattern, Findings
from ..rulebase.compiler import article_logic
from ..rulebase.files import catalogue
from ..rulebase.legal import trafficking
from ..runtime import memo
from .elements import article_elements, capacity_element, element_label
from .units import build_units

FAILING = ("not_met", "unknown")
CORE = ("act", "means", "purpose")  # the elements of trafficking a reader states (LAW.md section 1)


@dataclass
class Miss:
    """An article pointed to but not made out."""

    article: str
    title: str
    elements: list[Element]
    labels: dict[str, str]  # element name -> its label in the language in force
    stated: list[str] = field(default_factory=list)  # the input paths that point to it
    charged: bool = False
    trafficking: bool = False
    core: list[Element] = field(default_factory=list)  # the act, means and purpose met (a trafficking article)

    @property
    def failing(self) -> list[Element]:
        return [e for e in self.elements if e.status in FAILING]


def not_made_out(facts: FactPattern | dict, findings: Findings, backend: str | None = None) -> list[Miss]:
    """The articles pointed to by the facts (see the module) and not among the findings'
    qualifications, each with its elements; in the rule base's article order."""
    from ..i18n import lang

    fp = facts if isinstance(facts, FactPattern) else FactPattern.model_validate(facts)
    made = {q.article for q in findings.qualifications}
    units = build_units(fp)
    derived = list(zip(units, memo.derive("qualification", units, backend), strict=True))
    charged = {c.article for c in (fp.record.charges if fp.record else []) if c.instrument == "CC"}
    logic = article_logic()
    out: list[Miss] = []
    traf_made = bool(made & set(trafficking()))
    for art in logic:
        if art in made:
            continue
        best: tuple[int, list[Element]] | None = None
        for u, d in derived:
            o = u.offender
            people = (o is not None, o is not None and o.age is not None)
            elements, _ = article_elements(d, art, people)
            elements = [capacity_element(d, art, u, e) if e.element == "capacity" else e for e in elements]
            score = sum(e.status in ("met", "not_required") for e in elements)
            if best is None or score > best[0]:
                best = (score, elements)
        if best is None:
            continue
        elements = [e for e in best[1] if not e.element.startswith("part ")]
        if lang() != "en":
            elements = [e.model_copy(update={"source": cite(e.source)}) for e in elements]
        if not any(e.status in FAILING for e in elements):
            continue  # every element met and still no finding (a role decided elsewhere): nothing to explain here
        stated = [
            p for e in elements if e.status == "met" for p in e.facts if p.startswith("circumstances.") or p == "exploitation"
        ]
        by_status = {e.element: e.status for e in elements}
        if by_status.get("age") == "not_met":
            continue  # the victim is outside the article (art. 167 for an adult): not what the facts point to
        core = [k for k in CORE if by_status.get(k) in ("met", "not_required")]
        is_traf = art in trafficking() and not traf_made and len(core) >= 2
        if not (stated or art in charged or is_traf):
            continue
        meta = logic[art].get("elements") or {}
        a = catalogue()[art]
        from ..rulebase.prose import law

        title = (a.title_ru or law("titles", art, a.title)) if lang() == "ru" else a.title
        out.append(
            Miss(
                article=art,
                title=title,
                elements=elements,
                labels={e.element: element_label(art, e.element, meta[e.element]) for e in elements if e.element in meta},
                stated=list(dict.fromkeys(stated)),
                charged=art in charged,
                trafficking=is_traf,
                core=[e for e in elements if e.element in CORE and e.status == "met"],
            )
        )
    return out
