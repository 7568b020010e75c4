"""The fact-pattern format reference (docs/facts.md, `thb schema --explain`): generated, so it cannot
drift from the models and rules/vocabulary.yaml; complete, key by key and value by value, in both
languages; citing only what the rule base cites; readable on a terminal at 80 and 100 columns."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.i18n import messages, use
from classifier.render import reference as R

ROOT = Path(__file__).resolve().parents[1]
THB = str(Path(sys.executable).parent / "thb")
# A citation as the rule base writes it ("CC art. 166 part 3 item 1", "Law 55 art. 28 part 3").
CITATION = re.compile(
    r"\b(?:CC|CPC|CoO) arts?\. \d+(?:-\d+)?(?: (?:part|parts) \d+(?:-\d+)?)?(?: (?:item|items) \d+(?:-\d+)?)?(?: note)?"
    r"|\bCC appendix 1 items? \d+(?:-\d+)?|\bLaw 55 art\. \d+(?: part \d+)?"
)
ENGLISH_IN_RUSSIAN = re.compile(r"\b(?:CC|CPC|CoO) arts?\.|\bart\. \d|\bpart \d|\bitems? \d|\bLaw 55\b|Palermo|\bthe note\b")


def _rule_base_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "rules").rglob("*.yaml")) if p.name != "ru.yaml")


def _env(width: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("THB_LANG", "COLUMNS")}
    return {**env, "COLUMNS": str(width), "TERM": "dumb"}


# --- generated, never drifting ------------------------------------------------------------------
def test_docs_facts_md_is_what_the_generator_writes():
    shipped = (ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
    assert shipped == R.document(), "docs/facts.md is stale: .venv/bin/python -m classifier.render.reference > docs/facts.md"


def test_every_key_and_object_of_the_models_has_its_text_in_both_languages_and_none_is_left_over():
    paths, literals, objects = set(), set(), set()
    for path, model in R.objects():
        objects.add(path or "root")
        for name, f in model.model_fields.items():
            key = f"{path}.{name}" if path else name
            paths.add(key)
            s = R.shape_of(f.annotation, f.metadata)
            if s.base == "literal" and R._vocabulary_kind(s.values) is None:
                literals |= {f"{key}.{v}" for v in s.values}
    assert {"victims.age", "victims.offences.caused_by_trafficking", "record.victim_charged_with.victim"} <= paths
    for lang in ("en", "ru"):
        cat = messages(lang)
        for prefix, wanted in (("facts.key.", paths), ("facts.value.", literals), ("facts.object.", objects)):
            have = {k.removeprefix(prefix) for k in cat if k.startswith(prefix)}
            assert have == wanted, (lang, prefix, sorted(have ^ wanted))


def test_every_value_of_the_vocabulary_is_in_the_reference_with_its_label_in_each_language():
    from classifier.rulebase.files import vocabulary
    from classifier.rulebase.prose import law

    voc = vocabulary()
    for lang in ("en", "ru"):
        md = R.markdown(lang)
        rows = {m.group(1): line for line in md.splitlines() if (m := re.match(r"\| `([^`]+)` \|", line))}
        with use(lang):
            for kind in R.VOCABULARY:
                for value, e in voc[kind].items():
                    assert value in rows, (lang, kind, value)
                    label = law("vocabulary", f"{kind}.{value}", e.get("label") or value)
                    assert f"| `{value}` | {' '.join(label.split())} |" in md, (lang, kind, value)
                    if e.get("reading"):
                        assert e["reading"] in rows[value], (lang, value)
        for kind in ("acts", "means", "purposes"):  # the source, cited in the language
            for value, e in voc[kind].items():
                with use(lang):
                    assert R.cite(e["source"]) in rows[value], (lang, value)


def test_the_keys_say_what_the_models_allow():
    md = R.markdown("en")
    assert "| `age` | a whole number from 0 to 120 |" in md
    assert "| `case_id` | text, 1 to 200 characters; required |" in md
    assert "| `sex` | one of: `female`, `male`, `unknown` |" in md
    assert "| `foreign_law` | true or false; default `false` |" in md
    assert "(at most 500)" in md and "a list of values of “means”" in md


# --- the law it states is the rule base's --------------------------------------------------------
def test_every_citation_of_the_key_texts_is_one_the_rule_base_makes_and_russian_cites_the_same():
    rules = _rule_base_text()
    en, ru = messages("en"), messages("ru")
    keys = [k for k in en if k.startswith(("facts.key.", "facts.value.", "facts.class.", "facts.intro."))]
    cited = 0
    for k in keys:
        found = CITATION.findall(en[k])
        cited += len(found)
        for c in found:
            assert c in rules, (k, c)
        assert sorted(found) == sorted(CITATION.findall(ru[k])), k  # the same provisions, put into Russian by `cite`
    assert cited > 40


def test_every_decides_of_the_vocabulary_has_its_russian_with_the_same_provisions():
    from classifier.rulebase.files import vocabulary
    from classifier.rulebase.prose import rule_base_ru

    ru = rule_base_ru()["vocabulary"]
    number = re.compile(r"\d+(?:\(\d+\)\d*)?")
    for flag, e in vocabulary()["circumstances"].items():
        text = e["decides"]
        if re.search(r"[a-z]{2,}", re.sub(r"\b[a-z]+_[a-z_]+\b", "", text)):  # words, not notation alone
            assert f"circumstances.{flag}.decides" in ru, flag
            assert sorted(number.findall(text)) == sorted(number.findall(ru[f"circumstances.{flag}.decides"])), flag


def test_the_russian_reference_cites_in_russian():
    md = R.markdown("ru")
    body = md.split("## Ключи", 1)[1]
    for line in body.splitlines():
        shown = re.sub(r"`[^`]*`", "", line)
        assert not ENGLISH_IN_RUSSIAN.search(shown), (ENGLISH_IN_RUSSIAN.search(shown).group(0), line)
    assert "п. 1 ч. 3 ст. 166 УК" in md and "примечание к ст. 166 УК" in md


@settings(max_examples=200, deadline=None)
@given(st.integers(100, 999), st.integers(1, 9), st.integers(1, 12), st.sampled_from(["en", "ru"]))
def test_the_short_notation_becomes_a_reference_a_reader_can_look_up(article, part, item, lang):
    with use(lang):
        text = R.notation(f"{article}({part}){item}, {article}({part}); {article} with x", lang)
    if lang == "en":
        assert text == f"art. {article}({part}) item {item}, art. {article}({part}); art. {article} with x"
    else:
        assert text == f"п. {item} ч. {part} ст. {article} УК, ч. {part} ст. {article} УК; ст. {article} УК with x"


# --- on a terminal ----------------------------------------------------------------------------
CITE_PARTS = st.sampled_from(
    ["CC art. 166 part 3 item 1", "п. 1 ч. 3 ст. 166 УК", "ч. 3 ст. 28 Закона № 55", "(CC art. 12)", "art. 166(2) item 2"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.from_regex(r"[a-zа-я]{1,14}", fullmatch=True), CITE_PARTS), min_size=1, max_size=40),
    st.integers(20, 100),
)
def test_wrapping_keeps_every_word_and_every_reference_whole(words, width):
    text = " ".join(words)
    lines = R.wrap(text, width)
    assert " ".join(lines).split() == text.split()
    for line in lines:  # over the width only when nothing in it may be broken
        parts = line.split(" ")
        assert len(line) <= width or all(R._glued(a, b) for a, b in zip(parts, parts[1:], strict=False)), (width, line)
    for c in (w for w in words if " " in w):  # a reference is never split over two lines
        assert any(c in line for line in lines), (c, lines)


# A reference cut at the end of a line, or a line that begins with the rest of one.
CUT_AT_END = {"art.", "arts.", "part", "parts", "item", "items", "ст.", "ч.", "п.", "пп.", "№", "CC", "CPC"}
CUT_AT_START = {"УК", "УПК", "part", "item", "items", "note"}


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", [80, 100])
def test_schema_explain_fits_the_terminal_and_breaks_no_reference(lang, width):
    r = subprocess.run([THB, "schema", "--explain", "--lang", lang], capture_output=True, text=True, timeout=120, env=_env(width))
    assert r.returncode == 0, r.stderr
    lines = [line.rstrip() for line in r.stdout.splitlines()]
    assert len(lines) > 200
    for a, b in zip(lines, lines[1:], strict=False):
        assert len(a) <= width, (len(a), a)
        if a.split() and b.split() and len(a) - len(a.lstrip()) == len(b) - len(b.lstrip()):  # one paragraph
            assert a.split()[-1] not in CUT_AT_END, (a, b)
            assert b.split()[0].rstrip(".,;:)") not in CUT_AT_START, (a, b)
            assert not R._glued(a.split()[-1], b.split()[0]), (a, b)
    for value in ("recruitment", "debt_bondage", "paid_to_fight", "CC1997", "caused_by_trafficking"):
        assert any(line.split()[:1] == [value] for line in lines), value


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_schema_explain_as_markdown_is_the_reference_and_schema_alone_is_the_json_schema(lang):
    md = subprocess.run(
        [THB, "schema", "--explain", "--format", "md", "--lang", lang], capture_output=True, text=True, timeout=120
    )
    assert md.returncode == 0 and md.stdout == R.markdown(lang)
    plain = subprocess.run([THB, "schema"], capture_output=True, text=True, timeout=120)
    from classifier.models import FactPattern

    assert json.loads(plain.stdout) == FactPattern.model_json_schema()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_invalid_fact_pattern_points_at_the_reference(tmp_path, lang):
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: A\nacts: [teleport]\n")
    r = subprocess.run([THB, "classify", str(bad), "--lang", lang], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    said = " ".join(r.stderr.split())
    assert "docs/facts.md" in said and "thb schema --explain" in said and "FACTS.md" not in said.replace("docs/facts.md", "")
    for cat in ("en", "ru"):
        assert not [
            k for k, v in messages(cat).items() if "FACTS.md" in v and k.startswith(("input.", "guard.", "model.", "cli."))
        ], cat
