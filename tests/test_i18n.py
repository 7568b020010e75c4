"""Russian everywhere: complete catalogues, no prose left in English, the API unchanged."""

from __future__ import annotations

import itertools
import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import fact_patterns

from classifier import classify
from classifier.i18n import LOCALES, messages
from classifier.rulebase.compiler import article_logic, programs
from classifier.rulebase.files import catalogue, consequences, law_by_date, logic_files, readings, vocabulary
from classifier.rulebase.prose import rule_base_ru

ROOT = Path(__file__).resolve().parents[1]
THB = str(Path(sys.executable).parent / "thb")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def english_left(text: str) -> str | None:
    """A run of three or more English words, ignoring identifiers, fact paths and quotations."""
    t = re.sub(r"R-[A-Z0-9-]+", "", text)
    t = re.sub(r"[\w.]+\[[^\]]*\][\w.\[\]]*", "", t)
    t = re.sub(r"`[^`]*`|«[^»]*»|'[^']*'|\"[^\"]*\"", "", t)
    m = ENGLISH_RUN.search(t)
    return m.group(0) if m else None


def test_every_message_exists_in_both_languages_with_the_same_placeholders():
    en, ru = messages("en"), messages("ru")
    assert set(en) == set(ru), set(en) ^ set(ru)
    for k in en:
        assert fields(en[k]) == fields(ru[k]), k


def test_no_russian_message_is_left_in_english():
    """A Russian message may name identifiers (keys like `case_id`, YAML, JSON, ISO codes), never English prose."""
    identifiers = re.compile(r"\{[^}]*\}|`[^`]*`|\b[a-z]+_[a-z_]+\b|\b[A-Z]{2,}\b|R-[A-Z0-9-]+|\bthb\b|\btrue\b|\bfalse\b")
    for k, text in messages("ru").items():
        words = re.findall(r"[A-Za-z]{3,}", identifiers.sub("", text))
        assert not words or CYRILLIC.search(text), (k, text)
        assert english_left(identifiers.sub("", text)) is None, (k, text)


def test_each_language_catalogue_file_has_its_twin():
    en = {p.name.replace(".en.yaml", "") for p in LOCALES.glob("*.en.yaml")}
    ru = {p.name.replace(".ru.yaml", "") for p in LOCALES.glob("*.ru.yaml")}
    assert en == ru


def _rule_base_keys() -> dict[str, set[str]]:
    """Every English text of the rule base a user can see, by the section of rules/ru.yaml that translates it."""
    keys: dict[str, set[str]] = {
        k: set()
        for k in (
            "rules",
            "elements",
            "articles",
            "parts",
            "items",
            "penalties",
            "vocabulary",
            "readings",
            "open_questions",
            "missing_facts",
            "warnings",
            "non_punishment",
            "consequences",
            "law_by_date",
            "prosecution",
        )
    }
    for prog in programs().values():
        keys["rules"] |= {r.id for r in prog.rules.values() if not r.generated}
    for art, data in article_logic().items():
        keys["elements"] |= {f"{art}.{e}" for e in (data.get("elements") or {})}
    for a in catalogue().values():
        keys["articles"].add(a.article)
        for p in a.parts.values():
            k = f"{a.article}({p.part})" if p.part is not None else a.article
            keys["parts"].add(k)
            keys["penalties"].add(k)
            keys["items"] |= {f"{k}{i}" for i in p.items}
    for kind in ("acts", "means", "purposes", "circumstances"):
        for value, entry in vocabulary()[kind].items():
            keys["vocabulary"].add(f"{kind}.{value}")
            if entry.get("says"):
                keys["vocabulary"].add(f"{kind}.{value}.says")
    for rid, r in readings().items():
        keys["readings"].add(f"{rid}.reading")
        if r.get("rival"):
            keys["readings"].add(f"{rid}.rival")
    keys["open_questions"] = set(
        yaml.safe_load((ROOT / "rules" / "readings.yaml").read_text())["open_questions"][i]["id"] for i in range(3)
    )
    files = logic_files()
    keys["missing_facts"] = set(files["missing-facts.rules.yaml"]["facts"])
    keys["warnings"] = set(files["warnings.rules.yaml"]["texts"])
    np_file = files["non-punishment.rules.yaml"]
    keys["non_punishment"] = set(np_file["outcomes"]) | set(np_file["additions"])
    c = consequences()
    keys["consequences"] = {f"consequences.{k}" for k in c["consequences"]} | {f"explanations.{k}" for k in c["explanations"]}
    keys["consequences"] |= {f"record_checks.{x['id']}" for x in c["record_checks"]}
    pro = files["prosecution.rules.yaml"]
    keys["prosecution"] = {k for k, v in pro["basis"].items() if not v.startswith(("CC ", "CPC ", "R-"))} | set(pro["warnings"])
    keys["law_by_date"] = {f"texts.{k}" for k in law_by_date()["texts"]}
    return keys


