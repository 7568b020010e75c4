"""Charges (`record.charges`) and the offence date (`offence_date`) as a narrative states them.

A charge is an article reference ("art. 159 part 3", «ч. 3 ст. 159») in a sentence that says a
case was charged, opened, qualified or tried under it, with the code named beside it (УК, CC,
Code of Misconduct…): a charge whose code is not named is not proposed. An offence date is a full
day, month and year in a sentence that states a fact of the offence, outside a clause about a
report, an arrest or a court; a month or a year alone is never a date.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from .lexicon import lexicon
from .text import Sentence

CHARGE_VERB = {
    "en": re.compile(
        r"\b(charg\w*|convict\w*|indict\w*|prosecut\w*|opened|filed|initiated|instituted|qualif\w*|sentenced|registered|tried|"
        r"investigat\w*|dropped|closed)\b",
        re.I,
    ),
    "ru": re.compile(r"(обвин|возбу[жд]|квалифиц|осу[жд]|предъявл|привлеч|прекращ|расследу|приговор|рассматрива)", re.I),
}
ART = {
    "en": [
        re.compile(r"\bpart (\d{1,2}) of (?:the )?art(?:icle|\.)? ?(\d{2,3}(?:-\d)?)\b", re.I),
        re.compile(r"\bart(?:icle|s?\.)? ?(\d{2,3}(?:-\d)?)(?:[ ,(]*(?:part|para\.?) (\d{1,2})|\((\d{1,2})\))?", re.I),
    ],
    "ru": [
        re.compile(r"(?:ч\.|част[ьи]|частью)\s*(\d{1,2})\s*(?:ст\.|стать[иеяюй]|статьей)\s*(\d{2,3}(?:-\d)?)", re.I),
        re.compile(r"(?:ст\.|стать[иеяюй]|статьей)\s*(\d{2,3}(?:-\d)?)(?:\s*(?:ч\.|част[ьи]|частью)\s*(\d{1,2}))?", re.I),
    ],
}


@dataclass
class Found:
    value: object
    start: int
    end: int
    tokens: list[int]


@functools.cache
def _instruments(lang: str) -> list[tuple[re.Pattern[str], str]]:
    out = []
    for code, names in lexicon().people["instruments"].items():
        for n in names.get(lang, []):
            out.append((re.compile(r"(?<!\w)" + re.escape(n) + r"(?!\w)", re.I), code))
    out.sort(key=lambda x: -len(x[0].pattern))
    return out


def charges(s: Sentence, text: str, lang: str) -> list[Found]:
    body = text[s.start : s.end]
    if not CHARGE_VERB[lang].search(body):
        return []
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for n, rx in enumerate(ART[lang]):
        for m in rx.finditer(body):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if lang == "en" and n == 0 or lang == "ru" and n == 0:
                part, article = m.group(1), m.group(2)
            else:
                article = m.group(1)
                part = next((g for g in m.groups()[1:] if g), None)
            code, c0, c1 = _nearest_instrument(body, m.start(), m.end(), lang)
            if code is None:
                continue
            taken.append((m.start(), m.end()))
            a, b = min(m.start(), c0), max(m.end(), c1)
            value: dict[str, object] = {"instrument": code, "article": article}
            if part:
                value["part"] = int(part)
            start, end = s.start + a, s.start + b
            found.append(Found(value, start, end, [t.i for t in s.tokens if t.start < end and t.end > start]))
    return found


def _nearest_instrument(body: str, a: int, b: int, lang: str) -> tuple[str | None, int, int]:
    best: tuple[int, str, int, int] | None = None
    for rx, code in _instruments(lang):
        for m in rx.finditer(body):
            if m.start() >= b:
                dist = m.start() - b
            elif m.end() <= a:
                dist = a - m.end()
            else:
                continue
            if dist <= 45 and (best is None or dist < best[0]):
                best = (dist, code, m.start(), m.end())
    if best is None:
        return None, a, b
    return best[1], best[2], best[3]


@functools.cache
def _date_res(lang: str) -> list[tuple[re.Pattern[str], str]]:
    months = lexicon().people["months"][lang]
    names = "|".join(sorted(months, key=len, reverse=True))
    if lang == "en":
        return [
            (
                re.compile(
                    rf"\bfrom (\d{{1,2}})(?:st|nd|rd|th)? (?:to|until|till) \d{{1,2}}(?:st|nd|rd|th)? ({names})\.?,? (\d{{4}})\b",
                    re.I,
                ),
                "dmy",
            ),
            (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({names})\.?,? (\d{{4}})\b", re.I), "dmy"),
            (re.compile(rf"\b({names})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b", re.I), "mdy"),
            (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
            (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), "num"),
        ]
    return [
        (re.compile(rf"(?<!\w)с (\d{{1,2}}) по \d{{1,2}} ({names}) (\d{{4}})(?: ?г(?:ода|\.)?)?", re.I), "dmy"),
        (re.compile(rf"(?<!\w)с (\d{{1,2}}) ({names}) по \d{{1,2}} (?:{names}) (\d{{4}})(?: ?г(?:ода|\.)?)?", re.I), "dmy"),
        (re.compile(rf"(?<!\w)(\d{{1,2}}) ({names}) (\d{{4}})(?: ?г(?:ода|\.)?)?", re.I), "dmy"),
        (re.compile(r"(?<![\w.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?: ?г(?:ода|\.)?)?(?![\w.]*\s*г\.\s*р)"), "num"),
        (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    ]


def dates(s: Sentence, text: str, lang: str) -> list[Found]:
    months = lexicon().people["months"][lang]
    body = text[s.start : s.end]
    out: list[Found] = []
    taken: list[tuple[int, int]] = []
    for rx, kind in _date_res(lang):
        for m in rx.finditer(body):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groups()
            try:
                if kind == "dmy":
                    d = dt.date(int(g[2]), months[g[1].lower().rstrip(".")], int(g[0]))
                elif kind == "mdy":
                    d = dt.date(int(g[2]), months[g[0].lower().rstrip(".")], int(g[1]))
                elif kind == "iso":
                    d = dt.date(int(g[0]), int(g[1]), int(g[2]))
                else:
                    d = dt.date(int(g[2]), int(g[1]), int(g[0]))
            except (ValueError, KeyError):
                continue
            if not dt.date(1991, 1, 1) <= d <= dt.date.today():
                continue
            if re.match(r"\s*(?:г\.\s*р\.|г\.р\b|года рождения)", body[m.end() : m.end() + 16]):
                continue  # a birth date, not the offence's
            taken.append((m.start(), m.end()))
            start, end = s.start + m.start(), s.start + m.end()
            out.append(Found(d, start, end, [t.i for t in s.tokens if t.start < end and t.end > start]))
    return out


@functools.cache
def date_not_offence(lang: str) -> frozenset[str]:
    return frozenset(lexicon().people["date_not_offence"][lang])
