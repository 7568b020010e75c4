#!/usr/bin/env python
"""Benchmark `thb audit` against `thb validate` on synthetic registries (docs/performance.md).

For each N given (default 20000) it writes N synthetic fact patterns as JSON Lines — the mix an
auditor's registry holds: cases charged as pimping (160), involvement in prostitution (159),
illegal migration (168, or CoM 122 before December 2021), fraud (209) and deprivation of liberty
(169); adults and children; some with trafficking facts; some victims charged, some cases ended
by reconciliation — then runs

    thb validate FILE
    thb audit FILE --out RESULTS.sqlite --jobs J

and prints records/s, the peak memory of the whole process tree (the sum over the command and
all its descendants — fork server and workers — sampled from /proc: RSS every 50 ms, and PSS,
which counts shared pages once, every 0.5 s), and the audit/validate time ratio, against the targets.

    .venv/bin/python benchmarks/audit.py                 # N = 20000
    .venv/bin/python benchmarks/audit.py 10000 100000    # is memory flat as N grows?
    .venv/bin/python benchmarks/audit.py 2000 --jobs 1 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THB = ROOT / ".venv" / "bin" / "thb"

TARGET_RATE = 2000.0  # records/s at N = 20,000 with --jobs 2
TARGET_MB = 400.0
TARGET_FLAT = 0.10  # N = 100,000 within 10 % of N = 10,000
TARGET_RATIO = 4.0


# ---------------------------------------------------------------------------------- synthetic data
def _date(rng: random.Random) -> dt.date:
    start = dt.date(2015, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(2024, 12, 31).toordinal()))


def _victims(rng: random.Random, child_share: float, citizenships: list[str], sexes: list[str]) -> list[dict]:
    out = []
    for i in range(rng.choices([1, 2, 3], [70, 22, 8])[0]):
        v: dict = {"id": f"V{i + 1}"}
        if rng.random() < 0.95:  # a few registries lack the age
            v["age"] = rng.randint(13, 17) if rng.random() < child_share else rng.randint(18, 45)
        v["sex"] = rng.choice(sexes)
        v["citizenship"] = rng.choice(citizenships)
        out.append(v)
    return out


def _offenders(rng: random.Random) -> list[dict]:
    out = []
    for i in range(rng.choices([1, 2, 3], [60, 28, 12])[0]):
        o: dict = {"id": f"P{i + 1}", "age": rng.randint(16, 60)}
        if rng.random() < 0.04:
            o["official"] = True
        out.append(o)
    return out


def synthetic(i: int, rng: random.Random) -> dict:
    """One registry case. About a third carry trafficking facts (act + means + purpose)."""
    kind = rng.choices(["pimping", "prostitution", "migration", "fraud", "liberty"], [30, 20, 25, 15, 10])[0]
    when = _date(rng)
    fp: dict = {"case_id": f"REG-{when.year}-{i:07d}", "offence_date": when.isoformat()}
    if rng.random() < 0.3:
        fp["summary"] = "Registry extract: the facts as recorded by the investigator."
    traf = rng.random() < 0.35
    circ: list[str] = []
    if kind in ("pimping", "prostitution"):
        fp["victims"] = _victims(rng, 0.35 if kind == "prostitution" else 0.15, ["KG", "KG", "KG", "UZ"], ["female"])
        fp["offenders"] = _offenders(rng)
        charge = (
            {"instrument": "CC", "article": "160", "part": rng.choice([1, 2])}
            if kind == "pimping"
            else {"instrument": "CC", "article": "159", "part": rng.choice([1, 2, 3])}
        )
        circ += rng.sample(["pimping", "procuring", "brothel_organised", "for_profit"], k=2)
        if traf:
            fp["acts"] = rng.sample(["recruitment", "transportation", "harbouring", "receipt"], k=rng.randint(1, 3))
            fp["means"] = rng.sample(
                ["deception", "threat", "abuse_of_vulnerability", "debt_bondage", "coercion"], k=rng.randint(1, 2)
            )
            fp["purposes"] = ["prostitution"]
            fp["exploitation"] = ["prostitution"]
            if rng.random() < 0.3:
                circ.append(rng.choice(["crossed_state_border", "held_against_will", "group_prior_conspiracy"]))
    elif kind == "migration":
        fp["victims"] = _victims(rng, 0.08, ["UZ", "TJ", "KG", "BD", "PK"], ["male", "male", "female"])
        fp["offenders"] = _offenders(rng)
        charge = (
            {"instrument": "CC", "article": "168", "part": rng.choice([1, 2])}
            if when >= dt.date(2021, 12, 1)
            else {"instrument": "CoM", "article": "122"}
        )
        circ += ["crossed_state_border", "illegal_entry_or_exit_organised", "for_profit"]
        if traf:
            fp["acts"] = rng.sample(["recruitment", "transportation", "transfer", "harbouring"], k=rng.randint(2, 3))
            fp["means"] = rng.sample(["deception", "fraud", "debt_bondage", "threat"], k=rng.randint(1, 2))
            fp["purposes"] = ["forced_labour"]
            fp["exploitation"] = ["forced_labour"]
            circ += rng.sample(["identity_documents_taken", "victim_could_not_refuse", "held_abroad"], k=1)
        if rng.random() < 0.2:  # victims charged with the border crossing the recruiter arranged
            for v in fp["victims"]:
                v["offences"] = [{"instrument": "CC", "article": "378", "part": 1, "caused_by_trafficking": traf}]
            fp.setdefault("record", {})["victim_charged_with"] = [
                {"victim": v["id"], "instrument": "CC", "article": "378", "part": 1} for v in fp["victims"]
            ]
    elif kind == "fraud":
        fp["victims"] = _victims(rng, 0.05, ["KG"], ["female", "male"])
        fp["offenders"] = _offenders(rng)[:1]
        charge = {"instrument": "CC", "article": "209", "part": rng.choice([1, 2])}
        circ += ["property_obtained_by_deception", "for_profit"]
        fp["damage_ci"] = rng.choice([5, 20, 150, 600])
        fp["means"] = ["fraud", "deception"]
        if traf:
            fp["acts"] = ["recruitment", "transportation"]
            fp["purposes"] = [rng.choice(["forced_labour", "prostitution", "servitude"])]
            fp["exploitation"] = list(fp["purposes"])
    else:
        fp["victims"] = _victims(rng, 0.15, ["KG", "KG", "UZ"], ["female", "male"])
        fp["offenders"] = _offenders(rng)
        charge = {"instrument": "CC", "article": "169", "part": rng.choice([1, 2])}
        circ.append("held_against_will")
        if traf:
            fp["acts"] = ["harbouring"]
            fp["means"] = ["force"]
            fp["purposes"] = [rng.choice(["forced_labour", "servitude"])]
    fp["circumstances"] = sorted(set(circ))
    rec = fp.setdefault("record", {})
    rec["charges"] = [charge]
    rec["prosecution"] = rng.choice(["public", "private_public", "unknown"])
    rec["opened_on_victim_complaint"] = rng.random() < 0.5
    rec["terminated_by_reconciliation"] = rng.random() < 0.1
    return fp


def write_input(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(synthetic(i, rng), ensure_ascii=False, separators=(",", ":")) + "\n")


# ---------------------------------------------------------------------------------- measuring
def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _tree(pid: int) -> list[int]:
    kids = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss(pids: list[int]) -> int:
    """Sum of RSS in kB (cheap: /proc/PID/statm)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_KB
        except (OSError, IndexError, ValueError):
            continue
    return total


