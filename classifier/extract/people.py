"""The person/role resolver: who in a sentence is a victim, who an offender, and the age, sex
and citizenship the text gives each (rules/extract/people.yaml).

A person is named by a noun ("girl", «потерпевшая», "trafficker"), a name next to an age
("Olga, 17"), or an age alone ("the 15-year-old"). Their role is, in order:

1. the noun's own role (victim, survivor / trafficker, buyer, suspect…);
2. an offender cue in their clause ("detained", «задержан», "accused");
3. the grammar of the clause around an act or means the lexicon found in it: in Russian the
   case of the person (nominative beside an active verb: the one who acted; accusative: the one
   acted upon; nominative beside a passive form «была продана»: the victim); in English the
   order (before an active verb: the actor; after it, after a passive verb, or after "by":
   the victim — "by" names the actor);
4. a child noun (girl, boy, child…) with nothing else said about them: the victim;
5. otherwise no role, and nothing about them is proposed.
"""

from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass, field

from .clauses import Context
from .lexicon import lexicon
from .text import Sentence, Token, ru_parses

AUX_EN = frozenset({"was", "were", "been", "being", "is", "are", "got", "get", "be", "herself", "himself", "themselves"})
VICTIM_OF_EN = frozenset({"trafficking", "trafficked", "exploitation", "exploited"})


@dataclass
class Noun:
    role: str
    sex: str | None
    child: bool


@dataclass
class Mention:
    """What one sentence says about one person."""

    role: str | None
    tokens: list[int]  # the tokens the statement rests on
    noun: int | None = None
    name: str | None = None
    age: int | None = None
    age_tokens: list[int] = field(default_factory=list)
    sex: str | None = None
    sex_tokens: list[int] = field(default_factory=list)
    citizenship: str | None = None
    citizenship_tokens: list[int] = field(default_factory=list)
    plural: bool = False  # "the girls", «девушек»: what it says is said of every person of its role
    weak: bool = False  # a pronoun: its sex counts only where no noun tells one
    how: str = ""  # what gave the role: noun | cue | grammar | child
    epicene: bool = False  # named by «ребёнок», «подросток»: a masculine word that agrees with it tells no sex
    count: int = 1  # "two 15-year-old girls", «двух 16-летних школьниц»: so many persons of this age


@functools.cache
def _nouns(lang: str) -> dict[str, Noun]:
    out: dict[str, Noun] = {}
    for _, d in (lexicon().people["persons"].get(lang) or {}).items():
        for f in d["forms"]:
            out[str(f)] = Noun(d["role"], d.get("sex"), bool(d.get("child")))
    return out


@functools.cache
def _pronouns(lang: str) -> dict[str, Noun]:
    return {str(w): Noun("neutral", sex, False) for w, sex in (lexicon().people.get("pronouns") or {}).get(lang, {}).items()}


@functools.cache
def _victim_cues(lang: str) -> frozenset[str]:
    return frozenset((lexicon().people.get("victim_cues") or {}).get(lang, []))


@functools.cache
def _tables(lang: str):
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
def _people_words(lang: str):
    """(kin words, determiners, epicene nouns, masculine nouns whose plural tells the sex)."""
    p = lexicon().people
    return (
        frozenset(str(w) for w in (p.get("kin") or {}).get(lang, [])),
        frozenset(str(w) for w in (p.get("determiners") or {}).get(lang, [])),
        frozenset(str(w) for w in p.get("ru_epicene") or []),
        frozenset(str(w) for w in p.get("ru_male_plural") or []),
    )


AGE_WORD = re.compile(r"^(?:\d{1,2}|[a-z]+)-(?:year|month)s?-old$|^new-?born$")
RU_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


@functools.cache
def _age_res(lang: str) -> list[tuple[re.Pattern[str], str]]:
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


def _age_values(raw: str, kind: str, lang: str) -> list[int]:
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


def _tok_range(s: Sentence, start: int, end: int) -> list[int]:
    return [t.i for t in s.tokens if t.start < end and t.end > start]


NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
# capitalised English words that are no names ("He sold…", "They took…", "Police found…")
NOT_NAMES_EN = frozenset(
    "he she they it we i you his her their its him them this that these those there then when after before "
    "in on at by from for with police investigators officers".split()
)
_CYR_WORD = re.compile(r"^[А-ЯЁ][а-яё]+$")


@functools.cache
def _titles() -> frozenset[str]:
    """Titles before a name: "Mr Asanov", "Ms D.", «гр. Асанов Б.», «гр. М.» (people.yaml `titles`)."""
    p = lexicon().people.get("titles") or {}
    return frozenset(str(w) for lg in ("en", "ru") for w in p.get(lg, []))


def _capitalised(t: Token) -> bool:
    return t.text[:1].isupper() and t.text[1:2].islower() and t.text.isalpha()


def _initial(toks: list[Token], k: int) -> bool:
    """One capital letter followed by a full stop: «К.», the «Б.» of «Асанов Б.», the "T." of "Mr T."."""
    t = toks[k]
    return len(t.text) == 1 and t.text.isalpha() and t.text.isupper() and k + 1 < len(toks) and toks[k + 1].text == "."


def _after_title(toks: list[Token], k: int) -> bool:
    j = k - 1
    if j >= 0 and toks[j].text == ".":
        j -= 1
    return j >= 0 and toks[j].low in _titles()


def _is_kin(t: Token) -> bool:
    kin = _people_words("ru")[0] | _people_words("en")[0]
    return t.lemma in kin or t.low in kin


def _is_name(t: Token, toks: list[Token] | None = None) -> bool:
    """A personal name: a capitalised word pymorphy3 knows as a name, surname or patronymic (any Latin
    capitalised word in English). With the sentence given, also a capitalised Russian word its context
    makes a surname — initials after it («Исмаилова Ж.») or a title before it («гр. Усенова») — and a
    standalone initial («гражданку К.», «С., 15 лет», "Ms D., 19"), but not the initials of a surname
    before it («Асанов Б.»: the surname is the name)."""
    if _capitalised(t):
        if not t.pos:
            return t.low not in NOT_NAMES_EN and t.low not in _titles() and t.low not in _people_words("en")[1]
        if toks is not None and _after_place_word(toks, t.i):
            return False  # «с. Ленинское А.», «г. Ош»: a place
        if t.tags & NAME_TAGS:
            return True
        if toks is None or not _CYR_WORD.match(t.text) or _noun(t, "ru") is not None or _is_kin(t) or "Geox" in t.tags:
            return False
        k = t.i
        return (k + 2 < len(toks) and _initial(toks, k + 1)) or _after_title(toks, k)
    if toks is None or not _initial(toks, t.i):
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
    if j >= 1 and toks[j].text == "." and toks[j].end == toks[k].start and _initial(toks, j - 1):
        return True  # «К.А.»: the second initial
    if j >= 0 and _capitalised(toks[j]):
        t = toks[j]
        return _noun(t, "ru") is None and _noun(t, "en") is None and t.low not in _titles() and not _is_kin(t)
    return False


