"""The gold narratives of `tests/extraction/` and how `thb extract` is scored against them
(benchmarks/extract.py, tests/test_extract.py; docs/extract.md, "How it is measured").

A fact is a (field, value) pair: `acts`/`means`/`purposes`/`exploitation`/`circumstances` and a
value; `victims.age`, `victims.sex`, `victims.citizenship`, `offenders.age` (a value, whichever
person it belongs to); `record.charges` (`CC 159(3)`); `offence_date`. Precision is over the
facts of the draft, recall over the facts the gold says the text states.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .core import Extraction, extract

GOLD_FIELDS = (
    "acts",
    "means",
    "purposes",
    "exploitation",
    "circumstances",
    "victims.age",
    "victims.sex",
    "victims.citizenship",
    "offenders.age",
    "record.charges",
    "offence_date",
)


class GoldError(ValueError):
    pass


@dataclass
class GoldFact:
    field: str
    value: Any
    start: int
    end: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.field, norm_value(self.field, self.value))


@dataclass
class Narrative:
    id: str
    lang: str
    split: str
    source: str
    text: str
    facts: list[GoldFact] = field(default_factory=list)
    where: str = ""


def norm_value(fld: str, value: Any) -> str:
    if fld == "record.charges":
        v = dict(value)
        part = f"({v['part']})" if v.get("part") is not None else ""
        return f"{v['instrument']} {v['article']}{part}"
    return str(value)


def load_gold(folder: Path) -> list[Narrative]:
    """Every narrative of the gold files in `folder` (a list per file; negation-suite.yaml is apart)."""
    out: list[Narrative] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "negation-suite.yaml":
            continue
        for n, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            where = f"{path.name}: narrative {n + 1} ({raw.get('id')})"
            if raw.get("id") in seen:
                raise GoldError(f"{where}: id used twice")
            seen.add(raw["id"])
            if raw.get("lang") not in ("en", "ru") or raw.get("split") not in ("dev", "heldout"):
                raise GoldError(f"{where}: lang must be en or ru, split dev or heldout")
            text = raw["text"]
            nar = Narrative(raw["id"], raw["lang"], raw["split"], raw.get("source", ""), text, where=where)
            for f in raw.get("facts") or []:
                if f.get("field") not in GOLD_FIELDS:
                    raise GoldError(f"{where}: unknown field {f.get('field')!r}")
                quote = str(f["quote"])
                at, k = -1, 0
                for _ in range(int(f.get("occurrence", 1))):
                    at = text.find(quote, k)
                    k = at + 1
                if at < 0:
                    raise GoldError(f"{where}: the quote {quote!r} of {f['field']} is not in the text")
                nar.facts.append(GoldFact(f["field"], f["value"], at, at + len(quote)))
            out.append(nar)
    return out


def load_negation_suite(folder: Path) -> list[tuple[str, str, str]]:
    """(lang, kind, sentence) for every sentence of negation-suite.yaml."""
    data = yaml.safe_load((folder / "negation-suite.yaml").read_text(encoding="utf-8"))
    return [(lg, item["kind"], item["text"]) for lg in ("en", "ru") for item in data.get(lg) or []]


def draft_facts(x: Extraction) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """The facts of a draft, each with the spans of its proposed evidence."""
    d = x.draft
    spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    by_path: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for e in x.evidence:
        if e.status == "proposed":
            by_path[f"{e.field}={json.dumps(e.value, sort_keys=True)}"].append((e.start, e.end))

    def add(fld: str, path: str, value: Any) -> None:
        spans[(fld, norm_value(fld, value))].extend(by_path.get(f"{path}={json.dumps(value, sort_keys=True)}", []))

    for fld in ("acts", "means", "purposes", "exploitation", "circumstances"):
        for v in d.get(fld, []):
            add(fld, fld, v)
    for role in ("victims", "offenders"):
        for p in d.get(role, []):
            for attr in ("age", "sex", "citizenship"):
                if attr in p:
                    add(f"{role}.{attr}", f"{role}[{p['id']}].{attr}", p[attr])
    for c in (d.get("record") or {}).get("charges", []):
        add("record.charges", "record.charges", c)
    if "offence_date" in d:
        add("offence_date", "offence_date", d["offence_date"])
    return spans


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    span_ok: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.span_ok += other.span_ok

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Score:
    by: dict[tuple[str, str, str], Counts]  # (split, lang, field) → counts
    errors: list[tuple[str, str, str, str]]  # (narrative id, fp|fn, field, value)

    def total(self, split: str | None = None, lang: str | None = None, fld: str | None = None) -> Counts:
        c = Counts()
        for (s, lg, f), v in self.by.items():
            if (split is None or s == split) and (lang is None or lg == lang) and (fld is None or f == fld):
                c.add(v)
        return c


def score(narratives: list[Narrative]) -> Score:
    by: dict[tuple[str, str, str], Counts] = defaultdict(Counts)
    errors = []
    for nar in narratives:
        x = extract(nar.text, nar.id, lang=None)
        got = draft_facts(x)
        gold: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for f in nar.facts:
            gold[f.key].append((f.start, f.end))
        for key in set(got) | set(gold):
            c = by[(nar.split, nar.lang, key[0])]
            if key in got and key in gold:
                c.tp += 1
                if any(a < gb and ga < b for a, b in got[key] for ga, gb in gold[key]):
                    c.span_ok += 1
            elif key in got:
                c.fp += 1
                errors.append((nar.id, "fp", key[0], key[1]))
            else:
                c.fn += 1
                errors.append((nar.id, "fn", key[0], key[1]))
    return Score(dict(by), errors)
