"""Layer 3, what a page says: one module per page, exercises, charts and their drawing, the display of values.

Notebooks import only this subpackage. ``story.lead(sel)`` and the other page functions are re-exported from
the page modules, lazily (PEP 562), so that importing one light module of the package (the CLI's paths do)
does not load pandas and Altair.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

#: Page modules whose public functions are reachable as ``story.NAME``.
PAGE_MODULES = ("common", "narrative", "numbers", "responses", "comparison", "methods")
#: Modules a notebook may reach as ``from caravan_book.story import NAME`` (queries is the data layer's).
MODULES = {
    "charts": "caravan_book.story.charts",
    "exercises": "caravan_book.story.exercises",
    "notebook": "caravan_book.story.notebook",
    "queries": "caravan_book.data.queries",
}


def __getattr__(name: str) -> Any:
    # ``from caravan_book.story import templates`` asks for the attribute before importing the submodule:
    # a submodule is imported alone, not after every page module (which would load pandas and Altair)
    if (Path(__file__).parent / f"{name}.py").is_file():
        return importlib.import_module(f"{__name__}.{name}")
    if name in MODULES:
        return importlib.import_module(MODULES[name])
    for module_name in PAGE_MODULES:
        module = importlib.import_module(f"caravan_book.story.{module_name}")
        if not name.startswith("_") and name in vars(module) and callable(vars(module)[name]):
            return vars(module)[name]
    raise AttributeError(f"module 'caravan_book.story' has no attribute {name!r}")
