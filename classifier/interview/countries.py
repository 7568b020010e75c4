"""Citizenship as an investigator answers it: a country's name in English or Russian, an adjective
of it, `stateless`, or the two-letter code (ISO 3166-1 alpha-2) the fact pattern records. The names
are data: countries.yaml beside this module."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ..i18n import lang


def _name_key(text: str) -> str:
    t = text.strip().lower().replace("ё", "е").replace(".", "")
    t = re.sub(r"[-‐–—_]", " ", t)
    t = re.sub(r"^(the|citizen of|a citizen of|гражданин|гражданка|гражданство)\s+", "", " ".join(t.split()))
    return t


@functools.cache
def countries() -> dict[str, dict[str, Any]]:
    """The table of countries (countries.yaml beside this module): ISO 3166-1 alpha-2 code → names."""
    from ..reading.data import load_data

    return load_data((Path(__file__).parent / "countries.yaml").read_text(encoding="utf-8"))


@functools.cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, meta in countries().items():
        for name in [meta["name"], meta["name_ru"], *(meta.get("also") or [])]:
            index[_name_key(str(name))] = code
    return index


def country_code(answer: str) -> str | None:
    """The code a citizenship answer names: a country's name in English or Russian (or an adjective
    of it), `stateless`, or a two-letter code; None if it names none."""
    code = _country_index().get(_name_key(answer))
    if code is not None:
        return code
    s = answer.strip()
    return s.upper() if re.fullmatch(r"[A-Za-z]{2}", s) else None


def country_name(code: str) -> str | None:
    """The country's name in the language in force, if the table has it."""
    meta = countries().get(code)
    return None if meta is None else str(meta["name_ru"] if lang() == "ru" else meta["name"])


def country_suggestion(answer: str) -> str | None:
    """The name closest to a misspelt one ("Kirgistan" → "Kyrgyzstan (KG)"), if any is close."""
    import difflib

    index = _country_index()
    near = difflib.get_close_matches(_name_key(answer), list(index), n=1, cutoff=0.7)
    if not near:
        return None
    code = index[near[0]]
    return f"{country_name(code)} ({code})"