def _name_key(t: Token) -> str:
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

# Russian surnames by their ending: the (case, gender) readings each ending allows, for a surname
# pymorphy3 does not know. Kyrgyz «уулу» / «кызы» do not decline.
SURNAME_RU = (
    (("ова", "ева", "ина", "ына"), (("nomn", "femn"), ("gent", "masc"), ("accs", "masc"))),
    (("ову", "еву", "ину", "ыну"), (("accs", "femn"), ("datv", "masc"))),
    (("овой", "евой", "иной", "ыной"), (("gent", "femn"), ("datv", "femn"), ("ablt", "femn"), ("loct", "femn"))),
    (("овым", "евым", "иным", "ыным"), (("ablt", "masc"),)),
    (("ове", "еве", "ине", "ыне"), (("loct", "masc"),)),
    (("ов", "ев", "ин", "ын"), (("nomn", "masc"),)),
    (("ская", "цкая"), (("nomn", "femn"),)),
    (("скую", "цкую"), (("accs", "femn"),)),
    (("ской", "цкой"), (("gent", "femn"), ("datv", "femn"), ("ablt", "femn"), ("loct", "femn"))),
    (("ский", "цкий"), (("nomn", "masc"),)),
    (("ского", "цкого"), (("gent", "masc"), ("accs", "masc"))),
    (("скому", "цкому"), (("datv", "masc"),)),
    (("ским", "цким"), (("ablt", "masc"),)),
    (("уулу",), tuple((c, "masc") for c in RU_CASES)),
    (("кызы",), tuple((c, "femn") for c in RU_CASES)),
)

Reading = tuple[str, str | None, str]  # (case, gender, number): gender None when a plural or not told


@functools.lru_cache(maxsize=20_000)
def _name_readings(low: str) -> frozenset[Reading] | None:
    """The readings of a Russian personal name: a surname's by pymorphy3, else by its ending, else a
    first name's or a patronymic's singular readings; None when nothing tells its case. Never the
    reading of a common word that is spelt the same («Асанов» is no genitive plural of «Асан»)."""
    parses = ru_parses(low)

    def of(tag: str) -> frozenset[Reading]:
        return frozenset(
            (str(p.tag.case), str(p.tag.gender) if p.tag.gender in ("masc", "femn") else None, "sing")
            for p in parses
            if tag in p.tag and p.tag.case and p.tag.number != "plur"
        )

    if found := of("Surn"):
        return found
    for ends, readings in SURNAME_RU:
        if any(low.endswith(e) and len(low) > len(e) + 1 for e in ends):
            return frozenset((c, g, "sing") for c, g in readings)
    return of("Name") | of("Patr") or None


@functools.lru_cache(maxsize=50_000)
def _word_readings(low: str) -> frozenset[Reading]:
    """The readings of a Russian noun, adjective or participle as the same word as its first parse."""
    parses = ru_parses(low)
    first = parses[0]
    out = set()
    for p in parses:
        if p.normal_form == first.normal_form and p.tag.POS == first.tag.POS and p.tag.case:
            num = "plur" if p.tag.number == "plur" else "sing"
            g = str(p.tag.gender) if num == "sing" and p.tag.gender in ("masc", "femn", "neut") else None
            out.add((str(p.tag.case), g, num))
    return frozenset(out)


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


def _noun(t: Token, lang: str) -> Noun | None:
    table = _nouns(lang)
    n = table.get(t.lemma) or table.get(t.low)
    if n is None and lang == "ru" and t.pos in ("PRTF", "ADJF"):
        n = table.get(_key(t, lang))  # «Подозреваемая», «задержанных»: the role noun in any form
    return n


def _pronoun(t: Token, lang: str) -> Noun | None:
    if lang == "ru" and t.pos != "NPRO":
        return None
    table = _pronouns(lang)
    return table.get(t.lemma) or table.get(t.low)


def _sex(t: Token, n: Noun, lang: str, toks: list[Token]) -> str | None:
    if lang == "ru":
        if "plur" in t.tags and n.sex == "male" and t.lemma not in _people_words("ru")[3]:
            return None  # «жители», «граждане», «школьники»: a generic masculine plural
        if _key(t, lang) in _tables("ru")[3] and t.i + 1 < len(toks) and _noun(toks[t.i + 1], lang) is not None:
            return n.sex  # «несовершеннолетнего ребёнка»: an attribute; the noun it goes with tells the sex
    if n.sex:
        return n.sex
    if lang == "ru" and _key(t, lang) in _tables("ru")[3] and "sing" in t.tags:
        return "female" if "femn" in t.tags else "male" if "masc" in t.tags else None
    return None


def _cases(t: Token) -> set[str]:
    """Every case pymorphy3 reads a Russian word in (its first reading and the others, `alt:`)."""
    return {c for c in RU_CASES if c in t.tags or f"alt:{c}" in t.tags}


def _title_noun(toks: list[Token], j: int, lang: str) -> int | None:
    """The person noun a name stands beside: «гражданку К.», «Обвиняемая Исмаилова Ж.», «гражданину
    Республики Казахстан С.», "the accused Mr Tursunov" (past a title: «гр.», "Mr")."""
    i = j - 1
    if i >= 0 and toks[i].text == ".":
        i -= 1
    if i >= 0 and toks[i].low in _titles():
        i -= 1
    if i >= 0 and toks[i].text == ".":
        i -= 1
    countries = _tables(lang)[0]
    stop = max(-1, i - 4)
    while i > stop:
        t = toks[i]
        if _noun(t, lang) is not None:
            return i
        if not (t.lemma in countries or t.low in countries or t.lemma in ("республика", "republic", "of", "the")):
            return None
        i -= 1
    return None


def _name_after(toks: list[Token], k: int, lang: str) -> int | None:
    """The name a person noun is followed by: «гражданка К.», «подозреваемый Кадыров Э.», "the accused Mr T."."""
    countries = _tables(lang)[0]
    for j in range(k + 1, min(len(toks), k + 6)):
        t = toks[j]
        if t.text == "." or t.low in _titles():
            continue
        if t.lemma in countries or t.low in countries or t.lemma in ("республика", "republic", "of", "the"):
            continue
        return j if _is_name(t, toks) else None
    return None


def _plural_noun(t: Token, lang: str) -> bool:
    if lang == "ru":
        return "plur" in t.tags
    return t.low.endswith("s") or t.low in {"men", "women", "children", "people"}


