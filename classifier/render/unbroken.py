"""Article references and case ids are never broken across lines — on a terminal, on a page, in print.

A reader copies a case id into a registry search and reads «ч. 2 ст. 167 УК» as one name: a line
break inside either is a trap ("art. 16 / 7"). This module is the one definition of what a line
may not break inside, for every output (`thb cases`, `thb report`, the HTML pages, the interview's
screen): `REFERENCE` matches a reference in every form the program writes (`citations.ref`,
`cite`, the stored `CC 159(3)`, the audit and training labels, the interview's status line
«ст. 166 ч. 2 п. 1»), and the bare ones of its prose ("part 1", "item 4", «ч. 2», «п. 15»,
"Law No. 55", «№ 55»), in English and Russian; `READING` the rule base's reading ids; `COMMAND`
a command in backticks; `DASH` a dash standing alone, which stays with the word before it (no
line starts with a dash). `spans` finds them all in a text; `wrap` breaks a text at blanks
outside them, `pieces` cuts a text into the parts an HTML page wraps in a span that does not
break (`render.html`, filter `unbroken`).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Iterator

NBSP = "\x1f"  # stands for a blank inside a protected part while wrapping; never in what is returned

_NUM = r"\d+(?:[-–]\d+)?"
# a list of numbers; a number with a part after it begins a reference of its own ("item 2 and 167(3) item 2")
_NUMS = rf"{_NUM}(?:(?:, | and | и |[-–]){_NUM}(?![\d(]))*"
_INSTRUMENT_EN = (
    r"(?:(?:CC|CPC|CoO|CoM) ?(?:\d{4} )?|Law 55 |Palermo Protocol |Criminal Code(?: \d{4})? "
    r"|Code of (?:Offences|Misconduct(?: 2017)?|Criminal Procedure) )"
)
_EN = (
    rf"(?:{_INSTRUMENT_EN})?[Aa]rts?\. {_NUMS}(?:\((?:\d+|[a-z])\))?(?: parts? {_NUMS})?(?: items? {_NUMS})?(?: note)?"
    rf"|CC appendix 1(?: items? {_NUMS})?"
    rf"|\b(?:CC2017|CC1997|CC|CoO|CoM|CPC) {_NUM}(?:\(\d+\))?(?![\w.])"
)
_CODE_RU = r"(?:УК|УПК|КоПр|КоП|Кодекса о проступках|Закона № 55|Палермского протокола)(?: \d{4} (?:г\.|года))?"
_RU = (
    rf"(?:[Пп]римечание к )?(?:[Пп]п?\. (?:{_NUMS}|«[^»]{{1,3}}») )?(?:[Чч]\. {_NUMS} )?[Сс]т\. {_NUMS}"
    # the part and items after the article, as the interview's status line writes them («ст. 166 ч. 2 п. 1»),
    # unless that part opens the next reference («ст. 166 ч. 2 ст. 167 УК»: two)
    rf"(?: [Чч]\. {_NUMS}(?: пп?\. {_NUMS})?(?! [Сс]т\.))?(?: {_CODE_RU})?"
    rf"|пп?\. {_NUMS} приложения 1 к УК"
)
# the bare references of the prose: a part, an item, an article in words, an act's number
_BARE = (
    rf"\b(?:[Pp]arts? {_NUMS}(?: items? {_NUMS})?|[Ii]tems? {_NUMS}|[Aa]rticles? {_NUMS}|{_NUM}\(\d+\) items? {_NUMS}"
    rf"|(?:Law )?No\. {_NUM}|Law {_NUM}"
    rf"|(?:[Чч]\.|[Чч]аст(?:ь|и|ью)|пп?\.|[Пп]ункт(?:а|ы|ом|е|ов)?|[Сс]тать(?:я|и|е|ю|ей)) {_NUMS}(?: {_CODE_RU})?)"
    rf"|(?:\b[Зз]акон(?:а|ом|е|у)? )?№ ?{_NUM}"
)
REFERENCE = re.compile(rf"(?:{_EN}|{_RU}|{_BARE})")
# the rule base's readings and open questions (R-RETRO, R-167-SPECIAL, Q-166-1-PENALTY): named, never hyphenated apart
READING = re.compile(r"\b[RQ](?:-[A-Z0-9]+)+\b")
# a command the reader types, in backticks (`thb cases show ID`): copied whole
COMMAND = re.compile(r"`[^`\n]+`")
# a dash standing alone stays with the word before it: a line never starts with one
DASH = re.compile(r"\S+ [—–-](?!\S)")


def spans(text: str, whole: Iterable[str] = ()) -> list[tuple[int, int]]:
    """The (start, end) of every part of `text` no line may break inside — a reference, a reading
    id, a command in backticks, a word with the dash after it, an occurrence of one of `whole` —
    in order, merged where they overlap or touch."""
    found = [m.span() for pattern in (REFERENCE, COMMAND, DASH) for m in pattern.finditer(text) if " " in m.group()]
    found += [m.span() for m in READING.finditer(text)]
    for w in {w for w in whole if w and (" " in w or "-" in w)}:
        start = text.find(w)
        while start >= 0:
            found.append((start, start + len(w)))
            start = text.find(w, start + len(w))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def pieces(text: str, whole: Iterable[str] = ()) -> Iterator[tuple[str, bool]]:
    """`text` as (part, unbreakable) pairs in order: the references and the `whole` strings (case
    ids) are the unbreakable parts; joined, the parts are `text` exactly."""
    at = 0
    for s, e in spans(text, whole):
        if s > at:
            yield text[at:s], False
        yield text[s:e], True
        at = e
    if at < len(text):
        yield text[at:], False


class _Wrapper(textwrap.TextWrapper):
    """textwrap, but a word longer than a line starts a line of its own before it is cut."""

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int) -> None:
        if any(c.strip() for c in cur_line):
            return  # the line ends here; the long word is cut on the next one
        super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)


def wrap(text: str, width: int, whole: Iterable[str] = (), indent: str = "", first: str = "") -> list[str]:
    """`text` in lines of at most `width` characters, broken at blanks — never inside a reference
    or one of `whole`, nor at a hyphen — unless one alone is longer than the line. Line breaks in
    `text` are kept; `first` starts the first line and `indent` every other one."""
    whole = list(whole)
    out: list[str] = []
    for para in text.split("\n"):
        kept = "".join(p.replace(" ", NBSP) if locked else p for p, locked in pieces(para, whole))
        lines = _Wrapper(
            width=max(1, width),
            initial_indent=first if not out else indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=True,
        ).wrap(kept) or [first if not out else indent]
        out.extend(line.replace(NBSP, " ") for line in lines)
    return out
