"""The readable report of `thb classify` (the JSON is the same object, `--format json`).

Every word of it comes from the message catalogue (`classifier/locales/report.*.yaml`), so the
report follows `--lang`."""

from __future__ import annotations

import re

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..citations import ref, ref_of
from ..i18n import lang, tr
from ..models import Findings, Qualification
from ..rulebase.files import readings
from ..rulebase.prose import law

STATUS_STYLE = {"met": "green", "not_met": "red", "not_required": "cyan", "unknown": "yellow"}
ROLE_STYLE = {"primary": "bold green", "concurrent": "green", "competing": "cyan", "alternative": "yellow", "excluded": "dim"}
APPLIES = {"en": {"yes": "yes", "no": "no", "unclear": "unclear"}, "ru": {"yes": "да", "no": "нет", "unclear": "неясно"}}


def label(q: Qualification) -> str:
    """`art. 167(2) item 2`, «п. 2 ч. 2 ст. 167 УК»."""
    return ref(q.article, q.part, q.items)


_PART_ITEM = re.compile(r"^part (\d+)(?: items? (\d+(?:, ?\d+)*))?$")


def element_label(q: Qualification, name: str) -> str:
    """An element as shown: its id in English (`act`, `part 2 item 2`), its label in Russian
    («действие», «п. 2 ч. 2»)."""
    m = _PART_ITEM.match(name)
    if m and lang() != "en":
        if m.group(2):
            return tr("training.element.item", part=m.group(1), item=m.group(2))
        return tr("training.element.part", part=m.group(1))
    return law("elements", f"{q.article}.{name}", name)


def _qual_table(q: Qualification) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True, pad_edge=False)
    t.add_column(tr("report.col.element"), style="bold", no_wrap=True)
    t.add_column(tr("report.col.status"), no_wrap=True)
    t.add_column(tr("report.col.why"), ratio=1)
    for e in q.elements:
        why = Text(e.reason)
        if e.readings:
            why.append("  " + tr("report.reading_tag", ids=", ".join(e.readings)), style="yellow")
        why.append(f"\n{', '.join(e.facts)} · {e.source}", style="dim")
        t.add_row(element_label(q, e.element), Text(tr(f"report.status.{e.status}"), style=STATUS_STYLE[e.status]), why)
    return t


def _qual_block(q: Qualification, explain: bool) -> Group:
    head = Text()
    head.append(f"{tr(f'report.role.{q.role}'):<13}", style=ROLE_STYLE[q.role])
    head.append(f"{label(q)} — {q.title}", style="bold")
    lines = [head]
    gravity = tr("report.gravity." + (q.gravity or "unknown"))
    mode = tr("report.mode." + (q.prosecution or "unknown"))
    meta = f"  {q.penalty}; {gravity}; {mode}"
    lines.append(Text(meta))
    for pl in q.penalty_limits:  # offenders under 18: the limits CC arts. 103 and 108 put on the sanction
        lines.append(Text("  " + tr("report.penalty_limits", ids=", ".join(pl.offenders), text=pl.text), style="magenta"))
        extra = f"; {', '.join(pl.readings)}" if pl.readings else ""
        lines.append(Text("    " + tr("report.basis", items="; ".join(pl.basis)) + extra, style="dim"))
    who = []
    if q.offenders:
        who.append(tr("report.offenders", ids=", ".join(q.offenders)))
    if q.victims:
        who.append(tr("report.victims", ids=", ".join(q.victims)))
    if who:
        lines.append(Text("  " + "; ".join(who), style="dim"))
    lines.append(Text("  " + tr("report.why", reason=q.reason)))
    if q.readings:
        lines.append(Text("  " + tr("report.readings", ids=", ".join(q.readings)), style="yellow"))
        if explain:
            rd = readings()
            for rid in q.readings:
                r = rd.get(rid, {})
                text = law("readings", f"{rid}.reading", r.get("reading", ""))
                lines.append(Text("    " + tr("report.reading_line", id=rid, text=text), style="yellow"))
                if r.get("rival"):
                    rival = law("readings", f"{rid}.rival", r["rival"])
                    lines.append(Text("      " + tr("report.rival", text=rival), style="dim"))
    if q.historical_equivalent:
        h = q.historical_equivalent
        lines.append(
            Text(
                "  "
                + tr(
                    "report.then_in_force",
                    instrument=tr(f"report.instrument.{h.instrument}"),
                    article=h.article,
                    quality=tr(f"report.quality.{h.source_quality}"),
                ),
                style="dim",
            )
        )
    if not q.verified:
        lines.append(Text("  " + tr("report.unverified"), style="bold red"))
    if q.role in ("primary", "concurrent", "alternative") or explain:
        lines.append(_qual_table(q))
    lines.append(Text("  " + tr("report.sources", items="; ".join(q.sources)), style="dim"))
    return Group(*lines)


