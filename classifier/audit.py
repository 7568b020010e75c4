"""Audit mode: re-screen a registry of past cases, resumably, into an SQLite results database.

`thb audit` streams a batch of fact patterns (JSON Lines, or CSV with the columns below), has
worker processes classify them (the rules engine is not thread-safe, and the parent process
never classifies), and writes one row per case into `results`, one per unusable record into
`invalid`, and the audit's identity and progress into `meta` — transactionally, in input order,
so an interrupted audit resumes exactly where its last commit ended. `thb report` merges one or
more results databases into the summary an auditor takes to a meeting. docs/audit.md is the
user's guide; this module is the implementation.

Privacy: the free-text fields of a fact pattern (`summary`, `victims[].offences[].note`) are
dropped before anything is stored unless `keep_text` is set, and no message quotes them.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import difflib
import gc
import hashlib
import heapq
import html
import io
import json
import multiprocessing
import os
import re
import select
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from .fileio import output_target
from .i18n import lang, set_lang, tr
from .loader import _DECODER, MAX_DIGITS, MAX_NUMBER_CHARS, SURROGATE_ESCAPE, InputError, load_json, open_regular, validate
from .models import FactPattern, Findings
from .safetext import SURROGATE, clip, clip_repr, cut, storable

SCHEMA_VERSION = 1
GC_THRESHOLDS = (20000, 50, 100)  # the workers' garbage collector (`_init_worker`)
MAX_RECORD_BYTES = 4 * 1024 * 1024  # one fact pattern; a longer line is recorded as invalid, not read
NOT_RECORDED = "(charges not recorded)"
NO_PRIMARY = "(none made out)"

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
KIND_ORDER = ["trafficking_not_charged", "wrong_article", "wrong_part", "victim_punished", "overcharged"]


class AuditFailure(RuntimeError):
    """The audit cannot go on for a reason that is not the input's fault (e.g. workers keep crashing)."""


# ============================================================================ CSV input format
# One row a case. List columns hold `;`-separated values (write `\;` for a literal semicolon and
# `\\` for a backslash). Victim and offender columns are parallel: the n-th value of each
# victim_* column describes the n-th victim; leave a value empty (`15;;22`) when not stated.

VICTIM_COLUMNS: dict[str, tuple[str, str]] = {
    "victim_ids": ("id", "str"),
    "victim_ages": ("age", "int"),
    "victim_birth_dates": ("birth_date", "str"),
    "victim_sexes": ("sex", "str"),
    "victim_citizenships": ("citizenship", "str"),
    "victim_pregnant": ("pregnant", "bool"),
    "victim_dependent_on_offender": ("dependent_on_offender", "bool"),
    "victim_consented": ("consented", "bool"),
}
OFFENDER_COLUMNS: dict[str, tuple[str, str]] = {
    "offender_ids": ("id", "str"),
    "offender_ages": ("age", "int"),
    "offender_official": ("official", "bool"),
    "offender_legal_entity": ("legal_entity", "bool"),
    "offender_relations": ("relation", "str"),
    # v4 (LAW.md section 2): the unauthorised adoption intermediary, and what each offender did —
    # each cell a `,`-separated list, `-` for none at all, empty when not stated
    "offender_adoption_intermediary": ("adoption_intermediary", "bool"),
    "offender_acts": ("acts", "list"),
    "offender_means": ("means", "list"),
}
LIST_COLUMNS = ("acts", "means", "purposes", "exploitation", "circumstances")
RECORD_COLUMNS = ("charges", "prosecution", "opened_on_victim_complaint", "terminated_by_reconciliation", "victim_charged_with")
CSV_COLUMNS: list[str] = [
    "case_id",
    "offence_date",
    "summary",
    *VICTIM_COLUMNS,
    "victim_offences",
    "victim_offence_notes",
    *OFFENDER_COLUMNS,
    *LIST_COLUMNS,
    "damage_ci",
    *RECORD_COLUMNS,
]
OFFENCE_KEYS = ("kind", "caused_by_trafficking", "max_penalty_years", "foreign_law")

CSV_EXAMPLE: dict[str, Any] = {
    "case_id": "OSH-2023-017",
    "offence_date": "2023-04-10",
    "summary": "Peers held a 15-year-old girl in a flat; a 22-year-old was made to recruit her.",
    "victims": [
        {"id": "V1", "age": 15, "sex": "female", "citizenship": "KG"},
        {
            "id": "V2",
            "age": 22,
            "sex": "female",
            "citizenship": "KG",
            "offences": [
                {
                    "instrument": "CC",
                    "article": "378",
                    "part": 1,
                    "caused_by_trafficking": True,
                    "note": "crossed the border on a forged passport",
                }
            ],
        },
    ],
    "offenders": [{"id": "P1", "age": 17}, {"id": "P2", "age": 16}],
    "acts": ["receipt", "harbouring"],
    "means": ["threat", "force"],
    "purposes": ["prostitution"],
    "exploitation": ["prostitution"],
    "circumstances": ["group_prior_conspiracy", "held_against_will"],
    "record": {
        "charges": [{"instrument": "CC", "article": "159", "part": 3}, {"instrument": "CC", "article": "160", "part": 1}],
        "prosecution": "public",
        "opened_on_victim_complaint": False,
        "terminated_by_reconciliation": False,
        "victim_charged_with": [{"victim": "V2", "instrument": "CC", "article": "378", "part": 1}],
    },
}


class CsvError(ValueError):
    """A CSV cell that cannot be turned into a fact-pattern value; the message names the column."""


_REF = re.compile(r"^(?P<article>.*?)\s*(?:\((?P<part>[0-9]+)\))?$")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def split_list(cell: str) -> list[str]:
    """`a;b\\;c` -> ["a", "b;c"]; an empty cell -> []; values are stripped; empty values are kept."""
    if not cell.strip():
        return []
    if "\\" not in cell:
        return [v.strip() for v in cell.split(";")]
    out: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell):
            cur.append(cell[i + 1])
            i += 2
            continue
        if ch == ";":
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    out.append("".join(cur).strip())
    return out


def join_list(values: list[Any]) -> str:
    return ";".join(str(v).replace("\\", "\\\\").replace(";", "\\;") for v in values)


def _where(col: str, i: int | None = None) -> str:
    """`column `x`` or `column `x`, value 2` in the language in force."""
    return tr("audit.csv.where", col=col) if i is None else tr("audit.csv.where_value", col=col, n=i + 1)


def _cell_bool(col: str, v: str, i: int | None = None) -> bool:
    b = _BOOLS.get(v.lower())
    if b is None:
        raise CsvError(tr("audit.csv.expected_bool", where=_where(col, i), value=clip_repr(v)))
    return b


def _cell_int(col: str, v: str, i: int | None = None) -> int:
    """A whole number: decimal ASCII digits (not `١٥`, `1_000` or `0x10`), at most MAX_DIGITS of them."""
    if not re.fullmatch(r"[+-]?[0-9]+", v):
        raise CsvError(tr("audit.csv.expected_int", where=_where(col, i), value=clip_repr(v)))
    if len(v.lstrip("+-")) > MAX_DIGITS:
        raise CsvError(tr("guard.number", path=_where(col, i), n=len(v.lstrip("+-")), max=MAX_DIGITS))
    return int(v)


