"""The rule base's prose in the language in force: English beside each rule in `rules/`, Russian
in `rules/ru.yaml` (by rule id, `article.element`, `article(part)`, `article(part)item`, and the
keys of the other rule files)."""

from __future__ import annotations

import functools
from typing import Any

from ..i18n import lang
from .files import read, rules_dir


@functools.cache
def rule_base_ru() -> dict[str, Any]:
    if not (rules_dir() / "ru.yaml").exists():
        return {}
    return read("ru.yaml") or {}


def law(section: str, key: str, english: str) -> str:
    """A text of the rule base: the English given, or its Russian from `rules/ru.yaml`."""
    if lang() == "en":
        return english
    text = (rule_base_ru().get(section) or {}).get(key)
    return " ".join(str(text).split()) if text else english
