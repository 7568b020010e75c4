"""The `thb` command's entry point: nothing but the standard library until the command line is
loaded, so that Ctrl-C while thb starts (loading the rule base takes a moment) ends it with exit
130 and one word, never a KeyboardInterrupt traceback."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    run()
