"""HTML pages from Jinja2 templates (`templates/`), with autoescaping: every value a page shows is
escaped unless a template marks it safe, so no fact, case id or message can inject markup.

The wings prepare the data (`audit.html`, `training.handout`); the pages' words come from the
message catalogues through `tr`, so each page follows `--lang`."""

from __future__ import annotations

import functools
from typing import Any

from ..i18n import lang, tr


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
    return env


def render(template: str, **context: Any) -> str:
    """A page: `template` (a file of `templates/`) filled with `context`; `lang` is the language in force."""
    return _env().get_template(template).render(lang=lang(), **context)
