"""Loading the legal rule base (`rules/`) — the data a lawyer reviews.

Everything the engine knows about the law is read from the YAML files under `rules/`:
the vocabulary of fact patterns, the article catalogue (parts, items, penalties, gravity),
the derivation rules, the readings, and the law-by-date table. This module only reads and
checks their shape; `compiler.py` turns the rules into programs, `legal.py` names the legal
constants read from them.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..reading.data import load_data
from .cache import cached


def rules_dir() -> Path:
    """Where the rule base lives: `THB_RULES` if set, else the copy shipped in the package."""
    env = os.environ.get("THB_RULES")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent.parent
    packaged = package / "rules"
    if packaged.is_dir():
        return packaged
    return package.parent / "rules"


@functools.cache
def documents() -> dict[str, Any]:
    """Every file of the rule base, parsed, by its path under `rules/` (kept on disk between runs:
    `cache.py`)."""
    root = rules_dir()

    def parse_all() -> dict[str, Any]:
        return {p.relative_to(root).as_posix(): load_data(p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.yaml"))}

    return cached("documents", root, parse_all)


def read(name: str) -> Any:
    """One file of the rule base, parsed."""
    docs = documents()
    if name in docs:
        return docs[name]
    return load_data((rules_dir() / name).read_text(encoding="utf-8"))


VOCABULARY_KEYS = {"label", "label_ru", "class", "reading", "source", "says", "decides", "kind"}


@functools.cache
def vocabulary() -> dict[str, Any]:
    data = read("vocabulary.yaml")
    for kind, entries in data.items():
        for value, entry in entries.items():
            unknown = set(entry) - VOCABULARY_KEYS
            if unknown:  # an unquoted comma in an inline mapping splits a label silently
                raise ValueError(
                    f"rules/vocabulary.yaml: {kind}.{value} has unknown keys {sorted(unknown)}; quote texts with commas"
                )
    return data


def values(kind: str) -> list[str]:
    return list(vocabulary()[kind].keys())


@dataclass(frozen=True)
class Penalty:
    text: str
    min_years: float | None
    max_years: float | None
    additional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    article: str
    part: int | None
    statement: str
    items: dict[int, str]
    penalty: Penalty
    gravity: str
    line: int | None = None
    note: str | None = None

    @property
    def max_years(self) -> float:
        return self.penalty.max_years or 0.0

    @property
    def min_years(self) -> float:
        return self.penalty.min_years or 0.0


@dataclass(frozen=True)
class Article:
    article: str
    instrument: str
    title: str
    title_ru: str
    capacity_age: int
    summary: str
    verified: bool
    parts: dict[int | None, Part]
    line: int | None = None
    notes: tuple[dict, ...] = ()
    raw: dict = field(default_factory=dict, compare=False, hash=False)

    def part(self, n: int | None) -> Part | None:
        return self.parts.get(n)


@functools.cache
def catalogue() -> dict[str, Article]:
    """The article catalogue, keyed by article number (CC 2021)."""
    data = read("articles.yaml")
    out: dict[str, Article] = {}
    for a in data["articles"]:
        parts: dict[int | None, Part] = {}
        for p in a.get("parts") or []:
            pen = p.get("penalty") or {}
            parts[p.get("part")] = Part(
                article=str(a["article"]),
                part=p.get("part"),
                statement=p.get("statement", ""),
                items={int(i["item"]): i["statement"] for i in p.get("items") or []},
                penalty=Penalty(
                    text=pen.get("text", "unverified"),
                    min_years=pen.get("min_years"),
                    max_years=pen.get("max_years"),
                    additional=tuple(pen.get("additional") or ()),
                ),
                gravity=p.get("gravity", "unknown"),
                line=p.get("line"),
                note=p.get("note"),
            )
        out[str(a["article"])] = Article(
            article=str(a["article"]),
            instrument=a.get("instrument", "CC"),
            title=a["title"],
            title_ru=a.get("title_ru", ""),
            capacity_age=int(a.get("capacity_age") or 16),
            summary=a.get("summary", ""),
            verified=bool(a.get("verified", True)),
            parts=parts,
            line=a.get("line"),
            notes=tuple(a.get("notes") or ()),
            raw=a,
        )
    return out


@functools.cache
def edition() -> dict[str, Any]:
    return read("articles.yaml")["edition"]


@functools.cache
def readings() -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in read("readings.yaml")["readings"]}


@functools.cache
def open_questions() -> dict[str, str]:
    return {q["id"]: q["text"] for q in read("readings.yaml")["open_questions"]}


@functools.cache
def law_by_date() -> dict[str, Any]:
    return read("law-by-date.yaml")


@functools.cache
def consequences() -> dict[str, Any]:
    return read("consequences.yaml")


@functools.cache
def logic_files() -> dict[str, dict[str, Any]]:
    """Every derivation-rule file under `rules/articles/` and `rules/*.rules.yaml`, by name."""
    root = rules_dir()
    files = sorted((root / "articles").glob("*.yaml")) + sorted(root.glob("*.rules.yaml"))
    return {f.relative_to(root).as_posix(): read(f.relative_to(root).as_posix()) for f in files}


@functools.cache
def params() -> dict[str, Any]:
    """The legal parameters (`rules/parameters.yaml`): ages, dates, gravity bands, damage bands,
    the prosecution mode by gravity — every number the engine decides by, with its source."""
    return read("parameters.yaml")


def param(section: str, key: str) -> Any:
    """One parameter's value, e.g. `param("ages", "child_below")` -> 18."""
    return params()[section][key]["value"]


@functools.cache
def juvenile() -> dict[str, Any]:
    """The limits CC arts. 97-109 put on penalties for offenders under 18 (`rules/juvenile-penalties.yaml`)."""
    return read("juvenile-penalties.yaml")


@functools.cache
def prosecution_rules() -> dict[str, Any]:
    """The prosecution decision's texts and bases (`rules/prosecution.rules.yaml`)."""
    return logic_files()["prosecution.rules.yaml"]


@functools.cache
def sources() -> dict[str, Any]:
    """The source reports (`rules/sources.yaml`): titles and the locator of every line range."""
    path = rules_dir() / "sources.yaml"
    return read("sources.yaml") if path.exists() else {}


def cite_source(seed: str, lines: str | None, language: str = "en") -> str | None:
    """A source report cited as a reader can find it (LAW.md section 11): its short title and the
    locators (section, paragraph, page…) of the lines cited, from `rules/sources.yaml` — never the
    project's file name or line. None when the report is not described there."""
    doc = sources().get(seed)
    if not doc:
        return None
    short = doc.get("short_ru") if language == "ru" and doc.get("short_ru") else doc["short"]
    if not lines:
        return short
    spans = []
    for chunk in str(lines).replace(" ", "").split(","):
        lo, _, hi = chunk.partition("-")
        if lo.isdigit():
            spans.append((int(lo), int(hi) if hi.isdigit() else int(lo)))
    found: list[str] = []
    for loc in doc.get("locators") or []:
        if loc.get("citable") is False:
            continue
        if any(loc["from"] <= hi and lo <= loc["to"] for lo, hi in spans):
            text = loc.get(language) or loc["en"]
            if text not in found:
                found.append(text)
    return short + (", " + "; ".join(found) if found else "")
