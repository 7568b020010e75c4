"""The interview's screen: every line wrapped to the terminal's width with its hanging indent kept,
article references never split, and a question's block laid out to fit one screen.

The terminal would break a long line wherever it ends ("stat/us", "art. 16 / 7"); the interview
therefore prints only lines that fit, broken at spaces only. What a line may not break inside —
a reference in either language, a reading id, a command in backticks, a word and the dash after
it — is `render.unbroken`'s definition, the one every output keeps: here it is found on the plain
text of a styled `Text` and the styled text is broken around it. Only a unit wider than the whole
line breaks at its own spaces after all, and a word wider than the line is cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

from ..render.unbroken import spans


@dataclass
class _Unit:
    start: int
    end: int


def _units(plain: str) -> list[_Unit]:
    """The unbreakable runs of a line of text: its words, joined where `unbroken.spans` says the
    blank between two of them is inside something that must stay whole."""
    locked = spans(plain)
    out: list[_Unit] = []
    for m in re.finditer(r"\S+", plain):
        s, e = m.span()
        if out and any(a < out[-1].end and b > s for a, b in locked):
            out[-1].end = e
        else:
            out.append(_Unit(s, e))
    return out


def _cut(text: Text, width: int) -> list[Text]:
    """A unit wider than a whole line, cut into pieces of at most `width` cells."""
    pieces, start, cells = [], 0, 0
    for i, ch in enumerate(text.plain):
        w = cell_len(ch)
        if cells + w > width and i > start:
            pieces.append(text[start:i])
            start, cells = i, 0
        cells += w
    pieces.append(text[start:])
    return pieces


def wrap(text: Text | str, width: int, indent: int = 0, hanging: int | None = None) -> list[Text]:
    """`text` as lines of at most `width` cells: the first indented by `indent` spaces, the
    others by `hanging` (default: `indent`). Line breaks in the text are kept; runs of spaces
    inside a line are kept, and dropped where a line breaks."""
    if isinstance(text, str):
        text = Text(text)
    hanging = indent if hanging is None else hanging
    width = max(width, hanging + 10, indent + 10)
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        lines.extend(_wrap_line(paragraph, width, indent if not lines else hanging, hanging))
    return lines


def _wrap_line(text: Text, width: int, indent: int, hanging: int) -> list[Text]:
    plain = text.plain
    units = _units(plain)
    if not units:
        return [Text("")]
    # a reference wider than a whole line breaks at its own spaces after all
    room_max = width - max(indent, hanging)
    placed: list[_Unit] = []
    for u in units:
        if cell_len(plain[u.start : u.end]) > room_max:
            placed.extend(_Unit(m.start() + u.start, m.end() + u.start) for m in re.finditer(r"\S+", plain[u.start : u.end]))
        else:
            placed.append(u)
    out: list[Text] = []
    line = Text(" " * indent)
    line.append_text(text[: placed[0].start])  # the line's own leading spaces
    used = indent + cell_len(plain[: placed[0].start])
    first = True
    for k, u in enumerate(placed):
        word = text[u.start : u.end]
        gap = text[placed[k - 1].end : u.start] if k else Text("")
        wcells, gcells = cell_len(word.plain), cell_len(gap.plain)
        if first or used + gcells + wcells <= width:
            if not first:
                line.append_text(gap)
                used += gcells
            first = False
        else:
            out.append(line)
            line, used = Text(" " * hanging), hanging
        if used + wcells > width:  # one word wider than the line: cut it
            for piece in _cut(word, width - used)[:-1]:
                line.append_text(piece)
                out.append(line)
                line, used = Text(" " * hanging), hanging
            word = _cut(word, width - used)[-1] if used + wcells > width else word
            wcells = cell_len(word.plain)
        line.append_text(word)
        used += wcells
    out.append(line)
    return out


def grid(cells: list[Text], width: int, indent: int) -> list[Text] | None:
    """Short cells side by side in columns (read down each column), or None when two columns
    would not fit `width`."""
    if not cells:
        return []
    cw = max(cell_len(c.plain) for c in cells) + 3
    cols = max(1, (width - indent + 3) // cw)
    if cols < 2:
        return None
    rows = -(-len(cells) // cols)
    cols = -(-len(cells) // rows)
    out = []
    for r in range(rows):
        line = Text(" " * indent)
        for c in range(cols):
            i = c * rows + r
            if i >= len(cells):
                break
            cell = cells[i]
            line.append_text(cell)
            if c < cols - 1 and (c + 1) * rows + r < len(cells):
                line.append(" " * (cw - cell_len(cell.plain)))
        out.append(line)
    return out
