"""The words that name a person (the person/role resolver, `people.py`): person nouns and pronouns
(rules/extract/people.yaml), personal names and initials, what a name is known by across
sentences, the sex a noun tells, and the person a word stands for («гражданку К.»: the noun)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .lexicon import lexicon
from .text import Token, ru_parses


@dataclass
class Noun:
    role: str
    sex: str | None
    child: bool


@functools.cache
def _nouns(lang: str) -> dict[str, Noun]:
    out: dict[str, Noun] = {}
    for _, d in (lexicon().people["persons"].get(lang) or {}).items():
        for f in d["forms"]:
            out[str(f)] = Noun(d["role"], d.get("sex"), bool(d.get("child")))
    return out


@functools.cache
def pronouns(lang: str) -> dict[str, Noun]:
    return {str(w): Noun("neutral", sex, False) for w, sex in (lexicon().people.get("pronouns") or {}).get(lang, {}).items()}


@functools.cache
def victim_cues(lang: str) -> frozenset[str]:
    return frozenset((lexicon().people.get("victim_cues") or {}).get(lang, []))


@functools.cache
def people_tables(lang: str):
    p = lexicon().people
    countries: dict[str, str] = {}
    for code, names in p["countries"].items():
        for n in names.get(lang, []):
            countries[str(n)] = code
    return (
        countries,
        frozenset(p["offender_cues"][lang]),
        frozenset(str(w) for w in p["age_not_exact"][lang]),
        frozenset(p["ru_sex_by_gender"]),
    )


@functools.cache
def people_words(lang: str):
    """(kin words, determiners, epicene nouns, masculine nouns whose plural tells the sex)."""
    p = lexicon().people
    return (
        frozenset(str(w) for w in (p.get("kin") or {}).get(lang, [])),
        frozenset(str(w) for w in (p.get("determiners") or {}).get(lang, [])),
        frozenset(str(w) for w in p.get("ru_epicene") or []),
        frozenset(str(w) for w in p.get("ru_male_plural") or []),
    )


AGE_WORD = re.compile(r"^(?:\d{1,2}|[a-z]+)-(?:year|month)s?-old$|^new-?born$")


NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


# capitalised English words that are no names ("He sold…", "They took…", "Police found…")
NOT_NAMES_EN = frozenset(
    "he she they it we i you his her their its him them this that these those there then when after before "
    "in on at by from for with police investigators officers".split()
)


_CYR_WORD = re.compile(r"^[А-ЯЁ][а-яё]+$")


@functools.cache
def titles() -> frozenset[str]:
    """Titles before a name: "Mr Asanov", "Ms D.", «гр. Асанов Б.», «гр. М.» (people.yaml `titles`)."""
    p = lexicon().people.get("titles") or {}
    return frozenset(str(w) for lg in ("en", "ru") for w in p.get(lg, []))


def _capitalised(t: Token) -> bool:
    return t.text[:1].isupper() and t.text[1:2].islower() and t.text.isalpha()


def is_initial(toks: list[Token], k: int) -> bool:
    """One capital letter followed by a full stop: «К.», the «Б.» of «Асанов Б.», the "T." of "Mr T."."""
    t = toks[k]
    return len(t.text) == 1 and t.text.isalpha() and t.text.isupper() and k + 1 < len(toks) and toks[k + 1].text == "."


def _after_title(toks: list[Token], k: int) -> bool:
    j = k - 1
    if j >= 0 and toks[j].text == ".":
        j -= 1
    return j >= 0 and toks[j].low in titles()


def is_kin(t: Token) -> bool:
    kin = people_words("ru")[0] | people_words("en")[0]
    return t.lemma in kin or t.low in kin


def is_name(t: Token, toks: list[Token] | None = None) -> bool:
    """A personal name: a capitalised word pymorphy3 knows as a name, surname or patronymic (any Latin
    capitalised word in English). With the sentence given, also a capitalised Russian word its context
    makes a surname — initials after it («Исмаилова Ж.») or a title before it («гр. Усенова») — and a
    standalone initial («гражданку К.», «С., 15 лет», "Ms D., 19"), but not the initials of a surname
    before it («Асанов Б.»: the surname is the name)."""
    if _capitalised(t):
        if not t.pos:
            return t.low not in NOT_NAMES_EN and t.low not in titles() and t.low not in people_words("en")[1]
        if toks is not None and _after_place_word(toks, t.i):
            return False  # «с. Ленинское А.», «г. Ош»: a place
        if t.tags & NAME_TAGS:
            return True
        if toks is None or not _CYR_WORD.match(t.text) or noun_of(t, "ru") is not None or is_kin(t) or "Geox" in t.tags:
            return False
        k = t.i
        return (k + 2 < len(toks) and is_initial(toks, k + 1)) or _after_title(toks, k)
    if toks is None or not is_initial(toks, t.i):
        return False
    return not _initial_of_name(toks, t.i)


@functools.cache
def _place_words() -> frozenset[str]:
    return frozenset(str(w) for w in (lexicon().people.get("place_words") or {}).get("ru", []))


def _after_place_word(toks: list[Token], k: int) -> bool:
    """A word after «г.», «с.», «ул.», «пос.», «обл.» (people.yaml `place_words`): a place's name."""
    j = k - 2
    return j >= 0 and toks[j + 1].text == "." and toks[j].low in _place_words() and toks[j].text.islower()