def _person_head(toks: list[Token], k: int, lang: str) -> int:
    """The token standing for the person at k: a name beside a singular person noun is that noun's
    person («гражданку К.», «Обвиняемая Исмаилова»); anything else stands for itself."""
    if lang == "ru" and (_age_adjective(toks, k) or _attribute_of_person(toks, k)):
        return _person_head(toks, k + 1, lang)  # «30-летний Иванов», «12-летняя сестра»: the person the word goes with
    if _noun(toks[k], lang) is None and _is_name(toks[k], toks):
        tn = _title_noun(toks, k, lang)
        if tn is not None and not _plural_noun(toks[tn], lang):
            return tn
    return k


def _attribute_of_person(toks: list[Token], k: int) -> bool:
    """A Russian adjective right before a person noun or a relative («12-летняя сестра»)."""
    return (
        toks[k].pos in ("ADJF", "PRTF") and k + 1 < len(toks) and (_noun(toks[k + 1], "ru") is not None or _is_kin(toks[k + 1]))
    )


def _age_adjective(toks: list[Token], k: int) -> bool:
    """A Russian adjective right before a name («15-летнюю Петрову», «несовершеннолетнюю Н.»)."""
    return (
        toks[k].pos in ("ADJF", "PRTF")
        and _noun(toks[k], "ru") is None
        and k + 1 < len(toks)
        and _noun(toks[k + 1], "ru") is None
        and _is_name(toks[k + 1], toks)
    )


def _compatible(a: Reading, b: Reading) -> bool:
    return a[0] == b[0] and a[2] == b[2] and (a[1] is None or b[1] is None or a[1] == b[1])


RU_PERSON_PRONOUNS = frozenset({"он", "она", "они", "который", "кто"})


def _ru_person(toks: list[Token], k: int) -> bool:
    """A word that can name a person in a Russian sentence: a person noun or kin, a name or an
    initial, a personal or relative pronoun."""
    t = toks[k]
    if t.lemma in RU_PERSON_PRONOUNS and t.pos in ("NPRO", "ADJF"):
        return True
    return _noun(t, "ru") is not None or _is_kin(t) or _is_name(t, toks)


def _readings(toks: list[Token], k: int) -> frozenset[Reading] | None:
    """The (case, gender, number) readings of the Russian person at k, or None when nothing tells its
    case (an initial alone, «гр. М.»). A name's are a name's (`_name_readings`), narrowed by the noun
    it stands beside («гражданку К.»: accusative); any person's are narrowed by an adjective agreeing
    with it («её новорождённую дочь», «15-летнюю Петрову»: accusative)."""
    t = toks[k]
    if _noun(t, "ru") is None and not _is_kin(t) and _is_name(t, toks):
        r = _name_readings(t.low) if len(t.text) > 1 else None
        tn = _title_noun(toks, k, "ru")
        if tn is not None:
            rn = _readings(toks, tn)
            if rn is not None:
                both = frozenset(x for x in rn if r is None or any(_compatible(x, y) for y in r))
                r = both or rn
        first = k - 1
        while first >= 0 and (toks[first].text == "." or toks[first].low in _titles()):
            first -= 1
        k = first + 1
    elif t.pos:
        r = _word_readings(t.low)
    else:
        return None
    for j in range(k - 1, max(-1, k - 3), -1):  # an adjective agreeing with the person settles its case
        a = toks[j]
        if a.pos not in ("ADJF", "PRTF"):
            break
        ar = _word_readings(a.low)
        if r is None:
            r = ar
            continue
        narrowed = frozenset(x for x in r if any(_compatible(x, y) for y in ar))
        if narrowed:
            r = narrowed
    return r or None


def _ru_readings_at(ctx: Context, k: int) -> frozenset[Reading] | None:
    """`_readings`, and a person that may be nominative or accusative right after a transitive verb
    of its clause is its object («завербовала дочь и вывезла её»: «дочь» is no subject of «вывезла»)."""
    toks = ctx.s.tokens
    r = _readings(toks, k)
    if r is None or not any(x[0] == "nomn" for x in r) or not any(x[0] in ("accs", "gent") for x in r):
        return r
    for j in range(k - 1, max(-1, k - 6), -1):
        t = toks[j]
        if ctx.clause[j] != ctx.clause[k]:
            break
        if t.pos == "VERB" and "tran" in t.tags:
            # …unless the verb has no subject before it: «Потерпевшую продал её знакомый» (the subject)
            if any(_ru_person(toks, i) and any(_agrees(x, t) for x in _readings(toks, i) or ()) for i in range(j)):
                return frozenset(x for x in r if x[0] != "nomn")
            return r
        if not (
            t.pos in ("ADJF", "PRTF", "NUMR") or _possessive(t) or _person_head(toks, j, "ru") == _person_head(toks, k, "ru")
        ):
            break
    return r


def _possessive(t: Token) -> bool:
    """«его», «её», «их», «свой» before a noun: whose it is."""
    return (
        t.lemma in ("его", "ее", "их", "свой")
        or (t.lemma == "она" and t.low == "ее")
        or (t.lemma == "он" and t.low == "его")
        or (t.lemma == "они" and t.low == "их")
    )


def _agrees(r: Reading, v: Token) -> bool:
    """Can a person of reading r be the subject of the verb v (a nominative of its number and, in the
    past tense, its gender)? A plural verb takes two persons joined by «и» as well as a plural one."""
    if r[0] != "nomn":
        return False
    if "plur" in v.tags:
        return True
    if r[2] == "plur":
        return False
    vg = next((g for g in ("masc", "femn", "neut") if g in v.tags), None)
    return vg is None or r[1] is None or r[1] == vg


_SUBJECTS: weakref.WeakKeyDictionary[Context, dict[int, frozenset[int]]] = weakref.WeakKeyDictionary()


