"""Which circumstances can still change the findings — worked out from the rule base, not by hand.

A circumstance the interview is about to ask is a flag (`flag.<name>`). It can matter only through
the rules that read it (their `when`, or the `unless` of a rule's `check`). Given the answers so
far, the question is whether some answers to the questions still to come would let one of those
rules fire and carry the flag's effect to something the findings show:

1. *What is settled*: the atoms the answers so far give, in every analysis unit of the case
   (one offender × one victim group) and, for a victim whose age is not stated, in every child age
   band the engine also runs. An answer left unknown gives no atom, and no later question can add
   it: the file records only what was stated.
2. *What is open*: the flags of the circumstances not asked yet (the one being asked among them),
   and whatever a later question can still add (the abduction asked after the circumstances, the
   damage asked after the property).
3. *What can hold*: every atom the rules could establish in some completion — settled atoms, open
   atoms, then every rule whose condition could be met (an atom that can hold; `not` an atom
   unless it is settled true), to a fixed point. This over-approximates every completion.
4. *What the flag reaches*: the atoms of the rules that read it and could fire, and so on.
5. It *matters* if it reaches something the findings show: an atom of an article that can be
   made out (`<article>.core` can hold), a missing fact or a warning (`rules/missing-facts.rules.yaml`,
   `rules/warnings.rules.yaml`), or any other atom no rule reads.

Otherwise no answer to it changes a finding, and the interview does not ask it. The analysis is
sound because every step over-approximates what can happen; `tests/test_interview_answers.py`
checks it against the engine itself (answering a skipped question either way gives the same
qualifications).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..rulebase.compiler import ATOM_RE, Cond, Rule, article_logic, programs
from ..rulebase.files import logic_files


@functools.cache
def _rule_index() -> tuple[tuple[Rule, ...], dict[str, tuple[tuple[Rule, str | None], ...]], frozenset[str], frozenset[str]]:
    """The rules; who reads each atom (a rule, and for the `unless` of a check's discount, the item
    without which the discount, and so the atom, changes nothing); every atom read; the atoms the
    findings show as a missing fact or a warning."""
    rules = tuple(programs()["qualification"].rules.values())
    readers: dict[str, list[tuple[Rule, str | None]]] = defaultdict(list)
    read: set[str] = set()
    for r in rules:
        for a in r.reads:
            readers[a].append((r, None))
            read.add(a)
        for a, guard in _check_atoms(r.check):
            readers[a].append((r, guard))
            read.add(a)
    files = logic_files()
    shown = set(files["missing-facts.rules.yaml"].get("facts") or {}) | set(files["warnings.rules.yaml"].get("texts") or {})
    return rules, {a: tuple(rs) for a, rs in readers.items()}, frozenset(read), frozenset(shown)


_ITEM = re.compile(r"^(\w+(?:-\w+)?)\((\d+)\)(\d+)$")


def _check_atoms(check: Any) -> list[tuple[str, str | None]]:
    """The atoms a rule's `check` reads, for the role it decides: the `unless` of a discount, which
    matters only when the discounted item ("166(3)1" → `166.item.3.1`) holds."""
    if not isinstance(check, dict):
        return []
    out: list[tuple[str, str | None]] = []
    discount = check.get("discount")
    if isinstance(discount, dict) and isinstance(discount.get("unless"), str):
        m = _ITEM.match(str(discount.get("item", "")))
        out.append((discount["unless"], f"{m[1]}.item.{m[2]}.{m[3]}" if m else None))
    for k, v in check.items():  # any other atom a check may name in future: read unguarded
        if k != "discount" and isinstance(v, str) and "." in v and ATOM_RE.match(v):
            out.append((v, None))
    return out


def _can(c: Cond, holds: frozenset[str] | set[str], settled: frozenset[str]) -> bool:
    """Whether the condition could be met in some completion."""
    op, arg = c
    if op == "atom":
        return arg in holds
    if op == "not":
        return arg not in settled
    if op == "all":
        return all(_can(s, holds, settled) for s in arg)  # type: ignore[arg-type]
    return any(_can(s, holds, settled) for s in arg)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1024)
def _could_hold(settled: frozenset[str], open_: frozenset[str]) -> frozenset[str]:
    rules = _rule_index()[0]
    holds = set(settled) | set(open_)
    changed = True
    while changed:
        changed = False
        for r in rules:
            if not holds.issuperset(r.then) and _can(r.when, holds, settled):
                holds.update(r.then)
                changed = True
    return frozenset(holds)


def _article(atom: str) -> str | None:
    head = atom.split(".", 1)[0]
    return head if head in article_logic() else None


@functools.lru_cache(maxsize=4096)
def _matters_in(flag_atom: str, settled: frozenset[str], open_: frozenset[str]) -> tuple[bool, frozenset[str]]:
    """Whether `flag_atom` can change what the findings show in this world, and the articles it
    reaches (to say why not)."""
    _, readers, read, shown = _rule_index()
    holds = _could_hold(settled, open_ | {flag_atom})  # the same for every flag of a question: cached
    reached = {flag_atom}
    todo = [flag_atom]
    while todo:
        a = todo.pop()
        for r, guard in readers.get(a, ()):
            if (guard is None or guard in holds) and _can(r.when, holds, settled):
                for t in r.then:
                    if t not in reached:
                        reached.add(t)
                        todo.append(t)
    articles = set()
    for t in reached - {flag_atom}:
        art = _article(t)
        if art is not None:
            articles.add(art)
            if f"{art}.core" in holds:
                return True, frozenset()
        elif t in shown or t not in read:
            return True, frozenset()
    return False, frozenset(articles)


def cannot_matter(
    flags: Iterable[str], worlds: list[frozenset[str]], open_flags: Iterable[str], extra_open: Iterable[str] = ()
) -> dict[str, frozenset[str]]:
    """The flags (circumstance names) among `flags` that no answer can make matter, each with the
    articles it would have reached. `worlds`: the settled atoms of every unit and age band;
    `open_flags`: the circumstances still to be asked (these included); `extra_open`: other
    atoms a later question can add."""
    open_ = frozenset({f"flag.{f}" for f in open_flags} | set(extra_open))
    out: dict[str, frozenset[str]] = {}
    for f in flags:
        atom = f"flag.{f}"
        reached: set[str] = set()
        for w in worlds:
            ok, arts = _matters_in(atom, w - {atom}, open_)
            if ok:
                break
            reached |= arts
        else:
            out[f] = frozenset(reached)
    return out


def base_atoms(prefix: str) -> set[str]:
    """The atoms with this prefix that rules read and no rule establishes: those the facts give."""
    rules, _, read, _ = _rule_index()
    established = {t for r in rules for t in r.then}
    return {a for a in read if a.startswith(prefix) and a not in established}


def worlds_of(facts: dict[str, Any]) -> list[frozenset[str]] | None:
    """The settled atoms of every analysis unit of these facts, with the child age bands of a victim
    whose age is not stated; None when the facts are not a valid fact pattern yet."""
    from pydantic import ValidationError

    from ..analysis.qualify import Plan
    from ..models import FactPattern

    try:
        fp = FactPattern.model_validate(facts)
    except ValidationError:
        return None
    return [frozenset(a) for a in Plan.of(fp).atoms()]
