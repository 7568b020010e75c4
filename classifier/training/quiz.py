"""The quiz: questions, the answers understood (English and Russian words, article forms), the key from the engine's findings, the marks."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

from ..citations import cite
from ..errors import InputError
from ..i18n import tr
from ..models import FactPattern, Findings, Qualification
from ..reading.inputs import parse, read_text
from ..render.facts import facts_words
from ..rulebase.files import catalogue, vocabulary
from ..rulebase.legal import is_child, trafficking
from ..rulebase.prose import law
from .cases import Case
from .labels import ref, shown_ref, word
from .lesson import qual_label


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


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def element_label(q: Qualification, name: str) -> str:
    """An element as shown: its id in English (`act`, `part 2 item 2`), its Russian label in Russian."""
    from ..render.text import element_label as label

    return label(q, name)


def date_text(d: dt.date) -> str:
    return tr("training.date", y=f"{d.year:04d}", m=f"{d.month:02d}", d=f"{d.day:02d}")


def _vocab_label(kind: str, value: str, entry: dict[str, Any]) -> str:
    return law("vocabulary", f"{kind}.{value}", entry["label"])


def _element_key(f: Findings, fp: FactPattern, name: str) -> KeyAnswer:
    """The engine's status of a trafficking element: from its 166/167 qualification (the
    highest-ranked one), else — when it found no trafficking article at all — from the missing
    fact it names, else from the rule base's vocabulary of the values stated."""
    traf = next((q for q in f.qualifications if q.article in trafficking()), None)
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
                    reason=sentence(el.reason),
                    source=el.source,
                    facts=facts_words(el.facts, fp),
                    readings=rd,
                ),
            )
    field_name, vocab_kind = _FIELD[name]
    mf = next((m for m in f.missing_facts if m.fact == field_name and any(a.endswith(trafficking()) for a in m.affects)), None)
    if mf is not None:
        return KeyAnswer("not_met", tr("training.key.missing_fact", affects="; ".join(mf.affects), question=mf.question))
    if name == "means" and any(is_child(fp.victim_age(v)) for v in fp.victims):
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
    kids = [tr("training.key.age", id=i, age=a) for i, a in ages if is_child(a)]
    if kids:
        return KeyAnswer("yes", tr("training.key.child", who="; ".join(kids), date=when))
    if ages and all(a is not None for _, a in ages):
        who = "; ".join(tr("training.key.age", id=i, age=a) for i, a in ages)
        return KeyAnswer("no", tr("training.key.adults" if len(ages) > 1 else "training.key.adult", who=who, date=when))
    return KeyAnswer("unknown", tr("training.key.age_unknown"))


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _article_key(f: Findings) -> KeyAnswer:
    p = f.primary
    if p:
        return KeyAnswer(
            ref(p.article, p.part),
            tr(
                "training.key.primary",
                label=qual_label(p),
                reason=sentence(p.reason),
                penalty=p.penalty,
                sources="; ".join(p.sources),
            ),
        )
    alt = [q for q in f.qualifications if q.role != "excluded"]
    bits = [tr("training.key.no_primary")]
    if alt:
        contested = " ".join(f"{qual_label(q)} ({word('role', q.role)}): {sentence(q.reason)}" for q in alt)
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
                article=cap(art_short(q.article, q.part)),
                role=word("role", q.role),
                reason=sentence(q.reason),
            )
        else:
            note = " " + tr("training.key.not_made_out", article=cap(art_short(given_art)))
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
        from ..analysis.pipeline import classify

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
