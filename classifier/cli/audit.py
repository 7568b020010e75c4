"""The `thb audit` and `thb report` commands (docs/audit.md); `register(app)` adds them to `thb`."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from enum import Enum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import InputError
from ..fileio import output_target, write_atomic
from ..i18n import tr
from ..render.unbroken import wrap
from ..safetext import clip, console


class InFmt(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


class RepFmt(str, Enum):
    text = "text"
    json = "json"


def _err() -> Console:
    return console(stderr=True)


def audit(
    input: str = typer.Argument(
        None,
        metavar="INPUT",
        help="The batch: JSON Lines (.jsonl, one fact pattern per line) or CSV (.csv, one case per row).",
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
        metavar="N",
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
    draft: bool = typer.Option(
        False, "--draft", help="Classify unconfirmed machine drafts (thb extract) too; every report then says so first."
    ),
    chunk_size: int = typer.Option(
        None,
        "--chunk-size",
        metavar="N",
        min=1,
        max=10000,
        help="Records sent to a worker at a time (default: up to 200).",
        show_default=False,
    ),
    commit_interval: float = typer.Option(
        1.0,
        "--commit-interval",
        metavar="SECONDS",
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
        # after an interruption
        thb audit registry-2019-2024.csv --out audit.sqlite --resume
        thb report audit.sqlite --html audit.html

        # the CSV columns, with an example row
        thb audit --csv-template > registry.csv
        # for a pipeline
        thb audit cases.jsonl --out findings.jsonl --jobs 4
        # one shard of a larger audit
        thb audit big.jsonl --lines 1:500000 --out shard1.sqlite

    Exit codes: 0 the audit is complete (invalid records are listed in the table invalid); 2 bad input or
    options (the message names the file and line); 130 interrupted (progress saved; --resume continues).
    """
    from .. import audit as A

    err = _err()
    if csv_template:
        sys.stdout.write(A.csv_template())
        return
    if input is None:
        raise InputError(tr("audit.opt.need_input"))
    rng = A.parse_lines(lines) if lines else None
    fmt = input_format.value if input_format else None
    if validate_only:
        _validate_only(err, input, fmt, rng)
        return
    if out is None:
        raise InputError(tr("audit.opt.need_out"))
    A.out_kind(out)
    os.environ["THB_AUDIT_DRAFTS"] = "1" if draft else "0"  # the worker processes read it (audit.drafts_allowed)
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
        command = f"thb audit {input} --out {out} --resume"
        err.print(Text(tr("audit.run.interrupted", db=A.work_db(out), command=command)), highlight=False, soft_wrap=True)
        _exit_now_if_hard(130)
        raise typer.Exit(130) from None
    except A.AuditFailure as e:
        err.print(Text.assemble((tr("audit.run.error"), "red"), " ", str(e)), highlight=False, soft_wrap=True)
        _exit_now_if_hard(3)
        raise typer.Exit(3) from None
    except (sqlite3.Error, OSError) as e:  # disk full, permissions, a file changed underneath
        if isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "busy" in str(e)):
            stopped = tr("audit.run.locked", error=clip(e, 200), db=A.work_db(out))  # never advise a second writer
        else:
            stopped = tr("audit.run.stopped", error=clip(e, 200), db=A.work_db(out))
        err.print(Text.assemble((tr("audit.run.error"), "red"), " ", stopped), highlight=False, soft_wrap=True)
        _exit_now_if_hard(2)
        raise typer.Exit(2) from None
    for n in result.notes:
        err.print(Text(tr("audit.run.note", note=n)), highlight=False, soft_wrap=True)
    if result.status == "already_complete":
        err.print(Text(tr("audit.run.nothing_to_do", out=out)), highlight=False)
        return
    rate = result.records / result.seconds if result.seconds > 0 else 0.0
    resumed = tr("audit.run.resumed", line=result.resumed_from_line) if result.resumed_from_line else ""
    summary = tr(
        "audit.run.summary",
        records=result.records,
        seconds=f"{result.seconds:.1f}",
        rate=f"{rate:,.0f}",
        resumed=resumed,
        cases=result.total_results,
        invalid=result.total_invalid,
        out=out,
    )
    err.print(Text(summary), highlight=False, soft_wrap=True)
    for e in result.examples:
        err.print(Text.assemble((tr("audit.run.invalid"), "yellow"), " ", e), highlight=False, soft_wrap=True)
    if result.total_invalid > len(result.examples):
        where = tr("audit.run.where_sqlite") if A.out_kind(out) == "sqlite" else tr("audit.run.where_export")
        err.print(Text(tr("audit.run.invalid_in_all", n=result.total_invalid, where=where)), highlight=False)


