"""`thb interview`: build a fact pattern (FACTS.md v1) by answering plain questions.

The interview is a generator (`_flow`) that yields questions and notes and receives parsed
answers. It is a pure function of the answers given so far, so "back" simply drops the last
answer and replays the rest: branching (how many victims, which questions can still matter)
is always consistent with the answers that remain. The same flow runs on a terminal
(`TerminalSource`) and from an answers file (`ListSource`, `MapSource`, see docs/interview.md).

What is skipped and why:
- means, for a child victim, once an act and a purpose are known and every offender is known
  to be 16 or older (CC art. 167 and art. 166 part 4 have no means element; LAW.md rule 2) —
  unless the means can still decide something: an offender who may be 14 or 15 (rule 3: means
  move 166(4) to 166(1)-(3)), an offence before 2019 (R-RETRO), or exploitation carried out or a
  marriage purpose (159, 162, 170, 173, 174 need a means). Abduction, which decides 165 and
  172, is then asked later, only where it can matter;
- pregnancy for a male victim; the official-position flag when no offender is an official.

Unknown answers are left out of the fact pattern: not stated means not established.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich.text import Text

from .fileio import write_atomic
from .i18n import tr
from .ruledata import vocabulary
from .safetext import clip

MAX_PEOPLE = 50
MAX_CHARGES = 20


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class InterviewError(Exception):
    """A problem with the answers file or the output: the message names the question."""


class Abandoned(Exception):
    """The input ended before the interview did (Ctrl-D, or a closed pipe)."""


class BadAnswer(ValueError):
    """An answer that does not fit the question; the message says what would."""


# Commands accepted at any prompt, in either language.
WORDS = {
    "unknown": {"unknown", "?", "don't know", "dont know", "не знаю", "незнаю", "неизвестно"},
    "back": {"back", "назад"},
    "status": {"status", "статус"},
    "help": {"help", "помощь", "справка"},
}
NONE_WORDS = {"none", "no", "0", "-", "нет", "ничего", "никакие", "никаких"}
YES_WORDS = {"y", "yes", "да", "д", "1"}
NO_WORDS = {"n", "no", "нет", "н", "2"}


def _norm(raw: str) -> str:
    return " ".join(raw.strip().lower().replace("ё", "е").split())


def command(raw: str) -> str | None:
    """The command a raw answer names (unknown, back, status, help), if any."""
    n = _norm(raw)
    for cmd, words in WORDS.items():
        if n in words:
            return cmd
    return None


# ------------------------------------------------------------------------------ questions
@dataclass
class Option:
    value: str
    label: str
    explain: str = ""


@dataclass
class Question:
    key: str
    kind: str  # choice | multi | yesno | int | number | text | date | age | path
    text: str
    help: str = ""
    options: list[Option] = field(default_factory=list)
    default: str | None = None  # the raw answer taken on an empty line
    required: bool = False  # "unknown" is not an answer
    blank_is_unknown: bool = False
    lo: float | None = None
    hi: float | None = None
    check: Callable[[Any], str | None] | None = None  # further validation: an error message or None
    transform: Callable[[Any], Any] | None = None  # normalises the value before the check


@dataclass
class Notice:
    text: str
    style: str = "note"  # section | note | report


# Every question key, with numbers written N: an answers file may use only these.
KEYS = (
    "case.id case.date case.summary victims.count victim.N.age victim.N.sex victim.N.citizenship "
    "victim.N.pregnant victim.N.dependent victim.N.consented offenders.count offender.N.kind offender.N.age "
    "offender.N.official offender.N.relation acts purposes exploitation means circ.group circ.official "
    "circ.movement circ.control circ.sexual circ.marriage circ.abduction circ.knew_pregnant circ.harm "
    "circ.property circ.damage record.charged charge.N.instrument charge.N.article charge.N.part charge.N.more "
    "record.victim_charged vcharge.N.victim vcharge.N.instrument vcharge.N.kind vcharge.N.article vcharge.N.part "
    "vcharge.N.caused vcharge.N.more output.file output.overwrite "
    "prefill.N.decision prefill.N.value prefill.N.part"  # --prefill: the draft's facts (prefill.py)
).split()


def key_template(key: str) -> str:
    return re.sub(r"\.\d+\.", ".N.", key)


def _options(kind: str, values: list[str] | None = None) -> list[Option]:
    """Options for a vocabulary list, labelled in the language in force, each explained."""
    from .i18n import lang

    voc = vocabulary()[kind]
    ru = lang() == "ru"
    out = []
    for v in values or list(voc):
        meta = voc[v] or {}
        label = (meta.get("label_ru") if ru else None) or meta.get("label") or v
        out.append(Option(v, str(label), tr(f"interview.{kind}.{v}")))
    return out


def _yesno(key: str, text: str, help: str = "", default: str | None = None) -> Question:
    return Question(
        key, "yesno", text, help, [Option("yes", tr("interview.yes")), Option("no", tr("interview.no"))], default=default
    )


def _match_option(q: Question, token: str) -> Option | None:
    t = _norm(token)
    if t.isdigit():
        i = int(t)
        return q.options[i - 1] if 1 <= i <= len(q.options) else None
    for o in q.options:
        if t in (o.value.lower(), o.value.lower().replace("_", " "), _norm(o.label)):
            return o
    return None


def _allowed(q: Question) -> str:
    return ", ".join(f"{i} {o.value}" for i, o in enumerate(q.options, 1))


def _parse_date(raw: str) -> dt.date:
    s = raw.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise BadAnswer(tr("interview.error.date", answer=clip(s)))


def parse(q: Question, raw: str) -> Any:
    """The value an answer gives a question (UNKNOWN for "unknown"); BadAnswer if it does not fit."""
    s = raw.strip()
    if command(s) == "unknown" or (not s and q.blank_is_unknown):
        if q.required:
            raise BadAnswer(tr("interview.error.required"))
        return UNKNOWN
    if not s:
        if q.default is not None:
            s = q.default
        else:
            raise BadAnswer(tr("interview.error.empty"))
    value: Any
    if q.kind == "yesno":
        n = _norm(s)
        if n in YES_WORDS or n == _norm(tr("interview.yes")):
            value = True
        elif n in NO_WORDS or n == _norm(tr("interview.no")):
            value = False
        else:
            raise BadAnswer(tr("interview.error.yesno", answer=clip(s)))
    elif q.kind == "choice":
        o = _match_option(q, s)
        if o is None:
            raise BadAnswer(tr("interview.error.choice", answer=clip(s), n=len(q.options), allowed=_allowed(q)))
        value = o.value
    elif q.kind == "multi":
        if _norm(s) in NONE_WORDS:
            return []
        chosen: set[str] = set()
        for token in re.split(r"[,;]", s):
            if not token.strip():
                continue
            o = _match_option(q, token)
            if o is None:
                raise BadAnswer(tr("interview.error.multi", answer=clip(token.strip()), n=len(q.options), allowed=_allowed(q)))
            chosen.add(o.value)
        value = [o.value for o in q.options if o.value in chosen]  # option order: the same file however typed
    elif q.kind in ("int", "number"):
        text = s.replace(",", ".") if q.kind == "number" else s
        pattern = r"[+-]?[0-9]{1,20}" if q.kind == "int" else r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})"
        if not re.fullmatch(pattern, text):  # decimal digits only: not `1_000`, `١٥`, `inf` or `nan`
            raise BadAnswer(tr("interview.error.number" if q.kind == "number" else "interview.error.int", answer=clip(s)))
        value = int(text) if q.kind == "int" else float(text)
        if (q.lo is not None and value < q.lo) or (q.hi is not None and value > q.hi):
            raise BadAnswer(tr("interview.error.range", answer=clip(s), lo=_num(q.lo), hi=_num(q.hi)))
    elif q.kind == "date":
        value = _parse_date(s)
    elif q.kind == "age":
        if re.fullmatch(r"[0-9]{1,3}", s):
            age = int(s)
            if age > 120:
                raise BadAnswer(tr("interview.error.range", answer=clip(s), lo=0, hi=120))
            value = ("age", age)
        else:
            value = ("birth_date", _parse_date(s))
    else:  # text, path
        value = s
    if q.transform is not None:
        value = q.transform(value)
    if q.check is not None:
        problem = q.check(value)
        if problem:
            raise BadAnswer(problem)
    return value


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


# ------------------------------------------------------------------------------ state
def age_on(birth: dt.date, when: dt.date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


@dataclass
class State:
    """The facts gathered so far; `facts()` turns them into a FACTS.md fact pattern."""

    case_id: str | None = None
    offence_date: dt.date | None = None
    summary: str | None = None
    victims: list[dict[str, Any]] = field(default_factory=list)
    offenders: list[dict[str, Any]] = field(default_factory=list)
    acts: list[str] | None = None
    purposes: list[str] | None = None
    exploitation: list[str] | None = None
    means: list[str] | None = None
    means_skipped: bool = False
    circumstances: list[str] = field(default_factory=list)
    damage_ci: float | None = None
    charges: list[dict[str, Any]] = field(default_factory=list)
    victim_charges: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    out_path: str | None = None
    overwrite: bool = False
    # --prefill (prefill.py): the draft, the answers its accepted facts give, the questions asked
    draft: Any = None
    prefilled: dict[str, tuple[str, str]] = field(default_factory=dict)
    prefill_kept: list[tuple[str, Any]] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)
    provenance: dict[str, Any] | None = None

    def when(self) -> dt.date:
        return self.offence_date or dt.date.today()

    def victim_age(self, v: dict[str, Any]) -> int | None:
        if v.get("age") is not None:
            return v["age"]
        if v.get("birth_date") is not None:
            return age_on(v["birth_date"], self.when())
        return None

    def flag(self, *names: str) -> None:
        for n in names:
            if n not in self.circumstances:
                self.circumstances.append(n)

    def facts(self) -> dict[str, Any]:
        """The fact pattern, in the order of FACTS.md; what is unknown is left out."""
        d: dict[str, Any] = {"case_id": self.case_id or default_case_id()}
        if self.offence_date:
            d["offence_date"] = self.offence_date
        if self.summary:
            d["summary"] = self.summary
        if self.victims:
            vs = []
            for v in self.victims:
                out = {k: val for k, val in v.items() if val is not None}
                offs = [o for vid, o in self.victim_charges if vid == v["id"]]
                if offs:
                    out["offences"] = [{k: val for k, val in o.items() if val is not None and k != "victim"} for o in offs]
                vs.append(out)
            d["victims"] = vs
        if self.offenders:
            d["offenders"] = [{k: val for k, val in o.items() if val is not None} for o in self.offenders]
        for name in ("acts", "means", "purposes", "exploitation"):
            val = getattr(self, name)
            if val:
                d[name] = list(val)
        if self.circumstances:
            order = list(vocabulary()["circumstances"])
            d["circumstances"] = sorted(set(self.circumstances), key=order.index)
        if self.damage_ci is not None:
            d["damage_ci"] = int(self.damage_ci) if float(self.damage_ci).is_integer() else self.damage_ci
        record: dict[str, Any] = {}
        if self.charges:
            record["charges"] = [{k: v for k, v in c.items() if v is not None} for c in self.charges]
        if self.victim_charges:
            record["victim_charged_with"] = [
                {"victim": vid, **{k: o[k] for k in ("instrument", "article", "part") if o.get(k) is not None}}
                for vid, o in self.victim_charges
            ]
        if record:
            d["record"] = record
        if self.provenance:
            d["provenance"] = self.provenance
        return d


def default_case_id() -> str:
    return f"INTERVIEW-{dt.date.today():%Y%m%d}"


# ------------------------------------------------------------------------------ the flow
Flow = Generator[Question | Notice, Any, None]


def _article_and_part(k: str, article_help: str):
    """Ask a charge's article, then its part (blank: not known); return both answers."""
    art = yield Question(k + "article", "text", tr("interview.charge.article"), tr(article_help), check=_check_article)
    part = yield Question(
        k + "part", "int", tr("interview.charge.part"), tr("interview.charge.part.help"), lo=1, hi=20, blank_is_unknown=True
    )
    return art, part


