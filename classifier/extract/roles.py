"""The role of a person in a sentence (the person/role resolver, `people.py`), in order: the
person's noun, an apposition to a role noun, an offender or victim cue, the grammar of the clause
(a relative clause, the Russian cases in `russian.py`, the English word order and "by"), a child
noun with nothing else said; and the role of a pronoun, the object or passive subject of an act."""

from __future__ import annotations

from .clauses import Context
from .persons import (
    AGE_WORD,
    Noun,
    is_initial,
    is_kin,
    is_name,
    name_key,
    noun_of,
    people_tables,
    people_words,
    person_word,
    pronoun_of,
    pronouns,
    titles,
    victim_cues,
)
from .russian import possessive, ru_readings, ru_role
from .text import Token

AUX_EN = frozenset({"was", "were", "been", "being", "is", "are", "got", "get", "be", "herself", "himself", "themselves"})


VICTIM_OF_EN = frozenset({"trafficking", "trafficked", "exploitation", "exploited"})


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
    if any(noun_of(x, lang) or pronoun_of(x, lang) for x in toks[j + 1 : i]):
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
    return role_how(ctx, k, lang, acts, noun, giving)[0]


def role_how(
    ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]], noun: Noun | None, giving: frozenset[int] = frozenset()
) -> tuple[str | None, str]:
    """The role of the person at token k and what gave it: `noun`, `cue` (an offender or victim cue),
    `grammar` (the acts around them), `child` (a child noun with nothing else said)."""
    if noun is not None and noun.role != "neutral":
        return noun.role, "noun"
    a = _apposition(ctx.s.tokens, k, lang)
    if isinstance(a, int):  # "a 19-year-old woman, a citizen of Uzbekistan": the woman's role, if told
        r = role_how(ctx, a, lang, acts, noun_of(ctx.s.tokens[a], lang), giving)
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
    dets = people_words(lang)[1] if lang == "en" else frozenset()
    countries = people_tables(lang)[0]

    def modifier(t: Token) -> bool:
        return (
            t.low in dets
            or t.low in countries
            or t.lemma in countries
            or bool(AGE_WORD.match(t.low))
            or t.low in titles()
            or t.text == "."
            or (lang == "ru" and t.pos in ("ADJF", "PRTF", "NUMR") and noun_of(t, lang) is None)
        )

    j = k - 1
    while j >= 0 and k - j <= 5 and modifier(toks[j]):
        j -= 1
    if j >= 0 and toks[j].text == ",":
        for i in range(j - 1, max(-1, j - 7), -1):
            t = toks[i]
            n = noun_of(t, lang)
            named = n is None and (is_name(t, toks) or is_kin(t))
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
            if (
                not (t.text.isalpha() or t.text == ".")
                or pronoun_of(t, lang) is not None
                or (lang == "ru" and t.pos in VERBISH_RU)
            ):
                return None
    # the other way round: "Ms K., the recruiter, …", «Б., вербовщица, …»
    j = k + 1
    while (
        j < len(toks)
        and j - k <= 3
        and (toks[j].text == "." or is_initial(toks, j) or toks[j].low in ("лет", "года", "год") or toks[j].text.isdigit())
    ):
        j += 1
    if j < len(toks) and toks[j].text == "," and is_name(toks[k], toks):
        i = j + 1
        while i < len(toks) and i - j <= 3 and toks[i].low in dets:
            i += 1
        n = noun_of(toks[i], lang) if i < len(toks) else None
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
    a, b = ru_readings(toks, i), ru_readings(toks, k)
    if a is None or b is None:
        return True
    return any(x[0] == y[0] for x in a for y in b)


def _role_cue(ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]]) -> str | None:
    toks = ctx.s.tokens
    cl = ctx.clause[k]
    cues = people_tables(lang)[1]
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
    vc = victim_cues(lang)
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
            return ru_role(ctx, k, acts, giving)
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
                if any(noun_of(x, lang) or pronoun_of(x, lang) for x in between):
                    return "victim" if noun is not None and noun.child else None  # "a girl told that her stepfather sold her"
                return "offender" if active else "victim"
            if any(i < k and not any(noun_of(x, lang) for x in toks[i + 1 : k]) for i, _ in same):
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
    dets = people_words("en")[1]
    countries = people_tables("en")[0]
    at = {i for i, _ in acts}
    j = k - 1
    while j >= 0 and k - j <= 10:
        t = toks[j]
        if t.low == "by":
            return True
        if j in at or t.low in BY_STOP_EN or pronoun_of(t, "en") is not None and t.low not in dets:
            return False
        if not (
            t.low in dets
            or t.low in countries
            or AGE_WORD.match(t.low)
            or t.low in titles()
            or t.text in ".,"
            or t.low in ("of", "the", "a", "an")
            or t.text[:1].isupper()
            or noun_of(t, "en") is not None
            or is_kin(t)
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


def acts_of(toks: list[Token], act_tokens: list[int], lang: str) -> list[tuple[int, bool]]:
    """(token, is an active verb) of the acts and means found; a person noun that names an act ("the
    recruiter", «вербовщица») tells who did it, not who it was done to: it is no act of the grammar."""
    return [(i, _active(toks[i], toks, lang)) for i in sorted(set(act_tokens)) if noun_of(toks[i], lang) is None]


def possessive_of_other(toks: list[Token], k: int, lang: str) -> bool:
    """A possessive before a person: "her baby", "her new-born daughter", «её сыновей», «его жену»."""
    kin = people_words(lang)[0]
    for j in range(k + 1, min(len(toks), k + 4)):
        t = toks[j]
        if noun_of(t, lang) is not None or t.lemma in kin or t.low in kin:
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
        if "gent" in nxt.tags and (person_word(nxt, lang) or is_name(nxt)) and "gent" not in toks[k].tags:
            return True
    return False


OBJECT_EN = frozenset({"her", "him", "herself", "himself"})


def pronoun_role(ctx: Context, k: int, lang: str, acts: list[tuple[int, bool]]) -> str | None:
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
        return w not in AFTER_OBJECT_EN and not w.endswith(("ed", "ing")) and w not in pronouns("en")
    if prev is not None and prev.pos == "PREP":
        return True
    if not possessive(t) or nxt is None:
        return False
    j = k + 1
    while j < len(toks) and toks[j].pos in ("ADJF", "PRTF", "NUMR"):
        j += 1
    return j < len(toks) and toks[j].pos == "NOUN" and noun_of(toks[j], "ru") is None and not is_kin(toks[j])


def role_by_name(ctx: Context, lang: str, act_tokens: list[int], key: str) -> str | None:
    """The role of the person called `key` (a name) in this sentence, if the sentence tells it."""
    toks = ctx.s.tokens
    acts = acts_of(toks, act_tokens, lang)
    for t in toks:
        if is_name(t, toks) and name_key(t) == key:
            role = _role(ctx, t.i, lang, acts, None)
            if role:
                return role
    return None
