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
from dataclasses import dataclass, field

from .clauses import Context
from .lexicon import lexicon
from .text import Sentence, Token

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
        return [
            (re.compile(rf"\b(\d{{1,2}}|{words})[- ](?:year|yr)s?[- ]olds?\b", re.I), "adj"),
            (re.compile(r"\b(new-?born|newly born)\b", re.I), "adj0"),
            (re.compile(r"\b(\d{1,2})[- ]months?[- ]old\b", re.I), "adjm"),
            (re.compile(r"\b(?:aged|age of|age) (\d{1,2})\b", re.I), "post"),
            (re.compile(r"\b(\d{1,2}) years? (?:old|of age)\b", re.I), "post"),
            (re.compile(r"(?<=[a-z]) \((\d{1,2})\)"), "name"),
            (re.compile(r"(?<=[a-z]), (\d{1,2})(?=[,);])"), "name"),
            (
                re.compile(
                    r"(?<=[a-z]) (?:is|was) (\d{1,2})\b(?![ .,]*(?:\d|km|miles|kilometres|kilometers|percent|per|%|years? (?:ago|later)))"
                ),
                "name",
            ),
        ]
    stems = "|".join(sorted(p["ru_stems"], key=len, reverse=True)).replace("е", "[её]")
    return [
        (re.compile(r"(?<![\w.])(\d{1,2})[- ]?(?:ти[- ]|х[- ])?летн\w*", re.I), "adj"),
        (re.compile(rf"\b({stems})летн\w*", re.I), "adj"),
        (re.compile(r"\b(новорожденн\w*|новорождённ\w*)", re.I), "adj0"),
        (re.compile(r"(?<![\w.])(\d{1,2})[- ]?месячн\w*", re.I), "adjm"),
        (re.compile(rf"\b({stems})месячн\w*", re.I), "adjm"),
        (re.compile(r"\bв возрасте (\d{1,2})(?:-?ти)? (?:лет|года|год)\b", re.I), "post"),
        (re.compile(r"[,(]\s*(\d{1,2})\s*(?:лет|года|год)\b(?!\s+(?:назад|спустя|тому))", re.I), "post"),
    ]


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


def _is_name(t: Token) -> bool:
    """A personal name: capitalised; in Russian, one pymorphy3 knows as a name, surname or patronymic."""
    if not (t.text[:1].isupper() and t.text[1:2].islower() and t.text.isalpha()):
        return False
    return not t.pos or bool(t.tags & {"Name", "Surn", "Patr"})


def _noun(t: Token, lang: str) -> Noun | None:
    table = _nouns(lang)
    return table.get(t.lemma) or table.get(t.low)


def _pronoun(t: Token, lang: str) -> Noun | None:
    if lang == "ru" and t.pos != "NPRO":
        return None
    table = _pronouns(lang)
    return table.get(t.lemma) or table.get(t.low)


def _sex(t: Token, n: Noun, lang: str, toks: list[Token]) -> str | None:
    if lang == "ru":
        if "plur" in t.tags and n.sex == "male" and t.lemma not in _people_words("ru")[3]:
            return None  # «жители», «граждане», «школьники»: a generic masculine plural
        if t.lemma in _tables("ru")[3] and t.i + 1 < len(toks) and _noun(toks[t.i + 1], lang) is not None:
            return n.sex  # «несовершеннолетнего ребёнка»: an attribute; the noun it goes with tells the sex
    if n.sex:
        return n.sex
    if lang == "ru" and t.lemma in _tables("ru")[3] and "sing" in t.tags:
        return "female" if "femn" in t.tags else "male" if "masc" in t.tags else None
    return None


def _cases(t: Token) -> set[str]:
    """Every case pymorphy3 reads a Russian word in (its first reading and the others, `alt:`)."""
    return {c for c in RU_CASES if c in t.tags or f"alt:{c}" in t.tags}


