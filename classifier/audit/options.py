"""An audit's options and result, the range of lines, the output kinds, and the pool of worker processes."""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool

from ..errors import InputError
from ..i18n import tr
from .base import AuditFailure
from .worker import init_worker, ping, process_chunk


# ============================================================================ the audit
@dataclasses.dataclass
class AuditOptions:
    input: str
    out: str
    input_format: str | None = None
    jobs: int | None = None
    resume: bool = False
    force: bool = False
    keep_text: bool = False
    lines: tuple[int, int | None] | None = None
    chunk_size: int | None = None
    commit_interval: float = 1.0


@dataclasses.dataclass
class AuditResult:
    out: str
    status: str  # complete | already_complete
    records: int = 0  # handled in this run
    ok: int = 0
    invalid: int = 0
    total_results: int = 0
    total_invalid: int = 0
    seconds: float = 0.0
    resumed_from_line: int | None = None
    notes: list[str] = dataclasses.field(default_factory=list)
    examples: list[str] = dataclasses.field(default_factory=list)  # the first few errors of this run


Progress = Callable[[int, int, int, float], None]  # (lines done, lines total, records this run, seconds)


def parse_lines(spec: str) -> tuple[int, int | None]:
    m = re.fullmatch(r"\s*(\d*)\s*:\s*(\d*)\s*", spec)
    if not m or not (m.group(1) or m.group(2)):
        raise InputError(tr("audit.opt.bad_lines", spec=repr(spec)))
    start = int(m.group(1)) if m.group(1) else 1
    end = int(m.group(2)) if m.group(2) else None
    if start < 1 or (end is not None and end < start):
        raise InputError(tr("audit.opt.lines_order", spec=repr(spec)))
    return start, end


def out_kind(out: str) -> str:
    low = out.lower()
    if low.endswith((".sqlite", ".sqlite3", ".db")):
        return "sqlite"
    if low.endswith(".jsonl"):
        return "jsonl"
    if low.endswith(".csv"):
        return "csv"
    raise InputError(tr("audit.opt.bad_out", out=out))


def work_db(out: str) -> str:
    """Where a .jsonl/.csv audit keeps its resumable state until the file is written."""
    return out + ".work.sqlite" if out_kind(out) != "sqlite" else out


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _mp_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["classifier.audit"])
        return ctx
    return multiprocessing.get_context("spawn")


class Pool:
    """A process pool that can be rebuilt after a worker dies (durable-rules can crash a process)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.ex = self._new()
        try:
            self.ex.submit(ping).result()
        except BrokenProcessPool:
            self.ex.shutdown(wait=False, cancel_futures=True)
            raise AuditFailure(tr("audit.fail.workers_start")) from None

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=_mp_context(), initializer=init_worker, initargs=(os.getpid(),)
        )

    def submit(self, task: tuple) -> Future:
        return self.ex.submit(process_chunk, task)

    def restart(self) -> None:
        self.ex.shutdown(wait=False, cancel_futures=True)
        self.ex = self._new()

    def close(self) -> None:
        """After the last chunk: let the workers finish and exit."""
        self.ex.shutdown(wait=True)

    def stop(self, running: list[Future]) -> None:
        """Stop now (an interruption, an error): nothing new starts; the chunks being classified get
        STOP_WAIT seconds to finish — a worker ended while it sends its results would leave half a
        message in the pool's pipe, on which the pool's own thread then waits forever, and with it
        the process's exit. A worker still busy after that is ended, and the process must then end
        with `os._exit` (`hard_stopped()`); the parent alone writes the database, so nothing is lost."""
        procs = list((getattr(self.ex, "_processes", None) or {}).values())
        self.ex.shutdown(wait=False, cancel_futures=True)
        _done, busy = wait_futures([f for f in running if not f.cancelled()], timeout=STOP_WAIT)
        if not busy:
            return
        _HARD_STOP["yes"] = True
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.kill()


STOP_WAIT = 5.0  # seconds the chunks being classified get to finish when an audit stops
SECOND_SIGNAL_GRACE = 3.0  # seconds a second Ctrl-C waits for the stopping audit before it ends the process
_HARD_STOP = {"yes": False}


def hard_stopped() -> bool:
    """True when a worker had to be killed while stopping: the command must end with `os._exit`
    (the pool's thread may wait for ever on what that worker was sending)."""
    return _HARD_STOP["yes"]
