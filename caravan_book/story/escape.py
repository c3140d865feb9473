"""Data text made safe for MyST Markdown (:func:`md`), without pandas: the templates' environment uses it, and
the book's Sphinx extensions render templates (``build.trust``) in a process that has no other use for pandas.
"""

from __future__ import annotations

import html
import math
import re
import sys

#: Every character MyST gives a meaning inline: emphasis, code and roles (`` {role}`x` ``), directives (```` ```{ ````,
#: ``:::{``), template tags (``{{``, ``{%``, ``{#``), links, tables, math (``$``), definition lists (``:``), headings.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$:])")


def _missing(value: object) -> bool:
    """None, NaN, or pandas' missing values (NaT, NA): a value pandas made can only exist once it is imported."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    pandas = sys.modules.get("pandas")
    return pandas is not None and not isinstance(value, str) and bool(pandas.isna(value))


def md(text) -> str:
    """Data text made safe for MyST Markdown, on one line: HTML escaped (``<`` becomes ``&lt;``), then Markdown,
    MyST and template syntax neutralised by a backslash before each special character."""
    if _missing(text):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=False))
