"""Running an audit: interrupts, the writer's lock, opening or creating the database, the chunks in input order, recovery from crashed workers, writing each chunk."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import signal
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..errors import InputError
from ..fileio import output_target
from ..i18n import tr
from ..safetext import clip, cut, storable
from .base import SCHEMA_VERSION, AuditFailure
from .export import export
from .options import SECOND_SIGNAL_GRACE, AuditOptions, AuditResult, Pool, Progress, default_jobs, out_kind, work_db
from .reader import InputInfo, Item, hash_input, input_format, inspect_input, iter_items
from .rows import RESULT_COLUMNS
from .store import SCHEMA, connect, engine_version, integrity, is_sqlite, now, read_meta, remove_db
from .worker import findings_language, invalid


@contextlib.contextmanager
def _interrupts() -> Iterator[None]:
    """Ctrl-C and SIGTERM stop the audit once, in order (KeyboardInterrupt: whole chunks committed, the
    workers ended, the status `interrupted`). A second signal never breaks that clean-up, which takes
    a fraction of a second; should it still be running SECOND_SIGNAL_GRACE seconds after the first
    signal, the second one ends the process at once — as after kill -9, the last commit is kept."""
    state = {"first": 0.0}

    def handler(signum: int, frame: Any) -> None:
        if not state["first"]:
            state["first"] = time.monotonic()
            raise KeyboardInterrupt
        if time.monotonic() - state["first"] > SECOND_SIGNAL_GRACE:
            with contextlib.suppress(Exception):
                os.write(2, (tr("audit.run.stopped_now") + "\n").encode("utf-8", "replace"))
            os._exit(130)

    try:
        old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        if not state["first"]:
            for sig, h in old.items():
                signal.signal(sig, h)
        else:  # stopping: a later Ctrl-C must not raise in, nor kill, the exit that follows (the
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # interpreter puts back the default handler)


class WriterLock:
    """One writer per results database, for the whole run: an exclusive `flock` on `RESULTS.lock`
    beside it, which names the holder's pid. The kernel releases it when the holder ends, however it
    ends (kill -9 included), so a lock file left behind never blocks an audit."""

    def __init__(self, out: str):
        self.path = out + ".lock"
        self.fd: int | None = None

    def acquire(self, shown: str) -> None:
        import fcntl

        for _ in range(100):  # the file can be removed between open and lock by a holder finishing
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as e:
                raise InputError(tr("audit.lock.cannot", path=self.path, why=e.strerror)) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_pid(fd)
                os.close(fd)
                raise InputError(tr("audit.lock.held", path=shown, pid=holder or "?", lock=self.path)) from None
            except OSError as e:
                os.close(fd)
                raise InputError(tr("audit.lock.cannot", path=self.path, why=e.strerror)) from None
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self.fd = fd
            return
        raise InputError(tr("audit.lock.cannot", path=self.path, why="busy"))

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)  # while still held: a waiting process then sees a new file, never this one
        os.close(self.fd)
        self.fd = None


def _read_pid(fd: int) -> str | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return text if text.isdigit() else None


def _remove_stale_exports(out: str) -> None:
    """A run killed while writing a .jsonl/.csv output leaves its temporary file (`.NAME.xxxxxxxx.tmp`);
    with the lock held no other run is writing one, so every such file is stale."""
    folder = os.path.dirname(os.path.abspath(out))
    pattern = re.compile(re.escape(f".{os.path.basename(out)}.") + r"[A-Za-z0-9_]{8}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _is_empty_db(conn: sqlite3.Connection) -> bool:
    """A database with no table, or the schema without any meta or row: what a run killed before its
    first commit could leave (before the schema and meta were written in one transaction)."""
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return True
        if not {"meta", "results", "invalid"} <= tables:
            return False
        return all(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0 for t in ("meta", "results", "invalid"))
    except sqlite3.DatabaseError:
        return False


def _open_for_audit(opts: AuditOptions, info: InputInfo, version: str, result: AuditResult) -> sqlite3.Connection | None:
    """Create, replace or reopen the results database; None when an earlier run already finished."""
    kind = out_kind(opts.out)
    db = work_db(opts.out)
    if opts.resume and opts.force:
        raise InputError(tr("audit.opt.resume_and_force"))
    exists = os.path.exists(db) or os.path.exists(opts.out)
    lines = f"{opts.lines[0]}:{opts.lines[1] or ''}" if opts.lines else "all"
    if exists and not (opts.resume or opts.force):
        held = db if os.path.exists(db) else opts.out
        raise InputError(tr("audit.db.exists", path=held))
    if opts.force:
        remove_db(db)
    if opts.resume:
        if not os.path.exists(db):
            if kind != "sqlite" and os.path.exists(opts.out):
                result.status = "already_complete"
                result.notes.append(tr("audit.db.complete_nothing_to_resume", path=opts.out))
                return None
            result.notes.append(tr("audit.db.nothing_to_resume", path=db))
        else:
            if os.path.getsize(db) and not is_sqlite(db):
                raise InputError(tr("audit.db.not_sqlite_resume", path=db))
            conn = connect(db)
            try:
                integrity(conn, db)
            except InputError:
                conn.close()
                raise
            if _is_empty_db(conn):  # killed before its first commit: nothing to resume, nothing lost
                conn.close()
                remove_db(db)
                result.notes.append(tr("audit.db.empty_restart", path=db))
                return _create_db(opts, info, version, db, lines)
            try:
                meta = read_meta(conn)
            except sqlite3.DatabaseError:
                conn.close()
                raise InputError(tr("audit.db.no_meta", path=db)) from None
            expect = {
                "schema_version": str(SCHEMA_VERSION),
                "input_sha256": info.sha256,
                "input_size": str(info.size),
                "input_format": info.fmt,
                "lines": lines,
                "keep_text": str(int(opts.keep_text)),
                "language": findings_language(),
                "engine_version": version,
            }
            for key, want in expect.items():
                if meta.get(key) != want:
                    conn.close()
                    what = tr(f"audit.db.what.{key}")
                    raise InputError(tr("audit.db.cannot_resume", path=db, what=what, have=repr(meta.get(key)), want=repr(want)))
            if meta.get("input_path") != info.path:
                result.notes.append(tr("audit.db.input_moved", path=meta.get("input_path")))
                conn.execute("UPDATE meta SET value=? WHERE key='input_path'", (info.path,))
            if meta.get("status") == "complete":
                result.status = "already_complete"
                result.notes.append(tr("audit.db.already_complete", path=db))
                if kind != "sqlite":
                    conn.close()
                    export(db, opts.out, kind)
                    remove_db(db)
                    return None
                return conn
            return conn
    return _create_db(opts, info, version, db, lines)


def _create_db(opts: AuditOptions, info: InputInfo, version: str, db: str, lines: str) -> sqlite3.Connection:
    """A new results database: the schema and `meta` in one transaction, so that no run, however it
    is stopped, leaves a database with tables and no meta."""
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "tool": "thb audit",
        "input_path": info.path,
        "input_name": os.path.basename(info.path),
        "input_format": info.fmt,
        "input_size": str(info.size),
        "input_sha256": info.sha256,
        "input_lines": str(info.total_lines),
        "lines": lines,
        "keep_text": str(int(opts.keep_text)),
        "language": findings_language(),
        "engine_version": version,
        "started_at": now(),
        "finished_at": "",
        "status": "running",
        "next_line": str(info.data_line),
        "next_offset": str(info.data_offset),
        "records": "0",
        "runs": "0",
    }
    conn = connect(db)
    try:
        conn.execute("BEGIN")
        for statement in filter(str.strip, SCHEMA.split(";")):
            conn.execute(statement)
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        raise
    return conn


def run_audit(opts: AuditOptions, progress: Progress | None = None) -> AuditResult:
    """Run (or resume) one audit. InputError for a problem the user can fix; never a partial output file.
    One writer at a time: the run holds `WriterLock(out)` from before it opens anything until it ends."""
    kind = out_kind(opts.out)
    fmt = input_format(opts.input, opts.input_format)
    if opts.resume and opts.force:
        raise InputError(tr("audit.opt.resume_and_force"))
    shown = opts.out
    target = str(output_target(opts.out, "--out", [opts.input]))
    if os.path.exists(opts.input) and _same_file(work_db(target), opts.input):
        raise InputError(tr("audit.opt.out_is_input", out=work_db(opts.out)))
    if target != opts.out and os.path.islink(opts.out):  # a link to the results: the run works on its target
        opts = dataclasses.replace(opts, out=target)
    directory = os.path.dirname(os.path.abspath(opts.out))
    if not os.path.isdir(directory):
        raise InputError(tr("audit.opt.no_directory", out=shown, directory=directory))
    if not os.access(directory, os.W_OK):
        raise InputError(tr("audit.opt.not_writable", out=shown, directory=directory))
    lock = WriterLock(opts.out)
    lock.acquire(shown)
    try:
        with _interrupts():
            return _audit_locked(opts, kind, fmt, progress)
    finally:
        lock.release()


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _audit_locked(opts: AuditOptions, kind: str, fmt: str, progress: Progress | None) -> AuditResult:
    info = inspect_input(opts.input, fmt)
    if kind != "sqlite":
        _remove_stale_exports(opts.out)
    version = engine_version()
    result = AuditResult(out=opts.out, status="complete")
    conn = _open_for_audit(opts, info, version, result)
    if conn is None:
        return result
    try:
        meta = read_meta(conn)
        if meta.get("status") != "complete":
            _run(conn, opts, info, meta, result, progress)
            _check_input_unchanged(conn, info, result)
        result.total_results = conn.execute("SELECT count(*) FROM results").fetchone()[0]
        result.total_invalid = conn.execute("SELECT count(*) FROM invalid").fetchone()[0]
        with contextlib.suppress(sqlite3.OperationalError):  # a reader (thb report) may hold the WAL open
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")  # a finished database is one self-contained file
    finally:
        conn.close()
    if kind != "sqlite":
        db = work_db(opts.out)
        export(db, opts.out, kind)
        remove_db(db)
    return result


def _check_input_unchanged(conn: sqlite3.Connection, info: InputInfo, result: AuditResult) -> None:
    """Hash the input again at the end: a file edited while the audit read it gives results of
    neither version. Say so (a note, and `input_changed` in meta, which `thb report` shows)."""
    try:
        size, _lines, digest, _blank = hash_input(info.path)
    except InputError:
        size, digest = -1, ""
    if (size, digest) != (info.size, info.sha256):
        result.notes.append(tr("audit.input.changed", path=info.path))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('input_changed', '1')")


def _run(
    conn: sqlite3.Connection,
    opts: AuditOptions,
    info: InputInfo,
    meta: dict[str, str],
    result: AuditResult,
    progress: Progress | None,
) -> None:
    jobs = opts.jobs or default_jobs()
    first, last = opts.lines or (1, None)
    next_line, next_offset = int(meta["next_line"]), int(meta["next_offset"])
    done_records = int(meta["records"])
    if done_records or next_line > info.data_line:
        result.resumed_from_line = next_line
    # A killed run can only have lost uncommitted work; clear anything past the committed mark.
    with conn:
        conn.execute("BEGIN")
        conn.execute("DELETE FROM results WHERE line >= ?", (next_line,))
        conn.execute("DELETE FROM invalid WHERE line >= ?", (next_line,))
        conn.execute("UPDATE meta SET value=? WHERE key='status'", ("running",))
        conn.execute("UPDATE meta SET value=CAST(value AS INTEGER)+1 WHERE key='runs'")
    range_lo = max(first, info.data_line)
    range_hi = min(last, info.total_lines) if last is not None else info.total_lines
    total = max(0, range_hi - range_lo + 1)

    def lines_done(next_l: int) -> int:
        return max(0, min(next_l, range_hi + 1) - range_lo)

    chunk = opts.chunk_size or max(5, min(200, total // (jobs * 8) or 5))
    inflight_limit = jobs * 2 + 2
    started = time.monotonic()
    pool = Pool(jobs)
    pending: deque[tuple[list[Item], Future]] = deque()
    last_commit = time.monotonic()
    uncommitted = 0
    name = info.path
    language = meta.get("language") or findings_language()
    state = {"next_line": next_line, "next_offset": next_offset, "records": done_records}
    chunk_open = {"now": False}

    def task(items: list[Item]) -> tuple:
        return (info.fmt, name, info.header, opts.keep_text, language, [(it.line, it.payload) for it in items])

    def write(items: list[Item], outcome: list[tuple]) -> None:
        """One chunk's rows and the progress mark, atomically (a savepoint inside the open batch)."""
        nonlocal uncommitted, last_commit
        conn.execute("SAVEPOINT chunk")
        chunk_open["now"] = True
        _write_chunk(conn, name, outcome, result)
        state["next_line"] = items[-1].end_line + 1
        state["next_offset"] = items[-1].end_offset
        state["records"] += len(items)
        result.records += len(items)
        uncommitted += len(items)
        conn.executemany(
            "UPDATE meta SET value=? WHERE key=?",
            [
                (str(state["next_line"]), "next_line"),
                (str(state["next_offset"]), "next_offset"),
                (str(state["records"]), "records"),
            ],
        )
        conn.execute("RELEASE chunk")
        chunk_open["now"] = False
        now = time.monotonic()
        if now - last_commit >= opts.commit_interval or uncommitted >= 5000:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
            last_commit, uncommitted = now, 0
        if progress:
            progress(lines_done(state["next_line"]), total, result.records, now - started)

    def drain_one() -> None:
        items, fut = pending.popleft()
        try:
            outcome = fut.result()
        except BrokenProcessPool:
            outcome = _recover(pool, pending, items, task, name)
        except Exception:  # noqa: BLE001 - the chunk failed as a whole, not a worker: each record alone
            outcome = []
            for it in items:
                try:
                    outcome += pool.submit(task([it])).result()
                except BrokenProcessPool:
                    outcome += _recover(pool, pending, [it], task, name)
                except Exception as e:  # noqa: BLE001 - recorded with its record; the audit goes on
                    error = tr("audit.input.read_error", path=name, line=it.line, error_type=type(e).__name__, error=clip(e, 200))
                    outcome.append(invalid(it.line, None, "engine_error", error, None, False))
        write(items, outcome)

    if progress:
        progress(lines_done(next_line), total, 0, 0.0)
    interrupted = completed = False
    conn.execute("BEGIN")
    try:
        batch: list[Item] = []
        for item in iter_items(info, next_offset, next_line, first, last):
            batch.append(item)
            if len(batch) >= chunk:
                pending.append((batch, pool.submit(task(batch))))
                batch = []
                while len(pending) >= inflight_limit:
                    drain_one()
        if batch:
            pending.append((batch, pool.submit(task(batch))))
        while pending:
            drain_one()
        state["next_line"] = max(state["next_line"], (range_hi if last is not None else info.total_lines) + 1)
        conn.executemany(
            "UPDATE meta SET value=? WHERE key=?",
            [
                ("complete", "status"),
                (now(), "finished_at"),
                (str(state["next_line"]), "next_line"),
                (str(info.size), "next_offset"),
            ],
        )
        conn.execute("COMMIT")
        completed = True
    except KeyboardInterrupt:
        interrupted = not completed  # Ctrl-C after the final commit changes nothing
        raise
    finally:
        if conn.in_transaction:
            # Stopped by Ctrl-C or an error: undo a half-written chunk, keep every whole one
            # (each pairs its rows with the progress mark), commit them.
            try:
                if chunk_open["now"]:
                    with contextlib.suppress(sqlite3.OperationalError):  # already released
                        conn.execute("ROLLBACK TO chunk")
                        conn.execute("RELEASE chunk")
                conn.execute("COMMIT")
            except sqlite3.Error:
                conn.execute("ROLLBACK")  # e.g. the disk is full: keep the last commit
        if interrupted:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("UPDATE meta SET value='interrupted' WHERE key='status'")
        if completed:
            pool.close()
        else:
            pool.stop([fut for _, fut in pending])
    result.seconds = time.monotonic() - started
    if progress:
        progress(total, total, result.records, result.seconds)


