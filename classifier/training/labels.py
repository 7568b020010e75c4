"""How the training pages name things: article references, answers, enumeration values, a case's citation, summary and detail."""

from __future__ import annotations

import re
from typing import Any

from ..i18n import lang, tr
from ..rulebase.files import cite_source
from .cases import Case


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
    from ..i18n import messages

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


def tag_label(tag: str) -> str:
    """A tag of the library in words, in the language in force (`child` → "child victim",
    «потерпевший — ребенок»); a tag the catalogue does not name (a trainer's own) as written."""
    key = f"training.tag.{tag}"
    return tr(key) if key in _messages() else tag


def tag_labels(tags: list[str]) -> list[str]:
    return [tag_label(t) for t in tags]


def tag_key(text: str, known: list[str]) -> str | None:
    """The tag a user typed: the tag itself, or its words in either language (case and
    surrounding blanks ignored); None when it names no tag of `known`."""
    from ..i18n import LANGS, messages

    want = " ".join(text.split()).casefold()
    for t in known:
        if t.casefold() == want:
            return t
    for language in (lang(), *LANGS):
        words = messages(language)
        for t in known:
            label = words.get(f"training.tag.{t}")
            if label and label.casefold() == want:
                return t
    return None


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
