"""The `thb` command."""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
from enum import Enum
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from . import __version__, cli_help, i18n
from .i18n import tr
from .loader import InputError, load
from .safetext import clip, console, printable

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

out = console(soft_wrap=False)
err = console(stderr=True, soft_wrap=True)


def _error(message: str, label: str = "input.error", style: str = "red") -> Text:
    """`error <message>`: the message as plain text (a value in it is never rich markup)."""
    return Text.assemble((tr(label), style), " ", printable(message))


ERROR_LINES = 20  # the invalid records `classify` lists before "... and N more": one screen


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
    lang: str = typer.Option(
        None, "--lang", help="Language of the output: en (default) or ru; also THB_LANG. Works on every command."
    ),
) -> None:
    """thb — the trafficking-in-human-beings classifier."""


def _load_or_exit(files: list[str]):
    recs = load(files)
    bad = [r for r in recs if r.error]
    if bad:
        lines = shown = 0
        for r in bad:
            n = (r.error or "").count("\n") + 1
            if shown and lines + n > ERROR_LINES:
                break
            err.print(_error(r.error or ""), highlight=False, soft_wrap=True)
            lines += n
            shown += 1
        if len(bad) > shown:
            err.print(Text(tr("guard.more_invalid", n=len(bad) - shown)), highlight=False)
        err.print(Text(tr("input.invalid_summary", bad=len(bad), total=len(recs))), highlight=False)
        raise typer.Exit(2)
    return recs


def _refuse_drafts(recs, allowed: bool) -> set[int]:
    """Unconfirmed machine drafts (thb extract, docs/extract.md) are refused unless --draft; returns
    the ids of the records that are drafts."""
    drafts = [r for r in recs if r.facts is not None and r.facts.unconfirmed_draft]
    if drafts and not allowed:
        for r in drafts[:20]:
            name = r.source if r.line is None else f"{r.source}:{r.line}"
            err.print(f"[red]{tr('input.error')}[/red] {tr('draft.refused', name=name)}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    return {id(r) for r in drafts}


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
    from .engine import classify as run
    from .report import render

    recs = _load_or_exit(files)
    unconfirmed = _refuse_drafts(recs, draft)
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
    batches = [f for f in files if f.lower().endswith((".csv", ".jsonl", ".ndjson"))]
    csv_files = batches
    if batches:  # audit batches (CSV, JSON Lines): streamed by the audit reader, never held in memory
        from .audit import validate_stream

        total = errors = 0
        for path in batches:
            fmt = "csv" if path.lower().endswith(".csv") else "jsonl"
            for _line, error in validate_stream(path, fmt, None):
                total += 1
                if error:
                    errors += 1
                    err.print(_error(error, "input.invalid"), highlight=False, soft_wrap=True)
        files = [f for f in files if f not in csv_files]
        if not files:
            (err if errors else out).print(Text(tr("input.valid_summary", ok=total - errors, total=total)), highlight=False)
            if errors:
                raise typer.Exit(2)
            return
    recs = load(files)
    bad = [r for r in recs if r.error]
    for r in bad:
        err.print(_error(r.error or "", "input.invalid"), highlight=False, soft_wrap=True)
    ok = len(recs) - len(bad)
    (err if bad else out).print(Text(tr("input.valid_summary", ok=ok, total=len(recs))), highlight=False)
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
        thb articles 167 --lang ru
    """
    from .compiler import article_logic, programs
    from .engine import _mode, says
    from .i18n import cite, law
    from .ruledata import catalogue, edition, readings

    cat = catalogue()
    if article is not None and article not in cat:
        err.print(_error(tr("cli.no_article", article=clip(article), known=", ".join(cat))), highlight=False)
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


# Extension commands: each module adds its commands to `app`.
from .audit_cli import register as _register_audit  # noqa: E402
from .cases_cli import register as _register_cases  # noqa: E402
from .extract_cli import register as _register_extract  # noqa: E402
from .interview_cli import register as _register_interview  # noqa: E402

_register_cases(app)
_register_audit(app)
_register_interview(app)
_register_extract(app)


def _take_lang(argv: list[str]) -> list[str]:
    """`--lang ru` works on every command (and before it): take it out of argv and set it."""
    rest, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a == "--lang" or a.startswith("--lang="):
            value = a.split("=", 1)[1] if "=" in a else (argv[i + 1] if i + 1 < len(argv) else "")
            i += 1 if "=" in a else 2
            try:
                value = i18n.check(value)
            except i18n.LanguageError:
                err.print(Text(tr("input.bad_lang", value=clip(value), choices=", ".join(i18n.LANGS))), highlight=False)
                sys.exit(2)
            i18n.set_lang(value)
            os.environ["THB_LANG"] = value  # worker processes and sub-commands follow it too
            continue
        rest.append(a)
        i += 1
    return rest


class OutputError(Exception):
    """Standard output cannot be written (a full disk, a closed pipe): not a defect of thb."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.errno = error.errno


class _GuardedStream:
    """Standard output whose write errors are OutputError, so that they are told apart from a defect."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as e:
            raise OutputError(e) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as e:
            raise OutputError(e) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_INTERRUPTED = {"yes": False}


def _on_interrupt(signum: int, frame: Any) -> None:
    _INTERRUPTED["yes"] = True
    raise KeyboardInterrupt


def _silence_stdout() -> None:
    """After standard output failed: what is still buffered goes nowhere, not into a second error at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def main() -> None:
    """Entry point: bad input exits 2 with a one-screen message; never a traceback."""
    original = sys.stdout
    handler = signal.getsignal(signal.SIGINT)
    try:
        if handler is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_interrupt)  # Ctrl-C is exit 130 on every command (click would say 1)
        sys.stdout = _GuardedStream(original)
        sys.argv[1:] = _take_lang(sys.argv[1:])
        command = typer.main.get_command(app)  # what `app()` runs, with its help in the language in force
        cli_help.localise(command, i18n.lang())
        try:
            command()  # standalone mode: usage errors exit 2, typer.Exit exits with its own code
        except SystemExit as e:
            sys.stdout.flush()  # a full disk shows here, not as an error at exit
            if _INTERRUPTED["yes"] and e.code not in (0, 130):
                err.print(Text(tr("guard.interrupted")), highlight=False)
                sys.exit(130)
            raise
    except OutputError as e:
        _silence_stdout()
        if e.errno != errno.EPIPE:  # a reader that went away (`| head`) needs no message
            err.print(_error(tr("guard.stdout", why=e)), highlight=False)
        sys.exit(2)
    except InputError as e:
        err.print(_error(str(e)), highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print(Text(tr("guard.interrupted")), highlight=False)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - the user gets a message, not a traceback
        if os.environ.get("THB_DEBUG"):
            raise
        detail = f"{type(e).__name__}: {clip(e, 300)}"
        err.print(Text.assemble(("internal error", "red"), " ", detail, "\n", tr("guard.defect")), highlight=False)
        sys.exit(3)
    finally:
        sys.stdout = original
        if handler is signal.default_int_handler and signal.getsignal(signal.SIGINT) is _on_interrupt:
            signal.signal(signal.SIGINT, handler)  # as it was (thb called from a program or a test)


if __name__ == "__main__":
    main()
