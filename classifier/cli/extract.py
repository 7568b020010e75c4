"""`thb extract`: a narrative (or a registry of them) in, a draft fact pattern out (docs/extract.md)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console

HELP = (
    "Draft a fact pattern from a case narrative (a «фабула»): only the facts the text states, each "
    "with the words it came from.\n\n"
    "A proposer a person confirms, never a decider: nothing is proposed from a negated, denied, "
    "hypothetical or background clause («угроз он не высказывал», «отрицает, что продал», "
    '"escaped before they were taken", «ОБСЕ сообщает…»); a charge or a legal characterisation '
    "goes to record.charges, never into the facts; no fact is assumed (no default citizenship, no "
    'age from "young"). English and Russian, the language detected (--text-lang overrides). It '
    "runs offline: the text goes nowhere.\n\n"
    "The draft carries [bold]provenance: {method: extract, confirmed: false}[/bold]: thb classify and "
    "thb audit refuse it until a person confirms it with [bold]thb interview --prefill[/bold] "
    "(or unless --draft).\n\n"
    "Examples:\n\n"
    "    # the draft as YAML, each fact's quote beside it\n"
    "    thb extract case.txt\n"
    "    # written to a file\n"
    "    thb extract case.txt --out draft.yaml\n"
    "    # {case_id, lang, draft, evidence}\n"
    "    thb extract case.txt --format json\n"
    "    cat case.txt | thb extract -\n"
    "    thb extract registry.csv --text-column fabula --id-column case_no \\\n"
    "        --out drafts.jsonl\n\n"
    "A registry (CSV, or JSON Lines with --text-column naming the key) is drafted into JSON Lines, "
    "one draft fact pattern a line (its provenance holds the evidence), with a progress bar; a "
    "record that cannot be drafted is listed in DRAFTS.errors.jsonl and the run goes on.\n\n"
    "Exit codes: 0 drafted; 2 bad input (the message names the file, line or option); 3 a defect."
)


class XFmt(str, Enum):
    yaml = "yaml"
    json = "json"


class TextLang(str, Enum):
    en = "en"
    ru = "ru"


def register(app: typer.Typer) -> None:
    """Add `thb extract` to the main command."""

    @app.command("extract", help=HELP)
    def extract_cmd(
        files: list[str] = typer.Argument(
            ..., metavar="FILE...", help="Narratives (plain text), or one registry (CSV or JSON Lines); `-` reads standard input."
        ),
        fmt: XFmt = typer.Option(
            XFmt.yaml,
            "--format",
            "-f",
            help="yaml: the draft with each fact's quote beside it; json: {case_id, lang, draft, evidence}.",
        ),
        out: str = typer.Option(
            None, "--out", "-o", metavar="FILE", help="Write here (atomically) instead of standard output; a registry needs it."
        ),
        text_lang: TextLang = typer.Option(
            None,
            "--text-lang",
            help="Language of the narratives: en or ru (default: detected). --lang sets the language of thb's messages.",
        ),
        case_id: str = typer.Option(None, "--case-id", metavar="ID", help="The case_id of the draft (default: the file's name)."),
        text_column: str = typer.Option(
            None, "--text-column", metavar="COL", help="Registry: the column (CSV) or key (JSON Lines) holding the narrative."
        ),
        id_column: str = typer.Option(
            None,
            "--id-column",
            metavar="COL",
            help="Registry: the column holding the case number (default: the file's name and the line, e.g. registry-12).",
        ),
        force: bool = typer.Option(False, "--force", help="Replace an existing --out file."),
    ) -> None:
        from ..errors import InputError
        from ..fileio import write_atomic
        from ..i18n import tr
        from ..reading.inputs import read_text

        err = Console(stderr=True, highlight=False, soft_wrap=True)
        lang = text_lang.value if text_lang else None
        if case_id is not None and not 0 < len(case_id) <= 200:
            raise InputError(tr("extract.error.bad_case_id"))
        from ..extract.registry import draft_registry, errors_path_for, registry_kind

        kinds = {f: registry_kind(f, text_column) for f in files}
        registries = [f for f, k in kinds.items() if k]
        if registries:
            if len(files) > 1:
                raise InputError(tr("extract.error.one_registry", files=", ".join(files)))
            path = files[0]
            if not text_column:
                raise InputError(tr("extract.error.registry_needs_column", path=path))
            if not out:
                raise InputError(tr("extract.error.out_needed"))
            _check_out(out, force, [path])
            errors = errors_path_for(out)
            _check_out(errors, True, [path])
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(
                TextColumn(tr("extract.progress")),
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
                disable=not err.is_terminal,
            ) as bar:
                task = bar.add_task("extract", total=None)

                def tick(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total or None)

                res = draft_registry(path, kinds[path] or "csv", text_column, id_column, out, errors, lang, tick)
            if res.bad:
                err.print(tr("extract.done_bad", drafts=res.drafts, out=out, bad=res.bad, errors=errors))
                for e in res.errors:
                    err.print(f"  {e}", markup=False)
                if res.bad > len(res.errors):
                    err.print(tr("extract.more_errors", n=res.bad - len(res.errors), errors=errors))
            else:
                err.print(tr("extract.done", drafts=res.drafts, out=out))
            return

        from ..extract import extract
        from ..extract.core import MAX_TEXT
        from ..extract.output import to_json, to_yaml

        if out:
            _check_out(out, force, files)
        results = []
        for f in files:
            name, text = read_text(f)
            if len(text) > MAX_TEXT:
                raise InputError(tr("extract.error.too_long", name=name, n=len(text), max=MAX_TEXT))
            cid = case_id or ("stdin" if f == "-" else Path(f).stem) or "DRAFT"
            if case_id and len(files) > 1:
                cid = f"{case_id}-{len(results) + 1}"
            results.append(extract(text, cid, lang=lang, source=name))
        if fmt is XFmt.json:
            data = [to_json(x) for x in results]
            body = json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2, default=str) + "\n"
        else:
            body = "---\n".join(to_yaml(x) for x in results)
        if out:
            write_atomic(out, body)
            err.print(tr("extract.written", path=out))
            err.print(tr("extract.next", path=out), style="dim")
        else:
            sys.stdout.write(body)


def _check_out(out: str, force: bool, inputs: list[str]) -> None:
    from ..errors import InputError
    from ..i18n import tr

    p = Path(out).expanduser()
    for f in inputs:
        if f != "-" and Path(f).exists() and p.exists() and p.resolve() == Path(f).resolve():
            raise InputError(tr("extract.error.out_is_input", path=out))
    if p.is_dir():
        raise InputError(tr("file.out_is_folder", path=out))
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(tr("file.no_folder", path=out, folder=folder))
    if p.exists() and not force:
        raise InputError(tr("extract.error.out_exists", path=out))
