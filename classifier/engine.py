"""Facts in, justified findings out.

The rule base decides, per analysis unit, which elements are met, which parts and items are
made out, and which role-deciding facts hold (contested, displaced, absorbed, concurrent).
This module runs it (durable-rules through `facade.py`, or the oracle) and assembles the
findings: it keeps its own justification log (every firing, with its rule, citation, readings
and fact paths), picks the primary qualification from the collected firings by the cited
priority rules of LAW.md section 5 — never by rule firing order — and derives
misclassification, prosecution and non-punishment.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import oracle
from .compiler import Cond, Program, Rule, article_logic, evaluate, programs
from .i18n import cite, lang, law, tr
from .models import (
    Element,
    FactPattern,
    Findings,
    HistoricalEquivalent,
    MissingFact,
    Qualification,
)
from .penalties import penalty_limits
from .ruledata import Part, catalogue, law_by_date, params
from .units import CC2021_IN_FORCE, Unit, build_units, entities_only

TRAFFICKING = ("166", "167")


def backend_name() -> str:
    return os.environ.get("THB_BACKEND", "durable")


_MEMO: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()
MEMO_SIZE = int(os.environ.get("THB_MEMO", "2048"))
_MEMO_LOCK = threading.Lock()
# Rule results evaluated ahead for a batch of cases (`_prefetch`), per thread: a batch's units go
# to the engine together, a few sessions per stratum instead of one per case.
_AHEAD = threading.local()


def _evaluate(be: str, pname: str, units: list[set[str]]) -> list[list[str]]:
    progs = programs()
    if be == "oracle":
        return oracle.run(pname, progs[pname], progs, units)
    from . import facade

    return facade.run(pname, progs[pname], progs, units)


def _ahead() -> dict[tuple, tuple[str, ...]]:
    d = getattr(_AHEAD, "results", None)
    if d is None:
        d = _AHEAD.results = {}
    return d


def _run(pname: str, units: list[set[str]], backend: str | None) -> list[list[str]]:
    """Run a program over units. Rule evaluation is a pure function of a unit's atoms, so the
    result is memoised per (backend, program, atoms) in a bounded LRU (`THB_MEMO=0` disables
    it): audit batches repeat the same fact shapes over and over."""
    be = backend or backend_name()
    keys = [(be, pname, frozenset(u)) for u in units]
    ahead = _ahead()
    found: dict[tuple, tuple[str, ...]] = {}
    with _MEMO_LOCK:
        for k in keys:
            r = _MEMO.get(k)
            if r is not None:
                _MEMO.move_to_end(k)
            else:
                r = ahead.get(k)
                if r is not None and MEMO_SIZE:
                    _MEMO[k] = r
            if r is not None:
                found[k] = r
    todo = list(dict.fromkeys(k for k in keys if k not in found))
    fresh = _evaluate(be, pname, [set(k[2]) for k in todo]) if todo else []
    with _MEMO_LOCK:
        for k, fr in zip(todo, fresh, strict=True):
            found[k] = _MEMO[k] = tuple(fr)
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return [list(found[k]) for k in keys]


def _prefetch(pname: str, units: list[set[str]], backend: str | None) -> None:
    """Evaluate the units of a batch of cases in one engine run; `_run` then finds them."""
    be = backend or backend_name()
    ahead = _ahead()
    with _MEMO_LOCK:
        keys = ((be, pname, frozenset(u)) for u in units)
        todo = list(dict.fromkeys(k for k in keys if k not in ahead and k not in _MEMO and k not in _CORES))
    if todo:
        for k, fr in zip(todo, _evaluate(be, pname, [set(k[2]) for k in todo]), strict=True):
            ahead[k] = tuple(fr)


# --------------------------------------------------------------------------- justification log
@dataclass
class Support:
    readings: frozenset[str]
    paths: tuple[str, ...]
    rule: Rule | None


class _Core:
    """What a unit's atom set decides, whoever the people in it are: the atoms after the rules
    ran, and for each the best-supported derivation — the one resting on the fewest readings
    (a reading is only reported when it decided) — as the rule, the readings and the stated
    atoms it rests on. A pure function of the atom set, so units with the same atoms share one
    (audit registries repeat fact shapes). Supports are computed lazily, only when asked for."""

    __slots__ = ("prog", "base", "fired", "atoms", "_sorted", "_producers", "_by_article", "_best", "cache", "outputs")

    def __init__(self, prog: Program, base: frozenset[str], fired: tuple[str, ...]):
        atoms = set(base)
        rules = prog.rules
        for rid in fired:
            atoms.update(rules[rid].then)
        self.prog = prog
        self.base = base
        self.fired = fired
        self.atoms = frozenset(atoms)
        self._sorted: list[str] | None = None
        self._producers: dict[str, list[Rule]] | None = None
        self._by_article: dict[str, _ArticleIndex] | None = None
        self._best: dict[str, tuple[frozenset[str], tuple[str, ...], Rule | None]] = {}
        self.cache: dict[tuple, Any] = {}  # the findings templates, by ("findings", full, language, people)
        self.outputs: list[str] | None = None  # the atoms that name a missing fact or a warning (consequences)

    @property
    def producers(self) -> dict[str, list[Rule]]:
        """For each derived atom, the rules that produced it, in firing order."""
        if self._producers is None:
            producers: dict[str, list[Rule]] = {}
            rules = self.prog.rules
            for rid in self.fired:
                r = rules[rid]
                for a in r.then:
                    lst = producers.get(a)
                    if lst is None:
                        producers[a] = [r]
                    else:
                        lst.append(r)
            self._producers = producers
        return self._producers

    def compact(self) -> None:
        """Drop what only building the templates needed (a cached core keeps its templates and
        atoms; the rest is rebuilt if ever asked for again)."""
        self._producers = self._by_article = None
        self._best = {}

    def cond_support(self, c: Cond) -> tuple[frozenset[str], tuple[str, ...]]:
        op, arg = c
        if op == "atom":
            rd, bases, _ = self.support(arg)  # type: ignore[arg-type]
            return rd, bases
        if op == "not":
            return _NO_READINGS, ()
        if op == "all":
            rd: frozenset[str] = _NO_READINGS
            bs: list[str] = []
            for sub in arg:  # type: ignore[union-attr]
                r2, b2 = self.cond_support(sub)  # type: ignore[arg-type]
                if r2:
                    rd = rd | r2
                for b in b2:
                    if b not in bs:
                        bs.append(b)
            return rd, tuple(bs)
        atoms = self.atoms
        options = [self.cond_support(sub) for sub in arg if evaluate(sub, atoms)]  # type: ignore[union-attr, arg-type]
        if not options:
            return _NO_READINGS, ()
        return min(options, key=lambda o: len(o[0]))

    def support(self, atom: str) -> tuple[frozenset[str], tuple[str, ...], Rule | None]:
        """(readings, stated atoms, rule) of the best derivation of `atom`."""
        s = self._best.get(atom)
        if s is not None:
            return s
        if atom in self.base:  # stated directly: no reading needed
            s = (_NO_READINGS, (atom,), None)
        else:
            rules = self.producers.get(atom)
            if not rules:
                s = (_NO_READINGS, (), None)
            else:
                for r in rules:  # in firing order: the first with the fewest readings wins
                    rd, bs = self.cond_support(r.when)
                    cand = (r.reading_set | rd if rd else r.reading_set, bs, r)
                    if s is None or len(cand[0]) < len(s[0]):
                        s = cand
        self._best[atom] = s  # type: ignore[assignment]
        return s  # type: ignore[return-value]

    @property
    def sorted_atoms(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.atoms)
        return self._sorted

    def article(self, art: str) -> _ArticleIndex:
        """What the atom set established for `art`: its parts, items and role atoms."""
        if self._by_article is None:
            idx: dict[str, _ArticleIndex] = {}
            indexed = _indexed_then(self.prog)
            found = {a: i for rid in self.fired for a, i in indexed[rid]}  # only derived atoms are an article's
            for a, i in found.items():
                art_, kind, value = i
                ix = idx.get(art_)
                if ix is None:
                    ix = idx[art_] = _ArticleIndex()
                if kind == "core":
                    ix.parts.append(value)
                elif kind == "item":
                    ix.items.append(value)
                else:
                    ix.roles.setdefault(kind, []).append(a)
            for ix in idx.values():
                ix.items.sort()
                for lst in ix.roles.values():
                    lst.sort()
            self._by_article = idx
        return self._by_article.get(art) or _NO_ARTICLE


ROLE_KINDS = ("displaced_by", "absorbed_by", "concurrent_with")  # `art.<kind>.<by>`: how `art` meets another article


_INDEXED_THEN: dict[str, tuple[Program, dict[str, tuple[tuple[str, tuple[str, str, Any]], ...]]]] = {}


def _indexed_then(prog: Program) -> dict[str, tuple[tuple[str, tuple[str, str, Any]], ...]]:
    """For each rule of the program, the atoms it derives that enter an article's index."""
    entry = _INDEXED_THEN.get(prog.name)
    if entry is None or entry[0] is not prog:  # first use, or another rule base compiled since
        out = {}
        for rid, r in prog.rules.items():
            pairs = [(a, _index_info(a)) for a in r.then]
            out[rid] = tuple((a, i) for a, i in pairs if i is not None)
        entry = _INDEXED_THEN[prog.name] = (prog, out)
    return entry[1]


