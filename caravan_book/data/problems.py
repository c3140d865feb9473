"""The wording of issue 21's data rules lives in ``problems.yml``; :func:`rule` fills one in."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

WORDING = Path(__file__).with_name("problems.yml")


@cache
def _wording() -> dict[str, str]:
    return yaml.safe_load(WORDING.read_text(encoding="utf-8"))


def rule(key: str, **values: object) -> str:
    """The sentence ``key`` of problems.yml with ``values`` in its {placeholders}."""
    return _wording()[key].format(**values)
