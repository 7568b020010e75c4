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
translation), and `tests/test_i18n.py` fails until the translation is brought up to date.

In every language, `plain()` shows each value as a placeholder in words (`FILE...`, `N`,
`text|json`) where typer would write a Python type (`<list[str]>`, `<int range>`, `<bool>`),
a range as `N [1–256]`, and writes the usage line as `thb classify [OPTIONS] FILE...`. In a
language other than English the parser's own words are translated too — `Usage:`, `[OPTIONS]`
and the error messages (an unknown option, a missing argument, an invalid value: the `parser`
section of the catalogue); English runs never load `typer.rich_utils` for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..i18n import LANGS, LOCALES

HELP_LOCALES = LOCALES / "help"


@functools.cache
def catalogue(language: str) -> dict[str, Any]:
    """The help catalogue of a language: {"commands": {key: {"en", <language>}}, "typer": {...},
    "parser": {...}}."""
    from ..reading.data import load_data as load_yaml

    path = HELP_LOCALES / f"{language}.yaml"
    if not path.exists():
        return {"commands": {}, "typer": {}, "parser": {}}
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return {k: data.get(k) or {} for k in ("commands", "typer", "parser")}


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
    cat = catalogue(language) if language != "en" else {"commands": {}, "typer": {}, "parser": {}}
    entries = cat["commands"]
    for key, holder in texts(command):
        e = entries.get(key)
        if e and e.get("en") == holder.help and e.get(language):
            holder.help = e[language]
            if getattr(holder, "short_help", None):
                holder.short_help = None  # the list of commands takes the first line of the help
        holder.help = reflow(holder.help)
        if hasattr(holder, "params"):  # a command (an option has no examples)
            holder.help = examples_kept_indented(holder.help)
    _localise_help_option(command, entries.get("--help") or {}, language)
    plain(command, cat["parser"])
    if language == "en" and not _TYPER_WORDS:
        return  # typer's words are its own English: nothing to put back, and rich_utils (~60 ms) stays unloaded
    import typer.rich_utils as rich_utils

    if not _TYPER_WORDS:  # typer's own (English) words, kept to put back for English
        _TYPER_WORDS.update({n: getattr(rich_utils, n) for n in dir(rich_utils) if n.isupper()})
        _TYPER_WORDS["rich_format_error"] = rich_utils.rich_format_error
        _TYPER_WORDS["highlights"] = list(rich_utils.highlighter.highlights)
    words = {**_TYPER_WORDS, **{n: t for n, t in cat["typer"].items() if n in _TYPER_WORDS}}
    for name in {n for lg in LANGS for n in catalogue(lg)["typer"]} & set(words):  # every word any language translates
        setattr(rich_utils, name, words[name])
    parser = cat["parser"]
    original = _TYPER_WORDS["rich_format_error"]
    rich_utils.rich_format_error = _translated_errors(original, parser) if parser else original
    usage = parser.get("usage")  # the usage line is highlighted by its first word, in the language in force
    extra = [rf"(?P<usage>{re.escape(usage)} )"] if usage else []
    rich_utils.highlighter.highlights = [*_TYPER_WORDS["highlights"], *extra]


_TYPER_WORDS: dict[str, Any] = {}


# ------------------------------------------------------------------------- placeholders, usage
def commands(command: Any) -> Iterator[Any]:
    """The command and every command under it."""
    yield command
    for _name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from commands(sub)


def placeholder(param: Any, ctx: Any = None) -> str | None:
    """What the help shows as an option's value: its metavar (`FILE`, `N`, `DIR`), the choices
    (`text|json`), nothing for a flag or an argument (an argument's name is its placeholder),
    else the option's name in capitals — never a Python type."""
    if param.param_type_name == "argument" or getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    if param.metavar:
        return param.metavar
    shown = param.display_type(ctx)  # typer's `<text|json>` for a choice, `<int>`, `<list[str]>`…
    if getattr(param.type_descriptor, "is_choice", False):
        return shown.strip("<>")
    return (param.name or "value").upper()


def value_range(param: Any) -> str | None:
    """A number's bounds as `1–256`, `≥ 0`, `≤ 10` (typer writes `1<=x<=256`)."""
    lo, hi = getattr(param, "min", None), getattr(param, "max", None)

    def num(x: float) -> str:
        return f"{x:g}"

    if lo is not None and hi is not None:
        return f"{num(lo)}–{num(hi)}"
    if lo is not None:
        return f"≥ {num(lo)}"
    if hi is not None:
        return f"≤ {num(hi)}"
    return None


def usage_piece(param: Any) -> str:
    """An argument in the usage line: `FILE...` when it is required, `[INPUT]` when it is not."""
    name = param.metavar or (param.name or "").upper()
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if param.required else f"[{name}]"