def _known(value: Any) -> bool:
    return value is not UNKNOWN


def _check_offence_date(d: dt.date) -> str | None:
    if not (dt.date(1991, 1, 1) <= d <= dt.date.today()):
        return tr("interview.error.offence_date", date=d.isoformat(), today=dt.date.today().isoformat())
    return None


def _check_citizenship(v: str) -> str | None:
    return None if re.fullmatch(r"[A-Z]{2}", v) else tr("interview.error.citizenship", answer=v)


def _check_article(v: str) -> str | None:
    ok = len(v) <= 64 and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._()-]*", v)
    return None if ok else tr("interview.error.article", answer=v)


def _check_case_id(v: str) -> str | None:
    return None if len(v) <= 200 else tr("interview.error.case_id")


def _flow(st: State, out: str | None = None, force: bool = False) -> Flow:
    if st.draft is not None:  # --prefill: the draft's facts first, each with its quote
        from .prefill import walk

        yield from walk(st, st.draft)
    yield Notice(tr("interview.section.case"), "section")
    a = yield Question(
        "case.id",
        "text",
        tr("interview.case.id"),
        tr("interview.case.id.help"),
        default=default_case_id(),
        check=_check_case_id,
    )
    st.case_id = a if _known(a) else default_case_id()
    a = yield Question("case.date", "date", tr("interview.case.date"), tr("interview.case.date.help"), check=_check_offence_date)
    if _known(a):
        st.offence_date = a
    else:
        yield Notice(tr("interview.case.date.unknown"))
    a = yield Question(
        "case.summary", "text", tr("interview.case.summary"), tr("interview.case.summary.help"), blank_is_unknown=True
    )
    if _known(a):
        st.summary = a

    # Victims, then offenders: how many, then each one
    for kind, ask_one in (("victims", _victim), ("offenders", _offender)):
        yield Notice(tr(f"interview.section.{kind}"), "section")
        n = yield Question(
            f"{kind}.count", "int", tr(f"interview.{kind}.count"), tr(f"interview.{kind}.count.help"), lo=1, hi=MAX_PEOPLE
        )
        if not _known(n):
            n = 1
            yield Notice(tr(f"interview.{kind}.assume_one"))
        for i in range(1, n + 1):
            yield from ask_one(st, i)

    # What was done, for what purpose, what happened
    yield Notice(tr("interview.section.acts"), "section")
    a = yield Question("acts", "multi", tr("interview.acts"), tr("interview.acts.help"), _options("acts"))
    st.acts = a if _known(a) else None
    a = yield Question("purposes", "multi", tr("interview.purposes"), tr("interview.purposes.help"), _options("purposes"))
    st.purposes = a if _known(a) else None
    a = yield Question(
        "exploitation", "multi", tr("interview.exploitation"), tr("interview.exploitation.help"), _options("purposes")
    )
    st.exploitation = a if _known(a) else None

    # How: the means, unless they cannot matter
    yield Notice(tr("interview.section.means"), "section")
    ask, note = means_decision(st)
    if note:
        yield Notice(tr(note))
    if ask:
        a = yield Question("means", "multi", tr("interview.means"), tr("interview.means.help"), _options("means"))
        st.means = a if _known(a) else None
    else:
        st.means_skipped = True

    yield from _circumstances(st)
    yield from _record(st)

    if st.draft is not None:
        from .prefill import complete

        complete(st)
    # The report, then the file
    yield Notice("", "report")
    yield from _output(st, out, force)