def _initial_of_name(toks: list[Token], k: int) -> bool:
    """The «Б.» of «Асанов Б.», the second «А.» of «К.А.»: part of the name before it."""
    j = k - 1
    if j >= 1 and toks[j].text == "." and toks[j].end == toks[k].start and is_initial(toks, j - 1):
        return True  # «К.А.»: the second initial
    if j >= 0 and _capitalised(toks[j]):
        t = toks[j]
        return noun_of(t, "ru") is None and noun_of(t, "en") is None and t.low not in titles() and not is_kin(t)
    return False


def name_key(t: Token) -> str:
    """What a name is known by across sentences: «Асанов», «Асанова», «Асанову» are one key (the
    stem before a surname ending); an initial is its letter."""
    low = t.low
    if len(low) == 1:
        return low
    m = _SURNAME_STEM.match(low) if _CYR_WORD.match(t.text) else None
    if m:
        return m.group(1) or m.group(2) + "ск"
    return low[: max(4, len(low) - 2)]


_SURNAME_STEM = re.compile(r"^(.+?(?:ов|ев|ин|ын))(?:а|у|ым|ой|ом|е)?$|^(.+?)(?:ский|ская|ского|скому|ским|ской|скую|ском)$")


@functools.lru_cache(maxsize=5_000)
def _masc_form(low: str) -> str | None:
    """«обвиняемая» → «обвиняемый»: the masculine nominative singular of a Russian participle or
    adjective used as a noun, so that a role noun is found in any gender, number and case."""
    p = ru_parses(low)[0]
    if p.tag.POS not in ("PRTF", "ADJF"):
        return None
    f = p.inflect({"masc", "sing", "nomn"})
    return f.word.replace("ё", "е") if f else None


def _key(t: Token, lang: str) -> str:
    """The word a Russian participle or adjective used as a noun is listed under (its masculine
    nominative: pymorphy3's lemma of «задержанная» is the verb «задержать»); else the lemma."""
    if lang == "ru" and t.pos in ("PRTF", "ADJF"):
        return _masc_form(t.low) or t.lemma
    return t.lemma


def noun_of(t: Token, lang: str) -> Noun | None:
    table = _nouns(lang)
    n = table.get(t.lemma) or table.get(t.low)
    if n is None and lang == "ru" and t.pos in ("PRTF", "ADJF"):
        n = table.get(_key(t, lang))  # «Подозреваемая», «задержанных»: the role noun in any form
    return n


def pronoun_of(t: Token, lang: str) -> Noun | None:
    if lang == "ru" and t.pos != "NPRO":
        return None
    table = pronouns(lang)
    return table.get(t.lemma) or table.get(t.low)


