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
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, PrivateAttr, StrictBool, StrictInt, ValidationError, field_validator, model_validator

from .loader import InputError, explain, parse, read_text
from .models import Charge, FactPattern, Findings, Misclassification, Mode, Qualification, Role, _In
from .ruledata import catalogue, vocabulary

CASES_ENV = "THB_CASES"
TRAFFICKING = ("166", "167")


# --------------------------------------------------------------------------- the case file
class ArticlePart(_In):
    article: str = Field(min_length=1, max_length=64)
    part: StrictInt | None = Field(default=None, ge=1, le=20)


class Include(ArticlePart):
    role: Role | None = None


class ExpectProsecution(_In):
    mode: Mode | None = None
    reconciliation_permitted: StrictBool | None = None


class ExpectNonPunishment(_In):
    article: str = Field(min_length=1, max_length=64)
    applies: Literal["yes", "no", "unclear"]


MisclassificationKind = Literal[get_args(Misclassification.model_fields["kind"].annotation) + ("none", "any")]  # type: ignore[valid-type]


class Expect(_In):
    """What the classifier must find: the `expect` block of `../shared/tools/check-examples`."""

    primary: ArticlePart | None = Field(description="{article, part} or `none`")
    includes: list[Include] = []
    excludes_primary: list[str] = []
    misclassification: MisclassificationKind | None = None
    prosecution: ExpectProsecution | None = None
    non_punishment: list[ExpectNonPunishment] = []
    missing_fact: str | None = None
    readings: list[str] = []

    @field_validator("primary", mode="before")
    @classmethod
    def _primary(cls, v: Any) -> Any:
        if v == "none":
            return None
        if v is None or not isinstance(v, dict):
            raise ValueError('write the primary as {article: "167", part: 2} (part optional), or `none`')
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
    """One case file of the library."""

    id: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str = Field(min_length=1)
    tags: list[str] = []
    source: Source | None = None
    narrative: str = Field(min_length=1)
    charged_as: list[Charge] | None = None
    assumptions: list[str] = []
    facts: FactPattern
    expect: Expect
    teaching: Teaching = Field(default_factory=Teaching)

    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_charge(self) -> Case:
        said = [c.model_dump() for c in self.charged_as or []]
        recorded = [c.model_dump() for c in (self.facts.record.charges if self.facts.record else [])]
        if said != recorded:
            raise ValueError(
                "charged_as and facts.record.charges differ; the lesson shows charged_as and the engine compares "
                "facts.record.charges, so write the same charges in both"
            )
        return self

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
        raise InputError(f"{chosen}: no such case-library folder (given by --library or {CASES_ENV})")
    if not p.is_dir():
        raise InputError(f"{chosen}: not a folder; --library and {CASES_ENV} name a folder of case files (*.yaml)")
    return p


def _load_case(path: Path) -> Case:
    name, text = read_text(str(path))
    objs = parse(name, text)
    if len(objs) != 1 or not isinstance(objs[0][1], dict):
        raise InputError(f"{name}: a case file holds one case, a mapping with id, title, narrative, facts and expect")
    obj = objs[0][1]
    try:
        case = Case.model_validate(obj)
    except ValidationError as e:
        cid = obj.get("id")
        who = f" (case {cid})" if isinstance(cid, str) else ""
        raise InputError(f"{name}{who}:\n  {explain(e, Case)}") from None
    case._path = path
    return case


