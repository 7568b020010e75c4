"""The CSV input format of `thb audit`: one row a case, list and parallel columns, the template, the header check."""

from __future__ import annotations

import csv
import difflib
import io
import re
from typing import Any

from ..errors import InputError
from ..i18n import tr
from ..reading.inputs import MAX_DIGITS, MAX_NUMBER_CHARS
from ..safetext import clip, clip_repr

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


def csv_hint(error: str) -> str:
    """Point model paths (victims[1].age) at the CSV column and value that hold them."""

    def hint(m: re.Match[str]) -> str:
        who, i, field = m.group(1), int(m.group(2)), m.group(3)
        col = (_COLUMN_OF if who == "victims" else _OCOLUMN_OF).get(field)
        if field == "offences":
            col = "victim_offences"
        return m.group(0) + (tr("audit.csv.hint", col=col, n=i + 1) if col else "")

    return re.sub(r"\b(victims|offenders)\[(\d+)\]\.(\w+)", hint, error)
