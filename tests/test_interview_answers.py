"""`thb interview`: answers as an investigator writes them, going back, the end of the input, the
existing output file, and the questions that cannot matter.

- ages with units ("16 years", «16 лет») and citizenship by a country's name (English, Russian),
  from a table whose codes the fact pattern accepts;
- `back` offers the earlier answer; `status` and `help` ask the question again; `=` answers the
  exploitation with the purposes;
- input ending early (a pipe, Ctrl-D, a list of answers) says where and writes nothing (exit 1);
  a scripted run over an existing `--out` says how `--force` replaces it (exit 2);
- a circumstance is not asked when the rule base says no answer can change the findings, and a
  property test checks that claim against the engine: answering a skipped question either way,
  whatever the later questions are answered, gives the same findings.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import FLAGS, fact_patterns

from classifier import classify
from classifier import interview as iv
from classifier.i18n import use
from classifier.interview.countries import countries, country_code, country_name
from classifier.interview.flow import CIRC_QUESTIONS, NEVER_ASKED, PROPERTY
from classifier.interview.relevance import base_atoms, cannot_matter, worlds_of
from classifier.models import FactPattern

THB = str(Path(sys.executable).parent / "thb")


def _env() -> dict[str, str]:
    env = dict(os.environ, TERM="dumb", NO_COLOR="1", LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    env.pop("THB_LANG", None)
    return env


def thb(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([THB, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=_env(), input=stdin)


def flat(text: str) -> str:
    return " ".join(text.split())


def replay(tmp: Path, answers, *args: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    (tmp / "a.yaml").write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    out = tmp / "out.yaml"
    r = thb("interview", "--answers", "a.yaml", "--out", "out.yaml", *args, cwd=tmp)
    return r, (yaml.safe_load(out.read_text(encoding="utf-8")) if out.exists() and r.returncode == 0 else None)


BASE = {
    "case.id": "A-1",
    "case.date": "2024-03-01",
    "victims.count": 1,
    "victim.1.age": 25,
    "offenders.count": 1,
    "offender.1.age": 30,
    "acts": ["recruitment"],
    "means": ["deception"],
    "purposes": ["forced_labour"],
}


# ------------------------------------------------------------------ ages and countries
@pytest.mark.parametrize(
    ("answer", "age"),
    [
        ("16", 16),
        ("16 years", 16),
        ("16 years old", 16),
        ("16-year-old", 16),
        ("16 y.o.", 16),
        ("16yo", 16),
        ("aged 16", 16),
        ("16 yrs", 16),
        ("16 лет", 16),
        ("21 год", 21),
        ("22 года", 22),
        ("16 г.", 16),
        ("16-летняя", 16),
        ("0", 0),
    ],
)
def test_ages_with_units_in_either_language(answer, age):
    assert iv.parse(iv.Question("victim.1.age", "age", "?"), answer) == ("age", age)
    assert iv.parse(iv.Question("offender.1.age", "years", "?"), answer) == age


def test_an_age_that_is_not_one_says_what_would_be():
    q = iv.Question("victim.1.age", "age", "?")
    assert iv.parse(q, "31.01.2008") == ("birth_date", dt.date(2008, 1, 31))
    with pytest.raises(iv.BadAnswer, match="neither an age nor a date.*15 years.*YYYY-MM-DD"):
        iv.parse(q, "sixteen")
    with pytest.raises(iv.BadAnswer, match="whole years"):
        iv.parse(q, "8 months")
    with pytest.raises(iv.BadAnswer, match="out of range"):
        iv.parse(q, "130 years")
    with use("ru"), pytest.raises(iv.BadAnswer, match="не возраст и не дата"):
        iv.parse(q, "шестнадцать")
    with pytest.raises(iv.BadAnswer, match="not an age"):
        iv.parse(iv.Question("offender.1.age", "years", "?"), "2008-01-31")  # an offender's age is in years


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("Kyrgyzstan", "KG"),
        ("Кыргызстан", "KG"),
        ("Киргизия", "KG"),
        ("kyrgyz republic", "KG"),
        ("kg", "KG"),
        ("KG", "KG"),
        ("Russia", "RU"),
        ("Россия", "RU"),
        ("РФ", "RU"),
        ("Kazakhstan", "KZ"),
        ("Казахстан", "KZ"),
        ("UAE", "AE"),
        ("U.A.E.", "AE"),
        ("ОАЭ", "AE"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Турция", "TR"),
        ("South Korea", "KR"),
        ("Korea", "KR"),
        ("Корея", "KR"),
        ("Узбекистан", "UZ"),
        ("Tajikistan", "TJ"),
        ("China", "CN"),
        ("UK", "GB"),
        ("stateless", "stateless"),
        ("без гражданства", "stateless"),
        ("FR", "FR"),
    ],
)
def test_citizenship_by_name_in_either_language_or_code(answer, code):
    assert iv.parse(iv.Question("victim.1.citizenship", "country", "?"), answer) == code


def test_an_unknown_country_is_refused_with_the_nearest_name():
    q = iv.Question("victim.1.citizenship", "country", "?")
    with pytest.raises(iv.BadAnswer, match=r"did you mean Kyrgyzstan \(KG\)"):
        iv.parse(q, "Kirgistan")
    with pytest.raises(iv.BadAnswer, match="not a country"):
        iv.parse(q, "Atlantis")
    with use("ru"), pytest.raises(iv.BadAnswer, match=r"Казахстан \(KZ\)"):
        iv.parse(q, "Казахстна")


def test_the_country_table_is_data_the_fact_pattern_accepts():
    table = countries()
    seen: dict[str, str] = {}
    for code, meta in table.items():
        assert code == "stateless" or re.fullmatch(r"[A-Z]{2}", code), code  # ISO 3166-1 alpha-2, as FACTS.md
        FactPattern.model_validate({"case_id": "C", "victims": [{"id": "V1", "citizenship": code}]})
        assert meta["name"] and re.search(r"[А-Яа-я]", meta["name_ru"]), code
        for name in [meta["name"], meta["name_ru"], *(meta.get("also") or [])]:
            assert country_code(str(name)) == code, name
            key = " ".join(str(name).lower().replace(".", "").split())
            assert seen.setdefault(key, code) == code, (name, seen[key], code)  # no name names two countries
    # the region and the destinations the seeds name (../shared/seeds/)
    for name in (
        "Kyrgyzstan",
        "Kazakhstan",
        "Uzbekistan",
        "Tajikistan",
        "Turkmenistan",
        "Russia",
        "Turkey",
        "United Arab Emirates",
        "Korea",
        "China",
        "Ukraine",
        "Pakistan",
        "India",
        "Bangladesh",
        "United States",
        "Germany",
        "Poland",
        "Italy",
        "Japan",
        "Greece",
        "Finland",
        "Cyprus",
        "Czechia",
        "Belarus",
        "Syria",
        "Thailand",
        "Kuwait",
        "UAE",
    ):
        assert country_code(name), name
    # the same codes as the narratives' lexicon (rules/extract/people.yaml) gives the same names
    people = yaml.safe_load((Path(__file__).parents[1] / "rules" / "extract" / "people.yaml").read_text(encoding="utf-8"))
    for code, names in people["countries"].items():
        assert country_code(names["en"][0]) == code and country_code(names["ru"][0]) == code, code
    with use("ru"):
        assert country_name("KG") == "Кыргызстан"
    assert country_name("KG") == "Kyrgyzstan"


def test_ages_and_country_names_reach_the_file(tmp_path):
    answers = {**BASE, "victim.1.age": "16 years", "victim.1.citizenship": "Kyrgyzstan", "offender.1.age": "30 лет"}
    r, facts = replay(tmp_path, answers)
    assert r.returncode == 0, r.stderr
    assert facts["victims"][0] == {"id": "V1", "age": 16, "citizenship": "KG"}
    assert facts["offenders"][0]["age"] == 30
    assert "V1's citizenship: KG (Kyrgyzstan)." in flat(r.stdout)


# ------------------------------------------------------------------ back, status, help, =
class Script:
    """Answers typed at a terminal, each for the question it names (None: the same question again);
    a question the script does not name gets the plainest answer (none, no, the first option)."""

    interactive, bounded, name = True, False, "<script>"

    def __init__(self, items: list[tuple[str | None, str]]):
        self.items = list(items)
        self.current: str | None = None

    def next(self, q: iv.Question) -> str:
        if self.items and self.items[0][0] in (q.key, None if q.key == self.current else q.key):
            self.current = q.key
            return self.items.pop(0)[1]
        self.current = q.key
        return {"multi": "none", "yesno": "no", "choice": "1"}.get(q.kind, "?")

    def leftovers(self) -> list[str]:
        return []


def run_script(tmp: Path, items: list[tuple[str | None, str]], lang: str = "en", width: int = 80) -> tuple[str, dict]:
    import io

    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, emoji=False)
    source = Script(items)
    with use(lang):
        st = iv.Interview(source, console, out=str(tmp / "case.yaml"), force=True).run()
        iv.finish(st, console)
    assert source.items == [], source.items  # every scripted answer was asked for
    return buf.getvalue(), yaml.safe_load((tmp / "case.yaml").read_text(encoding="utf-8"))


START = [("case.id", "T-1"), ("case.date", "2024-03-01"), ("victims.count", "1")]


def test_back_offers_the_earlier_answer_and_enter_keeps_it(tmp_path):
    items = [
        ("case.id", "T-1"),
        ("case.date", "back"),
        ("case.id", ""),
        ("case.date", "2024-03-01"),
        ("victims.count", "1"),
        ("victim.1.age", "15 years"),
        ("victim.1.sex", "back"),
        ("victim.1.age", ""),
        ("victim.1.sex", "female"),
        ("victim.1.citizenship", "Kyrgyzstan"),
        ("offenders.count", "1"),
        ("offender.1.age", "30"),
        ("acts", "4"),
        ("purposes", "1"),
        ("exploitation", "status"),
        (None, "back"),
        ("purposes", ""),
        ("exploitation", "="),
    ]
    out, facts = run_script(tmp_path, items)
    text = flat(out)
    assert "Enter = your earlier answer: T-1" in text and "Enter = your earlier answer: 15 years" in text
    assert "Enter = your earlier answer: prostitution" in text  # a number typed, its label shown
    assert facts["case_id"] == "T-1" and facts["victims"][0]["age"] == 15 and facts["victims"][0]["citizenship"] == "KG"
    assert facts["purposes"] == ["prostitution"] and facts["exploitation"] == ["prostitution"]  # "=": the same
    with use("ru"):
        out, _ = run_script(tmp_path, [("case.id", "Т-1"), ("case.date", "назад"), ("case.id", "")], lang="ru")
    assert "Enter — прежний ответ: Т-1" in flat(out)


def test_status_and_help_ask_the_question_again(tmp_path):
    items = [
        *START,
        ("victim.1.age", "25"),
        ("acts", "1"),
        ("purposes", "4"),
        ("exploitation", "status"),
        (None, "help"),
        (None, "none"),
    ]
    out, _ = run_script(tmp_path, items)
    after_status = out.split("Provisional qualification", 1)[1].split("At any question:", 1)[0]
    after_help = out.split("At any question:")[-1].split("[means]", 1)[0]
    assert "[exploitation]" in after_status and "[exploitation]" in after_help  # asked again each time
    assert " — selling the victim's sexual services" not in after_status  # short: they were just shown
    assert " — selling the victim's sexual services" in after_help  # help: every option explained


def test_same_as_the_purposes_in_a_mapping_and_its_hint(tmp_path):
    r, facts = replay(tmp_path, {**BASE, "purposes": ["forced_labour", "begging"], "exploitation": "="})
    assert r.returncode == 0, r.stderr
    assert facts["exploitation"] == ["forced_labour", "begging"]
    assert "= the same as the purposes (forced labour, begging)" in flat(r.stdout)
    q = iv.Question("exploitation", "multi", "?", options=iv.options("purposes"), same=["begging"])
    assert iv.parse(q, "=") == ["begging"] and iv.parse(q, "те же") == ["begging"] and iv.parse(q, "same") == ["begging"]
    with pytest.raises(iv.BadAnswer):
        iv.parse(iv.Question("acts", "multi", "?", options=iv.options("acts")), "=")  # only where it is offered


# ------------------------------------------------------------------ the end of the input, the existing file
def test_input_ending_early_says_where_and_writes_nothing(tmp_path):
    r = thb("interview", "--out", "c.yaml", cwd=tmp_path, stdin="X\n2024-03-01\n")
    assert r.returncode == 1, r.stderr
    err = flat(r.stderr)
    assert "The input ended (end of file, or Ctrl-D) at the question `case.summary`" in err
    assert "nothing was written" in err and not (tmp_path / "c.yaml").exists()
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(["X", "2024-03-01", "", "1"]))
    r = thb("interview", "--answers", "a.yaml", "--out", "c.yaml", cwd=tmp_path)
    assert r.returncode == 1 and "the answers ran out after 4; the next question is `victim.1.age`" in flat(r.stderr)
    assert "nothing was written" in r.stderr and not (tmp_path / "c.yaml").exists()
    r = thb("interview", "--lang", "ru", "--out", "c.yaml", cwd=tmp_path, stdin="X\n")
    assert r.returncode == 1 and "Ввод закончился" in r.stderr and "`case.date`" in r.stderr


def test_ctrl_d_in_a_terminal_says_where_it_stopped(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(THB, ["interview", "--out", "c.yaml"], cwd=str(tmp_path), encoding="utf-8", timeout=30, env=_env())
    child.expect(r"\[case\.id\]")
    child.expect("> ")
    child.sendline("X")
    child.expect(r"\[case\.date\]")
    child.expect("> ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "at the question `case.date`" in flat(child.before) and not (tmp_path / "c.yaml").exists()


def test_an_existing_out_in_scripted_mode_names_force(tmp_path):
    (tmp_path / "out.yaml").write_text("keep me\n")
    r, _ = replay(tmp_path, BASE)
    assert r.returncode == 2
    err = flat(r.stderr)
    assert "out.yaml exists: to replace it, add --force or answer `output.overwrite: yes`" in err and "output.file" in err
    r, _ = replay(
        tmp_path,
        [
            "A",
            "2024-03-01",
            "",
            "1",
            "25",
            "1",
            "KG",
            "no",
            "no",
            "no",
            "1",
            "",
            "30",
            "no",
            "1",
            "1",
            "4",
            "none",
            "deception",
            "1",
            "none",
            "none",
            "none",
            "1",
            "no",
            "no",
            "no",
            "no",
        ],
    )
    assert r.returncode == 1 and "the answers ran out" in r.stderr  # the list ends after `no`: say how to replace it
    assert "add --force or answer `output.overwrite: yes`" in flat(r.stderr)
    assert (tmp_path / "out.yaml").read_text() == "keep me\n"
    r, facts = replay(tmp_path, BASE, "--force")
    assert r.returncode == 0 and facts["case_id"] == "A-1"


# ------------------------------------------------------------------ questions that cannot matter
def test_a_forced_labour_case_without_abduction_is_not_asked_bride_kidnapping(tmp_path):
    r, facts = replay(tmp_path, {**BASE, "circ.sexual": ["online"]})
    assert r.returncode == 0, r.stderr
    out = flat(r.stdout)
    assert "[circ.marriage]" not in out and "[circ.knew_pregnant]" not in out and "[circ.official]" not in out
    assert "Not asked, as the answer cannot change the findings on the answers so far:" in out
    assert "for the purpose of marriage" in out and "art. 172" in out
    # the sexual circumstances: a brothel is still art. 160 whatever the purpose (160-conduct), but
    # "online" raises only the 160-1 question of a sexual purpose (warn-online): not listed, still accepted
    sexual = r.stdout.split("[circ.sexual]", 1)[1].split("\n> ", 1)[0]
    assert "brothel" in sexual and "online" not in sexual
    assert facts["circumstances"] == ["online"]
    # with an abduction among the means, the marriage purpose decides art. 172: asked
    r, facts = replay(tmp_path, {**BASE, "means": ["abduction"], "circ.marriage": True}, "--force")
    assert r.returncode == 0 and "[circ.marriage]" in r.stdout and "marriage_purpose" in facts["circumstances"]
    assert any(q["article"] == "172" for q in classify(facts).model_dump()["qualifications"])


def test_what_a_skipped_question_would_have_said_changes_nothing(tmp_path):
    r, facts = replay(tmp_path, BASE)
    assert r.returncode == 0
    asked = set(re.findall(r"\[(circ\.[a-z_]+)\]", r.stdout))
    skipped = [f for key, _, flags in CIRC_QUESTIONS if key not in asked for f in flags]
    assert "marriage_purpose" in skipped
    base = classify(facts).model_dump()
    for f in skipped:
        other = classify({**facts, "circumstances": sorted({*facts.get("circumstances", []), f})}).model_dump()
        assert other["qualifications"] == base["qualifications"], f


def _settled_and_open(fp: dict, n: int) -> tuple[dict, list[str], set[str]]:
    """The fact pattern as the interview has it when it reaches the n-th circumstance question:
    that question's flags and the later ones (and what a later question can add) are still open."""
    later = [f for _, _, fs in CIRC_QUESTIONS[n:] for f in fs]
    open_flags = later + [PROPERTY, *NEVER_ASKED]
    settled = {k: v for k, v in fp.items() if k != "damage_ci"}
    settled["circumstances"] = [c for c in fp.get("circumstances", []) if c not in open_flags]
    return settled, open_flags, base_atoms("damage.")


