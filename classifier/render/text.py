"""The readable report of `thb classify` (the JSON is the same object, `--format json`).

Every word of it comes from the message catalogue (`classifier/locales/report.*.yaml`), so the
report follows `--lang`."""

from __future__ import annotations

import re
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..analysis.elements import element_label as label_of
from ..citations import ref, ref_of
from ..i18n import lang, tr
from ..models import FactPattern, Findings, Qualification
from ..rulebase.compiler import article_logic
from ..rulebase.files import readings
from ..rulebase.prose import law
from .facts import facts_words

STATUS_STYLE = {"met": "green", "not_met": "red", "not_required": "cyan", "unknown": "yellow"}
ROLE_STYLE = {"primary": "bold green", "concurrent": "green", "competing": "cyan", "alternative": "yellow", "excluded": "dim"}
ELEMENT_WIDTH = 22  # the element column: an English id fits on one line, a Russian label wraps
APPLIES = {"en": {"yes": "yes", "no": "no", "unclear": "unclear"}, "ru": {"yes": "да", "no": "нет", "unclear": "неясно"}}


def label(q: Qualification) -> str:
    """`art. 167(2) item 2`, «п. 2 ч. 2 ст. 167 УК»."""
    return ref(q.article, q.part, q.items)


_PART_ITEM = re.compile(r"^part (\d+)(?: items? (\d+(?:, ?\d+)*))?$")


def element_label(q: Qualification, name: str) -> str:
    """An element as a reader sees it: its label in the language in force ("act of trafficking",
    «действие, составляющее торговлю людьми»; "part 2 item 2", «п. 2 ч. 2»), never its id
    (`no_refusal` is a code of the JSON)."""
    m = _PART_ITEM.match(name)
    if m and lang() != "en":
        if m.group(2):
            return tr("training.element.item", part=m.group(1), item=m.group(2))
        return tr("training.element.part", part=m.group(1))
    meta = (article_logic().get(q.article, {}).get("elements") or {}).get(name)
    return label_of(q.article, name, meta) if meta else law("elements", f"{q.article}.{name}", name)


def indented(text: Text | str, indent: int = 2, style: str = "") -> Padding:
    """A paragraph whose every wrapped line keeps the indent of its first."""
    t = text if isinstance(text, Text) else Text(text, style=style)
    return Padding(t, (0, 0, 0, indent), expand=False)


def hanging(mark: Text | str, text: Text | str, indent: int = 2, style: str = "") -> Padding:
    """`mark text…` with the text's wrapped lines under the text, not under the mark (a list item,
    a numbered option, a labelled line)."""
    g = Table.grid(padding=(0, 1))
    g.add_column(no_wrap=True)
    g.add_column(ratio=1)
    g.add_row(
        mark if isinstance(mark, Text) else Text(mark, style=style), text if isinstance(text, Text) else Text(text, style=style)
    )
    return Padding(g, (0, 0, 0, indent), expand=False)