def means_decision(st: State) -> tuple[bool, str | None]:
    """Whether to ask the means, and the message (catalogue key) that says why, if any."""
    ages = [st.victim_age(v) for v in st.victims]
    if not ages or not all(a is not None and a < 18 for a in ages):
        return True, None  # an adult victim, or an age not known: art. 166 needs the means
    people = [o for o in st.offenders if not o.get("legal_entity")]
    if not people or any(o.get("age") is None or 14 <= o["age"] <= 15 for o in people):
        return True, "interview.means.child_young_offender"
    if st.offence_date and st.offence_date < dt.date(2019, 1, 1):
        return True, "interview.means.child_before_2019"
    voc = vocabulary()["purposes"]
    acts = st.acts or []
    cc_purpose = any(voc[p].get("class") == "cc" for p in (st.purposes or []) + (st.exploitation or []))
    if not acts or not (cc_purpose or {"sale", "purchase"} & set(acts)):
        return True, None  # act or purpose not known: the means may decide another article
    if st.exploitation or "forced_marriage" in (st.purposes or []):
        return True, "interview.means.child_concurrent"
    return False, "interview.means.skipped"


def _victim(st: State, i: int) -> Flow:
    vid = f"V{i}"
    v: dict[str, Any] = {"id": vid}
    st.victims.append(v)
    k = f"victim.{i}."
    when = st.when()

    def check_birth(value: tuple[str, Any]) -> str | None:
        kind, x = value
        if kind == "birth_date" and not (dt.date(1900, 1, 1) <= x <= when):
            return tr("interview.error.birth_date", date=x.isoformat(), when=when.isoformat())
        return None

    yield Notice(tr("interview.victim.head", id=vid), "section")
    a = yield Question(k + "age", "age", tr("interview.victim.age", id=vid), tr("interview.victim.age.help"), check=check_birth)
    if _known(a):
        kind, x = a
        v[kind] = x
        if kind == "birth_date":
            yield Notice(tr("interview.victim.age.derived", id=vid, age=age_on(x, when), date=when.isoformat()))
    a = yield Question(
        k + "sex",
        "choice",
        tr("interview.victim.sex", id=vid),
        options=[Option("female", tr("interview.sex.female")), Option("male", tr("interview.sex.male"))],
    )
    if _known(a):
        v["sex"] = a
    a = yield Question(
        k + "citizenship",
        "text",
        tr("interview.victim.citizenship", id=vid),
        tr("interview.victim.citizenship.help"),
        check=_check_citizenship,
        transform=str.upper,
    )
    if _known(a):
        v["citizenship"] = a
    if v.get("sex") != "male":
        a = yield _yesno(k + "pregnant", tr("interview.victim.pregnant", id=vid), tr("interview.victim.pregnant.help"))
        if _known(a):
            v["pregnant"] = a
    a = yield _yesno(k + "dependent", tr("interview.victim.dependent", id=vid), tr("interview.victim.dependent.help"))
    if _known(a):
        v["dependent_on_offender"] = a
    a = yield _yesno(k + "consented", tr("interview.victim.consented", id=vid), tr("interview.victim.consented.help"))
    if _known(a):
        v["consented"] = a


