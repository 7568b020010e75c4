"""The `thb audit` and `thb report` commands (docs/audit.md); `register(app)` adds them to `thb`."""

from __future__ import annotations

import json
import sqlite3
import sys
from enum import Enum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .loader import InputError


class InFmt(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


class RepFmt(str, Enum):
    text = "text"
    json = "json"


def _err() -> Console:
    return Console(stderr=True)


def audit(
    input: str = typer.Argument(
        None,
        metavar="INPUT",
        help="The batch: JSON Lines (.jsonl, one FACTS.md fact pattern per line) or CSV (.csv, one case per row).",
        show_default=False,
    ),
    out: str = typer.Option(
        None,
        "--out",
        "-o",
        metavar="RESULTS",
        help="Where the results go: .sqlite (the resumable results database), or .jsonl / .csv for pipelines "
        "(written whole at the end: a temporary file, then a rename).",
        show_default=False,
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Continue an interrupted audit in --out: nothing lost, nothing done twice."
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing --out and start over."),
    jobs: int = typer.Option(
        None,
        "--jobs",
        "-j",
        min=1,
        max=256,
        help="Worker processes (default: all cores). Results never depend on it.",
        show_default=False,
    ),
    lines: str = typer.Option(
        None,
        "--lines",
        metavar="START:END",
        help="Only records starting on input lines START..END (1-based, inclusive; either side may be left out): "
        "one shard of a large audit.",
        show_default=False,
    ),
    keep_text: bool = typer.Option(
        False,
        "--keep-text",
        help="Also store the free-text fields (summary, offence notes). Off by default: they describe victims.",
    ),
    input_format: InFmt = typer.Option(
        None,
        "--input-format",
        help="The input format when the file name does not say (.jsonl/.ndjson or .csv).",
        show_default=False,
    ),
    validate_only: bool = typer.Option(
        False,
        "--validate-only",
        help="Only check the records (JSON Lines or CSV); classify nothing, write nothing. Exit 2 if any is invalid.",
    ),
    csv_template: bool = typer.Option(False, "--csv-template", help="Print the CSV header and an example row, and exit."),
    chunk_size: int = typer.Option(
        None,
        "--chunk-size",
        min=1,
        max=10000,
        help="Records sent to a worker at a time (default: up to 200).",
        show_default=False,
    ),
    commit_interval: float = typer.Option(
        1.0,
        "--commit-interval",
        min=0.0,
        max=3600.0,
        help="Seconds between commits (at most this much work is redone after a crash).",
    ),
) -> None:
    """Re-screen a batch of past cases: which of them make out trafficking, wrong parts, punished victims, misused reconciliation.

    Every record is validated and classified by worker processes and stored, in input order, in
    the SQLite database --out: table [bold]results[/bold] (one row per case: charged articles, the engine's primary
    article and part, misclassification kinds and severity, prosecution mode, reconciliation,
    non-punishment, the full findings JSON), table [bold]invalid[/bold] (line, case id, error) — a malformed record
    never stops the audit — and table [bold]meta[/bold] (input hash, engine version, progress). Commits are
    transactional: after Ctrl-C, a crash or a power cut, --resume continues where the last commit ended.
    Free text (summary, offence notes) is left out unless --keep-text. docs/audit.md has the CSV columns.

    Example:

        thb audit registry-2019-2024.csv --out audit.sqlite
        thb audit registry-2019-2024.csv --out audit.sqlite --resume     # after an interruption
        thb report audit.sqlite --html audit.html

        thb audit --csv-template > registry.csv                          # the CSV columns, with an example row
        thb audit cases.jsonl --out findings.jsonl --jobs 4              # for a pipeline
        thb audit big.jsonl --lines 1:500000 --out shard1.sqlite         # one shard of a larger audit

    Exit codes: 0 the audit is complete (invalid records are listed in the table invalid); 2 bad input or
    options (the message names the file and line); 130 interrupted (progress saved; --resume continues).
    """
    from . import audit as A

    err = _err()
    if csv_template:
        sys.stdout.write(A.csv_template())
        return
    if input is None:
        raise InputError("thb audit needs an INPUT file (JSON Lines or CSV); `thb audit --help` shows examples")
    rng = A.parse_lines(lines) if lines else None
    fmt = input_format.value if input_format else None
    if validate_only:
        _validate_only(err, input, fmt, rng)
        return
    if out is None:
        raise InputError("thb audit needs --out RESULTS.sqlite (or .jsonl / .csv); `thb audit --help` shows examples")
    A.out_kind(out)
    opts = A.AuditOptions(
        input=input,
        out=out,
        input_format=fmt,
        jobs=jobs,
        resume=resume,
        force=force,
        keep_text=keep_text,
        lines=rng,
        chunk_size=chunk_size,
        commit_interval=commit_interval,
    )
    progress_ctx, callback = _progress(err)
    try:
        with progress_ctx:
            result = A.run_audit(opts, callback)
    except KeyboardInterrupt:
        err.print(
            f"interrupted: the work committed so far is saved in {A.work_db(out)}; "
            f"`thb audit {input} --out {out} --resume` continues it",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(130) from None
    except A.AuditFailure as e:
        err.print(f"[red]error[/red] {e}", highlight=False, soft_wrap=True)
        raise typer.Exit(3) from None
    except (sqlite3.Error, OSError) as e:  # disk full, permissions, a file changed underneath
        err.print(
            f"[red]error[/red] the audit stopped: {e}. The work committed so far is kept in {A.work_db(out)}; "
            "fix the cause and continue with --resume.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    for n in result.notes:
        err.print(f"note: {n}", highlight=False, soft_wrap=True)
    if result.status == "already_complete":
        err.print(f"{out}: nothing to do; the audit was already complete", highlight=False)
        return
    rate = result.records / result.seconds if result.seconds > 0 else 0.0
    resumed = f" (resumed at line {result.resumed_from_line})" if result.resumed_from_line else ""
    err.print(
        f"audited {result.records} records in {result.seconds:.1f} s ({rate:,.0f}/s){resumed}: "
        f"{result.total_results} cases, {result.total_invalid} invalid → {out}",
        highlight=False,
        soft_wrap=True,
    )
    for e in result.examples:
        err.print(f"[yellow]invalid[/yellow] {e}", highlight=False, soft_wrap=True, markup=True)
    if result.total_invalid > len(result.examples):
        where = "the table `invalid`" if A.out_kind(out) == "sqlite" else 'the lines with "status": "invalid"'
        err.print(f"... {result.total_invalid} invalid records in all: see {where}", highlight=False)


def _progress(err: Console) -> tuple[Any, Any]:
    """A rich progress bar with rate and ETA on a terminal; nothing otherwise."""
    import contextlib

    if not err.is_terminal:
        return contextlib.nullcontext(), None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("auditing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("lines"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    state: dict[str, Any] = {}

    def callback(done: int, total: int, records: int, seconds: float) -> None:
        rate = f"{records / seconds:,.0f} records/s" if seconds > 0.5 else ""
        if "task" not in state:
            state["task"] = bar.add_task("audit", total=total or None, completed=done, rate=rate)
        else:
            bar.update(state["task"], completed=done, total=total or None, rate=rate)

    return bar, callback


def _validate_only(err: Console, path: str, fmt: str | None, rng: tuple[int, int | None] | None) -> None:
    from . import audit as A

    total = bad = 0
    for _line, error in A.validate_stream(path, fmt, rng):
        total += 1
        if error:
            bad += 1
            if bad <= 50:
                err.print(f"[red]invalid[/red] {error}", highlight=False, soft_wrap=True, markup=True)
    if bad > 50:
        err.print(f"... and {bad - 50} more invalid records", highlight=False)
    msg = f"{total - bad} of {total} records valid"
    if bad:
        err.print(msg, highlight=False)
        raise typer.Exit(2)
    Console().print(msg, highlight=False)


def report(
    files: list[str] = typer.Argument(
        ..., metavar="RESULTS.sqlite...", help="Results databases written by `thb audit`; several are merged (shards)."
    ),
    html_out: str = typer.Option(
        None, "--html", metavar="FILE", help="Also write the report as one self-contained HTML page.", show_default=False
    ),
    top: int = typer.Option(20, "--top", min=0, max=100000, help="How many cases each list shows (most severe first)."),
    fmt: RepFmt = typer.Option(
        RepFmt.text, "--format", "-f", help="text: tables for a reader; json: the same figures for scripts."
    ),
) -> None:
    """Summarise audit results for a meeting: charged versus engine qualification, misclassifications, punished victims, cases to reopen.

    Prints the cases by charged article × engine primary article, misclassifications by kind and
    severity, victims punished for what they were made to do, cases terminated by a reconciliation
    the law does not permit, and the top cases to reopen (most severe first). Several results files
    (shards of one audit) are merged: a case id found in two files is counted once and flagged.
    No free text is shown.

    Example:

        thb report audit.sqlite
        thb report shard-*.sqlite --html audit.html --top 50
        thb report audit.sqlite --format json | jq '.totals'

    Exit codes: 0 report produced; 2 a file is missing or is not an audit results database.
    """
    from . import audit as A

    data = A.report_data(files, top=top)
    if html_out:
        A.write_atomic(html_out, A.render_html(data))
    if fmt is RepFmt.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _render_text(data, Console())
    if html_out:
        _err().print(f"wrote {html_out}", highlight=False)


def _render_text(data: dict[str, Any], out: Console) -> None:
    t = data["totals"]
    out.print(Text("Trafficking audit report", style="bold"))
    out.print(Text(f"{len(data['files'])} results file(s): " + ", ".join(f["path"] for f in data["files"])))
    for w in data["warnings"]:
        out.print(Text("warning: " + w, style="yellow"))
    out.print(
        Text(
            f"{t['cases']} cases re-screened; trafficking made out in {t['trafficking_made_out']} "
            f"(charged as trafficking in {t['trafficking_made_out_and_charged']}); {t['with_misclassification']} with a "
            f"misclassification; {t['victims_punished_cases']} with a victim punished ({t['victims_punished']} victims); "
            f"{t['reconciliation_misuse_cases']} terminated by a reconciliation not permitted; {t['invalid']} invalid records."
        )
    )
    kept = [f["path"] for f in data["files"] if f["keep_text"]]
    out.print(
        Text("Free text (summary, offence notes): " + (f"stored in {', '.join(kept)}" if kept else "not stored"), style="dim")
    )
    ct = data["crosstab"]
    tab = Table(title="Cases by charged article × engine primary article", title_justify="left")
    tab.add_column("charged as", no_wrap=True)
    for c in ct["columns"]:
        tab.add_column(Text(c), justify="right")
    tab.add_column("total", justify="right", style="bold")
    for r in ct["rows"]:
        tab.add_row(Text(r), *(str(ct["counts"][r].get(c, "")) for c in ct["columns"]), str(ct["row_totals"][r]))
    tab.add_row(Text("total", style="bold"), *(str(ct["column_totals"][c]) for c in ct["columns"]), str(t["cases"]))
    out.print(tab)
    sev_style = {"high": "bold red", "medium": "yellow", "low": "cyan"}
    if data["misclassifications"]:
        tab = Table(title="Misclassifications by kind and severity", title_justify="left")
        for c, j in (("kind", "left"), ("severity", "left"), ("flags", "right"), ("cases", "right")):
            tab.add_column(c, justify=j)
        for m in data["misclassifications"]:
            tab.add_row(
                m["kind"].replace("_", " "), Text(m["severity"], style=sev_style[m["severity"]]), str(m["flags"]), str(m["cases"])
            )
        out.print(tab)
    else:
        out.print(Text("\nMisclassifications: none flagged", style="italic"))
    if data["reopen"]:
        tab = Table(title=f"Top cases to reopen (most severe first; {len(data['reopen'])} shown)", title_justify="left")
        for c in ("#", "case", "where", "charged", "engine", "why"):
            tab.add_column(c, overflow="fold")
        for i, c in enumerate(data["reopen"], 1):
            tab.add_row(
                str(i),
                Text(c["case_id"], style=sev_style.get(c["max_severity"] or "", "")),
                Text(f"{c['file']}:{c['line']}"),
                Text(c["charged"]),
                Text(c["engine"]),
                Text("\n".join(c["reasons"])),
            )
        out.print(tab)
    else:
        out.print(Text("\nTop cases to reopen: none", style="italic"))
    title = f"Victims punished ({t['victims_punished_cases']} cases, {t['victims_punished']} victims)"
    if data["victims_punished"]:
        tab = Table(title=title, title_justify="left")
        for c in ("case", "where", "victim charged with", "non-punishment"):
            tab.add_column(c, overflow="fold")
        for c in data["victims_punished"]:
            tab.add_row(
                Text(c["case_id"]), Text(f"{c['file']}:{c['line']}"), Text(c["charged_with"]), Text(c["non_punishment"] or "")
            )
        out.print(tab)
        _more(out, t["victims_punished_cases"], len(data["victims_punished"]))
    else:
        out.print(Text(f"\n{title}: none", style="italic"))
    title = f"Terminated by a reconciliation not permitted ({t['reconciliation_misuse_cases']} cases)"
    if data["reconciliation_misuse"]:
        tab = Table(title=title, title_justify="left")
        for c in ("case", "where", "charged", "engine"):
            tab.add_column(c, overflow="fold")
        for c in data["reconciliation_misuse"]:
            tab.add_row(Text(c["case_id"]), Text(f"{c['file']}:{c['line']}"), Text(c["charged"]), Text(c["engine"]))
        out.print(tab)
        _more(out, t["reconciliation_misuse_cases"], len(data["reconciliation_misuse"]))
    else:
        out.print(Text(f"\n{title}: none", style="italic"))
    if data["duplicates"]:
        tab = Table(title=f"Case ids in more than one file ({t['duplicates_across_files']}; counted once)", title_justify="left")
        for c in ("case", "counted from", "also in"):
            tab.add_column(c, overflow="fold")
        for d in data["duplicates"]:
            tab.add_row(Text(d["case_id"]), Text(d["first"]), Text(d["also"]))
        out.print(tab)


def _more(out: Console, total: int, shown: int) -> None:
    if total > shown:
        out.print(Text(f"... and {total - shown} more (--top shows more; the results database has them all)", style="dim"))


def register(app: typer.Typer) -> None:
    """Add `audit` and `report` to the given typer app."""
    app.command("audit")(audit)
    app.command("report")(report)
