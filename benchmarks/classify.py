"""Classification throughput of one process: `python benchmarks/classify.py [SECONDS]`.

Prints cases/s for the case library (rich, real cases) with the durable-rules backend and the
pure-Python oracle, with the rule-evaluation memo cold (every case reaches the engine) and warm.
Timing targets live here, never in unit tests.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from classifier import classify
from classifier.models import FactPattern
from classifier.runtime import memo as engine_memo

ROOT = Path(__file__).resolve().parents[1]


def rate(cases: list[FactPattern], backend: str, memo: bool, seconds: float) -> float:
    engine_memo.clear_caches()
    engine_memo.MEMO_SIZE = 4096 if memo else 0
    classify(cases[0], backend=backend)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for c in cases:
            classify(c, backend=backend)
            n += 1
    return n / (time.perf_counter() - t0)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    cases = [FactPattern.model_validate(yaml.safe_load(p.read_text())["facts"]) for p in sorted((ROOT / "cases").glob("*.yaml"))]
    print(f"{len(cases)} library cases, {seconds:g} s per figure, one process")
    for backend in ("durable", "oracle"):
        for memo in (False, True):
            print(f"  {backend:8} memo {'warm' if memo else 'off ':4}  {rate(cases, backend, memo, seconds):8.0f} cases/s")


if __name__ == "__main__":
    main()
