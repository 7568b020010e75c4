"""Hypothesis strategies: hostile input documents — deep nesting, huge numbers, YAML aliases, duplicate
keys, control characters, invalid UTF-8, huge values — in YAML, JSON, JSON Lines and CSV.

Each document is a valid fact pattern with one hostile thing put into it, so that what the reader
must refuse is that thing alone."""

from __future__ import annotations

import json

from hypothesis import strategies as st

KINDS = ("deep", "number", "alias", "duplicate", "control", "utf8", "long")
BASE = {
    "case_id": "H-1",
    "victims": [{"id": "V1", "age": 15}],
    "offenders": [{"id": "P1", "age": 30}],
    "acts": ["harbouring"],
    "purposes": ["prostitution"],
}
BAD_UTF8 = [b"\xff", b"\xfe\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xe2\x82", b"\x80"]
# C0 and C1 control characters and DEL; not tab, newline or carriage return, which text may hold
CONTROLS = [chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0))]


def _yaml_scalar(v: object) -> str:
    return json.dumps(v, ensure_ascii=False)


def _yaml(doc: dict, extra: str = "") -> str:
    """Block-style YAML of a simple fact pattern (strings quoted, so only `extra` is hostile)."""
    out = [f"case_id: {_yaml_scalar(doc['case_id'])}", "victims:"]
    for v in doc["victims"]:
        out.append("  - " + "\n    ".join(f"{k}: {_yaml_scalar(x)}" for k, x in v.items()))
    out.append("offenders:")
    for o in doc["offenders"]:
        out.append("  - " + "\n    ".join(f"{k}: {_yaml_scalar(x)}" for k, x in o.items()))
    for k in ("acts", "purposes"):
        out.append(f"{k}: [{', '.join(doc[k])}]")
    return "\n".join(out) + "\n" + extra


@st.composite
def hostile_documents(draw) -> tuple[str, str, bytes]:
    """(format, kind, bytes): format yaml | json | jsonl | csv."""
    fmt = draw(st.sampled_from(["yaml", "json", "jsonl", "csv"]))
    kind = draw(st.sampled_from(KINDS))
    if fmt == "csv":
        return fmt, kind, draw(_csv(kind))
    if fmt == "yaml":
        return fmt, kind, draw(_yaml_doc(kind))
    return fmt, kind, draw(_json_doc(kind, fmt == "jsonl"))


def _depth():
    return st.integers(33, 3000)


def _digits():
    return st.integers(21, 6000).map(lambda n: "9" * n)