def _offender(st: State, i: int) -> Flow:
    pid = f"P{i}"
    o: dict[str, Any] = {"id": pid}
    st.offenders.append(o)
    k = f"offender.{i}."
    yield Notice(tr("interview.offender.head", id=pid), "section")
    a = yield Question(
        k + "kind",
        "choice",
        tr("interview.offender.kind", id=pid),
        options=[Option("person", tr("interview.offender.person")), Option("entity", tr("interview.offender.entity"))],
        default="1",
    )
    if a == "entity":
        o["legal_entity"] = True
        yield Notice(tr("interview.offender.entity.note", id=pid))
        return
    a = yield Question(k + "age", "int", tr("interview.offender.age", id=pid), tr("interview.offender.age.help"), lo=0, hi=120)
    if _known(a):
        o["age"] = a
        if a < 14:
            yield Notice(tr("interview.offender.under14", id=pid))
    a = yield _yesno(k + "official", tr("interview.offender.official", id=pid), tr("interview.offender.official.help"))
    if _known(a):
        o["official"] = a
    a = yield Question(
        k + "relation",
        "choice",
        tr("interview.offender.relation", id=pid),
        tr("interview.offender.relation.help"),
        [Option(r, tr(f"interview.relation.{r}")) for r in vocabulary()["relations"]],
    )
    if _known(a):
        o["relation"] = a


