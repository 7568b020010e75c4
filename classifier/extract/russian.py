"""The Russian case grammar of the person/role resolver (`people.py`): the (case, gender, number)
readings of a person — a name's, narrowed by the noun and the adjectives beside it —, the subject of
each verb, and the role the case of a person gives beside the acts of its clause."""

from __future__ import annotations

import functools
import weakref

from .clauses import Context
from .persons import age_adjective, is_initial, is_kin, is_name, name_after, noun_of, person_head, title_noun, titles
from .text import Token, ru_parses

RU_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


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


def cases_of(t: Token) -> set[str]:
    """Every case pymorphy3 reads a Russian word in (its first reading and the others, `alt:`)."""
    return {c for c in RU_CASES if c in t.tags or f"alt:{c}" in t.tags}


def _compatible(a: Reading, b: Reading) -> bool:
    return a[0] == b[0] and a[2] == b[2] and (a[1] is None or b[1] is None or a[1] == b[1])


RU_PERSON_PRONOUNS = frozenset({"он", "она", "они", "который", "кто"})


def _ru_person(toks: list[Token], k: int) -> bool:
    """A word that can name a person in a Russian sentence: a person noun or kin, a name or an
    initial, a personal or relative pronoun."""
    t = toks[k]
    if t.lemma in RU_PERSON_PRONOUNS and t.pos in ("NPRO", "ADJF"):
        return True
    return noun_of(t, "ru") is not None or is_kin(t) or is_name(t, toks)


def ru_readings(toks: list[Token], k: int) -> frozenset[Reading] | None:
    """The (case, gender, number) readings of the Russian person at k, or None when nothing tells its
    case (an initial alone, «гр. М.»). A name's are a name's (`_name_readings`), narrowed by the noun
    it stands beside («гражданку К.»: accusative); any person's are narrowed by an adjective agreeing
    with it («её новорождённую дочь», «15-летнюю Петрову»: accusative)."""
    t = toks[k]
    if noun_of(t, "ru") is None and not is_kin(t) and is_name(t, toks):
        r = _name_readings(t.low) if len(t.text) > 1 else None
        tn = title_noun(toks, k, "ru")
        if tn is not None:
            rn = ru_readings(toks, tn)
            if rn is not None:
                both = frozenset(x for x in rn if r is None or any(_compatible(x, y) for y in r))
                r = both or rn
        first = k - 1
        while first >= 0 and (toks[first].text == "." or toks[first].low in titles()):
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
    """`ru_readings`, and a person that may be nominative or accusative right after a transitive verb
    of its clause is its object («завербовала дочь и вывезла её»: «дочь» is no subject of «вывезла»)."""
    toks = ctx.s.tokens
    r = ru_readings(toks, k)
    if r is None or not any(x[0] == "nomn" for x in r) or not any(x[0] in ("accs", "gent") for x in r):
        return r
    for j in range(k - 1, max(-1, k - 6), -1):
        t = toks[j]
        if ctx.clause[j] != ctx.clause[k]:
            break
        if t.pos == "VERB" and "tran" in t.tags:
            # …unless the verb has no subject before it: «Потерпевшую продал её знакомый» (the subject)
            if any(_ru_person(toks, i) and any(_agrees(x, t) for x in ru_readings(toks, i) or ()) for i in range(j)):
                return frozenset(x for x in r if x[0] != "nomn")
            return r
        if not (t.pos in ("ADJF", "PRTF", "NUMR") or possessive(t) or person_head(toks, j, "ru") == person_head(toks, k, "ru")):
            break
    return r


def possessive(t: Token) -> bool:
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
        if _ru_person(toks, j) and not (noun_of(toks[j], "ru") is not None and name_after(toks, j, "ru") is not None):
            persons.append((j, person_head(toks, j, "ru"), _ru_readings_at(ctx, j)))
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
                        or possessive(x)
                        or is_initial(toks, x.i)
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


def ru_role(ctx: Context, k: int, acts: list[tuple[int, bool]], giving: frozenset[int]) -> str | None:
    """Russian: the role the grammar gives the person at k. The subject of an act verb did it (of a
    passive participle, «была продана», suffered it); anyone else named in the accusative or genitive
    is the one acted upon, in the dative the one given to (a sale: the buyer) or acted upon; a
    nominative that is no act's subject, or a case no act tells, gives no role."""
    toks = ctx.s.tokens
    cl = ctx.clause[k]
    same = [(i, active) for i, active in acts if ctx.clause[i] == cl] or acts
    if not same:
        return None
    h = person_head(toks, k, "ru")
    r = _ru_readings_at(ctx, k + 1 if age_adjective(toks, k) else k)
    verbs = [i for i, _ in acts if toks[i].pos in ("VERB", "PRTS") and toks[i].lemma != "быть"]
    subjects = _ru_subjects(ctx)
    mine = [v for v in verbs if h in subjects.get(v, ())]
    if mine:
        v = next((v for v in mine if v > k), mine[-1])
        return "offender" if toks[v].pos == "VERB" else "victim"
    if r is None:
        partner = _joined_before(toks, k)  # «потерпевших М., 22 лет, и Н., 24 лет»: Н. is what М. is
        return ru_role(ctx, partner, acts, giving) if partner is not None else None
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
            if seen_and and _ru_person(toks, j) and (t.pos or is_initial(toks, j)):
                return j
            return None
        j -= 1
    return None


def _after_preposition(toks: list[Token], k: int) -> bool:
    """A Russian person governed by a preposition («с 15-летней Д.», «от гражданки Ж.», «у неё»),
    past the attributes and the title before it."""
    j = min(k, person_head(toks, k, "ru")) - 1
    while j >= 0 and (
        toks[j].pos in ("ADJF", "PRTF", "NUMR") or possessive(toks[j]) or toks[j].text == "." or toks[j].low in titles()
    ):
        j -= 1
    return j >= 0 and toks[j].pos == "PREP" and not is_initial(toks, j)  # «К.» is no preposition «к»
