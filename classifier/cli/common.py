"""What every command group of `thb` shares: the typer app, the consoles, how an input error is
printed, the output formats."""

from __future__ import annotations

from enum import Enum

import typer
from rich.text import Text

from .. import __version__
from ..i18n import tr
from ..records import load
from ..safetext import console, printable

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


def error_text(message: str, label: str = "input.error", style: str = "red") -> Text:
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
        None, "--lang", metavar="en|ru", help="Language of the output: en (default) or ru; also THB_LANG. Works on every command."
    ),
) -> None:
    """thb — the trafficking-in-human-beings classifier."""


def load_or_exit(files: list[str]):
    recs = load(files)
    bad = [r for r in recs if r.error]
    if bad:
        lines = shown = 0
        for r in bad:
            n = (r.error or "").count("\n") + 1
            if shown and lines + n > ERROR_LINES:
                break
            err.print(error_text(r.error or ""), highlight=False, soft_wrap=True)
            lines += n
            shown += 1
        if len(bad) > shown:
            err.print(Text(tr("guard.more_invalid", n=len(bad) - shown)), highlight=False)
        err.print(Text(tr("input.invalid_summary", bad=len(bad), total=len(recs))), highlight=False)
        raise typer.Exit(2)
    return recs


def refuse_drafts(recs, allowed: bool) -> set[int]:
    """Unconfirmed machine drafts (thb extract, docs/extract.md) are refused unless --draft; returns
    the ids of the records that are drafts."""
    drafts = [r for r in recs if r.facts is not None and r.facts.unconfirmed_draft]
    if drafts and not allowed:
        for r in drafts[:20]:
            name = r.source if r.line is None else f"{r.source}:{r.line}"
            err.print(f"[red]{tr('input.error')}[/red] {tr('draft.refused', name=name)}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    return {id(r) for r in drafts}
