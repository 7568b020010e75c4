"""Training mode: a library of real misclassifications, taught side by side with the engine.

A case file (`cases/*.yaml`, format in docs/training.md) holds a story, the charge as it was
laid, the fact pattern read from the story, what the classifier must find (`expect`, in the
`check-examples` format) and a teaching note. This module loads and checks the library, builds
the lesson of a case from `classify()` — the stored expectations are never used for the
reasoning, only to say when the engine and the library disagree — scores quiz answers against
the engine, and writes the printable handout. The terminal side is `cases_cli.py`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, PrivateAttr, StrictBool, StrictInt, ValidationError, field_validator, model_validator

from .i18n import cite, lang, law, tr
from .loader import InputError, explain, parse, read_text
from .models import Charge, FactPattern, Findings, Misclassification, Mode, Qualification, Role, _In
from .ruledata import catalogue, cite_source, vocabulary

CASES_ENV = "THB_CASES"
TRAFFICKING = ("166", "167")


# --------------------------------------------------------------------------- the case file
class ArticlePart(_In):
    article: str = Field(min_length=1, max_length=64)
    part: StrictInt | None = Field(default=None, ge=1, le=20)
    items: list[StrictInt] | None = None


class Include(ArticlePart):
    role: Role | None = None
    offenders: list[str] | None = None


class NoQualification(_In):
    article: str = Field(min_length=1, max_length=64)
    offender: str | None = None


class ExpectMisclassification(_In):
    kind: Literal[get_args(Misclassification.model_fields["kind"].annotation)]  # type: ignore[valid-type]
    severity: Literal["high", "medium", "low"] | None = None


class ExpectProsecution(_In):
    mode: Mode | None = None
    reconciliation_permitted: StrictBool | None = None


class ExpectNonPunishment(_In):
    article: str = Field(min_length=1, max_length=64)
    applies: Literal["yes", "no", "unclear"]
    basis_has: str | None = None
    basis_lacks: str | None = None


MisclassificationKind = Literal[get_args(Misclassification.model_fields["kind"].annotation) + ("none", "any")]  # type: ignore[valid-type]


class Expect(_In):
    """What the classifier must find: the `expect` block of `../shared/tools/check-examples`."""

    primary: ArticlePart | None = Field(description="{article, part} or `none`")
    includes: list[Include] = []
    no_qualification: list[NoQualification] = []
    excludes_primary: list[str] = []
    misclassification: MisclassificationKind | ExpectMisclassification | None = None
    prosecution: ExpectProsecution | None = None
    prosecution_basis_has: list[str] = []
    non_punishment: list[ExpectNonPunishment] = []
    missing_fact: str | None = None
    readings: list[str] = []
    penalty_limits_for: list[str] = []

    @field_validator("primary", mode="before")
    @classmethod
    def _primary(cls, v: Any) -> Any:
        if v == "none":
            return None
        if v is None or not isinstance(v, dict):
            raise ValueError(tr("training.err.primary"))
        return v

    @field_validator("excludes_primary", mode="before")
    @classmethod
    def _articles_as_text(cls, v: Any) -> Any:
        return [str(x) if isinstance(x, int) and not isinstance(x, bool) else x for x in v] if isinstance(v, list) else v


class Source(_In):
    seed: str | None = None
    lines: str | None = None
    brief: str | None = None
    reference: str | None = None  # free-text citation for a trainer's own case (court file, report, page)

    @field_validator("lines", mode="before")
    @classmethod
    def _lines_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


class Teaching(_In):
    deciding_element: str | None = None
    common_mistake: str | None = None
    consequence_for_victim: str | None = None


class Case(_In):
    """One case file of the library. The prose (`title`, `narrative`, `assumptions`, `teaching`)
    is English; `*_ru` keys, all optional, give its Russian, shown when the language is Russian."""

    id: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str = Field(min_length=1)
    title_ru: str | None = Field(default=None, min_length=1)
    tags: list[str] = []
    source: Source | None = None
    narrative: str = Field(min_length=1)
    narrative_ru: str | None = Field(default=None, min_length=1)
    charged_as: list[Charge] | None = None
    assumptions: list[str] = []
    assumptions_ru: list[str] | None = None
    facts: FactPattern
    expect: Expect
    teaching: Teaching = Field(default_factory=Teaching)
    teaching_ru: Teaching | None = None

    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_charge(self) -> Case:
        said = [c.model_dump() for c in self.charged_as or []]
        recorded = [c.model_dump() for c in (self.facts.record.charges if self.facts.record else [])]
        if said != recorded:
            raise ValueError(tr("training.err.charges_differ"))
        if self.assumptions_ru is not None and len(self.assumptions_ru) != len(self.assumptions):
            raise ValueError(tr("training.err.assumptions_ru", ru=len(self.assumptions_ru), en=len(self.assumptions)))
        return self

    # the prose in the language in force: the Russian when asked for and written, else the English
    def _ru(self) -> bool:
        return lang() == "ru"

    @property
    def shown_title(self) -> str:
        return self.title_ru if self._ru() and self.title_ru else self.title

    @property
    def shown_narrative(self) -> str:
        return self.narrative_ru if self._ru() and self.narrative_ru else self.narrative

    @property
    def shown_assumptions(self) -> list[str]:
        return list(self.assumptions_ru if self._ru() and self.assumptions_ru is not None else self.assumptions)

    @property
    def shown_teaching(self) -> Teaching:
        """The teaching note, each of its texts in Russian when one is written, else in English."""
        if not (self._ru() and self.teaching_ru):
            return self.teaching
        en, ru = self.teaching, self.teaching_ru
        return Teaching(
            deciding_element=ru.deciding_element or en.deciding_element,
            common_mistake=ru.common_mistake or en.common_mistake,
            consequence_for_victim=ru.consequence_for_victim or en.consequence_for_victim,
        )

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def short(self) -> str:
        """`c01` for `c01-osh-15-year-old-charged-159`."""
        return self.id.split("-", 1)[0]


# --------------------------------------------------------------------------- the library
def bundled_dir() -> Path:
    """The library shipped with thb: the packaged copy, else the source tree's `cases/`."""
    here = Path(__file__).resolve().parent
    packaged = here / "cases"
    return packaged if packaged.is_dir() else here.parent / "cases"


