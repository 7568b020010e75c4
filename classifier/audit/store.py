"""The results database: the engine's identity (`engine_version`), the schema, opening and checking a database."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
from pathlib import Path

from ..errors import InputError
from ..i18n import tr
from ..reading.inputs import open_regular
from ..safetext import clip
from .rows import RESULT_COLUMNS

# ============================================================================ the results database
# Every file whose change can alter findings: the rule base's code, the runtime, the analysis, the
# contract, the reading of inputs, the languages and citations (and, below, the locales).
ENGINE_CODE = ("rulebase", "runtime", "analysis", "reading", "models.py", "records.py", "errors.py", "i18n.py", "citations.py")


def engine_version() -> str:
    """The package version and digests of the rule base and of the engine's code: one results
    database never mixes findings of different rule bases or engines (--resume refuses)."""
    from .. import __version__
    from ..rulebase.files import rules_dir

    rules = hashlib.sha256()
    root = rules_dir()
    for p in sorted(root.rglob("*.yaml")):
        rules.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    code = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent  # the package
    for m in ENGINE_CODE:
        files = sorted((here / m).rglob("*.py")) if (here / m).is_dir() else [here / m]
        for p in files:
            code.update(p.relative_to(here).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    for p in sorted((here / "locales").glob("*.yaml")):  # the engine's messages are part of the findings
        code.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return f"thb-classifier {__version__}; rules {rules.hexdigest()[:12]}; code {code.hexdigest()[:12]}"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE results ({", ".join(f"{c} {t}" for c, t in RESULT_COLUMNS)});
CREATE TABLE invalid (line INTEGER PRIMARY KEY, case_id TEXT, kind TEXT NOT NULL, error TEXT NOT NULL, record TEXT);
CREATE INDEX results_severity ON results (severity_rank DESC, line);
CREATE INDEX results_primary ON results (primary_article, primary_part);
"""


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta"))


def remove_db(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path + suffix)


def is_sqlite(path: str) -> bool:
    try:
        with os.fdopen(open_regular(path), "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except (OSError, InputError):
        return False


def read_only_uri(path: str) -> str:
    """A read-only SQLite URI for any file name (`#`, `?` and `%` in a name are percent-encoded)."""
    return Path(path).absolute().as_uri() + "?mode=ro"


def integrity(conn: sqlite3.Connection, path: str) -> None:
    """InputError when SQLite finds the database damaged (a disk fault, a copy cut short, a file edited)."""
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as e:
        raise InputError(tr("audit.db.damaged", path=path, problem=clip(e, 200))) from None
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    if problems:
        raise InputError(tr("audit.db.damaged", path=path, problem=clip("; ".join(problems), 200)))
