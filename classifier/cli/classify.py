"""`thb classify`, `thb validate`, `thb schema`: fact patterns in, findings out."""

from __future__ import annotations

import json
import sys
from enum import Enum

import typer
from rich.text import Text

from ..i18n import tr
from ..records import load
from .common import Fmt, err, error_text, load_or_exit, out, refuse_drafts


def classify(
    files: list[str] = typer.Argument(
        ..., metavar="FILE...", help="Fact patterns: YAML, JSON or JSON Lines; `-` reads standard input."
    ),
    fmt: Fmt = typer.Option(Fmt.text, "--format", "-f", help="text: a readable report; json: the findings object."),
    explain: bool = typer.Option(False, "--explain", help="Show every element table and the rival view of each reading."),
    fail_on_misclassification: bool = typer.Option(
        False, "--fail-on-misclassification", help="Exit 1 when a misclassification is flagged (for scripts)."
    ),
    draft: bool = typer.Option(
        False, "--draft", help="Classify unconfirmed machine drafts (thb extract) as they are; each report then says so first."
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
    from ..analysis.pipeline import classify as run
    from ..render.text import render

    recs = load_or_exit(files)
    unconfirmed = refuse_drafts(recs, draft)
    results = [run(r.facts) for r in recs]
    for f, r in zip(results, recs, strict=True):
        if id(r) in unconfirmed:  # the first line of its report: the facts are a machine draft
            f.warnings.insert(0, tr("draft.banner"))
    if fmt is Fmt.json:
        data = [f.model_dump(mode="json") for f in results]
        sys.stdout.write(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n")
    else:
        for f, r in zip(results, recs, strict=True):
            if id(r) in unconfirmed:
                out.print(f"[bold red]{tr('draft.banner')}[/bold red]", highlight=False)
            render(f, out, explain=explain, facts=r.facts)
    if fail_on_misclassification and any(f.misclassification for f in results):
        raise typer.Exit(1)


def validate(
    files: list[str] = typer.Argument(
        ..., metavar="FILE...", help="Fact patterns or JSON Lines batches; `-` reads standard input."
    ),
) -> None:
    """Check fact patterns without classifying: every bad record is listed with its path and problem.

    Example:

        thb validate case.yaml batch.jsonl
    """
    batches = [f for f in files if f.lower().endswith((".csv", ".jsonl", ".ndjson"))]
    csv_files = batches
    if batches:  # audit batches (CSV, JSON Lines): streamed by the audit reader, never held in memory
        from ..audit import validate_stream

        total = errors = 0
        for path in batches:
            fmt = "csv" if path.lower().endswith(".csv") else "jsonl"
            for _line, error in validate_stream(path, fmt, None):
                total += 1
                if error:
                    errors += 1
                    err.print(error_text(error, "input.invalid"), highlight=False, soft_wrap=True)
        files = [f for f in files if f not in csv_files]
        if not files:
            (err if errors else out).print(Text(tr("input.valid_summary", ok=total - errors, total=total)), highlight=False)
            if errors:
                raise typer.Exit(2)
            return
    recs = load(files)
    bad = [r for r in recs if r.error]
    for r in bad:
        err.print(error_text(r.error or "", "input.invalid"), highlight=False, soft_wrap=True)
    ok = len(recs) - len(bad)
    (err if bad else out).print(Text(tr("input.valid_summary", ok=ok, total=len(recs))), highlight=False)
    if bad:
        raise typer.Exit(2)


class RefFmt(str, Enum):
    text = "text"
    md = "md"


def schema(
    explain: bool = typer.Option(
        False, "--explain", help="Print the reference of the format instead: every key and value, its meaning and legal effect."
    ),
    fmt: RefFmt = typer.Option(
        None,
        "--format",
        "-f",
        help="The reference as text wrapped to the terminal (the default) or as Markdown (md), as docs/facts.md has it; "
        "implies --explain.",
        show_default=False,
    ),
) -> None:
    """Print the JSON Schema of a fact pattern (version 1), generated from the models; with --explain, what every key and value means.

    The reference (--explain) gives every key of a fact pattern with what it holds, and every value
    with its meaning, its legal effect, the reading it is counted by and its source, in the
    language in force. It is generated from rules/vocabulary.yaml and the models, as docs/facts.md
    is (English and Russian).

    Examples:

        thb schema > fact-pattern.schema.json
        thb schema --explain
        thb schema --explain --lang ru
        thb schema --explain --format md > facts.md
    """
    if explain or fmt is not None:
        from .. import i18n
        from ..render import reference

        if fmt is RefFmt.md:
            sys.stdout.write(reference.markdown(i18n.lang()))
        else:
            reference.show(out, i18n.lang())
        return
    from ..models import FactPattern

    sys.stdout.write(json.dumps(FactPattern.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


def register(app: typer.Typer) -> None:
    app.command()(classify)
    app.command()(validate)
    app.command()(schema)