def _circ_options(values: list[str]) -> list[Option]:
    # Labelled from the catalogue: some vocabulary labels are cut at a comma (flow-style YAML).
    return [Option(v, tr(f"interview.circumstances.{v}")) for v in values]


def _circumstances(st: State) -> Flow:
    yield Notice(tr("interview.section.circumstances"), "section")
    groups = ["group", "group_prior_conspiracy", "organised_group", "criminal_community"]
    a = yield Question(
        "circ.group",
        "choice",
        tr("interview.circ.group"),
        tr("interview.circ.group.help"),
        [Option("alone", tr("interview.circ.group.alone"))] + _circ_options(groups),
    )
    if _known(a) and a != "alone":
        st.flag(a)
    people = [o for o in st.offenders if not o.get("legal_entity")]
    if any(o.get("official") is not False for o in people):
        a = yield _yesno("circ.official", tr("interview.circ.official"), tr("interview.circ.official.help"))
        if a is True:
            st.flag("official_position_used")
    movement = ["crossed_state_border", "held_abroad", "held_against_will", "illegal_entry_or_exit_organised"]
    a = yield Question(
        "circ.movement", "multi", tr("interview.circ.movement"), tr("interview.circ.multi.help"), _circ_options(movement)
    )
    if _known(a):
        st.flag(*a)
    control = [
        "identity_documents_taken",
        "ownership_powers_exercised",
        "victim_could_not_refuse",
        "dangerous_violence",
        "weapon_used",
    ]
    a = yield Question(
        "circ.control", "multi", tr("interview.circ.control"), tr("interview.circ.multi.help"), _circ_options(control)
    )
    if _known(a):
        st.flag(*a)
    sexual = ["brothel_organised", "procuring", "pimping", "online"]
    if any(st.victim_age(v) is None or st.victim_age(v) < 16 for v in st.victims):
        sexual.append("sexual_acts_with_victim")
    a = yield Question(
        "circ.sexual", "multi", tr("interview.circ.sexual"), tr("interview.circ.multi.help"), _circ_options(sexual)
    )
    if _known(a):
        st.flag(*a)
    a = yield _yesno("circ.marriage", tr("interview.circ.marriage"), tr("interview.circ.marriage.help"))
    if a is True:
        st.flag("marriage_purpose")
    if st.means_skipped and (
        ("transportation" in (st.acts or []) and "held_against_will" in st.circumstances)
        or "marriage_purpose" in st.circumstances
    ):
        a = yield _yesno("circ.abduction", tr("interview.circ.abduction"), tr("interview.circ.abduction.help"))
        if a is True:
            st.means = ["abduction"]
    if any(v.get("pregnant") for v in st.victims):
        a = yield _yesno("circ.knew_pregnant", tr("interview.circ.knew_pregnant"), tr("interview.circ.knew_pregnant.help"))
        if a is True:
            st.flag("offender_knew_pregnant")
    harms = ["harm_significant", "harm_grave", "harm_especially_grave"]
    a = yield Question(
        "circ.harm",
        "choice",
        tr("interview.circ.harm"),
        tr("interview.circ.harm.help"),
        [Option("none", tr("interview.circ.harm.none"))] + _circ_options(harms),
    )
    if _known(a) and a != "none":
        st.flag(a)
    if {"fraud", "deception"} & set(st.means or []):
        a = yield _yesno("circ.property", tr("interview.circ.property"), tr("interview.circ.property.help"))
        if a is True:
            st.flag("property_obtained_by_deception")
            d = yield Question(
                "circ.damage", "number", tr("interview.circ.damage"), tr("interview.circ.damage.help"), lo=0, hi=1e12
            )
            if _known(d):
                st.damage_ci = d


def _instrument_q(key: str) -> Question:
    return Question(
        key,
        "choice",
        tr("interview.charge.instrument"),
        options=[Option(i, tr(f"interview.instrument.{i}")) for i in vocabulary()["instruments"]],
        default="1",
    )