def _cell_float(col: str, v: str) -> float:
    """A number in decimal notation (`2`, `0.5`, `1e3`); not `inf`, `1_000` or other digits than 0-9."""
    if not _DECIMAL.fullmatch(v):
        raise CsvError(tr("audit.csv.expected_number", where=_where(col), value=clip_repr(v)))
    if len(v) > MAX_NUMBER_CHARS:
        raise CsvError(tr("guard.number_text", path=_where(col), n=len(v), max=MAX_NUMBER_CHARS))
    x = float(v)
    if x != x or x in (float("inf"), float("-inf")):
        raise CsvError(tr("audit.csv.expected_finite", where=_where(col), value=clip_repr(v)))
    return x


def _parse_ref(col: str, text: str, i: int) -> dict[str, Any]:
    """`CC 160(1)` -> {instrument: CC, article: "160", part: 1}; `CoM 122` has no part."""
    bits = text.split(None, 1)
    if len(bits) != 2:
        raise CsvError(tr("audit.csv.expected_ref", where=_where(col, i), value=clip_repr(text)))
    m = _REF.match(bits[1].strip())
    assert m is not None  # the pattern matches any text
    ref: dict[str, Any] = {"instrument": bits[0], "article": m.group("article")}
    if m.group("part"):
        ref["part"] = _cell_int(col, m.group("part"), i)
    return ref


def _parse_victim_ref(col: str, text: str, i: int) -> tuple[str, str]:
    vid, sep, rest = text.partition(":")
    if not sep or not vid.strip() or not rest.strip():
        raise CsvError(tr("audit.csv.expected_victim_ref", where=_where(col, i), value=clip_repr(text)))
    return vid.strip(), rest.strip()


def _parallel(row: dict[str, str], columns: dict[str, tuple[str, str]], who: str) -> list[dict[str, Any]]:
    cols = {c: split_list(row[c]) for c in columns if row.get(c, "").strip()}
    if not cols:
        return []
    n = max(len(v) for v in cols.values())
    for c, vals in cols.items():
        if len(vals) != n:
            longest = max(cols, key=lambda k: len(cols[k]))
            raise CsvError(tr(f"audit.csv.parallel.{who}", col=c, n=len(vals), longest=longest, m=n))
    people: list[dict[str, Any]] = [{} for _ in range(n)]
    for c, vals in cols.items():
        field, kind = columns[c]
        for i, v in enumerate(vals):
            if v == "":
                continue
            if kind == "list":
                people[i][field] = [] if v.strip() == "-" else [x.strip() for x in v.split(",") if x.strip()]
            else:
                people[i][field] = _cell_int(c, v, i) if kind == "int" else _cell_bool(c, v, i) if kind == "bool" else v
    prefix = "V" if who == "victim" else "P"
    for i, p in enumerate(people):
        p.setdefault("id", f"{prefix}{i + 1}")
    return people


