"""`thb cases`: training mode on the case library (see docs/training.md and training.py)."""

from __future__ import annotations

import difflib
import json
import sys
from enum import Enum

import typer
import yaml
from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .. import training as tr
from ..errors import InputError
from ..fileio import write_atomic
from ..i18n import tr as msg
from ..render.unbroken import wrap
from ..safetext import console

cases_app = typer.Typer(
    name="cases",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    help=(
        "Training mode: a library of real misclassifications, taught side by side with the engine.\n\n"
        "Each case is a story from the source reports, the charge as it was laid, the facts read from "
        "the story and a teaching note. [bold]demo[/bold] walks a class through the engine's reasoning, "
        "[bold]quiz[/bold] tests a trainee, [bold]handout[/bold] prints the cases for a course.\n\n"
        "The library is the one shipped with thb, or the folder given by --library or the THB_CASES "
        "environment variable, which replaces it (docs/training.md).\n\n"
        "Start with:  [bold]thb cases list[/bold]  then  [bold]thb cases demo c01[/bold]"
    ),
)


class Fmt(str, Enum):
    text = "text"
    json = "json"


LIBRARY_HELP = (
    "A folder of case files to use instead of the bundled library (not in addition to it). "
    "Default: the THB_CASES environment variable, else the bundled library."
)


def _library_opt():
    return typer.Option(None, "--library", "-L", metavar="DIR", envvar=tr.CASES_ENV, help=LIBRARY_HELP, show_envvar=True)


def _fmt_opt(what: str):
    return typer.Option(Fmt.text, "--format", "-f", help=f"text: {what}; json: one JSON object on standard output.")


def _out() -> Console:
    return console(soft_wrap=False, highlight=False)


def _err() -> Console:
    return console(stderr=True, highlight=False)


def _say(c: Console, text: str = "", style: str | None = None, indent: int = 0) -> None:
    """Print text as text: case files are not rich markup (a `[` in a narrative stays a `[`);
    wrapped to the terminal, never inside an article reference or an id."""
    t = Text("\n".join(wrap(text, max(20, c.width - indent))), style=style or "")
    c.print(Padding(t, (0, 0, 0, indent), expand=False) if indent else t)


def _bullet(c: Console, text: str, style: str | None = None, indent: int = 0, mark: str = "-") -> None:
    """A list item with a hanging indent."""
    g = Table.grid(padding=(0, 1))
    g.add_column(no_wrap=True)
    g.add_column(no_wrap=True)
    g.add_row(mark, Text("\n".join(wrap(text, max(20, c.width - indent - len(mark) - 1))), style=style or ""))
    c.print(Padding(g, (0, 0, 0, indent), expand=False) if indent else g)


def _stage(c: Console, title: str) -> None:
    """A stage's heading on a rule; a title too long for the rule is printed whole below it
    (a rule cuts its title with an ellipsis)."""
    c.print()
    if len(title) + 6 <= c.width:
        c.rule(Text(title, style="bold"), align="left")
        return
    c.rule()
    for line in wrap(title, c.width):
        c.print(Text(line, style="bold"))


def _json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _case(case_id: str, library: str | None) -> tuple[tr.Case, str]:
    """The case asked for, and the shortest name to suggest for it in the next command."""
    cases = tr.load_library(library)
    case = tr.find_case(cases, case_id)
    return case, tr.handle(case, cases)


# --------------------------------------------------------------------------- list
@cases_app.command("list")
def list_cases(
    tag: list[str] = typer.Option(
        None, "--tag", "-t", metavar="TAG", help="Only cases with this tag; repeat to require several."
    ),
    fmt: Fmt = _fmt_opt("a table"),
    library: str = _library_opt(),
) -> None:
    """List the cases: id, title, tags, the charge as laid against the correct article, and the source.

    The correct article is the library's expectation (what `thb cases demo` must confirm).

    Example:

        thb cases list
        thb cases list --tag child --tag misclassification
        thb cases list --format json | jq -r '.[].id'
    """
    cases = tr.load_library(library)
    known = tr.all_tags(cases)
    wanted = []
    for t in tag or []:
        key = tr.tag_key(t, known)
        if key is None:
            near = difflib.get_close_matches(t, known, n=3)
            hint = msg("training.err.tag_hint", near=", ".join(near)) if near else ""
            raise InputError(msg("training.err.unknown_tag", tag=repr(t), hint=hint, tags=", ".join(known)))
        wanted.append(key)
    chosen = [c for c in cases if all(t in c.tags for t in wanted)]
    if fmt is Fmt.json:
        _json([tr.summary(c) for c in chosen])
        return
    out = _out()
    title = Text(msg("training.list.title", n=len(chosen), total=len(cases)))
    table = _list_table(chosen, cases, out.width)
    if table is not None:
        table.title = title
        out.print(table)
    else:  # too narrow for a table that keeps every id on one line: a block a case
        out.print(title)
        _list_blocks(out, chosen, cases)
    _say(out, msg("training.list.next"), "dim")