def _record(st: State) -> Flow:
    yield Notice(tr("interview.section.record"), "section")
    a = yield _yesno("record.charged", tr("interview.record.charged"), tr("interview.record.charged.help"), default="2")
    if a is True:
        for n in range(1, MAX_CHARGES + 1):
            k = f"charge.{n}."
            ins = yield _instrument_q(k + "instrument")
            art, part = yield from _article_and_part(k, "interview.charge.article.help")
            if _known(ins) and _known(art):
                st.charges.append({"instrument": ins, "article": art, "part": part if _known(part) else None})
            else:
                yield Notice(tr("interview.charge.incomplete"))
            more = yield _yesno(k + "more", tr("interview.charge.more"), default="2")
            if more is not True:
                break

    a = yield _yesno(
        "record.victim_charged", tr("interview.record.victim_charged"), tr("interview.record.victim_charged.help"), default="2"
    )
    if a is True:
        for n in range(1, MAX_CHARGES + 1):
            k = f"vcharge.{n}."
            vid = st.victims[0]["id"] if st.victims else "V1"
            if len(st.victims) > 1:
                vid = yield Question(
                    k + "victim",
                    "choice",
                    tr("interview.vcharge.victim"),
                    required=True,
                    options=[Option(v["id"], v["id"]) for v in st.victims],
                )
            ins = yield _instrument_q(k + "instrument")
            kind = None
            if ins == "other":
                kind = yield Question(
                    k + "kind",
                    "choice",
                    tr("interview.vcharge.kind"),
                    required=True,
                    options=[
                        Option("criminal", tr("interview.kind.criminal")),
                        Option("administrative", tr("interview.kind.administrative")),
                    ],
                )
            art, part = yield from _article_and_part(k, "interview.vcharge.article.help")
            caused = yield _yesno(k + "caused", tr("interview.vcharge.caused"), tr("interview.vcharge.caused.help"))
            if _known(ins) and _known(art):
                st.victim_charges.append(
                    (
                        vid,
                        {
                            "instrument": ins,
                            "article": art,
                            "part": part if _known(part) else None,
                            "kind": kind,
                            "caused_by_trafficking": caused if _known(caused) else None,
                        },
                    )
                )
            else:
                yield Notice(tr("interview.charge.incomplete"))
            more = yield _yesno(k + "more", tr("interview.vcharge.more"), default="2")
            if more is not True:
                break


def check_path(value: str) -> str | None:
    p = Path(value).expanduser()
    if p.is_dir():
        return tr("interview.error.path_dir", path=value)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        return tr("interview.error.path_parent", path=value, parent=str(parent))
    if not os.access(parent, os.W_OK):
        return tr("interview.error.path_write", parent=str(parent))
    return None


def _output(st: State, out: str | None, force: bool) -> Flow:
    path = out
    while True:
        if path is None:
            path = yield Question(
                "output.file",
                "path",
                tr("interview.output.file"),
                tr("interview.output.file.help"),
                required=True,
                check=check_path,
            )
        if Path(path).expanduser().exists() and not force:
            ok = yield _yesno("output.overwrite", tr("interview.output.overwrite", path=path), default="2")
            if ok is not True:
                path = None
                continue
            st.overwrite = True
        st.out_path = path
        return


