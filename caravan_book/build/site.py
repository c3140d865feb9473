"""The built site: Jupyter Book into a staging folder, then swapped into place whole.

The published folder is replaced in two renames, so a reader (or a second build) sees the old site or the
new one, never half of each. A manifest of the published files lets the next build notice a site that was
damaged or edited by hand (a page deleted, a file added) and rebuild it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from caravan_book import atomic
from caravan_book.build.pagecache import digest
from caravan_book.errors import BuildError

if TYPE_CHECKING:
    from caravan_book.build.sphinx_app import EarlySphinx


def tree_digest(paths: list[Path]) -> str:
    """The names and bytes of every file under ``paths`` (hidden files and folders left out)."""
    parts = []
    for path in paths:
        for file in sorted([path] if path.is_file() else path.rglob("*")):
            relative = file.relative_to(path.parent)
            if file.is_file() and not any(part.startswith(".") for part in relative.parts):
                parts.append(str(relative).encode() + file.read_bytes())
    return digest(*parts)


def listing(site: Path) -> dict[str, int]:
    """Every file of a site with its size."""
    return {str(p.relative_to(site)): p.stat().st_size for p in sorted(site.rglob("*")) if p.is_file()}


def manifest_path(site: Path) -> Path:
    """Beside the site, not in it, so a reader never downloads it."""
    return site.parent / f".{site.name}.manifest.json"


def is_current(site: Path, key: str) -> bool:
    """The site was built from sources with this key, and is still exactly what was published."""
    try:
        manifest = json.loads(manifest_path(site).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return site.is_dir() and manifest.get("key") == key and manifest.get("files") == listing(site)


def jupyter_book(
    root: Path, stage: Path, *, rebuild_all: bool, log: Callable[[str], None] = print, early: EarlySphinx | None = None
) -> Path:
    """Sphinx build of ``root`` into ``stage``, as ``jupyter-book build -W -n --keep-going`` makes it (``--all`` if
    ``rebuild_all``), in this process (``sphinx_app``); return the built html folder. BuildError if it fails.
    ``early``: a ``sphinx_app.EarlySphinx`` of the same folders, whose application is used if it was made."""
    from caravan_book.build.sphinx_app import WarmSphinx

    log("building the site with Jupyter Book" + (" (all pages)" if rebuild_all else ""))
    sphinx = (early.take() if early is not None else None) or WarmSphinx(root, stage)
    try:
        return sphinx.build(fresh=rebuild_all)
    except BuildError as error:
        raise BuildError(f"Jupyter Book failed; the previous site is left in place.\n{error}") from None
    finally:
        sphinx.close()


def publish(built: Path, target: Path, key: str) -> None:
    """Swap a freshly built site into ``target`` whole, then record what was published."""
    with atomic.atomic_dir(target) as fresh:
        shutil.copytree(built, fresh, dirs_exist_ok=True)  # inside a folder nobody reads until it is swapped in
    atomic.write_text(manifest_path(target), json.dumps({"key": key, "files": listing(target)}, indent=0))
