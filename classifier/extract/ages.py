"""Ages and age lists in a sentence (the person/role resolver, `people.py`): the patterns that state
an age ("the 15-year-old", "Olga, 17", «в возрасте 18 и 19 лет»), their values, how many persons
an age speaks of, and the person it belongs to."""

from __future__ import annotations

import functools
import re

from .lexicon import lexicon
from .persons import AGE_WORD, is_name, noun_of, people_words, person_head, person_word
from .russian import cases_of
from .text import Sentence, Token


@functools.cache
def age_patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    p = lexicon().people["numbers"]
    if lang == "en":
        words = "|".join(sorted(p["en"], key=len, reverse=True))
        lst = r"(\d{1,2}(?:, \d{1,2})*,? and \d{1,2})"  # "aged 16 and 17", "aged 22, 24 and 25"
        return [
            (re.compile(rf"\b(?:aged|ages|age of|ages of) {lst}\b", re.I), "post"),
            (re.compile(rf"\b{lst} years? (?:old|of age)\b", re.I), "post"),
            (re.compile(rf"(?:(?<=[a-z])|(?<=\b[A-Z]\.)), {lst}(?=[,);]|\.(?:\s|$))"), "name"),
            (re.compile(r"(?<=[a-z]),? both (\d{1,2})\b(?![ .,]*(?:\d|years? (?:ago|later)))"), "both"),
            (re.compile(rf"\b(\d{{1,2}}|{words})[- ](?:year|yr)s?[- ]olds?\b", re.I), "adj"),
            (re.compile(r"\b(new-?born|newly born)\b", re.I), "adj0"),
            (re.compile(r"\b(\d{1,2})[- ]months?[- ]old\b", re.I), "adjm"),
            (re.compile(r"\b(?:aged|age of|age) (\d{1,2})\b", re.I), "post"),
            (re.compile(r"\b(\d{1,2}) years? (?:old|of age)\b", re.I), "post"),
            (re.compile(r"(?:(?<=[a-z])|(?<=\b[A-Z]\.)) \((\d{1,2})\)"), "name"),
            (re.compile(r"(?:(?<=[a-z])|(?<=\b[A-Z]\.)), (\d{1,2})(?=[,);]|\.(?:\s|$))"), "name"),
            (
                re.compile(
                    r"(?<=[a-z]) (?:is|was) (\d{1,2})\b(?![ .,]*(?:\d|km|miles|kilometres|kilometers|percent|per|%|years? (?:ago|later)))"
                ),
                "name",
            ),
        ]
    stems = "|".join(sorted(p["ru_stems"], key=len, reverse=True)).replace("е", "[её]")
    lst = r"(\d{1,2}(?:\s*,\s*\d{1,2})*\s+и\s+\d{1,2})"  # «18 и 19 лет», «9, 11 и 13 лет»
    return [
        (re.compile(rf"(?:[,(]|\bв возрасте)\s*{lst}\s*(?:лет|года|год)\b(?!\s+(?:назад|спустя|тому))", re.I), "post"),
        (re.compile(r"(?<![\w.])(\d{1,2})[- ]?(?:ти[- ]|х[- ])?летн\w*", re.I), "adj"),
        (re.compile(rf"\b({stems})летн\w*", re.I), "adj"),
        (re.compile(r"\b(новорожденн\w*|новорождённ\w*)", re.I), "adj0"),
        (re.compile(r"(?<![\w.])(\d{1,2})[- ]?месячн\w*", re.I), "adjm"),
        (re.compile(rf"\b({stems})месячн\w*", re.I), "adjm"),
        (re.compile(r"\bв возрасте (\d{1,2})(?:-?ти)? (?:лет|года|год)\b", re.I), "post"),
        (re.compile(r"[,(]\s*(\d{1,2})\s*(?:лет|года|год)\b(?!\s+(?:назад|спустя|тому))", re.I), "post"),
    ]


def age_values(raw: str, kind: str, lang: str) -> list[int]:
    """The ages a match says: one, or each of a list ("16 and 17", «18 и 19»)."""
    if re.search(r"\d\D+\d", raw):
        return [n for n in (int(x) for x in re.findall(r"\d{1,2}", raw)) if 0 <= n <= 99]
    v = _age_value(raw, kind, lang)
    return [] if v is None else [v]


