"""The compiled rule base kept on disk between runs, so that a `thb` command does not parse and
compile the ~40 rule files every time it starts.

An entry is keyed by the SHA-256 of every file of the rule base (`rules/`, or THB_RULES), of the
code that reads and compiles it (this folder's modules and `classifier/reading/data.py`) and of
the Python version: a changed rule, a changed compiler or another interpreter is a new key, never
a stale answer. It lives under `$XDG_CACHE_HOME/thb-classifier/` (else `~/.cache/thb-classifier/`,
or THB_CACHE_DIR); THB_CACHE=0 turns it off. An entry that cannot be read (truncated, corrupted,
of another version) is ignored and rebuilt; a folder that cannot be written is no error: the rule
base is then compiled in memory, as without the cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
FORMAT = 1  # the layout of an entry


def cache_dir() -> Path | None:
    if os.environ.get("THB_CACHE", "1") == "0":
        return None
    if os.environ.get("THB_CACHE_DIR"):
        return Path(os.environ["THB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "thb-classifier"


@functools.cache
def _code_digest() -> bytes:
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for p in sorted(here.glob("*.py")) + [here.parent / "reading" / "data.py"]:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.digest()


def rules_digest(root: Path) -> str:
    """The digest of a rule base's files and of the code that compiles them."""
    h = hashlib.sha256(_code_digest())
    for p in sorted(root.rglob("*.yaml")):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def cached(kind: str, root: Path, build: Callable[[], T]) -> T:
    """`build()`, or its result as stored for this rule base; stored when it can be."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = rules_digest(root)
    path = folder / f"{kind}-{key[:32]}.pickle"
    try:
        with open(path, "rb") as f:
            stored: Any = pickle.load(f)  # noqa: S301 - our own file, keyed by the digest of what made it
        if isinstance(stored, dict) and stored.get("key") == key and stored.get("format") == FORMAT:
            return stored["value"]
    except Exception:  # noqa: BLE001 - missing, truncated, corrupted: build it again
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump({"key": key, "format": FORMAT, "value": value}, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only home, a full disk: compiled in memory, as without the cache
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass
    return value
