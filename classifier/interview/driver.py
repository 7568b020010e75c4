"""The driver: runs the flow on a source, goes back, shows the classification at the end, writes the file."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

from ..citations import ref
from ..fileio import write_atomic
from ..i18n import tr
from .answers import MAX_RETRIES, to_yaml
from .base import UNKNOWN, Abandoned, BadAnswer, InterviewError, command
from .flow import interview_flow
from .questions import KEYS, Notice, Question, key_template, parse
from .screen import grid, wrap
from .state import State

LONG = 12  # a question's block longer than this repeats the question just above the prompt


# ------------------------------------------------------------------------------ the driver
class Interview:
    """Runs the flow against an answer source, printing to a rich console."""

    def __init__(
        self,
        source: Any,
        console: Any,
        out: str | None = None,
        force: bool = False,
        report_console: Any = None,
        prefill: Any = None,
    ):
        self.prefill = prefill  # a prefill.Draft (--prefill), or None
        self.source = source
        self.console = console
        self.report_console = report_console or console
        self.out = out
        self.force = force
        self.answers: list[Any] = []
        self.given: list[tuple[str, str]] = []  # (question key, the answer as typed) of each answer
        self.earlier: dict[str, str] = {}  # what was answered before `back`: the default when asked again
        self._reported: str | None = None

    # -- replay: the flow is a function of the answers so far
    def _replay(self) -> tuple[State, Question | None, list[Notice]]:
        st = State(draft=self.prefill)
        gen = interview_flow(st, self.out, self.force)
        notices: list[Notice] = []
        i = 0
        try:
            item = next(gen)
            while True:
                if isinstance(item, Notice):
                    notices.append(item)
                    item = next(gen)
                    continue
                if key_template(item.key) not in KEYS:  # a defect: every key must be documented
                    raise AssertionError(f"undocumented question key {item.key}")
                st.asked.add(item.key)
                pre = st.prefilled.get(item.key)
                if pre is not None:  # --prefill: a confirmed fact of the draft answers it, or is its default
                    mode, raw = pre
                    if mode == "auto":
                        try:
                            value = parse(item, raw)
                        except BadAnswer:
                            value = None
                        if value is not None:
                            notices.append(Notice(tr("prefill.taken", question=item.text, key=item.key, value=raw)))
                            item = gen.send(value)
                            continue
                    item.default = raw
                if i < len(self.answers):
                    notices = []
                    item = gen.send(self.answers[i])
                    i += 1
                    continue
                if item.key in self.earlier:  # asked again after `back`: Enter keeps the earlier answer
                    item.default = self.earlier[item.key]
                    item.earlier = True
                return st, item, notices
        except StopIteration:
            return st, None, notices

    def run(self) -> State:
        self.say(tr("interview.intro"), style="bold")
        self.say(tr("interview.commands"), style="dim")
        while True:
            st, q, notices = self._replay()
            for n in notices:
                self._notice(n, st)
            if q is None:
                return st
            self._show(q)
            misfits = 0
            while True:
                try:
                    raw = self.source.next(q)
                except Abandoned as e:  # a list of answers that ends at the overwrite question: say how
                    if self._replaces_out(q):
                        raise Abandoned(f"{e} {tr('interview.error.force_hint', path=self.out)}") from None
                    raise
                if not self.source.interactive:
                    self.console.print(f"> {raw if raw is not None else ''}", highlight=False, markup=False, soft_wrap=True)
                if raw is None:  # a mapping without this key
                    if q.default is not None:
                        raw = q.default
                    elif q.required:
                        raise InterviewError(self._missing(q))
                    else:
                        raw = "unknown"
                cmd = command(raw)
                if cmd == "back":
                    if not self.answers:
                        self.say(tr("interview.back.none"), style="yellow")
                        continue
                    self.answers.pop()
                    key, typed = self.given.pop()
                    if typed.strip():
                        self.earlier[key] = typed
                    break
                if cmd == "status":  # then the question again, its options short (they were shown)
                    self.status(st)
                    self._show(q, short=True)
                    continue
                if cmd == "help":  # then the question again, every option explained
                    self.say(tr("interview.commands"))
                    self._show(q, full=True)
                    continue
                try:
                    value = parse(q, raw)
                except BadAnswer as e:
                    if not self.source.interactive:
                        raise InterviewError(
                            tr("interview.error.bad_answer", file=self.source.name, key=q.key, problem=str(e))
                        ) from None
                    self.say(str(e), style="red", hanging=2)
                    misfits += 1
                    if getattr(self.source, "bounded", False) and misfits >= MAX_RETRIES:
                        raise InterviewError(tr("interview.error.no_progress", n=misfits, key=q.key)) from None
                    continue
                self.answers.append(value)
                self.given.append((q.key, raw if raw.strip() else (q.default or "")))
                self.earlier.pop(q.key, None)
                break

    def _missing(self, q: Question) -> str:
        """No answer in the mapping for a question that needs one: for the output file that
        exists, say how to replace it (`--force`)."""
        message = tr("interview.error.missing", file=self.source.name, key=q.key, question=q.text)
        return f"{message} {tr('interview.error.force_hint', path=self.out)}" if self._replaces_out(q) else message

    def _replaces_out(self, q: Question) -> bool:
        """Whether the question is about replacing the existing `--out` (which `--force` does)."""
        from pathlib import Path

        return (
            q.key in ("output.file", "output.overwrite")
            and bool(self.out)
            and not self.force
            and Path(self.out or "").expanduser().exists()
        )

    # -- the screen: every line wrapped to the terminal's width
    def width(self) -> int:
        return max(40, int(self.console.width))

    def say(self, text: str | Text, style: str = "", indent: int = 0, hanging: int | None = None) -> None:
        t = text if isinstance(text, Text) else Text(text, style=style)
        for line in wrap(t, self.width(), indent, 2 if hanging is None else hanging):
            self.console.print(line, soft_wrap=True, highlight=False)

    def block(self, q: Question, full: bool = False, short: bool = False) -> list[Text]:
        """The question as shown: the question and its key, the help, the options.
        `full`: every option with its explanation, even for a question shown short (`compact`);
        `short`: the options without explanations."""
        w = self.width()
        head = Text()
        head.append(q.text, style="bold")
        head.append(f"  [{q.key}]", style="dim")
        lines = wrap(head, w, 0, 2)
        if q.help:
            lines += wrap(Text(q.help, style="dim"), w, 2)
        lines += self._options(q, w, short=short or (q.compact and not full))
        return lines

    def _options(self, q: Question, w: int, short: bool) -> list[Text]:
        if short:
            cells = []
            for i, o in enumerate(q.options, 1):
                t = Text(f"{i:>2} ")
                t.append(o.label, style="bold")
                cells.append(t)
            laid = grid(cells, w, 2)
            if laid is not None:
                return laid
        lines: list[Text] = []
        for i, o in enumerate(q.options, 1):
            t = Text(f"  {i:>2}  ")
            t.append(o.label, style="bold")
            if o.value != o.label and q.kind != "yesno" and not short:
                t.append(f" ({o.value})", style="dim")
            if o.explain and not short:
                t.append(f" — {o.explain}")
            lines += wrap(t, w, 0, 6)
        return lines

    def hints(self, q: Question) -> list[str]:
        hints = []
        if q.kind == "multi":
            hints.append(tr("interview.hint.multi"))
            if q.same is not None:
                hints.append(tr("interview.hint.same", same=q.same_label))
        elif q.kind == "choice":
            hints.append(tr("interview.hint.choice"))
        elif q.kind == "yesno":
            hints.append(tr("interview.hint.yesno"))
        if q.compact and q.options:
            hints.append(tr("interview.hint.compact"))
        if q.default is not None:
            shown = self._shown_default(q)
            hints.append(tr("interview.hint.earlier" if q.earlier else "interview.hint.default", default=shown))
        return hints

    def _shown_default(self, q: Question) -> str:
        """The default as the user reads it: option labels rather than numbers."""
        try:
            value = parse(q, q.default or "")
        except BadAnswer:
            return q.default or ""
        labels = {o.value: o.label for o in q.options + q.hidden}
        if value is UNKNOWN:
            return "?"
        if isinstance(value, list):
            return ", ".join(labels.get(v, v) for v in value) or tr("interview.hint.none")
        if isinstance(value, bool):
            return tr("interview.yes" if value else "interview.no")
        if isinstance(value, str) and value in labels:
            return labels[value]
        return q.default or ""

    def _show(self, q: Question, full: bool = False, short: bool = False) -> None:
        """The question, its options and hints, so that the question and the prompt share one
        screen: a long block ends with the question again, just above the prompt, and on a
        terminal too short for the options with their explanations they are shown short."""
        lines, tail = self._laid(q, full, short)
        height = self.console.size.height if self.console.is_terminal and self.source.interactive else None
        if height and len(lines) + len(tail) + 1 > height and not short:
            lines, tail = self._laid(q, False, True)
        for line in lines + tail:
            self.console.print(line, soft_wrap=True, highlight=False)

    def _laid(self, q: Question, full: bool, short: bool) -> tuple[list[Text], list[Text]]:
        """The block and the lines just above the prompt: the hints, and for a long block the
        question again before them."""
        lines = self.block(q, full=full, short=short)
        hints = "; ".join(self.hints(q))
        w = self.width()
        tail = wrap(Text(hints, style="dim"), w, 2) if hints else []
        if len(lines) + len(tail) > LONG:
            tail = wrap(Text.assemble((q.text, "bold"), "  ", (hints, "dim")), w, 0, 2)
        return lines, tail

    def _notice(self, n: Notice, st: State) -> None:

        if n.style == "section":
            self.console.print()
            self.say(n.text, style="bold cyan")
        elif n.style == "report":
            self.report(st)
        else:
            self.say("» " + n.text, style="italic", hanging=2)

    def findings(self, st: State):
        from ..analysis.pipeline import classify

        return classify(st.facts())

    def status(self, st: State) -> None:
        """The provisional qualification on the answers so far: the primary and what is missing."""

        try:
            f = self.findings(st)
        except Exception as e:  # noqa: BLE001 - a status line must never end the interview
            self.say(tr("interview.status.failed", error=f"{type(e).__name__}: {e}"), style="red")
            return
        self.say(tr("interview.status.head"), style="bold")
        p = f.primary
        if p is not None:
            self.say(tr("interview.status.primary", label=qual_label(p), title=p.title), style="green", indent=2, hanging=4)
        elif f.qualifications:
            self.say(tr("interview.status.no_primary_contested"), style="yellow", indent=2, hanging=4)
        else:
            self.say(tr("interview.status.none"), style="yellow", indent=2, hanging=4)
        for q in f.qualifications:
            if q.role != "primary":
                self.say(f"{role_word(q.role)}: {qual_label(q)} — {q.title}", style="dim", indent=4, hanging=6)
        if f.missing_facts:
            self.say(tr("interview.status.missing"), style="bold", indent=2, hanging=4)
            for m in f.missing_facts[:12]:
                self.say(m.question, indent=4, hanging=6)  # the question, not the input path (FACTS.md's)
        else:
            self.say(tr("interview.status.nothing_missing"), indent=2, hanging=4)

    def report(self, st: State) -> None:
        from ..render.text import render

        facts = st.facts()
        stamp = json.dumps(facts, sort_keys=True, default=str)
        if stamp == self._reported:
            return
        self._reported = stamp
        self.console.print()
        self.say(tr("interview.report.head"), style="bold")
        render(self.findings(st), self.report_console, facts=facts)  # the facts in words, the articles not made out


def qual_label(q: Any) -> str:
    """A qualification's reference as every report writes it (`citations.ref`): "art. 166(2) items
    1, 5", «пп. 1, 5 ч. 2 ст. 166 УК» (legal order)."""
    return ref(q.article, q.part, q.items, instrument=q.instrument, form="label")