def _exit_now_if_hard(code: int) -> None:
    """After a worker was killed while the audit stopped (see `audit._Pool.stop`): end without waiting
    for the pool's threads. Everything is committed and said; the kernel releases the writer lock."""
    from .. import audit as A

    if A.hard_stopped():
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _progress(err: Console) -> tuple[Any, Any]:
    """A rich progress bar with rate and ETA on a terminal; nothing otherwise."""
    import contextlib

    if not err.is_terminal:
        return contextlib.nullcontext(), None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(tr("audit.progress.auditing"), markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(tr("audit.progress.lines"), markup=False),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn(tr("audit.progress.eta"), markup=False),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    state: dict[str, Any] = {}

    def callback(done: int, total: int, records: int, seconds: float) -> None:
        rate = tr("audit.progress.rate", rate=f"{records / seconds:,.0f}") if seconds > 0.5 else ""
        if "task" not in state:
            state["task"] = bar.add_task("audit", total=total or None, completed=done, rate=rate)
        else:
            bar.update(state["task"], completed=done, total=total or None, rate=rate)

    return bar, callback


def _validate_only(err: Console, path: str, fmt: str | None, rng: tuple[int, int | None] | None) -> None:
    from .. import audit as A

    total = bad = 0
    for _line, error in A.validate_stream(path, fmt, rng):
        total += 1
        if error:
            bad += 1
            if bad <= 50:
                err.print(Text.assemble((tr("audit.run.invalid"), "red"), " ", error), highlight=False, soft_wrap=True)
    if bad > 50:
        err.print(Text(tr("audit.run.more_invalid", n=bad - 50)), highlight=False)
    msg = Text(tr("audit.run.valid", ok=total - bad, total=total))
    if bad:
        err.print(msg, highlight=False)
        raise typer.Exit(2)
    console().print(msg, highlight=False)


def report(
    files: list[str] = typer.Argument(
        ..., metavar="RESULTS.sqlite...", help="Results databases written by `thb audit`; several are merged (shards)."
    ),
    html_out: str = typer.Option(
        None, "--html", metavar="FILE", help="Also write the report as one self-contained HTML page.", show_default=False
    ),
    top: int = typer.Option(
        20, "--top", metavar="N", min=0, max=100000, help="How many cases each list shows (most severe first)."
    ),
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
    from .. import audit as A

    if html_out:
        output_target(html_out, "--html", files)  # before any work: never the page over a database
    data = A.report_data(files, top=top)
    if html_out:
        write_atomic(html_out, A.render_html(data), "--html", files)
    if fmt is RepFmt.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _render_text(data, console())
    if html_out:
        _err().print(Text(tr("audit.report.wrote", path=html_out)), highlight=False)


def _render_text(data: dict[str, Any], out: Console) -> None:
    """The report for a reader; every word comes from `classifier/locales/audit.*.yaml` (it follows --lang).
    Narrower than WIDE, the lists of cases are blocks (a case id, where it is, then its details);
    the cross-tabulation is cut into as many tables as the width needs. No case id and no article
    reference is broken across lines."""
    from ..audit import kind_label, severity_label, shown

    t = data["totals"]
    if t.get("unconfirmed_drafts"):
        _para(out, tr("audit.report.drafts", n=t["unconfirmed_drafts"]), "bold red")
    _para(out, tr("audit.title"), "bold")
    _para(out, tr("audit.files", n=len(data["files"]), paths=", ".join(f["path"] for f in data["files"])))
    inputs = list(dict.fromkeys(f["input"] for f in data["files"] if f["input"]))
    if inputs:
        _para(out, tr("audit.inputs", paths=", ".join(inputs)))
    for w in data["warnings"]:
        _para(out, tr("audit.warning", text=w), "yellow")
    _para(
        out,
        tr(
            "audit.totals",
            cases=t["cases"],
            made_out=t["trafficking_made_out"],
            charged=t["trafficking_made_out_and_charged"],
            mis=t["with_misclassification"],
            punished_cases=t["victims_punished_cases"],
            punished=t["victims_punished"],
            recon=t["reconciliation_misuse_cases"],
            invalid=t["invalid"],
        ),
    )
    kept = [f["path"] for f in data["files"] if f["keep_text"]]
    where = tr("audit.free_text.stored_in", paths=", ".join(kept)) if kept else tr("audit.free_text.not_stored")
    _para(out, tr("audit.free_text", where=where), "dim")
    _crosstab(out, data)
    sev_style = {"high": "bold red", "medium": "yellow", "low": "cyan"}
    if data["misclassifications"]:
        tab = Table(title=tr("audit.mis.title"), title_justify="left")
        for c, j in (("kind", "left"), ("severity", "left"), ("flags", "right"), ("cases", "right")):
            tab.add_column(tr(f"audit.col.{c}"), justify=j)
        for m in data["misclassifications"]:
            tab.add_row(
                kind_label(m["kind"]),
                Text(severity_label(m["severity"]), style=sev_style[m["severity"]]),
                str(m["flags"]),
                str(m["cases"]),
            )
        out.print(tab)
    else:
        out.print(Text("\n" + tr("audit.mis.none"), style="italic"))
    narrow = out.width < WIDE
    if data["reopen"]:
        title = tr("audit.reopen.title", n=len(data["reopen"]))
        rows = [
            (
                c,
                [f"{tr('audit.col.charged')}: {shown(c['charged'])} → {tr('audit.col.engine')}: {shown(c['engine'])}"],
                c["reasons"],
            )
            for c in data["reopen"]
        ]
        if narrow:
            _blocks(out, title, rows, sev_style, numbered=True)
        else:
            _table(
                out,
                title,
                ("where", "charged", "engine", "why"),
                [(c, [shown(c["charged"]), shown(c["engine"]), "\n".join(c["reasons"])]) for c in data["reopen"]],
                sev_style,
                numbered=True,
            )
    else:
        out.print(Text("\n" + tr("audit.reopen.none"), style="italic"))
    title = tr("audit.punished.title", cases=t["victims_punished_cases"], victims=t["victims_punished"])
    if data["victims_punished"]:
        cols = ("where", "victim_charged_with", "non_punishment")
        cases = data["victims_punished"]
        if narrow:
            rows = [
                (
                    c,
                    [f"{tr('audit.col.victim_charged_with')}: {c['charged_with']}"],
                    [f"{tr('audit.col.non_punishment')}: {c['non_punishment']}"] if c["non_punishment"] else [],
                )
                for c in cases
            ]
            _blocks(
                out,
                title,
                rows,
                sev_style,
            )
        else:
            _table(out, title, cols, [(c, [c["charged_with"], c["non_punishment"] or ""]) for c in cases], sev_style)
        _more(out, t["victims_punished_cases"], len(cases))
    else:
        out.print(Text("\n" + tr("audit.none", title=title), style="italic"))
    title = tr("audit.recon.title", cases=t["reconciliation_misuse_cases"])
    if data["reconciliation_misuse"]:
        cases = data["reconciliation_misuse"]
        if narrow:
            line = "{0}: {1} → {2}: {3}"
            _blocks(
                out,
                title,
                [
                    (
                        c,
                        [line.format(tr("audit.col.charged"), shown(c["charged"]), tr("audit.col.engine"), shown(c["engine"]))],
                        [],
                    )
                    for c in cases
                ],
                sev_style,
            )
        else:
            _table(
                out,
                title,
                ("where", "charged", "engine"),
                [(c, [shown(c["charged"]), shown(c["engine"])]) for c in cases],
                sev_style,
            )
        _more(out, t["reconciliation_misuse_cases"], len(cases))
    else:
        out.print(Text("\n" + tr("audit.none", title=title), style="italic"))
    if data["duplicates"]:
        tab = Table(title=tr("audit.dups.title", n=t["duplicates_across_files"]), title_justify="left")
        for c in ("case", "counted_from", "also_in"):
            tab.add_column(tr(f"audit.col.{c}"), overflow="fold")
        for d in data["duplicates"]:
            tab.add_row(Text(d["case_id"]), Text(d["first"]), Text(d["also"]))
        out.print(tab)
    _invalid(out, data, narrow)


def _invalid(out: Console, data: dict[str, Any], narrow: bool) -> None:
    """The records that were not classified: where each is, its case id, and its problem."""
    total = data["totals"]["invalid"]
    title = tr("audit.invalid.title", n=total)
    bad = data.get("invalid") or []
    if not total:
        out.print(Text("\n" + tr("audit.none", title=title), style="italic"))
        return
    rows = []
    for b in bad:
        cid = b["case_id"] if b["case_id"] is not None else tr("audit.invalid.no_id")
        shown_kind = [b["kind_label"]] if b["kind"] != "invalid" else []
        rows.append(({**b, "case_id": cid, "max_severity": None}, shown_kind, [b["problem"]]))
    if narrow:
        _blocks(out, title, rows, {}, lead_where=True)
    else:
        _table(
            out,
            title,
            ("where", "problem"),
            [(c, ["; ".join([*k, *p])]) for c, k, p in rows],
            {},
            lead_where=True,
        )
    if total > len(bad):
        _para(out, tr("audit.invalid.more", n=total - len(bad)), "dim")


WIDE = 110  # narrower terminals get the lists of cases as blocks, not tables
CASE_ID_WIDTH = 40  # in a table, a case number up to this long is never broken across lines


def _para(out: Console, text: str, style: str = "", indent: int = 0) -> None:
    """A paragraph wrapped to the terminal at blanks outside article references and case ids."""
    lines = wrap(text, max(20, out.width - indent), indent=" " * indent, first=" " * indent)
    out.print(Text("\n".join(lines), style=style), no_wrap=True, overflow="ignore")


def _crosstab(out: Console, data: dict[str, Any]) -> None:
    """Charged article × engine primary article, cut into as many tables (each with the row labels,
    the last with the row totals) as the terminal's width needs; no reference is broken."""
    from ..audit import shown

    ct = data["crosstab"]
    t = data["totals"]
    heads = [shown(c) for c in ct["columns"]]
    labels = [shown(r) for r in ct["rows"]] + [tr("audit.col.total")]
    label_w = min(max(len(x) for x in [tr("audit.col.charged_as"), *labels]), max(24, max(map(_unit, labels))))
    widths = [max(_unit(h), len(str(ct["column_totals"][c]))) for h, c in zip(heads, ct["columns"], strict=True)]
    total_w = max(len(tr("audit.col.total")), len(str(t["cases"])))
    groups: list[list[int]] = [[]]
    for i, w in enumerate(widths):
        used = label_w + sum(widths[j] for j in groups[-1]) + w + 3 * (len(groups[-1]) + 2) + 1
        last = i == len(widths) - 1
        if groups[-1] and used + (total_w + 3 if last else 0) > out.width:
            groups.append([])
        groups[-1].append(i)
    if groups[-1] and label_w + sum(widths[j] for j in groups[-1]) + total_w + 3 * (len(groups[-1]) + 2) + 1 > out.width:
        groups.append([])  # the totals alone
    for n, cols in enumerate(groups):
        last = n == len(groups) - 1
        title = tr("audit.crosstab.title") if n == 0 else tr("audit.crosstab.continued")
        tab = Table(title=title, title_justify="left")
        tab.add_column(tr("audit.col.charged_as"), width=label_w, no_wrap=True)
        for i in cols:
            tab.add_column(Text("\n".join(wrap(heads[i], widths[i]))), justify="right", width=widths[i], no_wrap=True)
        if last:
            tab.add_column(tr("audit.col.total"), justify="right", style="bold", width=total_w, no_wrap=True)
        for r, label in zip(ct["rows"], labels, strict=False):
            cells = [str(ct["counts"][r].get(ct["columns"][i], "")) for i in cols]
            tab.add_row(Text("\n".join(wrap(label, label_w))), *cells, *([str(ct["row_totals"][r])] if last else []))
        tot = [str(ct["column_totals"][ct["columns"][i]]) for i in cols]
        tab.add_row(Text(tr("audit.col.total"), style="bold"), *tot, *([str(t["cases"])] if last else []))
        out.print(tab)


def _unit(text: str) -> int:
    """The longest part of `text` that must stay on one line: a word, or a whole article reference."""
    from ..render.unbroken import pieces

    longest = 0
    for part, locked in pieces(text):
        longest = max([longest, len(part)] if locked else [longest, *(len(w) for w in part.split())])
    return longest


def _blocks(
    out: Console,
    title: str,
    rows: list[tuple[dict[str, Any], list[str], list[str]]],
    sev_style: dict,
    numbered: bool = False,
    lead_where: bool = False,
) -> None:
    """A list of cases for a narrow terminal: a block each — its number, the case id whole and
    where the record is; then its lines; then its points, one a line — so that nothing is cut."""
    out.print()
    _para(out, title, "italic")
    width = len(str(len(rows)))
    pad = width + 2 if numbered else 2
    for i, (c, lines, points) in enumerate(rows, 1):
        head = Text(f"{i:>{width}}. " if numbered else "- ")
        first, second = (c["where"], c["case_id"]) if lead_where else (c["case_id"], c["where"])
        head.append(first, style=sev_style.get(c.get("max_severity") or "", "bold") if not lead_where else "dim")
        head.append("  ")
        head.append(second, style="dim" if not lead_where else "bold")
        out.print(head, overflow="fold")
        for line in lines:
            _para(out, line, indent=pad)
        for p in points:
            out.print(Text("\n".join(wrap(p, max(20, out.width - pad - 2), indent=" " * (pad + 2), first=" " * pad + "• "))))


def _table(
    out: Console,
    title: str,
    cols: tuple[str, ...],
    rows: list[tuple[dict[str, Any], list[str]]],
    sev_style: dict,
    numbered: bool = False,
    lead_where: bool = False,
) -> None:
    """A list of cases as a table, for a wide terminal: the case ids whole (up to CASE_ID_WIDTH)."""
    tab = Table(title=title, title_justify="left")
    if numbered:
        tab.add_column("#", no_wrap=True)
    ids = [c["case_id"] for c, _ in rows]
    case_col = (tr("audit.col.case"), {"min_width": min(CASE_ID_WIDTH, max(map(len, ids), default=0)), "overflow": "fold"})
    where_col = (tr("audit.col.where"), {"no_wrap": True})
    rest = [(tr(f"audit.col.{c}"), {"overflow": "fold", "ratio": 1}) for c in cols if c != "where"]
    order = [where_col, case_col, *rest] if lead_where else [case_col, where_col, *rest]
    for head, kw in order:
        tab.add_column(head, **kw)
    for i, (c, cells) in enumerate(rows, 1):
        case = Text(c["case_id"], style=sev_style.get(c.get("max_severity") or "", ""))
        where = Text(c["where"], style="dim")
        first = [where, case] if lead_where else [case, where]
        tab.add_row(*([str(i)] if numbered else []), *first, *(Text(x) for x in cells))
    out.print(tab)


def _more(out: Console, total: int, shown: int) -> None:
    if total > shown:
        _para(out, tr("audit.more", n=total - shown), "dim")


def register(app: typer.Typer) -> None:
    """Add `audit` and `report` to the given typer app."""
    app.command("audit")(audit)
    app.command("report")(report)