def load_library(library: str | os.PathLike[str] | None = None) -> list[Case]:
    """Every case of the library, sorted by id. Any bad file raises InputError naming each
    bad file and its problem: a library is used whole or not at all."""
    root = library_dir(library)
    files = sorted({*root.glob("*.yaml"), *root.glob("*.yml")})
    if not files:
        raise InputError(f"{root}: no case files (*.yaml) in this folder")
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
            errors.append(f"{f}: case id {c.id!r} is already used by {seen[c.id]}; ids must be unique")
            continue
        seen[c.id] = f
        cases.append(c)
    if errors:
        shown = errors[:10] + ([f"... and {len(errors) - 10} more"] if len(errors) > 10 else [])
        raise InputError(
            "\n".join(shown)
            + f"\n{len(errors)} of {len(files)} case files in {root} are invalid; docs/training.md gives the format."
        )
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
        raise InputError(
            f"{key!r} is the start of {len(starts)} case ids: {', '.join(c.id for c in starts[:12])}; give more of it"
        )
    names = {c.id.lower(): c.id for c in cases} | {c.short.lower(): c.id for c in cases}
    near = list(dict.fromkeys(names[m] for m in difflib.get_close_matches(k, list(names), n=6, cutoff=0.6)))
    hint = ("close matches: " + ", ".join(near)) if near else "no close match"
    raise InputError(f"no case {key!r} in the library ({hint}). `thb cases list` shows all {len(cases)} cases.")


def handle(case: Case, cases: list[Case]) -> str:
    """The shortest name `find_case` resolves to this case: its short id if unique, else its id."""
    return case.short if sum(c.short == case.short for c in cases) == 1 else case.id


def all_tags(cases: list[Case]) -> list[str]:
    return sorted({t for c in cases for t in c.tags})


# --------------------------------------------------------------------------- labels
def ref(article: str, part: int | None = None) -> str:
    """`167(2)`, or `173` for an article without parts."""
    return f"{article}({part})" if part is not None else str(article)


def art(instrument: str, article: str, part: int | None = None) -> str:
    """`CC art. 167(2)`, `CoM art. 122`; an offence under another instrument by its name."""
    if instrument == "other":
        return f"{ref(article, part)} (another instrument)"
    return f"{instrument} art. {ref(article, part)}"


def expected_primary(case: Case) -> str:
    p = case.expect.primary
    return "none" if p is None else ref(p.article, p.part)


def charged_labels(case: Case) -> list[str]:
    return [art(c.instrument, c.article, c.part) for c in case.charged_as or []]


def citation(case: Case) -> str:
    s = case.source
    if s is None:
        return "source not given"
    bits = []
    if s.seed:
        bits.append(f"seed {s.seed}" + (f", line{'s' if '-' in (s.lines or '') else ''} {s.lines}" if s.lines else ""))
    elif s.lines:
        bits.append(f"lines {s.lines}")
    if s.brief:
        bits.append(f"legal brief {s.brief}")
    if s.reference:
        bits.append(s.reference)
    return "; ".join(bits) or "source not given"


def summary(case: Case) -> dict[str, Any]:
    """One row of `thb cases list --format json`."""
    return {
        "id": case.id,
        "title": case.title,
        "tags": list(case.tags),
        "charged": charged_labels(case),
        "charged_as": [c.model_dump(mode="json") for c in case.charged_as] if case.charged_as is not None else None,
        "correct": expected_primary(case),
        "source": case.source.model_dump(mode="json", exclude_none=True) if case.source else None,
        "citation": citation(case),
        "file": str(case.path) if case.path else None,
    }


def detail(case: Case) -> dict[str, Any]:
    """`thb cases show ID --format json`: the case as written, `expected.primary` as `167(2)`."""
    expected = case.expect.model_dump(mode="json", exclude_unset=True)
    expected["primary"] = expected_primary(case)
    return {
        **summary(case),
        "narrative": case.narrative,
        "assumptions": list(case.assumptions),
        "facts": case.facts.model_dump(mode="json", exclude_unset=True),
        "expected": expected,
        "teaching": case.teaching.model_dump(mode="json", exclude_none=True),
    }


# --------------------------------------------------------------------------- the lesson
PROSECUTION_FLAGS = {
    "recorded_private": "The case was recorded as private(-public) prosecution, but the crime is publicly prosecuted.",
    "opened_on_complaint_only": "A publicly prosecuted case was opened only on the victim's complaint.",
    "reconciliation_not_permitted": "The case was ended by reconciliation, which the law does not permit for it.",
}


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
        tail = " (the article charged is right)" if self.charge_right else ""
        return f"charged as {self.charged} → should be {self.should_be}{tail}"

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