def _pss(pids: list[int]) -> int:
    """Sum of PSS in kB (shared pages counted once; costlier: /proc/PID/smaps_rollup)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def run(cmd: list[str]) -> dict:
    """Run a command; wall time, exit code and the peak memory of its process tree. The sampler
    is kept cheap so as not to steal CPU from what it measures: the process tree is re-read every
    0.5 s, RSS every 50 ms, PSS every 0.5 s."""
    peak = {"rss": 0, "pss": 0}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        pids: list[int] = []
        tick = 0
        while not done.is_set():
            if tick % 10 == 0:
                pids = _tree(proc.pid)
                peak["pss"] = max(peak["pss"], _pss(pids))
            peak["rss"] = max(peak["rss"], _rss(pids))
            tick += 1
            done.wait(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    th.join()
    return {
        "seconds": seconds,
        "rc": proc.returncode,
        "stderr": err.strip(),
        "rss_mb": peak["rss"] / 1024,
        "pss_mb": peak["pss"] / 1024,
    }


ENGINE_PROBE = """
import gc, json, sys, time
from classifier import audit, classify
from classifier.analysis.pipeline import classify_many
from classifier.models import FactPattern
with open(sys.argv[1], "rb") as f:
    lines = [next(f) for _ in range(int(sys.argv[2]))]
