"""`thb interview`: build a fact pattern (FACTS.md v1) by answering plain questions.

The interview is a generator (`flow.interview_flow`) that yields questions and notes and
receives parsed answers. It is a pure function of the answers given so far, so "back" simply
drops the last answer and replays the rest: branching (how many victims, which questions can
still matter) is always consistent with the answers that remain. The same flow runs on a
terminal (`TerminalSource`) and from an answers file (`ListSource`, `MapSource`, see
docs/interview.md); `prefill` walks a draft of `thb extract` for a person to confirm.

What is skipped and why:
- means, for a child victim, once an act and a purpose are known and every offender is known
  to be 16 or older (CC art. 167 and art. 166 part 4 have no means element; LAW.md rule 2) —
  unless the means can still decide something: an offender who may be 14 or 15 (rule 3: means
  move 166(4) to 166(1)-(3)), an offence before 2019 (R-RETRO), or exploitation carried out or a
  marriage purpose (159, 162, 170, 173, 174 need a means). Abduction, which decides 165 and
  172, is then asked later, only where it can matter;
- pregnancy for a male victim; the official-position flag when no offender is an official.

Unknown answers are left out of the fact pattern: not stated means not established.
"""

from __future__ import annotations

from .answers import ListSource, MapSource, TerminalSource, load_answers, to_yaml
from .base import UNKNOWN, Abandoned, BadAnswer, InterviewError, command
from .driver import Interview, finish, qual_label
from .flow import check_path, interview_flow, means_decision
from .questions import KEYS, Notice, Option, Question, key_template, options, parse, yesno
from .state import State, age_on, default_case_id

__all__ = [
    "KEYS",
    "UNKNOWN",
    "Abandoned",
    "BadAnswer",
    "Interview",
    "InterviewError",
    "ListSource",
    "MapSource",
    "Notice",
    "Option",
    "Question",
    "State",
    "TerminalSource",
    "age_on",
    "check_path",
    "command",
    "default_case_id",
    "finish",
    "interview_flow",
    "key_template",
    "load_answers",
    "means_decision",
    "options",
    "parse",
    "qual_label",
    "to_yaml",
    "yesno",
]