def role_word(role: str) -> str:
    """A qualification's role in the reader's language ("concurrent", «совокупность»), never its code."""
    return tr(f"report.role.{role}").lower()


def finish(st: State, console: Any, inputs: list[str] | tuple[str, ...] = ()) -> str:
    """Validate the fact pattern, write it atomically (never over one of `inputs`, the answers file)
    and say where; returns the path."""
    from pydantic import ValidationError

    from ..errors import InputError
    from ..models import FactPattern
    from ..records import explain

    facts = st.facts()
    try:
        FactPattern.model_validate(facts)
    except ValidationError as e:  # a defect in the interview: say so, never write a bad file
        raise InterviewError(tr("interview.error.invalid_facts", problem=explain(e))) from None
    path = st.out_path or ""
    try:
        write_atomic(path, to_yaml(facts), "--out", inputs)
    except InputError as e:
        raise InterviewError(str(e)) from None
    except OSError as e:
        raise InterviewError(tr("interview.error.write", path=path, problem=e.strerror or str(e))) from None
    width = max(40, int(console.width))
    for text, style in ((tr("interview.written", path=path), "bold green"), (tr("interview.next", path=path), "dim")):
        for line in wrap(Text(text, style=style), width, 0, 2):
            console.print(line, soft_wrap=True, highlight=False)
    return path
