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

from .compiler import Program

_LOCK = threading.RLock()
_GENERATIONS = itertools.count(1)
_SIDS = itertools.count(1)
# Result codes of assertFacts that still return a state (rules.h): OK, not handled, observed, deferred.
_ACCEPTED = {0, 1, 2, 3}
# An action message names its rule and carries the fact; our facts start with sid, id, t, u.
_MESSAGE = re.compile(r'^\{"(\w+)":\{"m":\{"sid": "[^"]*", "id": "[^"]*", "t": "unit", "u": (\d+)[,}]')


class EngineError(RuntimeError):
    """durable-rules failed; the message says how."""


class _Host:
    """Compiled programs loaded into the durable-rules C core: one ruleset per stratum."""

    def __init__(self, programs: dict[str, Program]):
        import durable_rules_engine as core  # the only import of durable-rules in the project

        self.core = core
        self.generation = next(_GENERATIONS)
        self.props: dict[str, dict[str, str]] = {}
        self.handles: dict[tuple[str, int], int] = {}
        self.rule_ids: dict[tuple[str, int], dict[str, str]] = {}
        for pname, prog in programs.items():
            atoms = sorted({a for r in prog.rules.values() for a in r.reads})
            props = {a: f"p{i}" for i, a in enumerate(atoms)}
            self.props[pname] = props
            for i, stratum in enumerate(prog.strata):
                names = {f"r{j}": r.id for j, r in enumerate(stratum)}
                definition = {
                    key: {"all": [{"m": {"$and": [{"t": "unit"}, self._cond(prog.rules[rid].when, props)]}}]}
                    for key, rid in names.items()
                }
                definition["sentinel"] = {"all": [{"m": {"t": "unit"}}]}
                name = f"thb_{pname}_{i}_g{self.generation}"
                self.handles[(pname, i)] = core.create_ruleset(name, json.dumps(definition))
                self.rule_ids[(pname, i)] = names

    @staticmethod
    def _cond(c, props: dict[str, str]) -> dict:
        op, arg = c
        if op == "atom":
            return {props[arg]: True}
        if op == "not":
            return {"$nex": {props[arg]: 1}}
        key = "$and" if op == "all" else "$or"
        return {key: [_Host._cond(s, props) for s in arg]}

    def _stratum(self, handle: int, names: dict[str, str], facts: list[dict], sid: str) -> list[tuple[int, str]]:
        core = self.core
        fired: list[tuple[int, str]] = []
        state = None
        try:
            code, state = core.assert_facts(handle, json.dumps(facts))
            if code not in _ACCEPTED:
                raise EngineError(f"durable-rules rejected the facts (code {code})")
            message = core.start_action_for_state(handle, state)
            message = message[1] if message else None
            while message is not None:
                try:
                    m = _MESSAGE.match(message)  # {"r12":{"m":{"sid": …, "id": …, "t": "unit", "u": 3, …}}}
                    pairs = [(m[1], int(m[2]))] if m else [(k, int(b["m"]["u"])) for k, b in json.loads(message).items()]
                    for key, unit in pairs:
                        if key != "sentinel":
                            fired.append((unit, names[key]))
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
        return fired

    def run(self, pname: str, prog: Program, units: Sequence[set[str]]) -> list[list[str]]:
        atoms = [set(u) for u in units]
        fired: list[list[str]] = [[] for _ in units]
        props = self.props[pname]
        for i, stratum in enumerate(prog.strata):
            if not stratum or not units:
                continue
            reads = prog.stratum_reads(i)
            sid = f"s{next(_SIDS)}"
            facts = []
            for k, a in enumerate(atoms):
                fact = {"sid": sid, "id": f"{sid}-{k}", "t": "unit", "u": k}
                fact.update({props[x]: True for x in sorted(a & reads)})
                facts.append(fact)
            for k, rid in self._stratum(self.handles[(pname, i)], self.rule_ids[(pname, i)], facts, sid):
                fired[k].append(rid)
                atoms[k].update(prog.rules[rid].then)
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
