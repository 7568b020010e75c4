"""The interview's screen: the real command in a pseudo-terminal at 80 and 100 columns, English and
Russian, with every line within the terminal's width and every question on the same screen as its
prompt; the wrapping itself (references never split, hanging indent kept); a short terminal.

The scenario is the one a new investigator tried: an age with its unit ("16 years", «16 лет»), the
citizenship as a country's name, `back` and Enter for the earlier answer, `=` for the exploitation,
`status` and `help` (the question is asked again), an answer that does not fit, a forced-labour case
without abduction (the bride-kidnapping question is not asked).
"""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from classifier import interview as iv
from classifier.i18n import use
from classifier.interview.screen import wrap
from classifier.render import unbroken

pexpect = pytest.importorskip("pexpect")

THB = str(Path(sys.executable).parent / "thb")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")

# (question key, answer); the key None answers the same question again.
SESSION = {
    "en": [
        ("case.id", "OSH-7"),
        ("case.date", "2024-03-01"),
        ("case.summary", ""),
        ("victims.count", "1"),
        ("victim.1.age", "16 years"),
        ("victim.1.sex", "female"),
        ("victim.1.citizenship", "Kirgistan"),  # misspelt: re-asked with a suggestion
        (None, "Kyrgyzstan"),
        ("victim.1.pregnant", "no"),
        ("victim.1.dependent", "?"),
        ("victim.1.consented", "no"),
        ("offenders.count", "1"),
        ("offender.1.kind", ""),
        ("offender.1.age", "30 years"),
        ("offender.1.official", "no"),
        ("offender.1.relation", "1"),
        ("acts", "recruitment, transportation"),
        ("purposes", "forced labour"),
        ("exploitation", "back"),
        ("purposes", ""),  # Enter: the earlier answer
        ("exploitation", "="),  # the same as the purposes
        ("means", "status"),
        (None, "help"),
        (None, "deception"),
        ("circ.group", "1"),
        ("circ.movement", "crossed_state_border"),
        ("circ.control", "victim_could_not_refuse"),
        ("circ.sexual", "none"),
        ("circ.harm", "1"),
        ("circ.property", "no"),
        ("record.charged", "no"),
        ("record.victim_charged", "no"),
    ],
    "ru": [
        ("case.id", "OSH-7"),
        ("case.date", "01.03.2024"),
        ("case.summary", ""),
        ("victims.count", "1"),
        ("victim.1.age", "16 лет"),
        ("victim.1.sex", "женский"),
        ("victim.1.citizenship", "Киргизия"),
        ("victim.1.pregnant", "нет"),
        ("victim.1.dependent", "не знаю"),
        ("victim.1.consented", "нет"),
        ("offenders.count", "1"),
        ("offender.1.kind", ""),
        ("offender.1.age", "тридцать"),  # not an age: re-asked
        (None, "30 лет"),
        ("offender.1.official", "нет"),
        ("offender.1.relation", "1"),
        ("acts", "вербовка, перевозка"),
        ("purposes", "принудительный труд"),
        ("exploitation", "назад"),
        ("purposes", ""),
        ("exploitation", "="),
        ("means", "статус"),
        (None, "помощь"),
        (None, "обман"),
        ("circ.group", "1"),
        ("circ.movement", "1"),
        ("circ.control", "victim_could_not_refuse"),
        ("circ.sexual", "нет"),
        ("circ.harm", "1"),
        ("circ.property", "нет"),
        ("record.charged", "нет"),
        ("record.victim_charged", "нет"),
    ],
}


