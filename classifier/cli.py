"""The `thb` command."""

from __future__ import annotations

import json
import os
import sys
from enum import Enum

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .loader import InputError, load

app = typer.Typer(
    name="thb",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    help=(
        "Which article of the Kyrgyz Criminal Code do the facts of a case make out? "
        "Trafficking in persons (166) and children (167), forced labour (170), prostitution (159, 160), "
        "bride kidnapping (172) and their neighbours — every element justified and cited.\n\n"
        "Start with:  [bold]thb classify examples/osh-15-year-old.yaml[/bold]"
    ),
)

out = Console(soft_wrap=False)
err = Console(stderr=True, soft_wrap=True)


class Fmt(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"thb-classifier {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """thb — the trafficking-in-human-beings classifier."""


def _load_or_exit(files: list[str]):
    recs = load(files)
    bad = [r for r in recs if r.error]
    if bad:
        for r in bad[:20]:
            err.print(f"[red]error[/red] {r.error}", highlight=False, markup=True, soft_wrap=True)
        if len(bad) > 20:
            err.print(f"... and {len(bad) - 20} more invalid fact patterns")
        err.print(
            f"{len(bad)} of {len(recs)} fact patterns are invalid; nothing was classified. "
            "`thb schema` prints the format; FACTS.md explains it."
        )
        raise typer.Exit(2)
    return recs


@app.command()
def classify(
    files: list[str] = typer.Argument(
        ..., metavar="FILE...", help="Fact patterns: YAML, JSON or JSON Lines; `-` reads standard input."
    ),
    fmt: Fmt = typer.Option(Fmt.text, "--format", "-f", help="text: a readable report; json: the FACTS.md findings object."),
    explain: bool = typer.Option(False, "--explain", help="Show every element table and the rival view of each reading."),
    fail_on_misclassification: bool = typer.Option(
        False, "--fail-on-misclassification", help="Exit 1 when a misclassification is flagged (for scripts)."
    ),
) -> None:
    """Classify fact patterns: the article, part and items they make out, and why.

    Each element (act, means, purpose, age, capacity, qualifying items) is shown as met, not met,
    not required or unknown, with the facts that decided it and the provision it cites; then the
    misclassification against what the case was charged as (`record`), prosecution and
    reconciliation, non-punishment of the victim, and the facts that would change the answer.

    Example:

        thb classify examples/osh-15-year-old.yaml
        thb classify case.json --format json | jq '.qualifications[0]'
        cat case.yaml | thb classify - --format json

    Exit codes: 0 findings produced; 1 a misclassification flagged (with --fail-on-misclassification);
    2 bad input (the message names the file, line or path).
    """
    from .engine import classify as run
    from .report import render

    recs = _load_or_exit(files)
    results = [run(r.facts) for r in recs]
    if fmt is Fmt.json:
        data = [f.model_dump(mode="json") for f in results]
        sys.stdout.write(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n")
    else:
        for f in results:
            render(f, out, explain=explain)
    if fail_on_misclassification and any(f.misclassification for f in results):
        raise typer.Exit(1)


@app.command()
def validate(
    files: list[str] = typer.Argument(
        ..., metavar="FILE...", help="Fact patterns or JSON Lines batches; `-` reads standard input."
    ),
) -> None:
    """Check fact patterns without classifying: every bad record is listed with its path and problem.

    Example:

        thb validate case.yaml batch.jsonl
    """
    recs = load(files)
    bad = [r for r in recs if r.error]
    for r in bad:
        err.print(f"[red]invalid[/red] {r.error}", highlight=False, soft_wrap=True)
    ok = len(recs) - len(bad)
    (err if bad else out).print(f"{ok} of {len(recs)} fact patterns valid", highlight=False)
    if bad:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a fact pattern (FACTS.md version 1), generated from the models.

    Example:

        thb schema > fact-pattern.schema.json
    """
    from .models import FactPattern

    sys.stdout.write(json.dumps(FactPattern.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command()
def articles(
    article: str = typer.Argument(None, help="One article, e.g. 166, to see its parts, items and elements in plain words."),
    fmt: Fmt = typer.Option(Fmt.text, "--format", "-f", help="text or json."),
) -> None:
    """List the rule base: articles, parts, items, penalties, gravity, prosecution and sources.

    Example:

        thb articles          # the catalogue
        thb articles 166      # one article: parts, items, the rules and readings behind it
    """
    from .compiler import article_logic, programs
    from .engine import _mode
    from .ruledata import catalogue, edition, readings

    cat = catalogue()
    if article is not None and article not in cat:
        err.print(f"[red]error[/red] no article {article!r} in the rule base; known: {', '.join(cat)}")
        raise typer.Exit(2)
    chosen = [cat[article]] if article else list(cat.values())
    logic = article_logic()
    prog = programs()["qualification"]
    rd = readings()

    def art_json(a):
        rules = (
            [r for r in prog.rules.values() if r.origin.startswith(f"rules/articles/{a.article}.yaml")]
            if a.article in logic
            else []
        )
        return {
            "instrument": a.instrument,
            "article": a.article,
            "title": a.title,
            "title_ru": a.title_ru,
            "verified": a.verified,
            "capacity_age": a.capacity_age,
            "summary": a.summary,
            "source": f"CC art. {a.article}" + (f" (line {a.line} of {edition()['text']})" if a.line else ""),
            "in_rule_logic": a.article in logic,
            "parts": [
                {
                    "part": p.part,
                    "statement": p.statement,
                    "items": {str(k): v for k, v in p.items.items()},
                    "penalty": p.penalty.text,
                    "min_years": p.penalty.min_years,
                    "max_years": p.penalty.max_years,
                    "gravity": p.gravity,
                    "prosecution": _mode(p.gravity),
                }
                for p in a.parts.values()
            ],
            "elements": (logic.get(a.article) or {}).get("elements") or {},
            "rules": [{"id": r.id, "provision": r.provision, "says": r.says, "readings": list(r.readings)} for r in rules],
            "readings": {rid: rd[rid] for rid in sorted({x for r in rules for x in r.readings})},
        }

    if fmt is Fmt.json:
        data = [art_json(a) for a in chosen]
        sys.stdout.write(json.dumps(data[0] if article else data, ensure_ascii=False, indent=2) + "\n")
        return
    if article is None:
        t = Table(title=f"Rule base — Criminal Code 2021, text of {edition()['consolidated_to']}", box=None, pad_edge=False)
        for c in ("art.", "title", "part", "prison", "gravity", "prosecution", "age"):
            t.add_column(c, no_wrap=c != "title")

        def prison(p) -> str:
            lo, hi = p.penalty.min_years, p.penalty.max_years
            if not hi:
                return "none"
            return f"{lo:g}–{hi:g} y" if lo else f"≤{hi:g} y"

        for a in chosen:
            if not a.parts:
                t.add_row(a.article, a.title, "—", "?", "unverified", "?", str(a.capacity_age))
            for k, p in enumerate(a.parts.values()):
                t.add_row(
                    a.article if k == 0 else "",
                    a.title if k == 0 else "",
                    "—" if p.part is None else str(p.part),
                    prison(p),
                    p.gravity.replace("_", " "),
                    (_mode(p.gravity) or "?").replace("_", "-"),
                    str(a.capacity_age) if k == 0 else "",
                )
        out.print(t)
        out.print(
            "Age: the offender's age of liability (CC art. 28). `thb articles 166` shows one article: its parts, "
            "items and penalties, its elements and rules in plain words, and the readings behind them."
        )
        return
    a = chosen[0]
    j = art_json(a)
    out.print(f"[bold]CC art. {a.article} — {a.title}[/bold] ({a.title_ru})")
    out.print(a.summary)
    if not a.verified:
        out.print("[bold red]UNVERIFIED[/bold red]: not in the 2024 text; " + str(a.raw.get("note", "")))
    out.print(f"Liability from age {a.capacity_age} (CC art. 28). Source: {j['source']}")
    for p in j["parts"]:
        out.print(f"\n[bold]Part {p['part'] if p['part'] is not None else '—'}[/bold]: {p['statement']}")
        for k, v in p["items"].items():
            out.print(f"  item {k}: {v}")
        out.print(
            f"  penalty: {p['penalty']} — {p['gravity'].replace('_', ' ')}, {(p['prosecution'] or '?').replace('_', '-')} prosecution"
        )
    for n in a.notes:
        out.print(f"\n[bold]Note[/bold]: {n.get('statement') or n.get('text') or n}")
    if j["elements"]:
        out.print("\n[bold]Elements[/bold]")
        for name, meta in j["elements"].items():
            out.print(f"  {name}: {meta['label']} ({meta['source']})")
    if j["rules"]:
        out.print("\n[bold]Rules[/bold] (rules/articles/" + a.article + ".yaml)")
        for r in j["rules"]:
            tag = f" [yellow][{', '.join(r['readings'])}][/yellow]" if r["readings"] else ""
            out.print(f"  {r['id']}: {r['says']} — {r['provision']}{tag}")
    if j["readings"]:
        out.print("\n[bold]Readings[/bold] (the engine's interpretation; rival view in grey)")
        for rid, r in j["readings"].items():
            out.print(f"  {rid}: {r['reading']}")
            if r.get("rival"):
                out.print(f"    [dim]rival: {r['rival']}[/dim]")


# Extension commands: each module adds its commands to `app`.
from .cases_cli import register as _register_cases  # noqa: E402

_register_cases(app)


def main() -> None:
    """Entry point: bad input exits 2 with a one-screen message; never a traceback."""
    try:
        app()  # standalone mode: usage errors exit 2, typer.Exit exits with its own code
    except InputError as e:
        err.print(f"[red]error[/red] {e}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - the user gets a message, not a traceback
        if os.environ.get("THB_DEBUG"):
            raise
        err.print(
            f"[red]internal error[/red] {type(e).__name__}: {e}\n"
            "This is a defect in thb, not in your input. Re-run with THB_DEBUG=1 for the details and report it."
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