def _qual_table(q: Qualification, facts: Any, width: int) -> Padding:
    """The elements of a qualification: label, status, and why (the rule's words, then the facts
    in words and the provision), indented under the qualification's heading. `width` is the
    console's: the label column takes a quarter of the box (at most `ELEMENT_WIDTH`), the status
    never wraps, the reason keeps the rest; a cell wraps at its words, never cut off."""
    room = width - 4 - 2  # the box's borders and padding, the indent
    status_w = max(cell_len(tr(f"report.status.{s}")) for s in STATUS_STYLE)
    labels = [element_label(q, e.element) for e in q.elements]
    longest = max((cell_len(w) for x in labels for w in x.split()), default=0)  # a word is never broken
    label_w = max(10, longest, min(ELEMENT_WIDTH, room // 4))
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True, pad_edge=False)
    t.add_column(tr("report.col.element"), style="bold", width=label_w, overflow="fold")
    t.add_column(tr("report.col.status"), width=status_w, no_wrap=True)
    t.add_column(tr("report.col.why"), ratio=1, overflow="fold")
    for e, shown in zip(q.elements, labels, strict=True):
        why = Text(e.reason)
        if e.readings:
            why.append("  " + tr("report.reading_tag", ids=", ".join(e.readings)), style="yellow")
        why.append(f"\n{facts_words(e.facts, facts)} · {e.source}", style="dim")
        t.add_row(shown, Text(tr(f"report.status.{e.status}"), style=STATUS_STYLE[e.status]), why)
    return Padding(t, (0, 0, 0, 2), expand=False)


def _qual_block(q: Qualification, explain: bool, facts: Any, width: int) -> Group:
    head = Table.grid(padding=(0, 0))
    head.add_column(width=13, no_wrap=True)
    head.add_column(ratio=1)
    head.add_row(Text(tr(f"report.role.{q.role}"), style=ROLE_STYLE[q.role]), Text(f"{label(q)} — {q.title}", style="bold"))
    lines: list[Any] = [head]
    gravity = tr("report.gravity." + (q.gravity or "unknown"))
    mode = tr("report.mode." + (q.prosecution or "unknown"))
    lines.append(indented(f"{q.penalty}; {gravity}; {mode}"))
    for pl in q.penalty_limits:  # offenders under 18: the limits CC arts. 103 and 108 put on the sanction
        lines.append(indented(tr("report.penalty_limits", ids=", ".join(pl.offenders), text=pl.text), style="magenta"))
        extra = f"; {', '.join(pl.readings)}" if pl.readings else ""
        lines.append(indented(tr("report.basis", items="; ".join(pl.basis)) + extra, 4, "dim"))
    who = []
    if q.offenders:
        who.append(tr("report.offenders", ids=", ".join(q.offenders)))
    if q.victims:
        who.append(tr("report.victims", ids=", ".join(q.victims)))
    if who:
        lines.append(indented("; ".join(who), style="dim"))
    lines.append(indented(tr("report.why", reason=q.reason)))
    if q.readings:
        lines.append(indented(tr("report.readings", ids=", ".join(q.readings)), style="yellow"))
        if explain:
            rd = readings()
            for rid in q.readings:
                r = rd.get(rid, {})
                text = law("readings", f"{rid}.reading", r.get("reading", ""))
                lines.append(indented(tr("report.reading_line", id=rid, text=text), 4, "yellow"))
                if r.get("rival"):
                    rival = law("readings", f"{rid}.rival", r["rival"])
                    lines.append(indented(tr("report.rival", text=rival), 6, "dim"))
    if q.historical_equivalent:
        h = q.historical_equivalent
        then = tr(
            "report.then_in_force",
            instrument=tr(f"report.instrument.{h.instrument}"),
            article=h.article,
            quality=tr(f"report.quality.{h.source_quality}"),
        )
        lines.append(indented(then, style="dim"))
    if not q.verified:
        lines.append(indented(tr("report.unverified"), style="bold red"))
    if q.role in ("primary", "concurrent", "alternative") or explain:
        lines.append(_qual_table(q, facts, width))
    lines.append(indented(tr("report.sources", items="; ".join(q.sources)), style="dim"))
    return Group(*lines)


def render(f: Findings, console: Console, explain: bool = False, facts: Any = None) -> None:
    """The report of one case, in a box as wide as the console. `facts` (the `FactPattern`
    classified), when given, lets the report say the facts with their values ("the victim's age
    (15)") and explain the articles the facts point to but do not make out."""
    if facts is not None and not isinstance(facts, FactPattern):  # the interview's answers, a dict
        try:
            facts = FactPattern.model_validate(facts)
        except ValueError:  # not yet a valid fact pattern: the paths are still said in words
            facts = None
    title = tr("report.case", case_id=f.case_id)
    sub = tr("report.subtitle", date=f.law.offence_date or tr("report.date_missing"), edition=f.law.edition)
    parts: list = []
    prim = f.primary
    if prim:
        head = tr("report.qualification", label=label(prim), title=prim.title)
        mark, _, rest = head.partition(": ")
        parts.append(hanging(mark + ":", rest, 0, "bold green") if rest else Text(head, style="bold green"))
    elif f.qualifications:
        parts.append(Text(tr("report.no_primary"), style="bold yellow"))
    else:
        parts.append(Text(tr("report.nothing"), style="bold yellow"))
    for q in f.qualifications:
        parts.append(Text(""))
        parts.append(_qual_block(q, explain, facts, console.width))
    if facts is not None:
        parts += _not_made_out(f, facts, explain)

    if f.misclassification:
        parts.append(Text("\n" + tr("report.misclassification"), style="bold red"))
        for m in f.misclassification:
            sug = f" → {ref_of(m.suggested)}" if m.suggested else ""
            charged = tr(
                "report.charged_as",
                severity=tr(f"report.severity.{m.severity}"),
                kind=tr(f"report.kind.{m.kind}"),
                charged=ref_of(m.charged),
                suggested=sug,
            )
            parts.append(indented(charged, style="red"))
            parts.append(indented(m.explanation, 4))
            for c in m.consequences:
                parts.append(hanging("-", Text(c, style="dim"), 4, "dim"))

    p = f.prosecution
    parts.append(Text("\n" + tr("report.prosecution"), style="bold"))
    if p.mode is None:
        parts.append(indented(tr("report.no_mode")))
    else:
        rec = tr("report.reconciliation_yes") if p.reconciliation_permitted else tr("report.reconciliation_no")
        parts.append(indented(f"{tr(f'report.mode.{p.mode}')}; {rec}", style="bold"))
        parts.append(indented(tr("report.basis", items="; ".join(p.basis)), style="dim"))
        for fl in p.flags:
            parts.append(indented(tr("report.flag", flag=tr(f"report.flag.{fl}")), style="red"))

    if f.non_punishment:
        parts.append(Text("\n" + tr("report.non_punishment"), style="bold"))
        for n in f.non_punishment:
            style = {"yes": "green", "no": "red", "unclear": "yellow"}[n.applies]
            value = APPLIES.get(lang(), APPLIES["en"])[n.applies]
            parts.append(indented(f"{n.victim}: {ref_of(n.offence)} → " + tr("report.applies", value=value), style=style))
            parts.append(indented(n.reason, 4))
            extra = f"; {', '.join(n.readings)}" if n.readings else ""
            parts.append(indented(tr("report.basis", items="; ".join(n.basis)) + extra, 4, "dim"))

    if f.missing_facts:
        parts.append(Text("\n" + tr("report.missing"), style="bold"))
        for m in f.missing_facts:
            parts.append(hanging("•", m.question))
            parts.append(indented(tr("report.affects", items=", ".join(m.affects)), 4, "dim"))
    if f.warnings:
        parts.append(Text("\n" + tr("report.warnings"), style="bold yellow"))
        for w in f.warnings:
            parts.append(hanging("!", w, style="yellow"))
    parts.append(Text("\n" + tr("report.law"), style="bold"))
    for n in f.law.notes:
        parts.append(indented(n, style="dim"))
    # The titles as Text: a case id is the user's, never rich markup (`[/x]`, `[link=…]`).
    # a title or subtitle wider than the box's edge would be cut off: it goes inside the box instead
    room = console.width - 6
    if cell_len(sub) > room:
        parts += [Text(""), indented(sub, style="dim")]
    if cell_len(title) > room:
        parts.insert(0, Text(title, style="bold"))
    panel = Panel(
        Group(*parts),
        title=Text(title) if cell_len(title) <= room else None,
        subtitle=Text(sub) if cell_len(sub) <= room else None,
        title_align="left",
        subtitle_align="left",
        box=box.ROUNDED,
    )
    console.print(panel)


def _not_made_out(f: Findings, facts: Any, explain: bool) -> list[Any]:
    """The articles the facts point to (a circumstance stated that decides them, a charge laid)
    that are not made out, and the element that fails: one line each, every element with
    `--explain`."""
    from ..analysis.expected import not_made_out

    misses = not_made_out(facts, f)
    if not misses:
        return []
    out: list[Any] = [Text("\n" + tr("report.not_made_out"), style="bold")]
    for miss in misses:
        why = []  # what points to it: the facts stated, the charge laid, the elements of trafficking stated
        if miss.stated:
            why.append(tr("report.not_made_out.stated", facts=facts_words(miss.stated, facts)))
        if miss.charged:
            why.append(tr("report.not_made_out.charged"))
        if miss.trafficking and not miss.stated:
            core = ", ".join(miss.labels.get(e.element, e.element) for e in miss.core)
            why.append(tr("report.not_made_out.trafficking", elements=core))
        out.append(indented(tr("report.not_made_out.head", label=ref(miss.article), title=miss.title), style="bold"))
        out.append(indented("; ".join(why), 4, "dim"))
        failing = [f"{miss.labels.get(e.element, e.element)} ({tr(f'report.status.{e.status}')})" for e in miss.failing]
        out.append(indented(tr("report.not_made_out.fails", elements="; ".join(failing)), 4))
        if explain:
            for e in miss.elements:
                line = Text(miss.labels.get(e.element, e.element) + ": ", style="bold")
                line.append(tr(f"report.status.{e.status}"), style=STATUS_STYLE[e.status])
                if e.status == "unknown":  # nothing stated: the reason would only repeat the label
                    line.append(f"\n{e.source}", style="dim")
                else:
                    line.append(f" — {e.reason}")
                    line.append(f"\n{facts_words(e.facts, facts)} · {e.source}", style="dim")
                out.append(hanging("-", line, 4))
    return out