def library_dir(library: str | os.PathLike[str] | None = None) -> Path:
    """`--library DIR`, else `THB_CASES`, else the bundled library. A folder given replaces
    the bundled library; it is not merged with it."""
    chosen = str(library) if library else os.environ.get(CASES_ENV, "")
    if not chosen:
        return bundled_dir()
    p = Path(chosen).expanduser()
    if not p.exists():
        raise InputError(tr("training.err.no_library", path=chosen, env=CASES_ENV))
    if not p.is_dir():
        raise InputError(tr("training.err.library_not_folder", path=chosen, env=CASES_ENV))
    return p


def _load_case(path: Path) -> Case:
    name, text = read_text(str(path))
    objs = parse(name, text)
    if len(objs) != 1 or not isinstance(objs[0][1], dict):
        raise InputError(tr("training.err.one_case", name=name))
    obj = objs[0][1]
    try:
        case = Case.model_validate(obj)
    except ValidationError as e:
        cid = obj.get("id")
        who = tr("training.err.case_who", id=cid) if isinstance(cid, str) else ""
        raise InputError(f"{name}{who}:\n  {explain(e, Case)}") from None
    case._path = path
    return case


def load_library(library: str | os.PathLike[str] | None = None) -> list[Case]:
    """Every case of the library, sorted by id. Any bad file raises InputError naming each
    bad file and its problem: a library is used whole or not at all."""
    root = library_dir(library)
    files = sorted({*root.glob("*.yaml"), *root.glob("*.yml")})
    if not files:
        raise InputError(tr("training.err.no_case_files", path=root))
    cases: list[Case] = []
    errors: list[str] = []
    seen: dict[str, Path] = {}
    for f in files:
        try:
            c = _load_case(f)
        except InputError as e:
            errors.append(str(e))
            continue
        if c.id in seen:
            errors.append(tr("training.err.duplicate_id", path=f, id=repr(c.id), other=seen[c.id]))
            continue
        seen[c.id] = f
        cases.append(c)
    if errors:
        shown = errors[:10] + ([tr("training.err.more", n=len(errors) - 10)] if len(errors) > 10 else [])
        raise InputError("\n".join(shown) + "\n" + tr("training.err.invalid_files", bad=len(errors), total=len(files), path=root))
    return sorted(cases, key=lambda c: c.id)


def find_case(cases: list[Case], key: str) -> Case:
    """A case by id, or by an unambiguous start of its id (`c01`). Otherwise InputError with
    the close matches."""
    by_id = {c.id: c for c in cases}
    if key in by_id:
        return by_id[key]
    k = key.lower()
    starts = [c for c in cases if c.id.lower().startswith(k)]
    if len(starts) == 1:
        return starts[0]
    exact_short = [c for c in starts if c.short.lower() == k]
    if len(exact_short) == 1:
        return exact_short[0]
    if starts:
        raise InputError(tr("training.err.ambiguous", key=repr(key), n=len(starts), ids=", ".join(c.id for c in starts[:12])))
    names = {c.id.lower(): c.id for c in cases} | {c.short.lower(): c.id for c in cases}
    near = list(dict.fromkeys(names[m] for m in difflib.get_close_matches(k, list(names), n=6, cutoff=0.6)))
    hint = tr("training.err.close_matches", ids=", ".join(near)) if near else tr("training.err.no_close_match")
    raise InputError(tr("training.err.no_case", key=repr(key), hint=hint, n=len(cases)))


def handle(case: Case, cases: list[Case]) -> str:
    """The shortest name `find_case` resolves to this case: its short id if unique, else its id."""
    return case.short if sum(c.short == case.short for c in cases) == 1 else case.id


def all_tags(cases: list[Case]) -> list[str]:
    return sorted({t for c in cases for t in c.tags})


