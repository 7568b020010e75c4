"""Warm workers: the rule base compiled once in the fork server."""

from __future__ import annotations

import contextlib
import gc

from .csvformat import CSV_EXAMPLE


# ============================================================================ warm workers
def warm_caches() -> None:
    """Compile the rule base once, in the fork server, so that every worker forks warm.

    Only the pure-Python oracle runs here (the same rules, no durable-rules): no engine state
    exists in the process that workers are forked from; each worker builds its own host."""
    from ..analysis.pipeline import classify

    with contextlib.suppress(Exception):
        classify(CSV_EXAMPLE, backend="oracle")
    gc.freeze()  # the compiled rule base is permanent: the workers' collections never walk it