def _age_value(raw: str, kind: str, lang: str) -> int | None:
    nums = lexicon().people["numbers"]
    raw = raw.lower().replace("ё", "е")
    if kind == "adj0":
        return 0
    n = int(raw) if raw.isdigit() else (nums["en"] if lang == "en" else nums["ru_stems"]).get(raw)
    if n is None:
        return None
    if kind == "adjm":  # months old: 0 whole years
        return 0 if n < 12 else None
    return n if 0 <= n <= 99 else None


def token_range(s: Sentence, start: int, end: int) -> list[int]:
    return [t.i for t in s.tokens if t.start < end and t.end > start]


COUNT_EN = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "both": 2}


COUNT_RU = {
    "два": 2,
    "двое": 2,
    "оба": 2,
    "три": 3,
    "трое": 3,
    "четыре": 4,
    "четверо": 4,
    "пять": 5,
    "пятеро": 5,
    "шесть": 6,
    "семь": 7,
}


def count_before(toks: list[Token], i: int, lang: str) -> int:
    """The number of persons an age speaks of: "two 15-year-old girls" (2), «двух 16-летних школьниц» (2)."""
    if i == 0:
        return 1
    t = toks[i - 1]
    if t.low.isdigit():
        return int(t.low) if 1 < int(t.low) <= 10 else 1
    return (COUNT_EN if lang == "en" else COUNT_RU).get(t.lemma if lang == "ru" else t.low, 1)


def attach_age(toks: list[Token], idx: list[int], kind: str, lang: str) -> int | None:
    """The token of the person an age belongs to: the noun or name after an adjectival age, before a postposed one."""
    if kind in ("adj", "adj0", "adjm"):
        j = idx[-1] + 1
        if j < len(toks) and noun_of(toks[j], lang) is None and is_name(toks[j], toks):
            return j  # «14-летнюю Петрову гражданину Сидорову»: Петрова's age, not the citizen's
        for j in range(idx[-1] + 1, min(len(toks), idx[-1] + 4)):
            if noun_of(toks[j], lang) is not None:
                return j
            if toks[j].text in ",.;:":
                break
        j = idx[-1] + 1
        if j < len(toks) and is_name(toks[j], toks):
            return j  # «15-летнюю Петрову», «20-летней А.»
        return None
    skipped = 0
    kin = people_words(lang)[0]
    for j in range(idx[0] - 1, -1, -1):  # back to the person: past the initials of a name and «Республики»
        t = toks[j]
        if t.lemma in kin or t.low in kin:
            return j  # "her friend, 19", «её подруга, 19 лет»: a relative's age, not the victim's
        if noun_of(t, lang) is not None:
            return _head(toks, j, lang)
        if is_name(t, toks):
            # «гражданку К., 19 лет»: the noun the name stands beside is the person (its case and sex);
            # «Потерпевшие С., 15 лет, и Д., 16 лет»: a plural noun speaks of both, each name is one
            return _head(toks, person_head(toks, j, lang), lang)
        if t.text in ".,(" or (len(t.text) == 1 and t.text.isupper()):
            continue
        skipped += 1
        if skipped > 3:
            break
    return None


def _head(toks: list[Token], j: int, lang: str) -> int:
    """The person a postposed age belongs to when the word before it only names whose they are:
    «Мать потерпевшей, 45 лет», «Отец девушки, 50 лет», "the mother of the victim, 45" — the mother."""
    t = toks[j]
    if lang == "ru":
        i = j - 1
        while (
            i >= 0
            and j - i <= 3
            and (toks[i].pos in ("ADJF", "PRTF") or (len(toks[i].text) == 1 and toks[i].text.isupper()) or toks[i].text == ".")
        ):
            i -= 1  # «мать 15-летней потерпевшей»
        # the head is the subject («Мать потерпевшей, 45 лет, обратилась…»), not «являясь тётей малолетнего К., 8 лет»
        if "gent" in cases_of(t) and i >= 0 and person_word(toks[i], lang) and not is_name(toks[i]) and "nomn" in toks[i].tags:
            return i
        return j
    i = j - 1
    dets = people_words("en")[1]
    while i >= 0 and j - i <= 4 and (toks[i].low in dets or AGE_WORD.match(toks[i].low)):
        i -= 1
    if i >= 1 and toks[i].low == "of" and person_word(toks[i - 1], lang):
        return i - 1
    return j
