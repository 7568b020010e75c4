"""The report as an HTML page: the data of `summary.report_data` shaped for the template
`classifier/render/templates/audit-report.html.j2` (rendered with autoescaping)."""

from __future__ import annotations

from typing import Any

from ..i18n import tr
from ..render.html import render
from .summary import kind_label, severity_label, shown

CHART_COLOURS = (("charged", "#8aa1b8"), ("engine", "#b3261e"))
# The characters of column headings (each with 3 for its padding) a table of the cross-tabulation
# holds beside its row labels on an A4 page; more columns are cut into further tables.
CROSSTAB_BUDGET = 80


def render_html(data: dict[str, Any]) -> str:
    """The report as one self-contained page: inline CSS and SVG, no external resources, all text escaped.
    Every word comes from the message catalogue (`classifier/locales/audit.*.yaml`): it follows --lang."""
    t = data["totals"]
    ct = data["crosstab"]
    case_lists = [
        _case_list(
            data,
            tr("audit.punished.title", cases=t["victims_punished_cases"], victims=t["victims_punished"]),
            "victims_punished",
            t["victims_punished_cases"],
            ("audit.col.case", "audit.col.where", "audit.col.victim_charged_with", "audit.col.non_punishment"),
            lambda c: [c["charged_with"], c["non_punishment"]],
        ),
        _case_list(
            data,
            tr("audit.recon.title_html", cases=t["reconciliation_misuse_cases"]),
            "reconciliation_misuse",
            t["reconciliation_misuse_cases"],
            ("audit.col.case", "audit.col.where", "audit.col.charged", "audit.col.engine"),
            lambda c: [shown(c["charged"]), shown(c["engine"])],
        ),
    ]
    crosstab = {
        "columns": [{"label": shown(c)} for c in ct["columns"]],
        "rows": [
            {
                "label": shown(r),
                "counts": [ct["counts"][r].get(c, "") or "" for c in ct["columns"]],
                "total": ct["row_totals"][r],
            }
            for r in ct["rows"]
        ],
        "column_totals": [ct["column_totals"][c] for c in ct["columns"]],
        "total": t["cases"],
    }
    n_inv = t["invalid"]
    sections = [
        ("charts", tr("audit.html.chart_title")),
        ("misclassifications", tr("audit.mis.title")),
        ("reopen", tr("audit.reopen.title_html")),
        *((f"list-{i}", lst["title"]) for i, lst in enumerate(case_lists)),
        *([("duplicates", tr("audit.dups.title_html", n=t.get("duplicates_across_files")))] if data["duplicates"] else []),
        ("invalid", tr("audit.invalid.title", n=n_inv)),
        ("files", tr("audit.html.files_title")),
    ]
    return render(
        "audit-report.html.j2",
        sections=[{"id": i, "n": n, "title": title} for n, (i, title) in enumerate(sections, 1)],
        crosstab_parts=_crosstab_parts(crosstab),
        invalid=[
            {**b, "case_id": b["case_id"] if b["case_id"] is not None else tr("audit.invalid.no_id")} for b in data["invalid"]
        ],
        invalid_more=n_inv - len(data["invalid"]),
        drafts=t.get("unconfirmed_drafts"),
        generated_at=data["generated_at"],
        n_files=len(data["files"]),
        warnings=data["warnings"],
        kpis=[
            ("cases", t["cases"]),
            ("made_out", t["trafficking_made_out"]),
            ("charged", t["trafficking_made_out_and_charged"]),
            ("punished", t["victims_punished_cases"]),
            ("recon", t["reconciliation_misuse_cases"]),
            ("invalid", t["invalid"]),
        ],
        chart=_chart(data["chart"]),
        misclassifications=[
            {**m, "kind": kind_label(m["kind"]), "severity_label": severity_label(m["severity"])}
            for m in data["misclassifications"]
        ],
        reopen=[{**c, "charged": shown(c["charged"]), "engine": shown(c["engine"])} for c in data["reopen"]],
        case_lists=case_lists,
        duplicates=data["duplicates"],
        duplicates_total=t.get("duplicates_across_files"),
        files=data["files"],
        kept=tr("audit.html.kept" if any(f["keep_text"] for f in data["files"]) else "audit.html.not_kept"),
    )


def _crosstab_parts(ct: dict[str, Any]) -> list[dict[str, Any]]:
    """The cross-tabulation as tables that fit an A4 page (CROSSTAB_BUDGET), each with the row
    labels; the last one also with the row totals and the grand total."""
    cuts: list[list[int]] = [[]]
    used = 0
    for i, c in enumerate(ct["columns"]):
        w = max(len(c["label"]), 4) + 3
        if cuts[-1] and used + w > CROSSTAB_BUDGET:
            cuts.append([])
            used = 0
        cuts[-1].append(i)
        used += w
    parts = []
    for k, idx in enumerate(cuts):
        last = k == len(cuts) - 1
        parts.append(
            {
                "columns": [ct["columns"][i] for i in idx],
                "rows": [
                    {"label": r["label"], "counts": [r["counts"][i] for i in idx], "total": r["total"] if last else None}
                    for r in ct["rows"]
                ],
                "column_totals": [ct["column_totals"][i] for i in idx],
                "total": ct["total"] if last else None,
                "last": last,
            }
        )
    return parts


def _case_list(data: dict[str, Any], title: str, key: str, total: int, cols: tuple[str, ...], cells: Any) -> dict[str, Any]:
    """A list of cases (at most --top) under its title, and how many more there are."""
    cases = data[key]
    return {
        "key": key,
        "title": title,
        "columns": list(cols),
        "cases": [{**c, "cells": cells(c)} for c in cases],
        "more": total - len(cases) if total > len(cases) else 0,
    }


def _chart(chart: list[dict[str, Any]]) -> dict[str, Any]:
    """The bar chart's geometry: a row per article, one bar for the charges and one for the engine."""
    if not chart:
        return {"rows": []}
    peak = max(max(c["charged"], c["engine"]) for c in chart) or 1
    bar_w, row_h, bar_h = 520, 34, 12
    # labels run to «ст. 122 КоПр 2017 г.»: the bars start after the longest (12 px text, ~7.5 px a character)
    label_w = max(90, 12 + round(7.5 * max(len(shown(c["article"])) for c in chart)))
    names = {"charged": tr("audit.chart.charged"), "engine": tr("audit.chart.engine")}
    rows = []
    for i, c in enumerate(chart):
        y = 26 + i * row_h
        rows.append(
            {
                "label": shown(c["article"]),
                "label_y": y + bar_h + 4,
                "bars": [
                    {
                        "y": y + j * (bar_h + 2),
                        "w": round(bar_w * c[key] / peak, 1),
                        "colour": colour,
                        "value": c[key],
                        "name": names[key],
                    }
                    for j, (key, colour) in enumerate(CHART_COLOURS)
                ],
            }
        )
    return {
        "rows": rows,
        "names": names,
        "engine_x": 24 + 7 * len(names["charged"]),  # the second legend entry after the first one's text
        "label_w": label_w,
        "bar_h": bar_h,
        "width": label_w + bar_w + 70,
        "height": 30 + row_h * len(chart),
    }


def svg_chart(chart: list[dict[str, Any]]) -> str:
    """The chart alone, as the page shows it (SVG, or a line when there is nothing to chart)."""
    return render("audit-chart.svg.j2", chart=_chart(chart))
