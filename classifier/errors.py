"""The errors every layer may raise: bad input, a malformed rule base, an unknown language."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: the message names the file, line or path, and the problem."""


class RuleBaseError(Exception):
    """The rule base is malformed: the message names the file and rule."""


class LanguageError(ValueError):
    """A language thb does not speak (`--lang`, THB_LANG)."""
