"""Reading every input: YAML, JSON, JSON Lines; clear errors, never a traceback.

This module reads what thb is given (fact patterns, case files, answer files, drafts, audit
batches); `classifier.reading.data` what it ships (the rule base, the message catalogues).

YAML is read so that `NO`, `yes`, `on` stay strings (country codes!) and dates stay text for
the model to check (an impossible date is an error naming its path, not a crash).

Whatever a file holds, reading it is bounded (docs/audit.md, "What a record may hold"): only
regular files and standard input are read, at most MAX_BYTES; nesting deeper than MAX_DEPTH, a
number longer than MAX_DIGITS digits, a duplicate key (JSON as YAML), an unpaired surrogate,
YAML aliases expanding to more than MAX_ALIAS_NODES values, and YAML 1.1 number forms that
YAML 1.2 reads otherwise (`020`, `0x1F`, `1:05`, `1_000`) are errors naming the file, line and
path, found before anything is validated.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from typing import Any

import yaml

from ..errors import InputError
from ..i18n import tr
from ..safetext import SURROGATE, clip, clip_repr

MAX_BYTES = 50 * 1024 * 1024  # one file, or standard input
MAX_DEPTH = 32  # nesting of mappings and lists; a fact pattern needs 5, a case file 7
MAX_DIGITS = 20  # digits of a whole number (an age, a part); the largest value a fact pattern takes has 13
MAX_NUMBER_CHARS = 64  # characters of a number with a fraction or an exponent
MAX_ALIAS_NODES = 10_000  # values YAML aliases (*name) may add to a document, all aliases together


# ------------------------------------------------------------------------------------- paths
def _join(path: str, part: Any) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else str(part)


def _shown_path(path: str) -> str:
    return clip(path or tr("guard.top_level"), 120)


# -------------------------------------------------------------------------------------- YAML
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _Refused(yaml.MarkedYAMLError):
    """A YAML document thb does not read (too deep, an alias bomb, a YAML 1.1 number…): the message is whole."""

    def __init__(self, message: str, mark: Any):
        super().__init__(problem=message, problem_mark=mark)
        self.message = message


class InputLoader(yaml.SafeLoader):
    """YAML 1.2-ish: only true/false are booleans; timestamps stay strings; duplicate keys fail;
    whole numbers are decimal; depth, number size and alias expansion are bounded."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._thb_path: list[str] = [""]
        self._thb_alias_nodes = 0

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        tag = super().resolve(kind, value, implicit)
        if kind is yaml.ScalarNode and implicit[0]:
            if tag == _INT and not _DECIMAL_INT.fullmatch(value):
                return _AMBIGUOUS
            if tag == _FLOAT and not _DECIMAL_FLOAT.fullmatch(value):
                return _AMBIGUOUS
        return tag

    def compose_node(self, parent: Any, index: Any) -> Any:
        where = self._thb_path[-1]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                size = getattr(target, "_thb_size", None)
                if size is None:
                    raise _Refused(
                        tr("guard.yaml.alias_cycle", name=clip(event.anchor), path=_shown_path(where)), event.start_mark
                    )
                self._thb_alias_nodes += size
                if self._thb_alias_nodes > MAX_ALIAS_NODES:
                    raise _Refused(
                        tr("guard.yaml.aliases", max=f"{MAX_ALIAS_NODES:,}", path=_shown_path(where)), event.start_mark
                    )
            return super().compose_node(parent, index)
        if isinstance(index, int):
            path = _join(where, index)
        elif isinstance(index, yaml.ScalarNode):
            path = _join(where, index.value)
        else:
            path = where
        if len(self._thb_path) > MAX_DEPTH:
            raise _Refused(tr("guard.too_deep", max=MAX_DEPTH, path=_shown_path(path)), self.peek_event().start_mark)
        self._thb_path.append(path)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._thb_path.pop()
        if isinstance(node, yaml.ScalarNode):
            node._thb_size = 1
            _check_scalar(node, path)
        elif isinstance(node, yaml.SequenceNode):
            node._thb_size = 1 + sum(getattr(n, "_thb_size", 1) for n in node.value)
        else:
            node._thb_size = 1 + sum(getattr(k, "_thb_size", 1) + getattr(v, "_thb_size", 1) for k, v in node.value)
            _check_keys(node, path)
        return node


