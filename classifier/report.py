"""The readable report of `thb classify` (the JSON is the same object, `--format json`)."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .models import Findings, Qualification
from .ruledata import readings

STATUS = {
    "met": ("met", "green"),
    "not_met": ("not met", "red"),
    "not_required": ("not required", "cyan"),
    "unknown": ("unknown", "yellow"),
}
ROLE_STYLE = {"primary": "bold green", "concurrent": "green", "competing": "cyan", "alternative": "yellow", "excluded": "dim"}


def label(q: Qualification) -> str:
    items = ""
    if q.items:
        items = (" item " if len(q.items) == 1 else " items ") + ", ".join(map(str, q.items))
    return f"art. {q.article}" + (f"({q.part})" if q.part is not None else "") + items


def _qual_table(q: Qualification, explain: bool) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True, pad_edge=False)
    t.add_column("element", style="bold", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("why — facts · source", ratio=1)
    for e in q.elements:
        word, style = STATUS[e.status]
        why = Text(e.reason)
        if e.readings:
            why.append(f"  [reading {', '.join(e.readings)}]", style="yellow")
        why.append(f"\n{', '.join(e.facts)} · {e.source}", style="dim")
        t.add_row(e.element, Text(word, style=style), why)
    return t


def _qual_block(q: Qualification, explain: bool) -> Group:
    head = Text()
    head.append(f"{q.role.upper():<12}", style=ROLE_STYLE[q.role])
    head.append(f"{label(q)} — {q.title}", style="bold")
    lines = [head]
    meta = (
        f"  {q.penalty}; {(q.gravity or 'gravity unknown').replace('_', ' ')}; "
        f"{(q.prosecution or 'mode unknown').replace('_', '-')} prosecution"
    )
    lines.append(Text(meta))
    who = []
    if q.offenders:
        who.append("offenders " + ", ".join(q.offenders))
    if q.victims:
        who.append("victims " + ", ".join(q.victims))
    if who:
        lines.append(Text("  " + "; ".join(who), style="dim"))
    lines.append(Text("  why: " + q.reason))
    if q.readings:
        lines.append(
            Text(
                "  rests on the engine's reading"
                + ("s " if len(q.readings) > 1 else " ")
                + ", ".join(q.readings)
                + " (interpretation, not the statute's words)",
                style="yellow",
            )
        )
        if explain:
            rd = readings()
            for rid in q.readings:
                r = rd.get(rid, {})
                lines.append(Text(f"    {rid}: {r.get('reading', '')}", style="yellow"))
                if r.get("rival"):
                    lines.append(Text(f"      rival view: {r['rival']}", style="dim"))
    if q.historical_equivalent:
        h = q.historical_equivalent
        lines.append(Text(f"  then in force: {h.instrument} art. {h.article} ({h.source_quality} source)", style="dim"))
    if not q.verified:
        lines.append(Text("  UNVERIFIED: not in the 2024 text", style="bold red"))
    if q.role in ("primary", "concurrent", "alternative") or explain:
        lines.append(_qual_table(q, explain))
    lines.append(Text("  sources: " + "; ".join(q.sources), style="dim"))
    return Group(*lines)


def render(f: Findings, console: Console, explain: bool = False) -> None:
    title = f"Case {f.case_id}"
    sub = f"offence date {f.law.offence_date or 'not stated'} · Criminal Code 2021, text of {f.law.edition}"
    parts: list = []
    prim = f.primary
    if prim:
        parts.append(Text(f"Qualification: {label(prim)} — {prim.title}", style="bold green"))
    elif f.qualifications:
        parts.append(
            Text("No article is fully made out as primary (see the contested or excluded findings below).", style="bold yellow")
        )
    else:
        parts.append(Text("No article is made out on the facts stated.", style="bold yellow"))
    for q in f.qualifications:
        parts.append(Text(""))
        parts.append(_qual_block(q, explain))

    if f.misclassification:
        parts.append(Text("\nMisclassification", style="bold red"))
        for m in f.misclassification:
            sug = (
                f" → art. {m.suggested.article}" + (f"({m.suggested.part})" if m.suggested and m.suggested.part else "")
                if m.suggested
                else ""
            )
            ch = f"{m.charged.instrument} art. {m.charged.article}" + (f"({m.charged.part})" if m.charged.part else "")
            parts.append(Text(f"  [{m.severity}] {m.kind}: charged as {ch}{sug}", style="red"))
            parts.append(Text(f"    {m.explanation}"))
            for c in m.consequences:
                parts.append(Text(f"    - {c}", style="dim"))

    p = f.prosecution
    parts.append(Text("\nProsecution", style="bold"))
    if p.mode is None:
        parts.append(Text("  nothing is made out, so no prosecution mode follows"))
    else:
        rec = {True: "reconciliation permitted", False: "reconciliation NOT permitted"}[bool(p.reconciliation_permitted)]
        parts.append(Text(f"  {p.mode.replace('_', '-')}; {rec}", style="bold"))
        parts.append(Text("  basis: " + "; ".join(p.basis), style="dim"))
        for fl in p.flags:
            parts.append(Text(f"  flag: {fl}", style="red"))

    if f.non_punishment:
        parts.append(Text("\nNon-punishment of the victim", style="bold"))
        for n in f.non_punishment:
            style = {"yes": "green", "no": "red", "unclear": "yellow"}[n.applies]
            parts.append(
                Text(
                    f"  {n.victim}: {n.offence.instrument} art. {n.offence.article}"
                    + (f"({n.offence.part})" if n.offence.part else "")
                    + f" → applies: {n.applies}",
                    style=style,
                )
            )
            parts.append(Text(f"    {n.reason}"))
            parts.append(
                Text(
                    "    basis: " + "; ".join(n.basis) + (f"; readings {', '.join(n.readings)}" if n.readings else ""),
                    style="dim",
                )
            )

    if f.missing_facts:
        parts.append(Text("\nFacts that would change the answer", style="bold"))
        for m in f.missing_facts:
            parts.append(Text(f"  {m.fact}: {m.question}"))
            parts.append(Text(f"    affects {', '.join(m.affects)}", style="dim"))
    if f.warnings:
        parts.append(Text("\nWarnings", style="bold yellow"))
        for w in f.warnings:
            parts.append(Text(f"  ! {w}", style="yellow"))
    parts.append(Text("\nLaw applied", style="bold"))
    for n in f.law.notes:
        parts.append(Text(f"  {n}", style="dim"))
    console.print(Panel(Group(*parts), title=title, subtitle=sub, title_align="left", subtitle_align="left", box=box.ROUNDED))
