"""Compile the rule base (`rules/`) into stratified programs.

A *program* is a set of rules over the atoms of one analysis unit. Rules read atoms and
establish new ones. The compiler:

1. parses every rule file (`rules/articles/*.yaml`, `rules/*.rules.yaml`) and checks it;
2. generates the rules that are pure bookkeeping of data held elsewhere — the vocabulary
   classes (`rules/vocabulary.yaml`), each article's capacity element (`capacity_age` in
   `rules/articles.yaml`), and `X.core` / `X.made`;
3. stratifies: a rule runs in a stratum after every rule that establishes an atom it reads, so
   negation ("not established") is always read after the atom is final;
4. hands the strata to a backend (`classifier.runtime`): durable-rules or the pure-Python
   oracle. Both return which rules fired; everything after that is shared.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Union

from ..errors import RuleBaseError
from .cache import cached
from .files import catalogue, logic_files, readings, rules_dir, vocabulary
from .legal import capacity_sources

# A condition: ("atom", name) | ("not", name) | ("all", (conds...)) | ("any", (conds...))
Cond = tuple[str, Union[str, tuple["Cond", ...]]]

BASE_PREFIXES = (
    "act.",
    "joint.",
    "means.",
    "purpose.",
    "exploit.",
    "flag.",
    "victim.",
    "victims.",
    "off.",
    "offs.",
    "date.",
    "damage.",
    "vs.",
    "caused.",
    "kind.",
    "grav.",
    "np.below_age",
    "foreign_law",
    "inst.",
    "pr.",
)
ATOM_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
MAX_RULES_PER_RULESET = 400  # durable-rules hangs past ~510 rules (reference/durable-rules.md)
MAX_PROPS_PER_FACT = 250  # durable-rules allows 255 properties per fact (state.h)


@dataclass(frozen=True)
class Rule:
    id: str
    provision: str
    says: str
    when: Cond
    then: tuple[str, ...]
    readings: tuple[str, ...] = ()
    check: Any = None
    origin: str = ""
    generated: bool = False
    gen: tuple = ()  # for a generated rule: (kind, params...), so its statement can be said in any language
    reads: frozenset[str] = frozenset()
    reading_set: frozenset[str] = frozenset()  # the readings, as a set (the engine unions them)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", frozenset(atoms_of(self.when)))
        object.__setattr__(self, "reading_set", frozenset(self.readings))


@dataclass(frozen=True)
class Program:
    name: str
    strata: tuple[tuple[Rule, ...], ...]
    rules: dict[str, Rule]
    reads: tuple[frozenset[str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", tuple(frozenset().union(*(r.reads for r in s)) for s in self.strata))

    def stratum_reads(self, i: int) -> frozenset[str]:
        return self.reads[i]


def parse_cond(raw: Any, where: str) -> Cond:
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("not "):
            name = text[4:].strip()
            if not ATOM_RE.match(name):
                raise RuleBaseError(f"{where}: bad atom {name!r}")
            return ("not", name)
        if not ATOM_RE.match(text):
            raise RuleBaseError(f"{where}: bad atom {text!r}")
        return ("atom", text)
    if isinstance(raw, dict) and len(raw) == 1:
        ((op, args),) = raw.items()
        if op in ("all", "any") and isinstance(args, list) and args:
            return (op, tuple(parse_cond(a, where) for a in args))
    raise RuleBaseError(f"{where}: a condition is an atom, 'not <atom>', {{all: [...]}} or {{any: [...]}}; got {raw!r}")


def atoms_of(c: Cond) -> set[str]:
    op, arg = c
    if op in ("atom", "not"):
        return {arg}  # type: ignore[arg-type]
    out: set[str] = set()
    for sub in arg:  # type: ignore[union-attr]
        out |= atoms_of(sub)  # type: ignore[arg-type]
    return out


def evaluate(c: Cond, atoms: set[str] | frozenset[str]) -> bool:
    op, arg = c
    if op == "atom":
        return arg in atoms
    if op == "not":
        return arg not in atoms
    if op == "all":
        return all(evaluate(s, atoms) for s in arg)  # type: ignore[arg-type]
    return any(evaluate(s, atoms) for s in arg)  # type: ignore[arg-type]


def _rule(raw: dict, origin: str) -> Rule:
    where = f"{origin}: rule {raw.get('id', '?')}"
    for key in ("id", "provision", "says", "when", "then"):
        if key not in raw:
            raise RuleBaseError(f"{where}: missing `{key}`")
    unknown = set(raw) - {"id", "provision", "says", "when", "then", "readings", "check"}
    if unknown:
        raise RuleBaseError(f"{where}: unknown keys {sorted(unknown)}")
    then = raw["then"] if isinstance(raw["then"], list) else [raw["then"]]
    for t in then:
        if not isinstance(t, str) or not ATOM_RE.match(t):
            raise RuleBaseError(f"{where}: bad atom in `then`: {t!r}")
    return Rule(
        id=str(raw["id"]),
        provision=str(raw["provision"]),
        says=str(raw["says"]).strip(),
        when=parse_cond(raw["when"], where),
        then=tuple(then),
        readings=tuple(raw.get("readings") or ()),
        check=raw.get("check"),
        origin=origin,
    )


def _generated_rules(article_files: dict[str, dict]) -> list[Rule]:
    """Rules that restate data held elsewhere, so it is written once."""
    voc = vocabulary()
    out: list[Rule] = []
    classes = {
        "acts": {"cc": "traf.act"},
        "means": {"cc": "means.cc", "palermo": "means.palermo"},
        "purposes": {"cc": "purpose.cc", "law55": "purpose.law55"},
    }
    prefix = {"acts": "act", "means": "means", "purposes": "purpose"}
    for kind, targets in classes.items():
        for value, entry in voc[kind].items():
            target = targets.get(entry.get("class"))
            if not target:
                continue
            atom = f"{prefix[kind]}.{value}"
            out.append(
                Rule(
                    id=f"vocab-{prefix[kind]}-{value}",
                    provision=entry["source"],
                    says=entry.get("says") or f"{entry['label'].capitalize()} is listed in {entry['source']}.",
                    # the offender's own act or means, or the group's for the joint trafficking act (CC art. 43(1))
                    when=("any", (("atom", atom), ("atom", f"joint.{atom}"))) if kind != "purposes" else ("atom", atom),
                    then=(target,),
                    readings=(entry["reading"],) if entry.get("reading") else (),
                    origin="rules/vocabulary.yaml",
                    generated=True,
                    gen=("vocab", kind, value, entry["label"], entry["source"]),
                )
            )
    for value, entry in voc["purposes"].items():
        out.append(
            Rule(
                id=f"exploitation-proves-{value}",
                provision="CC art. 166 note",
                says=f"{entry['label'].capitalize()} actually carried out also proves it was the purpose.",
                when=("atom", f"exploit.{value}"),
                then=(f"purpose.{value}",),
                origin="rules/vocabulary.yaml",
                generated=True,
                gen=("exploitation", value, entry["label"]),
            )
        )
    cat = catalogue()
    for name, data in article_files.items():
        art = str(data["article"])
        if art not in cat:
            raise RuleBaseError(f"{name}: article {art} is not in rules/articles.yaml")
        cap = cat[art].capacity_age
        source = capacity_sources().get(cap, f"CC art. {art}")
        origin = f"{name} (generated from capacity_age in rules/articles.yaml)"
        out.append(
            Rule(
                f"{art}-capacity",
                source,
                f"Liability for art. {art} starts at {cap}.",
                ("atom", f"off.cap{cap}"),
                (f"{art}.capacity.met",),
                origin=origin,
                generated=True,
                gen=("capacity", art, cap),
            )
        )
        out.append(
            Rule(
                f"{art}-no-capacity",
                source,
                f"The offender was under {cap}, the age of liability for art. {art}.",
                ("not", f"off.cap{cap}"),
                (f"{art}.capacity.not_met",),
                origin=origin,
                generated=True,
                gen=("no_capacity", art, cap),
            )
        )
        cores = sorted(
            {t for r in data["rules"] for t in _as_list(r["then"]) if re.fullmatch(rf"{re.escape(art)}\.core\.\d+", t)}
        )
        if not cores:
            raise RuleBaseError(f"{name}: no rule establishes {art}.core.<part>")
        for c in cores:
            part = int(c.rsplit(".", 1)[1])
            if (part or None) not in cat[art].parts:
                raise RuleBaseError(f"{name}: {c} names a part that rules/articles.yaml does not have for art. {art}")
        out.append(
            Rule(
                f"{art}-made-out",
                f"CC art. {art}",
                f"Some part of art. {art} is made out.",
                ("any", tuple(("atom", c) for c in cores)),
                (f"{art}.core",),
                origin=name,
                generated=True,
                gen=("made_out", art, None),
            )
        )
        out.append(
            Rule(
                f"{art}-made",
                f"CC art. {art}; CC art. 28",
                f"Art. {art} is made out against an offender with capacity.",
                ("all", (("atom", f"{art}.core"), ("atom", f"{art}.capacity.met"))),
                (f"{art}.made",),
                origin=name,
                generated=True,
                gen=("made", art, None),
            )
        )
    return out


def _as_list(x: Any) -> list:
    return x if isinstance(x, list) else [x]


def stratify(name: str, rules: list[Rule]) -> Program:
    ids = [r.id for r in rules]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise RuleBaseError(f"program {name}: duplicate rule ids {dup}")
    producers: dict[str, list[Rule]] = {}
    for r in rules:
        for a in r.then:
            producers.setdefault(a, []).append(r)
    level: dict[str, int] = {}
    visiting: set[str] = set()

    def rule_level(r: Rule) -> int:
        if r.id in level:
            return level[r.id]
        if r.id in visiting:
            raise RuleBaseError(f"program {name}: rule {r.id} ({r.origin}) depends on itself through {sorted(r.reads)}")
        visiting.add(r.id)
        lv = 0
        for a in r.reads:
            for p in producers.get(a, []):
                lv = max(lv, rule_level(p) + 1)
        visiting.discard(r.id)
        level[r.id] = lv
        return lv

    for r in rules:
        rule_level(r)
        for a in r.reads:
            if a not in producers and not a.startswith(BASE_PREFIXES):
                raise RuleBaseError(f"{r.origin}: rule {r.id} reads {a!r}, which no rule establishes and no fact provides")
    depth = max(level.values(), default=-1) + 1
    strata = tuple(tuple(r for r in rules if level[r.id] == i) for i in range(depth))
    prog = Program(name, strata, {r.id: r for r in rules})
    for i, s in enumerate(strata):
        if len(s) > MAX_RULES_PER_RULESET:
            raise RuleBaseError(f"program {name}: stratum {i} has {len(s)} rules (limit {MAX_RULES_PER_RULESET})")
        if len(prog.stratum_reads(i)) > MAX_PROPS_PER_FACT:
            raise RuleBaseError(
                f"program {name}: stratum {i} reads {len(prog.stratum_reads(i))} atoms (limit {MAX_PROPS_PER_FACT})"
            )
    return prog


# Rule files that form a program of their own (one analysis unit per victim offence, per case);
# every other rule file belongs to `qualification` (one unit per offender and victim group).
PROGRAM_OF_FILE = {"non-punishment.rules.yaml": "non_punishment", "prosecution.rules.yaml": "prosecution"}


@functools.cache
def programs() -> dict[str, Program]:
    """The programs: `qualification` (per offender × victim group), `non_punishment` (per victim
    offence) and `prosecution` (per case); compiled once per rule base and kept on disk (`cache`)."""
    return cached("programs", rules_dir(), compile_programs)


def compile_programs() -> dict[str, Program]:
    """Check the rule files and stratify them into programs."""
    files = logic_files()
    article_files = {k: v for k, v in files.items() if k.startswith("articles/")}
    rules: dict[str, list[Rule]] = {"qualification": [], **{p: [] for p in PROGRAM_OF_FILE.values()}}
    for name, data in files.items():
        target = rules[PROGRAM_OF_FILE.get(name, "qualification")]
        for raw in data.get("rules") or []:
            target.append(_rule(raw, f"rules/{name}"))
    rules["qualification"].extend(_generated_rules(article_files))
    readings = _known_readings()
    for r in (r for rs in rules.values() for r in rs):
        for rid in r.readings:
            if rid not in readings:
                raise RuleBaseError(f"{r.origin}: rule {r.id} cites unknown reading {rid}")
    return {name: stratify(name, rs) for name, rs in rules.items()}


def _known_readings() -> set[str]:
    return set(readings())


@functools.cache
def article_logic() -> dict[str, dict]:
    """Article number → its logic file (elements and rules)."""
    return {str(v["article"]): v for k, v in logic_files().items() if k.startswith("articles/")}