def _ru_subjects(ctx: Context) -> dict[int, frozenset[int]]:
    """The subject of each Russian verb of the sentence (the head tokens of its persons): the nearest
    person before it that can be its subject (a nominative agreeing with it); else the nearest after
    it in its clause («её продал отчим»); else a person of unknown case before it («гр. М. (45 лет)
    завербовал 17-летнюю девушку»: an initial alone). A plural verb's subject takes in the persons
    joined to it by «и» («Ш., 33 лет, и О., 29 лет, вербовали»)."""
    cache = _SUBJECTS.get(ctx)
    if cache is not None:
        return cache
    toks = ctx.s.tokens
    persons: list[tuple[int, int, frozenset[Reading] | None]] = []  # (token, head, readings)
    for j in range(len(toks)):
        if _ru_person(toks, j) and not (_noun(toks[j], "ru") is not None and _name_after(toks, j, "ru") is not None):
            persons.append((j, _person_head(toks, j, "ru"), _ru_readings_at(ctx, j)))
    out: dict[int, frozenset[int]] = {}
    for v, t in enumerate(toks):
        if t.pos not in ("VERB", "PRTS"):
            continue
        before = [p for p in persons if p[0] < v]
        after = [p for p in persons if p[0] > v and ctx.clause[p[0]] == ctx.clause[v]]
        pick = next((p for p in reversed(before) if p[2] is not None and any(_agrees(x, t) for x in p[2])), None)
        if pick is None:
            pick = next((p for p in after if p[2] is not None and any(_agrees(x, t) for x in p[2])), None)
        if pick is None:
            pick = next((p for p in reversed(before) if p[2] is None), None)
        if pick is None:
            continue
        heads = {pick[1]}
        if "plur" in t.tags:  # persons joined by «и» to the subject, past their ages, initials and attributes
            nominative = [p for p in before if p[2] is None or any(x[0] == "nomn" for x in p[2])]
            at = nominative.index(pick) if pick in nominative else -1
            for step in (-1, 1):
                i = at
                while at >= 0 and 0 <= i + step < len(nominative):
                    a, b = sorted((nominative[i][0], nominative[i + step][0]))
                    gap = toks[a + 1 : b]
                    if not all(
                        x.low in JOIN_RU
                        or x.text.isdigit()
                        or x.pos in ("ADJF", "PRTF", "NUMR")
                        or _possessive(x)
                        or _initial(toks, x.i)
                        for x in gap
                    ):
                        break
                    i += step
                    heads.add(nominative[i][1])
        out[v] = frozenset(heads)
    _SUBJECTS[ctx] = out
    return out


JOIN_RU = frozenset({"и", ",", ".", "(", ")", "лет", "года", "год", "а", "также"})
RU_CASE_ROLE = {"accs": "victim", "gent": "victim"}


def _ru_role(ctx: Context, k: int, acts: list[tuple[int, bool]], giving: frozenset[int]) -> str | None:
    """Russian: the role the grammar gives the person at k. The subject of an act verb did it (of a
    passive participle, «была продана», suffered it); anyone else named in the accusative or genitive
    is the one acted upon, in the dative the one given to (a sale: the buyer) or acted upon; a
    nominative that is no act's subject, or a case no act tells, gives no role."""
    toks = ctx.s.tokens
    cl = ctx.clause[k]
    same = [(i, active) for i, active in acts if ctx.clause[i] == cl] or acts
    if not same:
        return None
    h = _person_head(toks, k, "ru")
    r = _ru_readings_at(ctx, k + 1 if _age_adjective(toks, k) else k)
    verbs = [i for i, _ in acts if toks[i].pos in ("VERB", "PRTS") and toks[i].lemma != "быть"]
    subjects = _ru_subjects(ctx)
    mine = [v for v in verbs if h in subjects.get(v, ())]
    if mine:
        v = next((v for v in mine if v > k), mine[-1])
        return "offender" if toks[v].pos == "VERB" else "victim"
    if r is None:
        partner = _joined_before(toks, k)  # «потерпевших М., 22 лет, и Н., 24 лет»: Н. is what М. is
        return _ru_role(ctx, partner, acts, giving) if partner is not None else None
    if _after_preposition(toks, k):
        return None  # «с 15-летней Д.», «от гражданки Ж.»: no act's subject or object
    if any(x[0] == "nomn" for x in r):
        if not verbs:  # acts named by nouns («вербовка»): the one the sentence is about did them or suffered them
            return "offender" if any(active for _, active in same) else "victim"
        r = frozenset(x for x in r if x[0] != "nomn")  # a nominative that is no act's subject is no one
    roles = set()
    for c in {x[0] for x in r}:
        if c == "datv":
            roles.add("offender" if any(i in giving for i, _ in same) else "victim")
        elif c == "ablt":  # «переданы отцом»: the agent of a passive act
            roles.add("offender" if any(toks[i].pos == "PRTS" and ctx.clause[i] == cl for i, _ in same) else None)
        else:
            roles.add(RU_CASE_ROLE.get(c))
    roles.discard(None)  # a reading that tells no role leaves the one the others tell
    return roles.pop() if len(roles) == 1 else None


def _joined_before(toks: list[Token], k: int) -> int | None:
    """The person a Russian name of unknown case is joined to by «и», past that person's age and
    initials («М., 22 лет, и Н.»)."""
    j = k - 1
    seen_and = False
    while j >= 0 and k - j <= 8:
        t = toks[j]
        if t.low == "и":
            seen_and = True
        elif not (t.text in ",.()" or t.text.isdigit() or t.low in ("лет", "года", "год")):
            if seen_and and _ru_person(toks, j) and (t.pos or _initial(toks, j)):
                return j
            return None
        j -= 1
    return None


def _after_preposition(toks: list[Token], k: int) -> bool:
    """A Russian person governed by a preposition («с 15-летней Д.», «от гражданки Ж.», «у неё»),
    past the attributes and the title before it."""
    j = min(k, _person_head(toks, k, "ru")) - 1
    while j >= 0 and (
        toks[j].pos in ("ADJF", "PRTF", "NUMR") or _possessive(toks[j]) or toks[j].text == "." or toks[j].low in _titles()
    ):
        j -= 1
    return j >= 0 and toks[j].pos == "PREP" and not _initial(toks, j)  # «К.» is no preposition «к»


def _relative_role(ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]], giving: frozenset[int]) -> str | None:
    """The role a relative clause gives the person it follows: "a man who forced them" (the actor), "a
    girl who was sold" (the victim), «гражданину Б., 55 лет, который вывез ребёнка» (the actor),
    «девушку, которую продали» (the victim)."""
    toks = ctx.s.tokens
    n = len(toks)
    j = k + 1
    if lang == "en":
        if j < n and toks[j].text == ",":
            j += 1
        if not (j < n and toks[j].low == "who"):
            return None
    else:
        while (
            j < n
            and j <= k + 8
            and (
                toks[j].text in ",."
                or toks[j].low.isdigit()
                or toks[j].low in ("лет", "года", "год", "г", "р")
                or (len(toks[j].text) == 1 and toks[j].text.isupper())
            )
        ):
            j += 1
        if not (j < n and toks[j].lemma == "который"):
            return None
    rel = [(i, active) for i, active in acts if i > j and ctx.clause[i] == ctx.clause[j]]
    if not rel:
        return None
    i, active = rel[0]
    if any(_noun(x, lang) or _pronoun(x, lang) for x in toks[j + 1 : i]):
        return None  # "a man who the girl said sold her": the clause has a subject of its own
    if lang == "en":
        return "offender" if active else "victim"
    tags = toks[j].tags
    if "nomn" in tags:
        return "offender" if toks[i].pos in ("VERB", "GRND") else "victim" if toks[i].pos == "PRTS" else None
    if "datv" in tags:
        return "offender" if i in giving else None
    if "accs" in tags:
        return "victim"
    return None


