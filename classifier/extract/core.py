"""From a narrative to a draft fact pattern, every fact with the words it came from."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from .clauses import Context
from .lexicon import LIST_FIELDS, lexicon
from .people import Mention, mentions
from .record import charges, date_not_offence, dates
from .roles import role_by_name
from .text import detect_lang, sentences

MAX_TEXT = 1_000_000  # characters; a longer narrative is refused (a registry cell this long is not a narrative)


@dataclass
class Evidence:
    field: str
    value: Any
    start: int
    end: int
    quote: str
    status: str
    rule: str
    cue: dict[str, Any] | None = None
    of_part: bool = False  # negated as one person's part or knowledge: it makes no stated fact conflicting

    def as_dict(self) -> dict[str, Any]:
        d = {
            "field": self.field,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "status": self.status,
            "rule": self.rule,
        }
        if self.cue:
            d["cue"] = self.cue
        return d


@dataclass
class Extraction:
    case_id: str
    lang: str
    draft: dict[str, Any]
    evidence: list[Evidence] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "lang": self.lang, "draft": self.draft, "evidence": [e.as_dict() for e in self.evidence]}


def _cue(text: str, ctx: Context, hit) -> dict[str, Any] | None:
    if hit is None:
        return None
    toks = ctx.s.tokens
    a, b = toks[hit.first].start, toks[hit.last].end
    return {"rule": hit.cue.id, "start": a, "end": b, "quote": text[a:b]}


def _span(ctx: Context, idx: list[int]) -> tuple[int, int]:
    toks = ctx.s.tokens
    return toks[min(idx)].start, toks[max(idx)].end


@dataclass
class _Person:
    role: str
    mentions: list[Mention] = field(default_factory=list)
    ctxs: list[Context] = field(default_factory=list)
    name: str | None = None
    age: int | None = None


def extract(
    text: str, case_id: str = "DRAFT", lang: str | None = None, source: str | None = None, today: dt.date | None = None
) -> Extraction:
    """Propose the facts `text` states; `lang` (en | ru) overrides the detected language."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"the narrative has {len(text)} characters; at most {MAX_TEXT} are read")
    lex = lexicon()
    lg = lang or detect_lang(text)
    L = lex.langs[lg]
    ev: list[Evidence] = []
    seen: set[tuple] = set()
    person_items: list[tuple[Mention, Context, list[Evidence]]] = []
    sentence_facts: list[tuple[Context, list[Evidence]]] = []
    sent_info: list[tuple[Context, list[int]]] = []
    date_items: list[tuple[Any, Context, Any]] = []

    def add(fld: str, value: Any, a: int, b: int, status: str, rule: str, cue: dict | None, of_part: bool = False) -> None:
        key = (fld, repr(value), a, b)
        if key in seen:
            return
        seen.add(key)
        ev.append(Evidence(fld, value, a, b, text[a:b], status, rule, cue, of_part))

    for s in sentences(text):
        ctx = Context(s, L)
        fact_tokens: list[int] = []
        giving: set[int] = set()
        proposed_here = False
        found = []
        for entry, idx in L.facts.scan(s.tokens):
            if entry.unless and any(set(m) & set(idx) for p in entry.unless for m in _matches(p, s.tokens)):
                continue
            found.append((entry, idx))
        ctx.consume([idx for _, idx in found])
        local: list[Evidence] = []
        for entry, idx in found:
            status, hit = ctx.status(idx, entry)
            a, b = _span(ctx, idx)
            for fld, value in entry.facts:
                local.append(Evidence(fld, value, a, b, text[a:b], status, entry.id, _cue(text, ctx, hit), ctx.of_part(hit)))
                if fld in ("acts", "means"):
                    fact_tokens.extend(idx)
                if fld == "acts" and value in ("sale", "transfer", "purchase"):
                    giving.update(idx)
        # a purpose said with the words of an exploitation carried out is that exploitation ("forced him to beg")
        done = [(e.value, e.start, e.end) for e in local if e.field == "exploitation" and e.status == "proposed"]
        for e in local:
            if e.field == "purposes" and any(v == e.value and a < e.end and e.start < b for v, a, b in done):
                continue
            add(e.field, e.value, e.start, e.end, e.status, e.rule, e.cue, e.of_part)
            proposed_here = proposed_here or e.status == "proposed"
        sentence_facts.append((ctx, local))
        sent_info.append((ctx, fact_tokens))
        for m in mentions(s, ctx, lg, text, fact_tokens, frozenset(giving)):
            person_items.append((m, ctx, local))
        for c in charges(s, text, lg):
            status, hit = _record_status(ctx, c.tokens)
            add("record.charges", c.value, c.start, c.end, status, f"{lg}.record.charges", _cue(text, ctx, hit))
        for d in dates(s, text, lg):
            date_items.append((d, ctx, proposed_here))

    _dates(text, lg, date_items, add)
    ev[:] = _merge(ev, text)
    names: dict[str, str] = {}
    wanted = {m.name for m, _, _ in person_items if m.name and m.role is None}
    for key_ in wanted:
        for ctx_, toks_ in sent_info:
            role = role_by_name(ctx_, lg, toks_, key_)
            if role:
                names[key_] = role
                break
    draft = _assemble(case_id, ev, person_items, names, text, lg, add)
    draft["provenance"] = {
        "method": "extract",
        "confirmed": False,
        "tool": f"thb extract {__version__}",
        "lexicon": lex.digest,
        "lang": lg,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "drafted_on": (today or dt.date.today()).isoformat(),
        **({"source": source} if source else {}),
    }
    ev.sort(key=lambda e: (e.start, e.end, e.field))
    return Extraction(case_id, lg, draft, ev)


