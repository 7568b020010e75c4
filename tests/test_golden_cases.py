"""Golden fact patterns drawn from the seed narratives (the case library, `cases/`) and the
worked examples of LAW.md (`../shared/domain/examples.yaml`), judged by the official checker."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from expectations import EXAMPLES, EXAMPLES_V4, check

from classifier import classify

CASES = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.yaml"))


def test_the_library_has_at_least_30_seed_cases():
    assert len(CASES) >= 30
    for p in CASES:
        case = yaml.safe_load(p.read_text())
        assert case["source"]["seed"].endswith(".txt"), p.name
        assert case["facts"]["case_id"] == case["id"] == p.stem


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_library_case_gives_its_expected_findings(path):
    case = yaml.safe_load(path.read_text())
    for backend in ("durable", "oracle"):
        out = classify(case["facts"], backend=backend).model_dump(mode="json")
        assert check({"expect": case["expect"]}, out) == [], backend


EXAMPLE_CASES = yaml.safe_load(EXAMPLES.read_text()) + yaml.safe_load(EXAMPLES_V4.read_text())


@pytest.mark.parametrize("case", EXAMPLE_CASES, ids=[c["case_id"] for c in EXAMPLE_CASES])
def test_worked_example(case):
    facts = {k: v for k, v in case.items() if k != "expect"}
    out = classify(facts).model_dump(mode="json")
    assert check(case, out) == []