def csv_row_to_facts(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row (column -> cell) as a FACTS.md fact-pattern dict; CsvError names the bad column."""
    get = lambda c: (row.get(c) or "").strip()  # noqa: E731
    fp: dict[str, Any] = {"case_id": get("case_id")}
    if not fp["case_id"]:
        raise CsvError(tr("audit.csv.case_id_required"))
    for c in ("offence_date", "summary"):
        if get(c):
            fp[c] = get(c)
    victims = _parallel(row, VICTIM_COLUMNS, "victim")
    offences = split_list(row.get("victim_offences") or "")
    notes = split_list(row.get("victim_offence_notes") or "")
    if notes and len(notes) != len(offences):
        raise CsvError(tr("audit.csv.notes_count", n=len(notes), m=len(offences)))
    by_id = {v["id"]: v for v in victims}
    for i, item in enumerate(offences):
        vid, rest = _parse_victim_ref("victim_offences", item, i)
        if vid not in by_id:
            known = ", ".join(by_id) or tr("audit.csv.none")
            raise CsvError(
                tr("audit.csv.not_a_victim", where=_where("victim_offences", i), vid=clip_repr(vid), known=clip(known, 200))
            )
        tokens = rest.split()
        kv = [t for t in tokens if "=" in t]
        ref = _parse_ref("victim_offences", " ".join(t for t in tokens if "=" not in t), i)
        for t in kv:
            k, _, v = t.partition("=")
            if k == "kind":
                ref["kind"] = v
            elif k in ("caused_by_trafficking", "foreign_law"):
                ref[k] = _cell_bool("victim_offences", v, i)
            elif k == "max_penalty_years":
                ref[k] = _cell_float("victim_offences", v)
            else:
                near = difflib.get_close_matches(k, OFFENCE_KEYS, n=1) if len(k) <= 64 else []
                hint = (
                    tr("audit.csv.did_you_mean", near=near[0]) if near else tr("audit.csv.allowed", items=", ".join(OFFENCE_KEYS))
                )
                raise CsvError(tr("audit.csv.unknown_key", where=_where("victim_offences", i), key=clip(k), hint=hint))
        if notes and notes[i]:
            ref["note"] = notes[i]
        by_id[vid].setdefault("offences", []).append(ref)
    if victims:
        fp["victims"] = victims
    offenders = _parallel(row, OFFENDER_COLUMNS, "offender")
    if offenders:
        fp["offenders"] = offenders
    for c in LIST_COLUMNS:
        vals = [v for v in split_list(row.get(c) or "") if v]
        if vals:
            fp[c] = vals
    if get("damage_ci"):
        fp["damage_ci"] = _cell_float("damage_ci", get("damage_ci"))
    rec: dict[str, Any] = {}
    charges = [_parse_ref("charges", v, i) for i, v in enumerate(split_list(row.get("charges") or "")) if v]
    if charges:
        rec["charges"] = charges
    if get("prosecution"):
        rec["prosecution"] = get("prosecution")
    for c in ("opened_on_victim_complaint", "terminated_by_reconciliation"):
        if get(c):
            rec[c] = _cell_bool(c, get(c))
    vcw = []
    for i, item in enumerate(v for v in split_list(row.get("victim_charged_with") or "") if v):
        vid, rest = _parse_victim_ref("victim_charged_with", item, i)
        vcw.append({"victim": vid, **_parse_ref("victim_charged_with", rest, i)})
    if vcw:
        rec["victim_charged_with"] = vcw
    if rec:
        fp["record"] = rec
    return fp


def _ref_text(d: dict[str, Any]) -> str:
    return f"{d['instrument']} {d['article']}" + (f"({d['part']})" if d.get("part") is not None else "")


def _fmt_scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def facts_to_csv_row(fp: dict[str, Any]) -> dict[str, str]:
    """A FACTS.md fact-pattern dict as one CSV row (the inverse of `csv_row_to_facts`)."""
    row = {c: "" for c in CSV_COLUMNS}
    row["case_id"] = str(fp["case_id"])
    for c in ("offence_date", "summary"):
        row[c] = _fmt_scalar(fp.get(c))
    for people, columns in ((fp.get("victims") or [], VICTIM_COLUMNS), (fp.get("offenders") or [], OFFENDER_COLUMNS)):
        for c, (field, kind) in columns.items():
            if any(p.get(field) is not None for p in people):
                if kind == "list":
                    cells = ["" if p.get(field) is None else ",".join(p[field]) or "-" for p in people]
                else:
                    cells = [_fmt_scalar(p.get(field)) for p in people]
                row[c] = join_list(cells)
    items, notes = [], []
    for v in fp.get("victims") or []:
        for o in v.get("offences") or []:
            extra = [f"{k}={_fmt_scalar(o[k])}" for k in OFFENCE_KEYS if o.get(k) is not None]
            items.append(" ".join([f"{v['id']}:{_ref_text(o)}", *extra]))
            notes.append(o.get("note") or "")
    row["victim_offences"] = join_list(items)
    row["victim_offence_notes"] = join_list(notes) if any(notes) else ""
    for c in LIST_COLUMNS:
        row[c] = join_list(fp.get(c) or [])
    row["damage_ci"] = _fmt_scalar(fp.get("damage_ci"))
    rec = fp.get("record") or {}
    row["charges"] = join_list([_ref_text(c) for c in rec.get("charges") or []])
    row["prosecution"] = _fmt_scalar(rec.get("prosecution"))
    for c in ("opened_on_victim_complaint", "terminated_by_reconciliation"):
        row[c] = _fmt_scalar(rec.get(c))
    row["victim_charged_with"] = join_list([f"{c['victim']}:{_ref_text(c)}" for c in rec.get("victim_charged_with") or []])
    return row


def csv_template() -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerow(facts_to_csv_row(CSV_EXAMPLE))
    return buf.getvalue()


def check_csv_header(name: str, header: list[str]) -> list[str]:
    cols = [h.strip().lower() for h in header]
    if not any(cols):
        raise InputError(tr("audit.csv.header_empty", name=name))
    seen: dict[str, int] = {}
    for i, c in enumerate(cols, 1):
        if c in seen:
            raise InputError(tr("audit.csv.column_twice", name=name, col=clip(c), first=seen[c], second=i))
        seen[c] = i
        if c not in CSV_COLUMNS:
            near = difflib.get_close_matches(c, CSV_COLUMNS, n=1) if len(c) <= 64 else []
            hint = tr("audit.csv.did_you_mean", near=near[0]) if near else tr("audit.csv.template_hint")
            raise InputError(tr("audit.csv.unknown_column", name=name, col=clip(header[i - 1]), n=i, hint=hint))
    if "case_id" not in seen:
        raise InputError(tr("audit.csv.no_case_id", name=name))
    return cols


_COLUMN_OF = {f: c for c, (f, _) in VICTIM_COLUMNS.items()}
_OCOLUMN_OF = {f: c for c, (f, _) in OFFENDER_COLUMNS.items()}


def _csv_hint(error: str) -> str:
    """Point model paths (victims[1].age) at the CSV column and value that hold them."""

    def hint(m: re.Match[str]) -> str:
        who, i, field = m.group(1), int(m.group(2)), m.group(3)
        col = (_COLUMN_OF if who == "victims" else _OCOLUMN_OF).get(field)
        if field == "offences":
            col = "victim_offences"
        return m.group(0) + (tr("audit.csv.hint", col=col, n=i + 1) if col else "")

    return re.sub(r"\b(victims|offenders)\[(\d+)\]\.(\w+)", hint, error)


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
    size, lines, digest, blank = _hash_input(path)
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


def _hash_input(path: str) -> tuple[int, int, str, bool]:
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


# ============================================================================ the worker side
RESULT_COLUMNS: list[tuple[str, str]] = [
    ("line", "INTEGER PRIMARY KEY"),
    ("case_id", "TEXT NOT NULL UNIQUE"),
    ("offence_date", "TEXT"),
    ("victims", "INTEGER NOT NULL"),
    ("child_victims", "INTEGER NOT NULL"),
    ("charged", "TEXT"),
    ("charged_articles", "TEXT NOT NULL"),
    ("primary_instrument", "TEXT"),
    ("primary_article", "TEXT"),
    ("primary_part", "INTEGER"),
    ("primary_title", "TEXT"),
    ("primary_gravity", "TEXT"),
    ("trafficking", "INTEGER NOT NULL"),
    ("misclassifications", "INTEGER NOT NULL"),
    ("misclassification_kinds", "TEXT"),
    ("max_severity", "TEXT"),
    ("severity_rank", "INTEGER NOT NULL"),
    ("prosecution_mode", "TEXT"),
    ("reconciliation_permitted", "INTEGER"),
    ("terminated_by_reconciliation", "INTEGER"),
    ("reconciliation_misuse", "INTEGER NOT NULL"),
    ("prosecution_flags", "TEXT"),
    ("victims_punished", "INTEGER NOT NULL"),
    ("non_punishment", "TEXT"),
    ("non_punishment_yes", "INTEGER NOT NULL"),
    ("non_punishment_no", "INTEGER NOT NULL"),
    ("non_punishment_unclear", "INTEGER NOT NULL"),
    ("misclassification_json", "TEXT NOT NULL"),
    ("facts", "TEXT NOT NULL"),
    ("findings", "TEXT NOT NULL"),
]
RESULT_NAMES = [c for c, _ in RESULT_COLUMNS]
BULKY = ("misclassification_json", "facts", "findings")


def _article_key(label: str) -> tuple:
    inst, _, art = label.partition(" ")
    num = re.match(r"\d+", art)
    return (inst != "CC", inst, int(num.group()) if num else 10**6, art)


_FREE_TEXT = {"summary": True, "victims": {"__all__": {"offences": {"__all__": {"note"}}}}, "provenance": {"evidence"}}


def facts_json(fp: FactPattern, keep_text: bool) -> str:
    """The fact pattern as stored: normalised (what the model read), free text only if kept."""
    return fp.model_dump_json(exclude_none=True, exclude_defaults=True, exclude=None if keep_text else _FREE_TEXT)


def _ref(x: Any) -> str:
    """`CC 159(3)` for a Charge, ArticleRef or VictimOffence model."""
    return f"{x.instrument} {x.article}" if x.part is None else f"{x.instrument} {x.article}({x.part})"


def result_row(line: int, fp: FactPattern, f: Findings, keep_text: bool) -> tuple:
    """One `results` row (RESULT_COLUMNS order) from a fact pattern and its findings."""
    rec = fp.record
    charges = rec.charges if rec else []
    arts = sorted({f"{c.instrument} {c.article}" for c in charges}, key=_article_key)
    prim = f.primary
    mis = f.misclassification
    kinds = sorted({m.kind for m in mis}, key=KIND_ORDER.index)
    sev = max((SEVERITY_RANK[m.severity] for m in mis), default=0)
    children = 0
    for v in fp.victims:
        age = fp.victim_age(v)
        children += age is not None and age < 18
    punished = {m.victim or f"#{i}" for i, m in enumerate(mis) if m.kind == "victim_punished"}
    applies = [n.applies for n in f.non_punishment]
    mis_small = [
        {
            "kind": m.kind,
            "severity": m.severity,
            "charged": _ref(m.charged),
            "suggested": _ref(m.suggested) if m.suggested else None,
            "victim": m.victim,
        }
        for m in mis
    ]
    pro = f.prosecution
    return (
        line,
        f.case_id,
        fp.offence_date.isoformat() if fp.offence_date else None,
        len(fp.victims),
        children,
        ";".join(_ref(c) for c in charges) or None,
        " + ".join(arts) if arts else NOT_RECORDED,
        prim.instrument if prim else None,
        prim.article if prim else None,
        prim.part if prim else None,
        prim.title if prim else None,
        prim.gravity if prim else None,
        int(bool(prim and prim.article in ("166", "167"))),
        len(mis),
        ";".join(kinds) or None,
        {3: "high", 2: "medium", 1: "low"}.get(sev),
        sev,
        pro.mode,
        None if pro.reconciliation_permitted is None else int(pro.reconciliation_permitted),
        None if not rec or rec.terminated_by_reconciliation is None else int(rec.terminated_by_reconciliation),
        int("reconciliation_not_permitted" in pro.flags),
        ";".join(pro.flags) or None,
        len(punished),
        "; ".join(f"{n.victim} {_ref(n.offence)}: {n.applies}" for n in f.non_punishment) or None,
        applies.count("yes"),
        applies.count("no"),
        applies.count("unclear"),
        json.dumps(mis_small, ensure_ascii=False, separators=(",", ":")) if mis_small else "[]",
        facts_json(fp, keep_text),
        f.model_dump_json(),
    )


def _init_worker(parent: int) -> None:
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


def _invalid(line: int, case_id: Any, kind: str, error: str, record: str | None, keep_text: bool) -> tuple:
    """An `invalid` row, as SQLite takes it whatever the record held: a case id cut to the model's
    200 characters, unpaired surrogates escaped (invalid UTF-8 in a CSV cell is read that way)."""
    cid = storable(cut(case_id, 200)) if isinstance(case_id, str) else None
    return ("invalid", line, cid, kind, storable(error), storable(record) if keep_text else None)


def _who(cid: Any) -> str:
    return tr("audit.input.who", case_id=clip(cid)) if isinstance(cid, str) and cid else ""


def _read(fmt: str, name: str, header: list[str] | None, line: int, payload: Any, keep_text: bool) -> FactPattern | tuple:
    """The record as a validated FactPattern, or an `invalid` tuple naming the problem."""
    if isinstance(payload, str):  # a reader-level problem (record too long, CSV syntax)
        return _invalid(line, None, "invalid", payload, None, keep_text)
    if fmt == "jsonl":
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as e:
            error = tr("audit.input.not_utf8", path=name, line=line, byte=e.start)
            return _invalid(line, None, "invalid", error, None, keep_text)
        if not SURROGATE_ESCAPE.search(payload):
            # The fast path: the C decoder finds duplicate keys and long numbers, pydantic parses and
            # validates; anything it refuses takes the path with the exact messages.
            try:
                _DECODER.decode(text)
                return FactPattern.model_validate_json(text)
            except Exception:  # noqa: BLE001, S110 - read again below, with a message naming the problem
                pass
        raw_text = text.rstrip("\r\n")
        try:
            obj = load_json(name, text, line)
        except InputError as e:
            return _invalid(line, None, "invalid", str(e), raw_text, keep_text)
    else:
        assert header is not None
        raw_text = json.dumps(dict(zip(header, payload, strict=False)), ensure_ascii=False)
        cid = payload[header.index("case_id")].strip() if len(payload) > header.index("case_id") else None
        who = _who(cid)
        if any(SURROGATE.search(c) for c in payload):  # invalid UTF-8, read with surrogateescape
            return _invalid(line, cid, "invalid", tr("audit.input.not_utf8_csv", path=name, line=line, who=who), None, keep_text)
        if len(payload) != len(header):
            return _invalid(line, cid, "invalid", _cell_count_error(name, line, who, payload, header), raw_text, keep_text)
        try:
            obj = csv_row_to_facts(dict(zip(header, payload, strict=True)))
        except CsvError as e:
            error = f"{name}:{line}{who}: {e}"
            return _invalid(line, cid, "invalid", error, raw_text, keep_text)
    rec = validate(name, line, obj)
    if rec.facts is None:
        err = rec.error or tr("audit.input.not_a_fact_pattern", path=name, line=line)
        cid = obj.get("case_id") if isinstance(obj, dict) else None
        return _invalid(line, cid, "invalid", _csv_hint(err) if fmt == "csv" else err, raw_text, keep_text)
    return rec.facts


def read_record(fmt: str, name: str, header: list[str] | None, line: int, payload: Any, keep_text: bool) -> FactPattern | tuple:
    """`_read`, with whatever it may still raise recorded as the record's error: one record never stops an audit."""
    try:
        return _read(fmt, name, header, line, payload, keep_text)
    except Exception as e:  # noqa: BLE001 - a defect, recorded with the record it happened on
        error = tr("audit.input.read_error", path=name, line=line, error_type=type(e).__name__, error=clip(e, 200))
        return _invalid(line, None, "engine_error", error, None, keep_text)


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
    return _invalid(line, fp.case_id, "unconfirmed_draft", tr("audit.input.draft_refused", path=name, line=line), raw, keep_text)


def process_record(fmt: str, name: str, header: list[str] | None, line: int, payload: Any, keep_text: bool) -> tuple:
    """Validate and classify one record. Returns ("ok", row) or ("invalid", line, case_id, kind, error, record)."""
    return process_records(fmt, name, header, [(line, payload)], keep_text)[0]


def _classify_all(valid: list[FactPattern]) -> list[Any]:
    """Findings or an exception for each fact pattern: a batch, or one at a time if the batch itself fails."""
    from .engine import classify_many

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
            out.append(_invalid(line, fp.case_id, "engine_error", error, raw, keep_text))
    return out


def _cell_count_error(name: str, line: int, who: str, cells: list[str], header: list[str]) -> str:
    msg = tr("audit.csv.cell_count", name=name, line=line, who=who, cells=len(cells), columns=len(header))
    if any("\n" in c for c in cells):
        msg += tr("audit.csv.open_quote")
    return msg


def _ping() -> int:
    return os.getpid()


def _language() -> str:
    """The language of the findings' prose (--lang / THB_LANG): part of an audit's identity."""
    return lang()


def _set_language(value: str) -> None:
    set_lang(value)


def process_chunk(task: tuple) -> list[tuple]:
    fmt, name, header, keep_text, language, items = task
    _set_language(language)  # the parent's --lang, which a worker process does not inherit
    return process_records(fmt, name, header, items, keep_text)


# ============================================================================ the results database
ENGINE_MODULES = ("engine", "consequences", "units", "compiler", "facade", "oracle", "ruledata", "models", "loader", "penalties", "i18n")


def engine_version() -> str:
    """The package version and digests of the rule base and of the engine's code: one results
    database never mixes findings of different rule bases or engines (--resume refuses)."""
    from . import __version__
    from .ruledata import rules_dir

    rules = hashlib.sha256()
    root = rules_dir()
    for p in sorted(root.rglob("*.yaml")):
        rules.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    code = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for m in ENGINE_MODULES:
        p = here / f"{m}.py"
        if p.exists():
            code.update(m.encode() + b"\0" + p.read_bytes() + b"\0")
    for p in sorted((here / "locales").glob("*.yaml")):  # the engine's messages are part of the findings
        code.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return f"thb-classifier {__version__}; rules {rules.hexdigest()[:12]}; code {code.hexdigest()[:12]}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE results ({", ".join(f"{c} {t}" for c, t in RESULT_COLUMNS)});
CREATE TABLE invalid (line INTEGER PRIMARY KEY, case_id TEXT, kind TEXT NOT NULL, error TEXT NOT NULL, record TEXT);
CREATE INDEX results_severity ON results (severity_rank DESC, line);
CREATE INDEX results_primary ON results (primary_article, primary_part);
"""


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta"))


def _remove_db(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path + suffix)


def _is_sqlite(path: str) -> bool:
    try:
        with os.fdopen(open_regular(path), "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except (OSError, InputError):
        return False


def _read_only_uri(path: str) -> str:
    """A read-only SQLite URI for any file name (`#`, `?` and `%` in a name are percent-encoded)."""
    return Path(path).absolute().as_uri() + "?mode=ro"


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


class _Pool:
    """A process pool that can be rebuilt after a worker dies (durable-rules can crash a process)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.ex = self._new()
        try:
            self.ex.submit(_ping).result()
        except BrokenProcessPool:
            self.ex.shutdown(wait=False, cancel_futures=True)
            raise AuditFailure(tr("audit.fail.workers_start")) from None

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=_mp_context(), initializer=_init_worker, initargs=(os.getpid(),)
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


def _integrity(conn: sqlite3.Connection, path: str) -> None:
    """InputError when SQLite finds the database damaged (a disk fault, a copy cut short, a file edited)."""
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as e:
        raise InputError(tr("audit.db.damaged", path=path, problem=clip(e, 200))) from None
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    if problems:
        raise InputError(tr("audit.db.damaged", path=path, problem=clip("; ".join(problems), 200)))


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
        _remove_db(db)
    if opts.resume:
        if not os.path.exists(db):
            if kind != "sqlite" and os.path.exists(opts.out):
                result.status = "already_complete"
                result.notes.append(tr("audit.db.complete_nothing_to_resume", path=opts.out))
                return None
            result.notes.append(tr("audit.db.nothing_to_resume", path=db))
        else:
            if os.path.getsize(db) and not _is_sqlite(db):
                raise InputError(tr("audit.db.not_sqlite_resume", path=db))
            conn = _connect(db)
            try:
                _integrity(conn, db)
            except InputError:
                conn.close()
                raise
            if _is_empty_db(conn):  # killed before its first commit: nothing to resume, nothing lost
                conn.close()
                _remove_db(db)
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
                "language": _language(),
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
                    _export(db, opts.out, kind)
                    _remove_db(db)
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
        "language": _language(),
        "engine_version": version,
        "started_at": _now(),
        "finished_at": "",
        "status": "running",
        "next_line": str(info.data_line),
        "next_offset": str(info.data_offset),
        "records": "0",
        "runs": "0",
    }
    conn = _connect(db)
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
        _export(db, opts.out, kind)
        _remove_db(db)
    return result


