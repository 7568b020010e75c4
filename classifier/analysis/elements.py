"""An article's elements for one unit: status, the facts that decided it, the reason (the rule's
`says`) and the source (its `provision`); the capacity element per offender; why the article is
made out, in a line."""

from __future__ import annotations

from typing import Any

from ..citations import ref
from ..i18n import tr
from ..models import Element
from ..rulebase.compiler import article_logic
from ..rulebase.files import catalogue
from ..rulebase.prose import law
from ..runtime.justification import Derivation
from .finding import items_of, says
from .units import Unit


def article_elements(d: Derivation, art: str, people: tuple[bool, bool]) -> tuple[list[Element], set[str]]:
    """The article's elements as a template: facts name the stated atoms (`MARK` + atom) and
    the capacity element only its status (whether there is an offender and whether their age
    is stated decide it; `_instantiate` writes the offender in)."""
    logic = article_logic()[art]
    out: list[Element] = []
    used: set[str] = set()
    for name, meta in (logic.get("elements") or {}).items():
        if name == "capacity":
            has_offender, age_known = people
            status = "met" if f"{art}.capacity.met" in d.atoms else "not_met"
            out.append(
                Element(
                    element=name,
                    status=status if has_offender and age_known else "unknown",
                    facts=[],
                    reason="",
                    source=meta["source"],
                )
            )
            continue
        status, atom = "unknown", None
        for st in ("met", "not_required", "not_met"):
            if f"{art}.{name}.{st}" in d.atoms:
                status, atom = st, f"{art}.{name}.{st}"
                break
        if atom:
            s = d.support(atom)
            rd = sorted(s.readings)
            used |= s.readings
            out.append(
                Element(
                    element=name,
                    status=status,
                    facts=list(s.paths) or [field_for(name)],
                    reason=says(s.rule) if s.rule else element_label(art, name, meta),
                    source=s.rule.provision if s.rule else meta["source"],
                    interpretation=bool(rd),
                    readings=rd,
                )
            )
        else:
            out.append(
                Element(
                    element=name,
                    status="unknown",
                    facts=[field_for(name)],
                    reason=tr("engine.not_established", label=element_label(art, name, meta)),
                    source=meta["source"],
                )
            )
    for p, i in items_of(d, art):
        s = d.support(f"{art}.item.{p}.{i}")
        rd = sorted(s.readings)
        text = catalogue()[art].parts.get(p).items.get(i) if catalogue()[art].parts.get(p) else None
        text = law("items", f"{art}({p}){i}", text) if text else None
        out.append(
            Element(
                element=f"part {p} item {i}",
                status="met",
                facts=list(s.paths),
                reason=text or (says(s.rule) if s.rule else ""),
                source=ref(art, p, [i], form="citation"),
                interpretation=bool(rd),
                readings=rd,
            )
        )
    return out, used


def made_out(art: str, part: int | None, items: list[int], elements: list[Element]) -> str:
    """Why the article is made out, in a line: its elements, and the items of its part."""
    meta = article_logic()[art].get("elements") or {}
    met = [element_label(art, e.element, meta[e.element]) for e in elements if e.element in meta and e.status == "met"]
    free = [element_label(art, e.element, meta[e.element]) for e in elements if e.element in meta and e.status == "not_required"]
    text = tr("engine.made_out", met=", ".join(met)) + (tr("engine.made_out_free", free=", ".join(free)) if free else "")
    pdata = catalogue()[art].parts[part]
    if items:
        texts = [
            tr("engine.item_text", item=i, text=law("items", f"{art}({part}){i}", pdata.items.get(i, "")).rstrip("."))
            for i in items
        ]
        text += tr("engine.made_out_items", part=part, items="; ".join(texts))
    return text


def element_label(art: str, name: str, meta: dict) -> str:
    return law("elements", f"{art}.{name}", meta["label"])


def field_for(element: str) -> str:
    return {"act": "acts", "means": "means", "purpose": "purposes", "age": "victims"}.get(element, "circumstances")


def capacity_element(d: Derivation, art: str, unit: Unit, template: Element) -> Element:
    o = unit.offender
    cap = catalogue()[art].capacity_age
    if o is None:
        status, facts, reason = "unknown", ["offenders"], tr("engine.capacity.none", art=art, cap=cap)
    elif o.age is None:
        path = f"offenders[{o.id}].age"
        status, facts, reason = "unknown", [path], tr("engine.capacity.unknown", who=o.id, art=art, cap=cap)
    else:
        status = "met" if f"{art}.capacity.met" in d.atoms else "not_met"
        facts, reason = [f"offenders[{o.id}].age"], tr("engine.capacity.known", who=o.id, age=o.age, art=art, cap=cap)
    return make_element("capacity", status, facts, reason, template.source, False, [])


def make_element(
    element: str, status: str, facts: list[str], reason: str, source: str, interpretation: bool, readings: list[str]
) -> Element:
    """An output element from parts already valid for it (a validated template's, the unit's
    fact paths, a catalogue message): built without validating again, which per unit and per
    element is most of what filling in a template costs. `Findings` as a whole is validated by
    the property tests (tests/test_properties.py), so a part that is not valid is caught there."""
    e = Element.__new__(Element)
    object.__setattr__(
        e,
        "__dict__",
        {
            "element": element,
            "status": status,
            "facts": facts,
            "reason": reason,
            "source": source,
            "interpretation": interpretation,
            "readings": readings,
        },
    )
    object.__setattr__(e, "__pydantic_fields_set__", set(_ELEMENT_FIELDS))
    object.__setattr__(e, "__pydantic_extra__", None)
    object.__setattr__(e, "__pydantic_private__", None)
    return e


_ELEMENT_FIELDS = tuple(Element.model_fields)


MARK = "\0"  # in a template's facts: "\0<atom>" stands for the input paths of a stated atom


def capacity_reason(art: str, o: Any) -> str:
    age = o.age if o else None
    who = o.id if o else tr("engine.the_offender")
    return tr("engine.role.capacity", who=who, age=age, cap=catalogue()[art].capacity_age, art=art)
