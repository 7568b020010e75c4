"""`thb audit` and `thb report` in Russian (`--lang ru`): messages, the text report and the HTML page."""

from __future__ import annotations

import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_audit import make_cases, write_jsonl

from classifier.i18n import LOCALES

THB = str(Path(sys.executable).parent / "thb")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
EN = yaml.safe_load((LOCALES / "audit.en.yaml").read_text(encoding="utf-8"))
RU = yaml.safe_load((LOCALES / "audit.ru.yaml").read_text(encoding="utf-8"))


def thb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([THB, *args], capture_output=True, text=True, timeout=120)


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def english(*keys: str) -> list[str]:
    return [EN[k] for k in keys]


def test_the_audit_catalogues_have_the_same_keys_and_every_russian_text_is_translated():
    assert set(EN) == set(RU), set(EN) ^ set(RU)
    assert all(k.startswith("audit.") for k in EN)
    for k in EN:
        assert RU[k] != EN[k], k
        assert CYRILLIC.search(RU[k]), (k, RU[k])
        assert fields(RU[k]) == fields(EN[k]), k


def test_russian_legal_terms():
    assert "торговля людьми" in RU["audit.kind.trafficking_not_charged"].lower()
    assert "Неверная квалификация" in RU["audit.mis.title"]
    assert "примирением сторон" in RU["audit.reason.reconciliation"]
    assert "потерпевш" in RU["audit.kind.victim_punished"]
    assert RU["audit.ref.article_part"].format(part=2, article="167", instrument=RU["audit.instrument.CC"]) == "ч. 2 ст. 167 УК"


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> dict:
    """A small batch (30 records, two malformed) audited in Russian."""
    d = tmp_path_factory.mktemp("audit_ru")
    src = d / "batch.jsonl"
    write_jsonl(src, make_cases(28), bad_every=14)
    out = d / "r.sqlite"
    r = thb("audit", str(src), "--out", str(out), "--jobs", "2", "--lang", "ru")
    return {"dir": d, "src": src, "out": out, "run": r}


def test_audit_messages_are_russian(audited):
    r = audited["run"]
    assert r.returncode == 0, r.stderr
    assert "проверено записей: 30" in r.stderr and "некорректных — 2" in r.stderr
    assert "некорректно" in r.stderr
    assert "audited" not in r.stderr and "invalid JSON" not in r.stderr
    again = thb("audit", str(audited["src"]), "--out", str(audited["out"]), "--lang", "ru")
    assert again.returncode == 2 and "уже существует" in again.stderr and "--resume" in again.stderr
    assert "already exists" not in again.stderr
    missing = thb("audit", "--lang", "ru")
    assert missing.returncode == 2 and "нужен входной файл" in missing.stderr
    valid = thb("audit", str(audited["src"]), "--validate-only", "--lang", "ru")
    assert valid.returncode == 2 and "корректных записей: 28 из 30" in valid.stderr


def test_text_report_is_russian(audited):
    r = thb("report", str(audited["out"]), "--lang", "ru")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for heading in ("Отчет о проверке дел о торговле людьми", "Дела по вмененной статье", "Повторно проверено дел: 28"):
        assert heading in out, heading
    assert "Неверная квалификация" in out
    assert re.search(r"ст\. \d+ УК", out)  # «ч. 2 ст. 167 УК» style references
    for en in english(
        "audit.title", "audit.crosstab.title", "audit.mis.title", "audit.html.files_title", "audit.col.charged_as"
    ) + ["cases re-screened", "Top cases to reopen", "Victims punished", "Terminated by a reconciliation", "warning:"]:
        assert en not in out, en
    assert not re.search(r"\bCC \d", out)


def test_html_report_is_russian_and_json_keeps_the_api(audited):
    page_path = audited["dir"] / "report.html"
    r = thb("report", str(audited["out"]), "--html", str(page_path), "--format", "json", "--lang", "ru")
    assert r.returncode == 0, r.stderr
    assert "записан файл" in r.stderr
    page = page_path.read_text(encoding="utf-8")
    assert re.search(r"<html lang=['\"]ru['\"]", page)
    assert "<title>Отчет о проверке дел о торговле людьми</title>" in page
    for ru in ("дел повторно проверено", "Файлы результатов", "Дела для возобновления", "вменено"):
        assert ru in page, ru
    for en in ("Trafficking audit report", "cases re-screened", "Results files", "Top cases to reopen", "charged as"):
        assert en not in page, en
    data = json.loads(r.stdout)  # keys and enumeration values stay English
    assert {"totals", "crosstab", "misclassifications", "reopen"} <= set(data)
    kinds = {m["kind"] for m in data["misclassifications"]}
    assert kinds and kinds <= {"trafficking_not_charged", "wrong_article", "wrong_part", "victim_punished", "overcharged"}
    assert all(m["severity"] in ("high", "medium", "low") for m in data["misclassifications"])