def _check_input_unchanged(conn: sqlite3.Connection, info: InputInfo, result: AuditResult) -> None:
    """Hash the input again at the end: a file edited while the audit read it gives results of
    neither version. Say so (a note, and `input_changed` in meta, which `thb report` shows)."""
    try:
        size, _lines, digest, _blank = _hash_input(info.path)
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
    pool = _Pool(jobs)
    pending: deque[tuple[list[Item], Future]] = deque()
    last_commit = time.monotonic()
    uncommitted = 0
    name = info.path
    language = meta.get("language") or _language()
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
                    outcome.append(_invalid(it.line, None, "engine_error", error, None, False))
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
                (_now(), "finished_at"),
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


def _recover(pool: _Pool, pending: deque, items: list[Item], task: Callable, name: str) -> list[tuple]:
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


def _export(db: str, out: str, kind: str) -> None:
    """Write the audit as one .jsonl or .csv file: a temporary file beside it, then a rename."""
    conn = sqlite3.connect(_read_only_uri(db), uri=True)
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


# ============================================================================ the report
def open_results(path: str) -> tuple[sqlite3.Connection, dict[str, str]]:
    if not os.path.exists(path):
        raise InputError(tr("audit.input.no_such_file", path=path))
    if os.path.isdir(path):
        raise InputError(tr("audit.report.directory", path=path))
    os.close(open_regular(path))  # not a FIFO or a device (SQLite would block on one, or read it forever)
    if not _is_sqlite(path):
        hint = tr("audit.report.not_sqlite_hint") if path.endswith((".jsonl", ".csv")) else ""
        raise InputError(tr("audit.report.not_sqlite", path=path, hint=hint))
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error as e:
        raise InputError(tr("audit.report.not_results", path=path, error=clip(e, 200))) from None
    try:
        _integrity(conn, path)
        meta = read_meta(conn)
        conn.execute("SELECT line, case_id FROM results LIMIT 1").fetchall()
        conn.execute("SELECT line FROM invalid LIMIT 1").fetchall()
    except sqlite3.Error as e:
        conn.close()
        raise InputError(tr("audit.report.not_results", path=path, error=clip(e, 200))) from None
    except InputError:
        conn.close()
        raise
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        raise InputError(tr("audit.report.format", path=path, have=repr(meta.get("schema_version")), want=SCHEMA_VERSION))
    return conn, meta