TITLE_MIN = 30  # the list's table is used when its last column gets at least this, and every id


def _lines(text: str, width: int, style: str = "") -> Text:
    """`text` wrapped to `width` at blanks, never inside an article reference, an id or at a hyphen."""
    return Text("\n".join(wrap(text, width)), style=style)


def _list_table(chosen: list[tr.Case], cases: list[tr.Case], width: int) -> Table | None:
    """The list as a table: each charge on a line of its own; the title, the id on its own line,
    the tags and the source wrapped to the last column. None when the terminal is too narrow for
    the last column to hold the longest id whole."""
    handles = [tr.handle(c, cases) for c in chosen]
    charged = ["\n".join(tr.charged_labels(c)) or "—" for c in chosen]
    correct = [tr.shown_ref(tr.expected_primary(c)) for c in chosen]
    heads = [msg(f"training.list.col.{k}") for k in ("case", "charged", "correct", "title")]

    def w(col: list[str], head: str) -> int:
        return max([len(head), *(len(line) for x in col for line in x.split("\n"))])

    fixed = w(handles, heads[0]) + w(charged, heads[1]) + w(correct, heads[2])
    last = width - fixed - 13  # a four-column SIMPLE_HEAD table: 3 cells a column, and one edge
    if last < max([TITLE_MIN, *(len(c.id) for c in chosen)]):
        return None
    t = Table(title_justify="left", box=box.SIMPLE_HEAD, show_lines=True)
    t.add_column(heads[0], style="bold", no_wrap=True)
    t.add_column(heads[1], no_wrap=True)
    t.add_column(heads[2], style="green", no_wrap=True)
    t.add_column(Text("\n".join(wrap(heads[3], last))), width=last, no_wrap=True)
    for c, h, ch, co in zip(chosen, handles, charged, correct, strict=True):
        cell = _lines(c.shown_title, last)
        cell.append("\n")
        cell.append(c.id, style="cyan")
        cell.append("\n")
        cell.append(_lines(f"{_tags_text(c)} · {tr.citation(c)}", last, "dim"))
        t.add_row(Text(h), Text(ch), Text(co), cell)
    return t


def _tags_text(case: tr.Case) -> str:
    return ", ".join(tr.tag_labels(case.tags)) or msg("training.list.no_tags")


