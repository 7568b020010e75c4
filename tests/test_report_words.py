"""The words of the reports (issue 13): under `--lang ru` no English word of the English message
catalogue reaches a screen, and every source a screen or page cites can be looked up — the Code
by article, part and item, a report by its title, year and paragraph or page, never a project
file or one of its lines (LAW.md section 11; rules/sources.yaml, docs/sources.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import screens
import yaml
from hypothesis import HealthCheck, given, settings
from strategies import fact_patterns

from classifier import i18n
from classifier import training as tr
from classifier.models import FactPattern

LOCALES = Path(i18n.LOCALES)
LATIN = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


def _catalogue_words(lang: str) -> set[str]:
    words: set[str] = set()
    for key, text in i18n.messages(lang).items():
        if key.startswith("facts."):  # the format reference names the fact pattern's keys, English in both languages (the API)
            continue
        words |= {w.lower() for w in LATIN.findall(re.sub(r"\{[^}]*\}|`[^`]*`|--[a-z-]+|\bthb [a-z]+", " ", str(text)))}
    return words


# The English catalogue's words, less those the Russian one uses too (JSON, YAML, the program's
# name and its commands) and the short ones (CC, ID, of, …).
ENGLISH = {w for w in _catalogue_words("en") - _catalogue_words("ru") if len(w) >= 4}
# What a Russian screen may write in Latin letters: reading ids (R-RETRO), English titles and
# quotations in «» or “”, the English names of the source reports' outlets, and the user's own words.
QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\bR-[A-Z0-9-]+\b|\bthb(?: [a-z-]+)+")


def english_left(text: str, facts) -> list[str]:
    """The words of the English catalogue a Russian screen shows."""
    text = screens.strip(QUOTED.sub(" ", screens.flat(text)), screens.user_words(facts))
    return [w for w in LATIN.findall(text) if w.lower() in ENGLISH]


def test_the_english_catalogue_words_are_a_real_list():
    assert {"offender", "prosecution", "primary", "element", "qualification", "exploitation"} <= ENGLISH  # the test can fail
    assert "JSON" not in ENGLISH and "json" not in ENGLISH


@pytest.mark.parametrize("width", [100])
def test_no_english_label_on_a_russian_screen(width):
    library = {c for c, _ in screens.library_cases()}
    cases = tr.load_library()
    for case_id, facts in screens.all_inputs():
        for name, text in screens.surfaces(case_id, facts, "ru", width, library=case_id in library).items():
            if name == "demo":  # the source's English title is the citation itself
                with i18n.use("ru"):
                    cite = tr.citation(tr.find_case(cases, case_id))
                text = screens.flat(text).replace(screens.flat(cite), " ")
            left = english_left(text, facts)
            assert not left, (case_id, name, left[:10])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(facts=fact_patterns())
def test_no_english_label_in_a_generated_russian_report(facts):
    fp = FactPattern.model_validate(facts)
    left = english_left(screens.report(fp, "ru", 120, explain=True), fp)
    assert not left, left[:10]


# ------------------------------------------------------------------------------ citations
PROJECT_FILE = re.compile(
    r"\bseed\b|\.txt\b|\.md\b|\blines? \d|\bстрок[аи]? \d|\bисточник \d{3}\b|legal model|правов\w* модел\w*"
    r"|\bbrief\b|справк\w* [CT]\d|\bgold\b",
    re.I,
)
REPORT = re.compile(r"OSCE|ОБСЕ|\bTIP\b|State Department|Department of State|Госдеп\w*|Jogorku|Жогорку|\bPatt\b|Патт")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
LOCATOR = re.compile(
    r"sect\.|para(?:s|\.)|footnote|paragraph|recommendation|annex|section|excerpt|introduction|pp?\. \d|country chapter"
    r"|разд(?:\.|ел)|\bглава «|\bп\. \d|сноск|абзац|рекомендац|приложени|выдержк|вводная часть|\bс\. \d",
)
# one citation inside a sentence: "(… (2025), sect. V, para. 40 (first of two))"
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ«\"“])")
ABBREVIATIONS = re.compile(r"\b(?:sect|para|paras|art|arts|no|pp|p|cf|ст|ч|п|пп|разд|с|г|гг|см|ср)\.\s", re.I)


def sentences(text: str) -> list[str]:
    """The sentences of a text, an abbreviation's full stop ("sect. V", «ст. 166») not ending one."""
    guarded = ABBREVIATIONS.sub(lambda m: m.group(0).replace(". ", ".\u00a0"), screens.flat(text))
    return [s.replace("\u00a0", " ") for s in SENTENCE.split(guarded)]


def uncited(text: str, own: set[str] = frozenset()) -> list[str]:
    """The sentences that name a source report without its year and locator (unless the report
    is `own`: the case's source, cited on the same page), or that cite a project file."""
    bad = []
    for s in sentences(text):
        if PROJECT_FILE.search(s):
            bad.append(s)
            continue
        named = {_report(m.group(0)) for m in REPORT.finditer(s)}
        if named - own and not (YEAR.search(s) and LOCATOR.search(s)):
            bad.append(s)
    return bad


def _report(name: str) -> str:
    if name in ("OSCE", "ОБСЕ"):
        return "000"
    if name in ("Jogorku", "Жогорку"):
        return "004"
    if name in ("Patt", "Патт"):
        return "003"
    return "001"  # the US State Department's reports


def test_the_citation_check_can_fail():
    assert uncited("The OSCE reports the rule (seed 000 line 211).")
    assert uncited("166(1): 3 to 6 years in the 2024 text and the OSCE; the US TIP report 2022 says 3 to 5.")
    assert uncited("The rival view (see section 9 of the legal model).")
    assert not uncited(
        "The OSCE recommends it (OSCE OSR/CTHB, Report following the country visit to Kyrgyzstan (2025), sect. V, para. 40 (first of two))."
    )
    assert not uncited("Источник: Отчет … ОБСЕ … (2025), разд. IV, п. 31. Далее.")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_citation_on_a_screen_can_be_looked_up(lang):
    library = {c for c, _ in screens.library_cases()}
    for case_id, facts in screens.all_inputs():
        for name, text in screens.surfaces(case_id, facts, lang, 100, library=case_id in library).items():
            if name == "demo":
                continue  # the case library's own prose: the next test
            bad = uncited(screens.strip(text, screens.user_words(facts)))
            assert not bad, (case_id, name, bad)


def _sources(d: dict) -> set[str]:
    seed = (d.get("source") or {}).get("seed") or ""
    return {seed[:3]} | ({"001"} if seed[:3] == "002" else set())


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_citation_of_the_case_library_can_be_looked_up(lang):
    """A library case's story, assumptions and teaching note cite every report they name, unless
    it is the case's own source (its citation stands under the story); its source line and the
    handout cite no project file."""
    suffix = "_ru" if lang == "ru" else ""
    for path in screens.LIBRARY:
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        prose = [d.get("narrative" + suffix) or d.get("narrative") or ""]
        prose += d.get("assumptions" + suffix) or d.get("assumptions") or []
        teaching = d.get("teaching" + suffix) or d.get("teaching") or {}
        prose += [str(v) for v in (teaching.values() if isinstance(teaching, dict) else [teaching])]
        for text in prose:
            bad = uncited(text, own=_sources(d))
            assert not bad, (d["id"], bad)
    ids = [c for c, _ in screens.library_cases()]
    page = screens.handout_text(ids, lang)
    assert not PROJECT_FILE.search(page), PROJECT_FILE.search(page).group(0)
