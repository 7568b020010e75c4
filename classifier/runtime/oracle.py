"""A pure-Python evaluator of the same compiled rule data: the test oracle.

It runs the strata exactly as the durable-rules façade does, but with a plain loop. The
differential test runs both on generated fact patterns and requires identical findings; it
also keeps a route open should durable-rules ever have to be replaced (`THB_BACKEND=oracle`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..rulebase.compiler import Program, evaluate


def run(pname: str, prog: Program, programs: dict[str, Program], units: Sequence[set[str]]) -> list[list[str]]:
    atoms = [set(u) for u in units]
    fired: list[list[str]] = [[] for _ in units]
    for stratum in prog.strata:
        for k, a in enumerate(atoms):
            snapshot = frozenset(a)
            for r in stratum:
                if evaluate(r.when, snapshot):
                    fired[k].append(r.id)
                    a.update(r.then)
    return fired
