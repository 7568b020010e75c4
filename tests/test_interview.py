"""`thb interview`: the real command in a pseudo-terminal (pexpect), the --answers replay, the catalogues.

The English session is the acceptance scenario: a 15-year-old harboured for prostitution by a
30-year-old, charged as 159(3). It uses back, unknown, status and an invalid option, has the
means question skipped with its explanation, writes the file the user names, and the written
file validates and classifies to 167(1). The same facts replayed from an answers file (mapping
and list) give the same file byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pexpect = pytest.importorskip("pexpect")

from classifier import interview as iv  # noqa: E402
from classifier.i18n import LOCALES  # noqa: E402

THB = str(Path(sys.executable).parent / "thb")


def _env() -> dict[str, str]:
    env = dict(os.environ, TERM="dumb", NO_COLOR="1", LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    env.pop("THB_LANG", None)
    return env


def thb(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([THB, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=_env())


def spawn(args: list[str], cwd: Path):
    child = pexpect.spawn(THB, args, cwd=str(cwd), encoding="utf-8", timeout=30, env=_env(), dimensions=(60, 220))
    child.transcript = []  # type: ignore[attr-defined]

    class _Log:  # keep everything the user saw, for the assertions
        def write(self, s: str) -> None:
            child.transcript.append(s)

        def flush(self) -> None:
            pass

    child.logfile_read = _Log()
    return child


def seen(child) -> str:
    """What the user saw, with the lines the interview wrapped joined again (a line break and the
    hanging indent after it read as one space)."""
    return flat("".join(child.transcript))


def flat(text: str) -> str:
    return re.sub(r"[ \t]*\r?\n[ \t]*", " ", text)


def answer(child, key: str, text: str) -> None:
    """Wait for the question `key` and its prompt, then answer it."""
    child.expect(re.escape(f"[{key}]"))
    child.expect("> ")
    child.sendline(text)


def again(child, text: str) -> None:
    """Answer the same question again (after status, back at the first question, or an invalid answer)."""
    child.expect("> ")
    child.sendline(text)


def classify_json(path: Path) -> dict:
    r = thb("classify", str(path), "--format", "json", cwd=path.parent)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


# The English session: (question key, answer). None as the key answers the same question again.
SESSION_EN: list[tuple[str | None, str]] = [
    ("case.id", "T-1"),
    ("case.date", "back"),
    ("case.id", "OSH-2024-001"),
    ("case.date", "2024-03-01"),
    ("case.summary", "A 15-year-old girl was kept in a flat and offered to clients."),
    ("victims.count", "1"),
    ("victim.1.age", "15"),
    ("victim.1.sex", "7"),  # invalid: re-asked with the allowed options
    (None, "female"),
    ("victim.1.citizenship", "kg"),
    ("victim.1.pregnant", "no"),
    ("victim.1.dependent", "unknown"),
    ("victim.1.consented", "?"),
    ("offenders.count", "1"),
    ("offender.1.kind", ""),  # Enter: a person
    ("offender.1.age", "30"),
    ("offender.1.official", "no"),
    ("offender.1.relation", "none"),
    ("acts", "4"),  # harbouring
    ("purposes", "prostitution"),
    ("exploitation", "status"),
    (None, "?"),
    ("circ.group", "1"),
    ("circ.movement", "none"),
    ("circ.control", "none"),
    ("circ.sexual", "none"),
    ("circ.marriage", "no"),
    ("circ.harm", "1"),
    ("record.charged", "yes"),
    ("charge.1.instrument", ""),  # Enter: CC
    ("charge.1.article", "159"),
    ("charge.1.part", "3"),
    ("charge.1.more", "no"),
    ("record.victim_charged", "no"),
    ("output.file", "case.yaml"),
]

# The same facts as a mapping: what is left out is unknown (or takes its default).
ANSWERS_MAP = """\
case.id: OSH-2024-001
case.date: 2024-03-01
case.summary: A 15-year-old girl was kept in a flat and offered to clients.
victims.count: 1
victim.1.age: 15
victim.1.sex: female
victim.1.citizenship: KG
victim.1.pregnant: false
offenders.count: 1
offender.1.age: 30
offender.1.official: no
offender.1.relation: none
acts: [harbouring]
purposes: [prostitution]
circ.group: alone
record.charged: yes
charge.1.article: "159"
charge.1.part: 3
"""


@pytest.fixture(scope="module")
def english_session(tmp_path_factory) -> tuple[Path, str]:
    """Run the English session once in a pseudo-terminal; return the file written and the transcript."""
    cwd = tmp_path_factory.mktemp("en")
    child = spawn(["interview", "--lang", "en"], cwd)
    for key, text in SESSION_EN:
        if key is None:
            again(child, text)
        else:
            answer(child, key, text)
    child.expect(pexpect.EOF)
    child.close()
    out = seen(child)
    assert child.exitstatus == 0, out[-3000:]
    return cwd / "case.yaml", out


def test_terminal_session_writes_a_valid_fact_pattern_that_classifies_to_167_1(english_session):
    path, out = english_session
    assert path.exists()
    r = thb("validate", str(path), cwd=path.parent)
    assert r.returncode == 0, r.stderr
    f = classify_json(path)
    prim = next(q for q in f["qualifications"] if q["role"] == "primary")
    assert (prim["article"], prim["part"]) == ("167", 1)
    assert any(m["kind"] == "trafficking_not_charged" for m in f["misclassification"])
    # the full report was shown before the file was named
    assert "Qualification: art. 167(1)" in out and "Saved: case.yaml" in out
    assert "Traceback" not in out


def test_unknown_answers_are_left_out_never_written_as_false(english_session):
    path, _ = english_session
    facts = yaml.safe_load(path.read_text())
    v = facts["victims"][0]
    assert v == {"id": "V1", "age": 15, "sex": "female", "citizenship": "KG", "pregnant": False}
    assert "dependent_on_offender" not in v and "consented" not in v
    assert "exploitation" not in facts and "means" not in facts and "circumstances" not in facts
    assert facts["offenders"] == [{"id": "P1", "age": 30, "official": False, "relation": "none"}]
    assert facts["acts"] == ["harbouring"] and facts["purposes"] == ["prostitution"]
    assert facts["record"] == {"charges": [{"instrument": "CC", "article": "159", "part": 3}]}
    assert facts["case_id"] == "OSH-2024-001"  # "back" replaced the first answer


def test_back_status_and_invalid_option_in_the_terminal(english_session):
    _, out = english_session
    # back: the case id was asked twice
    assert out.count("[case.id]") == 2
    # an invalid option is re-asked with the allowed values
    assert "“7” is not one of the options" in out and "1 female, 2 male" in out
    # status: the provisional qualification and the facts still missing
    status = out[out.index("Provisional qualification on the answers so far:") :]
    assert "art. 167(1) — Trafficking in children" in status[:400]


def test_child_victim_means_question_is_skipped_and_says_why(english_session):
    _, out = english_session
    assert "[means]" not in out
    assert (
        "Means are not asked: the victim is a child, so art. 167 and art. 166 part 4 need no means — "
        "the act and the purpose suffice." in out
    )


def test_answers_mapping_replay_gives_the_same_file(english_session, tmp_path):
    path, _ = english_session
    (tmp_path / "answers.yaml").write_text(ANSWERS_MAP)
    r = thb("interview", "--lang", "en", "--answers", "answers.yaml", "--out", "case.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr + r.stdout[-2000:]
    assert (tmp_path / "case.yaml").read_text() == path.read_text()
    assert "Means are not asked" in r.stdout
    assert "Traceback" not in r.stderr


def test_answers_list_replay_with_commands_gives_the_same_file(english_session, tmp_path):
    path, _ = english_session
    answers = [text for key, text in SESSION_EN if text != "7"]  # a list replay stops at an invalid answer
    (tmp_path / "answers.yaml").write_text(yaml.safe_dump(answers, allow_unicode=True))
    r = thb("interview", "--answers", "answers.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr + r.stdout[-2000:]
    assert (tmp_path / "case.yaml").read_text() == path.read_text()
    assert "Provisional qualification on the answers so far:" in r.stdout  # `status` in the list


def test_russian_session_is_in_russian_and_accepts_russian_commands(tmp_path):
    child = spawn(["interview", "--lang", "ru", "--out", "дело.yaml"], tmp_path)
    answer(child, "case.id", "RU-1")
    answer(child, "case.date", "01.03.2024")
    answer(child, "case.summary", "")
    answer(child, "victims.count", "1")
    answer(child, "victim.1.age", "2008-06-01")  # a birth date: 15 on the offence date
    answer(child, "victim.1.sex", "женский")
    answer(child, "victim.1.citizenship", "не знаю")
    answer(child, "victim.1.pregnant", "нет")
    answer(child, "victim.1.dependent", "назад")
    answer(child, "victim.1.pregnant", "нет")
    answer(child, "victim.1.dependent", "нет")
    answer(child, "victim.1.consented", "да")
    answer(child, "offenders.count", "1")
    answer(child, "offender.1.kind", "1")
    answer(child, "offender.1.age", "30")
    answer(child, "offender.1.official", "нет")
    answer(child, "offender.1.relation", "1")
    answer(child, "acts", "вербовка, укрывательство")
    answer(child, "purposes", "проституция")
    answer(child, "exploitation", "статус")
    child.expect("Предварительная квалификация")
    again(child, "нет")
    answer(child, "circ.group", "1")
    for key in ("circ.movement", "circ.control", "circ.sexual", "circ.marriage"):
        answer(child, key, "нет")
    answer(child, "circ.harm", "1")
    answer(child, "record.charged", "нет")
    answer(child, "record.victim_charged", "нет")
    child.expect(pexpect.EOF)
    child.close()
    out = seen(child)
    assert child.exitstatus == 0, out[-3000:]

    assert re.search(r"[А-Яа-я]{4,}", out)
    for word in ("Что было совершено в отношении потерпевшего?", "вербовка", "укрывательство", "перевозка", "прием"):
        assert word in out, word
    assert "What was done" not in out and "How many victims" not in out
    assert "Способы не спрашиваются: потерпевший — ребенок" in out
    assert "V1 на 2024-03-01: 15" in out
    assert out.count("[victim.1.pregnant]") == 2  # «назад»

    path = tmp_path / "дело.yaml"
    facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert facts["victims"][0] == {
        "id": "V1",
        "birth_date": dt.date(2008, 6, 1),
        "sex": "female",
        "pregnant": False,
        "dependent_on_offender": False,
        "consented": True,
    }
    assert facts["acts"] == ["recruitment", "harbouring"] and "exploitation" not in facts
    f = classify_json(path)
    prim = next(q for q in f["qualifications"] if q["role"] == "primary")
    assert (prim["article"], prim["part"]) == ("167", 1)


# ------------------------------------------------------------------ branching: when the means matter
def _replay(tmp_path: Path, mapping: dict, *args: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=True))
    r = thb("interview", "--answers", "a.yaml", "--out", "out.yaml", *args, cwd=tmp_path)
    out = tmp_path / "out.yaml"
    return r, (yaml.safe_load(out.read_text()) if out.exists() else None)


BASE = {
    "case.id": "B-1",
    "case.date": "2024-03-01",
    "victims.count": 1,
    "offenders.count": 1,
    "acts": ["harbouring"],
    "purposes": ["prostitution"],
}


def test_child_with_an_offender_aged_15_is_asked_the_means_which_move_166_4_to_166_1(tmp_path):
    r, facts = _replay(tmp_path, {**BASE, "victim.1.age": 15, "offender.1.age": 15, "means": ["threat"]})
    assert r.returncode == 0, r.stderr
    assert "an offender may be 14 or 15" in r.stdout and "[means]" in r.stdout
    assert facts["means"] == ["threat"]
    f = classify_json(tmp_path / "out.yaml")
    prim = next(q for q in f["qualifications"] if q["role"] == "primary")
    assert (prim["article"], prim["part"]) == ("166", 1)


def test_adult_victim_is_asked_the_means_without_a_note(tmp_path):
    r, facts = _replay(tmp_path, {**BASE, "victim.1.age": 25, "offender.1.age": 30, "means": ["deception", "debt_bondage"]})
    assert r.returncode == 0, r.stderr
    assert "[means]" in r.stdout and "Means are not asked" not in r.stdout
    assert facts["means"] == ["deception", "debt_bondage"]


@pytest.mark.parametrize(
    ("victim", "offender", "extra", "asked", "note"),
    [
        (15, 30, {}, False, "interview.means.skipped"),
        (15, None, {}, True, "interview.means.child_young_offender"),
        (15, 14, {}, True, "interview.means.child_young_offender"),
        (15, 30, {"offence_date": dt.date(2018, 5, 1)}, True, "interview.means.child_before_2019"),
        (15, 30, {"exploitation": ["prostitution"]}, True, "interview.means.child_concurrent"),
        (15, 30, {"acts": None}, True, None),
        (25, 30, {}, True, None),
        (None, 30, {}, True, None),
    ],
)
def test_means_decision(victim, offender, extra, asked, note):
    st = iv.State(offence_date=dt.date(2024, 3, 1), acts=["harbouring"], purposes=["prostitution"])
    st.victims = [{"id": "V1", "age": victim}]
    st.offenders = [{"id": "P1", "age": offender}]
    for k, v in extra.items():
        setattr(st, k, v)
    assert iv.means_decision(st) == (asked, note)


def test_abduction_is_asked_when_means_were_skipped_but_it_decides_kidnapping(tmp_path):
    answers = {
        **BASE,
        "victim.1.age": 15,
        "offender.1.age": 30,
        "acts": ["transportation", "harbouring"],
        "circ.movement": ["held_against_will"],
        "circ.abduction": True,
    }
    r, facts = _replay(tmp_path, answers)
    assert r.returncode == 0, r.stderr
    assert "Means are not asked" in r.stdout and "[circ.abduction]" in r.stdout
    assert facts["means"] == ["abduction"]
    f = classify_json(tmp_path / "out.yaml")
    assert ("165", "concurrent") in {(q["article"], q["role"]) for q in f["qualifications"]}


# ------------------------------------------------------------------ the file and the answers file
def test_existing_file_is_not_overwritten_without_confirmation(tmp_path):
    (tmp_path / "out.yaml").write_text("keep me\n")
    r, _ = _replay(tmp_path, {**BASE, "victim.1.age": 30})
    assert r.returncode == 2
    assert "[output.overwrite]" in r.stdout and "output.file" in r.stderr
    assert (tmp_path / "out.yaml").read_text() == "keep me\n"
    r, facts = _replay(tmp_path, {**BASE, "victim.1.age": 30, "output.overwrite": "yes"})
    assert r.returncode == 0, r.stderr
    assert facts["case_id"] == "B-1"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_bad_answers_files_are_clear_errors_not_tracebacks(tmp_path):
    r, _ = _replay(tmp_path, {**BASE, "victim.1.agee": 15})
    assert r.returncode == 2 and "victim.1.agee" in r.stderr and "victim.N.age" in r.stderr
    r, _ = _replay(tmp_path, {**BASE, "acts": ["harbouring", "kidnapping"]})
    assert r.returncode == 2 and "`acts`" in r.stderr and "4 harbouring" in r.stderr
    (tmp_path / "a.yaml").write_text("just text")
    r = thb("interview", "--answers", "a.yaml", "--out", "o.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "a mapping of question key" in r.stderr
    r = thb("interview", "--answers", "missing.yaml", "--out", "o.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "no such file" in r.stderr
    r = thb("interview", "--answers", "a.yaml", "--out", "nowhere/o.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "does not exist" in r.stderr
    for res in (r,):
        assert "Traceback" not in res.stderr + res.stdout
    assert not (tmp_path / "o.yaml").exists()


def test_help_has_a_worked_example():
    r = thb("interview", "--help", cwd=Path.cwd())
    assert r.returncode == 0
    assert "Worked example" in r.stdout and "--answers" in r.stdout


def test_parse_accepts_numbers_names_labels_and_lists():
    q = iv.Question("acts", "multi", "?", options=iv.options("acts"))
    assert iv.parse(q, "4, recruitment") == ["recruitment", "harbouring"]
    assert iv.parse(q, "none") == []
    assert iv.parse(q, "?") is iv.UNKNOWN
    with pytest.raises(iv.BadAnswer, match="1 recruitment"):
        iv.parse(q, "9")
    yn = iv.yesno("x", "?")
    assert iv.parse(yn, "да") is True and iv.parse(yn, "N") is False
    age = iv.Question("victim.1.age", "age", "?")
    assert iv.parse(age, "15") == ("age", 15)
    assert iv.parse(age, "31.01.2008") == ("birth_date", dt.date(2008, 1, 31))


# ------------------------------------------------------------------ the catalogues
def _catalogue(lang: str) -> dict[str, str]:
    return yaml.safe_load((LOCALES / f"interview.{lang}.yaml").read_text(encoding="utf-8"))


def test_catalogues_have_the_same_keys_and_real_russian():
    en, ru = _catalogue("en"), _catalogue("ru")
    assert set(en) == set(ru), set(en) ^ set(ru)
    assert all(k.startswith("interview.") for k in en)
    same = [k for k in en if en[k] == ru[k]]
    assert same == [], same
    for k in en:
        assert set(re.findall(r"\{(\w+)\}", en[k])) == set(re.findall(r"\{(\w+)\}", ru[k])), k
        if re.search(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}|`[^`]*`|thb|Enter|Ctrl-C|FACTS\.md|[A-Z]{2}\b", "", en[k])):
            assert re.search(r"[А-Яа-яЁё]", ru[k]), k  # translated, not copied


def test_every_message_the_interview_uses_is_in_the_catalogue():
    en = _catalogue("en")
    src = "".join(p.read_text(encoding="utf-8") for p in sorted(Path(iv.__file__).parent.glob("*.py")))
    used = set(re.findall(r"\"(interview\.[a-z_.]+[a-z_])\"", src))
    from classifier.rulebase.files import vocabulary

    voc = vocabulary()
    used |= {f"interview.{k}.{v}" for k in ("acts", "means", "purposes") for v in voc[k]}
    used |= {f"interview.relation.{v}" for v in voc["relations"]} | {f"interview.instrument.{v}" for v in voc["instruments"]}
    missing = sorted(k for k in used if k not in en)
    assert missing == [], missing


def test_status_labels_are_the_reports_references_and_roles_in_words():
    """The status line names a qualification as every report does (legal order in Russian:
    «пп. 1, 5 ч. 2 ст. 166 УК», LAW.md section 11) and its role in words, never the role's code."""
    from classifier import i18n
    from classifier.interview.driver import qual_label, role_word
    from classifier.models import Qualification

    q = Qualification.model_construct(instrument="CC", article="166", part=2, items=[1, 5], role="concurrent")
    with i18n.use("en"):
        assert qual_label(q) == "art. 166(2) items 1, 5" and role_word("concurrent") == "concurrent"
    with i18n.use("ru"):
        assert qual_label(q) == "пп. 1, 5 ч. 2 ст. 166 УК"
        assert role_word("concurrent") == "совокупность" and role_word("competing") == "конкуренция"
