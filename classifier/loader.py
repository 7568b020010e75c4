"""Reading fact patterns from files: YAML, JSON, JSON Lines; clear errors, never a traceback.

YAML is read so that `NO`, `yes`, `on` stay strings (country codes!) and dates stay text for
the model to check (an impossible date is an error naming its path, not a crash).
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .i18n import lang, tr
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
            raise InputError(tr("input.no_file", path=path))
        if p.is_dir():
            raise InputError(tr("input.directory", path=path))
        if p.stat().st_size > MAX_BYTES:
            raise InputError(tr("input.too_large", path=path, mb=MAX_BYTES // (1024 * 1024)))
        try:
            data = p.read_bytes()
        except OSError as e:
            raise InputError(tr("input.unreadable", path=path, why=e.strerror)) from None
        name = path
    if not data.strip():
        raise InputError(tr("input.empty", name=name))
    if b"\x00" in data[:8192]:
        raise InputError(tr("input.binary", name=name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(tr("input.not_utf8", name=name, byte=e.start)) from None
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
                out.append((i, InputError(tr("input.bad_json_line", name=name, line=i, col=e.colno, msg=e.msg))))
        if not out:
            raise InputError(tr("input.no_records", name=name))
        return out
    stripped = text.lstrip()
    if lower.endswith(".json") or (not lower.endswith((".yaml", ".yml")) and stripped[:1] in "{["):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(tr("input.bad_json_line", name=name, line=e.lineno, col=e.colno, msg=e.msg)) from None
    else:
        try:
            obj = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            where = f"{name}:{mark.line + 1}" if mark else name
            col = tr("input.yaml_col", col=mark.column + 1) if mark else ""
            raise InputError(tr("input.yaml_syntax", where=where, col=col, msg=e.problem or e.context)) from None
        except yaml.YAMLError as e:
            raise InputError(tr("input.yaml_error", name=name, msg=e)) from None
    if isinstance(obj, list):
        if not obj:
            raise InputError(tr("input.empty_list", name=name))
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
        got = err.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else tr("input.got", got=repr(got))
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(model, loc)
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = (
                tr("input.did_you_mean", near=near[0])
                if near
                else (tr("input.allowed_keys", keys=", ".join(allowed)) if allowed else "")
            )
            lines.append(tr("input.unknown_key", path=path, key=key, hint=hint))
        elif kind == "literal_error":
            expected = str(ctx.get("expected", ""))  # pydantic's English "'a', 'b' or 'c'": the values alone
            allowed_values = ", ".join(re.findall(r"'[^']*'", expected)) or expected
            lines.append(tr("input.unknown_value", path=path, got=repr(got), allowed=allowed_values))
        elif kind == "missing":
            lines.append(tr("input.required", path=path))
        elif kind in ("bool_type", "bool_parsing"):
            lines.append(tr("input.expected_bool", path=path, got=repr(got)))
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            lines.append(tr("input.expected_int", path=path, shown=shown))
        elif kind in ("greater_than_equal", "greater_than"):
            lines.append(tr("input.too_small", path=path, limit=ctx.get("ge", ctx.get("gt")), shown=shown))
        elif kind in ("less_than_equal", "less_than"):
            lines.append(tr("input.too_large_value", path=path, limit=ctx.get("le", ctx.get("lt")), shown=shown))
        elif kind.startswith("date_"):
            detail = f" — {err['msg']}" if lang() == "en" else ""
            lines.append(tr("input.bad_date", path=path, shown=shown) + detail)
        else:
            lines.append(tr("input.other", path=path, msg=err["msg"].removeprefix("Value error, "), shown=shown))
    if len(e.errors()) > limit:
        lines.append(tr("input.more", n=len(e.errors()) - limit))
    return "\n  ".join(lines)


def validate(name: str, line: int | None, obj: Any) -> Record:
    rec = Record(source=name, line=line, raw=obj)
    if isinstance(obj, InputError):
        rec.error = str(obj)
        return rec
    if not isinstance(obj, dict):
        rec.error = tr("input.not_mapping", where=rec.where, type=type(obj).__name__)
        return rec
    try:
        rec.facts = FactPattern.model_validate(obj)
    except ValidationError as e:
        cid = obj.get("case_id")
        who = tr("input.case_id", cid=cid) if isinstance(cid, str) else ""
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
