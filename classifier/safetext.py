"""User values as plain, short, storable text: what a message echoes, a terminal shows and SQLite stores.

A value read from an input can hold anything: rich markup (`[/x]`, `[link=…]`), terminal control
sequences (ESC …), unpaired surrogates (invalid UTF-8 read with `surrogateescape`, or a JSON
`"\\ud800"`), or ten megabytes. Messages echo such values through `clip()` (control characters
and surrogates shown as escapes, cut to about 80 characters with an ellipsis); text stored in a
results database goes through `storable()`; every console of the command line is made by
`console()`, which prints no markup from values and drops any control character that still
reaches it (the catalogue's own styling is not affected: it is rich's, not the text's).
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment

ECHO = 80  # characters of a value a message echoes
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str, newlines: bool = True) -> str:
    """`text` with control characters (ESC, CR, BEL, C1…) and surrogates written as escapes (`\\x1b`);
    newlines and tabs kept unless `newlines` is false."""
    return (_CONTROL if newlines else _CONTROL_OR_NEWLINE).sub(_escape, text)


def clip(value: Any, limit: int = ECHO) -> str:
    """A value as a message echoes it: one line, escapes for control characters, at most `limit`
    characters (the rest replaced by an ellipsis)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > 4 * limit:  # never escape megabytes to keep 80 characters
        text = text[: 4 * limit]
    text = printable(text, newlines=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip_repr(value: Any, limit: int = ECHO) -> str:
    """`repr(value)` cut to `limit` characters (a long string is cut before it is quoted)."""
    if isinstance(value, str) and len(value) > limit:
        return clip(repr(value[:limit]), limit)
    return clip(repr(value), limit)


def storable(text: str | None) -> str | None:
    """Text SQLite and UTF-8 files accept: unpaired surrogates written as `\\udcff` escapes."""
    if text is None or not SURROGATE.search(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class _Clean:
    """A renderable as rendered, with control characters and surrogates removed from its text."""

    def __init__(self, inner: RenderableType):
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for seg in console.render(self.inner, options):
            if seg.control or not _CONTROL.search(seg.text):
                yield seg
            else:
                yield Segment(_CONTROL.sub("", seg.text), seg.style)


class _StripControls(RenderHook):
    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        return [_Clean(r) for r in renderables]


def console(**kwargs: Any) -> Console:
    """A rich console for the command line: no emoji codes, and no control character or surrogate
    of a value ever reaches the terminal (they could move the cursor, retitle the window, fake a
    link or crash the encoder). Print values as `rich.text.Text`, never as markup."""
    kwargs.setdefault("emoji", False)
    c = Console(**kwargs)
    c.push_render_hook(_StripControls())
    return c


def cut(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis (no escaping: for stored data)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
