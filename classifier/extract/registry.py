"""Drafting a whole registry: a CSV file (or JSON Lines) with a narrative per record.

Records are read one at a time, so a registry of any size runs in constant memory. A record that
cannot be drafted (an empty narrative, a row with the wrong number of cells, text that is not
UTF-8) is recorded in the errors file and the run goes on; nothing is fatal but the file itself
(missing, not a registry, no such column). The drafts file is written to a temporary file beside
it and renamed when the run ends, so an interrupted run leaves no partial file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..i18n import tr
from ..loader import InputError
from .core import MAX_TEXT, extract
from .output import draft_with_evidence


@dataclass
class Row:
    line: int  # where the record starts
    id: str | None
    text: str | None
    error: str | None = None


@dataclass
class RegistryResult:
    drafts: int = 0
    bad: int = 0
    errors: list[str] = field(default_factory=list)


def registry_kind(path: str, text_column: str | None) -> str | None:
    """csv | jsonl for a registry, None for a narrative."""
    low = path.lower()
    if low.endswith(".csv"):
        return "csv"
    if low.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if text_column:
        return "csv"  # `-` or another name with --text-column: CSV
    return None


class _Counter:
    """Lines of a binary stream, decoded, with how many bytes were read (for the progress bar)."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.bytes = 0
        self.bad_lines: set[int] = set()
        self.n = 0

    def __iter__(self) -> Iterator[str]:
        first = True
        for raw in self.fh:
            self.bytes += len(raw)
            self.n += 1
            if first and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            first = False
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.bad_lines.add(self.n)
                yield raw.decode("utf-8", "replace")


def _open(path: str) -> tuple[BinaryIO, int]:
    if path == "-":
        return sys.stdin.buffer, 0
    p = Path(path)
    if not p.exists():
        raise InputError(tr("input.no_file", path=path))
    if p.is_dir():
        raise InputError(tr("input.directory", path=path))
    try:
        return open(p, "rb"), p.stat().st_size  # noqa: SIM115 - closed by the caller
    except OSError as e:
        raise InputError(tr("input.unreadable", path=path, why=e.strerror)) from None


