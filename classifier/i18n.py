"""Languages: English (the default) and Russian.

The language is chosen with `--lang` on any command or `THB_LANG`; JSON keys and enumeration
values stay English (they are the API), prose fields follow the language.

Two kinds of text, each with one catalogue per language, reviewed as data:

- program messages (report headings, reasons composed by the engine, errors, interview
  questions): `classifier/locales/*.<lang>.yaml`, flat `key: template` maps merged per language;
  English and Russian must have the same keys (a test checks it);
- the rule base's prose (rule statements, element labels, parts, items, penalties, questions,
  warnings, readings…): English lives in `rules/` beside each rule; Russian in `rules/ru.yaml`,
  keyed by rule id, article and part (a test checks every English text has its Russian); it is
  the rule base's own (`classifier.rulebase.prose.law`).

Article references are written by `classifier.citations`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import LanguageError
from .reading.data import load_data

__all__ = ["LANGS", "LOCALES", "LanguageError", "check", "lang", "messages", "set_lang", "tr", "use"]

LANGS = ("en", "ru")
_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("thb_lang", default=None)
LOCALES = Path(__file__).resolve().parent / "locales"


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
    out: dict[str, str] = {}
    for f in sorted(LOCALES.glob(f"*.{language}.yaml")):
        data = load_data(f.read_text(encoding="utf-8")) or {}
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
