"""Input paths in words: what a reader sees where the findings or the case library name a fact.

The JSON keeps the paths (`victims[V1].age`, `circumstances.group`: FACTS.md, the API); every
screen and page says the fact instead — "the victim's age (15)", "committed by a group of
persons", «возраст потерпевшего (15)» — with its value when the fact pattern is at hand. Every
word comes from the message catalogue (`report.fact.*`) and the vocabulary's labels, so it
follows `--lang`.

- `fact_words(path, facts)`: one path of the findings (`Element.facts`, `MissingFact.fact`);
- `prose_words(text, facts)`: a text that writes paths among its words — the case library's
  assumptions ("victims[V1].age: 15 assumed", "circumstances.held_abroad, crossed_state_border",
  "(caused_by_trafficking: true)") — with every path, field and vocabulary id said in words.
"""

from __future__ import annotations

import re
from typing import Any

from ..i18n import lang, tr
from ..rulebase.files import vocabulary
from ..rulebase.prose import law

_IDS = r"[^\]\s]*"
_PERSON = re.compile(rf"^(victims|offenders)\[({_IDS})\](?:\.(\w+))?(?:\[(\d+)\](?:\.(\w+))?)?$")
LISTS = ("acts", "means", "purposes", "exploitation")
# the kinds of the vocabulary a value of each list belongs to
KIND = {"acts": "acts", "means": "means", "purposes": "purposes", "exploitation": "purposes", "circumstances": "circumstances"}
# the fields of a victim, an offender, a victim's offence and the record, as `report.fact.*` names them
VICTIM_FIELDS = ("age", "birth_date", "sex", "citizenship", "pregnant", "dependent_on_offender", "consented", "offences")
OFFENDER_FIELDS = ("age", "official", "legal_entity", "relation", "adoption_intermediary", "acts", "means")
OFFENCE_FIELDS = ("caused_by_trafficking", "foreign_law", "instrument", "kind", "max_penalty_years")
RECORD_FIELDS = ("charges", "prosecution", "opened_on_victim_complaint", "terminated_by_reconciliation", "victim_charged_with")


def value_label(kind: str, value: str) -> str:
    """A vocabulary value (`harbouring`, `group`) as a reader sees it, in the language in force."""
    meta = (vocabulary().get(kind) or {}).get(value) or {}
    return law("vocabulary", f"{kind}.{value}", str(meta.get("label") or value.replace("_", " ")))


def _ids(ids: str) -> list[str]:
    """`V1`, `V1,V2`, `V1..V3` as the ids they name (a range as its two ends)."""
    if ".." in ids:
        lo, _, hi = ids.partition("..")
        return [lo.strip(), hi.strip()]
    return [i.strip() for i in ids.split(",") if i.strip()]


def _who(group: str, ids: str, facts: Any, nominative: bool = False, feminine: bool = False) -> str:
    """The person or persons a path names. With one person of the kind in the case: "the victim"
    («потерпевшего»; `nominative`: «потерпевший»); several: their ids ("V1", "the victims V1, V2",
    "the victims V1–V3"); `[]` (every one): "each victim" («каждого потерпевшего»)."""
    one = group[:-1]
    if ids == "":
        return tr(f"report.fact.{one}.each" + ("_nom" if nominative else ""))
    names = _ids(ids)
    people = list(getattr(facts, group, None) or []) if facts is not None else []
    if len(names) == 1 and len(people) == 1 and getattr(people[0], "id", None) == names[0]:
        key = "the_f" if feminine else "the"
        return tr(f"report.fact.{one}.{key}" + ("_nom" if nominative and not feminine else ""))
    if len(names) == 1:
        return tr(f"report.fact.{one}.id", id=names[0]) if nominative else names[0]
    shown = "–".join(names) if ".." in ids else ", ".join(names)
    return tr(f"report.fact.{group}.ids" + ("_nom" if nominative else ""), ids=shown)


