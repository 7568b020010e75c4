"""Reading fact patterns from files: YAML, JSON, JSON Lines; clear errors, never a traceback.

YAML is read so that `NO`, `yes`, `on` stay strings (country codes!) and dates stay text for
the model to check (an impossible date is an error naming its path, not a crash).
"""

from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .models import FactPattern

MAX_BYTES = 50 * 1024 * 1024


class InputError(Exception):
    """Bad input: the message names the file, line or path, and the problem."""


class _Loader(yaml.SafeLoader):
    """YAML 1.2-ish: only true/false are booleans; timestamps stay strings; duplicate keys fail."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1})", key_node.start_mark
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass
class Record:
    """One fact pattern as read: where it came from, and either the model or the errors."""

    source: str
    line: int | None
    raw: Any
    facts: FactPattern | None = None
    error: str | None = None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


def read_text(path: str) -> tuple[str, str]:
    """Return (display name, text). `-` reads standard input."""
    if path == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a fact-pattern file")
        if p.stat().st_size > MAX_BYTES:
            raise InputError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; split it or use `thb audit`")
        try:
            data = p.read_bytes()
        except OSError as e:
            raise InputError(f"{path}: cannot be read ({e.strerror})") from None
        name = path
    if not data.strip():
        raise InputError(f"{name}: the file is empty; a fact pattern needs at least `case_id`")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: a binary file, not YAML or JSON text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    return name, text


def parse(name: str, text: str) -> list[tuple[int | None, Any]]:
    """Parse a file into (line, object) pairs: one per fact pattern."""
    lower = name.lower()
    if lower.endswith(".jsonl") or lower.endswith(".ndjson"):
        out = []
        for i, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                out.append((i, json.loads(line)))
            except json.JSONDecodeError as e:
                out.append((i, InputError(f"{name}:{i}: invalid JSON at column {e.colno}: {e.msg}")))
        if not out:
            raise InputError(f"{name}: no records")
        return out
    stripped = text.lstrip()
    if lower.endswith(".json") or (not lower.endswith((".yaml", ".yml")) and stripped[:1] in "{["):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"{name}:{e.lineno}: invalid JSON at column {e.colno}: {e.msg}") from None
    else:
        try:
            obj = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            where = f"{name}:{mark.line + 1}" if mark else name
            col = f", column {mark.column + 1}" if mark else ""
            raise InputError(f"{where}: YAML syntax error{col}: {e.problem or e.context}") from None
        except yaml.YAMLError as e:
            raise InputError(f"{name}: YAML error: {e}") from None
    if isinstance(obj, list):
        if not obj:
            raise InputError(f"{name}: an empty list; expected fact patterns")
        return [(None, o) for o in obj]
    return [(None, obj)]


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after[_kind_for_other()]",) or str(part).startswith(("function-", "literal[")):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at the place an unknown key was found."""
    m: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(m, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        for cand in getattr(ann, "__args__", ()) + (ann,):
            inner = getattr(cand, "__args__", ())
            for c in (cand, *inner):
                if isinstance(c, type) and issubclass(c, BaseModel):
                    m = c
                    break
    return list(getattr(m, "model_fields", {}))


def explain(e: ValidationError, model: type[BaseModel] = FactPattern, limit: int = 8) -> str:
    lines = []
    for err in e.errors()[:limit]:
        loc = tuple(err["loc"])
        path = _path(loc)
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(model, loc)
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean `{near[0]}`?" if near else (f"; allowed: {', '.join(allowed)}" if allowed else "")
            lines.append(f"{path}: unknown key `{key}`{hint}")
        elif err["type"] == "literal_error":
            got = err.get("input")
            allowed = err.get("ctx", {}).get("expected", "")
            lines.append(f"{path}: unknown value {got!r}; allowed: {allowed}")
        elif err["type"] == "missing":
            lines.append(f"{path}: required")
        elif err["type"] in ("bool_type", "bool_parsing"):
            lines.append(f"{path}: expected true or false, got {err.get('input')!r}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            got = err.get("input")
            shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
            lines.append(f"{path}: {msg}{shown}")
    if len(e.errors()) > limit:
        lines.append(f"... and {len(e.errors()) - limit} more")
    return "\n  ".join(lines)


def validate(name: str, line: int | None, obj: Any) -> Record:
    rec = Record(source=name, line=line, raw=obj)
    if isinstance(obj, InputError):
        rec.error = str(obj)
        return rec
    if not isinstance(obj, dict):
        rec.error = f"{rec.where}: a fact pattern is a mapping of keys (case_id, victims, ...), got {type(obj).__name__}"
        return rec
    try:
        rec.facts = FactPattern.model_validate(obj)
    except ValidationError as e:
        cid = obj.get("case_id")
        who = f" (case_id {cid})" if isinstance(cid, str) else ""
        rec.error = f"{rec.where}{who}:\n  {explain(e)}"
    return rec


def load(paths: list[str]) -> list[Record]:
    """Read and validate every fact pattern in the given files. File-level problems raise
    InputError; record-level problems are returned on the record."""
    out: list[Record] = []
    for p in paths:
        name, text = read_text(p)
        for line, obj in parse(name, text):
            out.append(validate(name, line, obj))
    return out
