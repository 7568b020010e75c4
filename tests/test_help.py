"""`thb … --help` and the parser's messages as a user reads them: at 80 and 100 columns, in English
and Russian — placeholders in words, never a Python type; examples that never wrap into broken
commands, all indented alike; the parser's own words in the language of the help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
THB = str(Path(sys.executable).parent / "thb")
COMMANDS = (
    "",
    "classify",
    "validate",
    "schema",
    "articles",
    "audit",
    "report",
    "interview",
    "extract",
    "cases",
    "cases list",
    "cases show",
    "cases demo",
    "cases quiz",
    "cases handout",
)
WIDTHS = (80, 100)
LANGS = ("en", "ru")
# What typer or click would write for a value instead of a placeholder in words.
TYPE_NAME = re.compile(
    r"<(?:bool|str|int|float|path|file|list|tuple|datetime|uuid|text|line)\b[^>]*>|\bINTEGER\b|\bBOOLEAN\b|\bFLOAT\b"
    r"|\bTEXT\b|\bRANGE\b|\b(?:int|float) range\b|list\[str\]"
)
# typer's own English words, which a Russian screen must not show.
ENGLISH_PARSER_WORDS = (
    "Usage:",
    "[OPTIONS]",
    "COMMAND [ARGS]",
    "Options",
    "Arguments",
    "Commands",
    "Show this message",
    "[default:",
    "[required]",
    "[env var:",
    "for help",
)


def _env(width: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("THB_LANG", "COLUMNS", "LINES")}
    return {**env, "COLUMNS": str(width), "TERM": "dumb", **extra}


def _run(args: list[str], width: int = 80, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([THB, *args], capture_output=True, text=True, timeout=120, env=_env(width, **env))


@pytest.fixture(scope="module")
def screens() -> dict[tuple[str, str, int], str]:
    """Every --help screen, in both languages, at both widths (run side by side: ~60 processes)."""
    keys = [(cmd, lang, w) for cmd in COMMANDS for lang in LANGS for w in WIDTHS]

    def one(key: tuple[str, str, int]) -> str:
        cmd, lang, w = key
        r = _run(["--lang", lang, *cmd.split(), "--help"], w)
        assert r.returncode == 0, (key, r.stderr)
        return r.stdout

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(keys, pool.map(one, keys), strict=True))


def _prose(screen: str) -> list[str]:
    """The lines above the first panel (usage, help text, examples)."""
    lines = screen.splitlines()
    end = next((i for i, line in enumerate(lines) if line.lstrip().startswith("╭")), len(lines))
    return lines[:end]


def test_every_help_screen_fits_its_width(screens):
    for (cmd, lang, w), text in screens.items():
        long = [line for line in text.splitlines() if len(line.rstrip()) > w]
        assert not long, (cmd, lang, w, long)


def test_no_help_screen_shows_a_python_type_name(screens):
    for key, text in screens.items():
        assert not TYPE_NAME.search(text), (key, TYPE_NAME.search(text).group(0))
    audit = screens[("audit", "en", 100)]
    assert re.search(r"--jobs\s+-j\s+N \[1–256\]", audit) and "SECONDS [0–3600]" in audit
    assert re.search(r"--format\s+-f\s+text\|json", screens[("classify", "en", 100)])
    assert "FILE..." in screens[("classify", "en", 100)] and "{FILE" not in screens[("classify", "en", 100)]
    for key, text in screens.items():  # a flag shows no value at all
        for line in text.splitlines():
            if re.search(r"│ --(?:help|explain|force|resume|step)\b", line):
                assert re.match(r"│ --[a-z-]+\s{3,}(?:-\w\s+)?\S", line) and "<" not in line, (key, line)


def test_examples_never_wrap_into_broken_commands_and_are_indented_alike(screens):
    for key, text in screens.items():
        lines = _prose(text)
        for a, b in zip(lines, lines[1:], strict=False):
            # an example line (indented) followed at once by a line at the prose margin: a wrapped command
            assert not (re.match(r" {5,}\S", a) and re.match(r" \S", b)), (key, a, b)
        for i, line in enumerate(lines):
            if re.fullmatch(r" (?:Examples?|Примеры?):\s*", line):
                block = [x for x in lines[i + 2 :] if x.strip()][:1]
                assert block and re.match(r" {5}\S", block[0]), (key, block)
        for line in lines:  # a comment stands on its own line, never after a command
            if line.startswith("     ") and "#" in line:
                assert line.strip().startswith("#"), (key, line)


def test_russian_help_shows_none_of_the_parser_s_english_words(screens):
    for (cmd, lang, w), text in screens.items():
        if lang == "ru":
            left = [word for word in ENGLISH_PARSER_WORDS if word in text]
            assert not left, (cmd, w, left)
            assert "Использование: thb" in text and "[ПАРАМЕТРЫ]" in text, (cmd, w)
        else:
            assert "Usage: thb" in text and "Использование" not in text, (cmd, w)
    assert "КОМАНДА [АРГУМЕНТЫ]..." in screens[("", "ru", 80)] and "COMMAND [ARGS]..." in screens[("", "en", 80)]


def test_the_language_may_come_from_thb_lang():
    r = _run(["classify", "--help"], 80, THB_LANG="ru")
    assert r.returncode == 0 and "Использование: thb classify [ПАРАМЕТРЫ] FILE..." in r.stdout


# --- the parser's error messages ---------------------------------------------------------------
BAD_COMMAND_LINES = {
    "missing argument": ["classify"],
    "unknown option": ["classify", "--bogus", "x.yaml"],
    "near option": ["classify", "--explian", "x.yaml"],
    "unknown command": ["frobnicate"],
    "extra argument": ["schema", "extra"],
    "no value": ["audit", "x.jsonl", "--jobs"],
    "below the range": ["audit", "x.jsonl", "--jobs", "0"],
    "above the range": ["report", "x.sqlite", "--top", "100001"],
    "not a number": ["audit", "x.jsonl", "--jobs", "many"],
    "not a choice": ["audit", "x.jsonl", "--input-format", "xml"],
    "not a number (float)": ["audit", "x.jsonl", "--commit-interval", "soon"],
    "a flag given a value": ["classify", "--explain=yes", "x.yaml"],
}
ENGLISH_ERRORS = re.compile(
    r"No such|Missing|Invalid value|Got unexpected|requires an? |Input should|is not one of|Choose from|Possible options"
    r"|Try '|Usage:|\bError\b|does not take"
)


def _panel(stderr: str) -> str:
    """The message inside the error panel, its lines joined."""
    inside = [re.sub(r"^│ ?|\s*│$", "", line) for line in stderr.splitlines() if line.startswith("│")]
    return " ".join(x.strip() for x in inside)


@pytest.fixture(scope="module")
def errors() -> dict[tuple[str, str], subprocess.CompletedProcess]:
    keys = [(name, lang) for name in BAD_COMMAND_LINES for lang in LANGS]

    def one(key: tuple[str, str]) -> subprocess.CompletedProcess:
        name, lang = key
        return _run(["--lang", lang, *BAD_COMMAND_LINES[name]], 80)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(keys, pool.map(one, keys), strict=True))


def test_every_parser_error_of_typer_is_one_the_translation_knows(errors):
    """typer's English matches a pattern of classifier/cli/help.py: when typer rewords a message,
    this fails rather than a Russian screen showing English."""
    from classifier.cli.help import PARSER_MESSAGES, VALUE_MESSAGES

    for (name, lang), r in errors.items():
        if lang != "en":
            continue
        assert r.returncode == 2, (name, r.stderr)
        message = _panel(r.stderr)
        key = next((k for k, p in PARSER_MESSAGES if re.fullmatch(p, message, flags=re.S)), None)
        assert key, (name, message)
        why = re.fullmatch(r"Invalid value for .*?: (.*)", message)
        if why:
            assert any(re.fullmatch(p, why.group(1), flags=re.S) for _k, p in VALUE_MESSAGES), (name, message)


def test_parser_errors_in_russian_show_no_english(errors):
    for (name, lang), r in errors.items():
        if lang != "ru":
            continue
        assert r.returncode == 2, (name, r.stderr)
        message = _panel(r.stderr)
        assert re.search(r"[а-яё]", message), (name, r.stderr)
        assert not ENGLISH_ERRORS.search(r.stderr), (name, ENGLISH_ERRORS.search(r.stderr).group(0), r.stderr)
    assert "Нет такого параметра: --bogus" in _panel(errors[("unknown option", "ru")].stderr)
    assert "--explain" in _panel(errors[("near option", "ru")].stderr)
    assert "не меньше 1" in _panel(errors[("below the range", "ru")].stderr)
    assert "'jsonl', 'csv'" in _panel(errors[("not a choice", "ru")].stderr)
    usage = errors[("missing argument", "ru")].stderr
    assert "Использование: thb classify [ПАРАМЕТРЫ] FILE..." in usage and "Справка: 'thb classify --help'" in usage


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"--[a-z][a-z-]{0,20}", fullmatch=True),
    st.integers(-(10**6), 10**6),
    st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=5, unique=True),
)
def test_each_english_message_becomes_russian_and_keeps_its_names_and_values(option, n, choices):
    from classifier.cli.help import catalogue, parser_message

    words = catalogue("ru")["parser"]
    listed = ", ".join(f"'{c}'" for c in choices)
    cases = {
        f"No such option: {option}": [option],
        f"Option '{option}' requires an argument.": [option],
        f"Invalid value for '{option}': Input should be greater than or equal to {n}": [option, str(n)],
        f"Invalid value for '{option}' / '-x': Input should be less than or equal to {n}": [option, str(n)],
        f"Invalid value for '{option}': Value error, 'zz' is not one of {listed}.": [option, listed],
        f"Missing option '{option}'. Choose from:\n\t" + ",\n\t".join(choices): [option, ", ".join(choices)],
        f"Got unexpected extra argument(s) ({' '.join(choices)})": [" ".join(choices)],
    }
    for english, kept in cases.items():
        ru = parser_message(english, words)
        assert re.search(r"[а-яё]", ru) and not ENGLISH_ERRORS.search(ru), (english, ru)
        for value in kept:
            assert value in ru, (english, ru, value)
        assert parser_message(english, {}) == english  # English stays English


# --- the help texts at their source ---------------------------------------------------------
def _help_texts():
    import typer.main

    from classifier.cli import app
    from classifier.cli.help import catalogue, texts

    ru = catalogue("ru")["commands"]
    for key, holder in texts(typer.main.get_command(app)):
        yield key, "en", holder.help
        if key in ru:
            yield key, "ru", ru[key]["ru"]


def test_every_example_line_fits_80_columns_with_its_comment_on_a_line_of_its_own():
    """80 columns leave 78 for the help (a margin each side): an example line never wraps."""
    for key, lang, text in _help_texts():
        for line in text.splitlines():
            if not line.startswith("    "):
                continue
            shown = re.sub(r"\[/?bold\]", "", line).replace("\\[", "[")
            assert len(shown) <= 78, (key, lang, len(shown), shown)
            assert "#" not in shown or shown.strip().startswith("#") or "'#" in shown, (key, lang, shown)


def test_every_option_that_takes_a_value_names_it_in_words():
    import typer.main

    from classifier.cli import app
    from classifier.cli.help import commands, placeholder, plain, usage_piece

    tree = typer.main.get_command(app)
    plain(tree, {})
    for cmd in commands(tree):
        for p in cmd.params:
            if p.param_type_name == "argument":  # its name is its placeholder: in capitals, as in the usage line
                assert p.metavar and re.fullmatch(r"[A-Z][A-Z_]*(?:\.\w+)?(?:\.\.\.)?", p.metavar), (cmd.name, p.metavar)
                assert placeholder(p) is None, (cmd.name, p.name)
                assert usage_piece(p).strip("[]").rstrip(".") == p.metavar.rstrip("."), (cmd.name, p.name)
                continue
            shown = placeholder(p)
            if shown is None:
                assert p.is_flag, (cmd.name, p.name)
                continue
            assert p.metavar or "|" in shown, (cmd.name, p.name, shown)  # a metavar or the choices, never the name
            assert not TYPE_NAME.search(shown), (cmd.name, p.name, shown)


def test_an_english_run_leaves_typer_s_rich_utils_unloaded():
    """Start-up (docs/performance.md): the words of the help cost nothing on a run in English."""
    code = (
        "import sys, io\n"
        "sys.argv = ['thb', 'classify', 'examples/osh-15-year-old.yaml', '--format', 'json']\n"
        "from classifier.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('typer.rich_utils' in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "THB_LANG"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert r.stderr.strip().endswith("False"), r.stderr
    ru = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env=dict(env, THB_LANG="ru")
    )
    assert ru.stderr.strip().endswith("True"), ru.stderr  # Russian loads it: its words are put in Russian


def test_the_parser_catalogue_translates_every_message_and_only_those():
    import string

    from classifier.cli.help import PARSER_MESSAGES, VALUE_MESSAGES, catalogue

    words = catalogue("ru")["parser"]
    patterns = dict(PARSER_MESSAGES + VALUE_MESSAGES)
    line_words = {"usage", "options", "command", "kind_argument", "kind_option", "kind_parameter"}
    assert set(words) == set(patterns) | line_words, set(words) ^ (set(patterns) | line_words)
    for key, pattern in patterns.items():
        fields = {f for _t, f, _s, _c in string.Formatter().parse(words[key]) if f}
        assert fields <= set(re.compile(pattern).groupindex), (key, fields)
        assert re.search(r"[а-яё]", words[key]), key
