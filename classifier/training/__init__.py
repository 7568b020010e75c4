"""Training mode: a library of real misclassifications, taught side by side with the engine.

A case file (`cases/*.yaml`, format in docs/training.md) holds a story, the charge as it was
laid, the fact pattern read from the story, what the classifier must find (`expect`, in the
`check-examples` format) and a teaching note. `cases` loads and checks the library, `lesson`
builds the lesson of a case from `classify()` — the stored expectations are never used for the
reasoning, only to say when the engine and the library disagree — `quiz` scores answers against
the engine, and `handout` writes the printable page (a Jinja2 template). `labels` names things.
The terminal side is `classifier.cli.cases`.
"""

from __future__ import annotations

from .cases import CASES_ENV, Case, all_tags, bundled_dir, find_case, handle, library_dir, load_library
from .handout import handout_html
from .labels import (
    art,
    charged_labels,
    citation,
    detail,
    expected_primary,
    ref,
    shown_ref,
    summary,
    tag_key,
    tag_label,
    tag_labels,
    word,
)
from .lesson import Lesson, law_caveat, lesson
from .quiz import ANSWER_WORDS, QUESTIONS, QuizResult, answer_guide, element_label, normalise, read_answers, score

__all__ = [
    "ANSWER_WORDS",
    "CASES_ENV",
    "QUESTIONS",
    "Case",
    "Lesson",
    "QuizResult",
    "all_tags",
    "answer_guide",
    "art",
    "bundled_dir",
    "charged_labels",
    "citation",
    "detail",
    "element_label",
    "expected_primary",
    "find_case",
    "handle",
    "handout_html",
    "law_caveat",
    "lesson",
    "library_dir",
    "load_library",
    "normalise",
    "read_answers",
    "ref",
    "score",
    "shown_ref",
    "summary",
    "tag_key",
    "tag_label",
    "tag_labels",
    "word",
]
