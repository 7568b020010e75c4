"""The only module that touches durable-rules. It exists to keep its traps away from callers.

durable-rules 2.0.28 is unmaintained and has sharp edges (`../shared/domain/reference/
durable-rules.md`, each reproduced on the development machine). This façade drives the C
core (`durable_rules_engine`, the Rete network) directly from JSON ruleset definitions and
runs its own small dispatch loop instead of `durable.engine.Host`. How each trap is handled:

- **Process-global `lang` registry, leaked timer threads, "already registered".** Not used:
  `durable.engine.Host` starts two `threading.Timer` loops that call into the C core
  concurrently with ours, and `durable.lang` keeps a global registry. One `_Host` per process
  creates its rulesets with `create_ruleset` under names unique to that host.
- **Not thread-safe.** Every call into the engine holds one process-wide lock. Parallel work
  (audits) uses processes, never threads.
- **1,024 live sessions per ruleset, then `MemoryError`, then a segfault if the failed session
  is touched.** Each run uses a fresh session id, asserts all of a stratum's facts in one call,
  and deletes the state in `finally`. After a `MemoryError` the failed session is never
  touched: the host is discarded and rebuilt under new ruleset names.
- **Deleting a session in which no action ran frees uninitialised pointers.** Found on this
  project: `createStateNode` (state.c) never initialises `context.messages`/`stateFact`; they
  are set when an action starts and cleared when it completes. valgrind reports the
  uninitialised reads in `deleteStateNode`, and about one process in five aborted with
  `munmap_chunk(): invalid pointer`. Every ruleset therefore has a sentinel rule matching
  every fact, so an action always runs and completes before `delete_state`.
- **Duplicate detection compares 32-bit hashes only** (a spurious `MessageObservedException`
  once a session holds tens of thousands of facts): a session holds at most `SESSION_UNITS`
  facts, and the sentinel's frames prove that every fact was taken in; a fact that was not is
  run again in a session of its own, and if it still is not, the run fails loudly.
- **Exceptions inside actions are swallowed** by durable's Python action runner. Our loop runs
  the bookkeeping itself; on any error it abandons the action, deletes the session and raises.
- **"No rule matched" raises `MessageNotHandledException`.** The sentinel makes every fact
  handled; the result code is still accepted.
- **Duplicate facts raise `MessageObservedException`.** Every fact carries a unique `id`.
- **Hangs past ~510 rules; 255 properties per fact.** The compiler splits the rule base into
  strata of at most 400 rules and refuses a stratum that reads more than 250 atoms; a fact only
  carries the atoms its stratum reads. A CI test builds the full rule base and classifies a case
  under a timeout.
- **Python 3.13 unsupported** (`PyEval_CallObject` removed): `requires-python <3.13`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Sequence

from ..rulebase.compiler import Program

_LOCK = threading.RLock()
_GENERATIONS = itertools.count(1)
_SIDS = itertools.count(1)
# Result codes of assertFacts that still return a state (rules.h): OK, not handled, observed, deferred.
_ACCEPTED = {0, 1, 2, 3}
# Units asserted in one session: many at once amortise the engine's per-call cost (an audit
# chunk runs as a few sessions per stratum), few enough that a 32-bit hash collision between
# fact ids stays improbable — and detected by the sentinel when it happens.
SESSION_UNITS = 256
# Every rule is `cap`ped: one action carries all the facts the rule matched in the session,
# instead of one action per fact (durable-rules "action windows").
_CAP = 4096
# An action message names its rule and carries the matched facts, each one frame:
# {"r12":[{"m":{"sid": "s1", "id": "s1-0", "t": "unit", "u": 0, "p3": true}}, …]} (or one frame unbracketed).
_KEY = re.compile(r'^\{"(\w+)":')
_FRAME = re.compile(r'\{"m":\{"sid": "[^"]*", "id": "[^"]*", "t": "unit", "u": (\d+)[,}]')


class EngineError(RuntimeError):
    """durable-rules failed; the message says how."""


def _fact_id(sid: str, unit: int) -> str:
    """A fact's identity in its session (durable-rules drops a fact whose id it has seen)."""
    return f"{sid}-{unit}"


def _frames(message: str) -> tuple[str, list[int]]:
    """The rule key and the unit numbers of one action message."""
    m = _KEY.match(message)
    units = [int(u) for u in _FRAME.findall(message)]
    if m and len(units) == message.count('{"m":'):
        return m[1], units
    (key, frames), *rest = json.loads(message).items()  # anything unexpected: the slow, sure way
    if rest:
        raise EngineError(f"durable-rules action names {len(rest) + 1} rules")
    return key, [int(f["m"]["u"]) for f in (frames if isinstance(frames, list) else [frames])]