def fact_words(path: str, facts: Any = None, values: bool = True) -> str:
    """One input path in words; `facts` (a `FactPattern`), when given, tells one victim from
    several and, with `values`, supplies the value ("the victim's age (15)")."""
    if path in LISTS:
        stated = list(getattr(facts, path, None) or []) if facts is not None and values else []
        words = tr(f"report.fact.{path}")
        if stated:
            return tr("report.fact.with_value", fact=words, value=", ".join(value_label(KIND[path], v) for v in stated))
        return words
    head, dot, rest = path.partition(".")
    if dot and head in KIND and rest:
        if head == "circumstances":
            return value_label("circumstances", rest)
        return tr("report.fact.with_value", fact=tr(f"report.fact.{head}"), value=value_label(KIND[head], rest))
    if path == "damage_ci":
        amount = getattr(facts, "damage_ci", None) if facts is not None and values else None
        words = tr("report.fact.damage_ci")
        return (
            tr("report.fact.with_value", fact=words, value=tr("report.fact.ci", n=f"{amount:g}")) if amount is not None else words
        )
    if path in ("victims", "offenders", "record", "offence_date", "circumstances", "purposes/exploitation"):
        return tr(f"report.fact.{path.replace('/', '_')}")
    if head == "record" and rest in RECORD_FIELDS:
        return tr(f"report.fact.record.{rest}")
    m = _PERSON.match(path)
    if not m:
        return path.replace("_", " ")  # a path this module does not know: at least no underscores
    group, ids, attr, index, sub = m.groups()
    people = list(getattr(facts, group, None) or []) if facts is not None else []
    person = next((p for p in people if getattr(p, "id", None) == ids), None)
    if attr is None:
        return _who(group, ids, facts, nominative=True)
    many = len(_ids(ids)) > 1
    if index is not None:  # victims[V1].offences[0](.caused_by_trafficking)
        offence = tr("report.fact.victim_offence", who=_who(group, ids, facts), n=int(index) + 1)
        return (
            tr("report.fact.field_of", field=tr(f"report.fact.offence.{sub}"), of=offence) if sub in OFFENCE_FIELDS else offence
        )
    fields = VICTIM_FIELDS if group == "victims" else OFFENDER_FIELDS
    if attr not in fields:
        return tr("report.fact.generic", who=_who(group, ids, facts, nominative=True), what=attr.replace("_", " "))
    if many and attr == "age":
        words = tr(f"report.fact.{group}.age", who=_who(group, ids, facts))
    else:
        words = tr(f"report.fact.{group[:-1]}.{attr}", who=_who(group, ids, facts, feminine=attr == "pregnant"))
    value = _value(facts, person, group, attr) if values else None
    return tr("report.fact.with_value", fact=words, value=value) if value else words


def _value(facts: Any, person: Any, group: str, attr: str) -> str | None:
    if person is None:
        return None
    if attr == "age":
        age = facts.victim_age(person) if group == "victims" else getattr(person, "age", None)
        return None if age is None else str(age)
    if attr in ("acts", "means"):
        stated = getattr(person, attr, None) or []
        return ", ".join(value_label(attr, v) for v in stated) or None
    if attr == "relation":
        r = getattr(person, "relation", None)
        return value_label("relations", r) if r else None
    return None


def facts_words(paths: list[str], facts: Any = None) -> str:
    """Several paths in words, each once, in their order."""
    return "; ".join(dict.fromkeys(fact_words(p, facts) for p in paths))


# ---------------------------------------------------------------------------------- prose
_PATH_IN_TEXT = re.compile(
    rf"\b(?:victims|offenders)\[{_IDS}\](?:\.\w+)?(?:\[\d+\](?:\.\w+)?)?"
    r"|\b(?:circumstances|acts|means|purposes|exploitation)\.[a-z_]+"
    r"|\bpurposes/exploitation\b|\brecord\.[a-z_]+|\bdamage_ci\b|\boffence_date\b"
    r"|(?<![\w\]])\[[PV]\d+\]"  # "[P2] and [P3]": the ids of the path before
)
_FIELD_VALUE = re.compile(r"\b([a-z]+(?:_[a-z]+)*): (true|false|[a-z]+(?:_[a-z]+)*|CC|CoO)\b")
_SNAKE = re.compile(r"(?<![\w.\[/-])[a-z]+(?:_[a-z]+)+(?![\w\[(-])")
_WORD = re.compile(r"(?<![\w.\[/-])[a-z]+(?![\w\[(-])")
_FIELD_KEY = {
    **{f: f"report.fact.victim.{f}" for f in VICTIM_FIELDS},
    **{f: f"report.fact.offender.{f}" for f in OFFENDER_FIELDS if f not in VICTIM_FIELDS},
    **{f: f"report.fact.offence.{f}" for f in OFFENCE_FIELDS},
}


