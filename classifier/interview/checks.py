"""The flow's type and the checks of single answers (date, citizenship, article, case id)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Generator
from typing import Any

from ..i18n import tr
from .base import UNKNOWN
from .questions import Notice, Question

# ------------------------------------------------------------------------------ the flow
Flow = Generator[Question | Notice, Any, None]


def article_and_part(k: str, article_help: str):
    """Ask a charge's article, then its part (blank: not known); return both answers."""
    art = yield Question(k + "article", "text", tr("interview.charge.article"), tr(article_help), check=check_article)
    part = yield Question(
        k + "part", "int", tr("interview.charge.part"), tr("interview.charge.part.help"), lo=1, hi=20, blank_is_unknown=True
    )
    return art, part


def known(value: Any) -> bool:
    return value is not UNKNOWN


def check_offence_date(d: dt.date) -> str | None:
    if not (dt.date(1991, 1, 1) <= d <= dt.date.today()):
        return tr("interview.error.offence_date", date=d.isoformat(), today=dt.date.today().isoformat())
    return None


def check_article(v: str) -> str | None:
    ok = len(v) <= 64 and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._()-]*", v)
    return None if ok else tr("interview.error.article", answer=v)


def check_case_id(v: str) -> str | None:
    return None if len(v) <= 200 else tr("interview.error.case_id")