@st.composite
def _yaml_doc(draw, kind: str) -> bytes:
    doc = json.loads(json.dumps(BASE))
    if kind == "deep":
        n = draw(_depth())
        where = draw(st.sampled_from(["summary", "victims_age", "unknown"]))
        nested = "[" * n + "]" * n if draw(st.booleans()) else "{a: " * n + "1" + "}" * n
        if where == "victims_age":
            return _yaml(doc).replace('"age": 15', f"age: {nested}").replace("age: 15", f"age: {nested}").encode()
        return _yaml(doc, f"{'summary' if where == 'summary' else 'notes'}: {nested}\n").encode()
    if kind == "number":
        digits = draw(_digits())
        where = draw(st.sampled_from(["age", "part", "damage_ci"]))
        if where == "age":
            return _yaml(doc).replace("age: 15", f"age: {digits}").encode()
        if where == "part":
            return _yaml(doc, f"record: {{charges: [{{instrument: CC, article: '159', part: {digits}}}]}}\n").encode()
        return _yaml(doc, f"damage_ci: {digits}.5\n").encode()
    if kind == "alias":
        if draw(st.booleans()):
            return _yaml(doc, "circumstances: &c [*c]\n").encode()  # refers to itself
        width = draw(st.integers(6, 12))
        levels = draw(st.integers(5, 8))
        lines = ["x0: &a0 [" + ", ".join(["group"] * width) + "]"]
        for i in range(1, levels):
            lines.append(f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
        lines.append("circumstances: [" + ", ".join([f"*a{levels - 1}"] * width) + "]")
        return _yaml(doc, "\n".join(lines) + "\n").encode()
    if kind == "duplicate":
        if draw(st.booleans()):
            return _yaml(doc, "acts: [sale]\n").encode()
        return _yaml(doc).replace("age: 15", "age: 15\n    age: 25").encode()
    if kind == "control":
        c = draw(st.sampled_from(CONTROLS))
        return _yaml(doc).replace('"H-1"', f"H-1{c}x").encode()
    if kind == "utf8":
        return _yaml(doc).replace('"H-1"', "H-1").encode().replace(b"H-1", b"H-1" + draw(st.sampled_from(BAD_UTF8)))
    n = draw(st.integers(5_000, 200_000))
    if draw(st.booleans()):
        return _yaml(doc).replace("acts: [harbouring]", f"acts: [{'h' * n}]").encode()
    return _yaml(doc, f"{'k' * n}: 1\n").encode()


@st.composite
def _json_doc(draw, kind: str, lines: bool) -> bytes:
    doc = json.loads(json.dumps(BASE))
    text = json.dumps(doc, ensure_ascii=False)
    if kind in ("deep", "alias"):  # JSON has no aliases: nesting twice as likely
        n = draw(_depth())
        nested = "[" * n + "]" * n if draw(st.booleans()) else '{"a": ' * n + "1" + "}" * n
        key = draw(st.sampled_from(["summary", "notes"]))
        text = text[:-1] + f', "{key}": {nested}}}'
    elif kind == "number":
        digits = draw(_digits())
        text = (
            text.replace('"age": 15', f'"age": {digits}') if draw(st.booleans()) else text[:-1] + f', "damage_ci": {digits}.5}}'
        )
    elif kind == "duplicate":
        text = text.replace('"age": 15', '"age": 15, "age": 25') if draw(st.booleans()) else text[:-1] + ', "acts": []}'
    elif kind == "control":
        c = draw(st.sampled_from([x for x in CONTROLS if ord(x) < 0x20]))
        if draw(st.booleans()):  # raw: not JSON
            text = text.replace('"H-1"', f'"H-1{c}"')
        else:  # escaped, in a value that must be one of a list: the message echoes it
            text = text.replace('"harbouring"', json.dumps(f"harb{c}ouring"))
    elif kind == "long":
        n = draw(st.integers(5_000, 200_000))
        text = text.replace('"harbouring"', json.dumps("h" * n)) if draw(st.booleans()) else text[:-1] + f', "{"k" * n}": 1}}'
    data = text.encode()
    if kind == "utf8":
        data = data.replace(b"H-1", b"H-1" + draw(st.sampled_from(BAD_UTF8)))
    if not lines:
        if draw(st.booleans()):  # the same, pretty-printed over lines, when it still parses
            try:
                data = (
                    json.dumps(json.loads(data), indent=2).encode()
                    if kind not in ("deep", "alias", "number", "duplicate")
                    else data
                )
            except ValueError:
                pass
        return data
    good = [json.dumps(dict(doc, case_id=f"G-{i}")).encode() for i in range(draw(st.integers(0, 2)))]
    at = draw(st.integers(0, len(good)))
    return b"\n".join([*good[:at], data, *good[at:]]) + b"\n"


@st.composite
def _csv(draw, kind: str) -> bytes:
    header = "case_id,victim_ages,offender_ages,acts,purposes,charges"
    row = ["H-1", "15", "30", "harbouring", "prostitution", "CC 159(3)"]
    if kind == "duplicate":
        header += ",acts"
        row.append("sale")
    elif kind == "number":
        digits = draw(_digits())
        if draw(st.booleans()):
            row[1] = digits
        else:
            row[5] = f"CC 159({digits})"
    elif kind == "control":
        row[1] = "1" + draw(st.sampled_from(CONTROLS)) + "5"
    elif kind == "long":
        row[3] = "h" * draw(st.integers(5_000, 200_000))
    elif kind in ("deep", "alias"):  # CSV has neither: a quote left open instead
        row[3] = '"harbouring'
    data = (header + "\n" + ",".join(row) + "\n").encode()
    if kind == "utf8":
        data = data.replace(b"H-1", b"H-1" + draw(st.sampled_from(BAD_UTF8)))
    good = [f"G-{i},20,30,harbouring,prostitution,".encode() for i in range(draw(st.integers(0, 2)))]
    return data + b"".join(g + b"\n" for g in good)
