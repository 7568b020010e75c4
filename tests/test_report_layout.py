"""The text report as a reader sees it (issue 13): every line within the terminal's width, wrapped
lines keeping their indent inside the box, nothing cut off, the facts said in words (never an
input path), and the articles the facts point to explained when they are not made out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from strategies import fact_patterns

from classifier import classify, i18n
from classifier.analysis.expected import not_made_out
from classifier.models import FactPattern
from classifier.render.facts import fact_words
from classifier.render.text import element_label, render

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "cases").glob("c*.yaml"))
# An input path as FACTS.md writes it: what the JSON keeps and no screen shows.
INPUT_PATH = re.compile(
    r"\b(?:victims|offenders)\[[^\]]*\]|\bcircumstances\.[a-z_]+|\brecord\.[a-z_]+|\bdamage_ci\b|\b[a-z]+_[a-z]+(?:_[a-z]+)*\b"
)


def screen(f, width: int, lang: str = "en", explain: bool = False, facts=None) -> list[str]:
    console = Console(record=True, width=width, color_system=None, legacy_windows=False)
    with i18n.use(lang):
        render(f, console, explain=explain, facts=facts)
    return console.export_text().splitlines()


def _headings(f, lang: str) -> set[str]:
    """What may start at the box's left edge: the headings, the role lines and the element rows."""
    with i18n.use(lang):
        starts = {str(t).split("{")[0].strip() for k, t in i18n.messages(lang).items() if k.startswith("report.")}
        for q in f.qualifications:
            starts |= {element_label(q, e.element).split()[0] for e in q.elements}
    return {s for s in starts if s}


def _check_layout(lines: list[str], width: int, f, lang: str) -> None:
    starts = _headings(f, lang)
    for line in lines:
        assert len(line) <= width, (width, line)
        assert "…" not in line, line  # nothing cut off: rich marks a cropped cell with an ellipsis
    body = [ln[2:-2] for ln in lines[1:-1] if ln.startswith("│ ")]  # inside the box, without its border
    for ln in body:
        if ln.strip() and not ln.startswith(" ") and set(ln.strip()) != {"─"}:
            first = ln.split()[0].rstrip(":")
            assert any(ln.startswith(s) or first == s.split()[0] for s in starts), (width, ln)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(facts=fact_patterns(), width=st.integers(60, 160), lang=st.sampled_from(["en", "ru"]), explain=st.booleans())
def test_every_line_of_the_report_fits_the_width_and_keeps_its_indent(facts, width, lang, explain):
    fp = FactPattern.model_validate(facts)
    f = classify(fp, lang=lang)
    lines = screen(f, width, lang, explain, fp)
    _check_layout(lines, width, f, lang)
    text = "\n".join(lines)
    assert not INPUT_PATH.search(text.replace("R-", " ")), INPUT_PATH.search(text).group(0)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", [80, 100])
def test_every_library_case_reads_within_80_and_100_columns_with_no_input_path(width, lang):
    for path in LIBRARY:
        fp = FactPattern.model_validate(yaml.safe_load(path.read_text())["facts"])
        f = classify(fp, lang=lang)
        lines = screen(f, width, lang, explain=True, facts=fp)
        _check_layout(lines, width, f, lang)
        text = "\n".join(lines)
        m = INPUT_PATH.search(text)
        assert m is None, (path.name, m.group(0))


def test_the_facts_are_said_in_words_with_their_values():
    fp = FactPattern.model_validate(
        {
            "case_id": "W-1",
            "victims": [{"id": "V1", "age": 15, "pregnant": True}],
            "offenders": [{"id": "P1", "age": 30, "acts": ["harbouring"]}],
            "acts": ["harbouring"],
            "purposes": ["prostitution"],
            "circumstances": ["group"],
            "damage_ci": 150,
        }
    )
    assert fact_words("victims[V1].age", fp) == "the victim's age (15)"
    assert fact_words("offenders[P1].age", fp) == "the offender's age (30)"
    assert fact_words("offenders[P1].acts", fp) == "the acts the offender took part in (harbouring)"
    assert fact_words("acts", fp) == "acts (harbouring)"
    assert fact_words("circumstances.group", fp) == "committed by a group of persons"
    assert fact_words("damage_ci", fp) == "the damage (150 calculation indices)"
    assert fact_words("victims[V1].age") == "V1's age"  # without the facts: the id, no value
    with i18n.use("ru"):
        assert fact_words("victims[V1].age", fp) == "возраст потерпевшего (15)"
        assert fact_words("victims[V1].pregnant", fp) == "состояние беременности потерпевшей"
        assert fact_words("acts", fp) == "действия (укрывательство)"
        assert fact_words("circumstances.group", fp) == "группой лиц"
    two = fp.model_copy(update={"victims": [*fp.victims, fp.victims[0].model_copy(update={"id": "V2", "age": 30})]})
    assert fact_words("victims[V2].age", two) == "V2's age (30)"


