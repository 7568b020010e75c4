"""Writing the fact pattern (YAML), and the answer sources: a terminal, a list or a map of answers from a file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import yaml

from ..i18n import tr
from ..safetext import clip
from .base import Abandoned, InterviewError, command, read_yaml_file
from .questions import KEYS, Question, key_template


# ------------------------------------------------------------------------------ writing
class _Dumper(yaml.SafeDumper):
    """Block style for mappings; short lists of scalars in flow style, as in FACTS.md."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, str | int | float) and not isinstance(x, bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def to_yaml(facts: dict[str, Any]) -> str:
    head = f"# {tr('interview.file.header')}\n# {tr('interview.file.header.unknown')}\n"
    body = yaml.dump(facts, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return head + body


# ------------------------------------------------------------------------------ answer sources
def _raw(v: Any) -> str:
    if v is None:
        return "unknown"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list | tuple):
        return ", ".join(_raw(x) for x in v) if v else "none"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        raise InterviewError(tr("interview.error.answer_type", value=clip(json.dumps(v, ensure_ascii=False, default=str))))
    return str(v)


MAX_ANSWER = 10_000  # characters of one answer read from a pipe
MAX_RETRIES = 20  # answers in a row that do not fit one question, from a pipe, before the interview stops


class TerminalSource:
    """Answers typed by the user: plain input(), so it works on any terminal and over SSH. From a
    pipe (not a terminal) an answer is at most MAX_ANSWER characters and MAX_RETRIES answers in a
    row that do not fit end the interview (`yes | thb interview` would otherwise never end)."""

    interactive = True

    def __init__(self, reader: Callable[[str], str] | None = None, bounded: bool | None = None):
        import sys

        self.bounded = (not sys.stdin.isatty()) if bounded is None else bounded
        self.reader = reader or (self._read_bounded if self.bounded else input)
        self.name = "<stdin>"

    @staticmethod
    def _read_bounded(prompt: str) -> str:
        import sys

        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = sys.stdin.readline(MAX_ANSWER + 1)
        if not line:
            raise EOFError
        if len(line) > MAX_ANSWER and not line.endswith("\n"):
            raise InterviewError(tr("interview.error.answer_too_long", max=f"{MAX_ANSWER:,}"))
        return line.rstrip("\r\n")

    def next(self, q: Question) -> str | None:
        try:
            return self.reader("> ")
        except EOFError:
            raise Abandoned(tr("interview.stopped.eof", key=q.key, question=q.text)) from None

    def leftovers(self) -> list[str]:
        return []


class ListSource:
    """A list of answers, in the order the questions are asked (commands allowed)."""

    interactive = False

    def __init__(self, items: list[Any], name: str):
        self.items = [_raw(x) for x in items]
        self.name = name
        self.i = 0

    def next(self, q: Question) -> str | None:
        if self.i >= len(self.items):
            raise Abandoned(tr("interview.error.ran_out", file=self.name, n=self.i, key=q.key, question=q.text))
        self.i += 1
        return self.items[self.i - 1]

    def leftovers(self) -> list[str]:
        return [tr("interview.warn.list_left", n=len(self.items) - self.i)] if self.i < len(self.items) else []


class MapSource:
    """A mapping of question key to answer; a key left out is answered with its default, or as unknown."""

    interactive = False

    def __init__(self, mapping: dict[str, Any], name: str):
        self.name = name
        self.answers: dict[str, str] = {}
        bad = []
        for k, v in mapping.items():
            key = str(k)
            if key_template(key) not in KEYS:
                bad.append(key)
            self.answers[key] = _raw(v)
        if bad:
            import difflib

            hints = []
            for b in bad:
                near = difflib.get_close_matches(key_template(b), KEYS, n=1)
                hints.append(f"`{b}`" + (f" ({tr('interview.error.did_you_mean', key=near[0])})" if near else ""))
            raise InterviewError(tr("interview.error.unknown_keys", file=name, keys=", ".join(hints)))
        self.asked: set[str] = set()

    def next(self, q: Question) -> str | None:
        if q.key in self.asked:
            raise InterviewError(tr("interview.error.asked_twice", file=self.name, key=q.key, question=q.text))
        self.asked.add(q.key)
        raw = self.answers.get(q.key)
        if raw is not None and command(raw) in ("back", "help"):
            raise InterviewError(tr("interview.error.map_command", file=self.name, key=q.key, answer=clip(raw)))
        return raw

    def leftovers(self) -> list[str]:
        unused = [k for k in self.answers if k not in self.asked]
        return [tr("interview.warn.unused", keys=", ".join(unused))] if unused else []


def load_answers(path: str) -> ListSource | MapSource:
    """Read an answers file: a YAML (or JSON) mapping of question key to answer, or a list in order."""
    name, data = read_yaml_file(path, "interview.error.answers_yaml")
    if isinstance(data, dict):
        return MapSource(data, name)
    if isinstance(data, list):
        return ListSource(data, name)
    raise InterviewError(tr("interview.error.answers_shape", file=name, got=type(data).__name__))