def _index_info(atom: str) -> tuple[str, str, Any] | None:
    """How an atom enters its article's index: `art.core.N` a part made (N=0: the article has
    no parts), `art.item.P.I` an item, `art.<role kind>.<by>` a role; anything else not at all."""
    b = atom.split(".")
    i: tuple[str, str, Any] | None = None
    if len(b) == 3 and b[1] == "core" and b[2].isdigit():
        i = (b[0], "core", int(b[2]) or None)
    elif len(b) == 4 and b[1] == "item" and b[2].isdigit() and b[3].isdigit():
        i = (b[0], "item", (int(b[2]), int(b[3])))
    elif len(b) >= 3 and b[1] in ROLE_KINDS:
        i = (b[0], b[1], None)
    return i


_NO_READINGS: frozenset[str] = frozenset()


@dataclass
class _ArticleIndex:
    parts: list[int | None] = field(default_factory=list)
    items: list[tuple[int, int]] = field(default_factory=list)  # (part, item), sorted
    roles: dict[str, list[str]] = field(default_factory=dict)  # the atoms `art.<kind>.…`, sorted, per kind


_NO_ARTICLE = _ArticleIndex(parts=(), items=(), roles=MappingProxyType({}))  # type: ignore[arg-type]  # shared: immutable


class Derivation:
    """One unit after the rules ran: its atom set's `_Core`, and the input paths of its stated
    atoms, so that each support names the facts that decided it."""

    def __init__(self, core: _Core, paths: dict[str, list[str]]):
        self.core = core
        self.atoms = core.atoms
        self.base = core.base
        self.fired = core.fired
        self.paths = paths
        self._best: dict[str, Support] = {}

    def support(self, atom: str) -> Support:
        s = self._best.get(atom)
        if s is None:
            rd, bases, rule = self.core.support(atom)
            ps: list[str] = []
            for b in bases:
                ps += [p for p in self.paths.get(b, ()) if p not in ps]
            s = self._best[atom] = Support(rd, tuple(ps), rule)
        return s


