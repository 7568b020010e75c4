"""The safety net of the re-layering (issue 12): the JSON findings, byte for byte.

Every library case (`cases/*.yaml`, its `facts`), every worked example (`../shared/domain/
examples.yaml`, `examples-v4.yaml`) and the item table (`thb articles --format json`), in English
and in Russian, exactly as `thb` prints them. A change of the findings fails here; a deliberate
one is recorded by regenerating the snapshots (tests/snapshots/README.md):

    THB_SNAPSHOT_UPDATE=1 .venv/bin/python -m pytest tests/test_snapshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SHARED = ROOT.parent / "shared" / "domain"
LANGS = ("en", "ru")
UPDATE = os.environ.get("THB_SNAPSHOT_UPDATE") == "1"


def thb(*args: str, **env_extra: str) -> str:
    """`thb ARGS` as the installed command runs it (its entry point, in a process of its own)."""
    code = "import sys; from classifier.launch import main; sys.argv[0] = 'thb'; main()"
    env = {k: v for k, v in os.environ.items() if k not in ("THB_LANG", "THB_BACKEND", "THB_RULES", "THB_MEMO")}
    env.update(env_extra)
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _write_facts(folder: Path, facts: list[dict]) -> list[str]:
    paths = []
    for i, f in enumerate(facts):
        p = folder / f"{i:03d}-{f['case_id']}.yaml"
        p.write_text(yaml.safe_dump(f, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(str(p))
    return paths


def _library() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8"))["facts"] for p in sorted((ROOT / "cases").glob("*.yaml"))]


def _examples(name: str) -> list[dict]:
    cases = yaml.safe_load((SHARED / name).read_text(encoding="utf-8"))
    return [{k: v for k, v in c.items() if k not in ("expect", "source", "reported_outcome")} for c in cases]


SETS = {
    "cases": _library,
    "examples": lambda: _examples("examples.yaml"),
    "examples-v4": lambda: _examples("examples-v4.yaml"),
}


def _check(name: str, got: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(got, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}: regenerate deliberately (tests/snapshots/README.md)"
    want = path.read_text(encoding="utf-8")
    if got != want:
        import difflib

        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), path.name, "now", n=2))[:80])
        pytest.fail(f"{path.name} changed:\n{diff}")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("which", sorted(SETS))
def test_findings_unchanged(which: str, lang: str, tmp_path: Path) -> None:
    if which.startswith("examples") and not SHARED.is_dir():
        pytest.skip("../shared is missing")
    paths = _write_facts(tmp_path, SETS[which]())
    _check(f"{which}.{lang}.json", thb("--lang", lang, "classify", *paths, "--format", "json"))


@pytest.mark.parametrize("lang", LANGS)
def test_articles_unchanged(lang: str) -> None:
    _check(f"articles.{lang}.json", thb("--lang", lang, "articles", "--format", "json"))


def test_oracle_gives_the_same_bytes(tmp_path: Path) -> None:
    """`THB_BACKEND=oracle` (the pure-Python evaluator) prints exactly what durable-rules does."""
    if UPDATE:
        pytest.skip("nothing to record")
    paths = _write_facts(tmp_path, _library())
    _check("cases.en.json", thb("classify", *paths, "--format", "json", THB_BACKEND="oracle"))