def kind_label(kind: str) -> str:
    """A misclassification kind (an English enumeration value in the data) for a reader."""
    return tr(f"audit.kind.{kind}") if kind in KIND_ORDER else kind.replace("_", " ")


def severity_label(severity: str | None) -> str:
    return tr(f"audit.severity.{severity}") if severity in SEVERITY_RANK else str(severity or "")


_REF_LABEL = re.compile(r"\b(CC2017|CC1997|CC|CoO|CoM|CPC) (\d+(?:-\d+)?)(?:\((\d+)\))?")


def ref_label(text: str | None) -> str | None:
    """Article references in a text for a reader: `CC 159(3)` stays as stored in English and becomes
    «ч. 3 ст. 159 УК» in Russian (the stored data and the JSON keys keep the English form)."""
    if not text or lang() == "en":
        return text

    def one(m: re.Match[str]) -> str:
        inst = tr(f"audit.instrument.{m[1]}")
        if m[3]:
            return tr("audit.ref.article_part", instrument=inst, article=m[2], part=m[3])
        return tr("audit.ref.article", instrument=inst, article=m[2])

    return _REF_LABEL.sub(one, text)


def shown(label: str | None) -> str:
    """A charged/engine label for a reader: the two placeholders stored in English are translated,
    article references follow the language."""
    if label == NOT_RECORDED:
        return tr("audit.not_recorded")
    if label == NO_PRIMARY:
        return tr("audit.no_primary")
    return "" if label is None else str(ref_label(str(label)))