def _packed(items: list[str], width: int, sep: str = ", ") -> str:
    """`items` joined by `sep`, a line break between two items rather than inside one where an
    item fits the line (then the item is wrapped like any text)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(sep) + len(item) + len(sep.rstrip()) <= width:
            lines[-1] += sep + item
        else:
            if lines:
                lines[-1] += sep.rstrip()
            lines.extend(wrap(item, width))
    return "\n".join(lines)


def _list_blocks(out: Console, chosen: list[tr.Case], cases: list[tr.Case]) -> None:
    """The list for a narrow terminal: per case its handle, then beside it the title, the id on a
    line of its own, the charge against the correct article, the tags and the source."""
    handles = [tr.handle(c, cases) for c in chosen]
    hw = max(map(len, handles), default=3)
    inner = max(20, out.width - hw - 1)
    for c, h in zip(chosen, handles, strict=True):
        charged = tr.charged_labels(c) or ["—"]
        correct = f"{msg('training.list.col.correct')}: {tr.shown_ref(tr.expected_primary(c))}"
        body = _lines(c.shown_title, inner, "bold")
        body.append("\n")
        body.append(c.id, style="cyan")
        body.append("\n" + _packed([f"{msg('training.list.col.charged')}: {charged[0]}", *charged[1:]], inner, ", "))
        body.append(("\n" if len(body.plain.split("\n")[-1]) + 3 + len(correct) > inner else " ") + "→ " + correct)
        body.append("\n")
        body.append(_packed(tr.tag_labels(c.tags) or [msg("training.list.no_tags")], inner), style="dim")
        body.append("\n")
        body.append(_lines(tr.citation(c), inner, "dim"))
        g = Table.grid(padding=(0, 1))
        g.add_column(no_wrap=True, width=hw, style="bold")
        g.add_column(no_wrap=True, width=inner)
        g.add_row(Text(h), body)
        out.print()
        out.print(g)


# --------------------------------------------------------------------------- show
@cases_app.command()
def show(
    case_id: str = typer.Argument(..., metavar="ID", help="A case id, or its unambiguous start (c01)."),
    fmt: Fmt = _fmt_opt("the case, readable"),
    library: str = _library_opt(),
) -> None:
    """Show one case as written: the story, the assumptions, the facts and the expected findings.

    With --format json: an object with id, title, tags, source, narrative, charged_as, facts,
    expected (expected.primary written like "167(2)", or "none") and teaching.

    Example:

        thb cases show c01
        thb cases show c01-osh-15-year-old-charged-159 --format json |
            jq .expected.primary
        thb cases show c14 --format json | jq .facts > c14.json
        thb classify c14.json
    """
    case, name = _case(case_id, library)
    d = tr.detail(case)
    if fmt is Fmt.json:
        _json(d)
        return
    out = _out()
    _say(out, f"{case.id} — {case.shown_title}", "bold")
    _say(out, msg("training.show.tags", tags=", ".join(tr.tag_labels(case.tags)) or "—"), "dim")
    _say(out, msg("training.show.source", source=tr.citation(case)), "dim")
    _say(out, msg("training.show.file", path=case.path), "dim")
    _say(out, "\n" + msg("training.show.story"), "bold")
    _say(out, case.shown_narrative, indent=2)
    if case.assumptions:
        _say(out, "\n" + msg("training.show.assumed"), "bold")
        for a in case.shown_assumptions:
            _bullet(out, a, indent=2)
    _say(out, "\n" + msg("training.show.charged"), "bold")
    _say(out, ", ".join(tr.charged_labels(case)) or msg("training.show.not_reported"), indent=2)
    _say(out, "\n" + msg("training.show.facts"), "bold")
    _say(out, yaml.safe_dump(d["facts"], sort_keys=False, allow_unicode=True, width=100).rstrip(), indent=0)
    _say(out, "\n" + msg("training.show.expected"), "bold")
    e = case.expect
    _say(out, msg("training.show.primary", primary=tr.shown_ref(d["expected"]["primary"])), "green", indent=2)
    if e.includes:
        inc = "; ".join(
            tr.shown_ref(tr.ref(i.article, i.part)) + (f" {tr.word('role', i.role)}" if i.role else "") for i in e.includes
        )
        _say(out, msg("training.show.includes", items=inc), indent=2)
    if e.excludes_primary:
        _say(out, msg("training.show.excludes", items=", ".join(e.excludes_primary)), indent=2)
    if e.misclassification:
        kind = tr.shown_ref(e.misclassification) if e.misclassification == "none" else e.misclassification
        _say(out, msg("training.show.misclassification", kind=kind), indent=2)
    if e.prosecution:
        p = e.prosecution
        rec = {True: "permitted", False: "not_permitted", None: "none"}[p.reconciliation_permitted]
        mode = tr.word("mode", p.mode, "none")
        _say(
            out, msg("training.show.prosecution", mode=mode, reconciliation=msg(f"training.show.reconciliation.{rec}")), indent=2
        )
    for n in e.non_punishment:
        _say(out, msg("training.show.non_punishment", article=n.article, applies=tr.word("applies", n.applies)), indent=2)
    if e.missing_fact:
        _say(out, msg("training.show.missing_fact", fact=e.missing_fact), indent=2)
    if e.readings:
        _say(out, msg("training.show.readings", ids=", ".join(e.readings)), indent=2)
    t = case.shown_teaching
    if t.deciding_element or t.common_mistake or t.consequence_for_victim:
        _say(out, "\n" + msg("training.show.teaching"), "bold")
        for label, text in (
            ("deciding_element", t.deciding_element),
            ("common_mistake", t.common_mistake),
            ("consequence_for_victim", t.consequence_for_victim),
        ):
            if text:
                _say(out, msg(f"training.show.{label}", text=text), indent=2)
    _say(out, "\n" + msg("training.show.next", name=name), "dim")


# --------------------------------------------------------------------------- demo
STATUS = {"met": ("✓", "green"), "not_met": ("✗", "red"), "not_required": ("–", "cyan"), "unknown": ("?", "yellow")}


QUIT_WORDS = ("q", "quit", "exit", "й", "в", "выход", "выйти")  # `й` is `q` on a Russian keyboard


class _Pacer:
    """--step: wait for Enter between stages, only when a person is at the keyboard; `q` (and
    Enter) ends the lesson there, with exit code 0."""

    def __init__(self, step: bool, out: Console, name: str):
        self.out = out
        self.name = name
        self.on = step and sys.stdin.isatty()
        if step and not self.on:
            _err().print(msg("training.demo.no_tty"), highlight=False)

    def __call__(self, what: str) -> None:
        if not self.on:
            return
        try:
            answer = self.out.input(Text(msg("training.demo.pause", what=what), style="dim"))
        except EOFError:
            self.on = False
            return
        if answer.strip().casefold() in QUIT_WORDS:
            _say(self.out, msg("training.demo.quit", name=self.name), "dim")
            raise typer.Exit(0)


@cases_app.command()
def demo(
    case_id: str = typer.Argument(..., metavar="ID", help="A case id, or its unambiguous start (c01)."),
    step: bool = typer.Option(False, "--step", help="Pause for Enter between stages and elements (for a live class)."),
    library: str = _library_opt(),
) -> None:
    """Teach one case: the story, the charge as laid, the engine's reasoning element by element,
    then "charged as X → should be Y", the consequences for the victim and the teaching note.

    The reasoning is the classifier's own, run on the case's facts now; if it no longer gives
    the library's expected answer, the lesson says so.

    Example:

        thb cases demo c01
        # a live class: Enter moves on
        thb cases demo c05 --step
    """
    from ..render.facts import facts_words, prose_words  # the facts in words, never an input path

    case, name = _case(case_id, library)
    ls = tr.lesson(case)
    f, q = ls.findings, ls.focus
    out = _out()
    pause = _Pacer(step, out, name)
    teaching = case.shown_teaching

    _stage(out, msg("training.demo.stage1", title=case.shown_title))
    _say(out, case.shown_narrative)
    _say(out, msg("training.demo.source", source=tr.citation(case)), "dim")
    if case.assumptions:
        _say(out, msg("training.demo.assumed"), "dim")
        for a in case.shown_assumptions:
            _bullet(out, prose_words(a, case.facts), "dim", indent=2)
    pause(msg("training.demo.next.charge"))

    _stage(out, msg("training.demo.stage2"))
    _say(out, msg("training.demo.charged", charged=ls.charged))
    rec = case.facts.record
    if rec and rec.terminated_by_reconciliation:
        _say(out, msg("training.demo.reconciled"), indent=2)
    if rec and rec.prosecution:
        _say(out, msg("training.demo.recorded", mode=tr.word("mode", rec.prosecution)), indent=2)
    pause(msg("training.demo.next.reasoning"))

    _stage(out, msg("training.demo.stage3"))
    if q is None:
        _say(out, msg("training.demo.no_article"), "bold yellow")
    else:
        label = f"{tr.art(q.instrument, q.article, q.part)} — {q.title}"
        if q.role == "primary":
            head = msg("training.demo.primary", label=label)
        else:
            head = msg("training.demo.candidate", role=tr.word("role", q.role), label=label)
        _say(out, head, "bold")
        _say(out, f"{q.penalty}; {tr.word('gravity', q.gravity)}", "dim", indent=2)
        if ls.then_in_force:
            _say(out, ls.then_in_force, "dim", indent=2)
        names = [tr.element_label(q, el.element) for el in q.elements]
        name_w = min(26, max([18, *(len(n) + 2 for n in names)]))
        status_w = max([12, *(len(tr.word("status", el.status)) for el in q.elements)])
        for el, el_name in zip(q.elements, names, strict=True):
            pause(msg("training.demo.next.element", element=el_name))
            sym, style = STATUS[el.status]
            g = Table.grid(padding=(0, 1))
            g.add_column(width=name_w, overflow="fold")
            g.add_column(width=status_w, no_wrap=True)
            why_w = max(20, out.width - 2 - name_w - status_w - 2)
            g.add_column(width=why_w, no_wrap=True)
            why = Text("\n".join(wrap(el.reason, why_w)))
            extra = msg("training.demo.element_extra", source=el.source, facts=facts_words(el.facts, case.facts))
            if el.readings:
                extra += " · " + msg("training.demo.element_reading", ids=", ".join(el.readings))
            why.append("\n" + "\n".join(wrap(extra, why_w)), style="dim")
            g.add_row(Text(f"{sym} {el_name}", style=f"bold {style}"), Text(tr.word("status", el.status), style=style), why)
            out.print(Padding(g, (0, 0, 0, 2), expand=False))
        _say(out, msg("training.demo.why", role=tr.word("role", q.role), reason=q.reason), indent=2)
        if q.readings:
            _say(out, msg("training.demo.rests", ids=", ".join(q.readings)), "yellow", indent=2)
    others = [x for x in f.qualifications if x is not q]
    if others:
        _say(out, msg("training.demo.others"))
        width = max(len(tr.word("role", x.role)) for x in others)
        for x in others:
            _bullet(
                out,
                f"{tr.art(x.instrument, x.article, x.part)} — {x.title}: {x.reason}",
                indent=2,
                mark=f"{tr.word('role', x.role):<{width}}",
            )
    if f.missing_facts:
        _say(out, msg("training.demo.would_change"))
        for m in f.missing_facts:
            _bullet(out, m.question, indent=2)
    pause(msg("training.demo.next.verdict"))

    _stage(out, msg("training.demo.stage4"))
    _say(out, ls.verdict, "bold green" if ls.charge_right else "bold red")
    if not ls.agrees:
        _say(out, msg("training.demo.disagrees", note=ls.disagreement), "yellow")
    _law_applied(out, ls.law_notes)
    pause(msg("training.demo.next.consequences"))

    _stage(out, msg("training.demo.stage5"))
    lines = ls.consequences + ls.non_punishment + ls.prosecution
    for c in lines:
        _bullet(out, c)
    if not lines:
        _say(out, msg("training.h.no_flags"))
    if teaching.consequence_for_victim:
        _say(out, teaching.consequence_for_victim, "italic")
    pause(msg("training.demo.next.teaching"))

    _stage(out, msg("training.demo.stage6"))
    if teaching.deciding_element:
        _say(out, msg("training.demo.deciding", text=teaching.deciding_element))
    if teaching.common_mistake:
        _say(out, msg("training.demo.mistake", text=teaching.common_mistake))
    if not (teaching.deciding_element or teaching.common_mistake):
        _say(out, msg("training.demo.no_note"), "dim")
    _say(out, "\n" + msg("training.demo.next_cmd", name=name), "dim")


def _law_applied(out: Console, notes: list[str]) -> None:
    """The caveat `thb classify` prints under "Law applied", for a case the 2021 code did not govern."""
    if notes:
        _say(out, msg("report.law"), "bold yellow")
        for n in notes:
            _bullet(out, n, "yellow", indent=2)


# --------------------------------------------------------------------------- quiz
BACK_WORDS = ("back", "b", "назад", "н")
BACK = "\0back"  # what _ask returns for `back`: never an answer


def _ask(key: str, err: bool, default: str | None = None) -> str:
    """One question; `back` returns BACK. The earlier answer, if any, is offered as the default."""
    q = tr.QUESTIONS[key]

    def check(value: str) -> str:
        if value.strip().casefold() in BACK_WORDS:
            return BACK
        try:
            return tr.normalise(key, value)
        except ValueError as e:
            raise typer.BadParameter(str(e)) from None

    shown = _answer_text(default) if default is not None else None
    width = (_err() if err else _out()).width
    text = "\n".join([*wrap(q.text, width), *wrap(f"({q.help})", width, indent="  ", first="  ")])
    return typer.prompt(text, default=shown, value_proc=check, err=err)


def _ask_all(talk: Console, err: bool) -> dict[str, str]:
    """The questions in order; `back` goes to the previous one, its answer offered again."""
    keys = list(tr.QUESTIONS)
    given: dict[str, str] = {}
    i = 0
    while i < len(keys):
        value = _ask(keys[i], err, given.get(keys[i]))
        if value != BACK:
            given[keys[i]] = value
            i += 1
        elif i == 0:
            _say(talk, msg("training.quiz.first"), "yellow")
        else:
            i -= 1
    return given


@cases_app.command()
def quiz(
    case_id: str = typer.Argument(..., metavar="ID", help="A case id, or its unambiguous start (c01)."),
    answers: str = typer.Option(
        None,
        "--answers",
        "-a",
        metavar="FILE",
        help="Answers as a YAML mapping (act, means, purpose, child, article) instead of asking; a question left out scores 0.",
    ),
    fmt: Fmt = _fmt_opt("the marks and explanations"),
    library: str = _library_opt(),
) -> None:
    """Quiz a trainee on one case: which elements are present and which article applies,
    scored against the engine with an explanation of every difference.

    The questions (keys for --answers): act (met | not_met), means and purpose (met | not_met |
    not_required), child (yes | no | unknown), article (e.g. 167, 167(2) or none). An answer
    outside these is refused with the allowed answers. A right article with a wrong part scores
    half; a right article without a part scores full, and the part is given.

    Example:

        thb cases quiz c01
        printf 'act: met\\nmeans: met\\npurpose: met\\n' > a.yaml
        printf 'child: yes\\narticle: 159(3)\\n' >> a.yaml
        thb cases quiz c01 --answers a.yaml
    """
    case, name = _case(case_id, library)
    given = tr.read_answers(answers) if answers else None
    json_out = fmt is Fmt.json
    talk = _err() if json_out else _out()
    from ..analysis.pipeline import classify

    findings = classify(case.facts)
    if given is None:
        _say(talk, f"{case.id} — {case.shown_title}", "bold")
        _say(talk, case.shown_narrative)
        _say(talk, "")
        _law_applied(talk, tr.law_caveat(case, findings))
        _say(talk, tr.answer_guide(), "dim")
        _say(talk, msg("training.quiz.back"), "dim")
        given = _ask_all(talk, json_out)
    result = tr.score(case, given, findings)
    if json_out:
        _json(result.as_json())
        return
    out = _out()
    _stage(out, msg("training.quiz.title", id=case.id))
    for m in result.items:
        style = {"right": "green", "partly right": "yellow", "wrong": "red"}[m.verdict]
        head = Text()
        head.append(f"{m.key:<8}", style="bold")
        you = _answer_text(m.answer) if m.answer else msg("training.quiz.no_answer")
        head.append(msg("training.quiz.line", answer=you, expected=_answer_text(m.expected)) + "  ·  ")
        head.append(m.verdict_text, style=f"bold {style}")
        out.print(head)
        _say(out, m.explanation, indent=8)
    pts = f"{result.score:g}"
    _law_applied(out, tr.law_caveat(case, findings))
    _say(out, "\n" + msg("training.quiz.score", points=pts, total=result.total), "bold")
    _say(out, msg("training.quiz.next", name=name), "dim")


def _answer_text(value: str) -> str:
    """An answer as shown: `not_required` in English, `не требуется` in Russian; articles as written."""
    return tr.word("answer", value) if value in tr.ANSWER_WORDS else tr.shown_ref(value)


# --------------------------------------------------------------------------- handout
@cases_app.command()
def handout(
    case_ids: list[str] = typer.Argument(..., metavar="ID...", help="One or more case ids (or their unambiguous starts)."),
    out_file: str = typer.Option(..., "--out", "-o", metavar="FILE.html", help="The HTML file to write (replaced atomically)."),
    library: str = _library_opt(),
) -> None:
    """Write a printable, self-contained HTML handout: one section per case with the story, the
    charge, the correct qualification and its element table, the consequences for the victim,
    the teaching note and the source.

    The file has no external resources (print it, mail it, open it offline). It is written
    through a temporary file and a rename, so a failure never leaves half a handout.

    Example:

        thb cases handout c01 c05 c14 --out week1.html
        # every case tagged child
        ids=$(thb cases list --tag child --format json | jq -r '.[].id')
        thb cases handout $ids -o children.html
    """
    cases = tr.load_library(library)
    chosen = list(dict.fromkeys(tr.find_case(cases, k).id for k in case_ids))
    by_id = {c.id: c for c in cases}
    lessons = [tr.lesson(by_id[i]) for i in chosen]
    root = tr.library_dir(library)
    sources = sorted({*root.glob("*.yaml"), *root.glob("*.yml")})  # the handout never replaces a case file
    path = write_atomic(out_file, tr.handout_html(lessons), "--out", sources)
    n = len(lessons)
    _say(_err(), msg("training.handout.wrote_one" if n == 1 else "training.handout.wrote", path=path, n=n))


def register(app: typer.Typer) -> None:
    """Add `thb cases` to the main command."""
    app.add_typer(cases_app, name="cases")