def plain(command: Any, parser: dict[str, str]) -> None:
    """Placeholders in words and the usage line (module docstring) on every command of the tree;
    `parser` holds the words of the usage line in the language in force (`usage`, `options`,
    `command`), English when empty."""
    for cmd in commands(command):
        for p in cmd.params:
            p.display_type_rich = functools.partial(placeholder, p)
            p._get_number_range_help_str = functools.partial(value_range, p)  # typer's name for it (rich_utils calls it)
            if p.param_type_name == "argument":
                p.metavar = p.metavar or (p.name or "").upper()
                p.get_usage_pieces = functools.partial(lambda p, ctx: [usage_piece(p)], p)
        cmd.get_help_option = functools.partial(_help_option, cmd.get_help_option)
        if parser.get("options") and cmd.options_metavar:
            cmd.options_metavar = f"[{parser['options']}]"
        if parser.get("command") and getattr(cmd, "subcommand_metavar", None):
            cmd.subcommand_metavar = parser["command"]
        if parser.get("usage"):
            cmd.format_usage = functools.partial(_format_usage, cmd, parser["usage"])


def _help_option(original: Callable[[Any], Any], ctx: Any) -> Any:
    """The `--help` option, made by the parser on demand: a flag, shown without a type."""
    opt = original(ctx)
    if opt is not None:
        opt.display_type_rich = functools.partial(placeholder, opt)
    return opt


def _format_usage(cmd: Any, word: str, ctx: Any, formatter: Any) -> None:
    formatter.write_usage(ctx.command_path, " ".join(cmd.collect_usage_pieces(ctx)), prefix=f"{word} ")


# ------------------------------------------------------------------------- the parser's errors
# typer's English messages (typer/_click: parser, core, exceptions; typer/_coercion and pydantic for
# a value), each with the key of its translation in the `parser` section of the catalogue. The
# first that matches the whole message wins; a message none matches stays in English.
PARSER_MESSAGES: list[tuple[str, str]] = [
    ("no_such_option_near", r"No such option: (?P<name>\S+) \(Possible options: (?P<near>.*)\)"),
    ("no_such_option", r"No such option: (?P<name>\S+)"),
    ("no_such_command", r"No such command '(?P<name>.*)'\."),
    ("missing_command", r"Missing command\."),
    ("extra_arguments", r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)"),
    ("requires_value", r"Option '(?P<name>[^']*)' requires an argument\."),
    ("requires_values", r"Option '(?P<name>[^']*)' requires (?P<n>\d+) arguments\."),
    ("takes_no_value", r"Option '(?P<name>[^']*)' does not take a value\."),
    (
        "missing_choice",
        r"Missing (?P<kind>argument|option|parameter) (?P<name>'.*?'(?: / '.*?')*)\. Choose from:\s*(?P<choices>.*)",
    ),
    ("missing", r"Missing (?P<kind>argument|option|parameter) (?P<name>'.*?'(?: / '.*?')*)\."),
    ("invalid_value_for", r"Invalid value for (?P<name>'.*?'(?: / '.*?')*): (?P<why>.*)"),
    ("invalid_value", r"Invalid value: (?P<why>.*)"),
]
# Why a value is invalid (pydantic's and typer's words inside "Invalid value for …: <why>").
VALUE_MESSAGES: list[tuple[str, str]] = [
    ("at_least", r"Input should be greater than or equal to (?P<n>\S+)"),
    ("above", r"Input should be greater than (?P<n>\S+)"),
    ("at_most", r"Input should be less than or equal to (?P<n>\S+)"),
    ("below", r"Input should be less than (?P<n>\S+)"),
    ("not_integer", r"Input should be a valid integer.*"),
    ("not_number", r"Input should be a valid number.*"),
    ("not_one_of", r"(?:Value error, )?(?P<got>.*) is not one of (?P<choices>.*)\."),
]


def parser_message(message: str, words: dict[str, str]) -> str:
    """One of typer's error messages in the language of `words` (the `parser` section of a help
    catalogue); as it is when no translation matches it."""

    def fill(table: list[tuple[str, str]], text: str, inner: Callable[[str], str] | None = None) -> str | None:
        for key, pattern in table:
            m = re.fullmatch(pattern, text.strip(), flags=re.S)
            if m and words.get(key):
                g = {k: v for k, v in m.groupdict().items() if v is not None}
                if "kind" in g:
                    g["kind"] = words.get(f"kind_{g['kind']}", g["kind"])
                if "choices" in g:
                    g["choices"] = ", ".join(c.strip(" ,\t\n") for c in re.split(r",\s*", g["choices"]) if c.strip(" ,\t\n"))
                if "why" in g and inner:
                    g["why"] = inner(g["why"])
                return words[key].format(
                    **{k: g.get(k, "") for k in ("name", "near", "args", "n", "kind", "choices", "why", "got")}
                )
        return None

    def why(text: str) -> str:
        return fill(VALUE_MESSAGES, text) or text

    return fill(PARSER_MESSAGES, message, why) or message


def _translated_errors(original: Callable[[Any], None], words: dict[str, str]) -> Callable[[Any], None]:
    """typer's `rich_format_error`, printing the message in the language of `words`."""

    def rich_format_error(e: Any) -> None:
        message = parser_message(e.format_message(), words)
        e.format_message = lambda: message
        original(e)

    return rich_format_error


def examples_kept_indented(text: str) -> str:
    """typer dedents what follows a command's first paragraph by the indentation its lines share,
    so that a help with nothing but examples after it (`thb articles`) showed them flush left while
    the others indent them: a blank line more after the first paragraph (it shows as none) makes
    them all keep their indentation."""
    head, sep, rest = text.partition("\n\n")
    return f"{head}\n\n\n{rest.lstrip(chr(10))}" if sep and any(line.startswith(" ") for line in rest.splitlines()) else text


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