def _env() -> dict[str, str]:
    env = dict(os.environ, TERM="xterm", NO_COLOR="1", LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    for k in ("THB_LANG", "COLUMNS", "LINES"):
        env.pop(k, None)
    return env


def screen_lines(raw: str) -> list[str]:
    return ANSI.sub("", raw).split("\n")


def run_session(tmp: Path, lang: str, cols: int, rows: int = 40) -> tuple[str, list[tuple[str | None, list[str]]]]:
    """The session in a terminal of `cols` × `rows`: the whole transcript, and for each prompt the
    screen the user saw then (its last `rows` lines)."""
    child = pexpect.spawn(
        THB,
        ["interview", "--lang", lang, "--out", "case.yaml"],
        cwd=str(tmp),
        encoding="utf-8",
        timeout=60,
        env=_env(),
        dimensions=(rows, cols),
    )
    buf: list[str] = []
    screens = []
    for key, text in SESSION[lang]:
        child.expect(r"\n> ")
        buf.append(child.before + child.after)
        screens.append((key, screen_lines("".join(buf))[-rows:]))
        child.sendline(text)
    child.expect(pexpect.EOF)
    buf.append(child.before)
    child.close()
    out = "".join(buf)
    assert child.exitstatus == 0, ANSI.sub("", out)[-3000:]
    return out, screens


@pytest.fixture(scope="module", params=[("en", 80), ("en", 100), ("ru", 80), ("ru", 100)], ids=lambda p: f"{p[0]}-{p[1]}")
def session(request, tmp_path_factory):
    lang, cols = request.param
    tmp = tmp_path_factory.mktemp(f"{lang}{cols}")
    out, screens = run_session(tmp, lang, cols)
    return lang, cols, tmp, out, screens


def test_every_line_is_within_the_terminal_width(session):
    lang, cols, _, out, _ = session
    lines = screen_lines(out)
    assert len(lines) > 200
    wide = [(cell_len(ln), ln) for ln in lines if cell_len(ln) > cols]
    assert wide == [], wide[:3]
    # the words the terminal used to break are whole (wrapped at a space, not cut)
    text = " ".join(ln.strip() for ln in lines)
    for word in ({"en": ["status", "provisional", "art. 167"], "ru": ["окончания", "ст. 166", "предварительная"]})[lang]:
        assert word in text, word


def test_no_line_ends_inside_an_article_reference(session):
    _, _, _, out, _ = session
    lines = [ln.rstrip() for ln in screen_lines(out)]
    for a, b in zip(lines, lines[1:], strict=False):
        last, first = (a.split() or [""])[-1], (b.split() or [""])[0]
        assert not (last.lower() in ("art.", "ст.", "ч.", "п.", "part", "item") and first[:1].isdigit()), (a, b)
        assert not (last[:1].isdigit() and not last.endswith(",") and first in ("УК", "part", "item", "ч.", "ст.")), (a, b)


def test_every_question_shares_the_screen_with_its_prompt(session):
    _, _, _, _, screens = session
    current = None
    for key, screen in screens:
        current = key or current
        assert screen[-1].startswith(">"), screen[-3:]
        assert any(f"[{current}]" in ln for ln in screen), (current, screen)


def test_the_session_wrote_what_was_answered(session):
    lang, _, tmp, out, _ = session
    facts = yaml.safe_load((tmp / "case.yaml").read_text(encoding="utf-8"))
    v = facts["victims"][0]
    assert (v["age"], v["citizenship"]) == (16, "KG")
    assert facts["offenders"][0]["age"] == 30
    assert facts["purposes"] == ["forced_labour"] and facts["exploitation"] == ["forced_labour"]  # back, Enter, =
    assert facts["means"] == ["deception"]
    assert "[circ.marriage]" not in out  # no abduction among the means: art. 172 cannot be made out
    flat = " ".join(ANSI.sub("", out).split())
    if lang == "en":
        assert "Enter = your earlier answer: forced labour" in flat
        assert "did you mean Kyrgyzstan (KG)?" in flat and "V1's citizenship: KG (Kyrgyzstan)." in flat
        assert "Not asked, as the answer cannot change the findings" in flat and "for the purpose of marriage" in flat
    else:
        assert "Enter — прежний ответ: принудительный труд" in flat
        assert "Гражданство V1: KG (Кыргызстан)." in flat and "«тридцать» — не возраст" in flat
        assert "Не спрашивается" in flat and "с целью вступления в брак" in flat
        assert "What was done" not in flat and "Not asked" not in flat


def test_status_and_help_ask_the_question_again(session):
    _, _, _, _, screens = session
    keys = [k for k, _ in screens]
    i = keys.index("means")
    after_status, after_help = screens[i + 1][1], screens[i + 2][1]
    assert any("[means]" in ln for ln in after_status[-20:])  # asked again, just below the status
    assert any("[means]" in ln for ln in after_help[-30:])


# ------------------------------------------------------------------ in process: a short terminal
def _interview(answers: list[str], width: int, height: int, lang: str = "en") -> tuple[str, iv.State]:
    feed = iter(answers)

    def reader(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    buf = io.StringIO()
    console = Console(file=buf, width=width, height=height, force_terminal=True, color_system=None, emoji=False)
    with use(lang):
        session = iv.Interview(iv.TerminalSource(reader=reader, bounded=False), console, out=os.devnull, force=True)
        st = session.run()
    return buf.getvalue(), st


BEFORE_ACTS = ["X", "2024-03-01", "", "1", "25", "1", "KG", "no", "no", "no", "1", "", "30", "no", "1"]


def test_a_short_terminal_gets_the_options_short_and_the_question_above_the_prompt():
    answers = BEFORE_ACTS + ["1", "4", "none", "deception", "1"] + ["none"] * 3 + ["1", "no", "no", "no"]
    for height in (24, 40):
        out, st = _interview(answers, 80, height)
        assert st.means == ["deception"] and st.purposes == ["forced_labour"]
        lines = out.split("\n")
        start = next(i for i, ln in enumerate(lines) if "[purposes]" in ln)
        end = next(i for i, ln in enumerate(lines) if "[exploitation]" in ln)
        block = lines[start:end]  # all that is shown from the question to its prompt
        assert len(block) + 1 <= height, (height, block)
        assert any(ln.startswith("For what purpose?") for ln in block[-3:])  # the question just above the prompt
        explained = any(" — selling the victim's sexual services" in ln for ln in block)
        assert explained == (height == 40)  # 24 rows: the labels only


# ------------------------------------------------------------------ the wrapping
REFS = [
    "art. 167",
    "art. 166 part 2 item 1",
    "CC art. 28",
    "ст. 167 УК",
    "п. 1 ч. 2 ст. 166 УК",
    "part 3 item 1",
    "Law 55 art. 14",
    "ч. 3 ст. 24 УК",
    "art. 166(2) items 1, 5",
    "`thb classify case.yaml`",
    "ст. 166 ч. 2 п. 1, 5",
    "(ч. 2 ст. 167 УК).",
    "Law No. 55",
    "part 1",
]
WORDS = ["the", "victim", "status", "was", "окончания", "потерпевший", "provisional", "qualification", "—", "e.g.", "(", "x"]


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(REFS)), min_size=1, max_size=20),
    width=st.integers(30, 120),
    indent=st.integers(0, 6),
)
def test_wrap_keeps_every_line_within_the_width_and_every_reference_whole(tokens, width, indent):
    text = " ".join(f"{w} {r}" for w, r in tokens)
    lines = wrap(Text(text), width, indent, indent + 2)
    assert all(cell_len(ln.plain) <= width for ln in lines)
    assert " ".join(" ".join(ln.plain.split()) for ln in lines) == " ".join(text.split())  # nothing lost or added
    assert all(ln.plain.startswith(" " * (indent + 2)) for ln in lines[1:])  # the hanging indent
    joined = "\n".join(ln.plain.strip() for ln in lines)
    for ref in {r for _, r in tokens if cell_len(r) + 2 <= width - indent - 2}:
        for k, ch in enumerate(ref):
            if ch == " ":
                assert ref[:k] + "\n" + ref[k + 1 :] not in joined, (ref, lines)