def _applies_shown(nps: str | None) -> str | None:
    """`V1 CC 378(1): yes; …` (the stored summary) with yes/no/unclear in the language in force."""
    if not nps:
        return nps
    return re.sub(r": (yes|no|unclear)(?=;|$)", lambda m: ": " + tr(f"audit.applies.{m[1]}"), nps)


def _primary_label(inst: str | None, art: str | None) -> str:
    return f"{inst} {art}" if art else NO_PRIMARY


def report_data(paths: list[str], top: int = 20) -> dict[str, Any]:
    """Everything `thb report` shows, as plain data (text, HTML and JSON render it)."""
    files: list[dict[str, Any]] = []
    warnings: list[str] = []
    conns = []
    for p in paths:
        conn, meta = open_results(p)
        conns.append((p, conn, meta))
    crosstab: dict[str, Counter] = {}
    charged_n: Counter = Counter()
    engine_n: Counter = Counter()
    mis_flags: Counter = Counter()
    mis_cases: Counter = Counter()
    punished: list[dict[str, Any]] = []
    punished_cases = punished_victims = 0
    recon: list[dict[str, Any]] = []
    recon_cases = 0
    reopen_heap: list[tuple] = []
    seen: dict[str, tuple[str, int]] = {}
    duplicates: list[dict[str, Any]] = []
    dup_count = 0
    cases = 0
    trafficking_cases = 0
    trafficking_charged = 0
    mis_any = 0
    cols = (
        "line, case_id, charged, charged_articles, primary_instrument, primary_article, primary_part, trafficking, "
        "misclassification_kinds, max_severity, severity_rank, reconciliation_permitted, terminated_by_reconciliation, "
        "reconciliation_misuse, victims_punished, misclassification_json, non_punishment"
    )
    seq = 0
    drafts = 0
    current = paths[0] if paths else ""
    try:
        for p, conn, meta in conns:
            current = p
            n_results = conn.execute("SELECT count(*) FROM results").fetchone()[0]
            drafts += _count_drafts(conn)
            inv = dict(conn.execute("SELECT kind, count(*) FROM invalid GROUP BY kind").fetchall())
            files.append(
                {
                    "path": p,
                    "input": meta.get("input_path"),
                    "input_sha256": meta.get("input_sha256"),
                    "lines": meta.get("lines"),
                    "status": meta.get("status"),
                    "engine_version": meta.get("engine_version"),
                    "started_at": meta.get("started_at"),
                    "finished_at": meta.get("finished_at") or None,
                    "keep_text": meta.get("keep_text") == "1",
                    "results": n_results,
                    "invalid": sum(inv.values()),
                    "invalid_by_kind": inv,
                }
            )
            if meta.get("input_changed") == "1":
                warnings.append(tr("audit.warn.input_changed", path=p))
            if meta.get("status") != "complete":
                upto = int(meta.get("next_line", "1")) - 1
                warnings.append(
                    tr("audit.warn.incomplete", path=p, status=meta.get("status"), records=meta.get("records"), line=upto)
                )
            multi = len(conns) > 1
            for r in conn.execute(f"SELECT {cols} FROM results ORDER BY line"):
                (
                    line,
                    cid,
                    charged,
                    charged_arts,
                    pinst,
                    part_,
                    ppart,
                    traf,
                    kinds,
                    maxsev,
                    sevrank,
                    _rp,
                    _term,
                    misuse,
                    vp,
                    mjson,
                    nps,
                ) = r
                if multi:
                    if cid in seen:
                        dup_count += 1
                        if len(duplicates) < 200:
                            duplicates.append({"case_id": cid, "first": f"{seen[cid][0]}:{seen[cid][1]}", "also": f"{p}:{line}"})
                        continue
                    seen[cid] = (p, line)
                cases += 1
                seq += 1
                prim = _primary_label(pinst, part_)
                crosstab.setdefault(charged_arts, Counter())[prim] += 1
                arts = [] if charged_arts == NOT_RECORDED else charged_arts.split(" + ")
                for a in arts:
                    charged_n[a] += 1
                if part_:
                    engine_n[prim] += 1
                if traf:
                    trafficking_cases += 1
                    if any(a in ("CC 166", "CC 167") for a in arts):
                        trafficking_charged += 1
                mis = json.loads(mjson)
                mis_any += bool(mis)
                for key in {(m["kind"], m["severity"]) for m in mis}:
                    mis_cases[key] += 1
                for m in mis:
                    mis_flags[(m["kind"], m["severity"])] += 1
                primary_text = prim + (f"({ppart})" if ppart is not None else "")
                base = {"file": p, "line": line, "case_id": cid, "charged": charged or NOT_RECORDED, "engine": primary_text}
                if vp:
                    punished_cases += 1
                    punished_victims += vp
                    if len(punished) < top:
                        vm = [m for m in mis if m["kind"] == "victim_punished"]
                        punished.append(
                            {
                                **base,
                                "victims": vp,
                                "charged_with": "; ".join(
                                    f"{m['victim'] or '?'}: {ref_label(m['charged'])} ({severity_label(m['severity'])})"
                                    for m in vm
                                ),
                                "non_punishment": ref_label(_applies_shown(nps)),
                            }
                        )
                if misuse:
                    recon_cases += 1
                    if len(recon) < top:
                        recon.append(base)
                if sevrank or misuse:
                    kind_rank = min((KIND_ORDER.index(m["kind"]) for m in mis), default=len(KIND_ORDER))
                    key = (sevrank, misuse, traf, -kind_rank, vp, -seq)
                    reasons = [
                        f"{kind_label(m['kind'])} ({severity_label(m['severity'])}): {ref_label(m['charged'])}"
                        + (f" → {ref_label(m['suggested'])}" if m["suggested"] else "")
                        + (tr("audit.reason.victim", victim=m["victim"]) if m.get("victim") else "")
                        for m in sorted(mis, key=lambda m: (-SEVERITY_RANK[m["severity"]], KIND_ORDER.index(m["kind"])))
                    ]
                    if misuse:
                        reasons.append(tr("audit.reason.reconciliation"))
                    entry = {**base, "max_severity": maxsev, "reasons": reasons}
                    if len(reopen_heap) < top:
                        heapq.heappush(reopen_heap, (key, seq, entry))
                    elif top > 0 and key > reopen_heap[0][0]:
                        heapq.heapreplace(reopen_heap, (key, seq, entry))
    except sqlite3.DatabaseError as e:  # found damaged while read (the integrity check samples pages)
        for _, conn, _ in conns:
            conn.close()
        raise InputError(tr("audit.db.damaged", path=current, problem=clip(e, 200))) from None
    for _, conn, _ in conns:
        conn.close()
    if dup_count:
        warnings.append(tr("audit.warn.duplicates", n=dup_count))
    versions = sorted({f["engine_version"] for f in files})
    if len(versions) > 1:
        warnings.append(tr("audit.warn.versions", versions=" | ".join(versions)))
    by_input: dict[str, list[dict]] = {}
    for f in files:
        by_input.setdefault(f["input_sha256"], []).append(f)
    for group in by_input.values():
        if len(group) > 1 and any(f["lines"] == "all" for f in group):
            warnings.append(tr("audit.warn.overlap", files=", ".join(f["path"] for f in group)))
    rows = sorted(crosstab, key=lambda k: (k == NOT_RECORDED, -sum(crosstab[k].values()), k))
    colset = Counter()
    for c in crosstab.values():
        colset.update(c)
    cols_ = sorted(colset, key=lambda k: (k == NO_PRIMARY, _article_key(k) if k != NO_PRIMARY else ()))
    mis_rows = [
        {"kind": k, "severity": s, "flags": mis_flags[(k, s)], "cases": mis_cases[(k, s)]}
        for k in KIND_ORDER
        for s in ("high", "medium", "low")
        if mis_flags[(k, s)]
    ]
    chart_labels = sorted(set(charged_n) | set(engine_n), key=_article_key)
    reopen = [entry for _, _, entry in sorted(reopen_heap, key=lambda t: t[0], reverse=True)]
    return {
        "generated_at": _now(),
        "files": files,
        "totals": {
            "cases": cases,
            "invalid": sum(f["invalid"] for f in files),
            "duplicates_across_files": dup_count,
            "trafficking_made_out": trafficking_cases,
            "trafficking_made_out_and_charged": trafficking_charged,
            "with_misclassification": mis_any,
            "victims_punished_cases": punished_cases,
            "victims_punished": punished_victims,
            "reconciliation_misuse_cases": recon_cases,
            "unconfirmed_drafts": drafts,
        },
        "crosstab": {
            "rows": rows,
            "columns": cols_,
            "counts": {r: {c: crosstab[r][c] for c in cols_ if crosstab[r][c]} for r in rows},
            "row_totals": {r: sum(crosstab[r].values()) for r in rows},
            "column_totals": {c: colset[c] for c in cols_},
        },
        "misclassifications": mis_rows,
        "victims_punished": punished,
        "reconciliation_misuse": recon,
        "reopen": reopen,
        "chart": [{"article": a, "charged": charged_n[a], "engine": engine_n[a]} for a in chart_labels],
        "duplicates": duplicates,
        "warnings": warnings,
    }


