"""thb-classifier: which article of the Kyrgyz Criminal Code the facts of a case make out.

from classifier import classify
findings = classify({"case_id": "X", "victims": [...], ...})
findings.primary, findings.model_dump(mode="json")
many = classify_many([case1, case2, ...], return_exceptions=True)  # a batch, about a third faster

The names are loaded on first use (`import classifier` loads nothing heavy: the `thb` command
starts with the standard library alone, see `launch.py`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from .analysis.pipeline import classify, classify_many
    from .models import FactPattern, Findings

__all__ = ["classify", "classify_many", "FactPattern", "Findings", "__version__"]
_FROM = {"classify": ".analysis.pipeline", "classify_many": ".analysis.pipeline", "FactPattern": ".models", "Findings": ".models"}


def __getattr__(name: str) -> Any:
    if name in _FROM:
        value = getattr(import_module(_FROM[name], __name__), name)
    elif name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("thb-classifier")
        except PackageNotFoundError:  # running from a source tree
            value = "0.0.0+source"
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
