"""thb-classifier: which article of the Kyrgyz Criminal Code the facts of a case make out.

from classifier import classify
findings = classify({"case_id": "X", "victims": [...], ...})
findings.primary, findings.model_dump(mode="json")
many = classify_many([case1, case2, ...], return_exceptions=True)  # a batch, about a third faster
"""

from importlib.metadata import PackageNotFoundError, version

from .engine import classify, classify_many
from .models import FactPattern, Findings

try:
    __version__ = version("thb-classifier")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+source"

__all__ = ["classify", "classify_many", "FactPattern", "Findings", "__version__"]