def _case_tags(toks: list[Token], k: int) -> frozenset[str]:
    """The grammemes of the person word at k, its case settled by a word that agrees with it when the
    word alone is ambiguous: «её новорождённую дочь» (accusative, not the nominative «дочь» also is)."""
    t = toks[k]
    cases = _cases(t)
    if len(cases) < 2:
        return t.tags
    for j in range(k - 1, max(-1, k - 3), -1):
        a = toks[j]
        if a.pos not in ("ADJF", "PRTF"):
            break
        ac = _cases(a) & cases
        if len(ac) == 1:
            return (t.tags - set(RU_CASES)) | ac
    return t.tags


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
    r = _role_cue(ctx, k, lang, acts)
    if r:
        return r, "cue"
    r = _role_grammar(ctx, k, lang, acts, noun, giving)
    if r:
        return r, "grammar"
    if noun is not None and noun.child and not _possessed(ctx.s.tokens, k, lang):
        return "victim", "child"  # not "her son", "the couple's daughter": someone's child is not the victim by that
    return None, ""


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
    if lang == "en" and any(x.low in VICTIM_OF_EN for x in toks[max(0, k - 5) : k]):
        return "victim"  # "trafficking of two young Kyrgyz citizens"
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
            tags = _case_tags(toks, k)
            if "nomn" in tags:
                # the subject: the first verb of an act or means after it (past participles and
                # gerund phrases between them) says whether they did it or it was done to them
                verbs = [i for i, _ in acts if toks[i].pos in ("VERB", "PRTS") and toks[i].lemma != "быть"]
                after = [i for i in verbs if i > k] or [i for i in reversed(verbs) if i < k]
                if after:
                    return "offender" if toks[after[0]].pos == "VERB" else "victim"
                if any(active for _, active in same):
                    return "offender"
                return "victim"
            if "datv" in tags:
                if any(i in giving for i, _ in same):
                    return "offender"  # «продали её гражданину Ф.»: the one she was given to — the buyer
                return "victim"
            if tags & {"accs", "gent"}:
                return "victim"
        else:
            if any(x.low == "to" for x in toks[max(0, k - 3) : k]) and any(i in giving and i < k for i, _ in same):
                return "offender"  # "sold her to a 45-year-old man": the buyer
            j = k - 1  # "by their father", "by a 45-year-old man": "by" names the one who acted
            dets = _people_words("en")[1]
            while j >= 0 and k - j <= 4 and (toks[j].low in dets or AGE_WORD.match(toks[j].low)):
                j -= 1
            if j >= 0 and toks[j].low == "by":
                return "offender"
            preceding = [i for i, _ in same if k - 5 <= i < k]  # "seized a 15-year-old girl": the object
            following = [(i, active) for i, active in same if i > k]
            if preceding:
                return "victim"
            if following:
                i, active = following[0]
                between = toks[k + 1 : i]
                if any(_noun(x, lang) or _pronoun(x, lang) for x in between):
                    return "victim" if noun is not None and noun.child else None  # "a girl told that her stepfather sold her"
                return "offender" if active else "victim"
            if any(i < k for i, _ in same):
                return "victim"
    return None


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


def mentions(
    s: Sentence, ctx: Context, lang: str, text: str, act_tokens: list[int], giving: frozenset[int] = frozenset()
) -> list[Mention]:
    """What the sentence says about people: one Mention per person noun, age or citizenship.
    `giving` are the tokens of a sale, transfer or purchase: the one a person is given to is not the victim."""
    toks = s.tokens
    acts = [(i, _active(toks[i], toks, lang)) for i in sorted(set(act_tokens))]
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
            elif _is_name(toks[k]):
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
    for rx, kind in _age_res(lang):
        for mt in rx.finditer(body):
            value = _age_value(mt.group(1), kind, lang)
            if value is None:
                continue
            a0, a1 = s.start + mt.start(), s.start + mt.end()
            idx = _tok_range(s, a0, a1)
            if not idx:
                continue
            prev = [x.low for x in toks[max(0, idx[0] - 3) : idx[0]]]
            if kind not in ("adj0",) and (not_exact & set(prev) or "as" in prev[-1:]):
                # «лет 20» (about 20) is no exact age; the «лет» of another person's age before it
                # («гр. М. (45 лет) завербовал 17-летнюю») is: only the word right before counts
                if not (set(prev) & not_exact <= {"лет"} and prev[-1:] != ["лет"]):
                    continue
            k = _attach(toks, idx, kind, lang)
            if k is None and kind == "name":
                continue
            m = mention_at(k, idx)
            if m.age is not None and m.age != value:
                m = mention_at(None, idx)
            m.age, m.age_tokens = value, idx
            if kind.startswith("adj") and m.plural:
                m.count = _count_before(toks, idx[0], lang)
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


def _name_key(t: Token) -> str:
    low = t.low
    return low[: max(4, len(low) - 2)]


def _attach(toks: list[Token], idx: list[int], kind: str, lang: str) -> int | None:
    """The token of the person an age belongs to: the noun or name after an adjectival age, before a postposed one."""
    if kind in ("adj", "adj0", "adjm"):
        for j in range(idx[-1] + 1, min(len(toks), idx[-1] + 4)):
            if _noun(toks[j], lang) is not None:
                return j
            if toks[j].text in ",.;:":
                break
        j = idx[-1] + 1
        if j < len(toks) and _is_name(toks[j]):
            return j
        return None
    skipped = 0
    kin = _people_words(lang)[0]
    for j in range(idx[0] - 1, -1, -1):  # back to the person: past initials («Н.», «А.А.») and «Республики»
        t = toks[j]
        if t.lemma in kin or t.low in kin:
            return j  # "her friend, 19", «её подруга, 19 лет»: a relative's age, not the victim's
        if _noun(t, lang) is not None or _is_name(t):
            return _head(toks, j, lang)
        if t.text in ".," or (len(t.text) == 1 and t.text.isupper()):
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


def role_by_name(ctx: Context, lang: str, act_tokens: list[int], key: str) -> str | None:
    """The role of the person called `key` (a name) in this sentence, if the sentence tells it."""
    toks = ctx.s.tokens
    acts = [(i, _active(toks[i], toks, lang)) for i in sorted(set(act_tokens))]
    for t in toks:
        if _is_name(t) and _name_key(t) == key:
            role = _role(ctx, t.i, lang, acts, None)
            if role:
                return role
    return None
