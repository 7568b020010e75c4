"""The report of one or more results databases (`thb report`): the figures an auditor takes to a meeting, as data."""

from __future__ import annotations

import heapq
import json
import os
import re
import sqlite3
from collections import Counter
from typing import Any

from ..errors import InputError
from ..i18n import LANGS, lang, messages, tr
from ..reading.inputs import open_regular
from ..safetext import clip
from .base import KIND_ORDER, NO_PRIMARY, NOT_RECORDED, SCHEMA_VERSION, SEVERITY_RANK
from .rows import article_key
from .store import integrity, is_sqlite, now, read_meta, read_only_uri


# ============================================================================ the report
def open_results(path: str) -> tuple[sqlite3.Connection, dict[str, str]]:
    if not os.path.exists(path):
        raise InputError(tr("audit.input.no_such_file", path=path))
    if os.path.isdir(path):
        raise InputError(tr("audit.report.directory", path=path))
    os.close(open_regular(path))  # not a FIFO or a device (SQLite would block on one, or read it forever)
    if not is_sqlite(path):
        hint = tr("audit.report.not_sqlite_hint") if path.endswith((".jsonl", ".csv")) else ""
        raise InputError(tr("audit.report.not_sqlite", path=path, hint=hint))
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as e:
        raise InputError(tr("audit.report.not_results", path=path, error=clip(e, 200))) from None
    try:
        integrity(conn, path)
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


PROBLEM_LIMIT = 300  # characters of an invalid record's problem a report shows (the database keeps it whole)


def invalid_kind_label(kind: str) -> str:
    """Why a record was not classified, for a reader (`invalid`, `engine_error`, `unconfirmed_draft`)."""
    key = f"audit.invalid_kind.{kind}"
    return tr(key) if key in messages(lang()) else kind.replace("_", " ")


def problem_text(error: str, line: int, case_id: str | None) -> str:
    """An invalid record's stored error without what the report shows beside it — the input file,
    the line and the case id that start it — on one line, cut to PROBLEM_LIMIT characters."""
    text = error
    m = re.match(rf"[^\n]*?:{line}(?=[: (]|$)", text)
    if m:
        text = text[m.end() :]
    if case_id is not None:
        for language in LANGS:
            for key in ("audit.input.who", "input.case_id"):
                template = messages(language).get(key, "")
                for shown_id in {case_id, clip(case_id)}:
                    who = template.replace("{case_id}", shown_id).replace("{cid}", shown_id)
                    if who and text.startswith(who):
                        text = text[len(who) :]
    text = text.lstrip(":").strip()
    return clip("; ".join(part.strip() for part in text.splitlines() if part.strip()), PROBLEM_LIMIT)


def where_words(inputs: dict[str, str | None]):
    """`line 12` of a case (`line 12 of registry.csv` when the results files come from different
    inputs): where a meeting finds the record in the registry — never the results file's name."""
    names = {os.path.basename(p) for p in inputs.values() if p}
    one = len(names) <= 1

    def where(path: str, line: int) -> str:
        name = os.path.basename(inputs.get(path) or path)
        return tr("audit.where.line", line=line) if one else tr("audit.where.line_of", line=line, input=name)

    return where


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
    where = where_words({p: meta.get("input_path") for p, _, meta in conns})
    bad_records: list[dict[str, Any]] = []
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
            for line, cid, kind, error in conn.execute(
                "SELECT line, case_id, kind, error FROM invalid ORDER BY line LIMIT ?", (max(0, top - len(bad_records)),)
            ):
                bad_records.append(
                    {
                        "file": p,
                        "line": line,
                        "where": where(p, line),
                        "case_id": cid,
                        "kind": kind,
                        "kind_label": invalid_kind_label(kind),
                        "problem": problem_text(error, line, cid),
                    }
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
                base = {
                    "file": p,
                    "line": line,
                    "where": where(p, line),
                    "case_id": cid,
                    "charged": charged or NOT_RECORDED,
                    "engine": primary_text,
                }
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
    cols_ = sorted(colset, key=lambda k: (k == NO_PRIMARY, article_key(k) if k != NO_PRIMARY else ()))
    mis_rows = [
        {"kind": k, "severity": s, "flags": mis_flags[(k, s)], "cases": mis_cases[(k, s)]}
        for k in KIND_ORDER
        for s in ("high", "medium", "low")
        if mis_flags[(k, s)]
    ]
    chart_labels = sorted(set(charged_n) | set(engine_n), key=article_key)
    reopen = [entry for _, _, entry in sorted(reopen_heap, key=lambda t: t[0], reverse=True)]
    return {
        "generated_at": now(),
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
        "invalid": bad_records,
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