def test_every_text_of_the_rule_base_has_its_russian():
    ru = rule_base_ru()
    for section, wanted in _rule_base_keys().items():
        have = set((ru.get(section) or {}).keys())
        missing = wanted - have
        assert not missing, (section, sorted(missing)[:10])
        for k in wanted:
            text = ru[section][k]
            assert CYRILLIC.search(text), (section, k)


def test_russian_explanations_keep_their_placeholders():
    ru = rule_base_ru()["consequences"]
    for k, text in consequences()["explanations"].items():
        assert fields(text) == fields(ru[f"explanations.{k}"]), k


LIBRARY = sorted((ROOT / "cases").glob("*.yaml"))


def prose(f):
    for q in f.qualifications:
        yield from (q.title, q.reason, q.penalty, *q.sources)
        for e in q.elements:
            yield from (e.reason, e.source)
    for m in f.misclassification:
        yield m.explanation
        yield from m.consequences
    for n in f.non_punishment:
        yield n.reason
        yield from n.basis
    for m in f.missing_facts:
        yield m.question
        yield from m.affects
    yield from f.warnings
    yield from f.law.notes
    yield from f.prosecution.basis


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_a_russian_classification_leaves_no_prose_field_in_english(path):
    facts = yaml.safe_load(path.read_text())["facts"]
    ru = classify(facts, lang="ru")
    for text in prose(ru):
        assert english_left(text) is None, text
        assert CYRILLIC.search(text) or re.fullmatch(r"R-[A-Z0-9-]+", text), text  # a reading id is a code
    en = classify(facts, lang="en")
    # the API is the same in both languages: keys, enumeration values, roles, parts
    assert [(q.article, q.part, q.role, q.items) for q in ru.qualifications] == [
        (q.article, q.part, q.role, q.items) for q in en.qualifications
    ]
    assert [m.kind for m in ru.misclassification] == [m.kind for m in en.misclassification]
    assert ru.prosecution.mode == en.prosecution.mode
    assert [m.fact for m in ru.missing_facts] == [m.fact for m in en.missing_facts]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_patterns())
def test_any_russian_classification_is_in_russian(facts):
    for text in prose(classify(facts, lang="ru")):
        assert english_left(text) is None, text


def test_legal_terms_follow_the_russian_code():
    ru = rule_base_ru()["vocabulary"]
    for kind, value, term in (
        ("acts", "recruitment", "вербовка"),
        ("acts", "transportation", "перевозка"),
        ("acts", "harbouring", "укрывательство"),
        ("acts", "receipt", "прием"),
        ("acts", "transfer", "передача"),
        ("means", "threat", "угроза"),
        ("means", "blackmail", "шантаж"),
        ("means", "abduction", "похищение"),
        ("means", "fraud", "мошенничество"),
        ("means", "deception", "обман"),
    ):
        assert term in ru[f"{kind}.{value}"].lower()
    assert catalogue()["166"].title_ru == "Торговля людьми"
    assert catalogue()["167"].title_ru == "Торговля детьми"