def _role(
    ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]], noun: Noun | None, giving: frozenset[int] = frozenset()
) -> str | None:
    """The role of the person at token k; `acts` are (token, is_active_verb) of the acts and means found."""
    return _role_how(ctx, k, lang, acts, noun, giving)[0]


def _role_how(
    ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]], noun: Noun | None, giving: frozenset[int] = frozenset()
) -> tuple[str | None, str]:
    """The role of the person at token k and what gave it: `noun`, `cue` (an offender or victim cue),
    `grammar` (the acts around them), `child` (a child noun with nothing else said)."""
    if noun is not None and noun.role != "neutral":
        return noun.role, "noun"
    a = _apposition(ctx.s.tokens, k, lang)
    if isinstance(a, int):  # "a 19-year-old woman, a citizen of Uzbekistan": the woman's role, if told
        r = _role_how(ctx, a, lang, acts, _noun(ctx.s.tokens[a], lang), giving)
        if r[0]:
            return r
    elif a is not None:
        return a, "noun"  # "the recruiter, a 31-year-old Kyrgyz citizen": the recruiter
    r = _role_cue(ctx, k, lang, acts)
    if r:
        return r, "cue"
    r = _role_grammar(ctx, k, lang, acts, noun, giving)
    if r:
        return r, "grammar"
    if noun is not None and noun.child and not _possessed(ctx.s.tokens, k, lang):
        return "victim", "child"  # not "her son", "the couple's daughter": someone's child is not the victim by that
    return None, ""


def _apposition(toks: list[Token], k: int, lang: str) -> str | int | None:
    """The role of a role noun the person at k stands in apposition to: "the recruiter, a 31-year-old
    Kyrgyz citizen", "the owner of a sauna, a 50-year-old man", "the accused, Mr T., 35", «Вербовщица,
    гражданка Казахстана Б.»; or "Ms K., the recruiter, …" the other way round. A neutral noun it
    stands in apposition to ("a 19-year-old woman, a citizen of Uzbekistan") is given as its token:
    the person has that noun's role."""
    dets = _people_words(lang)[1] if lang == "en" else frozenset()
    countries = _tables(lang)[0]

    def modifier(t: Token) -> bool:
        return (
            t.low in dets
            or t.low in countries
            or t.lemma in countries
            or bool(AGE_WORD.match(t.low))
            or t.low in _titles()
            or t.text == "."
            or (lang == "ru" and t.pos in ("ADJF", "PRTF", "NUMR") and _noun(t, lang) is None)
        )

    j = k - 1
    while j >= 0 and k - j <= 5 and modifier(toks[j]):
        j -= 1
    if j >= 0 and toks[j].text == ",":
        for i in range(j - 1, max(-1, j - 7), -1):
            t = toks[i]
            n = _noun(t, lang)
            named = n is None and (_is_name(t, toks) or _is_kin(t))
            if n is not None or named:
                # "the recruiter, …", "the owner of a sauna, …", "by Ms D., …": nothing, a name's full stop, or
                # a phrase of whose or where, between
                between = [x for x in toks[i + 1 : j] if x.text != "."]
                if between and lang == "en" and between[0].low not in ("of", "from", "in"):
                    return None
                if not _apposable(toks, i, k, lang):
                    return None
                if named:
                    return i  # "by Ms D., a 40-year-old citizen", "by her stepfather, a …": theirs
                return n.role if n.role != "neutral" else i
            if not (t.text.isalpha() or t.text == ".") or _pronoun(t, lang) is not None or (lang == "ru" and t.pos in VERBISH_RU):
                return None
    # the other way round: "Ms K., the recruiter, …", «Б., вербовщица, …»
    j = k + 1
    while (
        j < len(toks)
        and j - k <= 3
        and (toks[j].text == "." or _initial(toks, j) or toks[j].low in ("лет", "года", "год") or toks[j].text.isdigit())
    ):
        j += 1
    if j < len(toks) and toks[j].text == "," and _is_name(toks[k], toks):
        i = j + 1
        while i < len(toks) and i - j <= 3 and toks[i].low in dets:
            i += 1
        n = _noun(toks[i], lang) if i < len(toks) else None
        if n is not None and n.role != "neutral" and i + 1 < len(toks) and toks[i + 1].text in ",.;)":
            return n.role
    return None


VERBISH_RU = frozenset({"VERB", "GRND", "PRTS", "INFN"})


def _apposable(toks: list[Token], i: int, k: int, lang: str) -> bool:
    """Can the person at k stand in apposition to the one at i? Not to the source of a report
    ("According to the victim, a man, 41, …", "In the words of the victim, …", «По словам потерпевшей,
    гражданка К., 40 лет, …»); in Russian only in the same case."""
    if lang == "en":
        return not any(x.low in ("according", "words", "account", "view", "opinion") for x in toks[max(0, i - 5) : i])
    a, b = _readings(toks, i), _readings(toks, k)
    if a is None or b is None:
        return True
    return any(x[0] == y[0] for x in a for y in b)


def _role_cue(ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]]) -> str | None:
    toks = ctx.s.tokens
    cl = ctx.clause[k]
    cues = _tables(lang)[1]
    act_at = {i for i, _ in acts}
    for t in toks:  # "two more girls were detained"; not "detained the man who sold the girl"
        if ctx.clause[t.i] == cl and (t.lemma in cues or t.low in cues) and t.i != k:
            lo, hi = sorted((t.i, k))
            if not any(lo < i < hi for i in act_at):
                return "offender"
    if lang == "en" and any(
        x.low in VICTIM_OF_EN
        and not any(y.low == "by" for y in toks[x.i + 1 : k])
        and (x.low.endswith("ed") or x.i + 1 < k and toks[x.i + 1].low == "of")
        for x in toks[max(0, k - 5) : k]
    ):
        return "victim"  # "trafficking of two young Kyrgyz citizens", "exploited 11 men"; not "trafficked by a man"
    vc = _victim_cues(lang)
    if any(ctx.clause[x.i] == cl and (x.lemma in vc or x.low in vc) for x in toks[max(0, k - 5) : k]):
        return "victim"  # "police found 11 men", «освободили девушек»
    return None