def _charged_text(case: Case) -> str:
    labels = charged_labels(case)
    if labels:
        return " and ".join(labels)
    record = case.facts.record
    victims = record.victim_charged_with if record else []
    if victims:
        by = {}
        for v in victims:
            by.setdefault(art(v.instrument, v.article, v.part), []).append(v.victim)
        parts = [
            f"the victim{'s' if len(ids) > 1 else ''} {', '.join(ids)} {'were' if len(ids) > 1 else 'was'} charged with {a}"
            for a, ids in by.items()
        ]
        return "(not reported; " + "; ".join(parts) + ")"
    return "(not reported)"


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
        should_be = f"no article fully made out; contested: {_qual_label(focus)} ({focus.role})"
    else:
        should_be = "no article made out on the facts stated"
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
        nps.append(
            f"{n.victim}, {art(o.instrument, o.article, o.part)}: non-punishment applies: {n.applies}. {n.reason} "
            f"({'; '.join(n.basis)}{'; readings ' + ', '.join(n.readings) if n.readings else ''})"
        )
    pro = [PROSECUTION_FLAGS.get(fl, fl) for fl in f.prosecution.flags]
    if pro:
        mode = (f.prosecution.mode or "unknown").replace("_", "-")
        allowed = "permitted" if f.prosecution.reconciliation_permitted else "not permitted"
        pro.append(f"The law: {mode} prosecution, reconciliation {allowed} ({'; '.join(f.prosecution.basis)}).")
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
    text: str
    choices: tuple[str, ...]  # empty for the article question
    help: str


ELEMENT_HELP = "met, not_met or not_required"
ANSWER_GUIDE = (
    "Answer each element with met, not_met (not met, or not established by the facts) or not_required "
    "(the law does not ask for it in this case); the article as 167, 167(2) or none."
)
QUESTIONS: dict[str, Question] = {
    q.key: q
    for q in (
        Question(
            "act",
            "Act: was the victim recruited, transported, transferred, harboured or received (or sold or bought)?",
            ("met", "not_met"),
            "met or not_met",
        ),
        Question(
            "means",
            "Means: what is the status of the means element (threat, force, coercion, deception...)?",
            ("met", "not_met", "not_required"),
            ELEMENT_HELP,
        ),
        Question(
            "purpose",
            "Purpose: what is the status of the exploitation-purpose element?",
            ("met", "not_met", "not_required"),
            ELEMENT_HELP,
        ),
        Question(
            "child", "Was the victim a child (under 18 at the offence date)?", ("yes", "no", "unknown"), "yes, no or unknown"
        ),
        Question(
            "article",
            "Which article (and part) of the Criminal Code applies as the primary qualification?",
            (),
            'an article such as 167 or 167(2), or "none"',
        ),
    )
}
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
}
_ARTICLE = re.compile(r"^(?:cc\s*)?(?:art(?:icle)?\.?\s*)?(\d+(?:-\d+)?)\s*(?:\(\s*(\d+)\s*\)|\s*(?:part|p\.|/)\s*(\d+))?$")


def article_choices() -> str:
    out = []
    for a in catalogue().values():
        parts = sorted(p for p in a.parts if p is not None)
        out.append(f"{a.article}({parts[0]}-{parts[-1]})" if parts else a.article)
    return "none, " + ", ".join(out)


