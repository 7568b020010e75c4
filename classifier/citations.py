"""Article references: the one function that writes one, in either language (`ref`), and the
one that puts a citation of the rule base into the language in force (`cite`).

The rule base writes its citations in English ("CC art. 166 part 2 item 5", "CPC art. 24 part 4",
"Law 55 art. 12"); the engine compares them in that form and `cite` puts them into Russian legal
style ("п. 5 ч. 2 ст. 166 УК") once the findings are assembled. Everything else — a qualification
in a sentence, an answer of the quiz, a charge in the audit database — is written by `ref`, in
one of a few forms:

| form | English | Russian |
|---|---|---|
| `citation` | `CC art. 166 part 2 items 1, 5` (always English: localised by `cite`) | — |
| `full` | `CC art. 166 part 2 items 1, 5` | `пп. 1, 5 ч. 2 ст. 166 УК` |
| `label` | `art. 166(2) items 1, 5`, `CoO art. 109(2)` | `пп. 1, 5 ч. 2 ст. 166 УК`, `ч. 2 ст. 109 КоП` |
| `notation` | `166(2)` | `ч. 2 ст. 166 УК` |
| `stored` | `CC 166(2)` (a key of the audit database, never translated) | — |
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .i18n import lang, tr

Form = Literal["citation", "full", "label", "notation", "stored"]

# The codes as a Russian reference names them (the audit report and the training pages name some
# of them in their own words, from their message catalogues: `codes=`).
CODES_RU = {"CC": "УК", "CPC": "УПК", "CoO": "КоП", "CoM": "КоПр 2017 г.", "CC2017": "УК 2017 г.", "CC1997": "УК 1997 г."}


def ref(
    article: str,
    part: int | None = None,
    items: Sequence[int] = (),
    *,
    instrument: str = "CC",
    form: Form = "label",
    language: str | None = None,
    codes: Mapping[str, str] | None = None,
    code: bool | None = None,
) -> str:
    """An article reference (see the table above). `language` overrides the language in force;
    `codes` names the instruments in Russian (default `CODES_RU`); `code` shows the instrument in
    an English label even for the Criminal Code (default: only for another code)."""
    language = "en" if form in ("citation", "stored") else (language or lang())
    nums = ", ".join(str(i) for i in items)
    if form == "stored":
        return f"{instrument} {article}" if part is None else f"{instrument} {article}({part})"
    if language == "ru":
        name = (codes or CODES_RU).get(instrument, instrument)
        head = ("п. " if len(items) == 1 else "пп. ") + nums + " " if items else ""
        return head + (f"ч. {part} " if part is not None else "") + f"ст. {article}" + (f" {name}" if name else "")
    if form in ("citation", "full"):
        s = f"{instrument} art. {article}"
        if part is not None:
            s += f" part {part}"
        if items:
            s += (" item " if len(items) == 1 else " items ") + nums
        return s
    s = f"{article}({part})" if part is not None else str(article)
    if form == "notation":
        return s
    shown = code if code is not None else instrument != "CC"
    s = tr("engine.label.article", article=article) + (f"({part})" if part is not None else "")
    if items:
        s += (" item " if len(items) == 1 else " items ") + nums
    return (f"{instrument} " if shown else "") + s


def ref_of(x: Any, form: Form = "label") -> str:
    """`ref` of a charge, an `ArticleRef` or a victim offence (anything with `instrument`, `article`
    and `part`); an instrument outside the catalogue (`other`) named as recorded."""
    if x.instrument == "other" and form != "stored":
        return tr("engine.label.other", article=x.article) + (f" ({x.part})" if x.part is not None else "")
    return ref(x.article, x.part, instrument=x.instrument, form=form)


_CODES = {"CC": "УК", "CPC": "УПК", "CoO": "КоП"}
_NUM = r"[\d]+(?:-[\d]+)?"


def _rng(x: str) -> str:
    """Two adjacent numbers read as a pair in Russian legal style: "1-2" -> "1 и 2" ("1-3" stays)."""
    lo, _, hi = x.partition("-")
    return f"{lo} и {hi}" if hi and lo.isdigit() and hi.isdigit() and int(hi) == int(lo) + 1 else x


_CITE_RULES: list[tuple[str, Any]] = [
    (rf"CC (\d{{4}}) art\. ({_NUM})( note)?", lambda m: ("примечание к " if m[3] else "") + f"ст. {m[2]} УК {m[1]} г."),
    (rf"CC appendix 1 (items?) ({_NUM})", lambda m: ("пп." if m[1] == "items" else "п.") + f" {_rng(m[2])} приложения 1 к УК"),
    (  # several items: "items 1, 5" (a list, as `ref` writes it) or "items 1-3" (a range)
        rf"\b(CC|CPC|CoO) art\. ({_NUM}) part ({_NUM}) items ({_NUM}(?:, {_NUM})*)",
        lambda m: f"пп. {_rng(m[4])} ч. {m[3]} ст. {m[2]} {_CODES[m[1]]}",
    ),
    (
        rf"\b(CC|CPC|CoO) art\. ({_NUM}) part ({_NUM}) item ({_NUM})",
        lambda m: f"п. {m[4]} ч. {m[3]} ст. {m[2]} {_CODES[m[1]]}",
    ),
    (rf"\b(CC|CPC|CoO) art\. ({_NUM}) parts ({_NUM}) and ({_NUM})", lambda m: f"ч. {m[3]} и {m[4]} ст. {m[2]} {_CODES[m[1]]}"),
    (rf"\b(CC|CPC|CoO) art\. ({_NUM}) parts? ({_NUM})", lambda m: f"ч. {_rng(m[3])} ст. {m[2]} {_CODES[m[1]]}"),
    (rf"\b(CC|CPC|CoO) art\. ({_NUM}) note", lambda m: f"примечание к ст. {m[2]} {_CODES[m[1]]}"),
    (rf"\b(CC|CPC|CoO) arts?\. ({_NUM}(?:, {_NUM})*)", lambda m: f"ст. {m[2]} {_CODES[m[1]]}"),
    (rf"Law 55 art\. ({_NUM}) part ({_NUM})", lambda m: f"ч. {m[2]} ст. {m[1]} Закона № 55"),
    (rf"Law 55 art\. ({_NUM})", lambda m: f"ст. {m[1]} Закона № 55"),
    (r"Law 55", lambda m: "Закон № 55"),
    (r"Palermo Protocol art\. 3\(a\)", lambda m: "п. «a» ст. 3 Палермского протокола"),
    (r"Palermo Protocol art\. 3", lambda m: "ст. 3 Палермского протокола"),
    (r"\(amended 24 Jan 2023\)", lambda m: "(в ред. от 24.01.2023)"),
    (r"\(2011 text\)", lambda m: "(ред. 2011 г.)"),
    (r"\(unverified\)", lambda m: "(не проверено)"),
]


def cite(text: str) -> str:
    """A citation ("CC art. 166 part 2 item 5") in the language in force ("п. 5 ч. 2 ст. 166 УК")."""
    if lang() == "en" or not text:
        return text
    for pattern, repl in _CITE_RULES:
        text = re.sub(pattern, repl, text)
    return text