def _shown(f) -> tuple:
    d = f.model_dump()
    return d["qualifications"], d["missing_facts"], d["warnings"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(fp=fact_patterns(with_record=False), n=st.integers(0, len(CIRC_QUESTIONS) - 1), data=st.data())
def test_a_skipped_circumstance_cannot_change_the_findings_whatever_comes_later(fp, n, data):
    settled, open_flags, damage = _settled_and_open(fp, n)
    worlds = worlds_of(settled)
    assert worlds is not None
    flags = CIRC_QUESTIONS[n][2]
    skipped = cannot_matter(flags, worlds, open_flags, damage)
    if not skipped:
        return
    # a completion: later answers of any kind, the damage too
    later = data.draw(st.lists(st.sampled_from([f for f in open_flags if f in FLAGS]), max_size=4, unique=True))
    done = {**settled, "circumstances": sorted(set(settled["circumstances"]) | set(later))}
    if data.draw(st.booleans()):
        done["damage_ci"] = data.draw(st.sampled_from([5, 50, 500, 15000, 30000]))
    for f in skipped:
        without = {**done, "circumstances": [c for c in done["circumstances"] if c != f]}
        with_it = {**done, "circumstances": sorted(set(done["circumstances"]) | {f})}
        assert _shown(classify(with_it)) == _shown(classify(without)), f
