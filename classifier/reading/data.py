"""The YAML files thb ships — the rule base (`rules/`), the message catalogues (`locales/`) —
parsed as `yaml.safe_load` does, with libyaml's safe loader when PyYAML was built with it (the
same documents, about ten times as fast)."""

from __future__ import annotations

from typing import Any

import yaml

TrustedLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_data(text: str) -> Any:
    """Parse YAML text of a file thb ships."""
    return yaml.load(text, Loader=TrustedLoader)  # noqa: S506 - a safe loader