def _role_grammar(
    ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]], noun: Noun | None, giving: frozenset[int]
) -> str | None:
    toks = ctx.s.tokens
    cl = ctx.clause[k]
    rel = _relative_role(ctx, k, lang, acts, giving)
    if rel:
        return rel
    same = [(i, active) for i, active in acts if ctx.clause[i] == cl] or acts
    if same:
        if lang == "ru":
            return _ru_role(ctx, k, acts, giving)
        else:
            if any(x.low == "to" for x in toks[max(0, k - 3) : k]) and any(i in giving and i < k for i, _ in same):
                return "offender"  # "sold her to a 45-year-old man": the buyer
            if _by_agent(toks, k, acts):
                return "offender"  # "by their father", "by a 45-year-old man", "by Mr Asanov (59)": the one who acted
            preceding = [i for i, _ in same if k - 5 <= i < k]  # "seized a 15-year-old girl": the object
            # not an act of a relative clause on something else: "a 24-year-old man answered an advert
            # that promised a job" (the advert's promise, not the man's)
            following = [(i, active) for i, active in same if i > k and not _in_relative_clause(ctx, k, i)]
            if preceding:
                return "victim"
            if following:
                i, active = following[0]
                between = toks[k + 1 : i]
                if any(_noun(x, lang) or _pronoun(x, lang) for x in between):
                    return "victim" if noun is not None and noun.child else None  # "a girl told that her stepfather sold her"
                return "offender" if active else "victim"
            if any(i < k and not any(_noun(x, lang) for x in toks[i + 1 : k]) for i, _ in same):
                return "victim"  # an act before them, and no other person between
    return None


RELATIVE_EN = frozenset({"that", "which", "where", "who", "whom", "whose"})


def _in_relative_clause(ctx: Context, k: int, i: int) -> bool:
    """English: is the act at i in a relative clause opened after the person at k ("…an advert that
    promised a job")? Its actor is what the clause is about, not the person."""
    toks = ctx.s.tokens
    if ctx.clause[i] == ctx.clause[k]:
        return False
    first = next(t for t in toks if ctx.clause[t.i] == ctx.clause[i])
    return first.i > k and first.low in RELATIVE_EN and first.i - 1 > k and toks[first.i - 1].text != ","


BY_STOP_EN = frozenset("to and or but where who which that when then after before while".split())


def _by_agent(toks: list[Token], k: int, acts: list[tuple[int, bool]]) -> bool:
    """English: the person at k is named in a "by" phrase — past its determiners, age words,
    citizenship, title, name and a phrase of whose ("by the director of the agency, Mr T., who…") —
    with no act or other clause between."""
    dets = _people_words("en")[1]
    countries = _tables("en")[0]
    at = {i for i, _ in acts}
    j = k - 1
    while j >= 0 and k - j <= 10:
        t = toks[j]
        if t.low == "by":
            return True
        if j in at or t.low in BY_STOP_EN or _pronoun(t, "en") is not None and t.low not in dets:
            return False
        if not (
            t.low in dets
            or t.low in countries
            or AGE_WORD.match(t.low)
            or t.low in _titles()
            or t.text in ".,"
            or t.low in ("of", "the", "a", "an")
            or t.text[:1].isupper()
            or _noun(t, "en") is not None
            or _is_kin(t)
            or (j > 0 and toks[j - 1].low in ("of", "the", "a", "an"))
        ):
            return False
        j -= 1
    return False


def _active(t: Token, toks: list[Token], lang: str) -> bool:
    if lang == "ru":
        return t.pos in ("VERB", "GRND")
    prev = [x.low for x in toks[max(0, t.i - 2) : t.i]]
    return (
        t.low.endswith("ed")
        and not (AUX_EN & set(prev))
        or t.low in {"sold", "bought", "took", "kept", "held", "drove", "brought", "beat", "hit", "lured", "recruited"}
        and not (AUX_EN & set(prev))
    )


def _acts(toks: list[Token], act_tokens: list[int], lang: str) -> list[tuple[int, bool]]:
    """(token, is an active verb) of the acts and means found; a person noun that names an act ("the
    recruiter", «вербовщица») tells who did it, not who it was done to: it is no act of the grammar."""
    return [(i, _active(toks[i], toks, lang)) for i in sorted(set(act_tokens)) if _noun(toks[i], lang) is None]


