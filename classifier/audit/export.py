"""The `.jsonl` / `.csv` outputs of an audit (cells a spreadsheet never reads as formulas), and validating a batch without classifying it."""

from __future__ import annotations

import contextlib
import csv
import heapq
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from typing import Any

from ..i18n import tr
from ..safetext import clip
from .reader import input_format, inspect_input, iter_items
from .rows import BULKY, RESULT_NAMES
from .store import read_only_uri
from .worker import read_record

# ============================================================================ .jsonl / .csv output
EXPORT_COLUMNS = [c for c in RESULT_NAMES if c not in BULKY]
BOOL_COLUMNS = {"trafficking", "reconciliation_permitted", "terminated_by_reconciliation", "reconciliation_misuse"}
_BOOL_AT = [i for i, c in enumerate(EXPORT_COLUMNS) if c in BOOL_COLUMNS]


def _export_values(r: tuple, as_text: bool) -> list[Any]:
    """One results row for .jsonl/.csv: flags as true/false (0/1 in SQLite), NULL as null or an empty cell."""
    vals = list(r)
    for i in _BOOL_AT:
        if vals[i] is not None:
            vals[i] = bool(vals[i])
    if as_text:
        vals = ["" if v is None else ("true" if v else "false") if isinstance(v, bool) else v for v in vals]
    return vals


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: one that starts like a formula (`=`, `+`, `-`, `@`,
    tab, CR) gets a leading apostrophe. Numbers are numbers and stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export(db: str, out: str, kind: str) -> None:
    """Write the audit as one .jsonl or .csv file: a temporary file beside it, then a rename."""
    conn = sqlite3.connect(read_only_uri(db), uri=True)
    directory = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(out)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            ok = conn.execute(f"SELECT {', '.join(EXPORT_COLUMNS)}, facts, findings FROM results ORDER BY line")
            bad = conn.execute("SELECT line, case_id, kind, error, record FROM invalid ORDER BY line")
            merged = heapq.merge(((r[0], 0, r) for r in ok), ((r[0], 1, r) for r in bad))
            if kind == "jsonl":
                for _, which, r in merged:
                    if which == 0:
                        vals = _export_values(r[:-2], as_text=False)
                        head = {"line": r[0], "status": "ok", **dict(zip(EXPORT_COLUMNS[1:], vals[1:], strict=True))}
                        f.write(json.dumps(head, ensure_ascii=False)[:-1] + f', "facts": {r[-2]}, "findings": {r[-1]}}}\n')
                    else:
                        d = {"line": r[0], "status": "invalid", "case_id": r[1], "error_kind": r[2], "error": r[3]}
                        if r[4] is not None:
                            d["record"] = r[4]
                        f.write(json.dumps(d, ensure_ascii=False) + "\n")
            else:
                w = csv.writer(f, lineterminator="\n")
                header = ["line", "status", *EXPORT_COLUMNS[1:], "error_kind", "error", "record", "facts", "findings"]
                w.writerow(header)
                blank = [""] * (len(EXPORT_COLUMNS) - 2)
                for _, which, r in merged:
                    if which == 0:
                        cells = [r[0], "ok", *_export_values(r[:-2], as_text=True)[1:], "", "", "", r[-2], r[-1]]
                    else:
                        cells = [r[0], "invalid", r[1] or "", *blank, r[2], r[3], r[4] or "", "", ""]
                    w.writerow([csv_cell(c) for c in cells])
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        conn.close()


# ============================================================================ validate-only
def validate_stream(
    path: str, forced_format: str | None, lines: tuple[int, int | None] | None
) -> Iterator[tuple[int, str | None]]:
    """(line, error or None) for every record, with duplicate case ids flagged; nothing classified."""
    fmt = input_format(path, forced_format)
    info = inspect_input(path, fmt)
    first, last = lines or (1, None)
    seen: dict[str, int] = {}
    for it in iter_items(info, info.data_offset, info.data_line, first, last):
        read = read_record(fmt, path, info.header, it.line, it.payload, False)
        if isinstance(read, tuple):
            yield it.line, read[4]
            continue
        cid = read.case_id
        if cid in seen:
            yield it.line, tr("audit.input.duplicate", path=path, line=it.line, case_id=clip(cid), first=seen[cid])
            continue
        seen[cid] = it.line
        yield it.line, None
