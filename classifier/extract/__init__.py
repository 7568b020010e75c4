"""`thb extract`: draft a fact pattern from a case narrative (docs/extract.md).

A proposer a person confirms, never a decider: rule-based and transparent (the lexicon is data in
`rules/extract/`), offline, and it proposes only what the text states — never from a negated,
denied, hypothetical or background clause, never a charge as a fact.
"""

from .core import Evidence, Extraction, extract
from .text import detect_lang

__all__ = ["Evidence", "Extraction", "detect_lang", "extract"]
