"""The justification log (durable-rules has no trace API): for an atom set after the rules ran,
every established atom with its best-supported derivation — the rule, its citation, the readings
and the stated atoms it rests on — and, per article, the parts, items and role atoms it made."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..rulebase.compiler import Cond, Program, Rule, evaluate


@dataclass
class Support:
    readings: frozenset[str]
    paths: tuple[str, ...]
    rule: Rule | None


class Core:
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
        self._by_article: dict[str, ArticleIndex] | None = None
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

    def article(self, art: str) -> ArticleIndex:
        """What the atom set established for `art`: its parts, items and role atoms."""
        if self._by_article is None:
            idx: dict[str, ArticleIndex] = {}
            indexed = _indexed_then(self.prog)
            found = {a: i for rid in self.fired for a, i in indexed[rid]}  # only derived atoms are an article's
            for a, i in found.items():
                art_, kind, value = i
                ix = idx.get(art_)
                if ix is None:
                    ix = idx[art_] = ArticleIndex()
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
class ArticleIndex:
    parts: list[int | None] = field(default_factory=list)
    items: list[tuple[int, int]] = field(default_factory=list)  # (part, item), sorted
    roles: dict[str, list[str]] = field(default_factory=dict)  # the atoms `art.<kind>.…`, sorted, per kind


_NO_ARTICLE = ArticleIndex(parts=(), items=(), roles=MappingProxyType({}))  # type: ignore[arg-type]  # shared: immutable


class Derivation:
    """One unit after the rules ran: its atom set's `Core`, and the input paths of its stated
    atoms, so that each support names the facts that decided it."""

    def __init__(self, core: Core, paths: dict[str, list[str]]):
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
