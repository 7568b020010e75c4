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

The resolver's parts: `persons.py` (the words that name a person: person nouns, pronouns, names and
initials, the lexicon's people tables), `russian.py` (the Russian case grammar: the readings of a
person, the subject of each verb, the role a case gives), `roles.py` (the role of a person: its
noun, a cue, the grammar of the clause, a relative clause, an apposition, a pronoun), `ages.py`
(ages and age lists, and the person an age belongs to); this module puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ages import age_patterns, age_values, attach_age, count_before, token_range
from .clauses import Context
from .persons import is_kin, is_name, name_after, name_key, noun_of, people_tables, people_words, pronoun_of, sex_of
from .roles import acts_of, possessive_of_other, pronoun_role, role_how
from .text import Sentence, Token


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


def mentions(
    s: Sentence, ctx: Context, lang: str, text: str, act_tokens: list[int], giving: frozenset[int] = frozenset()
) -> list[Mention]:
    """What the sentence says about people: one Mention per person noun, age or citizenship.
    `giving` are the tokens of a sale, transfer or purchase: the one a person is given to is not the victim."""
    toks = s.tokens
    acts = acts_of(toks, act_tokens, lang)
    countries, _, not_exact, _ = people_tables(lang)
    by_noun: dict[int, Mention] = {}
    out: list[Mention] = []

    def mention_at(k: int | None, anchor: list[int]) -> Mention:
        if k is not None and k in by_noun:
            return by_noun[k]
        n = noun_of(toks[k], lang) if k is not None else None
        at = k if k is not None else anchor[0]
        role, how = role_how(ctx, at, lang, acts, n, giving)
        m = Mention(role, [], noun=k, how=how)
        if k is not None:
            by_noun[k] = m
            if n is not None:
                t = toks[k]
                m.plural = (
                    "plur" in t.tags if lang == "ru" else (t.low.endswith("s") or t.low in {"men", "women", "children", "people"})
                )
                m.epicene = lang == "ru" and t.lemma in people_words("ru")[2]
                sx = sex_of(toks[k], n, lang, toks)
                if sx:
                    m.sex, m.sex_tokens = sx, [k]
                nm = name_after(toks, k, lang) if not m.plural else None
                if nm is not None:
                    m.name = name_key(toks[nm])  # «гражданка К.»: known as К. in the sentences after
            elif is_name(toks[k], toks):
                m.name = name_key(toks[k])
        out.append(m)
        return m

    for k, t in enumerate(toks):
        n = noun_of(t, lang)
        if n is not None:
            mention_at(k, [k])
        else:
            pn = pronoun_of(t, lang)
            if pn is not None and possessive_of_other(toks, k, lang):
                continue  # "sold her baby", «её сыновей»: the owner of another person, not the victim
            if pn is not None:  # "her", «её»: a sex; the victim when an act was done to them
                role = pronoun_role(ctx, k, lang, acts)
                if role:
                    m = Mention(role, [k], noun=k, sex=pn.sex, sex_tokens=[k], weak=True)
                    by_noun[k] = m
                    out.append(m)

    # ages
    body = text[s.start : s.end]
    taken: list[tuple[int, int]] = []  # the spans of age lists: no single age is read inside one again
    for rx, kind in age_patterns(lang):
        for mt in rx.finditer(body):
            values = age_values(mt.group(1), kind, lang)
            if not values:
                continue
            a0, a1 = s.start + mt.start(), s.start + mt.end()
            if any(a < a1 and a0 < b for a, b in taken):
                continue
            idx = token_range(s, a0, a1)
            if not idx:
                continue
            # the words of its own phrase before it: not "…, 39 years old, recruited 11-year-old", not the
            # person's own "a young woman aged 7" (only "as young as 10", "under 18", «около 20 лет»)
            window = toks[max(0, idx[0] - 3) : idx[0]]
            for i in range(len(window) - 1, -1, -1):
                x = window[i]
                if not x.low.isalnum() or noun_of(x, lang) is not None or is_kin(x) or is_name(x, toks):
                    window = window[i + 1 :]
                    break
            prev = [x.low for x in window]
            if kind not in ("adj0",) and (not_exact & set(prev) or "as" in prev[-1:]):
                # «лет 20» (about 20) is no exact age; the «лет» of another person's age before it
                # («гр. М. (45 лет) завербовал 17-летнюю») is: only the word right before counts
                if not (set(prev) & not_exact <= {"лет"} and prev[-1:] != ["лет"]):
                    continue
            if len(values) > 1 or kind == "adj" and attach_age(toks, idx, kind, lang) is not None:
                taken.append((a0, a1))  # "a 15 year old girl": no postposed age of someone before it
            value = values[0]
            k = attach_age(toks, idx, "post" if kind == "both" else kind, lang)
            if k is None and (kind in ("name", "both") or kind == "adj" and " " in mt.group(0).strip()):
                continue  # "the suspect, 39 years old, …": a postposed age, read as one
            m = mention_at(k, idx)
            if m.age is not None and m.age != value:
                m = mention_at(None, idx)
            m.age, m.age_tokens = value, idx
            if kind.startswith("adj") and m.plural:
                m.count = count_before(toks, idx[0], lang)
            if kind == "both":
                m.count = 2  # "the girls, both 14": two persons of that age
            for v in values[1:]:  # "two girls aged 16 and 17": a person for each age of the list
                twin = Mention(m.role, [], noun=m.noun, how=m.how, plural=m.plural, epicene=m.epicene)
                twin.age, twin.age_tokens = v, idx
                if m.plural and m.sex:
                    twin.sex, twin.sex_tokens = m.sex, m.sex_tokens
                out.append(twin)
            if lang == "ru" and kind.startswith("adj") and not m.sex and (k is None or noun_of(toks[k], lang) is None):
                # «15-летнюю»: the gender of the age word is the person's sex — unless it agrees with a
                # noun, whose own word tells the sex or not («трёхлетнего ребёнка»: none)
                at = toks[idx[0]]
                if "sing" in at.tags and at.tags & {"femn", "masc"} and at.pos in ("ADJF", "NOUN"):
                    m.sex, m.sex_tokens = ("female" if "femn" in at.tags else "male"), [idx[0]]
            if lang == "ru" and kind.startswith("adj") and (k is None or noun_of(toks[k], lang) is None):
                # «15-летнюю Петрову»: the age word agrees with the person, and its case is not ambiguous
                # as a surname's can be (Петрову: accusative of Петрова or dative of Петров)
                r2, how2 = role_how(ctx, idx[0], lang, acts, None, giving)
                if r2:
                    m.role, m.how = r2, how2

    # citizenship
    for k, t in enumerate(toks):
        n = noun_of(t, lang)
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


def _check_offender(m: Mention, toks: list[Token], lang: str) -> None:
    """Whose age is it? An offender role read from the grammar alone (not from the person's own noun
    or an offender cue) is not trusted for a child: under 14 — no one is criminally liable, and a
    new-born acts on no one — a child noun is then the victim (the grammar misread a case) and
    anyone else no one; a child noun or an age under 18 is no offender unless the text says so."""
    if m.role != "offender" or m.how != "grammar":
        return
    n = noun_of(toks[m.noun], lang) if m.noun is not None else None
    child = n is not None and n.child
    if m.age is not None and m.age < 14:
        m.role, m.how = ("victim", "child") if child else (None, "")
    elif child or (m.age is not None and m.age < 18):
        m.role, m.how = None, ""


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