# --------------------------------------------------------------------------- labels
def ref(article: str, part: int | None = None) -> str:
    """`167(2)`, or `173` for an article without parts: the notation of answers and comparisons."""
    return f"{article}({part})" if part is not None else str(article)


def art(instrument: str, article: str, part: int | None = None) -> str:
    """`CC art. 167(2)` (`ч. 2 ст. 167 УК`), `CoM art. 122`; an offence under another instrument by its name."""
    key = "other" if instrument == "other" else "code"
    inst = tr(f"training.instrument.{instrument}") if f"training.instrument.{instrument}" in _messages() else instrument
    if part is None:
        return tr(f"training.art.{key}", instrument=inst, article=article)
    return tr(f"training.art.{key}_part", instrument=inst, article=article, part=part)


def _messages() -> dict[str, str]:
    from .i18n import messages

    return messages(lang())


_REF = re.compile(r"^(\d+(?:-\d+)?)(?:\((\d+)\))?$")


def shown_ref(value: str) -> str:
    """An answer or expectation (`167(2)`, `173`, `none`) as shown: as it is in English,
    `ч. 2 ст. 167` and `нет` in Russian."""
    if value == "none":
        return tr("training.answer.none")
    m = _REF.match(value)
    if not m:
        return value
    return tr("training.ref", article=m[1], part=m[2]) if m[2] else tr("training.ref.whole", article=m[1])


def word(group: str, value: str | None, default: str = "unknown") -> str:
    """An enumeration value (a status, role, gravity, prosecution mode, answer) in the language in force."""
    key = f"training.{group}.{value or default}"
    return tr(key) if key in _messages() else str(value or default).replace("_", " ")


def expected_primary(case: Case) -> str:
    p = case.expect.primary
    return "none" if p is None else ref(p.article, p.part)


def charged_labels(case: Case) -> list[str]:
    return [art(c.instrument, c.article, c.part) for c in case.charged_as or []]


def citation(case: Case) -> str:
    s = case.source
    if s is None:
        return tr("training.source.none")
    # the report by its title and locator (section, paragraph, page), never the project's file or line
    bits = []
    if s.seed:
        bits.append(cite_source(s.seed, s.lines, lang()) or tr("training.source.unknown"))
    if s.reference:
        bits.append(s.reference)
    return "; ".join(bits) or tr("training.source.none")


def summary(case: Case) -> dict[str, Any]:
    """One row of `thb cases list --format json` (the title and labels in the language in force)."""
    return {
        "id": case.id,
        "title": case.shown_title,
        "tags": list(case.tags),
        "charged": charged_labels(case),
        "charged_as": [c.model_dump(mode="json") for c in case.charged_as] if case.charged_as is not None else None,
        "correct": expected_primary(case),
        "source": case.source.model_dump(mode="json", exclude_none=True) if case.source else None,
        "citation": citation(case),
        "file": str(case.path) if case.path else None,
    }


def detail(case: Case) -> dict[str, Any]:
    """`thb cases show ID --format json`: the case as written, `expected.primary` as `167(2)`;
    the prose in the language in force."""
    expected = case.expect.model_dump(mode="json", exclude_unset=True)
    expected["primary"] = expected_primary(case)
    return {
        **summary(case),
        "narrative": case.shown_narrative,
        "assumptions": case.shown_assumptions,
        "facts": case.facts.model_dump(mode="json", exclude_unset=True),
        "expected": expected,
        "teaching": case.shown_teaching.model_dump(mode="json", exclude_none=True),
    }


# --------------------------------------------------------------------------- the lesson
PROSECUTION_FLAGS = ("recorded_private", "opened_on_complaint_only", "reconciliation_not_permitted")


@dataclass
class Lesson:
    """A case taught from the engine's findings."""

    case: Case
    findings: Findings
    focus: Qualification | None  # the qualification whose elements are taught
    charged: str  # "CC art. 159(3)"
    should_be: str  # "CC art. 167(2) — Trafficking in children"
    engine_answer: str  # "167(2)" or "none", comparable with expected_primary()
    charge_right: bool
    consequences: list[str] = field(default_factory=list)
    non_punishment: list[str] = field(default_factory=list)
    prosecution: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        tail = tr("training.verdict.right_tail") if self.charge_right else ""
        return tr("training.verdict", charged=self.charged, should_be=self.should_be, tail=tail)

    @property
    def library_answer(self) -> str:
        return expected_primary(self.case)

    @property
    def agrees(self) -> bool:
        """The engine's primary matches the library's expectation (a part not stated matches any)."""
        want = self.case.expect.primary
        prim = self.findings.primary
        if want is None or prim is None:
            return want is None and prim is None
        return prim.article == want.article and (want.part is None or prim.part == want.part)

    @property
    def disagreement(self) -> str:
        return tr("training.disagrees", library=shown_ref(self.library_answer), engine=shown_ref(self.engine_answer))


