"""Where a command may write: checked before any notebook runs, so a bad path costs nothing and
leaves nothing.

A standalone page or handout goes to a file in a writable folder; a custom book or student edition goes to
a folder of its own, never into the published site, ``_build`` itself, or the project's own folders.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from caravan_book.data.problems import rule as say
from caravan_book.errors import ParameterError
from caravan_book.settings import REPO_ROOT, data_dir

#: The file a custom book's or student edition's folder holds to say the tool made it (and may replace it).
MARKER = ".caravan-book-edition"

#: Folders of the project that an edition's --out may not be, or be inside of.
PROTECTED = ("data", "notebooks", "book", "caravan_book", "tests", "benchmarks", ".git", ".venv", "node_modules")


def _writable_folder(folder: Path) -> Path | None:
    """The nearest existing folder at or above ``folder`` if new files can be made there, else None."""
    current = folder
    while not current.exists():
        if current.parent == current:
            return None
        current = current.parent
    if not current.is_dir():
        return None
    try:  # a real try: permission bits do not tell for root, read-only mounts or /proc
        with tempfile.TemporaryFile(dir=current):
            pass
    except OSError:
        return None
    return current


def _owned_by_project(resolved: Path) -> str | None:
    """The project folder (sources, data, published site) that ``resolved`` is or lies inside, if any."""
    folders = [REPO_ROOT / name for name in PROTECTED] + [data_dir(), REPO_ROOT / "_build" / "html"]
    for folder in folders:
        folder = folder.resolve()
        if resolved == folder or folder in resolved.parents:
            return str(folder)
    return None


def refuse_project_folders(path: Path, what: str) -> None:
    """ParameterError if ``path`` would write into the project's sources, its data or the published site."""
    owner = _owned_by_project(Path(path).resolve())
    if owner is not None:
        raise ParameterError(
            f"{what} {path} is inside {owner}, which the project owns (sources, data or the published site); "
            "write it somewhere else"
        )


def check_file(path: Path, suffixes: tuple[str, ...], what: str) -> Path:
    """An output file path: the right suffix, not a folder, in a place where it can be written, outside the
    project's sources, data and published site."""
    path = Path(path)
    refuse_project_folders(path, what)
    if path.suffix.lower() not in suffixes:
        raise ParameterError(f"{what} {path} must end in {' or '.join(suffixes)}")
    if path.is_dir():
        raise ParameterError(f"{what} {path} is a folder; give a file name ending in {' or '.join(suffixes)}")
    if path.exists() and not os.access(path, os.W_OK):
        raise ParameterError(f"{what} {path} exists and cannot be overwritten (no permission)")
    if _writable_folder(path.resolve().parent) is None:
        raise ParameterError(f"{what} {path}: cannot write in {path.resolve().parent} (no permission, or not a folder)")
    return path


def check_edition_folder(out: Path) -> Path:
    """A custom book's or student edition's --out: its own folder, writable, apart from the project."""
    out = Path(out)
    resolved = out.resolve()
    build = (REPO_ROOT / "_build").resolve()
    published = build / "html"
    if resolved in (REPO_ROOT, build) or resolved == published or published in resolved.parents:
        raise ParameterError(
            f"--out {out} would overwrite the published book or the project; choose a folder of its own, "
            "e.g. _build/my-class"
        )
    for name in PROTECTED:
        folder = (REPO_ROOT / name).resolve()
        if resolved == folder or folder in resolved.parents:
            raise ParameterError(f"--out {out} is inside the project's {name}/ folder; choose a folder of its own")
    if resolved.exists() and not resolved.is_dir():
        raise ParameterError(f"--out {out} is a file; give a folder")
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / MARKER).is_file():
        raise ParameterError(
            f"--out {out} is a folder that caravan-book did not make (no {MARKER} file in it); "
            "choose a new folder or one an earlier build made"
        )
    if _writable_folder(resolved) is None:
        raise ParameterError(f"--out {out}: cannot write there (no permission)")
    return resolved  # absolute: kernels run in the notebooks folder


def claim_edition_folder(out: Path) -> None:
    """Mark ``out`` as made by caravan-book (a later build may replace what is in it)."""
    marker = Path(out) / MARKER
    if not marker.is_file():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(say("edition_marker"))
