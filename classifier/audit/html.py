"""The report as an HTML page."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from ..i18n import lang, tr
from .summary import kind_label, severity_label, shown


def render_html(data: dict[str, Any]) -> str:
    """The report as one self-contained page: inline CSS and SVG, no external resources, all text escaped.
    Every word comes from the message catalogue (`classifier/locales/audit.*.yaml`): it follows --lang."""
    e = lambda x: html.escape("" if x is None else str(x), quote=True)  # noqa: E731
    th = lambda *keys: "".join(f"<th>{e(tr(k))}</th>" for k in keys)  # noqa: E731
    t = data["totals"]
    parts: list[str] = []
    add = parts.append
    add(f"<!DOCTYPE html>\n<html lang='{e(lang())}'><head><meta charset='utf-8'>")
    add("<meta name='viewport' content='width=device-width, initial-scale=1'>")
    add(f"<title>{e(tr('audit.title'))}</title><style>")
    add(
        "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2430;margin:2rem auto;max-width:1100px;padding:0 1rem}"
        "h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #d8dde6;padding-bottom:.2rem}"
        "table{border-collapse:collapse;margin:.6rem 0;font-size:13px}th,td{border:1px solid #d8dde6;padding:.25rem .5rem;text-align:left;vertical-align:top}"
        "th{background:#f1f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#5b6472}"
        ".warn{background:#fff4e0;border-left:4px solid #e69500;padding:.4rem .7rem;margin:.4rem 0}"
        ".sev-high{color:#b3261e;font-weight:600}.sev-medium{color:#a05a00;font-weight:600}.sev-low{color:#44607a}"
        ".kpi{display:inline-block;margin:0 1.2rem .8rem 0}.kpi b{display:block;font-size:1.5rem}"
        "@media print{body{margin:0}h2{page-break-after:avoid}}"
    )
    add("</style></head><body>")
    if t.get("unconfirmed_drafts"):
        add(f"<div class='warn'><b>{e(tr('audit.report.drafts', n=t['unconfirmed_drafts']))}</b></div>")
    add(f"<h1>{e(tr('audit.title'))}</h1>")
    add(f"<p class='muted'>{e(tr('audit.html.generated', at=data['generated_at'], n=len(data['files'])))}</p>")
    for w in data["warnings"]:
        add(f"<div class='warn'>{e(w)}</div>")
    add("<div>")
    for key, val in (
        ("cases", t["cases"]),
        ("made_out", t["trafficking_made_out"]),
        ("charged", t["trafficking_made_out_and_charged"]),
        ("punished", t["victims_punished_cases"]),
        ("recon", t["reconciliation_misuse_cases"]),
        ("invalid", t["invalid"]),
    ):
        add(f"<span class='kpi'><b>{e(val)}</b>{e(tr(f'audit.html.kpi.{key}'))}</span>")
    add("</div>")
    add(f"<h2>{e(tr('audit.html.chart_title'))}</h2>")
    add(_svg_chart(data["chart"]))
    ct = data["crosstab"]
    add(f"<table><thead><tr><th>{e(tr('audit.crosstab.corner'))}</th>")
    add("".join(f"<th>{e(shown(c))}</th>" for c in ct["columns"]) + th("audit.col.total") + "</tr></thead><tbody>")
    for r in ct["rows"]:
        cells = "".join(f"<td class='n'>{e(ct['counts'][r].get(c, '') or '')}</td>" for c in ct["columns"])
        add(f"<tr><th>{e(shown(r))}</th>{cells}<td class='n'><b>{e(ct['row_totals'][r])}</b></td></tr>")
    add(
        th("audit.col.total").join(("<tr>", ""))
        + "".join(f"<td class='n'><b>{e(ct['column_totals'][c])}</b></td>" for c in ct["columns"])
    )
    add(f"<td class='n'><b>{e(t['cases'])}</b></td></tr></tbody></table>")
    add(f"<h2>{e(tr('audit.mis.title'))}</h2>")
    if data["misclassifications"]:
        add(
            "<table><thead><tr>"
            + th("audit.col.kind", "audit.col.severity", "audit.col.flags", "audit.col.cases")
            + "</tr></thead><tbody>"
        )
        for m in data["misclassifications"]:
            add(
                f"<tr><td>{e(kind_label(m['kind']))}</td><td class='sev-{e(m['severity'])}'>{e(severity_label(m['severity']))}</td>"
                f"<td class='n'>{e(m['flags'])}</td><td class='n'>{e(m['cases'])}</td></tr>"
            )
        add("</tbody></table>")
    else:
        add(f"<p>{e(tr('audit.mis.none_html'))}</p>")

    def where(c: dict[str, Any]) -> str:
        return f"<td class='muted'>{e(c['file'])}:{e(c['line'])}</td>"

    add(f"<h2>{e(tr('audit.reopen.title_html'))}</h2>")
    if data["reopen"]:
        cols = th("audit.col.case", "audit.col.where", "audit.col.charged", "audit.col.engine", "audit.col.why")
        add(f"<table><thead><tr><th>#</th>{cols}</tr></thead><tbody>")
        for i, c in enumerate(data["reopen"], 1):
            why = "<br>".join(e(x) for x in c["reasons"])
            add(
                f"<tr><td class='n'>{i}</td><td class='sev-{e(c['max_severity'] or 'low')}'>{e(c['case_id'])}</td>"
                f"{where(c)}<td>{e(shown(c['charged']))}</td>"
                f"<td>{e(shown(c['engine']))}</td><td>{why}</td></tr>"
            )
        add("</tbody></table>")
    else:
        add(f"<p>{e(tr('audit.reopen.none_html'))}</p>")

    def case_list(title: str, key: str, total: int, cols: tuple[str, ...], cells: Callable[[dict[str, Any]], str]) -> None:
        """A list of cases (at most --top) under its title, and how many more there are."""
        add(f"<h2>{e(title)}</h2>")
        if not data[key]:
            return
        add(f"<table><thead><tr>{th(*cols)}</tr></thead><tbody>")
        for c in data[key]:
            add(f"<tr><td>{e(c['case_id'])}</td>{where(c)}{cells(c)}</tr>")
        add("</tbody></table>")
        if total > len(data[key]):
            add(f"<p class='muted'>{e(tr('audit.more_html', n=total - len(data[key])))}</p>")

    case_list(
        tr("audit.punished.title", cases=t["victims_punished_cases"], victims=t["victims_punished"]),
        "victims_punished",
        t["victims_punished_cases"],
        ("audit.col.case", "audit.col.where", "audit.col.victim_charged_with", "audit.col.non_punishment"),
        lambda c: f"<td>{e(c['charged_with'])}</td><td>{e(c['non_punishment'])}</td>",
    )
    case_list(
        tr("audit.recon.title_html", cases=t["reconciliation_misuse_cases"]),
        "reconciliation_misuse",
        t["reconciliation_misuse_cases"],
        ("audit.col.case", "audit.col.where", "audit.col.charged", "audit.col.engine"),
        lambda c: f"<td>{e(shown(c['charged']))}</td><td>{e(shown(c['engine']))}</td>",
    )
    if data["duplicates"]:
        add(f"<h2>{e(tr('audit.dups.title_html', n=t['duplicates_across_files']))}</h2>")
        add("<table><thead><tr>" + th("audit.col.case", "audit.col.counted_from", "audit.col.also_in") + "</tr></thead><tbody>")
        for d in data["duplicates"]:
            add(f"<tr><td>{e(d['case_id'])}</td><td>{e(d['first'])}</td><td>{e(d['also'])}</td></tr>")
        add("</tbody></table>")
    add(f"<h2>{e(tr('audit.html.files_title'))}</h2><table><thead><tr>")
    add(th("audit.col.file", "audit.col.input", "audit.col.lines", "audit.col.status"))
    add(th("audit.col.cases", "audit.col.invalid", "audit.col.engine", "audit.col.finished") + "</tr></thead><tbody>")
    for f in data["files"]:
        add(
            f"<tr><td>{e(f['path'])}</td><td>{e(f['input'])}<br><span class='muted'>sha256 {e((f['input_sha256'] or '')[:16])}…</span></td>"
            f"<td>{e(f['lines'])}</td><td>{e(f['status'])}</td><td class='n'>{e(f['results'])}</td><td class='n'>{e(f['invalid'])}</td>"
            f"<td>{e(f['engine_version'])}</td><td>{e(f['finished_at'] or '—')}</td></tr>"
        )
    add("</tbody></table>")
    kept = tr("audit.html.kept" if any(f["keep_text"] for f in data["files"]) else "audit.html.not_kept")
    add(f"<p class='muted'>{tr('audit.html.footer', kept=e(kept))}</p>")  # the catalogue's own <code> markup
    add("</body></html>\n")
    return "".join(parts)


def _svg_chart(chart: list[dict[str, Any]]) -> str:
    if not chart:
        return f"<p>{html.escape(tr('audit.chart.none'))}</p>"
    e = lambda x: html.escape(str(x), quote=True)  # noqa: E731
    peak = max(max(c["charged"], c["engine"]) for c in chart) or 1
    bar_w, row_h, bar_h = 520, 34, 12
    # labels run to «ст. 122 КоПр 2017 г.»: the bars start after the longest (12 px text, ~7.5 px a character)
    label_w = max(90, 12 + round(7.5 * max(len(shown(c["article"])) for c in chart)))
    height = 30 + row_h * len(chart)
    width = label_w + bar_w + 70
    names = {"charged": tr("audit.chart.charged"), "engine": tr("audit.chart.engine")}
    engine_x = 24 + 7 * len(names["charged"])  # the second legend entry after the first one's text
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
        f"role='img' aria-label='{e(tr('audit.chart.aria'))}'>",
        f"<rect x='0' y='0' width='12' height='12' fill='#8aa1b8'/><text x='16' y='10' font-size='11'>{e(names['charged'])}</text>",
        f"<rect x='{engine_x}' y='0' width='12' height='12' fill='#b3261e'/>"
        f"<text x='{engine_x + 16}' y='10' font-size='11'>{e(names['engine'])}</text>",
    ]
    for i, c in enumerate(chart):
        y = 26 + i * row_h
        out.append(f"<text x='0' y='{y + bar_h + 4}' font-size='12'>{e(shown(c['article']))}</text>")
        for j, (key, colour) in enumerate((("charged", "#8aa1b8"), ("engine", "#b3261e"))):
            w = round(bar_w * c[key] / peak, 1)
            yy = y + j * (bar_h + 2)
            out.append(
                f"<rect x='{label_w}' y='{yy}' width='{w}' height='{bar_h}' fill='{colour}'>"
                f"<title>{e(shown(c['article']))}: {e(c[key])} {e(names[key])}</title></rect>"
            )
            out.append(f"<text x='{label_w + w + 4}' y='{yy + bar_h - 2}' font-size='11'>{e(c[key])}</text>")
    out.append("</svg>")
    return "".join(out)
