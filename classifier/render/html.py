"""HTML pages from Jinja2 templates (`templates/`), with autoescaping: every value a page shows is
escaped unless a template marks it safe, so no fact, case id or message can inject markup.

The wings prepare the data (`audit.html`, `training.handout`); the pages' words come from the
message catalogues through `tr`, so each page follows `--lang`."""

from __future__ import annotations

import functools
from typing import Any

from ..i18n import lang, tr
from .unbroken import pieces


@functools.cache
def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("classifier.render", "templates"),
        autoescape=True,  # every template here is HTML or SVG
        undefined=jinja2.StrictUndefined,  # a misspelt variable is an error, never an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["tr"] = tr
    env.filters["unbroken"] = unbroken
    env.filters["case_id"] = case_id
    return env


CASE_ID_WHOLE = 40  # a case id up to this long is never broken across lines; a longer one wraps anywhere


def unbroken(value: Any, *whole: str) -> Any:
    """`value` escaped, its article references (and the strings `whole`, such as case ids) each in a
    `<span class="nb">` that a browser does not break across lines (CSS `white-space: nowrap`)."""
    from markupsafe import Markup, escape

    out = []
    for part, locked in pieces("" if value is None else str(value), whole):
        out.append(Markup('<span class="nb">{}</span>').format(part) if locked else escape(part))
    return Markup("").join(out)


def case_id(value: Any, limit: int = CASE_ID_WHOLE) -> Any:
    """A case id, escaped; kept on one line up to `limit` characters (a longer one would push a
    table past the page's margin, so it may wrap anywhere)."""
    from markupsafe import Markup

    text = "" if value is None else str(value)
    cls = "nb" if len(text) <= limit else "long"
    return Markup('<span class="id {}">{}</span>').format(cls, text)


def render(template: str, **context: Any) -> str:
    """A page: `template` (a file of `templates/`) filled with `context`; `lang` is the language in force."""
    return _env().get_template(template).render(lang=lang(), **context)
