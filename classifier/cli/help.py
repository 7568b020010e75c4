"""`thb --help` in the language in force (`--lang`, `THB_LANG`).

typer builds the help of every command from its docstring and its options' `help=` when the
modules are imported — in English, the source text. Before a command runs, `localise()` puts
each text of the command tree in the language in force, from `locales/help/<language>.yaml`:

    commands:            # one entry per help text, keyed by command path (and `:option`)
      thb audit:jobs:
        en: Worker processes (default: all cores). Results never depend on it.
        ru: Число рабочих процессов ...
    typer:               # typer's own words in the help screens, by the name typer gives them
      OPTIONS_PANEL_TITLE: Параметры

Each entry keeps the English it translates, and a translation is used only while that English
is still the text of the command: a changed English help shows in English (never a stale
translation), and `tests/test_i18n.py` fails until the translation is brought up to date. The
parser's own error messages (unknown option, missing argument) stay as typer writes them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from ..i18n import LANGS, LOCALES

HELP_LOCALES = LOCALES / "help"


@functools.cache
def catalogue(language: str) -> dict[str, Any]:
    """The help catalogue of a language: {"commands": {key: {"en", <language>}}, "typer": {...}}."""
    from ..reading.data import load_data as load_yaml

    path = HELP_LOCALES / f"{language}.yaml"
    if not path.exists():
        return {"commands": {}, "typer": {}}
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return {"commands": data.get("commands") or {}, "typer": data.get("typer") or {}}


def texts(command: Any, path: str = "thb") -> Iterator[tuple[str, Any]]:
    """(key, holder) for every help text of the command tree: the command itself under its
    path (`thb audit`), each option or argument under `path:name` (`thb audit:jobs`)."""
    if command.help:
        yield path, command
    for p in command.params:
        if getattr(p, "help", None):
            yield f"{path}:{p.name}", p
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from texts(sub, f"{path} {name}")


def localise(command: Any, language: str) -> None:
    """Put the command tree's help in `language` (English is the source text), its prose
    paragraphs unwrapped so that the terminal wraps them at its own width."""
    cat = catalogue(language) if language != "en" else {"commands": {}, "typer": {}}
    entries = cat["commands"]
    for key, holder in texts(command):
        e = entries.get(key)
        if e and e.get("en") == holder.help and e.get(language):
            holder.help = e[language]
            if getattr(holder, "short_help", None):
                holder.short_help = None  # the list of commands takes the first line of the help
        holder.help = reflow(holder.help)
    _localise_help_option(command, entries.get("--help") or {}, language)
    if language == "en" and not _TYPER_WORDS:
        return  # typer's words are its own English: nothing to put back, and rich_utils (~60 ms) stays unloaded
    import typer.rich_utils as rich_utils

    if not _TYPER_WORDS:  # typer's own (English) words, kept to put back for English
        _TYPER_WORDS.update({n: getattr(rich_utils, n) for n in dir(rich_utils) if n.isupper()})
    words = {**_TYPER_WORDS, **{n: t for n, t in cat["typer"].items() if n in _TYPER_WORDS}}
    for name in {n for lg in LANGS for n in catalogue(lg)["typer"]} & set(words):  # every word any language translates
        setattr(rich_utils, name, words[name])


_TYPER_WORDS: dict[str, Any] = {}


def reflow(text: str) -> str:
    """Join the lines of each prose paragraph (the source wraps them at about 95 columns, and the
    help screen keeps every line break, so a narrower terminal showed ragged lines); indented
    lines — examples — stay as they are."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and line.strip() and not line.startswith(" ") and out[-1].strip() and not out[-1].startswith(" "):
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def _localise_help_option(command: Any, entry: dict[str, str], language: str) -> None:
    """The `--help` option is made by the parser on demand, with its own English text."""
    text = entry.get(language)
    if not text or language == "en":
        return
    original = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        opt = original(ctx)
        if opt is not None and opt.help == entry.get("en"):
            opt.help = text
        return opt

    command.get_help_option = get_help_option
    for sub in (getattr(command, "commands", None) or {}).values():
        _localise_help_option(sub, entry, language)
