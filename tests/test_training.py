"""Training mode (`thb cases`): the case library, demo, quiz and handout.

Whether each bundled case classifies as expected is tests/test_golden_cases.py; here the
library is loaded, taught, quizzed and printed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from classifier import training as tr
from classifier.cli import app, main
from classifier.errors import InputError
from classifier.fileio import write_atomic
from classifier.models import FactPattern

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"
THB = str(Path(sys.executable).parent / "thb")
C01 = "c01-osh-15-year-old-charged-159"
N = len(list(CASES.glob("*.yaml")))
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_env_library(monkeypatch):
    monkeypatch.delenv("THB_CASES", raising=False)


def cli(*args: str, input: str | None = None, env: dict | None = None):
    r = runner.invoke(app, list(args), input=input, env=env)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """The real entry point, in process: exit code, stdout, stderr (whitespace collapsed)."""
    monkeypatch.setattr(sys, "argv", ["thb", *args])
    with pytest.raises(SystemExit) as e:
        main()
    cap = capsys.readouterr()
    return e.value.code or 0, cap.out, " ".join(cap.err.split())


def case_dict(name: str = C01) -> dict:
    return yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))


def write_case(folder: Path, data: dict, name: str | None = None) -> Path:
    p = folder / f"{name or data['id']}.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return p


# --------------------------------------------------------------------------- library
def test_bundled_library_loads_whole():
    cases = tr.load_library()
    assert len(cases) == N >= 36
    assert [c.id for c in cases] == sorted(p.stem for p in CASES.glob("*.yaml"))  # file name = id
    assert all(c.narrative and c.teaching.deciding_element and c.source for c in cases)


def test_library_choice_flag_then_env_then_bundled(tmp_path, monkeypatch):
    assert tr.library_dir() == tr.bundled_dir() == CASES
    monkeypatch.setenv("THB_CASES", str(tmp_path))
    assert tr.library_dir() == tmp_path
    other = tmp_path / "other"
    other.mkdir()
    assert tr.library_dir(other) == other
    with pytest.raises(InputError, match="no such case-library folder"):
        tr.library_dir(tmp_path / "missing")


def test_env_library_replaces_bundled(tmp_path):
    own = case_dict()
    own["id"] = "trainer-01"
    own["tags"] = ["own"]
    write_case(tmp_path, own)
    r = cli("cases", "list", "--format", "json", env={"THB_CASES": str(tmp_path)})
    assert [c["id"] for c in json.loads(r.stdout)] == ["trainer-01"]
    r = cli("cases", "list", "--format", "json", "--library", str(CASES), env={"THB_CASES": str(tmp_path)})
    assert len(json.loads(r.stdout)) == N  # the flag wins over the variable


def test_bad_case_file_exits_2_naming_file_and_problem(tmp_path, monkeypatch, capsys):
    shutil.copy(CASES / f"{C01}.yaml", tmp_path)
    bad = case_dict()
    bad["id"] = "broken"
    bad["facts"]["acts"] = ["recruitment", "flying"]
    bad["teachin"] = bad.pop("teaching")
    write_case(tmp_path, bad, "broken-case")
    code, out, err = run_main(monkeypatch, capsys, "cases", "list", "--library", str(tmp_path))
    assert code == 2 and out == ""
    assert "broken-case.yaml" in err
    assert "facts.acts[1]: unknown value 'flying'" in err
    assert "unknown key `teachin`; did you mean `teaching`?" in err
    assert "Traceback" not in err


def test_yaml_syntax_error_and_duplicate_id_are_named(tmp_path, monkeypatch, capsys):
    (tmp_path / "syntax.yaml").write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    code, _, err = run_main(monkeypatch, capsys, "cases", "list", "--library", str(tmp_path))
    assert code == 2 and "syntax.yaml:" in err and "YAML syntax error" in err
    (tmp_path / "syntax.yaml").unlink()
    write_case(tmp_path, case_dict(), "one")
    write_case(tmp_path, case_dict(), "two")
    code, _, err = run_main(monkeypatch, capsys, "cases", "show", "c01", "--library", str(tmp_path))
    assert code == 2 and "two.yaml" in err and "already used by" in err and "one.yaml" in err


def test_expect_primary_must_be_mapping_or_none(tmp_path):
    d = case_dict()
    d["expect"]["primary"] = "167(2)"
    write_case(tmp_path, d)
    with pytest.raises(InputError, match=r"expect\.primary: write the primary as"):
        tr.load_library(tmp_path)


def test_charged_as_must_match_the_record(tmp_path):
    d = case_dict()
    del d["facts"]["record"]
    write_case(tmp_path, d)
    with pytest.raises(InputError, match=r"charged_as and facts\.record\.charges differ"):
        tr.load_library(tmp_path)


def test_empty_or_missing_library_exits_2(tmp_path, monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "cases", "list", "--library", str(tmp_path))
    assert code == 2 and "no case files" in err
    code, _, err = run_main(monkeypatch, capsys, "cases", "list", "--library", str(tmp_path / "nope"))
    assert code == 2 and "no such case-library folder" in err


def test_bundled_library_found_from_any_directory(tmp_path):
    r = subprocess.run([THB, "cases", "list", "--format", "json"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == N


# --------------------------------------------------------------------------- list and show
def test_list_tag_filters():
    everything = json.loads(cli("cases", "list", "--format", "json").stdout)
    assert len(everything) == N
    child = json.loads(cli("cases", "list", "--tag", "child", "--format", "json").stdout)
    assert {c["id"] for c in child} == {c["id"] for c in everything if "child" in c["tags"]}
    assert 0 < len(child) < N
    both = json.loads(cli("cases", "list", "-t", "child", "-t", "misclassification", "--format", "json").stdout)
    assert both and all({"child", "misclassification"} <= set(c["tags"]) for c in both) and len(both) < len(child)
    row = next(c for c in everything if c["id"] == C01)
    assert row["charged"] == ["CC art. 159(3)"] and row["correct"] == "167(2)"
    assert row["source"] == {"seed": "000_3ae6d7ca97337862.txt", "lines": "205-207", "brief": "C01"}
    text = cli("cases", "list", "--tag", "not-trafficking").stdout
    assert "c14" in text and "172(1)" in text and "c01-osh" not in text


def test_list_unknown_tag_exits_2_with_suggestion(monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "cases", "list", "--tag", "chlid")
    assert code == 2 and "did you mean child?" in err


def test_show_json_expected_primary():
    d = json.loads(cli("cases", "show", "c01", "--format", "json").stdout)
    assert d["id"] == C01
    assert d["expected"]["primary"] == "167(2)"
    assert d["expected"]["misclassification"] == "trafficking_not_charged"
    assert d["source"]["lines"] == "205-207"
    assert FactPattern.model_validate(d["facts"]).victims[0].age == 15  # the facts round-trip
    assert d["facts"]["offence_date"] == "2023-01-15"
    assert json.loads(cli("cases", "show", "c35", "--format", "json").stdout)["expected"]["primary"] == "none"
    assert json.loads(cli("cases", "show", "c28", "--format", "json").stdout)["expected"]["primary"] == "180"


def test_show_text():
    out = cli("cases", "show", "c14").stdout
    # v4 rule 5.4: by a group by prior conspiracy the kidnapping (165(2), 7 to 10) outweighs 172(1) (5 to 7)
    assert "Norkuz" in out and "primary: 165(2)" in out and "forced_marriage" in out


def test_unknown_case_id_exits_2_with_close_matches(monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "cases", "show", "c01-osh-15-year-old-charged-195")
    assert code == 2 and f"close matches: {C01}" in err
    code, _, err = run_main(monkeypatch, capsys, "cases", "demo", "c1")
    c1x = sum(p.name.startswith("c1") for p in CASES.glob("*.yaml"))
    assert code == 2 and f"start of {c1x} case ids" in err
    code, _, err = run_main(monkeypatch, capsys, "cases", "quiz", "zzz-nothing")
    assert code == 2 and "no case 'zzz-nothing'" in err and "thb cases list" in err


# --------------------------------------------------------------------------- demo
def test_demo_teaches_from_the_engine():
    out = " ".join(cli("cases", "demo", "c01", "--step", input="").stdout.split())  # --step without a terminal: no pause
    for stage in (
        "1 · The story",
        "2 · The charge as laid",
        "3 · The engine's reasoning",
        "4 · The verdict",
        "6 · Teaching note",
    ):
        assert stage in out
    assert "charged as CC art. 159(3) → should be CC art. 167(2) — Trafficking in children" in out
    assert "– means not required Art. 167 has no means element" in out
    assert "✓ part 2 item 2 met committed by a group of persons" in out
    assert "The victim is not recognised as a victim of trafficking" in out  # the findings' consequence
    assert "whatever the means" in out  # the teaching note
    assert out.index("3 · The engine's") < out.index("should be") < out.index("5 · The consequences")


def test_demo_reasoning_ignores_stored_expectations(tmp_path):
    d = case_dict()
    d["expect"]["primary"] = {"article": "159", "part": 3}
    write_case(tmp_path, d)
    out = " ".join(cli("cases", "demo", "c01", "--library", str(tmp_path)).stdout.split())
    assert "should be CC art. 167(2)" in out
    assert "the case library expects 159(3), the engine now answers 167(2)" in out


def test_demo_victim_punished_and_no_article():
    out = " ".join(cli("cases", "demo", "c05").stdout.split())
    assert "the victims V1, V2 were charged with CC art. 378(1)" in out
    assert "non-punishment applies: yes" in out
    out = " ".join(cli("cases", "demo", "c35").stdout.split())
    assert "should be no article made out on the facts stated" in out and "means:" in out
    out = " ".join(cli("cases", "demo", "c36").stdout.split())
    assert "(the article charged is right)" in out and "ended by reconciliation, which the law does not permit" in out


# --------------------------------------------------------------------------- quiz
def answers_file(tmp_path: Path, text: str) -> str:
    p = tmp_path / "answers.yaml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_quiz_scores_wrong_answers_with_explanations(tmp_path):
    f = answers_file(tmp_path, "act: yes\nmeans: met\npurpose: met\nchild: true\narticle: 159(3)\n")
    r = json.loads(cli("cases", "quiz", "c01", "--answers", f, "--format", "json").stdout)
    by = {q["key"]: q for q in r["questions"]}
    assert r["score"] == 3 and r["total"] == 5
    assert by["act"]["verdict"] == "right" and by["child"]["verdict"] == "right"
    assert by["means"] | {"explanation": ""} == {
        **by["means"],
        "answer": "met",
        "expected": "not_required",
        "points": 0,
        "explanation": "",
    }
    assert "Art. 167 has no means element" in by["means"]["explanation"]
    assert by["article"]["expected"] == "167(2)" and by["article"]["points"] == 0
    assert "Art. 159(3) is concurrent here" in by["article"]["explanation"]
    text = " ".join(cli("cases", "quiz", "c01", "--answers", f).stdout.split())
    assert "means you: met · engine: not_required · wrong" in text and "Score: 3 / 5" in text


def test_quiz_article_part_and_missing_answers(tmp_path):
    f = answers_file(tmp_path, "article: art. 167 part 3\n")
    r = json.loads(cli("cases", "quiz", "c01", "--answers", f, "--format", "json").stdout)
    art = r["questions"][-1]
    assert art["points"] == 0.5 and art["verdict"] == "partly right" and "part 2 item 2" in art["explanation"]
    assert r["score"] == 0.5 and all(q["explanation"].startswith("Not answered") for q in r["questions"][:-1])
    f = answers_file(tmp_path, "article: 167\n")
    art = json.loads(cli("cases", "quiz", "c01", "--answers", f, "--format", "json").stdout)["questions"][-1]
    assert art["points"] == 1 and "the part is 167(2)" in art["explanation"]


def test_quiz_when_engine_finds_no_trafficking(tmp_path):
    # c13 (v4): no act and no powers of ownership stated, so nothing is made out — not even art. 170
    f = answers_file(tmp_path, "act: met\nmeans: not_required\npurpose: met\nchild: yes\narticle: none\n")
    r = json.loads(cli("cases", "quiz", "c13", "--answers", f, "--format", "json").stdout)
    by = {q["key"]: q for q in r["questions"]}
    assert by["act"]["expected"] == "not_met" and "missing fact" in by["act"]["explanation"]
    assert by["article"]["expected"] == "none" and by["article"]["points"] == 1
    f = answers_file(tmp_path, "purpose: met\narticle: none\n")
    by = {q["key"]: q for q in json.loads(cli("cases", "quiz", "c14", "--answers", f, "--format", "json").stdout)["questions"]}
    assert by["purpose"]["expected"] == "not_met" and by["article"]["expected"] == "165(2)"
    assert "For what purpose" in by["purpose"]["explanation"]


def test_quiz_bad_answers_file_exits_2_with_choices(tmp_path, monkeypatch, capsys):
    f = answers_file(tmp_path, "act: maybe\nmeens: met\narticle: 999\nchild: unknown\n")
    code, out, err = run_main(monkeypatch, capsys, "cases", "quiz", "c01", "--answers", f)
    assert code == 2 and out == ""
    assert "act: 'maybe' is not an answer; allowed: met, not_met" in err
    assert "unknown question `meens`; did you mean `means`?" in err
    assert "article: 999 is not an article of the rule base; allowed: none," in err and "167(1-3)" in err


def test_quiz_interactive_rejects_unknown_answers_and_asks_again():
    r = cli("cases", "quiz", "c08", input="perhaps\nmet\nnot required\nn/a\nyes\n173(2)\n167(3)\n")
    out = " ".join(r.output.split())
    assert r.exit_code == 0
    assert "Error: act: 'perhaps' is not an answer; allowed: met, not_met" in out
    assert "Error: article: art. 173 has no parts; answer 173" in out
    assert "Score: 5 / 5" in out


def test_normalise_answers():
    assert tr.normalise("means", "Not required") == "not_required"
    assert tr.normalise("act", True) == "met"
    assert tr.normalise("child", False) == "no"
    assert tr.normalise("article", "CC art. 166(2)") == "166(2)"
    assert tr.normalise("article", 185) == "185"
    assert tr.normalise("article", "None") == "none"
    with pytest.raises(ValueError, match="art. 166 has parts 1, 2, 3, 4"):
        tr.normalise("article", "166(7)")
    with pytest.raises(ValueError, match="allowed: met, not_met$"):
        tr.normalise("act", "not_required")


# --------------------------------------------------------------------------- handout
def test_handout_is_self_contained_and_escaped(tmp_path):
    d = case_dict()
    d["narrative"] = 'She wrote <script>alert("x")</script> & left; the "agency" < nothing.'
    d["title"] = "Escaping <b>test</b>"
    write_case(tmp_path, d)
    write_case(tmp_path, case_dict("c14-norkuz-bride-kidnapping-not-trafficking"))
    out = tmp_path / "h.html"
    r = cli("cases", "handout", "c01", "c14", "--out", str(out), "--library", str(tmp_path))
    assert r.exit_code == 0 and "wrote" in r.output
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; left" in page  # Jinja2 autoescaping
    assert "Escaping &lt;b&gt;test&lt;/b&gt;" in page
    assert page.count('<section class="case"') == 2
    assert "<style>" in page and "<link" not in page and "src=" not in page and "http" not in page and "@import" not in page
    for needle in (
        "<th>Element</th><th>Status</th><th>Reason</th><th>Source</th>",
        '<td class="status not_required">not required</td>',
        '<span class="nb">CC art. 159(3)</span>',  # a reference is kept on one line
    ):
        assert needle in page, needle
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for needle in (
        "charged as CC art. 159(3) → should be CC art. 167(2) — Trafficking in children",
        "The deciding element",
        # the report by title and locator, never the project's file name or line (LAW.md section 11)
        "OSCE OSR/CTHB, Report following the country visit to Kyrgyzstan (2025), sect. V, para. 39 (first of two); footnote 28",
        "CC art. 165(2) — Kidnapping",
    ):
        assert needle in text, needle


def test_handout_write_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "h.html"
    out.write_text("previous handout", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputError, match="nothing was changed"):
        write_atomic(out, "<html>new</html>")
    assert out.read_text(encoding="utf-8") == "previous handout"
    assert [p.name for p in tmp_path.iterdir()] == ["h.html"]  # no temporary file left behind


def test_handout_bad_destination_exits_2(tmp_path, monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "cases", "handout", "c01", "--out", str(tmp_path / "no" / "h.html"))
    assert code == 2 and "does not exist" in err
    code, _, err = run_main(monkeypatch, capsys, "cases", "handout", "c01", "c99x", "--out", str(tmp_path / "h.html"))
    assert code == 2 and not (tmp_path / "h.html").exists()


# --------------------------------------------------------------------------- issue 13: screens a trainer reads
def thb_run(*args: str, columns: int = 80, lang: str = "en", **kw) -> subprocess.CompletedProcess:
    """The installed command in its own process, at a terminal width (COLUMNS) and a language."""
    env = {k: v for k, v in os.environ.items() if k not in ("THB_CASES", "THB_LANG")} | {"COLUMNS": str(columns)}
    return subprocess.run([THB, "--lang", lang, *args], capture_output=True, text=True, timeout=120, env=env, **kw)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("columns", [80, 100])
def test_list_keeps_every_id_and_reference_on_one_line_within_the_width(columns, lang):
    r = thb_run("cases", "list", columns=columns, lang=lang)
    assert r.returncode == 0, r.stderr
    lines = [line.rstrip() for line in r.stdout.splitlines()]
    assert max(map(len, lines)) <= columns
    with tr_lang(lang):
        cases = tr.load_library()
        for c in cases:
            assert any(c.id in line for line in lines), c.id  # the id whole, never folded mid-word
            for label in [*tr.charged_labels(c), tr.shown_ref(tr.expected_primary(c))]:
                assert any(label in line for line in lines), (c.id, label)
            flat_out = " ".join(r.stdout.split())
            for label in tr.tag_labels(c.tags):
                assert label in flat_out, (c.id, label)
    if lang == "ru":
        shown = " ".join(r.stdout.split())
        assert "sexual exploitation" not in shown and "child victim" not in shown
        assert "сексуальная эксплуатация" in shown and "потерпевший — ребенок" in shown


def tr_lang(lang: str):
    from classifier import i18n

    return i18n.use(lang)


def test_every_tag_of_the_library_has_its_words_and_a_typed_label_selects_it():
    from classifier import i18n

    tags = tr.all_tags(tr.load_library())
    for lang in ("en", "ru"):
        words = i18n.messages(lang)
        missing = [t for t in tags if f"training.tag.{t}" not in words]
        assert not missing, (lang, missing)
    assert tr.tag_key("child", tags) == "child"
    assert tr.tag_key("  Sexual   Exploitation ", tags) == "sexual-exploitation"
    assert tr.tag_key("потерпевший — ребенок", tags) == "child"  # in either language, whatever the one in force
    assert tr.tag_key("nothing of the sort", tags) is None
    assert tr.tag_label("a-trainer-s-own-tag") == "a-trainer-s-own-tag"  # not in the catalogue: as written
    by_key = json.loads(cli("cases", "list", "--tag", "child", "--format", "json").stdout)
    by_words = json.loads(thb_run("cases", "list", "--tag", "потерпевший — ребенок", "--format", "json", lang="ru").stdout)
    assert [c["id"] for c in by_words] == [c["id"] for c in by_key] and by_key
    assert all("child" in c["tags"] for c in by_words)  # the JSON keeps the tags as written


def _spawn_demo(*args: str):
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if k not in ("THB_CASES", "THB_LANG")}
    child = pexpect.spawn(THB, ["cases", "demo", *args], encoding="utf-8", timeout=30, env=env, dimensions=(40, 80))
    return pexpect, child


@pytest.mark.parametrize(
    ("lang", "prompt", "quit_word", "said"),
    [
        ("en", "q and Enter: stop", "q", "Lesson stopped"),
        ("ru", "q и Enter — завершить", "й", "Разбор завершен"),
    ],
)
def test_demo_step_stops_on_q_at_once_with_exit_0(lang, prompt, quit_word, said):
    pexpect, child = _spawn_demo("c01", "--step", "--lang", lang)
    child.expect_exact(prompt)  # the first pause, after the story
    child.sendline("")  # Enter: the next stage
    child.expect_exact(prompt)
    started = time.monotonic()
    child.sendline(quit_word)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and time.monotonic() - started < 5
    seen = " ".join(child.before.split())
    assert said in seen and "thb cases demo c01" in seen
    assert "3 ·" not in seen  # stopped where it was asked to: nothing of the reasoning was printed


def test_quiz_back_returns_to_the_previous_question_with_its_answer_offered():
    # back on the first question says so; `not_met` for act, then back from means: Enter keeps
    # the answer offered, so the act stays `not_met`; then `met` after a second back replaces it
    r = cli("cases", "quiz", "c01", input="back\nnot_met\nback\n\nback\nmet\nnot_required\nmet\nyes\n167(2)\n")
    out = " ".join(r.output.split())
    assert r.exit_code == 0, out
    assert "This is the first question" in out
    assert "(met or not_met) [not_met]:" in out  # the earlier answer offered as the default
    assert "act you: met · engine: met · right" in out and "Score: 5 / 5" in out
    r = cli("cases", "quiz", "c01", input="nein\nback\n")  # an unknown answer is refused; `back` still works
    assert "is not an answer" in r.output and "This is the first question" in r.output


def test_every_answer_offered_back_is_read_as_itself():
    from classifier import i18n
    from classifier.cli.cases import _answer_text

    for lang in ("en", "ru"):
        with i18n.use(lang):
            for key, q in tr.QUESTIONS.items():
                for choice in q.choices:
                    assert tr.normalise(key, _answer_text(choice)) == choice, (lang, key, choice)
            for answer in ("none", "167(2)", "173", "166"):
                assert tr.normalise("article", _answer_text(answer)) == answer, (lang, answer)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_lesson_for_an_old_case_carries_the_law_applied_caveat_of_thb_classify(lang, tmp_path):
    from classifier import classify, i18n

    heading = {"en": "Law applied", "ru": "Применимый закон"}[lang]
    for key in ("c03", "c12"):  # offences under the 2017 and the 1997 codes
        with i18n.use(lang):
            case = tr.find_case(tr.load_library(), key)
            f = classify(case.facts)
        notes = [n for n in f.law.notes if "R-RETRO" in n]
        assert notes, key  # the caveat is the findings' own text, the one thb classify prints
        for command in (("cases", "demo", key), ("cases", "quiz", key, "--answers", answers_file(tmp_path, "act: met\n"))):
            out = " ".join(thb_run(*command, lang=lang, columns=100).stdout.split())
            assert heading in out, command
            for n in notes:
                assert " ".join(n.split()) in out, command
        page = tmp_path / f"{key}.html"
        assert thb_run("cases", "handout", key, "--out", str(page), lang=lang).returncode == 0
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))).split())
        assert heading in text and all(" ".join(n.split()) in text for n in notes)
    out = " ".join(thb_run("cases", "demo", "c01", lang=lang).stdout.split())  # an offence of 2023: no caveat
    assert heading not in out


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_demo_stage_titles_are_never_cut_at_80_columns(lang):
    """A rule cuts a title that does not fit with an ellipsis; a long stage title is printed whole
    below its rule instead, every line within the width."""
    for case in tr.load_library()[:12]:
        r = cli("cases", "demo", case.id, env={"COLUMNS": "80", "THB_LANG": lang})
        assert r.exit_code == 0, r.output
        lines = r.output.splitlines()
        assert not [line for line in lines if re.search(r"…\s*─+$", line)], case.id
        assert max(map(len, lines)) <= 80, case.id
        joined = " ".join(" ".join(lines).split())
        title = (case.title_ru or case.title) if lang == "ru" else case.title
        assert " ".join(title.split()) in joined, case.id
