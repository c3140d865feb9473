"""The versions of the libraries that shape a page, for the cache keys (``pagecache``, ``tables``).

A page or a validated table made with one version of altair, pandas or the themes is not the page the next
version makes, so both caches key on these versions: after ``pip install -U altair`` a warm build runs the
pages again instead of keeping the old ones. ``CACHE_EPOCH`` is the switch for everything else: raise it when
a change that the keys cannot see (a new pickle layout, a fix in a library's output) must empty every cache.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

#: Raise by one to make every cached page and table stale at once.
CACHE_EPOCH = 1

#: Distributions whose version changes what a page shows or how a table is typed.
LIBRARIES = (
    "altair",
    "vl-convert-python",
    "pandas",
    "pandera",
    "jupyter-book",
    "pydata-sphinx-theme",
    "sphinx-book-theme",
    "papermill",
    "nbclient",
)


@lru_cache(maxsize=1)
def library_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) for each of ``LIBRARIES``, read from the installed metadata once per process
    (``-`` for one that is not installed)."""
    found = []
    for name in LIBRARIES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "-"))
    return tuple(found)


def fingerprint() -> str:
    """One line naming the epoch and every version, the part of a cache key that follows the libraries."""
    return f"epoch={CACHE_EPOCH};" + ";".join(f"{name}={version}" for name, version in library_versions())