def normalise(key: str, raw: Any) -> str:
    """The canonical form of an answer, or ValueError naming the allowed answers."""
    q = QUESTIONS.get(key)
    if q is None:
        raise ValueError(f"unknown question {key!r}; the questions are {', '.join(QUESTIONS)}")
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    text = re.sub(r"\s+", " ", str(raw).strip().lower())
    if key == "article":
        if text == "none":
            return "none"
        m = _ARTICLE.match(text)
        cat = catalogue()
        if not m or m.group(1) not in cat:
            raise ValueError(f"article: {raw!r} is not an article of the rule base; allowed: {article_choices()}")
        article, part = m.group(1), m.group(2) or m.group(3)
        parts = sorted(p for p in cat[article].parts if p is not None)
        if part is not None:
            if not parts:
                raise ValueError(f"article: art. {article} has no parts; answer {article}")
            if int(part) not in parts:
                raise ValueError(f"article: art. {article} has parts {', '.join(map(str, parts))}; {raw!r} is not one of them")
        return ref(article, int(part) if part is not None else None)
    if key == "child":
        text = {"y": "yes", "true": "yes", "n": "no", "false": "no"}.get(text, text)
    else:
        text = SYNONYMS.get(text, text).replace(" ", "_").replace("-", "_")
    if text not in q.choices:
        raise ValueError(f"{key}: {raw!r} is not an answer; allowed: {', '.join(q.choices)}")
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
        return "right" if self.points == 1 else ("partly right" if self.points > 0 else "wrong")


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


def _element_key(f: Findings, fp: FactPattern, name: str) -> KeyAnswer:
    """The engine's status of a trafficking element: from its 166/167 qualification (the
    highest-ranked one), else — when it found no trafficking article at all — from the missing
    fact it names, else from the rule base's vocabulary of the values stated."""
    traf = next((q for q in f.qualifications if q.article in TRAFFICKING), None)
    if traf is not None:
        el = next((e for e in traf.elements if e.element == name), None)
        if el is not None:
            rd = f"; reading {', '.join(el.readings)}" if el.readings else ""
            status = el.status.replace("_", " ")
            return KeyAnswer(
                _STATUS_ANSWER[el.status],
                f"For art. {ref(traf.article, traf.part)} ({traf.role}) the engine finds the {name} element {status}. "
                f"{_sentence(el.reason)} Source: {el.source}; facts: {', '.join(el.facts)}{rd}.",
            )
    field_name, vocab_kind = _FIELD[name]
    mf = next((m for m in f.missing_facts if m.fact == field_name and any(a.endswith(TRAFFICKING) for a in m.affects)), None)
    if mf is not None:
        return KeyAnswer(
            "not_met",
            f"The engine makes out no trafficking article and names this as the missing fact ({'; '.join(mf.affects)}): {mf.question}",
        )
    if name == "means" and any((a := fp.victim_age(v)) is not None and a < 18 for v in fp.victims):
        return KeyAnswer("not_required", "The victim is a child: art. 167 has no means element (CC art. 167 part 1).")
    stated = list(getattr(fp, field_name))
    if name == "purpose":
        stated += [p for p in fp.exploitation if p not in stated]
    vocab = vocabulary()[vocab_kind]
    exploit = [v for v in stated if vocab[v].get("class") != "none"]
    if exploit:
        labels = ", ".join(vocab[v]["label"] for v in exploit)
        sources = "; ".join(dict.fromkeys(s.strip() for v in exploit for s in vocab[v]["source"].split(";")))
        return KeyAnswer(
            "met", f"Stated: {labels} ({sources}). The engine makes out no trafficking article because another element fails."
        )
    if stated:
        labels = ", ".join(f"{vocab[v]['label']} ({vocab[v]['source']})" for v in stated)
        return KeyAnswer("not_met", f"Stated only: {labels}, which is not an element of trafficking.")
    return KeyAnswer("not_met", f"No {name} is stated, so the element is not established.")


