"""The compiled rule base kept on disk (classifier/rulebase/cache.py) never changes an answer:
a corrupted, truncated or stale entry is rebuilt, an unwritable folder is no error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "osh-15-year-old.yaml")


def classify_json(cache: Path | None, **env: str) -> str:
    e = {k: v for k, v in os.environ.items() if not k.startswith("THB_")}
    if cache is not None:
        e["THB_CACHE_DIR"] = str(cache)
    e.update(env)
    code = "import sys; from classifier.launch import main; sys.argv[0] = 'thb'; main()"
    r = subprocess.run(
        [sys.executable, "-c", code, "classify", EXAMPLE, "--format", "json"], capture_output=True, text=True, env=e, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_a_corrupted_truncated_or_unwritable_cache_never_changes_an_answer(tmp_path: Path) -> None:
    want = classify_json(None, THB_CACHE="0")
    cache = tmp_path / "cache"
    assert classify_json(cache) == want  # written
    entries = sorted(cache.glob("*.pickle"))
    assert {p.name.split("-")[0] for p in entries} == {"documents", "programs"}
    assert classify_json(cache) == want  # read
    for p in entries:
        p.write_bytes(b"not a pickle")
    assert classify_json(cache) == want  # corrupted: rebuilt
    for p in entries:
        p.write_bytes(p.read_bytes()[:3])
    assert classify_json(cache) == want  # truncated: rebuilt
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    assert classify_json(blocked / "sub") == want  # cannot be written: compiled in memory


def test_a_changed_rule_base_is_a_new_entry(tmp_path: Path) -> None:
    from classifier.rulebase.cache import rules_digest

    rules = tmp_path / "rules"
    subprocess.run(["cp", "-r", str(ROOT / "rules"), str(rules)], check=True)
    before = rules_digest(rules)
    p = rules / "parameters.yaml"
    p.write_text(p.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert rules_digest(rules) != before