def sex_of(t: Token, n: Noun, lang: str, toks: list[Token]) -> str | None:
    if lang == "ru":
        if "plur" in t.tags and n.sex == "male" and t.lemma not in people_words("ru")[3]:
            return None  # «жители», «граждане», «школьники»: a generic masculine plural
        if _key(t, lang) in people_tables("ru")[3] and t.i + 1 < len(toks) and noun_of(toks[t.i + 1], lang) is not None:
            return n.sex  # «несовершеннолетнего ребёнка»: an attribute; the noun it goes with tells the sex
    if n.sex:
        return n.sex
    if lang == "ru" and _key(t, lang) in people_tables("ru")[3] and "sing" in t.tags:
        return "female" if "femn" in t.tags else "male" if "masc" in t.tags else None
    return None


def title_noun(toks: list[Token], j: int, lang: str) -> int | None:
    """The person noun a name stands beside: «гражданку К.», «Обвиняемая Исмаилова Ж.», «гражданину
    Республики Казахстан С.», "the accused Mr Tursunov" (past a title: «гр.», "Mr")."""
    i = j - 1
    if i >= 0 and toks[i].text == ".":
        i -= 1
    if i >= 0 and toks[i].low in titles():
        i -= 1
    if i >= 0 and toks[i].text == ".":
        i -= 1
    countries = people_tables(lang)[0]
    stop = max(-1, i - 4)
    while i > stop:
        t = toks[i]
        if noun_of(t, lang) is not None:
            return i
        if not (t.lemma in countries or t.low in countries or t.lemma in ("республика", "republic", "of", "the")):
            return None
        i -= 1
    return None


def name_after(toks: list[Token], k: int, lang: str) -> int | None:
    """The name a person noun is followed by: «гражданка К.», «подозреваемый Кадыров Э.», "the accused Mr T."."""
    countries = people_tables(lang)[0]
    for j in range(k + 1, min(len(toks), k + 6)):
        t = toks[j]
        if t.text == "." or t.low in titles():
            continue
        if t.lemma in countries or t.low in countries or t.lemma in ("республика", "republic", "of", "the"):
            continue
        return j if is_name(t, toks) else None
    return None


def _plural_noun(t: Token, lang: str) -> bool:
    if lang == "ru":
        return "plur" in t.tags
    return t.low.endswith("s") or t.low in {"men", "women", "children", "people"}


def person_head(toks: list[Token], k: int, lang: str) -> int:
    """The token standing for the person at k: a name beside a singular person noun is that noun's
    person («гражданку К.», «Обвиняемая Исмаилова»); anything else stands for itself."""
    if lang == "ru" and (age_adjective(toks, k) or _attribute_of_person(toks, k)):
        return person_head(toks, k + 1, lang)  # «30-летний Иванов», «12-летняя сестра»: the person the word goes with
    if noun_of(toks[k], lang) is None and is_name(toks[k], toks):
        tn = title_noun(toks, k, lang)
        if tn is not None and not _plural_noun(toks[tn], lang):
            return tn
    return k


def _attribute_of_person(toks: list[Token], k: int) -> bool:
    """A Russian adjective right before a person noun or a relative («12-летняя сестра»)."""
    return (
        toks[k].pos in ("ADJF", "PRTF") and k + 1 < len(toks) and (noun_of(toks[k + 1], "ru") is not None or is_kin(toks[k + 1]))
    )


def age_adjective(toks: list[Token], k: int) -> bool:
    """A Russian adjective right before a name («15-летнюю Петрову», «несовершеннолетнюю Н.»)."""
    return (
        toks[k].pos in ("ADJF", "PRTF")
        and noun_of(toks[k], "ru") is None
        and k + 1 < len(toks)
        and noun_of(toks[k + 1], "ru") is None
        and is_name(toks[k + 1], toks)
    )


def person_word(t: Token, lang: str) -> bool:
    kin = people_words(lang)[0]
    return noun_of(t, lang) is not None or t.lemma in kin or t.low in kin
