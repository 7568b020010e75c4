"""Languages: English (the default) and Russian.

The language is chosen with `--lang` on any command or `THB_LANG`; JSON keys and enumeration
values stay English (they are the API), prose fields follow the language.

Two kinds of text, each with one catalogue per language, reviewed as data:

- program messages (report headings, reasons composed by the engine, errors, interview
  questions): `classifier/locales/*.<lang>.yaml`, flat `key: template` maps merged per language;
  English and Russian must have the same keys (a test checks it);
- the rule base's prose (rule statements, element labels, parts, items, penalties, questions,
  warnings, readings…): English lives in `rules/` beside each rule; Russian in `rules/ru.yaml`,
  keyed by rule id, article and part (a test checks every English text has its Russian).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LANGS = ("en", "ru")
_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("thb_lang", default=None)
LOCALES = Path(__file__).resolve().parent / "locales"


class LanguageError(ValueError):
    pass


def check(lang: str) -> str:
    lang = (lang or "en").strip().lower()
    if lang not in LANGS:
        raise LanguageError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    return lang


def lang() -> str:
    """The language in force: `use()` / `set_lang()` first, then THB_LANG, then English."""
    chosen = _LANG.get()
    if chosen:
        return chosen
    return _env_lang(os.environ.get("THB_LANG"))


@functools.lru_cache(maxsize=8)
def _env_lang(env: str | None) -> str:
    return env.strip().lower() if env and env.strip().lower() in LANGS else "en"


def set_lang(value: str | None) -> None:
    _LANG.set(check(value) if value else None)


@contextlib.contextmanager
def use(value: str | None) -> Iterator[None]:
    token = _LANG.set(check(value) if value else lang())  # resolved once for the whole block
    try:
        yield
    finally:
        _LANG.reset(token)


@functools.cache
def messages(language: str) -> dict[str, str]:
    """All program messages of one language: every `classifier/locales/*.<language>.yaml` merged."""
    from .ruledata import load_yaml

    out: dict[str, str] = {}
    for f in sorted(LOCALES.glob(f"*.{language}.yaml")):
        data = load_yaml(f.read_text(encoding="utf-8")) or {}
        for k, v in data.items():
            if k in out:
                raise ValueError(f"{f.name}: message {k!r} is defined twice")
            out[k] = v
    return out


def tr(msg_id: str, /, **params: Any) -> str:
    """The message `msg_id` in the language in force, with `{params}` filled in."""
    text = messages(lang()).get(msg_id)
    if text is None:
        text = messages("en")[msg_id]  # a missing message is a defect the catalogue test catches
    text = str(text)
    if "\n" in text.strip():  # a folded multi-line YAML text: one line
        text = " ".join(text.split())
    return text.format(**params)


@functools.cache
def rule_base_ru() -> dict[str, Any]:
    from .ruledata import load_yaml, rules_dir

    path = rules_dir() / "ru.yaml"
    if not path.exists():
        return {}
    return load_yaml(path.read_text(encoding="utf-8")) or {}


def law(section: str, key: str, english: str) -> str:
    """A text of the rule base: the English given, or its Russian from `rules/ru.yaml`."""
    if lang() == "en":
        return english
    text = (rule_base_ru().get(section) or {}).get(key)
    return " ".join(str(text).split()) if text else english


# --------------------------------------------------------------------------- citations
_CODES = {"CC": "УК", "CPC": "УПК", "CoO": "КоП"}
_NUM = r"[\d]+(?:-[\d]+)?"


def _rng(x: str) -> str:
    """Two adjacent numbers read as a pair in Russian legal style: "1-2" -> "1 и 2" ("1-3" stays)."""
    lo, _, hi = x.partition("-")
    return f"{lo} и {hi}" if hi and lo.isdigit() and hi.isdigit() and int(hi) == int(lo) + 1 else x


_CITE_RULES: list[tuple[str, Any]] = [
    (rf"CC (\d{{4}}) art\. ({_NUM})( note)?", lambda m: ("примечание к " if m[3] else "") + f"ст. {m[2]} УК {m[1]} г."),
    (rf"CC appendix 1 (items?) ({_NUM})", lambda m: ("пп." if m[1] == "items" else "п.") + f" {_rng(m[2])} приложения 1 к УК"),
    (
        rf"\b(CC|CPC|CoO) art\. ({_NUM}) part ({_NUM}) (items?) ({_NUM})",
        lambda m: ("пп." if m[4] == "items" else "п.") + f" {_rng(m[5])} ч. {m[3]} ст. {m[2]} {_CODES[m[1]]}",
    ),
    (rf"\b(CC|CPC|CoO) art\. ({_NUM}) parts ({_NUM}) and ({_NUM})", lambda m: f"ч. {m[3]} и {m[4]} ст. {m[2]} {_CODES[m[1]]}"),
    (rf"\b(CC|CPC|CoO) art\. ({_NUM}) parts? ({_NUM})", lambda m: f"ч. {_rng(m[3])} ст. {m[2]} {_CODES[m[1]]}"),
    (rf"\b(CC|CPC|CoO) art\. ({_NUM}) note", lambda m: f"примечание к ст. {m[2]} {_CODES[m[1]]}"),
    (rf"\b(CC|CPC|CoO) arts?\. ({_NUM}(?:, {_NUM})*)", lambda m: f"ст. {m[2]} {_CODES[m[1]]}"),
    (rf"Law 55 art\. ({_NUM}) part ({_NUM})", lambda m: f"ч. {m[2]} ст. {m[1]} Закона № 55"),
    (rf"Law 55 art\. ({_NUM})", lambda m: f"ст. {m[1]} Закона № 55"),
    (r"Law 55", lambda m: "Закон № 55"),
    (r"Palermo Protocol art\. 3\(a\)", lambda m: "п. «a» ст. 3 Палермского протокола"),
    (r"Palermo Protocol art\. 3", lambda m: "ст. 3 Палермского протокола"),
    (r"\(amended 24 Jan 2023\)", lambda m: "(в ред. от 24.01.2023)"),
    (r"\(2011 text\)", lambda m: "(ред. 2011 г.)"),
    (r"\(unverified\)", lambda m: "(не проверено)"),
]


def cite(text: str) -> str:
    """A citation ("CC art. 166 part 2 item 5") in the language in force ("п. 5 ч. 2 ст. 166 УК")."""
    import re

    if lang() == "en" or not text:
        return text
    for pattern, repl in _CITE_RULES:
        text = re.sub(pattern, repl, text)
    return text


def localise_citations(findings: Any) -> Any:
    """Put every citation field of the findings (sources, element sources, bases, `affects`) in the
    language in force. Done last, after the engine compared citations internally in English."""
    if lang() == "en":
        return findings
    for q in findings.qualifications:
        q.sources = [cite(x) for x in q.sources]
        for pl in q.penalty_limits:
            pl.basis = [cite(x) for x in pl.basis]
        q.elements = [e.model_copy(update={"source": cite(e.source)}) for e in q.elements]
    for n in findings.non_punishment:
        n.basis = [cite(x) for x in n.basis]
    findings.prosecution.basis = [cite(x) for x in findings.prosecution.basis]
    for m in findings.missing_facts:
        m.affects = [cite(x) for x in m.affects]
    return findings