def _charged_text(case: Case) -> str:
    labels = charged_labels(case)
    if labels:
        return tr("training.and").join(labels)
    record = case.facts.record
    victims = record.victim_charged_with if record else []
    if victims:
        by: dict[str, list[str]] = {}
        for v in victims:
            by.setdefault(art(v.instrument, v.article, v.part), []).append(v.victim)
        parts = [
            tr("training.charged.victims" if len(ids) > 1 else "training.charged.victim", ids=", ".join(ids), offence=a)
            for a, ids in by.items()
        ]
        return tr("training.charged.not_reported_but", victims="; ".join(parts))
    return tr("training.charged.not_reported")


def _qual_label(q: Qualification) -> str:
    return f"{art(q.instrument, q.article, q.part)} — {q.title}"


def lesson(case: Case) -> Lesson:
    """Classify the case's facts and arrange the findings for teaching."""
    from .engine import classify

    f = classify(case.facts)
    prim = f.primary
    focus = prim or next((q for q in f.qualifications if q.role != "excluded"), None)
    if prim:
        should_be = _qual_label(prim)
    elif focus:
        should_be = tr("training.should_be.contested", label=_qual_label(focus), role=word("role", focus.role))
    else:
        should_be = tr("training.should_be.nothing")
    wrong = [m for m in f.misclassification if m.kind != "victim_punished"]
    charge_right = (
        prim is not None
        and not wrong
        and any(c.instrument == prim.instrument and c.article == prim.article for c in case.charged_as or [])
    )
    cons: list[str] = []
    for m in f.misclassification:
        for line in (m.explanation, *m.consequences):
            if line not in cons:
                cons.append(line)
    nps = []
    for n in f.non_punishment:
        o = n.offence
        readings = tr("training.np.readings", ids=", ".join(n.readings)) if n.readings else ""
        nps.append(
            tr(
                "training.np.line",
                victim=n.victim,
                offence=art(o.instrument, o.article, o.part),
                applies=word("applies", n.applies),
                reason=n.reason,
                basis="; ".join(n.basis),
                readings=readings,
            )
        )
    pro = [tr(f"training.flag.{fl}") if fl in PROSECUTION_FLAGS else fl for fl in f.prosecution.flags]
    if pro:
        allowed = "permitted" if f.prosecution.reconciliation_permitted else "not_permitted"
        pro.append(
            tr(
                f"training.law.{allowed}",
                mode=word("mode", f.prosecution.mode),
                basis="; ".join(f.prosecution.basis),
            )
        )
    return Lesson(
        case=case,
        findings=f,
        focus=focus,
        charged=_charged_text(case),
        should_be=should_be,
        engine_answer=ref(prim.article, prim.part) if prim else "none",
        charge_right=charge_right,
        consequences=cons,
        non_punishment=nps,
        prosecution=pro,
    )


# --------------------------------------------------------------------------- the quiz
@dataclass(frozen=True)
class Question:
    key: str
    choices: tuple[str, ...]  # empty for the article question

    @property
    def text(self) -> str:
        return tr(f"training.q.{self.key}")

    @property
    def help(self) -> str:
        return tr(f"training.q.{self.key}.help")


def answer_guide() -> str:
    return tr("training.q.guide")


QUESTIONS: dict[str, Question] = {
    q.key: q
    for q in (
        Question("act", ("met", "not_met")),
        Question("means", ("met", "not_met", "not_required")),
        Question("purpose", ("met", "not_met", "not_required")),
        Question("child", ("yes", "no", "unknown")),
        Question("article", ()),
    )
}
ANSWER_WORDS = ("met", "not_met", "not_required", "yes", "no", "unknown", "none")
SYNONYMS = {
    "yes": "met",
    "y": "met",
    "true": "met",
    "no": "not_met",
    "n": "not_met",
    "false": "not_met",
    "unknown": "not_met",
    "not established": "not_met",
    "not_established": "not_met",
    "not met": "not_met",
    "not-met": "not_met",
    "not required": "not_required",
    "not-required": "not_required",
    "n/a": "not_required",
    # Russian answers (`--lang ru` shows them; accepted in any language)
    "да": "met",
    "есть": "met",
    "установлен": "met",
    "установлено": "met",
    "нет": "not_met",
    "не установлен": "not_met",
    "не установлено": "not_met",
    "неизвестно": "not_met",
    "не требуется": "not_required",
}
CHILD_SYNONYMS = {
    "y": "yes",
    "true": "yes",
    "n": "no",
    "false": "no",
    "да": "yes",
    "ребенок": "yes",
    "нет": "no",
    "неизвестно": "unknown",
    "не известно": "unknown",
}
_ARTICLE = re.compile(r"^(?:cc\s*)?(?:art(?:icle)?\.?\s*)?(\d+(?:-\d+)?)\s*(?:\(\s*(\d+)\s*\)|\s*(?:part|p\.|/)\s*(\d+))?$")
# `ч. 2 ст. 167`, `ст. 167 ч. 2`, `статья 167`, `ч. 2 ст. 167 УК`
_ARTICLE_RU = (
    re.compile(r"^(?:ч(?:асть|\.)?\s*(?P<part>\d+)\s*)?ст(?:атья|\.)?\s*(?P<art>\d+(?:-\d+)?)(?:\s*ук(?:\s*кр)?)?$"),
    re.compile(r"^ст(?:атья|\.)?\s*(?P<art>\d+(?:-\d+)?)\s*,?\s*ч(?:асть|\.)?\s*(?P<part>\d+)(?:\s*ук(?:\s*кр)?)?$"),
)
NO_ARTICLE = ("none", "нет", "никакая")