_CORES: OrderedDict[tuple, _Core] = OrderedDict()


def clear_caches() -> None:
    """Forget every rule result and core: the next classifications reach the rules engine."""
    with _MEMO_LOCK:
        _MEMO.clear()
        _CORES.clear()


def _derive(pname: str, units: list[Unit], backend: str | None) -> list[Derivation]:
    """Run a program over the units and wrap each result; cores are shared by units with the
    same atoms and kept in an LRU beside the rule-result memo."""
    be = backend or backend_name()
    prog = programs()[pname]
    keys = [(be, pname, frozenset(u.atoms)) for u in units]
    cores: dict[tuple, _Core] = {}
    with _MEMO_LOCK:
        for k in keys:
            c = _CORES.get(k)
            if c is not None:
                _CORES.move_to_end(k)
                cores[k] = c
    todo = list(dict.fromkeys(k for k in keys if k not in cores))
    if todo:  # a core holds its firings: evaluated ahead for the batch, or now (not kept twice in `_MEMO`)
        ahead = _ahead()
        missing = [k for k in todo if k not in ahead]
        fresh = dict(zip(missing, _evaluate(be, pname, [set(k[2]) for k in missing]), strict=True)) if missing else {}
        for k in todo:
            cores[k] = _Core(prog, k[2], tuple(ahead[k] if k in ahead else fresh[k]))
        with _MEMO_LOCK:
            for k in todo:
                _CORES[k] = cores[k]
            while len(_CORES) > MEMO_SIZE:
                _CORES.popitem(last=False)
    return [Derivation(cores[k], u.paths) for k, u in zip(keys, units, strict=True)]


# --------------------------------------------------------------------------- per-unit findings
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


