"""The pattern language of the extraction lexicon (`rules/extract/*.yaml`).

A pattern is a sequence of elements separated by spaces, matched against the tokens of one
sentence, left to right:

| element | matches one token whose lemma or lower-case form… |
|---|---|
| `word` | is `word` (`ё` is read as `е`) |
| `=word` | is written `word`, whatever its lemma (`=избить`: the infinitive, not «избил») |
| `pre*` | starts with `pre` |
| `a|b*|c` | is any of the alternatives |
| `@name` | is in the word list `name` (the `words:` section of a lexicon file) |
| `#num` | is a number written in digits |
| `?elem` | (optional) — the element may be absent |
| `~N` | — not a token: up to N other tokens may stand before the next element |

Russian lemmas come from pymorphy3, so `угроза` matches «угроз», «угрозами», «угрозы»; English
has no lemmatiser here, so an English pattern lists the forms it accepts (`sell|sold|selling`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import Token


class PatternError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Element:
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    optional: bool
    gap: int  # tokens that may stand before this element (0: right after the previous one)
    number: bool = False
    written: frozenset[str] = frozenset()  # `=word`: the written form only

    def test(self, t: Token) -> bool:
        if t.lemma in self.exact or t.low in self.exact or t.low in self.written:
            return True
        if self.number and t.low.isdigit():
            return True
        for p in self.prefixes:
            if t.lemma.startswith(p) or t.low.startswith(p):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Pattern:
    source: str
    elements: tuple[Element, ...]


_GAP = re.compile(r"~(\d)")


def _norm(w: str) -> str:
    return w.lower().replace("ё", "е").replace("’", "'")


def compile_pattern(source: str, words: dict[str, list[str]], where: str) -> Pattern:
    elements: list[Element] = []
    gap = 0
    for raw in source.split():
        m = _GAP.fullmatch(raw)
        if m:
            if not elements:
                raise PatternError(f"{where}: pattern {source!r} starts with a gap")
            gap = int(m.group(1))
            continue
        optional = raw.startswith("?")
        body = raw[1:] if optional else raw
        alts: list[str] = []
        number = False
        for alt in body.split("|"):
            if alt == "#num":
                number = True
            elif alt.startswith("@"):
                name = alt[1:]
                if name not in words:
                    raise PatternError(f"{where}: pattern {source!r} names an unknown word list @{name}")
                alts.extend(words[name])
            elif alt:
                alts.append(alt)
        if not alts and not number:
            raise PatternError(f"{where}: pattern {source!r} has an empty element")
        exact, prefixes, written = set(), [], set()
        for a in alts:
            a = _norm(a)
            if a.startswith("=") and len(a) > 1:
                written.add(a[1:])
            elif a.endswith("*"):
                if len(a) < 3:
                    raise PatternError(f"{where}: prefix {a!r} in {source!r} is too short (two letters at least)")
                prefixes.append(a[:-1])
            else:
                exact.add(a)
        elements.append(Element(frozenset(exact), tuple(prefixes), optional, gap, number, frozenset(written)))
        gap = 0
    if not elements:
        raise PatternError(f"{where}: empty pattern")
    if elements[0].optional:
        raise PatternError(f"{where}: pattern {source!r} starts with an optional element")
    if gap:
        raise PatternError(f"{where}: pattern {source!r} ends with a gap")
    return Pattern(source, tuple(elements))


def match_at(p: Pattern, toks: list[Token], i: int, stop: int | None = None) -> list[int] | None:
    """The token indices of a match of `p` starting at token `i` (the shortest), or None."""
    stop = len(toks) if stop is None else stop
    els = p.elements
    if i >= stop or not els[0].test(toks[i]):
        return None

    def go(k: int, pos: int) -> list[int] | None:  # element k, next token index pos
        if k == len(els):
            return []
        e = els[k]
        for j in range(pos, min(stop, pos + e.gap + 1)):
            if e.test(toks[j]):
                rest = go(k + 1, j + 1)
                if rest is not None:
                    return [j, *rest]
        if e.optional:
            return go(k + 1, pos)
        return None

    rest = go(1, i + 1)
    return None if rest is None else [i, *rest]


class Index:
    """Patterns indexed by what their first element accepts, so a sentence is scanned once."""

    def __init__(self) -> None:
        self.exact: dict[str, list[tuple[Pattern, object]]] = {}
        self.prefix: dict[str, list[tuple[Pattern, object]]] = {}
        self.lengths: list[int] = []
        self.numeric: list[tuple[Pattern, object]] = []

    def add(self, p: Pattern, payload: object) -> None:
        first = p.elements[0]
        if first.number:
            self.numeric.append((p, payload))
        for w in first.exact | first.written:
            self.exact.setdefault(w, []).append((p, payload))
        for w in first.prefixes:
            self.prefix.setdefault(w, []).append((p, payload))
        self.lengths = sorted({len(w) for w in self.prefix})

    def candidates(self, t: Token) -> list[tuple[Pattern, object]]:
        out: list[tuple[Pattern, object]] = []
        seen: set[int] = set()
        if self.numeric and t.low.isdigit():
            out.extend(self.numeric)
            seen.update(id(c) for c in self.numeric)
        keys = (t.lemma, t.low) if t.lemma != t.low else (t.lemma,)
        for key in keys:
            for c in self.exact.get(key, ()):
                if id(c) not in seen:
                    seen.add(id(c))
                    out.append(c)
            for n in self.lengths:
                if n > len(key):
                    break
                for c in self.prefix.get(key[:n], ()):
                    if id(c) not in seen:
                        seen.add(id(c))
                        out.append(c)
        return out

    def scan(self, toks: list[Token], lo: int = 0, hi: int | None = None):
        """Every (payload, token indices) match in toks[lo:hi]."""
        hi = len(toks) if hi is None else hi
        for i in range(lo, hi):
            for p, payload in self.candidates(toks[i]):
                m = match_at(p, toks, i, hi)
                if m is not None:
                    yield payload, m
