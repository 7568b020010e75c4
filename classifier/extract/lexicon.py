"""Loading and checking the extraction lexicon: `rules/extract/{facts,cues,people}.yaml`.

Every entry is checked when it is loaded — unknown keys, unknown fields, values that are not in
`rules/vocabulary.yaml`, patterns that do not compile — so a typo in the lexicon is an error
naming the file and the entry, never a fact silently not found.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..ruledata import load_yaml, rules_dir, vocabulary
from .patterns import Index, Pattern, PatternError, compile_pattern

LANGS = ("en", "ru")
LIST_FIELDS = ("acts", "means", "purposes", "exploitation", "circumstances")
STATUSES = ("proposed", "negated", "denied", "hypothetical", "background", "conflicting")
CUE_KINDS = ("negated", "denied", "hypothetical", "background", "charge")
SCOPES = ("clause", "next", "rest", "forward", "sentence")
ENTRY_KEYS = {"id", "lang", "facts", "patterns", "unless", "intent", "note"}
CUE_KEYS = {"id", "scope", "lang", "patterns", "kind", "span", "note"}


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    id: str
    lang: str
    facts: tuple[tuple[str, str], ...]
    patterns: tuple[Pattern, ...]
    unless: tuple[Pattern, ...]
    intent: bool  # an intention is the fact itself (purposes): intent cues do not hold it back


@dataclass(frozen=True)
class Cue:
    id: str
    status: str  # negated | denied | hypothetical | background | charge
    scope: str
    kind: str  # for hypothetical: intent | modal | unrealised
    span: int


@dataclass
class LangLexicon:
    facts: Index = field(default_factory=Index)
    cues: Index = field(default_factory=Index)
    not_a_cue: Index = field(default_factory=Index)
    charge_barrier: Index = field(default_factory=Index)
    clause_start: frozenset[str] = frozenset()
    clause_start_bare: frozenset[str] = frozenset()
    barrier: frozenset[str] = frozenset()
    subordinate: frozenset[str] = frozenset()
    # cue id → (sentence patterns, patterns from the next two tokens, words just before) that keep it a cue
    habitual: dict[str, tuple[Index, tuple[Pattern, ...], frozenset[str]]] = field(default_factory=dict)
    part_words: frozenset[str] = frozenset()


@dataclass
class Lexicon:
    langs: dict[str, LangLexicon]
    entries: dict[str, Entry]
    people: dict[str, Any]
    digest: str


def _file(name: str) -> tuple[str, Any]:
    path = rules_dir() / "extract" / name
    text = path.read_text(encoding="utf-8")
    return text, load_yaml(text)


def _words(data: dict[str, Any], where: str) -> dict[str, list[str]]:
    words = data.get("words") or {}
    if not isinstance(words, dict) or not all(isinstance(v, list) for v in words.values()):
        raise LexiconError(f"{where}: `words` must map names to lists of words")
    return {k: [str(w) for w in v] for k, v in words.items()}


def _patterns(raw: Any, words: dict[str, list[str]], where: str) -> tuple[Pattern, ...]:
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise LexiconError(f"{where}: patterns must be a list of strings")
    try:
        return tuple(compile_pattern(p, words, where) for p in raw)
    except PatternError as e:
        raise LexiconError(str(e)) from None


@functools.cache
def lexicon() -> Lexicon:
    digest = hashlib.sha256()
    langs = {lg: LangLexicon() for lg in LANGS}
    voc = vocabulary()

    # ---- facts.yaml
    text, data = _file("facts.yaml")
    digest.update(text.encode())
    words = _words(data, "rules/extract/facts.yaml")
    entries: dict[str, Entry] = {}
    # `unless` patterns shared by every entry of some fields of a language (a shelter "for victims of
    # sexual exploitation" names a kind of victim, no aim and no exploitation of this case)
    shared: dict[tuple[str, str], tuple[Pattern, ...]] = {}
    for n, raw in enumerate(data.get("shared_unless") or []):
        where = f"rules/extract/facts.yaml: shared_unless {n + 1}"
        if not isinstance(raw, dict) or set(raw) - {"lang", "fields", "patterns", "note"} or raw.get("lang") not in LANGS:
            raise LexiconError(f"{where}: needs lang (en | ru), fields and patterns")
        for fld in raw.get("fields") or []:
            if fld not in LIST_FIELDS:
                raise LexiconError(f"{where}: {fld!r} is not a field")
            shared[(raw["lang"], fld)] = shared.get((raw["lang"], fld), ()) + _patterns(raw.get("patterns"), words, where)
    for n, raw in enumerate(data.get("entries") or []):
        where = f"rules/extract/facts.yaml: entry {n + 1}"
        if not isinstance(raw, dict):
            raise LexiconError(f"{where}: not a mapping")
        unknown = set(raw) - ENTRY_KEYS
        if unknown:
            raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
        eid = raw.get("id")
        where = f"rules/extract/facts.yaml: {eid or f'entry {n + 1}'}"
        if not eid or eid in entries:
            raise LexiconError(f"{where}: every entry needs an id of its own")
        if raw.get("lang") not in LANGS:
            raise LexiconError(f"{where}: lang must be one of {', '.join(LANGS)}")
        facts = []
        for f in raw.get("facts") or []:
            fld, _, value = str(f).partition(".")
            kind = "purposes" if fld == "exploitation" else fld
            if fld not in LIST_FIELDS or value not in voc.get(kind, {}):
                raise LexiconError(f"{where}: {f!r} is not a fact (field.value with a value of rules/vocabulary.yaml)")
            facts.append((fld, value))
        if not facts:
            raise LexiconError(f"{where}: no facts")
        entry = Entry(
            eid,
            raw["lang"],
            tuple(facts),
            _patterns(raw.get("patterns"), words, where),
            _patterns(raw.get("unless") or [], words, where)
            + tuple(p for fld in dict.fromkeys(f for f, _ in facts) for p in shared.get((raw["lang"], fld), ())),
            bool(raw.get("intent")) or all(f == "purposes" for f, _ in facts),
        )
        entries[eid] = entry
        for p in entry.patterns:
            langs[entry.lang].facts.add(p, entry)

    # ---- cues.yaml
    text, data = _file("cues.yaml")
    digest.update(text.encode())
    where0 = "rules/extract/cues.yaml"
    words = _words(data, where0)
    for lg in LANGS:
        L = langs[lg]
        L.clause_start = frozenset(str(w) for w in (data.get("clause_start") or {}).get(lg, []))
        L.clause_start_bare = frozenset(str(w) for w in (data.get("clause_start_bare") or {}).get(lg, []))
        L.barrier = frozenset(str(w) for w in (data.get("barrier") or {}).get(lg, []))
        L.subordinate = frozenset(str(w) for w in (data.get("subordinate") or {}).get(lg, []))
        L.part_words = frozenset(str(w) for w in (data.get("negated_part") or {}).get(lg, []))
        for p in _patterns((data.get("not_a_cue") or {}).get(lg, []), words, f"{where0}: not_a_cue.{lg}"):
            L.not_a_cue.add(p, None)
        for p in _patterns((data.get("charge_barrier") or {}).get(lg, []), words, f"{where0}: charge_barrier.{lg}"):
            L.charge_barrier.add(p, None)
    seen: set[str] = set()
    cue_lang: dict[str, str] = {}
    for status, items in (data.get("cues") or {}).items():
        if status not in CUE_KINDS:
            raise LexiconError(f"{where0}: unknown cue kind {status!r} (one of {', '.join(CUE_KINDS)})")
        for raw in items or []:
            unknown = set(raw) - CUE_KEYS
            cid = raw.get("id")
            where = f"{where0}: {cid}"
            if unknown:
                raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
            if not cid or cid in seen:
                raise LexiconError(f"{where}: every cue needs an id of its own")
            seen.add(cid)
            if raw.get("scope") not in SCOPES or raw.get("lang") not in LANGS:
                raise LexiconError(f"{where}: scope must be one of {', '.join(SCOPES)}, lang one of {', '.join(LANGS)}")
            cue = Cue(cid, status, raw["scope"], str(raw.get("kind") or ""), int(raw.get("span") or 3))
            cue_lang[cid] = raw["lang"]
            for p in _patterns(raw.get("patterns"), words, where):
                langs[raw["lang"]].cues.add(p, cue)
    for n, raw in enumerate(data.get("habitual") or []):
        where = f"{where0}: habitual {n + 1}"
        cid = raw.get("cue") if isinstance(raw, dict) else None
        if cid not in cue_lang:
            raise LexiconError(f"{where}: `cue` must name a cue of this file")
        if set(raw) - {"cue", "keep_if_sentence", "keep_if_next", "keep_if_prev", "note"}:
            raise LexiconError(
                f"{where}: unknown keys {sorted(set(raw) - {'cue', 'keep_if_sentence', 'keep_if_next', 'keep_if_prev'})}"
            )
        idx = Index()
        for p in _patterns(raw.get("keep_if_sentence") or [], words, where):
            idx.add(p, None)
        langs[cue_lang[cid]].habitual[cid] = (
            idx,
            _patterns(raw.get("keep_if_next") or [], words, where),
            frozenset(str(w) for w in raw.get("keep_if_prev") or []),
        )

    # ---- people.yaml
    text, people = _file("people.yaml")
    digest.update(text.encode())
    for code in people.get("countries") or {}:
        if len(code) != 2 or not code.isupper():
            raise LexiconError(f"rules/extract/people.yaml: {code!r} is not an ISO 3166 alpha-2 code")
    return Lexicon(langs, entries, people, digest.hexdigest()[:12])