def _child_key(fp: FactPattern) -> KeyAnswer:
    ages = [(v.id, fp.victim_age(v)) for v in fp.victims]
    when = fp.offence_date or dt.date.today()
    kids = [f"{i} was {a}" for i, a in ages if a is not None and a < 18]
    if kids:
        return KeyAnswer("yes", f"{'; '.join(kids)} on {when}: a child is a person under 18 (CC appendix 1 item 9).")
    if ages and all(a is not None for _, a in ages):
        return KeyAnswer(
            "no",
            f"{'; '.join(f'{i} was {a}' for i, a in ages)} on {when}: adult{'s' if len(ages) > 1 else ''} (CC appendix 1 item 9).",
        )
    return KeyAnswer("unknown", "No victim's age is stated, so the victim is not established to be a child.")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _article_key(f: Findings) -> KeyAnswer:
    p = f.primary
    if p:
        return KeyAnswer(
            ref(p.article, p.part),
            f"The engine's primary is {_qual_label(p)}: {_sentence(p.reason)} Penalty: {p.penalty}. Sources: {'; '.join(p.sources)}.",
        )
    alt = [q for q in f.qualifications if q.role != "excluded"]
    tail = (
        " Contested: " + " ".join(f"{_qual_label(q)} ({q.role}): {_sentence(q.reason)}" for q in alt)
        if alt
        else " No article is made out on the facts stated."
    )
    missing = f" The fact that would change the answer: {f.missing_facts[0].question}" if f.missing_facts else ""
    return KeyAnswer("none", "The engine makes out no article as primary." + tail + missing)


