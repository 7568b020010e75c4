"""Start-up cost of one `thb classify`: `python benchmarks/startup.py [RUNS]`.

Prints the median wall time of RUNS (default 15) subprocess runs of

    thb classify examples/osh-15-year-old.yaml --format json

against the bare import of its dependencies (`python -c "import typer, pydantic, durable_rules_engine, yaml"`: durable-rules's C core is
the module `durable_rules_engine`),
and their ratio (docs/performance.md, "Start-up"). Timing targets live here, never in unit tests.
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


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    bare = median_wall([sys.executable, "-c", "import typer, pydantic, durable_rules_engine, yaml"], runs)
    one = median_wall([str(THB), "classify", "examples/osh-15-year-old.yaml", "--format", "json"], runs)
    print(f"median of {runs} runs")
    print(f"  bare import of typer, pydantic, durable_rules_engine, yaml{bare * 1000:7.0f} ms")
    print(f"  thb classify examples/osh-15-year-old.yaml           {one * 1000:7.0f} ms")
    print(f"  ratio                                                 {one / bare:7.2f}x")


if __name__ == "__main__":
    main()