def cite_items(article: str, part: int | None, items: list[int]) -> str:
    """A qualification's full reference in the language in force: "CC art. 166 part 2 items 1, 5",
    «пп. 1, 5 ч. 2 ст. 166 УК» (Russian legal order: item, part, article)."""
    if len(items) <= 1:
        return cite(_ref(article, part, items[0] if items else None))
    nums = ", ".join(str(i) for i in items)
    if lang() == "ru":
        return f"пп. {nums} " + cite(_ref(article, part))
    return _ref(article, part) + f" items {nums}"


def _ref(article: str, part: int | None, item: int | None = None) -> str:
    s = f"CC art. {article}"
    if part is not None:
        s += f" part {part}"
    if item is not None:
        s += f" item {item}"
    return s


def _penalty(article: str, part: int | None, p: Part) -> str:
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


def _label(article: str, part: int | None) -> str:
    """ "167(2)" — or, in Russian legal style, "ч. 2 ст. 167 УК"."""
    if lang() == "ru":
        return f"ч. {part} ст. {article} УК" if part is not None else f"ст. {article} УК"
    return f"{article}({part})" if part is not None else article


def _seriousness(article: str, part: int | None) -> tuple[float, float]:
    p = catalogue()[article].parts[part]
    return (p.max_years, p.min_years)


def _parts_made(d: Derivation, art: str) -> list[int | None]:
    return d.core.article(art).parts


def _chosen_part(d: Derivation, art: str) -> int | None:
    parts = _parts_made(d, art)
    return max(parts, key=lambda p: (*_seriousness(art, p), p or 0))


def _items(d: Derivation, art: str) -> list[tuple[int, int]]:
    """(part, item) pairs established for the article (of every part), sorted."""
    return d.core.article(art).items


