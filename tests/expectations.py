"""The official comparison of findings with `expect` blocks: `../shared/tools/check-examples`.

Imported from the shared tool (not copied), so the project's golden tests and CI's worked
examples judge findings by exactly the same rules.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.exists():  # a clone elsewhere: ../shared beside the project root
    SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CHECK_EXAMPLES = SHARED / "tools" / "check-examples"
EXAMPLES = SHARED / "domain" / "examples.yaml"
EXAMPLES_V4 = SHARED / "domain" / "examples-v4.yaml"  # what version 4 of the legal model changed


def _load():
    loader = importlib.machinery.SourceFileLoader("check_examples", str(CHECK_EXAMPLES))
    spec = importlib.util.spec_from_loader("check_examples", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


check = _load().check
