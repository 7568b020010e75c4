"""One `results` row from a fact pattern and its findings: the columns of the results database."""

from __future__ import annotations

import json
import re
from typing import Any

from ..models import FactPattern, Findings
from ..rulebase.legal import is_child
from .base import KIND_ORDER, NOT_RECORDED, SEVERITY_RANK

# ============================================================================ the worker side
RESULT_COLUMNS: list[tuple[str, str]] = [
    ("line", "INTEGER PRIMARY KEY"),
    ("case_id", "TEXT NOT NULL UNIQUE"),
    ("offence_date", "TEXT"),
    ("victims", "INTEGER NOT NULL"),
    ("child_victims", "INTEGER NOT NULL"),
    ("charged", "TEXT"),
    ("charged_articles", "TEXT NOT NULL"),
    ("primary_instrument", "TEXT"),
    ("primary_article", "TEXT"),
    ("primary_part", "INTEGER"),
    ("primary_title", "TEXT"),
    ("primary_gravity", "TEXT"),
    ("trafficking", "INTEGER NOT NULL"),
    ("misclassifications", "INTEGER NOT NULL"),
    ("misclassification_kinds", "TEXT"),
    ("max_severity", "TEXT"),
    ("severity_rank", "INTEGER NOT NULL"),
    ("prosecution_mode", "TEXT"),
    ("reconciliation_permitted", "INTEGER"),
    ("terminated_by_reconciliation", "INTEGER"),
    ("reconciliation_misuse", "INTEGER NOT NULL"),
    ("prosecution_flags", "TEXT"),
    ("victims_punished", "INTEGER NOT NULL"),
    ("non_punishment", "TEXT"),
    ("non_punishment_yes", "INTEGER NOT NULL"),
    ("non_punishment_no", "INTEGER NOT NULL"),
    ("non_punishment_unclear", "INTEGER NOT NULL"),
    ("misclassification_json", "TEXT NOT NULL"),
    ("facts", "TEXT NOT NULL"),
    ("findings", "TEXT NOT NULL"),
]
RESULT_NAMES = [c for c, _ in RESULT_COLUMNS]
BULKY = ("misclassification_json", "facts", "findings")


def article_key(label: str) -> tuple:
    inst, _, art = label.partition(" ")
    num = re.match(r"\d+", art)
    return (inst != "CC", inst, int(num.group()) if num else 10**6, art)


_FREE_TEXT = {"summary": True, "victims": {"__all__": {"offences": {"__all__": {"note"}}}}, "provenance": {"evidence"}}


def facts_json(fp: FactPattern, keep_text: bool) -> str:
    """The fact pattern as stored: normalised (what the model read), free text only if kept."""
    return fp.model_dump_json(exclude_none=True, exclude_defaults=True, exclude=None if keep_text else _FREE_TEXT)


def _ref(x: Any) -> str:
    """`CC 159(3)` for a Charge, ArticleRef or VictimOffence model."""
    return f"{x.instrument} {x.article}" if x.part is None else f"{x.instrument} {x.article}({x.part})"


def result_row(line: int, fp: FactPattern, f: Findings, keep_text: bool) -> tuple:
    """One `results` row (RESULT_COLUMNS order) from a fact pattern and its findings."""
    rec = fp.record
    charges = rec.charges if rec else []
    arts = sorted({f"{c.instrument} {c.article}" for c in charges}, key=article_key)
    prim = f.primary
    mis = f.misclassification
    kinds = sorted({m.kind for m in mis}, key=KIND_ORDER.index)
    sev = max((SEVERITY_RANK[m.severity] for m in mis), default=0)
    children = 0
    for v in fp.victims:
        age = fp.victim_age(v)
        children += is_child(age)
    punished = {m.victim or f"#{i}" for i, m in enumerate(mis) if m.kind == "victim_punished"}
    applies = [n.applies for n in f.non_punishment]
    mis_small = [
        {
            "kind": m.kind,
            "severity": m.severity,
            "charged": _ref(m.charged),
            "suggested": _ref(m.suggested) if m.suggested else None,
            "victim": m.victim,
        }
        for m in mis
    ]
    pro = f.prosecution
    return (
        line,
        f.case_id,
        fp.offence_date.isoformat() if fp.offence_date else None,
        len(fp.victims),
        children,
        ";".join(_ref(c) for c in charges) or None,
        " + ".join(arts) if arts else NOT_RECORDED,
        prim.instrument if prim else None,
        prim.article if prim else None,
        prim.part if prim else None,
        prim.title if prim else None,
        prim.gravity if prim else None,
        int(bool(prim and prim.article in ("166", "167"))),
        len(mis),
        ";".join(kinds) or None,
        {3: "high", 2: "medium", 1: "low"}.get(sev),
        sev,
        pro.mode,
        None if pro.reconciliation_permitted is None else int(pro.reconciliation_permitted),
        None if not rec or rec.terminated_by_reconciliation is None else int(rec.terminated_by_reconciliation),
        int("reconciliation_not_permitted" in pro.flags),
        ";".join(pro.flags) or None,
        len(punished),
        "; ".join(f"{n.victim} {_ref(n.offence)}: {n.applies}" for n in f.non_punishment) or None,
        applies.count("yes"),
        applies.count("no"),
        applies.count("unclear"),
        json.dumps(mis_small, ensure_ascii=False, separators=(",", ":")) if mis_small else "[]",
        facts_json(fp, keep_text),
        f.model_dump_json(),
    )
