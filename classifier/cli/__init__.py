"""The `thb` command: one module per command group (`classify`: classify, validate, schema;
`articles`; `cases`: the training library; `audit`: audit and report; `interview`; `extract`),
each importing what its commands run only when they run, so that start-up stays cheap; `help`
puts the help in the language in force. `main` is the entry point `launch` calls."""

from __future__ import annotations

import errno
import os
import signal
import sys
from typing import Any

import typer
from rich.text import Text

from .. import i18n
from ..errors import InputError
from ..i18n import tr
from ..safetext import clip
from . import common
from . import help as cli_help
from .common import err, error_text

__all__ = ["app", "main"]

# Command groups, in the order `thb --help` lists them, and the group of each command. A run of
# one command imports and registers only its own group (start-up stays cheap: docs/performance.md);
# `thb --help`, an unknown command and `classifier.cli.app` get every group.
GROUPS = ("classify", "articles", "cases", "audit", "interview", "extract")
GROUP_OF = {
    "classify": "classify",
    "validate": "classify",
    "schema": "classify",
    "articles": "articles",
    "cases": "cases",
    "audit": "audit",
    "report": "audit",
    "interview": "interview",
    "extract": "extract",
}
_REGISTERED: list[str] = []


def _register(groups: tuple[str, ...] = GROUPS) -> typer.Typer:
    import importlib

    for g in GROUPS:
        if g in groups and g not in _REGISTERED:
            importlib.import_module(f"{__name__}.{g}").register(common.app)
            _REGISTERED.append(g)
    return common.app


def _groups_for(argv: list[str]) -> tuple[str, ...]:
    first = next((a for a in argv if not a.startswith("-")), None)
    return (GROUP_OF[first],) if first in GROUP_OF and not _REGISTERED else GROUPS


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole command line, every group registered (tests, `python -m`)
        return _register()
    raise AttributeError(name)


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
        app = _register(_groups_for(sys.argv[1:]))
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
            err.print(error_text(tr("guard.stdout", why=e)), highlight=False)
        sys.exit(2)
    except InputError as e:
        err.print(error_text(str(e)), highlight=False)
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
