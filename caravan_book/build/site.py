"""The built site: Jupyter Book into a staging folder, then swapped into place whole.

The published folder is replaced in two renames, so a reader (or a second build) sees the old site or the
new one, never half of each. A manifest of the published files lets the next build notice a site that was
damaged or edited by hand (a page deleted, a file added) and rebuild it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from caravan_book import atomic
from caravan_book.build.pagecache import digest
from caravan_book.errors import BuildError


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


def jupyter_book(root: Path, stage: Path, *, rebuild_all: bool, log: Callable[[str], None] = print) -> Path:
    """Sphinx build of ``root`` into ``stage``; return the built html folder. BuildError if it fails."""
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build", str(root), "--path-output", str(stage), "-W", "-n", "--keep-going",
    ]  # fmt: skip
    if rebuild_all:
        command.append("--all")
    log("building the site with Jupyter Book" + (" (all pages)" if rebuild_all else ""))
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        output = done.stdout + done.stderr
        lines = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line or "Error" in line]
        detail = "\n".join(lines[-30:]) or output[-3000:]
        raise BuildError(f"Jupyter Book failed (exit {done.returncode}); the previous site is left in place.\n{detail}")
    return stage / "_build" / "html"


def publish(built: Path, target: Path, key: str) -> None:
    """Swap a freshly built site into ``target`` whole, then record what was published."""
    with atomic.atomic_dir(target) as fresh:
        shutil.copytree(built, fresh, dirs_exist_ok=True)  # inside a folder nobody reads until it is swapped in
    atomic.write_text(manifest_path(target), json.dumps({"key": key, "files": listing(target)}, indent=0))