class _Host:
    """Compiled programs loaded into the durable-rules C core: one ruleset per stratum."""

    def __init__(self, programs: dict[str, Program]):
        import durable_rules_engine as core  # the only import of durable-rules in the project

        self.core = core
        self.generation = next(_GENERATIONS)
        self.props: dict[str, dict[str, str]] = {}
        self.handles: dict[tuple[str, int], int] = {}
        self.index: dict[tuple[str, int], dict[str, int]] = {}
        for pname, prog in programs.items():
            atoms = sorted({a for r in prog.rules.values() for a in r.reads})
            props = {a: f"p{i}" for i, a in enumerate(atoms)}
            self.props[pname] = props
            for i, stratum in enumerate(prog.strata):
                names = {f"r{j}": r.id for j, r in enumerate(stratum)}
                definition = {
                    key: {"all": [{"m": {"$and": [{"t": "unit"}, self._cond(prog.rules[rid].when, props)]}}], "cap": _CAP}
                    for key, rid in names.items()
                }
                definition["sentinel"] = {"all": [{"m": {"t": "unit"}}], "cap": _CAP}
                name = f"thb_{pname}_{i}_g{self.generation}"
                self.handles[(pname, i)] = core.create_ruleset(name, json.dumps(definition))
                self.index[(pname, i)] = {key: j for j, key in enumerate(names)}

    @staticmethod
    def _cond(c, props: dict[str, str]) -> dict:
        op, arg = c
        if op == "atom":
            return {props[arg]: True}
        if op == "not":
            return {"$nex": {props[arg]: 1}}
        key = "$and" if op == "all" else "$or"
        return {key: [_Host._cond(s, props) for s in arg]}

    def _session(self, handle: int, index: dict[str, int], facts: list[dict], sid: str, hits: dict[int, list[int]]) -> set[int]:
        """Assert one session's facts and run its actions: add to `hits` the units each rule
        of the stratum (by index) fired on; return the units the sentinel saw (every fact taken in)."""
        core = self.core
        seen: set[int] = set()
        state = None
        try:
            code, state = core.assert_facts(handle, json.dumps(facts))
            if code not in _ACCEPTED:
                raise EngineError(f"durable-rules rejected the facts (code {code})")
            message = core.start_action_for_state(handle, state)
            message = message[1] if message else None
            while message is not None:
                try:
                    key, units = _frames(message)
                    if key == "sentinel":
                        seen.update(units)
                    else:
                        hits.setdefault(index[key], []).extend(units)
                except Exception:
                    core.abandon_action(handle, state)
                    raise
                message = core.complete_and_start_action(handle, state)
        except MemoryError as e:
            state = None  # the failed session must never be touched again
            raise EngineError("durable-rules session table exhausted; the host will be rebuilt") from e
        finally:
            if state is not None:
                core.delete_state(handle, sid)
        return seen

    def _stratum(self, key: tuple[str, int], facts: list[dict]) -> dict[int, list[int]]:
        """Run one stratum over facts (numbered by `u`), a session per `SESSION_UNITS`: for each
        rule that fired (by its index in the stratum), the units it fired on."""
        handle, index = self.handles[key], self.index[key]
        hits: dict[int, list[int]] = {}
        for start in range(0, len(facts), SESSION_UNITS):
            batch = facts[start : start + SESSION_UNITS]
            sid = f"s{next(_SIDS)}"
            seen = self._session(handle, index, [{"sid": sid, "id": _fact_id(sid, x["u"]), **x} for x in batch], sid, hits)
            for x in batch:
                if x["u"] not in seen:  # dropped as a duplicate (hash collision): run it alone
                    sid = f"s{next(_SIDS)}"
                    if x["u"] not in self._session(handle, index, [{"sid": sid, "id": _fact_id(sid, x["u"]), **x}], sid, hits):
                        raise EngineError(f"durable-rules did not take in fact {x['u']} of stratum {key}")
        return hits

    def run(self, pname: str, prog: Program, units: Sequence[set[str]]) -> list[list[str]]:
        atoms = [set(u) for u in units]
        fired: list[list[str]] = [[] for _ in units]
        props = self.props[pname]
        for i, stratum in enumerate(prog.strata):
            if not stratum or not units:
                continue
            reads = prog.stratum_reads(i)
            facts = []
            for k, a in enumerate(atoms):
                fact: dict = {"t": "unit", "u": k}
                fact.update({props[x]: True for x in sorted(a & reads)})
                facts.append(fact)
            # rule by rule in the stratum's order, so each unit's firings come in the order the
            # oracle fires them, whatever the order of durable-rules' agenda
            for j, on in sorted(self._stratum((pname, i), facts).items()):
                rule = stratum[j]
                for k in dict.fromkeys(on):  # a rule whose `any` holds twice matches twice: it fired once
                    fired[k].append(rule.id)
                    atoms[k].update(rule.then)
        return fired


_HOST: _Host | None = None


def run(pname: str, prog: Program, programs: dict[str, Program], units: Sequence[set[str]]) -> list[list[str]]:
    """Run one program over the units of one case; return, per unit, the ids of the rules that fired."""
    global _HOST
    with _LOCK:
        if _HOST is None:
            _HOST = _Host(programs)
        try:
            return _HOST.run(pname, prog, units)
        except EngineError as e:
            if isinstance(e.__cause__, MemoryError):
                _HOST = None  # rebuild under fresh ruleset names; never touch the failed session
            raise


def reset() -> None:
    """Discard the host; the next run builds a new one (tests use it to prove a rebuild works)."""
    global _HOST
    with _LOCK:
        _HOST = None
