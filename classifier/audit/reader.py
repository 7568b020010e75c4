"""Reading an audit's input: its format, its identity (size, digest), and the items (line, payload) of a range of lines."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import os
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..i18n import tr
from ..reading.inputs import open_regular
from .base import MAX_RECORD_BYTES
from .csvformat import check_csv_header


# ============================================================================ reading the input
@dataclasses.dataclass
class InputInfo:
    path: str
    fmt: str  # jsonl | csv
    size: int
    sha256: str
    total_lines: int
    header: list[str] | None
    data_offset: int  # byte offset after the CSV header (0 for JSON Lines)
    data_line: int  # the first line after the header


def input_format(path: str, forced: str | None) -> str:
    if forced:
        return forced
    low = path.lower()
    if low.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if low.endswith(".csv"):
        return "csv"
    if low.endswith((".json", ".yaml", ".yml")):
        raise InputError(tr("audit.input.jsonl_or_csv", path=path))
    raise InputError(tr("audit.input.unknown_format", path=path))


def inspect_input(path: str, fmt: str) -> InputInfo:
    """Check the file, hash it and count its lines (one streaming pass), read the CSV header."""
    if path == "-":
        raise InputError(tr("audit.input.stdin"))
    if not os.path.lexists(path):
        raise InputError(tr("audit.input.no_such_file", path=path))
    if os.path.isdir(path):
        raise InputError(tr("audit.input.directory", path=path))
    size, lines, digest, blank = hash_input(path)
    if blank:
        raise InputError(tr("audit.input.empty", path=path))
    header, data_offset, data_line = None, 0, 1
    if fmt == "csv":
        with os.fdopen(open_regular(path), "rb") as f:
            raw = f.readline(MAX_RECORD_BYTES)
            data_offset = len(raw)
            rest_blank = True
            while rest_blank and (block := f.read(1 << 20)):
                rest_blank = not block.strip(b" \t\r\n,")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(tr("audit.input.header_not_utf8", path=path, byte=e.start)) from None
        try:
            header = next(csv.reader([text], strict=True))
        except (csv.Error, StopIteration) as e:
            raise InputError(tr("audit.input.header_unreadable", path=path, error=e)) from None
        header = check_csv_header(path, header)
        if rest_blank:  # as a JSON Lines file without records: nothing to audit is an error, not an empty audit
            raise InputError(tr("audit.input.header_only", path=path))
        data_line = 2
    return InputInfo(str(path), fmt, size, digest, lines, header, data_offset, data_line)


def hash_input(path: str) -> tuple[int, int, str, bool]:
    """(size, lines, SHA-256, blank) of a regular file, in one streaming pass."""
    h = hashlib.sha256()
    size = lines = 0
    last = b"\n"
    blank = True
    try:
        with os.fdopen(open_regular(path), "rb") as f:
            while block := f.read(1 << 20):
                if size == 0 and b"\x00" in block[:8192]:
                    raise InputError(tr("audit.input.binary", path=path))
                blank = blank and not block.strip()
                h.update(block)
                size += len(block)
                lines += block.count(b"\n")
                last = block[-1:]
    except OSError as e:
        raise InputError(tr("audit.input.unreadable", path=path, reason=e.strerror)) from None
    if last != b"\n":
        lines += 1
    return size, lines, h.hexdigest(), blank


@dataclasses.dataclass
class Item:
    line: int  # where the record starts (1-based physical line)
    payload: Any  # bytes (JSON Lines) or list[str] (CSV cells) or an error message (str)
    end_line: int  # the last physical line the record occupies
    end_offset: int  # byte offset just after the record


class _TooLong(Exception):
    pass


def iter_items(info: InputInfo, offset: int, line: int, first: int = 1, last: int | None = None) -> Iterator[Item]:
    """Stream the records from byte `offset` (physical line `line`), keeping those whose first line
    is within [first, last]. Never holds more than one record in memory."""
    with os.fdopen(open_regular(info.path), "rb") as f:
        f.seek(offset)
        pos, lineno = offset, line - 1

        def read_line() -> bytes | None:
            """One physical line; a line over the size limit is skipped (raises _TooLong)."""
            nonlocal pos, lineno
            if pos >= info.size:  # the file as hashed; lines appended since are not this audit's
                return None
            raw = f.readline(MAX_RECORD_BYTES)
            if not raw:
                return None
            lineno += 1
            pos += len(raw)
            if len(raw) >= MAX_RECORD_BYTES and not raw.endswith(b"\n"):
                while chunk := f.readline(MAX_RECORD_BYTES):  # discard the rest of the line
                    pos += len(chunk)
                    if chunk.endswith(b"\n"):
                        break
                raise _TooLong
            if pos == len(raw) and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            return raw

        mb = MAX_RECORD_BYTES // (1024 * 1024)
        if info.fmt == "jsonl":
            while True:
                try:
                    raw = read_line()
                except _TooLong:
                    if lineno >= first and (last is None or lineno <= last):
                        yield Item(lineno, tr("audit.input.too_long", path=info.path, line=lineno, mb=mb), lineno, pos)
                    continue
                if raw is None or (last is not None and lineno > last):
                    return
                if lineno < first or not raw.strip():
                    continue
                yield Item(lineno, raw, lineno, pos)
        else:
            csv.field_size_limit(MAX_RECORD_BYTES)  # the default (128 KB) would reject a long summary
            state = {"bytes": 0}

            def lines() -> Iterator[str]:
                while True:
                    raw = read_line()  # _TooLong propagates through the csv reader
                    if raw is None:
                        return
                    state["bytes"] += len(raw)
                    if state["bytes"] > MAX_RECORD_BYTES:
                        raise _TooLong
                    yield raw.decode("utf-8", "surrogateescape")

            source = lines()
            reader = csv.reader(source, strict=True)  # a stray or unclosed quote is an error, not a silent merge
            while True:
                start = lineno + 1
                state["bytes"] = 0
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except _TooLong:
                    if start >= first and (last is None or start <= last):
                        yield Item(start, tr("audit.input.too_long_csv", path=info.path, line=start, mb=mb), lineno, pos)
                    source = lines()
                    reader = csv.reader(source, strict=True)
                    continue
                except csv.Error as e:
                    if start >= first and (last is None or start <= last):
                        error = tr("audit.input.csv_syntax", path=info.path, line=start, error=e)
                        if lineno > start:  # a quoted cell ran over lines: most likely a quote left open
                            error += tr("audit.input.csv_runs_on", end=lineno)
                        yield Item(start, error, lineno, pos)
                    continue
                if last is not None and start > last:
                    return
                if start < first or not any(c.strip() for c in cells):
                    continue
                yield Item(start, cells, lineno, pos)
