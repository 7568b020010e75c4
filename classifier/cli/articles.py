"""`thb articles`: the rule base as a lawyer reviews it — articles, parts, items, penalties,
gravity, prosecution, elements, rules and readings."""

from __future__ import annotations

import json
import sys

import typer
from rich.table import Table

from .. import i18n
from ..i18n import tr
from ..safetext import clip
from .common import Fmt, err, error_text, out


def articles(
    article: str = typer.Argument(
        None, metavar="ARTICLE", help="One article, e.g. 166, to see its parts, items and elements in plain words."
    ),
    fmt: Fmt = typer.Option(Fmt.text, "--format", "-f", help="text or json."),
) -> None:
    """List the rule base: articles, parts, items, penalties, gravity, prosecution and sources.

    Example:

        # the catalogue
        thb articles
        # one article: its parts, items, and the rules and readings behind it
        thb articles 166
        thb articles 167 --lang ru
    """
    from ..analysis.finding import says
    from ..citations import cite
    from ..rulebase.compiler import article_logic, programs
    from ..rulebase.files import catalogue, edition, readings
    from ..rulebase.legal import prosecution_mode as _mode
    from ..rulebase.prose import law

    cat = catalogue()
    if article is not None and article not in cat:
        err.print(error_text(tr("cli.no_article", article=clip(article), known=", ".join(cat))), highlight=False)
        raise typer.Exit(2)
    chosen = [cat[article]] if article else list(cat.values())
    logic = article_logic()
    prog = programs()["qualification"]
    rd = readings()
    ru = i18n.lang() == "ru"

    def key(a, p) -> str:
        return f"{a.article}({p.part})" if p.part is not None else a.article

    def art_json(a):
        rules = (
            [r for r in prog.rules.values() if r.origin.startswith(f"rules/articles/{a.article}.yaml")]
            if a.article in logic
            else []
        )
        used = sorted({x for r in rules for x in r.readings})
        return {
            "instrument": a.instrument,
            "article": a.article,
            "title": (a.title_ru or law("titles", a.article, a.title)) if ru else a.title,
            "title_en": a.title,
            "title_ru": a.title_ru,
            "verified": a.verified,
            "capacity_age": a.capacity_age,
            "summary": law("articles", a.article, a.summary),
            "source": cite(f"CC art. {a.article}"),
            "edition": edition()["consolidated_to"].strftime("%d.%m.%Y") if ru else str(edition()["consolidated_to"]),
            "in_rule_logic": a.article in logic,
            "parts": [
                {
                    "part": p.part,
                    "statement": law("parts", key(a, p), p.statement),
                    "items": {str(k): law("items", f"{key(a, p)}{k}", v) for k, v in p.items.items()},
                    "penalty": law("penalties", key(a, p), p.penalty.text),
                    "min_years": p.penalty.min_years,
                    "max_years": p.penalty.max_years,
                    "gravity": p.gravity,
                    "prosecution": _mode(a.article, p.part, p.gravity),
                }
                for p in a.parts.values()
            ],
            "elements": {
                name: {"label": law("elements", f"{a.article}.{name}", m["label"]), "source": cite(m["source"])}
                for name, m in ((logic.get(a.article) or {}).get("elements") or {}).items()
            },
            "rules": [{"id": r.id, "provision": cite(r.provision), "says": says(r), "readings": list(r.readings)} for r in rules],
            "readings": {
                rid: {
                    "reading": law("readings", f"{rid}.reading", rd[rid]["reading"]),
                    "rival": law("readings", f"{rid}.rival", rd[rid]["rival"]) if rd[rid].get("rival") else None,
                }
                for rid in used
            },
        }

    if fmt is Fmt.json:
        data = [art_json(a) for a in chosen]
        sys.stdout.write(json.dumps(data[0] if article else data, ensure_ascii=False, indent=2) + "\n")
        return
    if article is None:
        t = Table(title=tr("cli.catalogue", edition=edition()["consolidated_to"]), box=None, pad_edge=False)
        for c in ("art", "title", "part", "prison", "gravity", "prosecution", "age"):
            t.add_column(tr(f"cli.col.{c}"), no_wrap=c != "title")

        def prison(p) -> str:
            lo, hi = p.penalty.min_years, p.penalty.max_years
            if not hi:
                return tr("cli.no_prison")
            return tr("cli.years_range", lo=f"{lo:g}", hi=f"{hi:g}") if lo else tr("cli.years_max", hi=f"{hi:g}")

        for a in chosen:
            title = (a.title_ru or law("titles", a.article, a.title)) if ru else a.title
            if not a.parts:
                t.add_row(a.article, title, "—", "?", tr("cli.unverified"), "?", str(a.capacity_age))
            for k, p in enumerate(a.parts.values()):
                t.add_row(
                    a.article if k == 0 else "",
                    title if k == 0 else "",
                    "—" if p.part is None else str(p.part),
                    prison(p),
                    tr(f"report.gravity.{p.gravity}"),
                    tr(f"cli.mode.{_mode(a.article, p.part, p.gravity) or 'unknown'}"),
                    str(a.capacity_age) if k == 0 else "",
                )
        out.print(t)
        out.print(tr("cli.catalogue_hint"))
        return
    a = chosen[0]
    j = art_json(a)
    other = "" if ru or not a.title_ru else f" ({a.title_ru})"  # the Code's own heading beside the English title
    out.print(f"[bold]{j['source'].split(' (')[0]} — {j['title']}[/bold]{other}")
    out.print(j["summary"])
    if not a.verified:
        out.print(f"[bold red]{tr('report.unverified')}[/bold red] " + law("unverified", a.article, str(a.raw.get("note", ""))))
    out.print(tr("cli.capacity", age=a.capacity_age, source=tr("cli.source_edition", source=j["source"], edition=j["edition"])))
    for p in j["parts"]:
        head = tr("cli.part", part=p["part"]) if p["part"] is not None else tr("cli.no_parts")
        out.print(f"\n[bold]{head}[/bold]: {p['statement']}")
        for k, v in p["items"].items():
            out.print("  " + tr("cli.item", item=k, text=v))
        gravity = tr(f"report.gravity.{p['gravity']}")
        mode = tr(f"report.mode.{p['prosecution'] or 'unknown'}")
        out.print("  " + tr("cli.penalty", penalty=p["penalty"], gravity=gravity, mode=mode))
    for n_i, n in enumerate(a.notes):
        text = law("notes", f"{a.article}.{n_i}", n.get("statement") or n.get("text") or str(n))
        out.print(f"\n[bold]{tr('cli.note')}[/bold]: {text}")
    if j["elements"]:
        out.print(f"\n[bold]{tr('cli.elements')}[/bold]")
        for name, meta in j["elements"].items():
            out.print(f"  {name}: {meta['label']} ({meta['source']})" if not ru else f"  {meta['label']} ({meta['source']})")
    if j["rules"]:
        out.print(f"\n[bold]{tr('cli.rules')}[/bold]")
        for r in j["rules"]:
            tag = f" [yellow][{', '.join(r['readings'])}][/yellow]" if r["readings"] else ""
            out.print(f"  {r['id']}: {r['says']} — {r['provision']}{tag}")
    if j["readings"]:
        out.print(f"\n[bold]{tr('cli.readings')}[/bold]")
        for rid, r in j["readings"].items():
            out.print(f"  {rid}: {r['reading']}")
            if r.get("rival"):
                out.print(f"    [dim]{tr('report.rival', text=r['rival'])}[/dim]")


def register(app: typer.Typer) -> None:
    app.command()(articles)
