"""The extractor's words: its vocabularies and the sentences of the review files' ``reason`` column.

Both live beside the book's templates (``book/templates/intake/``) so that wording stays out of
Python: ``vocabulary.yml`` (counted nouns of two words, groups, countries, channels) and
``reasons.yml`` (one sentence per key, with ``{braces}`` filled in by :func:`why`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from caravan_book.story.templates import TEMPLATES_DIR


@cache
def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((TEMPLATES_DIR / "intake" / name).read_text(encoding="utf-8"))


def words(key: str) -> Any:
    """One vocabulary of ``vocabulary.yml``."""
    return _load("vocabulary.yml")[key]


def why(key: str, **values: object) -> str:
    """The reason sentence ``key`` of ``reasons.yml``, filled in."""
    return str(_load("reasons.yml")[key]).format(**values)