def mentions(
    s: Sentence, ctx: Context, lang: str, text: str, act_tokens: list[int], giving: frozenset[int] = frozenset()
) -> list[Mention]:
    """What the sentence says about people: one Mention per person noun, age or citizenship.
    `giving` are the tokens of a sale, transfer or purchase: the one a person is given to is not the victim."""
    toks = s.tokens
    acts = _acts(toks, act_tokens, lang)
    countries, _, not_exact, _ = _tables(lang)
    by_noun: dict[int, Mention] = {}
    out: list[Mention] = []

    def mention_at(k: int | None, anchor: list[int]) -> Mention:
        if k is not None and k in by_noun:
            return by_noun[k]
        n = _noun(toks[k], lang) if k is not None else None
        at = k if k is not None else anchor[0]
        role, how = _role_how(ctx, at, lang, acts, n, giving)
        m = Mention(role, [], noun=k, how=how)
        if k is not None:
            by_noun[k] = m
            if n is not None:
                t = toks[k]
                m.plural = (
                    "plur" in t.tags if lang == "ru" else (t.low.endswith("s") or t.low in {"men", "women", "children", "people"})
                )
                m.epicene = lang == "ru" and t.lemma in _people_words("ru")[2]
                sx = _sex(toks[k], n, lang, toks)
                if sx:
                    m.sex, m.sex_tokens = sx, [k]
                nm = _name_after(toks, k, lang) if not m.plural else None
                if nm is not None:
                    m.name = _name_key(toks[nm])  # «гражданка К.»: known as К. in the sentences after
            elif _is_name(toks[k], toks):
                m.name = _name_key(toks[k])
        out.append(m)
        return m

    for k, t in enumerate(toks):
        n = _noun(t, lang)
        if n is not None:
            mention_at(k, [k])
        else:
            pn = _pronoun(t, lang)
            if pn is not None and _possessive_of_other(toks, k, lang):
                continue  # "sold her baby", «её сыновей»: the owner of another person, not the victim
            if pn is not None:  # "her", «её»: a sex; the victim when an act was done to them
                role = _pronoun_role(ctx, k, lang, acts)
                if role:
                    m = Mention(role, [k], noun=k, sex=pn.sex, sex_tokens=[k], weak=True)
                    by_noun[k] = m
                    out.append(m)

    # ages
    body = text[s.start : s.end]
    taken: list[tuple[int, int]] = []  # the spans of age lists: no single age is read inside one again
    for rx, kind in _age_res(lang):
        for mt in rx.finditer(body):
            values = _age_values(mt.group(1), kind, lang)
            if not values:
                continue
            a0, a1 = s.start + mt.start(), s.start + mt.end()
            if any(a < a1 and a0 < b for a, b in taken):
                continue
            idx = _tok_range(s, a0, a1)
            if not idx:
                continue
            # the words of its own phrase before it: not "…, 39 years old, recruited 11-year-old", not the
            # person's own "a young woman aged 7" (only "as young as 10", "under 18", «около 20 лет»)
            window = toks[max(0, idx[0] - 3) : idx[0]]
            for i in range(len(window) - 1, -1, -1):
                x = window[i]
                if not x.low.isalnum() or _noun(x, lang) is not None or _is_kin(x) or _is_name(x, toks):
                    window = window[i + 1 :]
                    break
            prev = [x.low for x in window]
            if kind not in ("adj0",) and (not_exact & set(prev) or "as" in prev[-1:]):
                # «лет 20» (about 20) is no exact age; the «лет» of another person's age before it
                # («гр. М. (45 лет) завербовал 17-летнюю») is: only the word right before counts
                if not (set(prev) & not_exact <= {"лет"} and prev[-1:] != ["лет"]):
                    continue
            if len(values) > 1 or kind == "adj" and _attach(toks, idx, kind, lang) is not None:
                taken.append((a0, a1))  # "a 15 year old girl": no postposed age of someone before it
            value = values[0]
            k = _attach(toks, idx, "post" if kind == "both" else kind, lang)
            if k is None and (kind in ("name", "both") or kind == "adj" and " " in mt.group(0).strip()):
                continue  # "the suspect, 39 years old, …": a postposed age, read as one
            m = mention_at(k, idx)
            if m.age is not None and m.age != value:
                m = mention_at(None, idx)
            m.age, m.age_tokens = value, idx
            if kind.startswith("adj") and m.plural:
                m.count = _count_before(toks, idx[0], lang)
            if kind == "both":
                m.count = 2  # "the girls, both 14": two persons of that age
            for v in values[1:]:  # "two girls aged 16 and 17": a person for each age of the list
                twin = Mention(m.role, [], noun=m.noun, how=m.how, plural=m.plural, epicene=m.epicene)
                twin.age, twin.age_tokens = v, idx
                if m.plural and m.sex:
                    twin.sex, twin.sex_tokens = m.sex, m.sex_tokens
                out.append(twin)
            if lang == "ru" and kind.startswith("adj") and not m.sex and (k is None or _noun(toks[k], lang) is None):
                # «15-летнюю»: the gender of the age word is the person's sex — unless it agrees with a
                # noun, whose own word tells the sex or not («трёхлетнего ребёнка»: none)
                at = toks[idx[0]]
                if "sing" in at.tags and at.tags & {"femn", "masc"} and at.pos in ("ADJF", "NOUN"):
                    m.sex, m.sex_tokens = ("female" if "femn" in at.tags else "male"), [idx[0]]
            if lang == "ru" and kind.startswith("adj") and (k is None or _noun(toks[k], lang) is None):
                # «15-летнюю Петрову»: the age word agrees with the person, and its case is not ambiguous
                # as a surname's can be (Петрову: accusative of Петрова or dative of Петров)
                r2, how2 = _role_how(ctx, idx[0], lang, acts, None, giving)
                if r2:
                    m.role, m.how = r2, how2

    # citizenship
    for k, t in enumerate(toks):
        n = _noun(t, lang)
        if n is None:
            continue
        code, ctoks = _citizenship(toks, k, lang, countries)
        if code:
            m = mention_at(k, [k])
            m.citizenship, m.citizenship_tokens = code, ctoks
    for m in out:
        m.tokens = sorted(set(m.age_tokens + m.sex_tokens + m.citizenship_tokens + ([m.noun] if m.noun is not None else [])))
        _check_offender(m, toks, lang)
    return [m for m in out if m.age is not None or m.sex or m.citizenship]


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


def _count_before(toks: list[Token], i: int, lang: str) -> int:
    """The number of persons an age speaks of: "two 15-year-old girls" (2), «двух 16-летних школьниц» (2)."""
    if i == 0:
        return 1
    t = toks[i - 1]
    if t.low.isdigit():
        return int(t.low) if 1 < int(t.low) <= 10 else 1
    return (COUNT_EN if lang == "en" else COUNT_RU).get(t.lemma if lang == "ru" else t.low, 1)


def _check_offender(m: Mention, toks: list[Token], lang: str) -> None:
    """Whose age is it? An offender role read from the grammar alone (not from the person's own noun
    or an offender cue) is not trusted for a child: under 14 — no one is criminally liable, and a
    new-born acts on no one — a child noun is then the victim (the grammar misread a case) and
    anyone else no one; a child noun or an age under 18 is no offender unless the text says so."""
    if m.role != "offender" or m.how != "grammar":
        return
    n = _noun(toks[m.noun], lang) if m.noun is not None else None
    child = n is not None and n.child
    if m.age is not None and m.age < 14:
        m.role, m.how = ("victim", "child") if child else (None, "")
    elif child or (m.age is not None and m.age < 18):
        m.role, m.how = None, ""


def _possessive_of_other(toks: list[Token], k: int, lang: str) -> bool:
    """A possessive before a person: "her baby", "her new-born daughter", «её сыновей», «его жену»."""
    kin = _people_words(lang)[0]
    for j in range(k + 1, min(len(toks), k + 4)):
        t = toks[j]
        if _noun(t, lang) is not None or t.lemma in kin or t.low in kin:
            # «передал её знакомому»: a dative person is the one she was given to, «её» the object
            return not (lang == "ru" and t.tags & {"datv", "ablt"})
        adj = (
            t.pos in ("ADJF", "PRTF", "NUMR")
            if lang == "ru"
            else (
                AGE_WORD.match(t.low)
                or t.low
                in ("own", "little", "young", "eldest", "youngest", "older", "younger", "elder", "only", "two", "three", "four")
            )
        )
        if not adj:
            return False
    return False


def _attach(toks: list[Token], idx: list[int], kind: str, lang: str) -> int | None:
    """The token of the person an age belongs to: the noun or name after an adjectival age, before a postposed one."""
    if kind in ("adj", "adj0", "adjm"):
        j = idx[-1] + 1
        if j < len(toks) and _noun(toks[j], lang) is None and _is_name(toks[j], toks):
            return j  # «14-летнюю Петрову гражданину Сидорову»: Петрова's age, not the citizen's
        for j in range(idx[-1] + 1, min(len(toks), idx[-1] + 4)):
            if _noun(toks[j], lang) is not None:
                return j
            if toks[j].text in ",.;:":
                break
        j = idx[-1] + 1
        if j < len(toks) and _is_name(toks[j], toks):
            return j  # «15-летнюю Петрову», «20-летней А.»
        return None
    skipped = 0
    kin = _people_words(lang)[0]
    for j in range(idx[0] - 1, -1, -1):  # back to the person: past the initials of a name and «Республики»
        t = toks[j]
        if t.lemma in kin or t.low in kin:
            return j  # "her friend, 19", «её подруга, 19 лет»: a relative's age, not the victim's
        if _noun(t, lang) is not None:
            return _head(toks, j, lang)
        if _is_name(t, toks):
            # «гражданку К., 19 лет»: the noun the name stands beside is the person (its case and sex);
            # «Потерпевшие С., 15 лет, и Д., 16 лет»: a plural noun speaks of both, each name is one
            return _head(toks, _person_head(toks, j, lang), lang)
        if t.text in ".,(" or (len(t.text) == 1 and t.text.isupper()):
            continue
        skipped += 1
        if skipped > 3:
            break
    return None