def _choice(value: str) -> str:
    """An answer as offered: `met` in English, `установлен (met)` in Russian."""
    shown = word("answer", value)
    return value if shown == value else f"{shown} ({value})"


def article_choices() -> str:
    out = []
    for a in catalogue().values():
        parts = sorted(p for p in a.parts if p is not None)
        out.append(f"{a.article}({parts[0]}-{parts[-1]})" if parts else a.article)
    return _choice("none") + ", " + ", ".join(out)


def _article_match(text: str) -> tuple[str, str | None] | None:
    m = _ARTICLE.match(text)
    if m:
        return m.group(1), m.group(2) or m.group(3)
    for pattern in _ARTICLE_RU:
        m = pattern.match(text)
        if m:
            return m.group("art"), m.group("part")
    return None


def normalise(key: str, raw: Any) -> str:
    """The canonical form of an answer, or ValueError naming the allowed answers."""
    q = QUESTIONS.get(key)
    if q is None:
        raise ValueError(tr("training.err.unknown_question", key=repr(key), keys=", ".join(QUESTIONS)))
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    text = re.sub(r"\s+", " ", str(raw).strip().lower()).replace("ё", "е")
    if key == "article":
        if text in NO_ARTICLE:
            return "none"
        found = _article_match(text)
        cat = catalogue()
        if not found or found[0] not in cat:
            raise ValueError(tr("training.err.not_article", raw=repr(raw), choices=article_choices()))
        article, part = found
        parts = sorted(p for p in cat[article].parts if p is not None)
        if part is not None:
            if not parts:
                raise ValueError(tr("training.err.no_parts", article=article))
            if int(part) not in parts:
                raise ValueError(tr("training.err.bad_part", article=article, parts=", ".join(map(str, parts)), raw=repr(raw)))
        return ref(article, int(part) if part is not None else None)
    if key == "child":
        text = CHILD_SYNONYMS.get(text, text)
    else:
        text = SYNONYMS.get(text, text).replace(" ", "_").replace("-", "_")
    if text not in q.choices:
        raise ValueError(tr("training.err.not_answer", key=key, raw=repr(raw), choices=", ".join(_choice(c) for c in q.choices)))
    return text


@dataclass
class KeyAnswer:
    answer: str
    explanation: str


@dataclass
class Marked:
    key: str
    question: str
    answer: str | None
    expected: str
    points: float
    explanation: str

    @property
    def verdict(self) -> str:
        """`right`, `partly right` or `wrong` (an API value; `verdict_text` is the word shown)."""
        return "right" if self.points == 1 else ("partly right" if self.points > 0 else "wrong")

    @property
    def verdict_text(self) -> str:
        return tr("training.mark." + self.verdict.replace(" ", "_"))


@dataclass
class QuizResult:
    case_id: str
    items: list[Marked]

    @property
    def score(self) -> float:
        return sum(m.points for m in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "score": self.score,
            "total": self.total,
            "questions": [
                {
                    "key": m.key,
                    "question": m.question,
                    "answer": m.answer,
                    "expected": m.expected,
                    "points": m.points,
                    "verdict": m.verdict,
                    "explanation": m.explanation,
                }
                for m in self.items
            ],
        }


_STATUS_ANSWER = {"met": "met", "not_required": "not_required", "not_met": "not_met", "unknown": "not_met"}
_FIELD = {"act": ("acts", "acts"), "means": ("means", "means"), "purpose": ("purposes", "purposes")}


def art_short(article: str, part: int | None = None) -> str:
    """`art. 167(2)` (`ч. 2 ст. 167 УК`): an article of the Criminal Code in a sentence."""
    if part is None:
        return tr("training.art.short", article=article)
    return tr("training.art.short_part", article=article, part=part)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def element_label(q: Qualification, name: str) -> str:
    """An element as shown: its id in English (`act`, `part 2 item 2`), its Russian label in Russian."""
    from .report import element_label as label

    return label(q, name)


def date_text(d: dt.date) -> str:
    return tr("training.date", y=f"{d.year:04d}", m=f"{d.month:02d}", d=f"{d.day:02d}")


def _vocab_label(kind: str, value: str, entry: dict[str, Any]) -> str:
    return law("vocabulary", f"{kind}.{value}", entry["label"])


