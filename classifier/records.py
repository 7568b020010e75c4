"""Fact patterns read into the model (FACTS.md): a `Record` per pattern, with either the model or
the errors, each naming its path, the allowed keys and values; never a traceback."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import InputError
from .i18n import lang, tr
from .models import FactPattern
from .reading.inputs import parse, read_text
from .safetext import clip, clip_repr


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
    """A validation error as lines naming each path; every value echoed is cut to about 80 characters."""
    errors = e.errors(include_url=False)
    lines = []
    for err in errors[:limit]:
        loc = tuple(err["loc"])
        path = clip(_path(loc), 120)
        got = err.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else tr("input.got", got=clip_repr(got))
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(model, loc)
            near = difflib.get_close_matches(key, allowed, n=1) if len(key) <= 64 else []
            hint = (
                tr("input.did_you_mean", near=near[0])
                if near
                else (tr("input.allowed_keys", keys=", ".join(allowed)) if allowed else "")
            )
            lines.append(tr("input.unknown_key", path=path, key=clip(key), hint=hint))
        elif kind == "literal_error":
            expected = str(ctx.get("expected", ""))  # pydantic's English "'a', 'b' or 'c'": the values alone
            allowed_values = ", ".join(re.findall(r"'[^']*'", expected)) or expected
            lines.append(tr("input.unknown_value", path=path, got=clip_repr(got), allowed=allowed_values))
        elif kind == "missing":
            lines.append(tr("input.required", path=path))
        elif kind in ("bool_type", "bool_parsing"):
            lines.append(tr("input.expected_bool", path=path, got=clip_repr(got)))
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            hint = tr("guard.yaml.number_hint") if isinstance(got, str) and _YAML11_NUMBER.fullmatch(got.strip()) else ""
            lines.append(tr("input.expected_int", path=path, shown=shown) + hint)
        elif kind in ("greater_than_equal", "greater_than"):
            lines.append(tr("input.too_small", path=path, limit=ctx.get("ge", ctx.get("gt")), shown=shown))
        elif kind in ("less_than_equal", "less_than"):
            lines.append(tr("input.too_large_value", path=path, limit=ctx.get("le", ctx.get("lt")), shown=shown))
        elif kind == "too_long" and "max_length" in ctx and isinstance(got, list):
            lines.append(tr("guard.too_many", path=path, n=len(got), max=ctx["max_length"]))
        elif kind.startswith("date_"):
            detail = f" — {err['msg']}" if lang() == "en" else ""
            lines.append(tr("input.bad_date", path=path, shown=shown) + detail)
        else:
            lines.append(tr("input.other", path=path, msg=clip(err["msg"].removeprefix("Value error, "), 300), shown=shown))
    if len(errors) > limit:
        lines.append(tr("input.more", n=len(errors) - limit))
    return "\n  ".join(lines)


# What a YAML 1.1 reader takes for a number and thb does not (octal, hex, binary, sexagesimal, underscores)
_YAML11_NUMBER = re.compile(r"[-+]?(?:0[0-9_]+|0[xXoObB][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9]+(?:_[0-9]+)+)")


def validate(name: str, line: int | None, obj: Any) -> Record:
    rec = Record(source=name, line=line, raw=obj)
    if isinstance(obj, InputError):
        rec.error = str(obj)
        return rec
    if not isinstance(obj, dict):
        rec.error = tr("input.not_mapping", where=rec.where, type=type(obj).__name__)
        return rec
    cid = obj.get("case_id")
    who = tr("input.case_id", cid=clip(cid)) if isinstance(cid, str) else ""
    try:
        rec.facts = FactPattern.model_validate(obj)
    except ValidationError as e:
        rec.error = f"{rec.where}{who}:\n  {explain(e)}"
    except Exception as e:  # noqa: BLE001 - whatever a record holds, it is a message naming it, never a crash
        rec.error = tr("guard.unreadable_record", where=rec.where, who=who, error=f"{type(e).__name__}: {clip(e)}")
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
