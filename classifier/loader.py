"""Reading fact patterns under its former name, for the modules that still read them so
(`classifier/extract/`): `classifier.reading.inputs` reads, `classifier.records` validates."""

from __future__ import annotations

from .errors import InputError
from .reading.inputs import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_NUMBER_CHARS,
    load_json,
    load_yaml,
    open_regular,
    parse,
    read_bytes,
    read_text,
)
from .records import Record, explain, load, validate

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_NUMBER_CHARS",
    "InputError",
    "Record",
    "explain",
    "load",
    "load_json",
    "load_yaml",
    "open_regular",
    "parse",
    "read_bytes",
    "read_text",
    "validate",
]