def _element_key(f: Findings, fp: FactPattern, name: str) -> KeyAnswer:
    """The engine's status of a trafficking element: from its 166/167 qualification (the
    highest-ranked one), else — when it found no trafficking article at all — from the missing
    fact it names, else from the rule base's vocabulary of the values stated."""
    traf = next((q for q in f.qualifications if q.article in TRAFFICKING), None)
    if traf is not None:
        el = next((e for e in traf.elements if e.element == name), None)
        if el is not None:
            rd = tr("training.key.reading", ids=", ".join(el.readings)) if el.readings else ""
            return KeyAnswer(
                _STATUS_ANSWER[el.status],
                tr(
                    "training.key.element",
                    article=art_short(traf.article, traf.part),
                    role=word("role", traf.role),
                    name=tr(f"training.element.{name}"),
                    status=word("status", el.status),
                    reason=_sentence(el.reason),
                    source=el.source,
                    facts=", ".join(el.facts),
                    readings=rd,
                ),
            )
    field_name, vocab_kind = _FIELD[name]
    mf = next((m for m in f.missing_facts if m.fact == field_name and any(a.endswith(TRAFFICKING) for a in m.affects)), None)
    if mf is not None:
        return KeyAnswer("not_met", tr("training.key.missing_fact", affects="; ".join(mf.affects), question=mf.question))
    if name == "means" and any((a := fp.victim_age(v)) is not None and a < 18 for v in fp.victims):
        return KeyAnswer("not_required", tr("training.key.child_no_means"))
    stated = list(getattr(fp, field_name))
    if name == "purpose":
        stated += [p for p in fp.exploitation if p not in stated]
    vocab = vocabulary()[vocab_kind]
    exploit = [v for v in stated if vocab[v].get("class") != "none"]
    if exploit:
        labels = ", ".join(_vocab_label(vocab_kind, v, vocab[v]) for v in exploit)
        sources = "; ".join(dict.fromkeys(cite(s.strip()) for v in exploit for s in vocab[v]["source"].split(";")))
        return KeyAnswer("met", tr("training.key.stated", labels=labels, sources=sources))
    if stated:
        labels = ", ".join(f"{_vocab_label(vocab_kind, v, vocab[v])} ({cite(vocab[v]['source'])})" for v in stated)
        return KeyAnswer("not_met", tr("training.key.stated_only", labels=labels))
    return KeyAnswer("not_met", tr(f"training.key.none_stated.{name}"))


def _child_key(fp: FactPattern) -> KeyAnswer:
    ages = [(v.id, fp.victim_age(v)) for v in fp.victims]
    when = date_text(fp.offence_date or dt.date.today())
    kids = [tr("training.key.age", id=i, age=a) for i, a in ages if a is not None and a < 18]
    if kids:
        return KeyAnswer("yes", tr("training.key.child", who="; ".join(kids), date=when))
    if ages and all(a is not None for _, a in ages):
        who = "; ".join(tr("training.key.age", id=i, age=a) for i, a in ages)
        return KeyAnswer("no", tr("training.key.adults" if len(ages) > 1 else "training.key.adult", who=who, date=when))
    return KeyAnswer("unknown", tr("training.key.age_unknown"))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _article_key(f: Findings) -> KeyAnswer:
    p = f.primary
    if p:
        return KeyAnswer(
            ref(p.article, p.part),
            tr(
                "training.key.primary",
                label=_qual_label(p),
                reason=_sentence(p.reason),
                penalty=p.penalty,
                sources="; ".join(p.sources),
            ),
        )
    alt = [q for q in f.qualifications if q.role != "excluded"]
    bits = [tr("training.key.no_primary")]
    if alt:
        contested = " ".join(f"{_qual_label(q)} ({word('role', q.role)}): {_sentence(q.reason)}" for q in alt)
        bits.append(tr("training.key.contested", items=contested))
    else:
        bits.append(tr("training.key.nothing"))
    if f.missing_facts:
        bits.append(tr("training.key.would_change", question=f.missing_facts[0].question))
    return KeyAnswer("none", " ".join(bits))


def _mark_article(f: Findings, answer: str, key: KeyAnswer) -> tuple[float, str]:
    if answer == key.answer:
        return 1.0, key.explanation
    given_art = answer.split("(")[0]
    want_art = key.answer.split("(")[0]
    if answer != "none" and given_art == want_art:
        if "(" not in answer:
            return 1.0, tr("training.key.right_article", part=shown_ref(key.answer)) + " " + key.explanation
        p = f.primary
        items = [e for e in p.elements if e.element.startswith("part ")] if p else []
        why = (
            " " + tr("training.key.items_met", items="; ".join(f"{element_label(p, e.element)}: {e.reason}" for e in items))
            if p and items
            else ""
        )
        return 0.5, tr("training.key.wrong_part", part=shown_ref(key.answer)) + why + " " + key.explanation
    note = ""
    if answer != "none":
        others = [q for q in f.qualifications if q.article == given_art]
        if others:
            q = others[0]
            note = " " + tr(
                "training.key.other_role",
                article=_cap(art_short(q.article, q.part)),
                role=word("role", q.role),
                reason=_sentence(q.reason),
            )
        else:
            note = " " + tr("training.key.not_made_out", article=_cap(art_short(given_art)))
    return 0.0, key.explanation + note


