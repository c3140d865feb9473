"""Shared data module of the migrant-caravan explainer book.

Data flows one way: ``data/`` files -> :mod:`caravan_book.data.tables` (load and
validate) -> :mod:`caravan_book.data.queries` and :mod:`caravan_book.story.charts` ->
notebooks -> :mod:`caravan_book.build.book` -> the static site.
"""

__version__ = "0.1.0"