def _merge(ev: list[Evidence], text: str) -> list[Evidence]:
    """Overlapping quotes for the same fact and status become one ("kept her", "kept her locked up")."""
    out: list[Evidence] = []
    last: dict[tuple, Evidence] = {}
    for e in sorted(ev, key=lambda e: (e.start, -e.end)):
        key = (e.field, repr(e.value), e.status)
        prev = last.get(key)
        if prev is not None and e.start < prev.end:
            if e.end > prev.end:
                prev.end = e.end
                prev.quote = text[prev.start : prev.end]
            continue
        last[key] = e
        out.append(e)
    return out


def _matches(p, toks):
    from .patterns import match_at

    for i in range(len(toks)):
        m = match_at(p, toks, i)
        if m is not None:
            yield m


def _record_status(ctx: Context, idx: list[int]):
    """A charge's own status: negated ("was not charged"), hypothetical ("should be charged")…; its
    charge cue is what makes it a charge, so it does not count."""
    if not idx:
        return "proposed", None
    saved = ctx.hits
    ctx.hits = [h for h in saved if h.cue.status != "charge"]
    try:
        return ctx.status(idx, tense=False)  # «дело содержит признаки… и квалифицировано по ст. 160»
    finally:
        ctx.hits = saved


def _dates(text: str, lg: str, items, add) -> None:
    bad = date_not_offence(lg)
    proposed = []
    for d, ctx, event in items:
        cl = {ctx.clause[k] for k in d.tokens}
        procedural = any(ctx.clause[t.i] in cl and (t.lemma in bad or t.low in bad) for t in ctx.s.tokens)
        if procedural or not event:
            continue  # a date of a report, an arrest, a court, or of nothing the text says happened
        status, hit = ctx.status(d.tokens)
        proposed.append([d, status, _cue(text, ctx, hit)])
    values = {d.value for d, st, _ in proposed if st == "proposed"}
    for d, st, cue in proposed:
        if st == "proposed" and len(values) > 1:
            st = "conflicting"
        add("offence_date", d.value.isoformat(), d.start, d.end, st, f"{lg}.offence_date", cue)


def _assemble(case_id: str, ev: list[Evidence], items, names: dict[str, str], text: str, lg: str, add) -> dict[str, Any]:
    draft: dict[str, Any] = {"case_id": case_id}
    # list fields: a value with proposed evidence, unless the text also says it did not happen (a
    # negation of one person's part — «сам он в похищении не участвовал» — does not say that)
    lists: dict[str, list[str]] = {}
    for fld in LIST_FIELDS:
        props = [e for e in ev if e.field == fld and e.status == "proposed"]
        negs = {e.value for e in ev if e.field == fld and e.status == "negated" and not e.of_part}
        for e in props:
            if e.value in negs:
                e.status = "conflicting"
        vals = []
        for e in ev:
            if e.field == fld and e.status == "proposed" and e.value not in vals:
                vals.append(e.value)
        if vals:
            lists[fld] = vals
    dates_ = {e.value for e in ev if e.field == "offence_date" and e.status == "proposed"}
    if len(dates_) == 1:
        draft["offence_date"] = next(iter(dates_))
    any_fact = any(e.status == "proposed" and e.field in LIST_FIELDS for e in ev)
    victims, offenders = _people(items, names, any_fact, text, lg, add)
    if victims:
        draft["victims"] = victims
    if offenders:
        draft["offenders"] = offenders
    from ..ruledata import vocabulary

    for fld in ("acts", "means", "purposes", "exploitation", "circumstances"):
        if fld in lists:
            kind = "purposes" if fld == "exploitation" else fld
            order = list(vocabulary()[kind])
            draft[fld] = sorted(lists[fld], key=order.index)
    charges_ = []
    for e in ev:
        if e.field == "record.charges" and e.status == "proposed" and e.value not in charges_:
            charges_.append(e.value)
    if charges_:
        draft["record"] = {"charges": charges_}
    return draft


def _token_clauses(ctx: Context, e: Evidence) -> set[int]:
    return {ctx.clause[t.i] for t in ctx.s.tokens if t.start >= e.start and t.end <= e.end}