def answer_key(case: Case, findings: Findings) -> dict[str, KeyAnswer]:
    fp = case.facts
    return {
        "act": _element_key(findings, fp, "act"),
        "means": _element_key(findings, fp, "means"),
        "purpose": _element_key(findings, fp, "purpose"),
        "child": _child_key(fp),
        "article": _article_key(findings),
    }


def read_answers(path: str) -> dict[str, str]:
    """An answers file: a YAML (or JSON) mapping of question key → answer. Bad keys and values
    raise InputError naming the file, the key and the allowed answers."""
    name, text = read_text(path)
    objs = parse(name, text)
    if len(objs) != 1 or not isinstance(objs[0][1], dict):
        raise InputError(tr("training.err.answers_not_mapping", name=name, keys=", ".join(QUESTIONS)))
    out: dict[str, str] = {}
    problems = []
    for k, v in objs[0][1].items():
        key = str(k)
        if key not in QUESTIONS:
            near = difflib.get_close_matches(key, list(QUESTIONS), n=1)
            hint = tr("training.err.did_you_mean", near=near[0]) if near else ""
            problems.append(tr("training.err.unknown_answer_key", key=key, hint=hint, keys=", ".join(QUESTIONS)))
            continue
        try:
            out[key] = normalise(key, v)
        except ValueError as e:
            problems.append(str(e))
    if problems:
        raise InputError(f"{name}:\n  " + "\n  ".join(problems))
    return out


def score(case: Case, answers: dict[str, str], findings: Findings | None = None) -> QuizResult:
    """Mark normalised answers against the engine's findings for the case. A question left
    unanswered scores 0 and is explained like a wrong answer."""
    if findings is None:
        from .engine import classify

        findings = classify(case.facts)
    key = answer_key(case, findings)
    items = []
    for k, q in QUESTIONS.items():
        want = key[k]
        given = answers.get(k)
        if given is None:
            pts, why = 0.0, tr("training.key.not_answered", explanation=want.explanation)
        elif k == "article":
            pts, why = _mark_article(findings, given, want)
        else:
            pts, why = (1.0, want.explanation) if given == want.answer else (0.0, want.explanation)
        items.append(Marked(k, q.text, given, want.answer, pts, why))
    return QuizResult(case.id, items)


