"""One way to make an id from text: its words in lowercase letters and digits, joined by hyphens (the folder
names of custom books, the ids the intake tool proposes)."""

from __future__ import annotations

import re


def slug(text: str, words: int | None = None, drop: frozenset[str] = frozenset()) -> str:
    """``text`` as an id: its runs of letters and digits (apostrophes dropped, so "don't" is one word), in
    lowercase, joined by hyphens; only the first ``words`` of those not in ``drop``, when given."""
    parts = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    return "-".join([part for part in parts if part not in drop][:words])
