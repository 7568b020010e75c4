"""Start-up cost of one `thb classify`: `python benchmarks/startup.py [RUNS] [--breakdown]`.

Prints the median wall time of RUNS (default 15) subprocess runs of

    thb classify examples/osh-15-year-old.yaml --format json

against the bare import of its dependencies (`python -c "import typer, pydantic, durable_rules_engine, yaml"`: durable-rules's C core is
the module `durable_rules_engine`),
and their ratio (docs/performance.md, "Start-up"). Timing targets live here, never in unit tests.

`--breakdown` then runs the same command's steps in fresh interpreters, each step timed in order
(median of RUNS), to show where the time beyond the bare import goes, and what the ratio would be
if none of the project's own code ran (the dependencies' cost as the command must load them:
pydantic's model machinery and rich are imported lazily by `import pydantic` / `import typer`,
so the bare import does not pay for them).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THB = Path(sys.executable).parent / "thb"


# As after any normal installation, the modules' bytecode is used: a shell that sets
# PYTHONDONTWRITEBYTECODE (some sandboxes do) would recompile ~40 modules on every run (~80 ms).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_wall(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=ENV)  # warm the file cache and the bytecode
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=ENV)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# Each step of one `thb classify ... --format json`, in the order the command meets them.
STEPS = r"""
import time, sys
marks = []
t = time.perf_counter()
def mark(name):
    global t
    now = time.perf_counter(); marks.append((name, now - t)); t = now
import typer, pydantic, durable_rules_engine, yaml; mark("deps")
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator; mark("pydantic")
import rich.console, rich.text; mark("rich")
from classifier.rulebase.files import values; values("acts"); mark("rulebase")
import classifier.models; mark("models")
import classifier.cli, classifier.cli.common, classifier.cli.classify, classifier.records, classifier.analysis.pipeline; mark("modules")
from classifier.records import load
facts = load(["examples/osh-15-year-old.yaml"])[0].facts; mark("read")
from classifier import classify
findings = classify(facts); mark("classify")
findings.model_dump_json(); mark("json")
print(repr(marks))
"""
DEPENDENCIES = (
    "import typer, pydantic, durable_rules_engine, yaml; "
    "from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator; "
    "import rich.console, rich.text"
)
LABELS = {
    "deps": ("the bare import (typer, pydantic, durable_rules_engine, yaml)", "dependency"),
    "pydantic": ("pydantic's model machinery (BaseModel, field types)", "dependency"),
    "rich": ("rich, the terminal layer typer prints with", "dependency"),
    "rulebase": ("the rule base from the disk cache (digest of rules/, unpickle)", "project"),
    "models": ("the FACTS.md models built from the vocabulary (23 classes)", "project"),
    "modules": ("the command line, records and pipeline modules", "project"),
    "read": ("reading and validating the case file", "project"),
    "classify": ("classifying (the first durable-rules host: 14 rulesets)", "project"),
    "json": ("the JSON output", "project"),
}


def breakdown(runs: int, bare: float, one: float, interpreter: float) -> None:
    import ast

    samples: dict[str, list[float]] = {}
    for _ in range(runs + 1):
        out = subprocess.run([sys.executable, "-c", STEPS], capture_output=True, text=True, check=True, cwd=ROOT, env=ENV)
        for name, seconds in ast.literal_eval(out.stdout.strip().splitlines()[-1]):
            samples.setdefault(name, []).append(seconds)
    steps = {name: statistics.median(v[1:]) for name, v in samples.items()}  # the first run warms the caches
    print(f"\nwhere the time goes (median of {runs} fresh interpreters, in order)")
    print(f"  {'interpreter start-up (python -c pass)':72s}{interpreter * 1000:7.0f} ms")
    for name, seconds in steps.items():
        label, kind = LABELS[name]
        print(f"  {label:72s}{seconds * 1000:7.0f} ms  {kind}")
    rest = one - interpreter - sum(steps.values())
    print(f"  {'the rest: the thb entry point, typer building and parsing the command':72s}{rest * 1000:7.0f} ms  project")
    own = rest + sum(s for n, s in steps.items() if LABELS[n][1] == "project")
    print(f"  {'of which the project code':72s}{own * 1000:7.0f} ms")
    floor = median_wall([sys.executable, "-c", DEPENDENCIES], runs)
    print(f"\n  the dependencies as the command loads them (no project code)            {floor * 1000:7.0f} ms")
    print(f"  their ratio to the bare import: the floor the design has                 {floor / bare:7.2f}x")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 15
    bare = median_wall([sys.executable, "-c", "import typer, pydantic, durable_rules_engine, yaml"], runs)
    one = median_wall([str(THB), "classify", "examples/osh-15-year-old.yaml", "--format", "json"], runs)
    print(f"median of {runs} runs")
    print(f"  bare import of typer, pydantic, durable_rules_engine, yaml{bare * 1000:7.0f} ms")
    print(f"  thb classify examples/osh-15-year-old.yaml           {one * 1000:7.0f} ms")
    print(f"  ratio                                                 {one / bare:7.2f}x")
    if "--breakdown" in sys.argv[1:]:
        interpreter = median_wall([sys.executable, "-c", "pass"], runs)
        breakdown(runs, bare, one, interpreter)


if __name__ == "__main__":
    main()