def _person_word(t: Token, lang: str) -> bool:
    kin = _people_words(lang)[0]
    return _noun(t, lang) is not None or t.lemma in kin or t.low in kin


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
        if "gent" in _cases(t) and i >= 0 and _person_word(toks[i], lang) and not _is_name(toks[i]) and "nomn" in toks[i].tags:
            return i
        return j
    i = j - 1
    dets = _people_words("en")[1]
    while i >= 0 and j - i <= 4 and (toks[i].low in dets or AGE_WORD.match(toks[i].low)):
        i -= 1
    if i >= 1 and toks[i].low == "of" and _person_word(toks[i - 1], lang):
        return i - 1
    return j


def _possessed(toks: list[Token], k: int, lang: str) -> bool:
    """A person named as someone's: "her son", "the couple's daughter", «его сын», «сын потерпевшей»."""
    i = k - 1
    while i >= 0 and k - i <= 3:
        t = toks[i]
        if lang == "en":
            if t.low in ("his", "her", "their", "its", "my", "our", "your") or t.low.endswith(("'s", "’s")):
                return True
            if not (
                AGE_WORD.match(t.low) or t.low in ("own", "little", "young", "eldest", "youngest", "older", "younger", "elder")
            ):
                break
        else:
            if (
                t.lemma in ("его", "ее", "их", "свой")
                or (t.lemma == "она" and t.low == "ее")
                or (t.lemma == "он" and t.low == "его")
            ):
                return True
            if t.pos not in ("ADJF", "PRTF", "NUMR"):
                break
        i -= 1
    if lang == "ru" and k + 1 < len(toks):
        nxt = toks[k + 1]
        if "gent" in nxt.tags and (_person_word(nxt, lang) or _is_name(nxt)) and "gent" not in toks[k].tags:
            return True
    return False


def _citizenship(toks: list[Token], k: int, lang: str, countries: dict[str, str]) -> tuple[str | None, list[int]]:
    t = toks[k]
    if lang == "en":
        if t.low not in {"citizen", "citizens", "national", "nationals"} and not (
            k > 0 and toks[k - 1].low in {"kyrgyzstani", "pakistani", "bangladeshi"}
        ):
            return None, []
        if k > 0 and toks[k - 1].low in countries:  # "Kyrgyz citizens", "Pakistani victims"
            return countries[toks[k - 1].low], [k - 1, k]
        if k + 1 < len(toks) and toks[k + 1].low == "of":
            for j in range(k + 2, min(len(toks), k + 6)):
                if toks[j].low in countries:
                    return countries[toks[j].low], list(range(k, j + 1))
                if toks[j].low not in {"the", "republic", "of"}:
                    break
        return None, []
    if t.lemma not in {"гражданин", "гражданка", "гражданство", "подданный"}:
        return None, []
    for j in range(k + 1, min(len(toks), k + 4)):
        w = toks[j]
        if w.lemma in countries or w.low in countries:
            return countries.get(w.lemma) or countries[w.low], list(range(k, j + 1))
        if w.lemma not in {"республика", "кыргызский", "киргизский"} and not w.low.startswith("республик"):
            break
    return None, []


OBJECT_EN = frozenset({"her", "him", "herself", "himself"})


def _pronoun_role(ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]]) -> str | None:
    """A pronoun is the victim as the object of an act ("sold her", «продал её») or the subject of a
    passive one ("she was sold", «она была продана»); otherwise it tells nothing."""
    toks = ctx.s.tokens
    t = toks[k]
    before = [i for i, _ in acts if k - 4 <= i < k and ctx.clause[i] == ctx.clause[k]]
    after = [i for i, _ in acts if k < i <= k + 4 and ctx.clause[i] == ctx.clause[k]]
    if _pronoun_of_a_thing(toks, k, lang):
        return None  # "kept them in her house", "took her passport", «в её квартире»: whose, not whom
    if lang == "en":
        if t.low in OBJECT_EN:
            return "victim" if before else None
        if after and any(x.low in AUX_EN for x in toks[k + 1 : after[0]]):
            return "victim"
        return None
    if t.tags & {"accs", "gent", "datv"}:
        return "victim" if before or (after and toks[after[0]].pos in ("VERB", "PRTS")) else None
    if "nomn" in t.tags and after and toks[after[0]].pos == "PRTS":
        return "victim"
    return None


PREP_EN = frozenset(
    "in into at on onto from with without for of by to about under behind near inside among between across through".split()
)
# what may follow an object "her" ("sold her to", "kept her locked", "gave her a job"); another word
# after it is what "her" owns ("her house", "her passport")
AFTER_OBJECT_EN = frozenset(
    "to into in at on off out up down away back over from for with without by and or but as a an the that "
    "this these those some any all there here again abroad home nothing money everything".split()
)
# verbs whose object "her" may be followed by a second object or a verb ("promised her work", "made her work")
OBJECT_VERBS_EN = frozenset(
    "promised promise offered offer gave give paid pay made make let told tell sent send showed show helped help "
    "forced force had have".split()
)


def _pronoun_of_a_thing(toks: list[Token], k: int, lang: str) -> bool:
    """A pronoun that is no act's object: after a preposition ("in her house", «в её квартире») or
    owning the thing after it ("took her passport", «отобрал её паспорт»)."""
    t = toks[k]
    prev = toks[k - 1] if k else None
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if lang == "en":
        if prev is not None and prev.low in PREP_EN:
            return True  # "in her house"; "sold the girl to her": the one she was sold to
        if t.low != "her" or nxt is None or not nxt.text.isalpha():
            return False
        if prev is not None and prev.low in OBJECT_VERBS_EN:
            return False
        w = nxt.low
        return w not in AFTER_OBJECT_EN and not w.endswith(("ed", "ing")) and w not in _pronouns("en")
    if prev is not None and prev.pos == "PREP":
        return True
    if not _possessive(t) or nxt is None:
        return False
    j = k + 1
    while j < len(toks) and toks[j].pos in ("ADJF", "PRTF", "NUMR"):
        j += 1
    return j < len(toks) and toks[j].pos == "NOUN" and _noun(toks[j], "ru") is None and not _is_kin(toks[j])


def role_by_name(ctx: Context, lang: str, act_tokens: list[int], key: str) -> str | None:
    """The role of the person called `key` (a name) in this sentence, if the sentence tells it."""
    toks = ctx.s.tokens
    acts = _acts(toks, act_tokens, lang)
    for t in toks:
        if _is_name(t, toks) and _name_key(t) == key:
            role = _role(ctx, t.i, lang, acts, None)
            if role:
                return role
    return None
