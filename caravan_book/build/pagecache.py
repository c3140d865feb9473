"""Which pages must run again: a page's key is a digest of everything its output depends on.

The project keeps this small piece of its own instead of using jupyter-cache (which Jupyter Book offers):
jupyter-cache keys a notebook on its code cells only, and these pages depend on more than their code: the
parameters, the package's code, the chart medium, and the data tables the page actually read, which each
kernel records as it loads them (``files.USAGE_LOG_ENV``). So a changed row of figures.csv reruns only the
pages that read figures.csv.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from caravan_book import atomic, versions
from caravan_book.build.sections import Page
from caravan_book.data.files import TABLE_FILES
from caravan_book.settings import data_dir
from caravan_book.story import figures as render
from caravan_book.story import templates

CACHE_NAME = ".pages.json"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The code a notebook can import: the story layer and what it stands on (not the build, the intake tool or the CLI).
PAGE_CODE = ("story", "data", "text")


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def package_digest() -> str:
    """The code pages can import (``PAGE_CODE`` and the package's top-level modules) and the templates, read once
    per process."""
    files = sorted(PACKAGE_DIR.glob("*.py"))
    for layer in PAGE_CODE:
        files += sorted((PACKAGE_DIR / layer).rglob("*.py"))
    files += templates.template_files()  # the wording: an edited sentence reruns the pages
    return digest(*(p.read_bytes() for p in files if p.name != "cli.py"))


def page_key(page: Page, used_tables: list[str], context: str = "") -> str:
    """What a page's output depends on: notebook, parameters, package code, the versions of the libraries
    that shape a page and the cache epoch (``versions``), chart mode, tables used, and ``context`` (facts of
    the build that pages print, such as whether excerpts were checked)."""
    tables_part = [
        name.encode() + digest((data_dir() / TABLE_FILES[name]).read_bytes()).encode()
        for name in sorted(set(used_tables))
    ]
    return digest(
        page.source.read_bytes(),
        json.dumps(page.parameters, sort_keys=True).encode(),
        package_digest().encode(),
        versions.fingerprint().encode(),
        render.medium().encode(),
        context.encode(),
        *tables_part,
    )


def read(out_dir: Path) -> dict:
    try:
        cache = json.loads((out_dir / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or damaged: every page runs again
        return {}
    return cache if isinstance(cache, dict) else {}


def write(out_dir: Path, cache: dict) -> None:
    atomic.write_text(out_dir / CACHE_NAME, json.dumps(cache, indent=1, sort_keys=True))


def is_current(page: Page, out_dir: Path, cache: dict, context: str = "") -> bool:
    entry = cache.get(page.page)
    if not entry or not (out_dir / f"{page.page}.ipynb").is_file():
        return False
    try:
        return entry["key"] == page_key(page, entry["tables"], context)
    except (OSError, KeyError, TypeError):
        return False
