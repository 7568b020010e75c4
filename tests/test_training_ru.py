"""Training mode in Russian (`thb cases ... --lang ru`): the program's words from the training
catalogues, the case library's prose from the cases' `*_ru` keys, the engine's reasoning in Russian.

The English lessons are tests/test_training.py; these check that nothing English is left in the
Russian ones and that a case without Russian falls back to its English prose."""

from __future__ import annotations

import html
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from classifier import i18n
from classifier import training as tr
from classifier.errors import InputError
from classifier.i18n import LOCALES

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"
LIBRARY = sorted(CASES.glob("*.yaml"))
THB = str(Path(sys.executable).parent / "thb")
C01 = "c01-osh-15-year-old-charged-159"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
EN = yaml.safe_load((LOCALES / "training.en.yaml").read_text(encoding="utf-8"))
RU = yaml.safe_load((LOCALES / "training.ru.yaml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("THB_CASES", raising=False)
    monkeypatch.delenv("THB_LANG", raising=False)


def thb(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed command, in its own process (so `--lang` cannot leak into other tests)."""
    full = {k: v for k, v in os.environ.items() if k not in ("THB_LANG", "THB_CASES")} | (env or {})
    r = subprocess.run([THB, *args], capture_output=True, text=True, timeout=120, env=full)
    return r


def flat(text: str) -> str:
    return " ".join(text.split())


def case(name: str = C01) -> dict:
    return yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the catalogues
def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_training_catalogues_have_the_same_keys_and_every_message_is_translated():
    assert EN and set(EN) == set(RU), set(EN) ^ set(RU)
    assert all(k.startswith("training.") for k in EN)
    for k in EN:
        assert fields(EN[k]) == fields(RU[k]), k
        assert RU[k] != EN[k], k  # no Russian message left equal to its English
        if re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}", "", EN[k])):  # words, not a bare format like the date
            assert CYRILLIC.search(RU[k]), k


def test_the_code_uses_only_messages_that_exist():
    files = sorted((ROOT / "classifier" / "training").glob("*.py")) + [ROOT / "classifier" / "cli" / "cases.py"]
    src = "".join(f.read_text(encoding="utf-8") for f in files)
    used = set(re.findall(r"[\"'](training\.[a-z0-9_.]*[a-z0-9_])[\"']", src))
    assert used and used <= set(EN), sorted(used - set(EN))


# --------------------------------------------------------------------------- the library's Russian
@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_bundled_case_has_its_russian(path):
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("title_ru", "narrative_ru", "teaching_ru", "assumptions_ru"):
        assert d.get(key), (path.name, key)
    assert len(d["assumptions_ru"]) == len(d.get("assumptions") or [])
    assert set(d["teaching_ru"]) == set(d["teaching"])
    texts = [d["title_ru"], d["narrative_ru"], *d["assumptions_ru"], *d["teaching_ru"].values()]
    for text in texts:
        assert CYRILLIC.search(text), (path.name, text)
        # citations in the Code's Russian style (ч. 2 ст. 167 УК), never the English "art. 167(2)"
        assert not re.search(r"\bart\.|\bCC art|\bpart \d|\b\d{3}\(\d\)", text), (path.name, text)
    for text in (d["title_ru"], d["narrative_ru"], *d["teaching_ru"].values()):
        assert text != d.get("title") and text != d.get("narrative")


def test_russian_legal_terms_follow_the_code():
    c01 = case()
    words = " ".join([c01["narrative_ru"], *c01["teaching_ru"].values()])
    assert "ч. 2 ст. 167 УК" in words and "ст. 159 УК" in words
    assert "перевозка, укрывательство" in c01["teaching_ru"]["deciding_element"]
    c19 = case("c19-alina-and-dinara-abducted-and-sold")
    assert "ч. 2 ст. 167 УК" in c19["teaching_ru"]["deciding_element"]
    every = " ".join(
        " ".join([d["narrative_ru"], *d["assumptions_ru"], *d["teaching_ru"].values()])
        for d in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in LIBRARY)
    )
    for term in ("вербовка", "перевозка", "укрывательство", "прием", "обман", "угроз", "принуждение", "похищение"):
        assert term in every, term
    for term in ("трафик", "рекрутирован", "рекрутинг"):  # not the Code's words
        assert term not in every.lower(), term


def test_the_case_model_accepts_the_russian_keys_and_shows_them_in_russian():
    [c] = [c for c in tr.load_library() if c.id == C01]
    assert c.title_ru and c.narrative_ru and c.teaching_ru and len(c.assumptions_ru) == len(c.assumptions)
    assert c.shown_title == c.title  # English by default
    with i18n.use("ru"):
        assert c.shown_title == c.title_ru
        assert c.shown_narrative == c.narrative_ru
        assert c.shown_assumptions == c.assumptions_ru
        assert c.shown_teaching.deciding_element == c.teaching_ru.deciding_element
        d = tr.detail(c)
        assert d["title"] == c.title_ru and d["narrative"] == c.narrative_ru and d["charged"] == ["ч. 3 ст. 159 УК"]
        assert d["correct"] == "167(2)"  # the notation of answers and comparisons stays
    assert tr.detail(c)["charged"] == ["CC art. 159(3)"]


def test_a_case_without_russian_falls_back_to_english(tmp_path):
    d = case()
    for key in ("title_ru", "narrative_ru", "assumptions_ru"):
        del d[key]
    d["teaching_ru"] = {"deciding_element": d["teaching_ru"]["deciding_element"]}  # a partial teaching note
    (tmp_path / "own.yaml").write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    [c] = tr.load_library(tmp_path)
    with i18n.use("ru"):
        assert c.shown_title == c.title and c.shown_narrative == c.narrative and c.shown_assumptions == c.assumptions
        t = c.shown_teaching
        assert CYRILLIC.search(t.deciding_element) and t.common_mistake == c.teaching.common_mistake
    r = thb("cases", "demo", "c01", "--library", str(tmp_path), "--lang", "ru")
    out = flat(r.stdout)
    assert r.returncode == 0, r.stderr
    assert "1 · Фабула — Osh, 15-year-old girl" in out and flat(c.narrative) in out  # the English prose
    assert "Решающий элемент: Потерпевшей 15 лет" in out and "Типичная ошибка: Charging only" in out


def test_assumptions_ru_must_match_the_assumptions(tmp_path):
    d = case()
    d["assumptions_ru"] = d["assumptions_ru"][:-1]
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError, match=r"assumptions_ru has 6 items but assumptions has 7"):
        tr.load_library(tmp_path)
    d["teaching_ru"] = {"deciding_elemnt": "x"}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError, match=r"teaching_ru\.deciding_elemnt"):
        tr.load_library(tmp_path)


# --------------------------------------------------------------------------- the commands in Russian
ENGLISH_HEADINGS = (
    "The story",
    "The charge as laid",
    "The engine's reasoning",
    "The verdict",
    "The consequences for the victim",
    "Teaching note",
    "Charged as",
    "Primary:",
    "Other findings",
    "Why primary",
    "should be",
    "Source:",
    "Assumed for the exercise",
    "Next:",
)


def test_demo_in_russian():
    r = thb("cases", "demo", "c01", "--lang", "ru")
    assert r.returncode == 0, r.stderr
    out = flat(r.stdout)
    c = case()
    for stage in (
        "1 · Фабула — " + c["title_ru"][:30],
        "2 · Как квалифицировано дело",
        "3 · Рассуждение движка",
        "4 · Вывод",
        "5 · Последствия для потерпевшего",
        "6 · Методический комментарий",
    ):
        assert stage in out, stage
    assert flat(c["narrative_ru"]) in out  # the case's Russian story
    assert flat(c["assumptions_ru"][3]).replace("acts:", "действия:", 1) in out  # the input path in words
    assert "acts:" not in out
    assert "Основная квалификация: ч. 2 ст. 167 УК — Торговля детьми" in out  # the engine, in Russian
    assert "способ не требуется Статья 167 УК не содержит признака способа" in out
    assert "п. 2 ч. 2 установлен группой лиц" in out
    assert "Вменено: ч. 3 ст. 159 УК → правильно: ч. 2 ст. 167 УК — Торговля детьми" in out
    assert "Решающий элемент: " + flat(c["teaching_ru"]["deciding_element"]) in out
    assert "Далее: thb cases quiz c01" in out
    for heading in ENGLISH_HEADINGS:
        assert heading not in out, heading
    assert flat(c["narrative"])[:40] not in out and "Trafficking in children" not in out
    assert out.index("3 · Рассуждение") < out.index("правильно:") < out.index("5 · Последствия")


def test_demo_in_russian_by_thb_lang_and_victims_charged():
    r = thb("cases", "demo", "c05", env={"THB_LANG": "ru"})
    out = flat(r.stdout)
    assert r.returncode == 0, r.stderr
    assert "Вменено: (не сообщается; потерпевшим V1, V2 вменена ч. 1 ст. 378 УК)" in out
    assert "освобождение от ответственности жертвы торговли людьми применяется: да" in out
    out = flat(thb("cases", "demo", "c36", "--lang", "ru").stdout)
    assert "(вмененная статья верна)" in out and "примирение не допускается" in out


def test_list_in_russian():
    r = thb("cases", "list", "--lang", "ru")
    assert r.returncode == 0, r.stderr
    out = flat(r.stdout)
    n = len(LIBRARY)
    assert f"Библиотека дел — {n} из {n}" in out and "правильно" in out and "вменено" in out
    assert "ч. 3 ст. 159 УК" in out and "Норкуз" in out
    assert "Case library" not in out and "CC art." not in out and "shows a case" not in out
    rows = json.loads(thb("cases", "list", "--format", "json", "--lang", "ru").stdout)
    row = next(x for x in rows if x["id"] == C01)
    assert row["title"] == case()["title_ru"] and row["charged"] == ["ч. 3 ст. 159 УК"]
    assert row["correct"] == "167(2)" and row["citation"].startswith("Отчет Специального представителя")
    assert ".txt" not in row["citation"] and "строк" not in row["citation"]


def test_show_in_russian():
    out = flat(thb("cases", "show", "c14", "--lang", "ru").stdout)
    c = case("c14-norkuz-bride-kidnapping-not-trafficking")
    assert flat(c["narrative_ru"]) in out and "основная квалификация: ч. 2 ст. 165" in out
    assert "Методический комментарий" in out and "forced_marriage" in out  # the facts stay as written
    assert "The story" not in out and "Expected findings" not in out


def answers(tmp_path: Path, text: str) -> str:
    p = tmp_path / "answers.yaml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_quiz_feedback_in_russian(tmp_path):
    f = answers(tmp_path, "act: yes\nmeans: met\npurpose: met\nchild: true\narticle: 159(3)\n")
    r = thb("cases", "quiz", "c01", "--answers", f, "--lang", "ru")
    assert r.returncode == 0, r.stderr
    out = flat(r.stdout)
    assert "Тест — c01" in out and "Результат: 3 из 5" in out
    assert "means ваш ответ: установлен · движок: не требуется · неверно" in out
    assert "article ваш ответ: ч. 3 ст. 159 · движок: ч. 2 ст. 167 · неверно" in out
    assert "Статья 167 УК не содержит признака способа" in out  # the engine's reason
    assert "Ч. 3 ст. 159 УК здесь: совокупность" in out
    assert "V1 — 15 лет на 15.01.2023: ребенком является лицо, не достигшее 18 лет" in out
    for english in ("you:", "engine:", "Score", "wrong", "right", "For art.", "Next:"):
        assert english not in out, english
    data = json.loads(thb("cases", "quiz", "c01", "--answers", f, "--format", "json", "--lang", "ru").stdout)
    by = {q["key"]: q for q in data["questions"]}
    assert by["means"]["verdict"] == "wrong" and by["means"]["expected"] == "not_required"  # API values stay
    assert CYRILLIC.search(by["means"]["question"]) and CYRILLIC.search(by["article"]["explanation"])


def test_quiz_in_russian_part_and_unanswered(tmp_path):
    f = answers(tmp_path, "article: ч. 3 ст. 167\n")
    data = json.loads(thb("cases", "quiz", "c01", "--answers", f, "--format", "json", "--lang", "ru").stdout)
    art = data["questions"][-1]
    assert art["points"] == 0.5 and "Статья верна, часть нет: факты образуют ч. 2 ст. 167." in art["explanation"]
    assert "п. 2 ч. 2: группой лиц" in art["explanation"]
    assert all(q["explanation"].startswith("Ответа нет.") for q in data["questions"][:-1])


def test_quiz_accepts_russian_answers_and_refuses_in_russian(tmp_path):
    assert tr.normalise("means", "Не требуется") == "not_required"
    assert tr.normalise("act", "да") == "met"
    assert tr.normalise("purpose", "не установлен") == "not_met"
    assert tr.normalise("child", "Нет") == "no"
    assert tr.normalise("article", "ч. 2 ст. 167") == "167(2)"
    assert tr.normalise("article", "ст. 166 ч. 3") == "166(3)"
    assert tr.normalise("article", "статья 173") == "173"
    assert tr.normalise("article", "нет") == "none"
    f = answers(tmp_path, "act: может быть\narticle: ст. 999\n")
    r = thb("cases", "quiz", "c01", "--answers", f, "--lang", "ru")
    err = flat(r.stderr)
    assert r.returncode == 2 and r.stdout == ""
    assert "act: 'может быть' — недопустимый ответ; допустимые: установлен (met), не установлен (not_met)" in err
    assert "такой статьи нет в базе правил; допустимые: нет (none)," in err


def test_interactive_quiz_in_russian():
    r = subprocess.run(
        [THB, "cases", "quiz", "c08", "--lang", "ru"],
        input="может быть\nда\nне требуется\nне требуется\nда\nч. 2 ст. 173\nч. 3 ст. 167\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = flat(r.stdout + r.stderr)
    assert r.returncode == 0, out
    assert "Для каждого элемента ответьте" in out and "Действие: был ли потерпевший завербован" in out
    assert "недопустимый ответ" in out and "ст. 173 не делится на части" in out
    assert "Результат: 5 из 5" in out


def test_handout_in_russian(tmp_path):
    page = tmp_path / "h.html"
    r = thb("cases", "handout", "c01", "c14", "--out", str(page), "--lang", "ru")
    assert r.returncode == 0, r.stderr
    assert "записан" in r.stderr
    text = page.read_text(encoding="utf-8")
    assert '<html lang="ru">' in text
    shown = html.unescape(re.sub(r"<[^>]+>", "", text))  # the words, without the spans that keep references whole
    for needle in (
        "Торговля людьми: раздаточный материал по делам",
        "<h3>Фабула</h3>",
        "<h3>Правильная квалификация</h3>",
        "<th>Элемент</th><th>Статус</th><th>Обоснование</th><th>Источник</th>",
        '<td class="status not_required">не требуется</td>',
        "Вменено: ч. 3 ст. 159 УК → правильно: ч. 2 ст. 167 УК — Торговля детьми",
        "ч. 2 ст. 165 УК — Похищение человека",
        "<dt>Решающий элемент</dt>",
        "Источник: Отчет Специального представителя и Координатора ОБСЕ по борьбе с торговлей людьми по итогам визита в Кыргызстан (2025), разд. V, п. 39 (первый из двух); сноска 28",
        case()["title_ru"],
    ):
        assert needle in (text if needle.startswith("<") else shown), needle
    body = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    for english in ("The story", "The correct qualification", "Teaching note", "<th>Element</th>", "Printed", "Source:"):
        assert english not in body, english
    with i18n.use("en"):
        assert '<html lang="en">' in tr.handout_html([tr.lesson(tr.find_case(tr.load_library(), "c01"))])
