"""Audit mode: re-screen a registry of past cases, resumably, into an SQLite results database.

`thb audit` streams a batch of fact patterns (JSON Lines, or CSV with the columns of
`csvformat`), has worker processes classify them (the rules engine is not thread-safe, and the
parent process never classifies), and writes one row per case into `results`, one per unusable
record into `invalid`, and the audit's identity and progress into `meta` — transactionally, in
input order, so an interrupted audit resumes exactly where its last commit ended. `thb report`
merges one or more results databases into the summary an auditor takes to a meeting.
docs/audit.md is the user's guide.

Privacy: the free-text fields of a fact pattern (`summary`, `victims[].offences[].note`) are
dropped before anything is stored unless `keep_text` is set, and no message quotes them.

The parts, along the audit's own banners: `csvformat` (the CSV input format), `reader` (reading
the input), `rows` (a results row), `worker` (the worker side), `store` (the results database),
`options` (options, result, the pool), `run` (running an audit), `export` (.jsonl/.csv output,
validate-only), `summary` (the report's data), `html` (the report's page), `warm` (warm workers).
The names used outside the audit are imported here; the fork server preloads this package by
name (`options.mp_context`) and warms the rule base in it (`warm`).
"""

from __future__ import annotations

import sys

from .base import KIND_ORDER, NO_PRIMARY, NOT_RECORDED, SCHEMA_VERSION, SEVERITY_RANK, AuditFailure
from .csvformat import (
    CSV_COLUMNS,
    CSV_EXAMPLE,
    CsvError,
    check_csv_header,
    csv_row_to_facts,
    csv_template,
    facts_to_csv_row,
    join_list,
    split_list,
)
from .export import BOOL_COLUMNS, EXPORT_COLUMNS, FORMULA_STARTS, csv_cell, validate_stream
from .html import render_html
from .options import AuditOptions, AuditResult, default_jobs, hard_stopped, out_kind, parse_lines, work_db
from .reader import InputInfo, Item, input_format, inspect_input, iter_items
from .rows import RESULT_COLUMNS, RESULT_NAMES, facts_json, result_row
from .run import WriterLock, run_audit
from .store import engine_version, read_meta
from .summary import (
    PROBLEM_LIMIT,
    invalid_kind_label,
    kind_label,
    open_results,
    problem_text,
    ref_label,
    report_data,
    severity_label,
    shown,
    where_words,
)
from .warm import warm_caches
from .worker import GC_THRESHOLDS, drafts_allowed, process_chunk, process_record, process_records, read_record

__all__ = [
    "AuditFailure",
    "AuditOptions",
    "AuditResult",
    "BOOL_COLUMNS",
    "CSV_COLUMNS",
    "CSV_EXAMPLE",
    "CsvError",
    "EXPORT_COLUMNS",
    "FORMULA_STARTS",
    "GC_THRESHOLDS",
    "InputInfo",
    "Item",
    "KIND_ORDER",
    "NOT_RECORDED",
    "NO_PRIMARY",
    "PROBLEM_LIMIT",
    "RESULT_COLUMNS",
    "RESULT_NAMES",
    "SCHEMA_VERSION",
    "SEVERITY_RANK",
    "WriterLock",
    "check_csv_header",
    "csv_cell",
    "csv_row_to_facts",
    "csv_template",
    "default_jobs",
    "drafts_allowed",
    "engine_version",
    "facts_json",
    "facts_to_csv_row",
    "hard_stopped",
    "input_format",
    "invalid_kind_label",
    "inspect_input",
    "iter_items",
    "join_list",
    "kind_label",
    "open_results",
    "out_kind",
    "parse_lines",
    "process_chunk",
    "process_record",
    "problem_text",
    "process_records",
    "read_meta",
    "read_record",
    "ref_label",
    "render_html",
    "report_data",
    "result_row",
    "run_audit",
    "severity_label",
    "shown",
    "split_list",
    "validate_stream",
    "warm_caches",
    "where_words",
    "work_db",
]

if sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules:  # the fork server's preload
    warm_caches()