def _vocab_id(word: str) -> str | None:
    """A vocabulary id (`held_abroad`, `payment_to_controller`, `carer`) in words, or None."""
    for kind in ("circumstances", "means", "purposes", "acts", "relations"):
        if word in (vocabulary().get(kind) or {}):
            return value_label(kind, word)
    return None


def _field(name: str, value: str) -> str | None:
    """`consented: true`, `relation: carer`, `instrument: other` in words, or None (not a field
    of a person or an offence: `means: deception` is the text's own)."""
    key = _FIELD_KEY.get(name)
    if key is None or name in LISTS:
        return None
    if value in ("true", "false"):
        shown = tr(f"report.fact.{'yes' if value == 'true' else 'no'}")
    elif name == "relation" and value in (vocabulary().get("relations") or {}):
        shown = value_label("relations", value)
    elif name == "instrument" and value in ("CC", "CoO", "other"):
        shown = tr(f"report.fact.instrument.{value}")
    else:
        return None  # "age: the headline says…": the text's own words after a colon
    return tr("report.fact.field_value", field=_field_words(name), value=shown)


def _field_words(name: str) -> str:
    """A field named alone (`dependent_on_offender`) in words: of "the victim", "the offender"."""
    key = _FIELD_KEY[name]
    who = tr("report.fact.victim.the") if key.startswith("report.fact.victim.") else tr("report.fact.offender.the")
    return tr(key, who=who)


def _snake(word: str) -> str:
    """A code among the words (`held_abroad`, `dependent_on_offender`) in words; else unchanged."""
    found = _vocab_id(word)
    if found:
        return found
    return _field_words(word) if word in _FIELD_KEY and word not in LISTS else word


def _lead(text: str) -> str:
    """The list names that open a text or one of its parts ("acts, means (deception),
    purposes/exploitation: …") in words; the lists named later are the text's own words."""
    m = re.match(r"^((?:acts|means|purposes|exploitation|record)(?: \([^)]*\))?)(?=[:,]| [-—–] |$)", text)
    if not m:
        return text
    stop = min((i for i in (text.find(": "), text.find(" - "), text.find(" — ")) if i >= 0), default=len(text))
    head, tail = text[:stop], text[stop:]
    head = re.sub(
        r"(^|, )(acts|means|purposes|exploitation|record)(?=$|,| \()",
        lambda n: n.group(1) + fact_words(n.group(2), values=False),
        head,
    )
    return head + tail


def prose_words(text: str, facts: Any = None) -> str:
    """A text of the case library with its paths, field names and vocabulary ids in words (the
    values are the text's own, so none is added)."""
    out = _PATH_IN_TEXT.sub(lambda m: _path_in_text(m.group(0), facts), text)
    out = "; ".join(_lead(part) for part in out.split("; "))  # "…; means: none (she agreed)"
    out = _FIELD_VALUE.sub(lambda m: _field(m.group(1), m.group(2)) or m.group(0), out)
    out = _SNAKE.sub(lambda m: _snake(m.group(0)), out)
    if lang() != "en":  # a one-word vocabulary id among Russian words ("threat") is a code too
        out = _WORD.sub(lambda m: _vocab_id(m.group(0)) or m.group(0), out)
    return out


def _path_in_text(path: str, facts: Any) -> str:
    if path.startswith("["):  # "[P2]": an id the text names after a path
        return path[1:-1]
    return fact_words(path, facts, values=False)
