"""Text: the language of a narrative, its sentences and its tokens with their lemmas.

Sentences come from razdel (rule-based, offline); tokens from one regular expression, so that
every token keeps its exact character offsets into the input. A Cyrillic token is lemmatised by
pymorphy3 (the first parse's normal form; `ё` read as `е`), a Latin one is its lower-case form —
the English lexicon lists the surface forms it accepts. Lemmas are cached: a registry repeats
the same few thousand words, so after the first narratives nearly every look-up is a hit.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_CYR = re.compile(r"[А-Яа-яЁё]")
_LAT = re.compile(r"[A-Za-z]")
# a word (letters/digits, with inner hyphens or apostrophes: "15-year-old", «15-летняя», "don't"), or one other character
TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[^\w\s]", re.UNICODE)


def detect_lang(text: str) -> str:
    """`ru` when Cyrillic letters are at least a third of the letters, else `en`."""
    sample = text[:20000]
    cyr = len(_CYR.findall(sample))
    lat = len(_LAT.findall(sample))
    return "ru" if cyr and cyr * 2 >= lat else "en"


@functools.cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@functools.lru_cache(maxsize=50_000)
def ru_parses(word: str) -> tuple:
    """Every pymorphy3 reading of a lower-case Cyrillic word, best first (cached)."""
    return tuple(_morph().parse(word))


@functools.lru_cache(maxsize=200_000)
def ru_word(word: str) -> tuple[str, str, frozenset[str]]:
    """(lemma, part of speech, grammemes) of a lower-case Cyrillic word; `alt:<case>` marks a case of
    another reading of the same word, so an ambiguous case can be settled by the words around it."""
    parses = _morph().parse(word)
    p = parses[0]
    tags = set(p.tag.grammemes)
    # the cases of the word's other readings as the same word («дочь»: nominative, or accusative): `alt:accs`
    for q in parses[1:]:
        if q.normal_form == p.normal_form and q.tag.POS == p.tag.POS and q.tag.case and q.tag.case not in tags:
            tags.add(f"alt:{q.tag.case}")
    return p.normal_form.replace("ё", "е"), str(p.tag.POS or ""), frozenset(tags)


@dataclass(slots=True)
class Token:
    i: int  # index in the sentence
    text: str  # as written
    low: str  # lower case, ё → е
    lemma: str
    pos: str  # Russian part of speech (pymorphy3), "" for other words
    tags: frozenset[str]
    start: int  # offsets into the whole input
    end: int


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    tokens: list[Token]


_EMPTY: frozenset[str] = frozenset()


def tokens(text: str, base: int) -> list[Token]:
    out: list[Token] = []
    for m in TOKEN.finditer(text):
        t = m.group(0)
        low = t.lower().replace("ё", "е").replace("’", "'")
        if _CYR.search(low):
            # «15-летняя»: the number stays in the token, pymorphy3 lemmatises the word part
            lemma, pos, tags = ru_word(low)
        else:
            lemma, pos, tags = low, "", _EMPTY
        out.append(Token(len(out), t, low, lemma, pos, tags, base + m.start(), base + m.end()))
    return out


# razdel ends a sentence after these abbreviations when a number follows ("art. 159", «ст. 166»)
ABBREV = re.compile(
    r"(?:\b(?:art|arts|para|no|nos|p|pp|st|ст|ч|п|пп|г|гг|гр|им|ул|т|см|стр|ред|изд|mr|mrs|ms|dr|lt|col|capt|gen|vs)\.)$", re.I
)


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text` (razdel), each with its tokens; blank lines always end a sentence."""
    from razdel import sentenize

    out: list[Sentence] = []
    for block in re.finditer(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*", text):  # paragraphs: a blank line ends one
        b0 = block.start()
        spans: list[list[int]] = []
        for s in sentenize(block.group(0)):
            a, b = b0 + s.start, b0 + s.stop
            if spans and (ABBREV.search(text[spans[-1][0] : spans[-1][1]]) or text[a : a + 1].islower()):
                spans[-1][1] = b
            else:
                spans.append([a, b])
        for a, b in spans:
            toks = tokens(text[a:b], a)
            if toks:
                out.append(Sentence(a, b, toks))
    return out