def _elements(d: Derivation, art: str, people: tuple[bool, bool]) -> tuple[list[Element], set[str]]:
    """The article's elements as a template: facts name the stated atoms (`_MARK` + atom) and
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
                    facts=list(s.paths) or [_field_for(name)],
                    reason=says(s.rule) if s.rule else _el_label(art, name, meta),
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
                    facts=[_field_for(name)],
                    reason=tr("engine.not_established", label=_el_label(art, name, meta)),
                    source=meta["source"],
                )
            )
    for p, i in _items(d, art):
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
                source=_ref(art, p, i),
                interpretation=bool(rd),
                readings=rd,
            )
        )
    return out, used


def _made_out(art: str, part: int | None, items: list[int], elements: list[Element]) -> str:
    """Why the article is made out, in a line: its elements, and the items of its part."""
    meta = article_logic()[art].get("elements") or {}
    met = [_el_label(art, e.element, meta[e.element]) for e in elements if e.element in meta and e.status == "met"]
    free = [_el_label(art, e.element, meta[e.element]) for e in elements if e.element in meta and e.status == "not_required"]
    text = tr("engine.made_out", met=", ".join(met)) + (tr("engine.made_out_free", free=", ".join(free)) if free else "")
    pdata = catalogue()[art].parts[part]
    if items:
        texts = [
            tr("engine.item_text", item=i, text=law("items", f"{art}({part}){i}", pdata.items.get(i, "")).rstrip("."))
            for i in items
        ]
        text += tr("engine.made_out_items", part=part, items="; ".join(texts))
    return text


def _el_label(art: str, name: str, meta: dict) -> str:
    return law("elements", f"{art}.{name}", meta["label"])


def _field_for(element: str) -> str:
    return {"act": "acts", "means": "means", "purpose": "purposes", "age": "victims"}.get(element, "circumstances")


def _capacity_element(d: Derivation, art: str, unit: Unit, template: Element) -> Element:
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
    return _element("capacity", status, facts, reason, template.source, False, [])


def _element(
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


_MARK = "\0"  # in a template's facts: "\0<atom>" stands for the input paths of a stated atom


def _unit_findings(unit: Unit, d: Derivation, full: bool = True) -> list[Finding]:
    """The unit's findings; `full=False` decides articles, parts and roles only (no elements,
    no prose), which is all the age-band comparison needs.

    Everything but the people is decided by the unit's atom set, so the findings are built once
    per atom set (and language, and whether the offender and their age are known) as templates,
    and each unit fills in its own offender, victims and fact paths."""
    o = unit.offender
    people = (o is not None, o is not None and o.age is not None)
    key = ("findings", full, lang(), people)
    templates = d.core.cache.get(key)
    if templates is None:
        marks = {a: [_MARK + a] for a in d.core.base}
        templates = _templates(Derivation(d.core, marks), full, people)
        d.core.compact()
        d.core.cache[key] = templates
    return [_instantiate(t, unit, d) for t in templates]


def _templates(d: Derivation, full: bool, people: tuple[bool, bool]) -> list[Finding]:
    made: dict[str, int | None] = {}
    logic = article_logic()
    for art in logic:
        if f"{art}.core" in d.atoms:
            made[art] = _chosen_part(d, art)
    # the trafficking articles first: the other articles' roles refer to the one that prevails
    order = sorted(made, key=lambda a: a not in TRAFFICKING)
    out = []
    traf = "166"
    for art in order:
        part = made[art]
        elements, used = _elements(d, art, people) if full else ([], set())
        core = d.support(f"{art}.core.{part or 0}")
        rd = set(core.readings) | used
        items = [i for p, i in _items(d, art) if p == part]
        f = Finding(
            article=art,
            part=part,
            items=items,
            role=None,
            reason=_made_out(art, part, items, elements) if full else "",
            offenders=[],
            victims=[],
            readings=rd,
            elements=elements,
            unit=None,  # type: ignore[arg-type]
        )
        _assign_role(f, d, made, traf)
        out.append(f)
        if art in TRAFFICKING and f.role is None and (traf != "167" or art == "167"):
            traf = art  # the binding trafficking finding (167 before 166 when both stand)
    for f in out:  # the special norm carries the reading that made it prevail
        if f.role == "competing" and f.role_rule:
            for g in out:
                if g.article == f.by:
                    g.readings |= set(f.role_rule.readings)
    return out


def _instantiate(t: Finding, unit: Unit, d: Derivation) -> Finding:
    """A template finding for one unit: its offender, victims and fact paths."""
    o = unit.offender
    elements = []
    for e in t.elements:
        if e.element == "capacity":
            elements.append(_capacity_element(d, t.article, unit, e))
            continue
        facts: list[str] = []
        for x in e.facts:
            facts += [p for p in (unit.paths.get(x[1:], ()) if x.startswith(_MARK) else (x,)) if p not in facts]
        if not facts and not e.element.startswith("part "):
            facts = [_field_for(e.element)]
        # the template's element (validated) with the unit's facts; nothing of it is shared with the output
        elements.append(_element(e.element, e.status, facts, e.reason, e.source, e.interpretation, list(e.readings)))
    return Finding(
        article=t.article,
        part=t.part,
        items=list(t.items),
        role=t.role,
        reason=_capacity_reason(t.article, o) if t.capacity_excluded else t.reason,
        offenders=[o.id] if o else [],
        victims=[v.id for v in unit.victims],
        readings=set(t.readings),
        elements=elements,
        unit=unit,
        role_rule=t.role_rule,
        by=t.by,
        extra_sources=list(t.extra_sources),
        capacity_excluded=t.capacity_excluded,
    )


def _capacity_reason(art: str, o: Any) -> str:
    age = o.age if o else None
    who = o.id if o else tr("engine.the_offender")
    return tr("engine.role.capacity", who=who, age=age, cap=catalogue()[art].capacity_age, art=art)


def _assign_role(f: Finding, d: Derivation, made: dict[str, int | None], traf: str) -> None:
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
            mine=_label(art, f.part),
            mine_penalty=_penalty(art, f.part, mine),
            theirs=_label(by, made[by]),
            theirs_penalty=_penalty(by, made[by], theirs),
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
    chosen = _chosen_part(d, art)
    if not discount:
        return chosen
    dart, rest = discount["item"].split("(")
    dpart, ditem = (int(x) for x in rest.split(")"))
    if dart != art or discount.get("unless") in d.atoms:
        return chosen
    items = [pi for pi in _items(d, art) if pi != (dpart, ditem)]
    parts = catalogue()[art].parts
    valid = [p for p in _parts_made(d, art) if not parts[p].items or any(ip == p for ip, _ in items)]
    return max(valid, key=lambda p: (*_seriousness(art, p), p or 0)) if valid else chosen


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
            "engine.check.max", target=_label(target, tpart), tmax=f"{tmax:g}", mine=_label(f.article, f.part), fmax=f"{fmax:g}"
        )
    if isinstance(check, dict) and "item" in check:
        want = check["item"]  # like "166(2)5"
        art, rest = want.split("(")
        p, i = rest.split(")")
        if tpart == int(p) and int(i) in [i2 for p2, i2 in _items(d, art) if p2 == tpart]:
            return True, ""
        return False, tr("engine.check.item", item=i, part=p)
    if isinstance(check, dict) and "item_any" in check:  # the item met in whichever part is chosen
        for want in check["item_any"]:
            art, rest = want.split("(")
            p, i = rest.split(")")
            if art == target and (int(p), int(i)) in _items(d, art):
                return True, ""
        named = []
        for want in check["item_any"]:
            art, rest = want.split("(")
            p, i = rest.split(")")
            named.append(cite(_ref(art, int(p), int(i))))
        return False, tr("engine.check.item_any", items="; ".join(named))
    raise ValueError(f"unknown check {check!r}")


# --------------------------------------------------------------------------- case assembly
def _merge(findings: list[Finding]) -> list[Finding]:
    merged: dict[tuple, Finding] = {}
    for f in findings:
        k = f.key
        if k in merged:
            m = merged[k]
            m.offenders += [o for o in f.offenders if o not in m.offenders]
            m.victims += [v for v in f.victims if v not in m.victims]
            m.items = sorted(set(m.items) | set(f.items))
            m.readings |= f.readings
            names = {e.element for e in m.elements}
            m.elements += [e for e in f.elements if e.element not in names]
            for i, e in enumerate(m.elements):  # capacity is per offender: keep every offender's line
                other = next((x for x in f.elements if x.element == "capacity"), None)
                if e.element == "capacity" and other is not None and other.reason not in e.reason:
                    m.elements[i] = e.model_copy(
                        update={
                            "reason": f"{e.reason}; {other.reason}",
                            "facts": e.facts + [x for x in other.facts if x not in e.facts],
                            "status": "met" if {e.status, other.status} == {"met"} else e.status,
                        }
                    )
            if m.capacity_excluded and f.reason not in m.reason:  # every offender excluded for age is named
                m.reason = f"{m.reason}; {f.reason}"
        else:
            merged[k] = f
    return list(merged.values())


def _rank(findings: list[Finding]) -> None:
    cands = [f for f in findings if f.role in (None, "concurrent")]
    if not cands:
        return

    def key(f: Finding) -> tuple:
        # LAW.md section 5 rule 6: trafficking first, then the higher maximum, then the higher
        # minimum, then 167 before 166; among equals, the qualification with more items (an
        # offender's personal items), then the first offender named — so the choice never rests on
        # the order in which rules fired
        return (f.article in TRAFFICKING, *_seriousness(f.article, f.part), f.article == "167", len(f.items))

    best = max(cands, key=key)
    others = [f for f in cands if f is not best]
    if best.article in TRAFFICKING and any(
        f.article not in TRAFFICKING and _seriousness(f.article, f.part) > _seriousness(best.article, best.part) for f in others
    ):
        best.readings.add("R-TRAFFICKING-FIRST")  # it decided: another article carries a heavier penalty
    lead = _label(best.article, best.part)
    best.role = "primary"
    for f in others:
        if f.role is None:
            f.role = "concurrent"
            who = []
            if f.victims != best.victims and f.victims:
                who.append(tr("engine.rank.victims", ids=", ".join(f.victims)))
            if f.offenders != best.offenders:
                who.append(tr("engine.rank.offenders", ids=", ".join(f.offenders)))
            scope = tr("engine.rank.against", who="; ".join(who)) if who else ""
            if f.offenders and not set(f.offenders) & set(best.offenders):
                # other offenders' own qualification (CC art. 43 part 2), not one person's aggregate (art. 21)
                f.reason = tr("engine.rank.own", scope=scope, lead=lead, why=f.reason)
                f.extra_sources.append("CC art. 43 part 2")
            else:
                f.reason = tr("engine.rank.also", scope=scope, lead=lead, why=f.reason)
                f.extra_sources.append("CC art. 21")


def _historical(article: str, d: dt.date | None) -> HistoricalEquivalent | None:
    if d is None or d >= CC2021_IN_FORCE:
        return None
    for period in law_by_date()["periods"]:
        lo, hi = period.get("from"), period.get("to")
        if (lo is None or d >= lo) and (hi is None or d <= hi):
            eq = (period.get("equivalents") or {}).get(article)
            if eq:
                return HistoricalEquivalent(
                    instrument=period["code"]["instrument"], article=str(eq), source_quality=period["source_quality"]
                )
            other = (period.get("equivalents_other") or {}).get(article)
            if other:
                return HistoricalEquivalent(
                    instrument=other["instrument"], article=str(other["article"]), source_quality=period["source_quality"]
                )
    return None


def _mode(article: str, part: int | None, gravity: str | None) -> str | None:
    """The prosecution mode of a qualification (CPC art. 24), from rules/parameters.yaml."""
    pm = params()["prosecution_mode"]
    if any(x["article"] == article and x["part"] == part for x in pm["private_public_also"]):
        return "private_public"
    return pm["by_gravity"].get(gravity) if gravity else None


def _to_model(f: Finding, fp: FactPattern) -> Qualification:
    art = catalogue()[f.article]
    p = f.part_data
    readings_ = set(f.readings)
    if fp.offence_date and fp.offence_date < CC2021_IN_FORCE:
        readings_.add("R-RETRO")
    rd = sorted(readings_)
    sources = [_ref(f.article, f.part)] + [_ref(f.article, f.part, i) for i in f.items]
    if f.role_rule:
        sources.append(f.role_rule.provision)
    sources += f.extra_sources
    gravity = p.gravity if p.gravity in ("minor", "less_grave", "grave", "especially_grave") else None
    return Qualification(
        instrument=art.instrument,
        article=f.article,
        part=f.part,
        items=sorted(f.items),
        title=(art.title_ru or law("titles", art.article, art.title)) if lang() == "ru" else art.title,
        role=f.role or "primary",
        reason=f.reason,
        offenders=f.offenders,
        victims=f.victims,
        gravity=gravity,
        prosecution=_mode(f.article, f.part, gravity),
        penalty=_penalty(f.article, f.part, p),
        penalty_limits=[] if f.role == "excluded" else penalty_limits(p, [o for o in fp.offenders if o.id in f.offenders]),
        interpretation=bool(rd),
        readings=rd,
        historical_equivalent=_historical(f.article, fp.offence_date),
        elements=f.elements,
        sources=list(dict.fromkeys(sources)),
        verified=art.verified,
    )


ROLE_ORDER = {"primary": 0, "concurrent": 1, "alternative": 2, "competing": 3, "excluded": 4}


def _qualify(
    fp: FactPattern, units: list[Unit], backend: str | None, full: bool = True
) -> tuple[list[Finding], list[tuple[Unit, Derivation]]]:
    derived = list(zip(units, _derive("qualification", units, backend), strict=True))
    findings: list[Finding] = []
    for u, d in derived:
        findings += _unit_findings(u, d, full)
    findings = _merge(findings)
    _rank(findings)
    findings.sort(key=lambda f: (ROLE_ORDER[f.role or "primary"], -_seriousness(f.article, f.part)[0], f.article))
    return findings, derived


# A victim's age not stated: the child branch is analysed in each band where the law differs
# (CC art. 167(3)1 and 170(3)1 under 14; 157 under 16; 169(2)2 and 170(2)2 from 14 to 17).
AGE_BANDS = (("engine.age.band.u14", 10), ("engine.age.band.14_15", 15), ("engine.age.band.16_17", 17))


@dataclass
class _Plan:
    """One case ready for the engine: its analysis units, and for a victim whose age is not
    stated, the same case with that victim in each child age band."""

    fp: FactPattern
    units: list[Unit]
    bands: list[tuple[str, FactPattern, list[Unit]]]

    @classmethod
    def of(cls, fp: FactPattern) -> _Plan:
        ids = {v.id for v in fp.victims if fp.victim_age(v) is None}
        bands = []
        for band, age in AGE_BANDS if ids else ():
            alt = fp.model_copy(update={"victims": [v.model_copy(update={"age": age}) if v.id in ids else v for v in fp.victims]})
            bands.append((band, alt, build_units(alt)))
        return cls(fp, build_units(fp), bands)

    def atoms(self) -> list[set[str]]:
        return [u.atoms for u in self.units] + [u.atoms for _, _, us in self.bands for u in us]


def classify(facts: FactPattern | dict[str, Any], backend: str | None = None, lang: str | None = None) -> Findings:
    """Classify one fact pattern. Takes a dict (FACTS.md v1) or a `FactPattern`; returns `Findings`.

    `lang` ("en" or "ru"; default: `THB_LANG`, else English) sets the language of the prose
    fields; keys and enumeration values stay English."""
    return classify_many([facts], backend, lang)[0]  # type: ignore[return-value]


def classify_many(
    patterns: list[FactPattern | dict[str, Any]],
    backend: str | None = None,
    lang: str | None = None,
    return_exceptions: bool = False,
) -> list[Findings | Exception]:
    """Classify a batch of fact patterns: the same findings as `classify` on each, but the
    rules run over the whole batch's analysis units at once (an audit's chunk of records).

    With `return_exceptions`, a pattern that fails (invalid, or an engine error) gives its
    exception in its place and the others are still classified; otherwise the first raises."""
    from . import i18n

    backend = backend or backend_name()  # once per batch, not per program run
    plans: list[_Plan | Exception] = []
    for facts in patterns:
        try:
            plans.append(_Plan.of(facts if isinstance(facts, FactPattern) else FactPattern.model_validate(facts)))
        except Exception as e:
            if not return_exceptions:
                raise
            plans.append(e)
    out: list[Findings | Exception] = []
    try:
        try:
            _prefetch("qualification", [a for p in plans if isinstance(p, _Plan) for a in p.atoms()], backend)
        except Exception:
            if not return_exceptions:
                raise
            # each case is then run on its own, so the error lands on the case that causes it
        with i18n.use(lang):
            for p in plans:
                if isinstance(p, Exception):
                    out.append(p)
                    continue
                try:
                    out.append(_classify(p, backend))
                except Exception as e:
                    if not return_exceptions:
                        raise
                    out.append(e)
    finally:
        _ahead().clear()
    return out


def _classify(plan: _Plan, backend: str | None) -> Findings:
    from . import i18n
    from .consequences import assemble

    fp = plan.fp
    findings, derived = _qualify(fp, plan.units, backend)
    extra_missing: list[MissingFact] = []
    extra_warnings: list[str] = []
    entities = entities_only(fp)
    if entities:
        # CC art. 24 part 3: no qualification at all; say what the conduct would make out against
        # the natural persons who acted for the entity (LAW.md section 2)
        extra_warnings += _entity_conduct(findings, entities)
        quals: list[Qualification] = []
    else:
        quals = [_to_model(f, fp) for f in findings]
    _age_branches(plan, backend, findings, extra_missing, extra_warnings)
    out = assemble(fp, quals, derived, backend, extra_missing, extra_warnings)
    return i18n.localise_citations(out)


def _entity_conduct(findings: list[Finding], entities: list) -> list[str]:
    ids = ", ".join(o.id for o in entities)
    out = []
    for f in findings:
        if f.role in (None, "primary", "concurrent", "alternative"):
            ref = cite_items(f.article, f.part, f.items)
            key = "engine.entity.alternative" if f.role == "alternative" else "engine.entity.conduct"
            out.append(tr(key, ref=ref, ids=ids))
    if not out:
        out.append(tr("engine.entity.nothing", ids=ids))
    return out


def _summary(findings: list[Finding]) -> str:
    prim = next((f for f in findings if (f.role or "primary") == "primary"), None)
    return _label(prim.article, prim.part) if prim else tr("engine.none")


def _age_branches(
    plan: _Plan, backend: str | None, findings: list[Finding], missing: list[MissingFact], warnings: list[str]
) -> None:
    """Report what would change if a victim whose age is not stated was a child."""
    if not plan.bands:
        return
    fp = plan.fp
    unknown = [v for v in fp.victims if fp.victim_age(v) is None]
    ids = {v.id for v in unknown}

    def shape(fs: list[Finding]) -> set[tuple]:
        return {(f.article, f.part, f.role or "primary") for f in fs}

    main = shape(findings)
    diffs = []
    for band, alt_fp, units in plan.bands:
        alt, _ = _qualify(alt_fp, units, backend, full=False)
        if shape(alt) != main:
            diffs.append(f"{tr(band)}: {_summary(alt)}")
    if not diffs:
        return
    names = ", ".join(sorted(ids))
    warnings.append(tr("engine.age.warning", names=names, primary=_summary(findings), diffs="; ".join(diffs)))
    for v in unknown:
        missing.append(
            MissingFact(
                affects=["CC art. 166", "CC art. 167", "CC appendix 1 item 9"],
                fact=f"victims[{v.id}].age",
                question=tr("engine.age.question", victim=v.id, diffs="; ".join(diffs)),
            )
        )


def rule_count() -> dict[str, int]:
    return {name: len(p.rules) for name, p in programs().items()}


__all__ = ["classify", "classify_many", "rule_count", "says"]