def test_json_keeps_the_paths_the_report_says_the_fact():
    facts = yaml.safe_load((ROOT / "examples" / "osh-15-year-old.yaml").read_text())
    fp = FactPattern.model_validate(facts)
    f = classify(fp)
    assert "victims[V1].age" in f.model_dump_json()
    text = "\n".join(screen(f, 100, facts=fp))
    assert "victims[V1].age" not in text and "the victim's age (15)" in text
    assert "offenders[" not in text and "circumstances." not in text


FORCED_LABOUR = {
    "case_id": "NM-170",
    "offence_date": "2023-05-01",
    "victims": [{"id": "V1", "age": 30, "sex": "male", "citizenship": "KG"}],
    "offenders": [{"id": "P1", "age": 40}],
    "acts": ["recruitment", "transportation"],
    "means": ["deception"],
    "purposes": ["forced_labour"],
    "exploitation": ["forced_labour"],
    "circumstances": ["victim_could_not_refuse"],
}


def test_an_article_the_facts_point_to_is_explained_when_it_is_not_made_out():
    fp = FactPattern.model_validate(FORCED_LABOUR)
    f = classify(fp)
    assert "170" not in {q.article for q in f.qualifications}
    miss = {m.article: m for m in not_made_out(fp, f)}
    assert set(miss) == {"170"}, set(miss)  # 166 is made out; nothing else is pointed to
    assert [e.element for e in miss["170"].failing] == ["ownership"]
    assert miss["170"].stated == ["circumstances.victim_could_not_refuse", "exploitation"]
    text = "\n".join(screen(f, 100, facts=fp))
    assert "art. 170 — Forced labour (slave labour): not made out" in text
    assert "fails on: powers of ownership exercised over the victim (unknown)" in text
    assert "the victim could not refuse the work" in text
    explained = "\n".join(screen(f, 100, explain=True, facts=fp))
    assert "- victim could not refuse the work: met" in explained  # with --explain, every element
    assert "- victim could not refuse the work: met" not in text
    ru = "\n".join(screen(classify(fp, lang="ru"), 100, "ru", True, fp))
    assert "ст. 170 УК — Принудительное использование труда (рабский труд): состав не установлен" in ru
    assert "не установлено: осуществление в отношении потерпевшего полномочий" in ru


def test_an_adult_without_a_means_is_told_why_trafficking_is_not_made_out():
    facts = {**FORCED_LABOUR, "means": [], "circumstances": [], "exploitation": []}
    fp = FactPattern.model_validate(facts)
    f = classify(fp)
    miss = {m.article: m for m in not_made_out(fp, f)}
    assert "166" in miss and miss["166"].trafficking and [e.element for e in miss["166"].failing] == ["means"]
    assert "167" not in miss  # an adult: the child article is not what the reader expected
    text = "\n".join(screen(f, 80, facts=fp))
    assert "art. 166 — Trafficking in persons: not made out" in text and "fails on: means (unknown)" in text


def test_a_charged_article_that_is_not_made_out_says_which_element_fails():
    facts = {**FORCED_LABOUR, "record": {"charges": [{"instrument": "CC", "article": "170", "part": 1}]}, "circumstances": []}
    fp = FactPattern.model_validate(facts)
    miss = {m.article: m for m in not_made_out(fp, classify(fp))}
    assert miss["170"].charged and {e.element for e in miss["170"].failing} == {"ownership", "no_refusal"}
