#!/usr/bin/env python
"""Where an audit's time goes, record by record, against the `audit <= 4 x validate` target.

`benchmarks/audit.py` measures the whole command; this script takes the audit apart on the same
synthetic registry (its `synthetic()` generator and seed) and prints, per record, the CPU time
of each stage, then what the ratio to `thb validate` would be even if whole stages cost nothing:

    validate   what `thb validate` does per record (`audit.validate_stream`), and its start-up
    start-up   `thb audit` on a one-record file (imports, fork server, workers)
    parse      FactPattern from a JSON line (the worker's first step)
    classify   `classify_many` over chunks of 200, as a worker does, caches cold (a worker's
               first pass); and the share of it spent in rule runs (durable-rules, through the
               facade)
    warm       the same again with every atom set's core and template already built
    row        the `results` row from the findings (including the findings JSON)
    parent     the audit's parent process (reading, dispatching, SQLite), from a real
               `--jobs 2` run in this process

A worker gets about half the records at --jobs 2, so each stage is measured on half of them,
in the chunk order a worker sees. CPU times come from `time.process_time`. This machine's speed
varies from one minute to the next, and a whole `thb validate` takes only a second or two, so
one wall-clock ratio can be off by half either way: the stages are measured in `--repeat`
rounds and the least time of each is kept, and the ratios are computed from those measures
(validate's included) rather than from one wall-clock run of each command, which is also
printed.

    .venv/bin/python benchmarks/breakdown.py            # N = 20000
    .venv/bin/python benchmarks/breakdown.py 10000 --repeat 5
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from audit import THB, write_input  # noqa: E402  (benchmarks/audit.py)

TARGET_RATIO = 4.0
CHUNK = 200


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def cpu(fn) -> tuple[float, object]:
    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=20000, help="records (default 20000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="the audit's --jobs (default 2; also the cores assumed)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of in-process measures; the least of each is kept (default 3)")
    args = ap.parse_args()
    if not THB.exists():
        print(f"{THB} not found: install the project into .venv first", file=sys.stderr)
        return 2

    from classifier import audit
    from classifier.analysis import pipeline
    from classifier.models import FactPattern
    from classifier.runtime import durable as facade
    from classifier.runtime import memo

    n, jobs = args.n, args.jobs
    work = Path(tempfile.mkdtemp(prefix="thb-breakdown-"))
    src, one = work / "registry.jsonl", work / "one.jsonl"
    write_input(src, n, args.seed)
    one.write_bytes(src.read_bytes().split(b"\n", 1)[0] + b"\n")

    validate_s = wall([str(THB), "validate", str(src)])  # as benchmarks/audit.py measures it: one run each
    validate_start = min(wall([str(THB), "validate", str(one)]) for _ in range(3))
    audit_start = min(
        wall([str(THB), "audit", str(one), "--out", str(work / f"one{i}.sqlite"), "--jobs", str(jobs)]) for i in range(3)
    )

    # what one worker sees: every jobs-th chunk of 200 lines
    lines = src.read_bytes().splitlines()
    chunks = [lines[i : i + CHUNK] for i in range(0, n, CHUNK)][::jobs]
    mine = sum(len(c) for c in chunks)
    audit.warm_caches()  # as the fork server does
    gc.set_threshold(*audit.GC_THRESHOLDS)  # as a worker does

    rules_s = [0.0]
    real_run = facade.run

    def timed_run(*a, **kw):
        t = time.process_time()
        try:
            return real_run(*a, **kw)
        finally:
            rules_s[0] += time.process_time() - t

    # Each stage's CPU time, the least of `--repeat` rounds (this machine's speed varies from one
    # minute to the next: the least disturbed round is the best estimate of the work itself).
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(best.get(name, seconds), seconds)

    for _ in range(args.repeat):
        keep("validate", cpu(lambda: list(audit.validate_stream(str(src), None, None)))[0] / n)
        parse_s, facts = cpu(lambda: [[FactPattern.model_validate_json(x) for x in c] for c in chunks])
        keep("parse", parse_s / mine)
        memo.clear_caches()
        old_memo, memo.MEMO_SIZE = memo.MEMO_SIZE, 10**7  # keep every core for the warm pass
        facade.run = timed_run
        rules_s[0] = 0.0
        try:
            cold_s, found = cpu(lambda facts=facts: [pipeline.classify_many(c) for c in facts])
            rules_cold = rules_s[0]
            warm_s, _ = cpu(lambda facts=facts: [pipeline.classify_many(c) for c in facts])
        finally:
            facade.run = real_run
            memo.MEMO_SIZE = old_memo
            memo.clear_caches()
        keep("classify (cold)", cold_s / mine)
        keep("  of which rule runs", rules_cold / mine)
        keep("classify (warm)", warm_s / mine)
        pairs = [(fp, f) for c, fs in zip(facts, found, strict=True) for fp, f in zip(c, fs, strict=True)]
        keep("row", cpu(lambda pairs=pairs: [audit.result_row(1, fp, f, False) for fp, f in pairs])[0] / mine)

    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    res = audit.run_audit(audit.AuditOptions(input=str(src), out=str(work / "all.sqlite"), jobs=jobs))
    audit_s = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert res.ok == n, res
    keep("parent", ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / n)

    us = 1e6
    per = {
        k: best[k] * us
        for k in ("validate", "parse", "classify (cold)", "  of which rule runs", "classify (warm)", "row", "parent")
    }
    validate_model = validate_start + n * best["validate"]  # thb validate, from the same measures

    def ratio(worker_us: float) -> float:
        return (audit_start + n * (worker_us + per["parent"]) / us / jobs) / validate_model

    budget = (TARGET_RATIO * validate_model - audit_start) * jobs / n * us  # CPU µs a record may cost, all processes

    print(
        f"thb audit breakdown: N={n}, --jobs {jobs}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, least of {args.repeat} rounds"
    )
    print(f"  measured once:    thb validate {validate_s:.2f} s, thb audit {audit_s:.2f} s = {audit_s / validate_s:.1f}x")
    print(f"  start-up:         thb validate {validate_start:.2f} s, thb audit {audit_start:.2f} s")
    print(f"  thb validate from the measures below: {validate_model:.2f} s")
    print(
        f"  target {TARGET_RATIO:g}x: {TARGET_RATIO * validate_model:.2f} s  ->  {budget:.0f} µs of CPU per record, all processes together"
    )
    print("\n  CPU per record (µs)")
    for k, v in per.items():
        print(f"    {k:<22}{v:7.0f}")
    print("\n  the ratio to validate if ...")
    cases = [
        ("as measured", per["parse"] + per["classify (cold)"] + per["row"]),
        ("no rule ever ran again and every template existed (warm)", per["parse"] + per["classify (warm)"] + per["row"]),
        ("only the rule runs were left of classifying", per["parse"] + per["  of which rule runs"] + per["row"]),
        ("classifying cost nothing at all", per["parse"] + per["row"]),
    ]
    for label, w in cases:
        print(f"    {label:<60}{ratio(w):5.1f}x")
    print(json.dumps({"n": n, "validate_s": validate_s, "audit_s": audit_s, "audit_start_s": audit_start, "per_record_us": per}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
