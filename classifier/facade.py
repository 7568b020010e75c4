"""The only module that touches durable-rules. It exists to keep its traps away from callers.

durable-rules 2.0.28 is unmaintained and has sharp edges (`../shared/domain/reference/
durable-rules.md`, each reproduced on the development machine). How each is handled here:

- **Process-global registry, leaked timer threads.** We never use `durable.lang`. One `Host`
  per process is built from JSON ruleset definitions, and our `Host` subclass does not start
  the two background `threading.Timer` loops (`Host._run`): we use no timers, and those loops
  call into the C core concurrently with our calls.
- **Not thread-safe.** Every call into the engine holds one process-wide lock. Parallel work
  (audits) uses processes, never threads.
- **1,024 live sessions per ruleset, then `MemoryError`, then a segfault if the failed session
  is touched.** Each run uses a fresh session id, asserts all of a stratum's facts in one call,
  and deletes the state in `finally`. After a `MemoryError` the failed session is never touched:
  the host is discarded and rebuilt under new ruleset names.
- **Exceptions inside actions are swallowed** (stored in the returned state). Our actions
  record the exception themselves and the façade re-raises it; a state carrying `exception`
  is raised too.
- **"No rule matched" raises `MessageNotHandledException`.** Every ruleset has a sentinel rule
  that matches every fact, so it cannot happen; it is still caught and ignored.
- **Deleting a session in which no action ran frees uninitialised pointers** (found here:
  `createStateNode` in state.c never initialises `context.messages`/`context.stateFact`; valgrind
  reports the uninitialised reads, and about one process in five aborted with
  `munmap_chunk(): invalid pointer`). The sentinel rule guarantees an action ran before
  `delete_state`.
- **Duplicate facts raise `MessageObservedException`.** Every fact carries a unique `id`.
- **Hangs past ~510 rules; 255 properties per fact.** The compiler splits the rule base into
  strata of at most 400 rules and refuses a stratum that reads more than 250 atoms; a fact only
  carries the atoms its stratum reads. A CI test builds the full rule base and classifies a case
  under a timeout.
- **Python 3.13 unsupported** (`PyEval_CallObject` removed): `requires-python <3.13`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence

from .compiler import Program, Rule

_LOCK = threading.RLock()
_NAMES = itertools.count(1)
_SIDS = itertools.count(1)


class EngineError(RuntimeError):
    """durable-rules failed; the message says how."""


class _Host:
    """A durable-rules host for a set of compiled programs, with no background threads."""

    def __init__(self, programs: dict[str, Program]):
        from durable import engine as de  # the only import of durable-rules in the project

        class QuietHost(de.Host):
            def _run(self) -> None:  # no dispatch/timer threads: we use no timers or async actions
                return None

        self._de = de
        self.generation = next(_NAMES)
        self.collector: list[tuple[int, str]] | None = None
        self.errors: list[BaseException] = []
        self.props: dict[str, dict[str, str]] = {}
        self.names: dict[tuple[str, int], str] = {}
        definitions: dict[str, dict] = {}
        for pname, prog in programs.items():
            props = {a: f"p{i}" for i, a in enumerate(sorted({a for r in prog.rules.values() for a in r.reads}))}
            self.props[pname] = props
            for i, stratum in enumerate(prog.strata):
                rs_name = f"thb_{pname}_{i}_g{self.generation}"
                self.names[(pname, i)] = rs_name
                rules = {
                    f"r{j}": {"all": [{"m": {"$and": [{"t": "unit"}, self._cond(r.when, props)]}}], "run": self._action(r)}
                    for j, r in enumerate(stratum)
                }
                # The sentinel matches every unit fact, so an action always runs in every session.
                # durable-rules' createStateNode leaves context.messages/stateFact uninitialised
                # until an action starts (state.c); deleting a session where none ran frees heap
                # garbage ("munmap_chunk(): invalid pointer", reproduced under valgrind).
                rules["sentinel"] = {"all": [{"m": {"t": "unit"}}], "run": self._sentinel}
                definitions[rs_name] = rules
        self.host = QuietHost(definitions)

    @staticmethod
    def _cond(c, props: dict[str, str]) -> dict:
        op, arg = c
        if op == "atom":
            return {props[arg]: True}
        if op == "not":
            return {"$nex": {props[arg]: 1}}
        key = "$and" if op == "all" else "$or"
        return {key: [_Host._cond(s, props) for s in arg]}

    @staticmethod
    def _sentinel(c) -> None:
        return None

    def _action(self, rule: Rule):
        rid = rule.id

        def act(c) -> None:
            try:
                self.collector.append((int(c.m["u"]), rid))  # type: ignore[union-attr]
            except BaseException as e:  # durable-rules would swallow it: keep it to re-raise
                self.errors.append(e)
                raise

        return act

    def run(self, pname: str, prog: Program, units: Sequence[set[str]]) -> list[list[str]]:
        atoms = [set(u) for u in units]
        fired: list[list[str]] = [[] for _ in units]
        props = self.props[pname]
        for i, stratum in enumerate(prog.strata):
            if not stratum or not units:
                continue
            reads = prog.stratum_reads(i)
            rs_name = self.names[(pname, i)]
            sid = f"s{next(_SIDS)}"
            facts = []
            for k, a in enumerate(atoms):
                fact = {"sid": sid, "id": f"{sid}-{k}", "t": "unit", "u": k}
                fact.update({props[x]: True for x in a & reads})
                facts.append(fact)
            self.collector, self.errors = [], []
            state = None
            poisoned = False
            try:
                state = self.host.assert_facts(rs_name, facts)
            except self._de.MessageNotHandledException:
                pass  # no rule of this stratum matched any unit
            except MemoryError as e:
                poisoned = True  # the failed session must never be touched again
                raise EngineError("durable-rules session table exhausted; the host will be rebuilt") from e
            finally:
                if not poisoned:
                    try:
                        self.host.delete_state(rs_name, sid)
                    except Exception:  # noqa: BLE001 - a session with no state is fine
                        pass
            if self.errors:
                raise EngineError(f"a rule action failed in {rs_name}") from self.errors[0]
            if isinstance(state, dict) and state.get("exception"):
                raise EngineError(f"durable-rules reported an exception in {rs_name}: {state['exception']}")
            for k, rid in self.collector:
                fired[k].append(rid)
                atoms[k].update(prog.rules[rid].then)
            self.collector = None
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
    """Discard the host (tests use it to prove a rebuild works)."""
    global _HOST
    with _LOCK:
        _HOST = None
