"""The interview's state: the answers so far, the fact pattern they make."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..rulebase.files import vocabulary


# ------------------------------------------------------------------------------ state
def age_on(birth: dt.date, when: dt.date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


@dataclass
class State:
    """The facts gathered so far; `facts()` turns them into a FACTS.md fact pattern."""

    case_id: str | None = None
    offence_date: dt.date | None = None
    summary: str | None = None
    victims: list[dict[str, Any]] = field(default_factory=list)
    offenders: list[dict[str, Any]] = field(default_factory=list)
    acts: list[str] | None = None
    purposes: list[str] | None = None
    exploitation: list[str] | None = None
    means: list[str] | None = None
    means_skipped: bool = False
    circumstances: list[str] = field(default_factory=list)
    damage_ci: float | None = None
    charges: list[dict[str, Any]] = field(default_factory=list)
    victim_charges: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    out_path: str | None = None
    overwrite: bool = False
    # --prefill (prefill.py): the draft, the answers its accepted facts give, the questions asked
    draft: Any = None
    prefilled: dict[str, tuple[str, str]] = field(default_factory=dict)
    prefill_kept: list[tuple[str, Any]] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)
    provenance: dict[str, Any] | None = None

    def when(self) -> dt.date:
        return self.offence_date or dt.date.today()

    def victim_age(self, v: dict[str, Any]) -> int | None:
        if v.get("age") is not None:
            return v["age"]
        if v.get("birth_date") is not None:
            return age_on(v["birth_date"], self.when())
        return None

    def flag(self, *names: str) -> None:
        for n in names:
            if n not in self.circumstances:
                self.circumstances.append(n)

    def facts(self) -> dict[str, Any]:
        """The fact pattern, in the order of FACTS.md; what is unknown is left out."""
        d: dict[str, Any] = {"case_id": self.case_id or default_case_id()}
        if self.offence_date:
            d["offence_date"] = self.offence_date
        if self.summary:
            d["summary"] = self.summary
        if self.victims:
            vs = []
            for v in self.victims:
                out = {k: val for k, val in v.items() if val is not None}
                offs = [o for vid, o in self.victim_charges if vid == v["id"]]
                if offs:
                    out["offences"] = [{k: val for k, val in o.items() if val is not None and k != "victim"} for o in offs]
                vs.append(out)
            d["victims"] = vs
        if self.offenders:
            d["offenders"] = [{k: val for k, val in o.items() if val is not None} for o in self.offenders]
        for name in ("acts", "means", "purposes", "exploitation"):
            val = getattr(self, name)
            if val:
                d[name] = list(val)
        if self.circumstances:
            order = list(vocabulary()["circumstances"])
            d["circumstances"] = sorted(set(self.circumstances), key=order.index)
        if self.damage_ci is not None:
            d["damage_ci"] = int(self.damage_ci) if float(self.damage_ci).is_integer() else self.damage_ci
        record: dict[str, Any] = {}
        if self.charges:
            record["charges"] = [{k: v for k, v in c.items() if v is not None} for c in self.charges]
        if self.victim_charges:
            record["victim_charged_with"] = [
                {"victim": vid, **{k: o[k] for k in ("instrument", "article", "part") if o.get(k) is not None}}
                for vid, o in self.victim_charges
            ]
        if record:
            d["record"] = record
        if self.provenance:
            d["provenance"] = self.provenance
        return d


def default_case_id() -> str:
    return f"INTERVIEW-{dt.date.today():%Y%m%d}"