_AMBIGUOUS = "tag:thb,2024:yaml-1.1-number"


def _check_scalar(node: yaml.ScalarNode, path: str) -> None:
    value = node.value
    if node.tag == _AMBIGUOUS:
        raise _Refused(tr("guard.yaml.not_decimal", path=_shown_path(path), value=clip(value)), node.start_mark)
    if node.tag == _INT and len(value.lstrip("+-")) > MAX_DIGITS:
        raise _Refused(tr("guard.number", path=_shown_path(path), n=len(value.lstrip("+-")), max=MAX_DIGITS), node.start_mark)
    if node.tag == _FLOAT and len(value) > MAX_NUMBER_CHARS:
        raise _Refused(tr("guard.number_text", path=_shown_path(path), n=len(value), max=MAX_NUMBER_CHARS), node.start_mark)
    if SURROGATE.search(value):
        raise _Refused(tr("guard.surrogate", path=_shown_path(path)), node.start_mark)


def _check_keys(node: yaml.MappingNode, path: str) -> None:
    """A key written twice in a mapping, named with its path (the constructor checks the keys that are not plain scalars)."""
    seen: dict[tuple[str, str], yaml.Node] = {}
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            first = seen.setdefault((key.tag, key.value), key)
            if first is not key:
                where = _shown_path(_join(path, key.value))
                msg = tr("guard.duplicate_key", path=where, key=clip_repr(key.value), first=first.start_mark.line + 1)
                raise _Refused(msg, key.start_mark)


InputLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
InputLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _mapping(loader: InputLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            first = seen.get(key)
        except TypeError:  # a list or a mapping as a key: not a fact pattern, and not hashable
            raise _Refused(tr("guard.yaml.complex_key"), key_node.start_mark) from None
        if first is not None:
            msg = tr("guard.duplicate_key", path=tr("guard.top_level"), key=clip_repr(key), first=first.start_mark.line + 1)
            raise _Refused(msg, key_node.start_mark)
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


def _int(loader: InputLoader, node: yaml.ScalarNode) -> int:
    """`!!int` written out: decimal only, as the implicit whole numbers."""
    value = loader.construct_scalar(node)
    if not _DECIMAL_INT.fullmatch(value):
        raise _Refused(tr("guard.yaml.not_decimal", path=tr("guard.tagged"), value=clip(value)), node.start_mark)
    if len(value.lstrip("+-")) > MAX_DIGITS:
        raise _Refused(tr("guard.number", path=tr("guard.tagged"), n=len(value.lstrip("+-")), max=MAX_DIGITS), node.start_mark)
    return int(value)


InputLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
InputLoader.add_constructor(_INT, _int)


YAMLError = yaml.YAMLError


def parse_yaml(text: str) -> Any:
    """Parse YAML text as every input is read (`InputLoader`); a problem raises `YAMLError` for the
    caller to word (`load_yaml` words it as an InputError naming the file and line)."""
    return yaml.load(text, Loader=InputLoader)  # noqa: S506 - a SafeLoader subclass: `NO` stays a string


def load_yaml(name: str, text: str) -> Any:
    """Parse YAML text; every problem is an InputError naming the file and line."""
    try:
        return yaml.load(text, Loader=InputLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as e:
        raise InputError(f"{name}:{e.problem_mark.line + 1}: {e.message}") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        col = tr("input.yaml_col", col=mark.column + 1) if mark else ""
        raise InputError(tr("input.yaml_syntax", where=where, col=col, msg=clip(e.problem or e.context or "", 200))) from None
    except yaml.reader.ReaderError as e:  # a control character, or a surrogate, in the text itself
        line = text.count("\n", 0, e.position) + 1 if isinstance(e.position, int) else 0
        where = f"{name}:{line}" if line else name
        raise InputError(tr("guard.yaml.character", where=where, char=f"#x{e.character:04x}")) from None
    except yaml.YAMLError as e:
        raise InputError(tr("input.yaml_error", name=name, msg=clip(e, 200))) from None


# -------------------------------------------------------------------------------------- JSON
class _Rejected(ValueError):
    """Raised by the JSON decoder's hooks; `_locate` then finds where and says why."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        raise _Rejected
    return d


def _json_int(text: str) -> int:
    if len(text) > MAX_DIGITS + 1 and len(text.lstrip("-")) > MAX_DIGITS:
        raise _Rejected
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Rejected
    return float(text)


JSON_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_json_int, parse_float=_json_float)
_TOKEN = re.compile(r'[ \t\n\r]*(?:("(?:[^"\\]|\\.)*")|([{}\[\]:,])|(-?[0-9][0-9.eE+-]*)|([A-Za-z]+)|(.))', re.S)
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")  # `\ud800` in JSON text: maybe an unpaired surrogate


def _tree_ok(obj: Any, depth: int = 1) -> bool:
    """Nesting within MAX_DEPTH and no unpaired surrogate in any text (the decoder's hooks checked the rest)."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(obj, dict):
        for k, v in obj.items():
            if SURROGATE.search(k) or not _tree_ok(v, depth + 1):
                return False
    elif isinstance(obj, list):
        for v in obj:
            if not _tree_ok(v, depth + 1):
                return False
    elif isinstance(obj, str):
        return not SURROGATE.search(obj)
    return True


def _locate(text: str) -> tuple[int, str] | None:
    """The first thing in JSON `text` thb does not read — a duplicate key, nesting deeper than
    MAX_DEPTH, a number too long, an unpaired surrogate — as (offset, message); None if none."""
    frames: list[list[Any]] = []  # [kind "{" or "[", keys {key: offset} or None, current key or index, expecting a key]
    pos = 0

    def path() -> str:
        out = ""
        for _kind, _keys, cur, _expect in frames:
            if cur is not None:
                out = _join(out, cur)
        return out

    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.group(5) is not None:
            return None  # a syntax error: the decoder's message says where
        start, pos = m.start(m.lastindex or 0), m.end()
        string, punct, number = m.group(1), m.group(2), m.group(3)
        top = frames[-1] if frames else None
        if punct in ("{", "["):
            if len(frames) >= MAX_DEPTH:
                return start, tr("guard.too_deep", max=MAX_DEPTH, path=_shown_path(path()))
            frames.append([punct, {} if punct == "{" else None, None if punct == "{" else 0, punct == "{"])
        elif punct in ("}", "]"):
            if frames:
                frames.pop()
        elif punct == "," and top is not None:
            if top[0] == "[":
                top[2] += 1
            else:
                top[3] = True
        elif punct == ":" and top is not None:
            top[3] = False
        elif string is not None:
            try:
                value = json.loads(string)
            except ValueError:
                return None
            is_key = top is not None and top[0] == "{" and top[3]
            if is_key:
                top[2] = clip(value)
            if SURROGATE.search(value):
                return start, tr("guard.surrogate", path=_shown_path(path()))
            if is_key:
                if value in top[1]:
                    first = text.count("\n", 0, top[1][value]) + 1
                    return start, tr("guard.duplicate_key", path=_shown_path(path()), key=clip_repr(value), first=first)
                top[1][value] = start
        elif number is not None:
            digits = number.lstrip("-")
            if re.fullmatch(r"[0-9]+", digits) and len(digits) > MAX_DIGITS:
                return start, tr("guard.number", path=_shown_path(path()), n=len(digits), max=MAX_DIGITS)
            if len(number) > MAX_NUMBER_CHARS:
                return start, tr("guard.number_text", path=_shown_path(path()), n=len(number), max=MAX_NUMBER_CHARS)
    return None


def _line_col(text: str, offset: int, line: int | None) -> tuple[int, int]:
    """The line and column of an offset in `text`, which starts on line `line` (1 if None)."""
    return (line or 1) + text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1) + 1


def load_json(name: str, text: str, line: int | None = None) -> Any:
    """Parse JSON text (a file, or one JSON Lines record starting on `line`); every problem is an
    InputError naming the file, line and column: syntax, duplicate keys, depth, numbers, surrogates."""
    if line is not None:
        text = text.rstrip("\r\n")  # a JSON Lines record: its column numbers are the line's
    try:
        obj = JSON_DECODER.decode(text)
        if _tree_ok(obj):
            return obj
        found = _locate(text)
    except json.JSONDecodeError as e:
        found = _locate(text[: e.pos])  # a problem before the syntax error is the one to report
        if found is None:
            n, col = _line_col(text, e.pos, line)
            raise InputError(tr("input.bad_json_line", name=name, line=n, col=col, msg=e.msg)) from None
    except (_Rejected, RecursionError, ValueError):
        found = _locate(text)
    if found is None:  # the decoder refused what the locator cannot place: say so, never crash
        raise InputError(tr("guard.json.refused", where=f"{name}:{line or 1}"))
    offset, message = found
    n, col = _line_col(text, offset, line)
    raise InputError(f"{name}:{n}{tr('input.yaml_col', col=col)}: {message}")


def open_regular(path: str, flags: int = os.O_RDONLY) -> int:
    """Open a file for reading as a file descriptor — never blocking on a FIFO, never a device,
    socket or folder: InputError names the path. (`O_NONBLOCK` makes opening a FIFO return at
    once; for a regular file it changes nothing.)"""
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(tr("input.no_file", path=path)) from None
    except IsADirectoryError:
        raise InputError(tr("input.directory", path=path)) from None
    except OSError as e:
        raise InputError(tr("input.unreadable", path=path, why=e.strerror)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise InputError(tr("input.directory", path=path))
        raise InputError(tr("guard.not_regular", path=path))
    os.set_blocking(fd, True)
    return fd


def read_bytes(path: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InputError otherwise."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as f:
        if os.fstat(f.fileno()).st_size > limit:
            raise InputError(tr("input.too_large", path=path, mb=limit // (1024 * 1024)))
        try:
            data = f.read(limit + 1)  # a file growing while it is read is cut here, not read forever
        except OSError as e:
            raise InputError(tr("input.unreadable", path=path, why=e.strerror)) from None
    if len(data) > limit:
        raise InputError(tr("input.too_large", path=path, mb=limit // (1024 * 1024)))
    return data


def read_text(path: str) -> tuple[str, str]:
    """Return (display name, text). `-` reads standard input (at most MAX_BYTES)."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        name = "<stdin>"
        if len(data) > MAX_BYTES:
            raise InputError(tr("guard.stdin_too_large", mb=MAX_BYTES // (1024 * 1024)))
    else:
        data = read_bytes(path)
        name = path
    if not data.strip():
        raise InputError(tr("input.empty", name=name))
    if b"\x00" in data[:8192]:
        raise InputError(tr("input.binary", name=name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(tr("guard.not_utf8", name=name, line=line, byte=e.start)) from None
    return name, text


def parse(name: str, text: str) -> list[tuple[int | None, Any]]:
    """Parse a file into (line, object) pairs: one per fact pattern. A JSON Lines record that
    cannot be read is an InputError in its place (the other records are still read)."""
    lower = name.lower()
    if lower.endswith(".jsonl") or lower.endswith(".ndjson"):
        out: list[tuple[int | None, Any]] = []
        for i, line in enumerate(text.split("\n"), 1):  # records end at a newline, as `thb audit` reads them
            if not line.strip():
                continue
            try:
                out.append((i, load_json(name, line, i)))
            except InputError as e:
                out.append((i, e))
        if not out:
            raise InputError(tr("input.no_records", name=name))
        return out
    stripped = text.lstrip()
    if lower.endswith(".json") or (not lower.endswith((".yaml", ".yml")) and stripped[:1] in "{["):
        obj = load_json(name, text)
    else:
        obj = load_yaml(name, text)
    if isinstance(obj, list):
        if not obj:
            raise InputError(tr("input.empty_list", name=name))
        return [(None, o) for o in obj]
    return [(None, obj)]
