"""Running a program over analysis units, memoised: rule evaluation is a pure function of a
unit's atoms, so its result is kept per (backend, program, atoms) in a bounded LRU
(`THB_MEMO=0` disables it) — audit batches repeat the same fact shapes over and over — and so is
each atom set's `Core` (its justification log and findings templates).

The backend is durable-rules (`runtime.durable`) unless `THB_BACKEND=oracle` (`runtime.oracle`).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Protocol

from ..rulebase.compiler import programs
from . import oracle
from .justification import Core, Derivation


class HasAtoms(Protocol):
    """An analysis unit as the runtime sees it: its atoms and the input paths of each."""

    atoms: set[str]
    paths: Mapping[str, list[str]]


def backend_name() -> str:
    return os.environ.get("THB_BACKEND", "durable")


_MEMO: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()


MEMO_SIZE = int(os.environ.get("THB_MEMO", "2048"))


_MEMO_LOCK = threading.Lock()


# Rule results evaluated ahead for a batch of cases (`prefetch`), per thread: a batch's units go
# to the engine together, a few sessions per stratum instead of one per case.
_AHEAD = threading.local()


def _evaluate(be: str, pname: str, units: list[set[str]]) -> list[list[str]]:
    progs = programs()
    if be == "oracle":
        return oracle.run(pname, progs[pname], progs, units)
    from . import durable

    return durable.run(pname, progs[pname], progs, units)


def _ahead() -> dict[tuple, tuple[str, ...]]:
    d = getattr(_AHEAD, "results", None)
    if d is None:
        d = _AHEAD.results = {}
    return d


def run(pname: str, units: list[set[str]], backend: str | None) -> list[list[str]]:
    """Run a program over units. Rule evaluation is a pure function of a unit's atoms, so the
    result is memoised per (backend, program, atoms) in a bounded LRU (`THB_MEMO=0` disables
    it): audit batches repeat the same fact shapes over and over."""
    be = backend or backend_name()
    keys = [(be, pname, frozenset(u)) for u in units]
    ahead = _ahead()
    found: dict[tuple, tuple[str, ...]] = {}
    with _MEMO_LOCK:
        for k in keys:
            r = _MEMO.get(k)
            if r is not None:
                _MEMO.move_to_end(k)
            else:
                r = ahead.get(k)
                if r is not None and MEMO_SIZE:
                    _MEMO[k] = r
            if r is not None:
                found[k] = r
    todo = list(dict.fromkeys(k for k in keys if k not in found))
    fresh = _evaluate(be, pname, [set(k[2]) for k in todo]) if todo else []
    with _MEMO_LOCK:
        for k, fr in zip(todo, fresh, strict=True):
            found[k] = _MEMO[k] = tuple(fr)
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    return [list(found[k]) for k in keys]


def prefetch(pname: str, units: list[set[str]], backend: str | None) -> None:
    """Evaluate the units of a batch of cases in one engine run; `run` then finds them."""
    be = backend or backend_name()
    ahead = _ahead()
    with _MEMO_LOCK:
        keys = ((be, pname, frozenset(u)) for u in units)
        todo = list(dict.fromkeys(k for k in keys if k not in ahead and k not in _MEMO and k not in _CORES))
    if todo:
        for k, fr in zip(todo, _evaluate(be, pname, [set(k[2]) for k in todo]), strict=True):
            ahead[k] = tuple(fr)


_CORES: OrderedDict[tuple, Core] = OrderedDict()


def clear_caches() -> None:
    """Forget every rule result and core: the next classifications reach the rules engine."""
    with _MEMO_LOCK:
        _MEMO.clear()
        _CORES.clear()


def derive(pname: str, units: Sequence[HasAtoms], backend: str | None) -> list[Derivation]:
    """Run a program over the units and wrap each result; cores are shared by units with the
    same atoms and kept in an LRU beside the rule-result memo."""
    be = backend or backend_name()
    prog = programs()[pname]
    keys = [(be, pname, frozenset(u.atoms)) for u in units]
    cores: dict[tuple, Core] = {}
    with _MEMO_LOCK:
        for k in keys:
            c = _CORES.get(k)
            if c is not None:
                _CORES.move_to_end(k)
                cores[k] = c
    todo = list(dict.fromkeys(k for k in keys if k not in cores))
    if todo:  # a core holds its firings: evaluated ahead for the batch, or now (not kept twice in `_MEMO`)
        ahead = _ahead()
        missing = [k for k in todo if k not in ahead]
        fresh = dict(zip(missing, _evaluate(be, pname, [set(k[2]) for k in missing]), strict=True)) if missing else {}
        for k in todo:
            cores[k] = Core(prog, k[2], tuple(ahead[k] if k in ahead else fresh[k]))
        with _MEMO_LOCK:
            for k in todo:
                _CORES[k] = cores[k]
            while len(_CORES) > MEMO_SIZE:
                _CORES.popitem(last=False)
    return [Derivation(cores[k], u.paths) for k, u in zip(keys, units, strict=True)]


def clear_ahead() -> None:
    """Forget the results evaluated ahead for a batch (done when the batch is classified)."""
    _ahead().clear()
