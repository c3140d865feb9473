"""Write files whole or not at all: every output of the project goes through here.

A temporary file is made beside the target (same file system, so the final rename is atomic) and renamed
over it only when the write finished. Temporary names start with a dot and end in ``.tmp``, so a run that
was killed half-way leaves nothing that a later run or Jupyter Book mistakes for a real file, and
``sweep`` removes such leftovers. Files get the ordinary permissions the user's umask gives (``mkstemp``
alone would make them 0600).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_SUFFIX = ".tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed to it if the block succeeds, removed if not."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_if_changed(target: Path, text: str) -> bool:
    """Write a generated file only when its text changed (so Sphinx does not rebuild it); True if written."""
    target = Path(target)
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    write_text(target, text)
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the temporary files and work folders an interrupted run left in ``folder``; return them."""
    if not folder.is_dir():
        return []
    left = [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(TMP_SUFFIX)]
    for path in left:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return left
