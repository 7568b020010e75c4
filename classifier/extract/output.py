"""How a draft is shown: YAML with each fact's quote beside it, or the JSON object of docs/extract.md."""

from __future__ import annotations

import json
from typing import Any

import yaml

from ..i18n import tr
from .core import Evidence, Extraction


def _scalar(v: Any) -> str:
    out = yaml.safe_dump(v, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return out[:-4].rstrip() if out.endswith("\n...") else out.removesuffix("...").rstrip()


def _flow(d: dict[str, Any]) -> str:
    out = yaml.safe_dump(d, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10_000).strip()
    return out.removesuffix("...").rstrip()


def _q(e: Evidence, width: int = 90) -> str:
    q = " ".join(e.quote.split())
    return q if len(q) <= width else q[: width - 1] + "…"


def draft_with_evidence(x: Extraction) -> dict[str, Any]:
    """The draft as a file holds it: its provenance carries every evidence item (the quotes the
    interview shows with `--prefill`)."""
    d = dict(x.draft)
    d["provenance"] = {**d["provenance"], "evidence": [e.as_dict() for e in x.evidence]}
    return d


def to_json(x: Extraction) -> dict[str, Any]:
    return x.as_dict()


def to_yaml(x: Extraction) -> str:
    """The draft as YAML: every fact with its quote as a comment beside it; the provenance (with the
    evidence, for `thb interview --prefill`); what was set aside, as comments at the end."""
    quotes: dict[tuple[str, str], list[Evidence]] = {}
    for e in x.evidence:
        if e.status == "proposed":
            quotes.setdefault((e.field, json.dumps(e.value, sort_keys=True, ensure_ascii=False)), []).append(e)

    def note(fld: str, value: Any) -> str:
        es = quotes.get((fld, json.dumps(value, sort_keys=True, ensure_ascii=False)), [])
        if not es:
            return ""
        more = f" (+{len(es) - 1})" if len(es) > 1 else ""
        return f"  # «{_q(es[0])}» [{es[0].start}:{es[0].end}]{more}"

    d = x.draft
    lines = [
        f"# {tr('extract.yaml.head')}",
        f"# {tr('extract.yaml.check')}",
        f"# {tr('extract.yaml.refused')}",
        f"case_id: {_scalar(d['case_id'])}",
    ]
    if "offence_date" in d:
        lines.append(f"offence_date: {_scalar(d['offence_date'])}{note('offence_date', d['offence_date'])}")
    for role in ("victims", "offenders"):
        if role in d:
            lines.append(f"{role}:")
            for p in d[role]:
                lines.append(f"  - id: {_scalar(p['id'])}")
                pid = p["id"]
                for k, v in p.items():
                    if k != "id":
                        lines.append(f"    {k}: {_scalar(v)}{note(f'{role}[{pid}].{k}', v)}")
    for fld in ("acts", "means", "purposes", "exploitation", "circumstances"):
        if fld in d:
            lines.append(f"{fld}:")
            lines.extend(f"  - {v}{note(fld, v)}" for v in d[fld])
    if "record" in d:
        lines.append("record:")
        lines.append("  charges:")
        lines.extend(f"    - {_flow(c)}{note('record.charges', c)}" for c in d["record"]["charges"])
    prov = draft_with_evidence(x)["provenance"]
    lines.append("provenance:")
    for k, v in prov.items():
        if k == "evidence":
            if not v:
                lines.append("  evidence: []")
                continue
            lines.append("  evidence:")
            lines.extend(f"    - {_flow(e)}" for e in v)
        else:
            lines.append(f"  {k}: {_scalar(v)}")
    aside = [e for e in x.evidence if e.status != "proposed"]
    if aside:
        lines.append(f"# {tr('extract.yaml.aside')}")
        for e in aside:
            cue = f" ({e.cue['rule']}: «{' '.join(e.cue['quote'].split())}»)" if e.cue else ""
            lines.append(f"#   {e.status:<12} {e.field} = {_scalar(e.value)}: «{_q(e)}» [{e.start}:{e.end}]{cue}")
    return "\n".join(lines) + "\n"
