"""The questions: options from the vocabulary, yes/no, dates, and the parsing of an answer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..i18n import tr
from ..rulebase.files import vocabulary
from ..safetext import clip
from .base import NO_WORDS, NONE_WORDS, UNKNOWN, YES_WORDS, BadAnswer, command, norm
from .countries import country_code, country_suggestion


# ------------------------------------------------------------------------------ questions
@dataclass
class Option:
    value: str
    label: str
    explain: str = ""


@dataclass
class Question:
    key: str
    kind: str  # choice | multi | yesno | int | number | text | date | age | years | country | path
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
    hidden: list[Option] = field(default_factory=list)  # not shown (cannot matter), still accepted by name
    same: list[str] | None = None  # multi: what `=` ("the same as …") answers, e.g. the purposes
    same_label: str = ""  # what `=` stands for, as the hint names it
    compact: bool = False  # options already explained just before: labels only, in columns
    earlier: bool = False  # the default is the answer given before `back`


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


def options(kind: str, values: list[str] | None = None) -> list[Option]:
    """Options for a vocabulary list, labelled in the language in force, each explained."""
    from ..i18n import lang

    voc = vocabulary()[kind]
    ru = lang() == "ru"
    out = []
    for v in values or list(voc):
        meta = voc[v] or {}
        label = (meta.get("label_ru") if ru else None) or meta.get("label") or v
        out.append(Option(v, str(label), tr(f"interview.{kind}.{v}")))
    return out


def yesno(key: str, text: str, help: str = "", default: str | None = None) -> Question:
    return Question(
        key, "yesno", text, help, [Option("yes", tr("interview.yes")), Option("no", tr("interview.no"))], default=default
    )


def _match_option(q: Question, token: str) -> Option | None:
    t = norm(token)
    if t.isdigit():
        i = int(t)
        return q.options[i - 1] if 1 <= i <= len(q.options) else None
    for o in q.options + q.hidden:
        if t in (o.value.lower(), o.value.lower().replace("_", " "), norm(o.label)):
            return o
    return None


# "The same as …" for a list question (exploitation: the same as the purposes), in either language.
SAME_WORDS = {"=", "same", "the same", "same as purposes", "same as the purposes", "то же", "те же", "то же самое", "так же"}

# An age as a person writes it: "16", "16 years", "16 years old", "16-year-old", "16 y.o.", "aged 16",
# «16 лет», «16 года», «16 г.», «16-летняя». Whole years only.
_AGE = re.compile(
    r"(?:aged?\s*|возраст\s*)?([0-9]{1,3})\s*(?:-?\s*(?:"
    r"years?(?:\s*-?\s*old)?|yrs?\.?|y\.?\s*o\.?|y\.?"
    r"|лет|года?|г\.?|л\.?|летн(?:ий|яя|ее|его|ей|юю|ему|им)"
    r"))?"
)
_MONTHS = re.compile(r"[0-9]{1,3}\s*(?:months?|mos?\.?|мес(?:\.|яц(?:а|ев)?)?)")


def _parse_years(s: str) -> int | None:
    """Whole years written with or without a unit, in either language; None if it is not an age."""
    m = _AGE.fullmatch(norm(s))
    return int(m.group(1)) if m else None


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
        n = norm(s)
        if n in YES_WORDS or n == norm(tr("interview.yes")):
            value = True
        elif n in NO_WORDS or n == norm(tr("interview.no")):
            value = False
        else:
            raise BadAnswer(tr("interview.error.yesno", answer=clip(s)))
    elif q.kind == "choice":
        o = _match_option(q, s)
        if o is None:
            raise BadAnswer(tr("interview.error.choice", answer=clip(s), n=len(q.options), allowed=_allowed(q)))
        value = o.value
    elif q.kind == "multi":
        if norm(s) in NONE_WORDS:
            return []
        if norm(s) in SAME_WORDS and q.same is not None:
            return list(q.same)
        chosen: set[str] = set()
        for token in re.split(r"[,;]", s):
            if not token.strip():
                continue
            o = _match_option(q, token)
            if o is None:
                raise BadAnswer(tr("interview.error.multi", answer=clip(token.strip()), n=len(q.options), allowed=_allowed(q)))
            chosen.add(o.value)
        value = [o.value for o in q.options + q.hidden if o.value in chosen]  # option order: the same file however typed
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
    elif q.kind in ("age", "years"):
        age = _parse_years(s)
        if age is not None:
            if age > 120:
                raise BadAnswer(tr("interview.error.range", answer=clip(s), lo=0, hi=120))
            value = ("age", age) if q.kind == "age" else age
        elif _MONTHS.fullmatch(norm(s)):
            raise BadAnswer(tr("interview.error.months", answer=clip(s)))
        elif q.kind == "years":
            raise BadAnswer(tr("interview.error.years", answer=clip(s)))
        else:
            try:
                value = ("birth_date", _parse_date(s))
            except BadAnswer:
                raise BadAnswer(tr("interview.error.age", answer=clip(s))) from None
    elif q.kind == "country":
        code = country_code(s)
        if code is None:
            near = country_suggestion(s)
            hint = tr("interview.error.did_you_mean", key=near) if near else ""
            raise BadAnswer(tr("interview.error.country", answer=clip(s)) + (f" ({hint})" if hint else "") + ".")
        value = code
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