def _count_drafts(conn: sqlite3.Connection) -> int:
    """Cases classified from unconfirmed machine drafts (`thb audit --draft`)."""
    try:
        q = (
            "SELECT count(*) FROM results WHERE json_extract(facts, '$.provenance.method') = 'extract' "
            "AND json_extract(facts, '$.provenance.confirmed') = 0"
        )
        return conn.execute(q).fetchone()[0]
    except sqlite3.OperationalError:  # an SQLite without JSON functions: look at the text
        return conn.execute(
            'SELECT count(*) FROM results WHERE facts LIKE \'%"method":"extract"%"confirmed":false%\''
        ).fetchone()[0]


def render_html(data: dict[str, Any]) -> str:
    """The report as one self-contained page: inline CSS and SVG, no external resources, all text escaped.
    Every word comes from the message catalogue (`classifier/locales/audit.*.yaml`): it follows --lang."""
    e = lambda x: html.escape("" if x is None else str(x), quote=True)  # noqa: E731
    th = lambda *keys: "".join(f"<th>{e(tr(k))}</th>" for k in keys)  # noqa: E731
    t = data["totals"]
    parts: list[str] = []
    add = parts.append
    add(f"<!DOCTYPE html>\n<html lang='{e(lang())}'><head><meta charset='utf-8'>")
    add("<meta name='viewport' content='width=device-width, initial-scale=1'>")
    add(f"<title>{e(tr('audit.title'))}</title><style>")
    add(
        "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430;margin:2rem auto;max-width:1100px;padding:0 1rem}"
        "h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #d8dde6;padding-bottom:.2rem}"
        "table{border-collapse:collapse;margin:.6rem 0;font-size:13px}th,td{border:1px solid #d8dde6;padding:.25rem .5rem;text-align:left;vertical-align:top}"
        "th{background:#f1f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#5b6472}"
        ".warn{background:#fff4e0;border-left:4px solid #e69500;padding:.4rem .7rem;margin:.4rem 0}"
        ".sev-high{color:#b3261e;font-weight:600}.sev-medium{color:#a05a00;font-weight:600}.sev-low{color:#44607a}"
        ".kpi{display:inline-block;margin:0 1.2rem .8rem 0}.kpi b{display:block;font-size:1.5rem}"
        "@media print{body{margin:0}h2{page-break-after:avoid}}"
    )
    add("</style></head><body>")
    if t.get("unconfirmed_drafts"):
        add(f"<div class='warn'><b>{e(tr('audit.report.drafts', n=t['unconfirmed_drafts']))}</b></div>")
    add(f"<h1>{e(tr('audit.title'))}</h1>")
    add(f"<p class='muted'>{e(tr('audit.html.generated', at=data['generated_at'], n=len(data['files'])))}</p>")
    for w in data["warnings"]:
        add(f"<div class='warn'>{e(w)}</div>")
    add("<div>")
    for key, val in (
        ("cases", t["cases"]),
        ("made_out", t["trafficking_made_out"]),
        ("charged", t["trafficking_made_out_and_charged"]),
        ("punished", t["victims_punished_cases"]),
        ("recon", t["reconciliation_misuse_cases"]),
        ("invalid", t["invalid"]),
    ):
        add(f"<span class='kpi'><b>{e(val)}</b>{e(tr(f'audit.html.kpi.{key}'))}</span>")
    add("</div>")
    add(f"<h2>{e(tr('audit.html.chart_title'))}</h2>")
    add(_svg_chart(data["chart"]))
    ct = data["crosstab"]
    add(f"<table><thead><tr><th>{e(tr('audit.crosstab.corner'))}</th>")
    add("".join(f"<th>{e(shown(c))}</th>" for c in ct["columns"]) + th("audit.col.total") + "</tr></thead><tbody>")
    for r in ct["rows"]:
        cells = "".join(f"<td class='n'>{e(ct['counts'][r].get(c, '') or '')}</td>" for c in ct["columns"])
        add(f"<tr><th>{e(shown(r))}</th>{cells}<td class='n'><b>{e(ct['row_totals'][r])}</b></td></tr>")
    add(
        th("audit.col.total").join(("<tr>", ""))
        + "".join(f"<td class='n'><b>{e(ct['column_totals'][c])}</b></td>" for c in ct["columns"])
    )
    add(f"<td class='n'><b>{e(t['cases'])}</b></td></tr></tbody></table>")
    add(f"<h2>{e(tr('audit.mis.title'))}</h2>")
    if data["misclassifications"]:
        add(
            "<table><thead><tr>"
            + th("audit.col.kind", "audit.col.severity", "audit.col.flags", "audit.col.cases")
            + "</tr></thead><tbody>"
        )
        for m in data["misclassifications"]:
            add(
                f"<tr><td>{e(kind_label(m['kind']))}</td><td class='sev-{e(m['severity'])}'>{e(severity_label(m['severity']))}</td>"
                f"<td class='n'>{e(m['flags'])}</td><td class='n'>{e(m['cases'])}</td></tr>"
            )
        add("</tbody></table>")
    else:
        add(f"<p>{e(tr('audit.mis.none_html'))}</p>")

    def where(c: dict[str, Any]) -> str:
        return f"<td class='muted'>{e(c['file'])}:{e(c['line'])}</td>"

    add(f"<h2>{e(tr('audit.reopen.title_html'))}</h2>")
    if data["reopen"]:
        cols = th("audit.col.case", "audit.col.where", "audit.col.charged", "audit.col.engine", "audit.col.why")
        add(f"<table><thead><tr><th>#</th>{cols}</tr></thead><tbody>")
        for i, c in enumerate(data["reopen"], 1):
            why = "<br>".join(e(x) for x in c["reasons"])
            add(
                f"<tr><td class='n'>{i}</td><td class='sev-{e(c['max_severity'] or 'low')}'>{e(c['case_id'])}</td>"
                f"{where(c)}<td>{e(shown(c['charged']))}</td>"
                f"<td>{e(shown(c['engine']))}</td><td>{why}</td></tr>"
            )
        add("</tbody></table>")
    else:
        add(f"<p>{e(tr('audit.reopen.none_html'))}</p>")

    def case_list(title: str, key: str, total: int, cols: tuple[str, ...], cells: Callable[[dict[str, Any]], str]) -> None:
        """A list of cases (at most --top) under its title, and how many more there are."""
        add(f"<h2>{e(title)}</h2>")
        if not data[key]:
            return
        add(f"<table><thead><tr>{th(*cols)}</tr></thead><tbody>")
        for c in data[key]:
            add(f"<tr><td>{e(c['case_id'])}</td>{where(c)}{cells(c)}</tr>")
        add("</tbody></table>")
        if total > len(data[key]):
            add(f"<p class='muted'>{e(tr('audit.more_html', n=total - len(data[key])))}</p>")

    case_list(
        tr("audit.punished.title", cases=t["victims_punished_cases"], victims=t["victims_punished"]),
        "victims_punished",
        t["victims_punished_cases"],
        ("audit.col.case", "audit.col.where", "audit.col.victim_charged_with", "audit.col.non_punishment"),
        lambda c: f"<td>{e(c['charged_with'])}</td><td>{e(c['non_punishment'])}</td>",
    )
    case_list(
        tr("audit.recon.title_html", cases=t["reconciliation_misuse_cases"]),
        "reconciliation_misuse",
        t["reconciliation_misuse_cases"],
        ("audit.col.case", "audit.col.where", "audit.col.charged", "audit.col.engine"),
        lambda c: f"<td>{e(shown(c['charged']))}</td><td>{e(shown(c['engine']))}</td>",
    )
    if data["duplicates"]:
        add(f"<h2>{e(tr('audit.dups.title_html', n=t['duplicates_across_files']))}</h2>")
        add("<table><thead><tr>" + th("audit.col.case", "audit.col.counted_from", "audit.col.also_in") + "</tr></thead><tbody>")
        for d in data["duplicates"]:
            add(f"<tr><td>{e(d['case_id'])}</td><td>{e(d['first'])}</td><td>{e(d['also'])}</td></tr>")
        add("</tbody></table>")
    add(f"<h2>{e(tr('audit.html.files_title'))}</h2><table><thead><tr>")
    add(th("audit.col.file", "audit.col.input", "audit.col.lines", "audit.col.status"))
    add(th("audit.col.cases", "audit.col.invalid", "audit.col.engine", "audit.col.finished") + "</tr></thead><tbody>")
    for f in data["files"]:
        add(
            f"<tr><td>{e(f['path'])}</td><td>{e(f['input'])}<br><span class='muted'>sha256 {e((f['input_sha256'] or '')[:16])}…</span></td>"
            f"<td>{e(f['lines'])}</td><td>{e(f['status'])}</td><td class='n'>{e(f['results'])}</td><td class='n'>{e(f['invalid'])}</td>"
            f"<td>{e(f['engine_version'])}</td><td>{e(f['finished_at'] or '—')}</td></tr>"
        )
    add("</tbody></table>")
    kept = tr("audit.html.kept" if any(f["keep_text"] for f in data["files"]) else "audit.html.not_kept")
    add(f"<p class='muted'>{tr('audit.html.footer', kept=e(kept))}</p>")  # the catalogue's own <code> markup
    add("</body></html>\n")
    return "".join(parts)