def test_wrap_keeps_styles_and_breaks_only_at_spaces():
    t = Text()
    t.append("Question about art. 167 and the victim's status?", style="bold")
    t.append("  [victim.1.age]", style="dim")
    lines = wrap(t, 30, 0, 2)
    assert [ln.plain for ln in lines] == ["Question about art. 167 and", "  the victim's status?", "  [victim.1.age]"]
    assert lines[0].spans and lines[0].spans[0].style == "bold"
    assert any(s.style == "dim" for s in lines[2].spans)
    assert [ln.plain for ln in wrap("x" * 25, 20)] == ["x" * 20, "x" * 5]  # only a word wider than the line is cut


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(WORDS + REFS), min_size=1, max_size=30),
    width=st.integers(30, 100),
    indent=st.integers(0, 4),
)
def test_wrap_breaks_where_every_other_output_does(tokens, width, indent):
    """One definition of what stays whole (render.unbroken): where every unit fits a line, the
    interview breaks a text exactly where `thb cases` and `thb report` would."""
    text = " ".join(tokens)
    kept = "".join(p.replace(" ", "_") if locked else p for p, locked in unbroken.pieces(text))
    # a unit wider than the line: the interview breaks it at its own spaces, the reports cut it
    assume(max(len(u) for u in kept.split(" ")) <= width - indent - 2)
    ours = [ln.plain for ln in wrap(Text(text), width, indent, indent + 2)]
    assert ours == unbroken.wrap(text, width, indent=" " * (indent + 2), first=" " * indent)
