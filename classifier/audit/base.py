"""What every part of the audit shares: the schema version, the placeholders stored, the orders of severity and kind, the audit's own failure."""

from __future__ import annotations

SCHEMA_VERSION = 1
GC_THRESHOLDS = (20000, 50, 100)  # the workers' garbage collector (`init_worker`)
MAX_RECORD_BYTES = 4 * 1024 * 1024  # one fact pattern; a longer line is recorded as invalid, not read
NOT_RECORDED = "(charges not recorded)"
NO_PRIMARY = "(none made out)"

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
KIND_ORDER = ["trafficking_not_charged", "wrong_article", "wrong_part", "victim_punished", "overcharged"]


class AuditFailure(RuntimeError):
    """The audit cannot go on for a reason that is not the input's fault (e.g. workers keep crashing)."""