def _name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def read_csv(path: str, text_column: str, id_column: str | None, counter: _Counter) -> Iterator[Row]:
    name = _name(path)
    csv.field_size_limit(MAX_TEXT * 4)
    reader = csv.reader(counter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(tr("extract.error.no_header", path=name)) from None
    except csv.Error as e:
        raise InputError(tr("extract.row.csv", where=f"{name}:1", error=e)) from None
    header = [h.strip() for h in header]
    columns = ", ".join(header)
    for col in (text_column, id_column):
        if col is not None and col not in header:
            raise InputError(tr("extract.error.no_column", path=name, column=col, columns=columns))
    dup = sorted({h for h in header if header.count(h) > 1} & {text_column, id_column})
    if dup:
        raise InputError(tr("extract.error.duplicate_column", path=name, column=dup[0]))
    ti = header.index(text_column)
    ii = header.index(id_column) if id_column else None
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield Row(start, None, None, tr("extract.row.csv", where=f"{name}:{start}", error=e))
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not cells or cells == [""]:
            continue  # a blank line
        where = tr("extract.row.where", path=name, line=line)
        if any(line <= n < start for n in counter.bad_lines):
            yield Row(line, None, None, tr("extract.row.not_utf8", where=where))
            continue
        if len(cells) != len(header):
            yield Row(line, None, None, tr("extract.row.cells", where=where, cells=len(cells), columns=len(header)))
            continue
        yield Row(line, cells[ii] if ii is not None else None, cells[ti])


def read_jsonl(path: str, text_column: str, id_column: str | None, counter: _Counter) -> Iterator[Row]:
    name = _name(path)
    for n, raw in enumerate(counter, 1):
        if not raw.strip():
            continue
        where = tr("extract.row.where", path=name, line=n)
        if n in counter.bad_lines:
            yield Row(n, None, None, tr("extract.row.not_utf8", where=where))
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            yield Row(n, None, None, tr("extract.row.invalid_json", where=where, error=e.msg))
            continue
        if not isinstance(obj, dict):
            yield Row(n, None, None, tr("extract.row.not_object", where=where))
            continue
        if text_column not in obj:
            yield Row(n, None, None, tr("extract.row.no_key", where=where, column=text_column))
            continue
        text, rid = obj[text_column], obj.get(id_column) if id_column else None
        if not isinstance(text, str):
            yield Row(n, None, None, tr("extract.row.not_text", where=where, column=text_column))
            continue
        yield Row(n, None if rid is None else str(rid), text)


def draft_registry(
    path: str,
    kind: str,
    text_column: str,
    id_column: str | None,
    out: str,
    errors_path: str,
    lang: str | None,
    progress: Callable[[int, int], None] | None = None,
) -> RegistryResult:
    """Draft every record of a registry into `out` (JSON Lines: one draft fact pattern a line, its
    provenance holding the evidence); the records that cannot be drafted go to `errors_path`."""
    fh, size = _open(path)
    name = _name(path)
    stem = "stdin" if path == "-" else Path(path).stem
    result = RegistryResult()
    target = Path(out)
    folder = target.parent if str(target.parent) else Path(".")
    tmp_out = tmp_err = None
    try:
        fd, tmp_out = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        outf = os.fdopen(fd, "w", encoding="utf-8")
        errf: io.TextIOWrapper | None = None
        counter = _Counter(fh)
        rows = (read_csv if kind == "csv" else read_jsonl)(path, text_column, id_column, counter)
        for row in rows:
            where = tr("extract.row.where", path=name, line=row.line)
            error = row.error
            record: dict[str, Any] | None = None
            if error is None:
                text = row.text or ""
                rid = (row.id or "").strip() if id_column else f"{stem}-{row.line}"
                if id_column and not 0 < len(rid) <= 200:
                    error = tr("extract.row.bad_id", where=where, column=id_column)
                elif not text.strip():
                    error = tr("extract.row.empty", where=where, column=text_column)
                elif len(text) > MAX_TEXT:
                    error = tr("extract.row.too_long", where=where, n=len(text), max=MAX_TEXT)
                else:
                    try:
                        x = extract(text, rid, lang=lang, source=f"{name}:{row.line}")
                        record = draft_with_evidence(x)
                    except Exception as e:  # noqa: BLE001 - one record's defect must not stop a registry
                        if os.environ.get("THB_DEBUG"):
                            raise
                        error = tr("extract.row.failed", where=where, error=f"{type(e).__name__}: {e}")
            if record is not None:
                outf.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                result.drafts += 1
            else:
                if errf is None:
                    efd, tmp_err = tempfile.mkstemp(dir=folder, prefix=f".{Path(errors_path).name}.", suffix=".tmp")
                    errf = os.fdopen(efd, "w", encoding="utf-8")
                errf.write(
                    json.dumps({"source": name, "line": row.line, "id": row.id, "error": error}, ensure_ascii=False) + "\n"
                )
                result.bad += 1
                if len(result.errors) < 10:
                    result.errors.append(error or "")
            if progress is not None:
                progress(counter.bytes, size)
        outf.close()
        if errf is not None:
            errf.close()
        _publish(tmp_out, out)
        tmp_out = None
        if tmp_err is not None:
            _publish(tmp_err, errors_path)
            tmp_err = None
        elif Path(errors_path).exists():
            os.unlink(errors_path)  # an errors file of an earlier run would describe another run
        return result
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
        for t in (tmp_out, tmp_err):
            if t is not None:
                try:
                    os.unlink(t)
                except FileNotFoundError:
                    pass


def _publish(tmp: str, target: str) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, target)


def errors_path_for(out: str) -> str:
    p = Path(out)
    stem = p.name[: -len(p.suffix)] if p.suffix else p.name
    return str(p.with_name(f"{stem}.errors.jsonl"))
