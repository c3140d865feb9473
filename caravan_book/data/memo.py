"""Answers to the pages' questions kept while the data stays the same: a page asks the same question of the
same tables many times (a numbers page joins CBP's monthly files over a hundred times), and each answer was
computed afresh.

``functools.cache`` alone would not do: an answer depends on the data folder too (``settings.data_dir``, which
tests and the preview change), a page must not be able to change the answer another caller gets (tables are
handed out as copies), and the build learns which tables each page read from the uses the page records
(``files.record_use``), so a cached answer records the uses its first computation recorded, every time it is
given. The build's kernels clear these caches before each page (``build.in_kernel.clear_caches``) and the
preview after each edit, as they clear every cache of the package.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from caravan_book.data.files import record_use, recording
from caravan_book.settings import data_dir

F = TypeVar("F", bound=Callable[..., Any])


def per_data(function: F) -> F:
    """Cache ``function`` by its arguments and the data folder; a table (anything with ``copy``) is handed out as
    a copy, and each call records the table uses of the first."""
    memo: dict[tuple, tuple[Any, tuple[str, ...]]] = {}

    @functools.wraps(function)
    def cached(*args: Any) -> Any:
        key = (args, data_dir())
        if key not in memo:
            with recording() as used:
                result = function(*args)
            memo[key] = (result, tuple(used))
        else:
            result, used_before = memo[key]
            record_use(*used_before)
        return result.copy() if hasattr(result, "copy") else result

    cached.cache_clear = memo.clear  # type: ignore[attr-defined]
    return cached  # type: ignore[return-value]