# --------------------------------------------------------------------------- the handout
CSS = """
:root { --ink:#1d232b; --muted:#5b6570; --rule:#c9d0d8; --met:#1e7b34; --not:#b3261e; --nr:#1f6f8b; --unk:#8a6d00; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: var(--ink); margin: 0 auto; max-width: 62rem; padding: 1.5rem 2rem; }
header.doc { border-bottom: 3px double var(--rule); margin-bottom: 1rem; }
header.doc h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
header.doc p { margin: .2rem 0; color: var(--muted); font-size: .9rem; }
nav ol { columns: 2; font-size: .9rem; }
section.case { border-top: 2px solid var(--ink); padding-top: .6rem; margin-top: 1.6rem; }
section.case h2 { font-size: 1.3rem; margin: .2rem 0; }
h3 { font: bold .8rem/1.2 Helvetica, Arial, sans-serif; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 1rem 0 .3rem; }
.meta { font: .8rem Helvetica, Arial, sans-serif; color: var(--muted); }
.tag { display: inline-block; border: 1px solid var(--rule); border-radius: 3px; padding: 0 .3rem; margin: 0 .2rem .2rem 0; }
.verdict { font: bold 1rem Helvetica, Arial, sans-serif; background: #f3f5f7; border-left: 4px solid var(--not); padding: .4rem .6rem; }
.verdict.right { border-left-color: var(--met); }
.warn { color: var(--unk); font-style: italic; }
table { border-collapse: collapse; width: 100%; font: .85rem/1.35 Helvetica, Arial, sans-serif; margin: .3rem 0; }
th, td { border: 1px solid var(--rule); padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
td.status { white-space: nowrap; font-weight: bold; }
td.element { white-space: nowrap; }
.met { color: var(--met); } .not_met { color: var(--not); } .not_required { color: var(--nr); } .unknown { color: var(--unk); }
ul { margin: .2rem 0; padding-left: 1.2rem; }
dl dt { font-weight: bold; margin-top: .3rem; }
dl dd { margin: 0 0 .2rem 1rem; }
.small { font-size: .85rem; color: var(--muted); }
footer.source { margin-top: .6rem; font: .8rem Helvetica, Arial, sans-serif; color: var(--muted); border-top: 1px dotted var(--rule); padding-top: .3rem; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  section.case { page-break-before: always; break-before: page; border-top: none; margin-top: 0; }
  tr, li, dd { page-break-inside: avoid; break-inside: avoid; }
}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _list(items: list[str], cls: str = "") -> str:
    return (f'<ul class="{cls}">' if cls else "<ul>") + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _case_html(ls: Lesson) -> str:
    c, f, q = ls.case, ls.findings, ls.focus
    out = [f'<section class="case" id="{_e(c.id)}">']
    out.append(f"<h2>{_e(c.shown_title)}</h2>")
    out.append(f'<p class="meta">{_e(c.id)} · ' + "".join(f'<span class="tag">{_e(t)}</span>' for t in c.tags) + "</p>")
    out.append(f"<h3>{_e(tr('training.h.story'))}</h3>")
    out.append(f"<p>{_e(c.shown_narrative)}</p>")
    if c.assumptions:
        out.append(f'<p class="small">{_e(tr("training.h.assumed"))}</p>' + _list(c.shown_assumptions, "small"))
    out.append(f"<h3>{_e(tr('training.h.charge'))}</h3>")
    out.append(f"<p>{_e(ls.charged)}</p>")
    out.append(f"<h3>{_e(tr('training.h.correct'))}</h3>")
    out.append(f'<p class="verdict{" right" if ls.charge_right else ""}">{_e(ls.verdict)}</p>')
    if not ls.agrees:
        out.append(f'<p class="warn">{_e(_cap(ls.disagreement))}.</p>')
    if q is not None:
        out.append(
            "<p>"
            + _e(
                tr(
                    "training.h.qualification",
                    label=_qual_label(q),
                    role=word("role", q.role),
                    reason=_sentence(q.reason),
                    penalty=q.penalty,
                    gravity=word("gravity", q.gravity),
                    mode=word("mode", q.prosecution),
                )
            )
            + "</p>"
        )
        rows = []
        for el in q.elements:
            rd = " " + tr("training.h.reading_tag", ids=", ".join(el.readings)) if el.readings else ""
            rows.append(
                f'<tr><td class="element">{_e(element_label(q, el.element))}</td>'
                f'<td class="status {_e(el.status)}">{_e(word("status", el.status))}</td>'
                f"<td>{_e(el.reason + rd)}</td><td>{_e(el.source)}</td></tr>"
            )
        heads = "".join(f"<th>{_e(tr(f'training.col.{k}'))}</th>" for k in ("element", "status", "reason", "source"))
        out.append(f"<table><thead><tr>{heads}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
        if q.readings:
            many = len(q.readings) > 1
            out.append(
                f'<p class="small">{_e(tr("training.h.rests_many" if many else "training.h.rests_one", ids=", ".join(q.readings)))}</p>'
            )
    others = [x for x in f.qualifications if x is not q]
    if others:
        out.append(f'<p class="small">{_e(tr("training.h.other_findings"))}</p>')
        out.append(_list([f"{_qual_label(x)} — {word('role', x.role)}: {x.reason}" for x in others], "small"))
    if f.missing_facts:
        out.append(f'<p class="small">{_e(tr("training.h.would_change"))}</p>')
        out.append(_list([f"{m.fact}: {m.question}" for m in f.missing_facts], "small"))
    out.append(f"<h3>{_e(tr('training.h.consequences'))}</h3>")
    cons = ls.consequences + ls.non_punishment + ls.prosecution
    out.append(_list(cons) if cons else f"<p>{_e(tr('training.h.no_flags'))}</p>")
    t = c.shown_teaching
    if t.consequence_for_victim:
        out.append(f"<p>{_e(t.consequence_for_victim)}</p>")
    if t.deciding_element or t.common_mistake:
        out.append(f"<h3>{_e(tr('training.h.teaching'))}</h3><dl>")
        if t.deciding_element:
            out.append(f"<dt>{_e(tr('training.h.deciding'))}</dt><dd>{_e(t.deciding_element)}</dd>")
        if t.common_mistake:
            out.append(f"<dt>{_e(tr('training.h.mistake'))}</dt><dd>{_e(t.common_mistake)}</dd>")
        out.append("</dl>")
    out.append(f'<footer class="source">{_e(tr("training.h.source", source=citation(c)))}</footer>')
    out.append("</section>")
    return "\n".join(out)


def handout_html(lessons: list[Lesson]) -> str:
    """A printable, self-contained HTML handout: inline CSS, no external resources, all text
    escaped; its words, and `<html lang>`, in the language in force."""
    from . import __version__
    from .ruledata import edition

    ed = edition()
    toc = "".join(f'<li><a href="#{_e(ls.case.id)}">{_e(ls.case.shown_title)}</a></li>' for ls in lessons)
    n = len(lessons)
    title = lessons[0].case.shown_title if n == 1 else tr("training.h.n_cases", n=n)
    body = "\n".join(_case_html(ls) for ls in lessons)
    intro = tr(
        "training.h.intro_one" if n == 1 else "training.h.intro_many",
        n=n,
        version=__version__,
        edition=ed.get("consolidated_to", ""),
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(lang())}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(tr('training.h.title', title=title))}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="doc"><h1>{_e(tr("training.h.heading"))}</h1>'
        f"<p>{_e(intro)}</p>"
        f"<p>{_e(tr('training.h.printed', date=date_text(dt.date.today())))}</p></header>\n"
        + (f"<nav><ol>{toc}</ol></nav>\n" if n > 1 else "")
        + body
        + "\n</body>\n</html>\n"
    )
