"""What the interview's parts share: its errors, the unknown answer, the words of yes, no and none, the commands (back, skip, quit)."""

from __future__ import annotations

from typing import Any

MAX_PEOPLE = 50
MAX_CHARGES = 20


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class InterviewError(Exception):
    """A problem with the answers file or the output: the message names the question."""


class Abandoned(Exception):
    """The input ended before the interview did (Ctrl-D, a closed pipe, a list of answers run out);
    the message says where."""


class BadAnswer(ValueError):
    """An answer that does not fit the question; the message says what would."""


# Commands accepted at any prompt, in either language.
WORDS = {
    "unknown": {"unknown", "?", "don't know", "dont know", "не знаю", "незнаю", "неизвестно"},
    "back": {"back", "назад"},
    "status": {"status", "статус"},
    "help": {"help", "помощь", "справка"},
}
NONE_WORDS = {"none", "no", "0", "-", "нет", "ничего", "никакие", "никаких"}
YES_WORDS = {"y", "yes", "да", "д", "1"}
NO_WORDS = {"n", "no", "нет", "н", "2"}


def norm(raw: str) -> str:
    return " ".join(raw.strip().lower().replace("ё", "е").split())


def command(raw: str) -> str | None:
    """The command a raw answer names (unknown, back, status, help), if any."""
    n = norm(raw)
    for cmd, words in WORDS.items():
        if n in words:
            return cmd
    return None


def read_yaml_file(path: str, msg_id: str) -> tuple[str, Any]:
    """A YAML (or JSON) file the interview reads (an answers file, a draft): its name and its data;
    an unreadable file or a syntax error is an `InterviewError` whose message `msg_id` names the
    line (`{where}`) and the problem (`{problem}`)."""
    from ..errors import InputError
    from ..i18n import tr
    from ..reading.inputs import YAMLError, parse_yaml, read_text

    try:
        name, text = read_text(path)
    except InputError as e:
        raise InterviewError(str(e)) from None
    try:
        return name, parse_yaml(text)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise InterviewError(tr(msg_id, where=where, problem=getattr(e, "problem", None) or e)) from None
