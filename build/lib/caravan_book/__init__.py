"""Shared data module of the migrant-caravan explainer book.

Data flows one way: ``data/`` files -> :mod:`caravan_book.tables` (load and
validate) -> :mod:`caravan_book.queries` and :mod:`caravan_book.charts` ->
notebooks -> :mod:`caravan_book.build` -> the static site.
"""

__version__ = "0.1.0"