def test_cli_lang_on_every_command_and_thb_lang(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text((ROOT / "examples" / "osh-15-year-old.yaml").read_text())
    r = subprocess.run([THB, "classify", str(p), "--lang", "ru"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "Торговля детьми" in r.stdout and "Квалификация" in r.stdout
    r = subprocess.run([THB, "--lang=ru", "classify", str(p), "--format", "json"], capture_output=True, text=True, timeout=60)
    data = json.loads(r.stdout)
    assert data["qualifications"][0]["role"] == "primary"  # enumeration values stay English
    assert "Торговля детьми" == data["qualifications"][0]["title"]
    r = subprocess.run([THB, "articles", "167"], capture_output=True, text=True, timeout=60, env={"THB_LANG": "ru", "PATH": ""})
    assert r.returncode == 0 and "Часть 2" in r.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: A\nvictims: [{id: V1, agee: 3}]\n")
    r = subprocess.run([THB, "validate", str(bad), "--lang", "ru"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "неизвестный ключ" in r.stderr
    r = subprocess.run([THB, "classify", str(p), "--lang", "fr"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "fr" in r.stderr


def test_free_text_is_never_reasoned_on():
    base = yaml.safe_load((ROOT / "examples" / "osh-15-year-old.yaml").read_text())
    ru_summary = dict(base, summary="Потерпевшую похитили и продали; это торговля людьми по ст. 166.")
    a, b = classify(base), classify(ru_summary)
    assert [(q.article, q.part, q.role) for q in a.qualifications] == [(q.article, q.part, q.role) for q in b.qualifications]


# ------------------------------------------------------------------------------------ thb --help
def _help_tree():
    import typer.main

    from classifier.cli import app

    return typer.main.get_command(app)


MARKUP = re.compile(r"\[/?[a-z ]+\]")


def test_every_help_text_has_its_russian_and_the_russian_is_of_the_current_english():
    from classifier.cli.help import catalogue, texts

    entries = catalogue("ru")["commands"]
    tree = dict(texts(_help_tree()))
    assert set(tree) == set(entries) - {"--help"}, set(tree) ^ (set(entries) - {"--help"})
    for key, holder in tree.items():
        en, ru = entries[key]["en"], entries[key]["ru"]
        assert en == holder.help, f"{key}: the English help changed; bring its Russian up to date"
        assert CYRILLIC.search(ru), key
        assert sorted(MARKUP.findall(ru)) == sorted(MARKUP.findall(en)), key
        examples = [line.split("#")[0].rstrip() for line in en.splitlines() if line.startswith("    ")]
        assert examples == [line.split("#")[0].rstrip() for line in ru.splitlines() if line.startswith("    ")], key
        code = r"`[^`]*`|\bthb(?: -?-?[a-z][\w./*-]*)+|--[a-z-]+|\[/?[a-z ]+\]|[\w.-]*/[\w./*-]+|\b\w+\.(?:md|yaml|json|jsonl|csv|html|sqlite)\b"
        prose = re.sub(code, "", ru)  # commands, options, paths and file names are not prose
        prose = "\n".join(line for line in prose.splitlines() if not line.startswith("    "))
        assert english_left(prose) is None, (key, english_left(prose))


def test_typer_s_own_words_are_translated_where_this_typer_has_them():
    import typer.rich_utils as rich_utils

    from classifier.cli.help import catalogue

    words = catalogue("ru")["typer"]
    assert {"OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE", "ARGUMENTS_PANEL_TITLE", "DEFAULT_STRING"} <= set(words)
    for name, text in words.items():
        assert hasattr(rich_utils, name), name
        original = getattr(rich_utils, name)
        assert fields(text) == fields(original) and ("{}" in text) == ("{}" in original), name


def test_help_in_russian_on_every_command_and_in_english_by_default():
    from classifier.cli.help import catalogue

    entries = catalogue("ru")["commands"]
    env = {"COLUMNS": "250", "PATH": ""}

    def first_words(text: str) -> str:
        return " ".join(MARKUP.sub("", text).split()[:5])

    for cmd in ("", "classify", "audit", "report", "interview", "cases"):
        key = f"thb {cmd}".strip()
        if key not in entries:
            continue
        args = [THB, *cmd.split(), "--help"]
        ru = subprocess.run([*args[:1], "--lang", "ru", *args[1:]], capture_output=True, text=True, timeout=60, env=env)
        assert ru.returncode == 0, ru.stderr
        assert first_words(entries[key]["ru"]) in " ".join(ru.stdout.split()), cmd
        assert "Параметры" in ru.stdout and "Show this message" not in ru.stdout and "Options" not in ru.stdout
        en = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        assert first_words(entries[key]["en"]) in " ".join(en.stdout.split()) and "Options" in en.stdout
    audit = subprocess.run([THB, "audit", "--help"], capture_output=True, text=True, timeout=60, env=dict(env, THB_LANG="ru"))
    assert first_words(entries["thb audit:jobs"]["ru"]) in " ".join(audit.stdout.split())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["", "    "]), st.text(alphabet="abc де.[]`-", min_size=0, max_size=12)),
        max_size=12,
    )
)
def test_reflow_unwraps_prose_and_keeps_examples(lines):
    from classifier.cli.help import reflow

    text = "\n".join(indent + body.strip() for indent, body in lines)
    out = reflow(text)
    assert out.split() == text.split()  # the same words, in order
    assert [x for x in out.split("\n") if x.startswith(" ")] == [x for x in text.split("\n") if x.startswith(" ")]
    for a, b in itertools.pairwise(out.split("\n")):  # no line break left inside a prose paragraph
        assert not (a.strip() and b.strip() and not a.startswith(" ") and not b.startswith(" "))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_unknown_value_lists_every_allowed_one_in_the_language(tmp_path, lang):
    bad = tmp_path / "bad.yaml"
    bad.write_text("case_id: A\nacts: [teleport]\n")
    r = subprocess.run([THB, "validate", str(bad), "--lang", lang], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "'teleport'" in r.stderr
    assert "'recruitment', 'transportation'" in r.stderr and "'sale', 'purchase'" in r.stderr
    assert " or " not in r.stderr  # pydantic's English joining word is not passed on


# --- LAW.md section 11: what a Russian reader sees on the screen -----------------------------
_SCREEN_ALLOWED = re.compile(
    r"R-[A-Z0-9-]+|[\w.]+\[[^\]]*\][\w.\[\]]*|«[^»]*»|c\d\d-[\w-]+|"
    r"\b(?:acts|means|purposes|circumstances|exploitation|record|offence_date|damage_ci|offenders|victims)\b[\w.]*"
)
_SCREEN_ENGLISH = re.compile(r"[A-Za-z]{3,}(?:[ ,'’-]+[A-Za-z]{3,})+")
_FILE_CITATION = re.compile(r"\.txt|\.yaml|seed \d|\bline \d|строк[аи] \d|источник \d{3}|документ \d{3}")


def _screen_english(text: str) -> list[str]:
    return [m.group(0) for line in text.splitlines() for m in _SCREEN_ENGLISH.finditer(_SCREEN_ALLOWED.sub("", line))]


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_the_russian_report_of_every_library_case_shows_no_english_label_and_no_file(path):
    from rich.console import Console

    from classifier import i18n
    from classifier.render.text import render

    facts = yaml.safe_load(path.read_text())["facts"]
    console = Console(record=True, width=200, color_system=None)
    with i18n.use("ru"):
        render(classify(facts, lang="ru"), console, explain=True)
    screen = console.export_text()
    assert not _screen_english(screen), _screen_english(screen)[:5]
    assert not _FILE_CITATION.search(screen), _FILE_CITATION.search(screen).group(0)


@pytest.mark.parametrize("article", ["166", "167", "170", "185", "416", "160-1"])
def test_thb_articles_in_russian_shows_no_english_label_and_no_file(article):
    r = subprocess.run(
        [THB, "articles", article, "--lang", "ru"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": str(Path(THB).parent)},
    )
    assert r.returncode == 0, r.stderr
    text = re.sub(r"^\s+[\w-]+-[\w-]+: ", "  ", r.stdout, flags=re.M)  # rule ids are codes
    assert not _screen_english(text), _screen_english(text)[:5]
    assert not _FILE_CITATION.search(text) and "rules/" not in text
