"""The printable handout: one HTML page of lessons, from the template
`classifier/render/templates/handout.html.j2` (rendered with autoescaping)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..i18n import tr
from ..render.facts import prose_words
from ..render.html import render
from .labels import citation, tag_labels, word
from .lesson import Lesson, qual_label
from .quiz import cap, date_text, element_label, sentence


def _case(ls: Lesson) -> dict[str, Any]:
    """What the page shows of one lesson, every value plain text (the template escapes it)."""
    c, f, q = ls.case, ls.findings, ls.focus
    out: dict[str, Any] = {
        "id": c.id,
        "title": c.shown_title,
        "tags": tag_labels(c.tags),
        "narrative": c.shown_narrative,
        "assumptions": [prose_words(a, c.facts) for a in c.shown_assumptions] if c.assumptions else [],
        "charged": ls.charged,
        "verdict": ls.verdict,
        "charge_right": ls.charge_right,
        "disagreement": None if ls.agrees else cap(ls.disagreement),
        "qualification": None,
        "elements": [],
        "rests": None,
        "teaching": c.shown_teaching,
        "source": citation(c),
        "law_notes": ls.law_notes,
        "then_in_force": ls.then_in_force,
    }
    if q is not None:
        out["qualification"] = tr(
            "training.h.qualification",
            label=qual_label(q),
            role=word("role", q.role),
            reason=sentence(q.reason),
            penalty=q.penalty,
            gravity=word("gravity", q.gravity),
            mode=word("mode", q.prosecution),
        )
        out["elements"] = [
            {
                "label": element_label(q, el.element),
                "status": el.status,
                "status_word": word("status", el.status),
                "reason": el.reason + (" " + tr("training.h.reading_tag", ids=", ".join(el.readings)) if el.readings else ""),
                "source": el.source,
            }
            for el in q.elements
        ]
        if q.readings:
            key = "training.h.rests_many" if len(q.readings) > 1 else "training.h.rests_one"
            out["rests"] = tr(key, ids=", ".join(q.readings))
    out["others"] = [f"{qual_label(x)} — {word('role', x.role)}: {x.reason}" for x in f.qualifications if x is not q]
    out["missing"] = [m.question for m in f.missing_facts]  # the question, never the input path
    out["consequences"] = ls.consequences + ls.non_punishment + ls.prosecution
    return out


def handout_html(lessons: list[Lesson]) -> str:
    """A printable, self-contained HTML handout: inline CSS, no external resources, all text
    escaped; its words, and `<html lang>`, in the language in force."""
    from .. import __version__
    from ..rulebase.files import edition

    n = len(lessons)
    return render(
        "handout.html.j2",
        lessons=[_case(ls) for ls in lessons],
        title=lessons[0].case.shown_title if n == 1 else tr("training.h.n_cases", n=n),
        intro=tr(
            "training.h.intro_one" if n == 1 else "training.h.intro_many",
            n=n,
            version=__version__,
            edition=edition().get("consolidated_to", ""),
        ),
        printed=date_text(dt.date.today()),
    )