def _recover(pool: Pool, pending: deque, items: list[Item], task: Callable, name: str) -> list[tuple]:
    """A worker died (the engine crashed a process). Rebuild the pool, redo the chunk one record
    at a time so that only the record that crashes it is lost (recorded as an engine error), and
    resubmit the chunks that were in flight."""
    outcome: list[tuple] = []
    crashes = 0
    pool.restart()
    for it in items:
        try:
            outcome += pool.submit(task([it])).result()
            crashes = 0
        except BrokenProcessPool:
            crashes += 1
            if crashes >= 3:
                raise AuditFailure(tr("audit.fail.crashes")) from None
            outcome.append(
                (
                    "invalid",
                    it.line,
                    None,
                    "engine_error",
                    tr("audit.fail.crashed_record", path=name, line=it.line),
                    None,
                )
            )
            pool.restart()
    for i, (its, _) in enumerate(list(pending)):
        pending[i] = (its, pool.submit(task(its)))
    return outcome


_INSERT_RESULT = f"INSERT INTO results VALUES ({', '.join('?' * len(RESULT_COLUMNS))})"
_INSERT_INVALID = "INSERT INTO invalid VALUES (?, ?, ?, ?, ?)"


def _write_chunk(conn: sqlite3.Connection, name: str, outcome: list[tuple], result: AuditResult) -> None:
    """Insert one chunk's outcome (inside the caller's savepoint). All rows in one statement; a
    case id already used is then found row by row and recorded as a duplicate. A line already in
    the database is never a duplicate case id: it means two writers, or a defect (AuditFailure)."""
    ok = [r[1] for r in outcome if r[0] == "ok"]
    bad = [r[1:] for r in outcome if r[0] != "ok"]
    try:
        conn.execute("SAVEPOINT rows")
        conn.executemany(_INSERT_RESULT, ok)
        conn.execute("RELEASE rows")
        result.ok += len(ok)
    except (sqlite3.IntegrityError, sqlite3.InterfaceError, ValueError):
        conn.execute("ROLLBACK TO rows")
        conn.execute("RELEASE rows")
        for row in ok:
            try:
                conn.execute(_INSERT_RESULT, row)
                result.ok += 1
            except sqlite3.IntegrityError:
                _line_free(conn, name, row[0])
                first = conn.execute("SELECT line FROM results WHERE case_id=?", (row[1],)).fetchone()
                where = tr("audit.db.at_line", line=first[0]) if first else tr("audit.db.earlier_line")
                error = tr("audit.db.duplicate", path=name, line=row[0], case_id=clip(row[1]), where=where)
                bad.append((row[0], storable(row[1]), "duplicate", error, None))
            except (sqlite3.InterfaceError, ValueError) as e:  # a value SQLite does not take: recorded, not fatal
                error = tr("audit.db.unstorable", path=name, line=row[0], error=clip(e, 200))
                cid = storable(cut(row[1], 200)) if isinstance(row[1], str) else None
                bad.append((row[0], cid, "engine_error", error, None))
    if bad:
        try:
            conn.execute("SAVEPOINT rows")
            conn.executemany(_INSERT_INVALID, bad)
            conn.execute("RELEASE rows")
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO rows")
            conn.execute("RELEASE rows")
            for b in bad:
                _line_free(conn, name, b[0])
            raise
        result.invalid += len(bad)
        for b in sorted(bad)[: max(0, 5 - len(result.examples))]:
            result.examples.append(b[3])


def _line_free(conn: sqlite3.Connection, name: str, line: int) -> None:
    """AuditFailure if `line` is already stored: the same record written twice is never a duplicate case id."""
    held = conn.execute("SELECT 1 FROM results WHERE line=? UNION ALL SELECT 1 FROM invalid WHERE line=?", (line, line))
    if held.fetchone():
        raise AuditFailure(tr("audit.fail.line_twice", path=name, line=line))