# ------------------------------------------------------------------------------ writing
class _Dumper(yaml.SafeDumper):
    """Block style for mappings; short lists of scalars in flow style, as in FACTS.md."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, str | int | float) and not isinstance(x, bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def to_yaml(facts: dict[str, Any]) -> str:
    head = f"# {tr('interview.file.header')}\n# {tr('interview.file.header.unknown')}\n"
    body = yaml.dump(facts, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return head + body


# ------------------------------------------------------------------------------ answer sources
def _raw(v: Any) -> str:
    if v is None:
        return "unknown"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list | tuple):
        return ", ".join(_raw(x) for x in v) if v else "none"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        raise InterviewError(tr("interview.error.answer_type", value=clip(json.dumps(v, ensure_ascii=False, default=str))))
    return str(v)


MAX_ANSWER = 10_000  # characters of one answer read from a pipe
MAX_RETRIES = 20  # answers in a row that do not fit one question, from a pipe, before the interview stops


class TerminalSource:
    """Answers typed by the user: plain input(), so it works on any terminal and over SSH. From a
    pipe (not a terminal) an answer is at most MAX_ANSWER characters and MAX_RETRIES answers in a
    row that do not fit end the interview (`yes | thb interview` would otherwise never end)."""

    interactive = True

    def __init__(self, reader: Callable[[str], str] | None = None, bounded: bool | None = None):
        import sys

        self.bounded = (not sys.stdin.isatty()) if bounded is None else bounded
        self.reader = reader or (self._read_bounded if self.bounded else input)
        self.name = "<stdin>"

    @staticmethod
    def _read_bounded(prompt: str) -> str:
        import sys

        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = sys.stdin.readline(MAX_ANSWER + 1)
        if not line:
            raise EOFError
        if len(line) > MAX_ANSWER and not line.endswith("\n"):
            raise InterviewError(tr("interview.error.answer_too_long", max=f"{MAX_ANSWER:,}"))
        return line.rstrip("\r\n")

    def next(self, q: Question) -> str | None:
        try:
            return self.reader("> ")
        except EOFError:
            raise Abandoned() from None

    def leftovers(self) -> list[str]:
        return []


class ListSource:
    """A list of answers, in the order the questions are asked (commands allowed)."""

    interactive = False

    def __init__(self, items: list[Any], name: str):
        self.items = [_raw(x) for x in items]
        self.name = name
        self.i = 0

    def next(self, q: Question) -> str | None:
        if self.i >= len(self.items):
            raise InterviewError(tr("interview.error.ran_out", file=self.name, n=self.i, key=q.key, question=q.text))
        self.i += 1
        return self.items[self.i - 1]

    def leftovers(self) -> list[str]:
        return [tr("interview.warn.list_left", n=len(self.items) - self.i)] if self.i < len(self.items) else []


class MapSource:
    """A mapping of question key to answer; a key left out is answered with its default, or as unknown."""

    interactive = False

    def __init__(self, mapping: dict[str, Any], name: str):
        self.name = name
        self.answers: dict[str, str] = {}
        bad = []
        for k, v in mapping.items():
            key = str(k)
            if key_template(key) not in KEYS:
                bad.append(key)
            self.answers[key] = _raw(v)
        if bad:
            import difflib

            hints = []
            for b in bad:
                near = difflib.get_close_matches(key_template(b), KEYS, n=1)
                hints.append(f"`{b}`" + (f" ({tr('interview.error.did_you_mean', key=near[0])})" if near else ""))
            raise InterviewError(tr("interview.error.unknown_keys", file=name, keys=", ".join(hints)))
        self.asked: set[str] = set()

    def next(self, q: Question) -> str | None:
        if q.key in self.asked:
            raise InterviewError(tr("interview.error.asked_twice", file=self.name, key=q.key, question=q.text))
        self.asked.add(q.key)
        raw = self.answers.get(q.key)
        if raw is not None and command(raw) in ("back", "help"):
            raise InterviewError(tr("interview.error.map_command", file=self.name, key=q.key, answer=clip(raw)))
        return raw

    def leftovers(self) -> list[str]:
        unused = [k for k in self.answers if k not in self.asked]
        return [tr("interview.warn.unused", keys=", ".join(unused))] if unused else []


def load_answers(path: str) -> ListSource | MapSource:
    """Read an answers file: a YAML (or JSON) mapping of question key to answer, or a list in order."""
    from .loader import InputError, _Loader, read_text

    try:
        name, text = read_text(path)
    except InputError as e:
        raise InterviewError(str(e)) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass: `NO` stays a string
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise InterviewError(tr("interview.error.answers_yaml", where=where, problem=getattr(e, "problem", None) or e)) from None
    if isinstance(data, dict):
        return MapSource(data, name)
    if isinstance(data, list):
        return ListSource(data, name)
    raise InterviewError(tr("interview.error.answers_shape", file=name, got=type(data).__name__))


# ------------------------------------------------------------------------------ the driver
class Interview:
    """Runs the flow against an answer source, printing to a rich console."""

    def __init__(
        self,
        source: Any,
        console: Any,
        out: str | None = None,
        force: bool = False,
        report_console: Any = None,
        prefill: Any = None,
    ):
        self.prefill = prefill  # a prefill.Draft (--prefill), or None
        self.source = source
        self.console = console
        self.report_console = report_console or console
        self.out = out
        self.force = force
        self.answers: list[Any] = []
        self._reported: str | None = None

    # -- replay: the flow is a function of the answers so far
    def _replay(self) -> tuple[State, Question | None, list[Notice]]:
        st = State(draft=self.prefill)
        gen = _flow(st, self.out, self.force)
        notices: list[Notice] = []
        i = 0
        try:
            item = next(gen)
            while True:
                if isinstance(item, Notice):
                    notices.append(item)
                    item = next(gen)
                    continue
                if key_template(item.key) not in KEYS:  # a defect: every key must be documented
                    raise AssertionError(f"undocumented question key {item.key}")
                st.asked.add(item.key)
                pre = st.prefilled.get(item.key)
                if pre is not None:  # --prefill: a confirmed fact of the draft answers it, or is its default
                    mode, raw = pre
                    if mode == "auto":
                        try:
                            value = parse(item, raw)
                        except BadAnswer:
                            value = None
                        if value is not None:
                            notices.append(Notice(tr("prefill.taken", question=item.text, key=item.key, value=raw)))
                            item = gen.send(value)
                            continue
                    item.default = raw
                if i < len(self.answers):
                    notices = []
                    item = gen.send(self.answers[i])
                    i += 1
                    continue
                return st, item, notices
        except StopIteration:
            return st, None, notices

    def run(self) -> State:
        self.console.print(tr("interview.intro"), style="bold", highlight=False)
        self.console.print(tr("interview.commands"), style="dim", highlight=False)
        while True:
            st, q, notices = self._replay()
            for n in notices:
                self._notice(n, st)
            if q is None:
                return st
            self._show(q)
            misfits = 0
            while True:
                raw = self.source.next(q)
                if not self.source.interactive:
                    self.console.print(f"> {raw if raw is not None else ''}", highlight=False, markup=False)
                if raw is None:  # a mapping without this key
                    if q.default is not None:
                        raw = q.default
                    elif q.required:
                        raise InterviewError(tr("interview.error.missing", file=self.source.name, key=q.key, question=q.text))
                    else:
                        raw = "unknown"
                cmd = command(raw)
                if cmd == "back":
                    if not self.answers:
                        self.console.print(tr("interview.back.none"), style="yellow", highlight=False)
                        continue
                    self.answers.pop()
                    break
                if cmd == "status":
                    self.status(st)
                    continue
                if cmd == "help":
                    self.console.print(tr("interview.commands"), highlight=False)
                    continue
                try:
                    value = parse(q, raw)
                except BadAnswer as e:
                    if not self.source.interactive:
                        raise InterviewError(
                            tr("interview.error.bad_answer", file=self.source.name, key=q.key, problem=str(e))
                        ) from None
                    self.console.print(str(e), style="red", highlight=False, markup=False)
                    misfits += 1
                    if getattr(self.source, "bounded", False) and misfits >= MAX_RETRIES:
                        raise InterviewError(tr("interview.error.no_progress", n=misfits, key=q.key)) from None
                    continue
                self.answers.append(value)
                break

    def _show(self, q: Question) -> None:

        line = Text()
        line.append(q.text, style="bold")
        line.append(f"  [{q.key}]", style="dim")
        self.console.print(line)
        if q.help:
            self.console.print(Text("  " + q.help, style="dim"))
        for i, o in enumerate(q.options, 1):
            t = Text(f"  {i:>2}  ")
            t.append(o.label, style="bold")
            if o.value != o.label and q.kind != "yesno":
                t.append(f" ({o.value})", style="dim")
            if o.explain:
                t.append(f" — {o.explain}")
            self.console.print(t)
        hints = []
        if q.kind == "multi":
            hints.append(tr("interview.hint.multi"))
        elif q.kind == "choice":
            hints.append(tr("interview.hint.choice"))
        elif q.kind == "yesno":
            hints.append(tr("interview.hint.yesno"))
        if q.default is not None:
            shown = q.default
            if q.options and shown.isdigit() and 1 <= int(shown) <= len(q.options):
                shown = q.options[int(shown) - 1].label
            hints.append(tr("interview.hint.default", default=shown))
        if hints:
            self.console.print(Text("  " + "; ".join(hints), style="dim"))

    def _notice(self, n: Notice, st: State) -> None:

        if n.style == "section":
            self.console.print(Text("\n" + n.text, style="bold cyan"))
        elif n.style == "report":
            self.report(st)
        else:
            self.console.print(Text("» " + n.text, style="italic"))

    def findings(self, st: State):
        from .engine import classify

        return classify(st.facts())

    def status(self, st: State) -> None:
        """The provisional qualification on the answers so far: the primary and what is missing."""

        try:
            f = self.findings(st)
        except Exception as e:  # noqa: BLE001 - a status line must never end the interview
            self.console.print(Text(tr("interview.status.failed", error=f"{type(e).__name__}: {e}"), style="red"))
            return
        self.console.print(Text(tr("interview.status.head"), style="bold"))
        p = f.primary
        if p is not None:
            self.console.print(Text("  " + tr("interview.status.primary", label=qual_label(p), title=p.title), style="green"))
        elif f.qualifications:
            self.console.print(Text("  " + tr("interview.status.no_primary_contested"), style="yellow"))
        else:
            self.console.print(Text("  " + tr("interview.status.none"), style="yellow"))
        for q in f.qualifications:
            if q.role != "primary":
                self.console.print(Text(f"    {q.role}: {qual_label(q)} — {q.title}", style="dim"))
        if f.missing_facts:
            self.console.print(Text("  " + tr("interview.status.missing"), style="bold"))
            for m in f.missing_facts[:12]:
                self.console.print(Text(f"    {m.fact}: {m.question}"))
        else:
            self.console.print(Text("  " + tr("interview.status.nothing_missing")))

    def report(self, st: State) -> None:
        from .report import render

        facts = st.facts()
        stamp = json.dumps(facts, sort_keys=True, default=str)
        if stamp == self._reported:
            return
        self._reported = stamp
        self.console.print(Text("\n" + tr("interview.report.head"), style="bold"))
        render(self.findings(st), self.report_console)


def qual_label(q: Any) -> str:
    part = tr("interview.status.part", part=q.part) if q.part is not None else ""
    items = tr("interview.status.items", items=", ".join(map(str, q.items))) if q.items else ""
    return tr("interview.status.article", article=q.article) + part + items


def finish(st: State, console: Any, inputs: list[str] | tuple[str, ...] = ()) -> str:
    """Validate the fact pattern, write it atomically (never over one of `inputs`, the answers file)
    and say where; returns the path."""
    from pydantic import ValidationError

    from .loader import InputError, explain
    from .models import FactPattern

    facts = st.facts()
    try:
        FactPattern.model_validate(facts)
    except ValidationError as e:  # a defect in the interview: say so, never write a bad file
        raise InterviewError(tr("interview.error.invalid_facts", problem=explain(e))) from None
    path = st.out_path or ""
    try:
        write_atomic(path, to_yaml(facts), "--out", inputs)
    except InputError as e:
        raise InterviewError(str(e)) from None
    except OSError as e:
        raise InterviewError(tr("interview.error.write", path=path, problem=e.strerror or str(e))) from None
    console.print(Text(tr("interview.written", path=path), style="bold green"), highlight=False)
    console.print(Text(tr("interview.next", path=path), style="dim"), highlight=False)
    return path