def render(f: Findings, console: Console, explain: bool = False) -> None:
    title = tr("report.case", case_id=f.case_id)
    sub = tr("report.subtitle", date=f.law.offence_date or tr("report.date_missing"), edition=f.law.edition)
    parts: list = []
    prim = f.primary
    if prim:
        parts.append(Text(tr("report.qualification", label=label(prim), title=prim.title), style="bold green"))
    elif f.qualifications:
        parts.append(Text(tr("report.no_primary"), style="bold yellow"))
    else:
        parts.append(Text(tr("report.nothing"), style="bold yellow"))
    for q in f.qualifications:
        parts.append(Text(""))
        parts.append(_qual_block(q, explain))

    if f.misclassification:
        parts.append(Text("\n" + tr("report.misclassification"), style="bold red"))
        for m in f.misclassification:
            sug = f" → {ref_of(m.suggested)}" if m.suggested else ""
            parts.append(
                Text(
                    "  "
                    + tr(
                        "report.charged_as",
                        severity=tr(f"report.severity.{m.severity}"),
                        kind=tr(f"report.kind.{m.kind}"),
                        charged=ref_of(m.charged),
                        suggested=sug,
                    ),
                    style="red",
                )
            )
            parts.append(Text(f"    {m.explanation}"))
            for c in m.consequences:
                parts.append(Text(f"    - {c}", style="dim"))

    p = f.prosecution
    parts.append(Text("\n" + tr("report.prosecution"), style="bold"))
    if p.mode is None:
        parts.append(Text("  " + tr("report.no_mode")))
    else:
        rec = tr("report.reconciliation_yes") if p.reconciliation_permitted else tr("report.reconciliation_no")
        parts.append(Text(f"  {tr(f'report.mode.{p.mode}')}; {rec}", style="bold"))
        parts.append(Text("  " + tr("report.basis", items="; ".join(p.basis)), style="dim"))
        for fl in p.flags:
            parts.append(Text("  " + tr("report.flag", flag=tr(f"report.flag.{fl}")), style="red"))

    if f.non_punishment:
        parts.append(Text("\n" + tr("report.non_punishment"), style="bold"))
        for n in f.non_punishment:
            style = {"yes": "green", "no": "red", "unclear": "yellow"}[n.applies]
            value = APPLIES.get(lang(), APPLIES["en"])[n.applies]
            parts.append(Text(f"  {n.victim}: {ref_of(n.offence)} → " + tr("report.applies", value=value), style=style))
            parts.append(Text(f"    {n.reason}"))
            extra = f"; {', '.join(n.readings)}" if n.readings else ""
            parts.append(Text("    " + tr("report.basis", items="; ".join(n.basis)) + extra, style="dim"))

    if f.missing_facts:
        parts.append(Text("\n" + tr("report.missing"), style="bold"))
        for m in f.missing_facts:
            parts.append(Text(f"  {m.fact}: {m.question}"))
            parts.append(Text("    " + tr("report.affects", items=", ".join(m.affects)), style="dim"))
    if f.warnings:
        parts.append(Text("\n" + tr("report.warnings"), style="bold yellow"))
        for w in f.warnings:
            parts.append(Text(f"  ! {w}", style="yellow"))
    parts.append(Text("\n" + tr("report.law"), style="bold"))
    for n in f.law.notes:
        parts.append(Text(f"  {n}", style="dim"))
    # The titles as Text: a case id is the user's, never rich markup (`[/x]`, `[link=…]`).
    panel = Panel(
        Group(*parts), title=Text(title), subtitle=Text(sub), title_align="left", subtitle_align="left", box=box.ROUNDED
    )
    console.print(panel)