def _mark_article(f: Findings, answer: str, key: KeyAnswer) -> tuple[float, str]:
    if answer == key.answer:
        return 1.0, key.explanation
    given_art = answer.split("(")[0]
    want_art = key.answer.split("(")[0]
    if answer != "none" and given_art == want_art:
        if "(" not in answer:
            return 1.0, f"Right article; the part is {key.answer}. " + key.explanation
        p = f.primary
        items = [e for e in p.elements if e.element.startswith("part ")] if p else []
        why = " Qualifying items met: " + "; ".join(f"{e.element}: {e.reason}" for e in items) + "." if items else ""
        return 0.5, f"Right article, wrong part: the facts make out {key.answer}.{why} " + key.explanation
    note = ""
    if answer != "none":
        others = [q for q in f.qualifications if q.article == given_art]
        if others:
            q = others[0]
            note = f" Art. {ref(q.article, q.part)} is {q.role} here: {_sentence(q.reason)}"
        else:
            note = f" Art. {given_art} is not made out on these facts."
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
        raise InputError(
            f"{name}: an answers file is a mapping of question → answer, e.g. `act: met`; questions: {', '.join(QUESTIONS)}"
        )
    out: dict[str, str] = {}
    problems = []
    for k, v in objs[0][1].items():
        key = str(k)
        if key not in QUESTIONS:
            near = difflib.get_close_matches(key, list(QUESTIONS), n=1)
            hint = f"; did you mean `{near[0]}`?" if near else ""
            problems.append(f"unknown question `{key}`{hint} (questions: {', '.join(QUESTIONS)})")
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
            pts, why = 0.0, "Not answered. " + want.explanation
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
    out.append(f"<h2>{_e(c.title)}</h2>")
    out.append(f'<p class="meta">{_e(c.id)} · ' + "".join(f'<span class="tag">{_e(t)}</span>' for t in c.tags) + "</p>")
    out.append("<h3>The story</h3>")
    out.append(f"<p>{_e(c.narrative)}</p>")
    if c.assumptions:
        out.append('<p class="small">Assumed for the exercise:</p>' + _list(c.assumptions, "small"))
    out.append("<h3>The charge as laid</h3>")
    out.append(f"<p>{_e(ls.charged)}</p>")
    out.append("<h3>The correct qualification</h3>")
    out.append(f'<p class="verdict{" right" if ls.charge_right else ""}">{_e(ls.verdict)}</p>')
    if not ls.agrees:
        out.append(
            f'<p class="warn">The case library expects {_e(ls.library_answer)}; the engine now answers {_e(ls.engine_answer)}.</p>'
        )
    if q is not None:
        out.append(
            f"<p>{_e(_qual_label(q))} ({_e(q.role)}): {_e(_sentence(q.reason))} Penalty: {_e(q.penalty)}; "
            f"{_e((q.gravity or 'gravity unknown').replace('_', ' '))}; {_e((q.prosecution or 'mode unknown').replace('_', '-'))} prosecution.</p>"
        )
        rows = []
        for el in q.elements:
            rd = f" [reading {', '.join(el.readings)}]" if el.readings else ""
            rows.append(
                f'<tr><td class="element">{_e(el.element)}</td><td class="status {_e(el.status)}">{_e(el.status.replace("_", " "))}</td>'
                f"<td>{_e(el.reason + rd)}</td><td>{_e(el.source)}</td></tr>"
            )
        out.append(
            "<table><thead><tr><th>Element</th><th>Status</th><th>Reason</th><th>Source</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
        if q.readings:
            out.append(
                f'<p class="small">Rests on the engine\'s reading{"s" if len(q.readings) > 1 else ""} {_e(", ".join(q.readings))} (interpretation, not the words of the statute).</p>'
            )
    others = [x for x in f.qualifications if x is not q]
    if others:
        out.append('<p class="small">Other findings:</p>')
        out.append(_list([f"{_qual_label(x)} — {x.role}: {x.reason}" for x in others], "small"))
    if f.missing_facts:
        out.append('<p class="small">Facts that would change the answer:</p>')
        out.append(_list([f"{m.fact}: {m.question}" for m in f.missing_facts], "small"))
    out.append("<h3>Consequences for the victim</h3>")
    cons = ls.consequences + ls.non_punishment + ls.prosecution
    out.append(
        _list(cons) if cons else "<p>The engine flags no misclassification, non-punishment question or prosecution error.</p>"
    )
    if c.teaching.consequence_for_victim:
        out.append(f"<p>{_e(c.teaching.consequence_for_victim)}</p>")
    t = c.teaching
    if t.deciding_element or t.common_mistake:
        out.append("<h3>Teaching note</h3><dl>")
        if t.deciding_element:
            out.append(f"<dt>The deciding element</dt><dd>{_e(t.deciding_element)}</dd>")
        if t.common_mistake:
            out.append(f"<dt>The common mistake</dt><dd>{_e(t.common_mistake)}</dd>")
        out.append("</dl>")
    out.append(f'<footer class="source">Source: {_e(citation(c))}</footer>')
    out.append("</section>")
    return "\n".join(out)


def handout_html(lessons: list[Lesson]) -> str:
    """A printable, self-contained HTML handout: inline CSS, no external resources, all text escaped."""
    from . import __version__
    from .ruledata import edition

    ed = edition()
    toc = "".join(f'<li><a href="#{_e(ls.case.id)}">{_e(ls.case.title)}</a></li>' for ls in lessons)
    title = lessons[0].case.title if len(lessons) == 1 else f"{len(lessons)} cases"
    body = "\n".join(_case_html(ls) for ls in lessons)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Trafficking case handout — {_e(title)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        '<header class="doc"><h1>Trafficking in human beings: case handout</h1>'
        f"<p>{len(lessons)} case{'s' if len(lessons) != 1 else ''} from the thb training library. The qualification and the "
        f"element table are the classifier's findings (thb-classifier {_e(__version__)}; Criminal Code 2021, text of "
        f"{_e(ed.get('consolidated_to', ''))}); the story, the charge and the teaching note come from the case file.</p>"
        f"<p>Printed {dt.date.today().isoformat()}. Decision support, not legal advice.</p></header>\n"
        + (f"<nav><ol>{toc}</ol></nav>\n" if len(lessons) > 1 else "")
        + body
        + "\n</body>\n</html>\n"
    )


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write `text` to `path` through a temporary file in the same folder and a rename, so a
    failure never leaves a partial file (an existing file is kept as it was)."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{path}: is a folder; --out names the HTML file to write")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: the folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise InputError(f"{path}: cannot write in {folder} ({e.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the handout gets the usual permissions
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise InputError(f"{path}: cannot be written ({e.strerror or e}); nothing was changed") from None
        raise
    return target
