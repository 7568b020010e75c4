"""The driver: runs the flow on a source, goes back, shows the classification at the end, writes the file."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

from ..fileio import write_atomic
from ..i18n import tr
from .answers import MAX_RETRIES, to_yaml
from .base import BadAnswer, InterviewError, command
from .flow import interview_flow
from .questions import KEYS, Notice, Question, key_template, parse
from .state import State


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
                return st, item, notices
        except StopIteration:
            return st, None, notices

    def run(self) -> State:
        self.console.print(tr("interview.intro"), style="bold", highlight=False)
        self.console.print(tr("interview.commands"), style="dim", highlight=False)
        while True:
            st, q, notices = self._replay()
            for n in notices:
                self._notice(n, st)
            if q is None:
                return st
            self._show(q)
            misfits = 0
            while True:
                raw = self.source.next(q)
                if not self.source.interactive:
                    self.console.print(f"> {raw if raw is not None else ''}", highlight=False, markup=False)
                if raw is None:  # a mapping without this key
                    if q.default is not None:
                        raw = q.default
                    elif q.required:
                        raise InterviewError(tr("interview.error.missing", file=self.source.name, key=q.key, question=q.text))
                    else:
                        raw = "unknown"
                cmd = command(raw)
                if cmd == "back":
                    if not self.answers:
                        self.console.print(tr("interview.back.none"), style="yellow", highlight=False)
                        continue
                    self.answers.pop()
                    break
                if cmd == "status":
                    self.status(st)
                    continue
                if cmd == "help":
                    self.console.print(tr("interview.commands"), highlight=False)
                    continue
                try:
                    value = parse(q, raw)
                except BadAnswer as e:
                    if not self.source.interactive:
                        raise InterviewError(
                            tr("interview.error.bad_answer", file=self.source.name, key=q.key, problem=str(e))
                        ) from None
                    self.console.print(str(e), style="red", highlight=False, markup=False)
                    misfits += 1
                    if getattr(self.source, "bounded", False) and misfits >= MAX_RETRIES:
                        raise InterviewError(tr("interview.error.no_progress", n=misfits, key=q.key)) from None
                    continue
                self.answers.append(value)
                break

    def _show(self, q: Question) -> None:

        line = Text()
        line.append(q.text, style="bold")
        line.append(f"  [{q.key}]", style="dim")
        self.console.print(line)
        if q.help:
            self.console.print(Text("  " + q.help, style="dim"))
        for i, o in enumerate(q.options, 1):
            t = Text(f"  {i:>2}  ")
            t.append(o.label, style="bold")
            if o.value != o.label and q.kind != "yesno":
                t.append(f" ({o.value})", style="dim")
            if o.explain:
                t.append(f" — {o.explain}")
            self.console.print(t)
        hints = []
        if q.kind == "multi":
            hints.append(tr("interview.hint.multi"))
        elif q.kind == "choice":
            hints.append(tr("interview.hint.choice"))
        elif q.kind == "yesno":
            hints.append(tr("interview.hint.yesno"))
        if q.default is not None:
            shown = q.default
            if q.options and shown.isdigit() and 1 <= int(shown) <= len(q.options):
                shown = q.options[int(shown) - 1].label
            hints.append(tr("interview.hint.default", default=shown))
        if hints:
            self.console.print(Text("  " + "; ".join(hints), style="dim"))

    def _notice(self, n: Notice, st: State) -> None:

        if n.style == "section":
            self.console.print(Text("\n" + n.text, style="bold cyan"))
        elif n.style == "report":
            self.report(st)
        else:
            self.console.print(Text("» " + n.text, style="italic"))

    def findings(self, st: State):
        from ..analysis.pipeline import classify

        return classify(st.facts())

    def status(self, st: State) -> None:
        """The provisional qualification on the answers so far: the primary and what is missing."""

        try:
            f = self.findings(st)
        except Exception as e:  # noqa: BLE001 - a status line must never end the interview
            self.console.print(Text(tr("interview.status.failed", error=f"{type(e).__name__}: {e}"), style="red"))
            return
        self.console.print(Text(tr("interview.status.head"), style="bold"))
        p = f.primary
        if p is not None:
            self.console.print(Text("  " + tr("interview.status.primary", label=qual_label(p), title=p.title), style="green"))
        elif f.qualifications:
            self.console.print(Text("  " + tr("interview.status.no_primary_contested"), style="yellow"))
        else:
            self.console.print(Text("  " + tr("interview.status.none"), style="yellow"))
        for q in f.qualifications:
            if q.role != "primary":
                self.console.print(Text(f"    {q.role}: {qual_label(q)} — {q.title}", style="dim"))
        if f.missing_facts:
            self.console.print(Text("  " + tr("interview.status.missing"), style="bold"))
            for m in f.missing_facts[:12]:
                self.console.print(Text(f"    {m.fact}: {m.question}"))
        else:
            self.console.print(Text("  " + tr("interview.status.nothing_missing")))

    def report(self, st: State) -> None:
        from ..render.text import render

        facts = st.facts()
        stamp = json.dumps(facts, sort_keys=True, default=str)
        if stamp == self._reported:
            return
        self._reported = stamp
        self.console.print(Text("\n" + tr("interview.report.head"), style="bold"))
        render(self.findings(st), self.report_console, facts=facts)  # the facts in words, the articles not made out


def qual_label(q: Any) -> str:
    part = tr("interview.status.part", part=q.part) if q.part is not None else ""
    items = tr("interview.status.items", items=", ".join(map(str, q.items))) if q.items else ""
    return tr("interview.status.article", article=q.article) + part + items


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
    console.print(Text(tr("interview.written", path=path), style="bold green"), highlight=False)
    console.print(Text(tr("interview.next", path=path), style="dim"), highlight=False)
    return path
