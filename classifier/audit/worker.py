"""The worker side of an audit: reading, checking and classifying the records of one chunk, in a worker process."""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import threading
import time
from typing import Any

from ..errors import InputError
from ..i18n import lang, set_lang, tr
from ..models import FactPattern
from ..reading.inputs import JSON_DECODER, SURROGATE_ESCAPE, load_json
from ..records import validate
from ..safetext import SURROGATE, clip, cut, storable
from .base import GC_THRESHOLDS
from .csvformat import CsvError, csv_hint, csv_row_to_facts
from .rows import result_row


def init_worker(parent: int) -> None:
    """Workers ignore Ctrl-C (the parent stops them in order) and exit when the parent dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Classifying makes many short-lived objects over a large, stable heap (the compiled rule
    # base, the engine's caches): collecting the young generation less often costs nothing in
    # memory (the engine's objects form no cycles) and saves about a third of the CPU time.
    gc.set_threshold(*GC_THRESHOLDS)
    threading.Thread(target=_watch_parent, args=(parent,), name="thb-audit-parent-watch", daemon=True).start()


def _watch_parent(pid: int) -> None:
    """After a kill -9 or a crash of the parent, a worker would wait forever: it holds both ends of
    its task and result pipes, and fork-server workers are not the parent's children. This thread
    never touches the engine; it only ends the process when the parent is gone."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
        os._exit(1)
    while True:  # pragma: no cover - kernels without pidfd_open (before Linux 5.3)
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass


def invalid(line: int, case_id: Any, kind: str, error: str, record: str | None, keep_text: bool) -> tuple:
    """An `invalid` row, as SQLite takes it whatever the record held: a case id cut to the model's
    200 characters, unpaired surrogates escaped (invalid UTF-8 in a CSV cell is read that way)."""
    cid = storable(cut(case_id, 200)) if isinstance(case_id, str) else None
    return ("invalid", line, cid, kind, storable(error), storable(record) if keep_text else None)


def _who(cid: Any) -> str:
    return tr("audit.input.who", case_id=clip(cid)) if isinstance(cid, str) and cid else ""


def _read(fmt: str, name: str, header: list[str] | None, line: int, payload: Any, keep_text: bool) -> FactPattern | tuple:
    """The record as a validated FactPattern, or an `invalid` tuple naming the problem."""
    if isinstance(payload, str):  # a reader-level problem (record too long, CSV syntax)
        return invalid(line, None, "invalid", payload, None, keep_text)
    if fmt == "jsonl":
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as e:
            error = tr("audit.input.not_utf8", path=name, line=line, byte=e.start)
            return invalid(line, None, "invalid", error, None, keep_text)
        if not SURROGATE_ESCAPE.search(payload):
            # The fast path: the C decoder finds duplicate keys and long numbers, pydantic parses and
            # validates; anything it refuses takes the path with the exact messages.
            try:
                JSON_DECODER.decode(text)
                return FactPattern.model_validate_json(text)
            except Exception:  # noqa: BLE001, S110 - read again below, with a message naming the problem
                pass
        raw_text = text.rstrip("\r\n")
        try:
            obj = load_json(name, text, line)
        except InputError as e:
            return invalid(line, None, "invalid", str(e), raw_text, keep_text)
    else:
        assert header is not None
        raw_text = json.dumps(dict(zip(header, payload, strict=False)), ensure_ascii=False)
        cid = payload[header.index("case_id")].strip() if len(payload) > header.index("case_id") else None
        who = _who(cid)
        if any(SURROGATE.search(c) for c in payload):  # invalid UTF-8, read with surrogateescape
            return invalid(line, cid, "invalid", tr("audit.input.not_utf8_csv", path=name, line=line, who=who), None, keep_text)
        if len(payload) != len(header):
            return invalid(line, cid, "invalid", _cell_count_error(name, line, who, payload, header), raw_text, keep_text)
        try:
            obj = csv_row_to_facts(dict(zip(header, payload, strict=True)))
        except CsvError as e:
            error = f"{name}:{line}{who}: {e}"
            return invalid(line, cid, "invalid", error, raw_text, keep_text)
    rec = validate(name, line, obj)
    if rec.facts is None:
        err = rec.error or tr("audit.input.not_a_fact_pattern", path=name, line=line)
        cid = obj.get("case_id") if isinstance(obj, dict) else None
        return invalid(line, cid, "invalid", csv_hint(err) if fmt == "csv" else err, raw_text, keep_text)
    return rec.facts


