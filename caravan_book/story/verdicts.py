"""The verdict on a claim in words, one label per outcome (``book/templates/numbers/verdicts.yml``): the numbers
page prints it and the page's ClaimReview metadata gives it, so the two cannot say different things."""

from __future__ import annotations

from functools import cache

import yaml

from caravan_book.story.templates import TEMPLATES_DIR

VERDICTS_FILE = TEMPLATES_DIR / "numbers" / "verdicts.yml"


@cache
def _labels() -> dict[str, dict[str, str]]:
    return yaml.safe_load(VERDICTS_FILE.read_text(encoding="utf-8"))


def label(case: str, holds: str) -> str:
    """The label of a claim check: by its case, or, for a month's check, by whether it holds."""
    labels = _labels()
    return labels["month"][holds] if case == "month" else labels["cases"][case]


def labels() -> dict[str, str]:
    """Every case's label (the page's statement of its rule names them)."""
    return dict(_labels()["cases"])