def _mention_status(m: Mention, ctx: Context, local: list[Evidence], text: str) -> tuple[str, dict | None]:
    """A person's status: that of their own words ("planned to sell the new-born baby": hypothetical).
    A person of a narrative that states no fact is not proposed at all (`_people`)."""
    st, hit = ctx.status(m.tokens, intent_ok=True)
    return st, _cue(text, ctx, hit)


def _people(items, names: dict[str, str], any_fact: bool, text: str, lg: str, add) -> tuple[list[dict], list[dict]]:
    """Victims and offenders: mentions grouped into persons by name, then by age; what a mention
    without either says goes to the only person of its role (a plural one, "the girls", to each).
    Nothing is said of anyone in a narrative that states no fact."""
    out: dict[str, list[dict]] = {"victim": [], "offender": []}
    for m, _, _ in items:
        if m.role is None and m.name:
            m.role = names.get(m.name)
    # one name read as a victim in one place and an offender in another: whose is what is not known
    by_name: dict[str, set[str]] = {}
    for m, _, _ in items:
        if m.name and m.role:
            by_name.setdefault(m.name, set()).add(m.role)
    torn = {n for n, roles in by_name.items() if len(roles) > 1}
    for role, prefix, key in (("victim", "V", "victims"), ("offender", "P", "offenders")):
        persons: list[_Person] = []
        loose: list[tuple[Mention, Context]] = []
        for m, ctx, local in items:
            if m.role != role:
                continue
            st, cue = _mention_status(m, ctx, local, text)
            if not any_fact and st == "proposed":
                st = "background"
            if m.name in torn and st == "proposed":
                st = "conflicting"
            if st != "proposed":
                _unplaced(m, ctx, key, st, text, lg, add, role, cue)
                continue
            p = None
            if m.name:
                p = next((q for q in persons if q.name == m.name), None)
                if p is None and m.age is not None:
                    p = next((q for q in persons if q.name is None and q.age == m.age), None)
                    if p is not None:
                        p.name = m.name
            elif m.age is not None:
                p = next((q for q in persons if q.age == m.age), None)
            if p is None and (m.name or m.age is not None):
                p = _Person(role, name=m.name, age=m.age)
                persons.append(p)
                for _ in range(m.count - 1):  # "two 15-year-old girls": two persons, not one of that age
                    twin = _Person(role, age=m.age)
                    twin.mentions.append(m)
                    twin.ctxs.append(ctx)
                    persons.append(twin)
            if p is None:
                loose.append((m, ctx))
                continue
            if p.age is None:
                p.age = m.age
            p.mentions.append(m)
            p.ctxs.append(ctx)
        if not persons and loose:
            persons.append(_Person(role))
        for m, ctx in loose:
            if len(persons) == 1 or m.plural:
                for p in persons:
                    p.mentions.append(m)
                    p.ctxs.append(ctx)
            elif not m.weak:
                _unplaced(m, ctx, key, "conflicting", text, lg, add, role, None)
        for n, p in enumerate(persons, 1):
            pid = f"{prefix}{n}"
            rec: dict[str, Any] = {"id": pid}
            attrs = ("age", "sex", "citizenship") if role == "victim" else ("age",)
            for attr in attrs:
                vals = []
                for m, ctx in zip(p.mentions, p.ctxs, strict=True):
                    v = getattr(m, attr)
                    if v is not None:
                        vals.append((v, m, ctx))
                if attr == "sex" and any(m.epicene for m in p.mentions):
                    # «ребёнок»… «его»: the masculine pronoun agrees with the word, it tells no sex
                    vals = [x for x in vals if not (x[1].weak and x[0] == "male")]
                if any(not m.weak for _, m, _ in vals):  # a pronoun's sex only where no noun tells one
                    vals = [x for x in vals if not x[1].weak]
                distinct = {v for v, _, _ in vals}
                if len(distinct) > 1 and all(m.weak for _, m, _ in vals):
                    continue  # "her" and "him" of one victim: the pronouns speak of several people
                for v, m, ctx in vals:
                    idx = getattr(m, f"{attr}_tokens") or m.tokens
                    a, b = _span(ctx, idx)
                    add(
                        f"{key}[{pid}].{attr}",
                        v,
                        a,
                        b,
                        "proposed" if len(distinct) == 1 else "conflicting",
                        f"{lg}.{key}.{attr}",
                        None,
                    )
                if len(distinct) == 1:
                    rec[attr] = next(iter(distinct))
            if len(rec) > 1:
                out[role].append(rec)
    return out["victim"], out["offender"]


def _unplaced(m: Mention, ctx: Context, key: str, status: str, text: str, lg: str, add, role: str, cue: dict | None) -> None:
    attrs = ("age", "sex", "citizenship") if role == "victim" else ("age",)
    for attr in attrs:
        v = getattr(m, attr)
        if v is None:
            continue
        idx = getattr(m, f"{attr}_tokens") or m.tokens
        a, b = _span(ctx, idx)
        add(f"{key}[?].{attr}", v, a, b, status, f"{lg}.{key}.{attr}", cue)