def read_record(fmt: str, name: str, header: list[str] | None, line: int, payload: Any, keep_text: bool) -> FactPattern | tuple:
    """`_read`, with whatever it may still raise recorded as the record's error: one record never stops an audit."""
    try:
        return _read(fmt, name, header, line, payload, keep_text)
    except Exception as e:  # noqa: BLE001 - a defect, recorded with the record it happened on
        error = tr("audit.input.read_error", path=name, line=line, error_type=type(e).__name__, error=clip(e, 200))
        return invalid(line, None, "engine_error", error, None, keep_text)


def drafts_allowed() -> bool:
    """`thb audit --draft` (set in the environment, so the worker processes see it too)."""
    return os.environ.get("THB_AUDIT_DRAFTS") == "1"


def _draft_check(fp: FactPattern | tuple, name: str, line: int, payload: Any, keep_text: bool) -> FactPattern | tuple:
    """An unconfirmed machine draft (thb extract, docs/extract.md) is refused, recorded as invalid, unless --draft."""
    if isinstance(fp, tuple) or not fp.unconfirmed_draft or drafts_allowed():
        return fp
    raw = (
        payload.decode("utf-8", "replace").rstrip("\r\n")
        if isinstance(payload, bytes)
        else json.dumps(payload, ensure_ascii=False)
    )
    return invalid(line, fp.case_id, "unconfirmed_draft", tr("audit.input.draft_refused", path=name, line=line), raw, keep_text)


def process_record(fmt: str, name: str, header: list[str] | None, line: int, payload: Any, keep_text: bool) -> tuple:
    """Validate and classify one record. Returns ("ok", row) or ("invalid", line, case_id, kind, error, record)."""
    return process_records(fmt, name, header, [(line, payload)], keep_text)[0]


def _classify_all(valid: list[FactPattern]) -> list[Any]:
    """Findings or an exception for each fact pattern: a batch, or one at a time if the batch itself fails."""
    from ..analysis.pipeline import classify_many

    try:
        return list(classify_many(valid, return_exceptions=True))
    except Exception:  # noqa: BLE001 - the batch failed as a whole: find the record that did it
        out: list[Any] = []
        for fp in valid:
            try:
                out.extend(classify_many([fp], return_exceptions=True))
            except Exception as e:  # noqa: BLE001
                out.append(e)
        return out


def process_records(fmt: str, name: str, header: list[str] | None, items: list[tuple[int, Any]], keep_text: bool) -> list[tuple]:
    """Validate and classify a chunk of records, the valid ones in one engine batch
    (`engine.classify_many`): one outcome per record, in order."""
    read = [
        _draft_check(read_record(fmt, name, header, line, payload, keep_text), name, line, payload, keep_text)
        for line, payload in items
    ]
    valid = [fp for fp in read if not isinstance(fp, tuple)]
    results = iter(_classify_all(valid))
    out = []
    for (line, payload), fp in zip(items, read, strict=True):
        if isinstance(fp, tuple):
            out.append(fp)
            continue
        f = next(results)
        try:
            if isinstance(f, BaseException):
                raise f
            if fp.unconfirmed_draft:  # allowed by --draft: its findings say so first
                f.warnings.insert(0, tr("draft.banner"))
            out.append(("ok", result_row(line, fp, f, keep_text)))
        except Exception as e:  # noqa: BLE001 - one record's engine failure must not stop the audit
            raw = payload.decode("utf-8", "replace").rstrip("\r\n") if isinstance(payload, bytes) else json.dumps(payload)
            error = tr(
                "audit.input.engine_error",
                path=name,
                line=line,
                case_id=clip(fp.case_id),
                error_type=type(e).__name__,
                error=clip(e, 200),
            )
            out.append(invalid(line, fp.case_id, "engine_error", error, raw, keep_text))
    return out


def _cell_count_error(name: str, line: int, who: str, cells: list[str], header: list[str]) -> str:
    msg = tr("audit.csv.cell_count", name=name, line=line, who=who, cells=len(cells), columns=len(header))
    if any("\n" in c for c in cells):
        msg += tr("audit.csv.open_quote")
    return msg


def ping() -> int:
    return os.getpid()


def findings_language() -> str:
    """The language of the findings' prose (--lang / THB_LANG): part of an audit's identity."""
    return lang()


def _set_language(value: str) -> None:
    set_lang(value)


def process_chunk(task: tuple) -> list[tuple]:
    fmt, name, header, keep_text, language, items = task
    _set_language(language)  # the parent's --lang, which a worker process does not inherit
    return process_records(fmt, name, header, items, keep_text)
