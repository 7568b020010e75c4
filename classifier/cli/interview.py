"""`thb interview`: build a fact pattern by answering questions (see docs/interview.md and interview.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.text import Text

from ..safetext import clip
from ..safetext import console as new_console

HELP = (
    "Build a fact pattern by answering plain questions, then see the findings and save the file.\n\n"
    "Asks who the victims and offenders are, what was done, how, for what purpose, what exploitation happened, "
    "the circumstances that change the part, and (optionally) how the case was charged. Questions that cannot "
    "matter are skipped, and the interview says why: no means for a child victim once the act and the purpose "
    "are known (art. 167 and 166(4) need none), unless an offender may be 14 or 15 or the means decide a "
    "further crime.\n\n"
    "At any question: [bold]?[/bold] or [bold]unknown[/bold] (left out of the file: not stated = not established), "
    "[bold]back[/bold] (the previous question), [bold]status[/bold] (the provisional qualification and what is "
    "missing), [bold]help[/bold]. In Russian also «не знаю», «назад», «статус». Multiple choice: numbers or names, "
    "comma-separated; [bold]none[/bold] for none.\n\n"
    "At the end the full report is shown and the fact pattern is written to the file you name, or "
    "[bold]--out[/bold] — atomically, and over an existing file only when you confirm (or "
    "[bold]--force[/bold]). The file passes [bold]thb validate[/bold] and re-runs with [bold]thb classify[/bold].\n\n"
    "[bold]Worked example[/bold]: a 15-year-old harboured for prostitution by a 30-year-old.\n\n"
    "    $ thb interview --lang en\n"
    "    Case number or name?  \\[case.id] > OSH-2024-001\n"
    "    When was the offence committed?  \\[case.date] > 2024-03-01\n"
    "    How many victims are there?  \\[victims.count] > 1\n"
    "    How old was V1 at the time of the offence?  \\[victim.1.age] > 15\n"
    "    ...                            (sex, citizenship: ? if unknown)\n"
    "    How old was P1 at the time of the offence?  \\[offender.1.age] > 30\n"
    "    What was done with the victim?  \\[acts] > harbouring\n"
    "    For what purpose? What did the offenders intend?  \\[purposes] > 1\n"
    "    What exploitation actually happened?  \\[exploitation] > status\n"
    "    Provisional qualification on the answers so far:\n"
    "      art. 167(1) — Trafficking in children\n"
    "    > ?\n"
    "    » Means are not asked: the victim is a child, so art. 167 and\n"
    "      art. 166 part 4 need no means — ...\n"
    "    ...                        (circumstances, charges; the report)\n"
    "    Where should the fact pattern be saved?  \\[output.file] > case.yaml\n"
    "    Saved: case.yaml\n\n"
    "[bold]Scripted[/bold], without a terminal: [bold]thb interview --answers answers.yaml --out case.yaml[/bold]. "
    "The answers file is either a YAML mapping of question key (shown in brackets beside each question) to "
    "answer, e.g. [bold]acts: \\[harbouring][/bold] — a key left out is answered with its default, or as "
    "unknown — or a YAML list of answers in the order the questions are asked (back and status allowed). "
    "docs/interview.md lists every key.\n\n"
    "Exit codes: 0 written; 1 the input ended first; 130 Ctrl-C (nothing is written either way); "
    "2 bad options or a bad answers file."
)


def register(app: typer.Typer) -> None:
    """Add `thb interview` to the main command."""

    @app.command("interview", help=HELP)
    def interview(
        lang: str = typer.Option(
            None, "--lang", metavar="en|ru", help="Language of the questions and messages. Default: THB_LANG, else en."
        ),
        out: Path = typer.Option(
            None, "--out", "-o", metavar="FILE", help="Write the fact pattern here (else the interview asks for a file name)."
        ),
        answers: Path = typer.Option(
            None,
            "--answers",
            "-a",
            metavar="FILE",
            help="Replay answers from a YAML file (mapping of question key to answer, or a list in order) instead of a terminal.",
        ),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing output file without asking."),
        prefill: Path = typer.Option(
            None,
            "--prefill",
            metavar="DRAFT",
            help="Start from a draft of thb extract: accept, reject or edit each proposed fact (shown with its quote), then answer the rest.",
        ),
    ) -> None:
        from .. import i18n
        from .. import interview as iv
        from ..errors import InputError
        from ..fileio import output_target

        err = new_console(stderr=True, highlight=False)
        try:
            i18n.set_lang(lang)
        except i18n.LanguageError:
            err.print(
                Text.assemble(("error", "red"), " ", i18n.tr("input.bad_lang", value=clip(lang), choices=", ".join(i18n.LANGS)))
            )
            raise typer.Exit(2) from None
        console = new_console(highlight=False, soft_wrap=True)
        report_console = new_console(highlight=False, soft_wrap=False)
        inputs = [str(p) for p in (answers, prefill) if p is not None]  # never written over by --out
        try:
            if out is not None:
                problem = iv.check_path(str(out))
                if problem:
                    raise iv.InterviewError(f"--out {out}: {problem}")
                try:
                    output_target(str(out), "--out", inputs)  # never the fact pattern over the answers file
                except InputError as e:
                    raise iv.InterviewError(str(e)) from None
            draft = None
            if prefill is not None:
                from ..interview.prefill import load_draft

                draft = load_draft(str(prefill))
            if answers is not None:
                source = iv.load_answers(str(answers))
            else:
                if sys.stdin.isatty():
                    try:
                        import readline  # noqa: F401 - line editing and history for input()
                    except ImportError:  # pragma: no cover - not on every platform
                        pass
                source = iv.TerminalSource()
            session = iv.Interview(
                source, console, out=str(out) if out else None, force=force, report_console=report_console, prefill=draft
            )
            st = session.run()
            iv.finish(st, console, inputs)
            for warning in source.leftovers():
                err.print(Text.assemble(("warning", "yellow"), " ", warning))
        except iv.InterviewError as e:
            err.print(Text.assemble(("error ", "red"), str(e)))
            err.print(i18n.tr("interview.aborted"))
            raise typer.Exit(2) from None
        except iv.Abandoned as e:  # the input ended first: say where, write nothing (exit 1)
            err.print(Text("\n" + str(e)))
            err.print(i18n.tr("interview.aborted"))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("\n" + i18n.tr("interview.aborted"))
            raise typer.Exit(130) from None