def _svg_chart(chart: list[dict[str, Any]]) -> str:
    if not chart:
        return f"<p>{html.escape(tr('audit.chart.none'))}</p>"
    e = lambda x: html.escape(str(x), quote=True)  # noqa: E731
    peak = max(max(c["charged"], c["engine"]) for c in chart) or 1
    bar_w, row_h, bar_h = 520, 34, 12
    # labels run to «ст. 122 КоПр 2017 г.»: the bars start after the longest (12 px text, ~7.5 px a character)
    label_w = max(90, 12 + round(7.5 * max(len(shown(c["article"])) for c in chart)))
    height = 30 + row_h * len(chart)
    width = label_w + bar_w + 70
    names = {"charged": tr("audit.chart.charged"), "engine": tr("audit.chart.engine")}
    engine_x = 24 + 7 * len(names["charged"])  # the second legend entry after the first one's text
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
        f"role='img' aria-label='{e(tr('audit.chart.aria'))}'>",
        f"<rect x='0' y='0' width='12' height='12' fill='#8aa1b8'/><text x='16' y='10' font-size='11'>{e(names['charged'])}</text>",
        f"<rect x='{engine_x}' y='0' width='12' height='12' fill='#b3261e'/>"
        f"<text x='{engine_x + 16}' y='10' font-size='11'>{e(names['engine'])}</text>",
    ]
    for i, c in enumerate(chart):
        y = 26 + i * row_h
        out.append(f"<text x='0' y='{y + bar_h + 4}' font-size='12'>{e(shown(c['article']))}</text>")
        for j, (key, colour) in enumerate((("charged", "#8aa1b8"), ("engine", "#b3261e"))):
            w = round(bar_w * c[key] / peak, 1)
            yy = y + j * (bar_h + 2)
            out.append(
                f"<rect x='{label_w}' y='{yy}' width='{w}' height='{bar_h}' fill='{colour}'>"
                f"<title>{e(shown(c['article']))}: {e(c[key])} {e(names[key])}</title></rect>"
            )
            out.append(f"<text x='{label_w + w + 4}' y='{yy + bar_h - 2}' font-size='11'>{e(c[key])}</text>")
    out.append("</svg>")
    return "".join(out)


# ============================================================================ warm workers
def _warm_caches() -> None:
    """Compile the rule base once, in the fork server, so that every worker forks warm.

    Only the pure-Python oracle runs here (the same rules, no durable-rules): no engine state
    exists in the process that workers are forked from; each worker builds its own host."""
    from .engine import classify

    with contextlib.suppress(Exception):
        classify(CSV_EXAMPLE, backend="oracle")
    gc.freeze()  # the compiled rule base is permanent: the workers' collections never walk it


if sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules:  # the fork server's preload
    _warm_caches()
