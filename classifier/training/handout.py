"""The printable handout: one HTML page of lessons."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from ..i18n import lang, tr
from .labels import citation, word
from .lesson import Lesson, qual_label
from .quiz import cap, date_text, element_label, sentence

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
        out.append(f'<p class="warn">{_e(cap(ls.disagreement))}.</p>')
    if q is not None:
        out.append(
            "<p>"
            + _e(
                tr(
                    "training.h.qualification",
                    label=qual_label(q),
                    role=word("role", q.role),
                    reason=sentence(q.reason),
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
        out.append(_list([f"{qual_label(x)} — {word('role', x.role)}: {x.reason}" for x in others], "small"))
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
    from .. import __version__
    from ..rulebase.files import edition

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