facts = [FactPattern.model_validate_json(x) for x in lines]
gc.set_threshold(*audit.GC_THRESHOLDS)  # as in an audit worker
classify(facts[0])
t = time.perf_counter()
for i in range(0, len(facts), 200):  # as a worker does: a chunk of 200 records a batch
    classify_many(facts[i : i + 200])
print(len(facts) / (time.perf_counter() - t))
"""


def engine_rate(src: Path, n: int) -> float:
    """The engine alone, in one process, on the first n records (cold caches, as a worker starts,
    and chunks of 200 classified as one batch, as a worker does): cases per second. Twice this is
    the ceiling for --jobs 2 on two cores."""
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", ENGINE_PROBE, str(src), str(n)], capture_output=True, text=True
    )
    return float(out.stdout.strip()) if out.returncode == 0 else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="*", type=int, default=[20000], help="record counts (default 20000)")
    ap.add_argument("--jobs", type=int, default=2, help="thb audit --jobs (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", metavar="DIR", help="write the inputs and results here and keep them")
    args = ap.parse_args()
    if not THB.exists():
        print(f"{THB} not found: install the project into .venv first", file=sys.stderr)
        return 2
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="thb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    print(f"thb audit benchmark: --jobs {args.jobs}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}", flush=True)
    try:
        for n in args.n:
            src = work / f"registry-{n}.jsonl"
            write_input(src, n, args.seed)
            out = work / f"results-{n}.sqlite"
            for p in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
                p.unlink(missing_ok=True)
            load0 = os.getloadavg()[0]
            val = run([str(THB), "validate", str(src)])
            aud = run([str(THB), "audit", str(src), "--out", str(out), "--jobs", str(args.jobs)])
            if aud["rc"] != 0:
                print(f"N={n}: thb audit failed (exit {aud['rc']}): {aud['stderr'][-500:]}", file=sys.stderr)
                return 1
            if val["rc"] != 0:
                print(f"N={n}: thb validate exited {val['rc']}: {val['stderr'][-300:]}", file=sys.stderr)
            engine = engine_rate(src, min(n, 5000))
            row = {
                "n": n,
                "engine": engine,
                "load": (load0, os.getloadavg()[0]),
                "mb": src.stat().st_size / 1e6,
                "audit_s": aud["seconds"],
                "rate": n / aud["seconds"],
                "audit_rss": aud["rss_mb"],
                "audit_pss": aud["pss_mb"],
                "validate_s": val["seconds"],
                "validate_rss": val["rss_mb"],
                "ratio": aud["seconds"] / val["seconds"],
                "db_mb": out.stat().st_size / 1e6,
            }
            rows.append(row)
            print(
                f"N={n:>7}  input {row['mb']:6.1f} MB  audit {row['audit_s']:7.1f} s = {row['rate']:6.0f} records/s  "
                f"peak tree RSS {row['audit_rss']:5.0f} MB (PSS {row['audit_pss']:5.0f} MB)  "
                f"validate {row['validate_s']:5.1f} s ({row['validate_rss']:4.0f} MB)  audit/validate {row['ratio']:4.1f}x  "
                f"results {row['db_mb']:6.1f} MB  engine alone {row['engine']:4.0f}/s per process  "
                f"load avg {row['load'][0]:.1f}->{row['load'][1]:.1f}",
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\ntargets (--jobs 2, this machine):")
    verdict = lambda ok: "met" if ok else "NOT MET"  # noqa: E731
    for r in rows:
        if r["n"] == 20000:
            print(f"  >= {TARGET_RATE:.0f} records/s at N=20,000: {r['rate']:.0f} — {verdict(r['rate'] >= TARGET_RATE)}")
    for r in rows:
        print(
            f"  peak memory < {TARGET_MB:.0f} MB at N={r['n']}: RSS {r['audit_rss']:.0f} MB — {verdict(r['audit_rss'] < TARGET_MB)}"
        )
        print(f"  audit <= {TARGET_RATIO:.0f}x validate at N={r['n']}: {r['ratio']:.1f}x — {verdict(r['ratio'] <= TARGET_RATIO)}")
    small = next((r for r in rows if r["n"] == 10000), None)
    big = next((r for r in rows if r["n"] == 100000), None)
    if small and big:
        growth = big["audit_rss"] / small["audit_rss"] - 1
        print(f"  memory flat (N=100,000 within 10% of N=10,000): {growth:+.1%} — {verdict(abs(growth) <= TARGET_FLAT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
