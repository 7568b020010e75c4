"""The rule base under its former name, for the modules that still read it so (`classifier/extract/`):
`classifier.rulebase` is where it lives."""

from __future__ import annotations

from .reading.data import load_data as load_yaml
from .rulebase.files import (
    Article,
    Part,
    Penalty,
    catalogue,
    cite_source,
    consequences,
    edition,
    juvenile,
    law_by_date,
    logic_files,
    open_questions,
    param,
    params,
    readings,
    rules_dir,
    sources,
    values,
    vocabulary,
)
from .rulebase.legal import gravity_for, is_child

__all__ = [
    "Article",
    "Part",
    "Penalty",
    "catalogue",
    "cite_source",
    "consequences",
    "edition",
    "gravity_for",
    "is_child",
    "juvenile",
    "law_by_date",
    "load_yaml",
    "logic_files",
    "open_questions",
    "param",
    "params",
    "readings",
    "rules_dir",
    "sources",
    "values",
    "vocabulary",
]
