"""What a reader sees of a case on every screen and page that reports it, as plain text: the
report of `thb classify` (with and without `--explain`), the interview's closing report, the
lesson of `thb cases demo` and the handout of `thb cases handout` (its text, without the tags).
The inputs: every case of the library and every worked example of the legal model."""

from __future__ import annotations

import functools
import html
import io
import json
import re
from pathlib import Path

import yaml
from rich.console import Console
from typer.testing import CliRunner

from classifier import classify, i18n
from classifier import training as tr
from classifier.cli import app
from classifier.interview.driver import Interview
from classifier.models import FactPattern
from classifier.render.text import render

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "cases").glob("c*.yaml"))
EXAMPLES = [ROOT.parent / "shared" / "domain" / name for name in ("examples.yaml", "examples-v4.yaml")]


def library_cases() -> list[tuple[str, dict]]:
    """(case id, fact pattern) of every case of the library."""
    out = []
    for path in LIBRARY:
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append((d["id"], d["facts"]))
    return out


def worked_examples() -> list[tuple[str, dict]]:
    """(case id, fact pattern) of every worked example of the legal model (without `expect`)."""
    out = []
    for path in EXAMPLES:
        if path.exists():
            for d in yaml.safe_load(path.read_text(encoding="utf-8")):
                out.append((d["case_id"], {k: v for k, v in d.items() if k != "expect"}))
    return out


def _console(width: int) -> Console:
    return Console(file=io.StringIO(), record=True, width=width, color_system=None, legacy_windows=False, emoji=False)


def report(facts: dict | FactPattern, lang: str, width: int, explain: bool = False) -> str:
    """`thb classify` (`--explain`) of one fact pattern."""
    if isinstance(facts, dict):
        return _report(json.dumps(facts, sort_keys=True, default=str), lang, width, explain)
    return _render(facts, lang, width, explain)


@functools.lru_cache(maxsize=1024)
def _report(facts_json: str, lang: str, width: int, explain: bool) -> str:
    return _render(FactPattern.model_validate(json.loads(facts_json)), lang, width, explain)


def _render(fp: FactPattern, lang: str, width: int, explain: bool) -> str:
    console = _console(width)
    with i18n.use(lang):
        render(classify(fp, lang=lang), console, explain=explain, facts=fp)
    return console.export_text()


class _Answers:
    """The interview's state at its end, as the driver reads it: the fact pattern answered."""

    def __init__(self, facts: dict):
        self._facts = facts

    def facts(self) -> dict:
        return self._facts


def interview_report(facts: dict, lang: str, width: int) -> str:
    """The report the interview shows at its end (its heading and the boxed report)."""
    console = _console(width)
    with i18n.use(lang):
        Interview(source=None, console=console).report(_Answers(facts))
    return console.export_text()


runner = CliRunner()


def demo(case_id: str, lang: str, width: int) -> str:
    """`thb cases demo <case>` (not stepped)."""
    with i18n.use(lang):
        r = runner.invoke(app, ["cases", "demo", case_id], env={"COLUMNS": str(width), "THB_LANG": lang, "THB_CASES": ""})
    assert r.exit_code == 0, r.output
    return r.output


def handout_text(case_ids: list[str], lang: str) -> str:
    """The words of the handout page of the cases: the HTML without its tags, styles and comments."""
    with i18n.use(lang):
        lib = tr.load_library()
        page = tr.handout_html([tr.lesson(tr.find_case(lib, c)) for c in case_ids])
    page = re.sub(r"<style.*?</style>|<!--.*?-->", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def user_words(facts: dict | FactPattern) -> set[str]:
    """The values the user wrote that a screen repeats as given (ids, a charge under another
    instrument, free-text notes): not the product's words, so never a leak."""
    fp = facts if isinstance(facts, FactPattern) else FactPattern.model_validate(facts)
    words: set[str] = {fp.case_id, *(v.id for v in fp.victims), *(o.id for o in fp.offenders)}
    for v in fp.victims:
        for o in v.offences:
            words.add(o.article)
            if o.note:
                words.add(o.note)
    for c in [*(fp.record.charges if fp.record else []), *(fp.record.victim_charged_with if fp.record else [])]:
        words.add(c.article)
    if fp.summary:
        words.add(fp.summary)
    return {w for w in words if w}


def all_inputs() -> list[tuple[str, dict]]:
    return library_cases() + worked_examples()


def surfaces(case_id: str, facts: dict, lang: str, width: int, library: bool) -> dict[str, str]:
    """Every screen of one case at one width in one language: name -> text (rendered once per
    test session: the tests read them in several ways)."""
    return dict(_surfaces(case_id, json.dumps(facts, sort_keys=True, default=str), lang, width, library))


@functools.lru_cache(maxsize=1024)
def _surfaces(case_id: str, facts_json: str, lang: str, width: int, library: bool) -> tuple[tuple[str, str], ...]:
    facts = json.loads(facts_json)
    out = {
        "classify": report(facts, lang, width),
        "classify --explain": report(facts, lang, width, explain=True),
        "interview": interview_report(facts, lang, width),
    }
    if library:
        out["demo"] = demo(case_id, lang, width)
    return tuple(out.items())


def strip(text: str, words: set[str]) -> str:
    """The text without the user's own words (longest first)."""
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, " ")
    return text


def flat(text: str) -> str:
    """The text with the report box and line breaks taken out: one line of words."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())
