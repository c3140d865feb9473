"""Write files whole or not at all: every output of the project goes through here.

A temporary file is made beside the target (same file system, so the final rename is atomic) and renamed
over it only when the write finished. Temporary names start with a dot and end in ``.tmp``, so a run that
was killed half-way leaves nothing that a later run or Jupyter Book mistakes for a real file, and
``sweep`` removes such leftovers. A file that replaces another keeps the mode the old one had (a data file
that was 0664 stays 0664); a new file gets the ordinary permissions the user's umask gives (``mkstemp``
alone would make it 0600). Folders written whole (``atomic_dir``) follow the same rule.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_SUFFIX = ".tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(target: Path, *, folder: bool = False) -> int:
    """The mode a new version of ``target`` gets: the old one's, or the umask's default for a new one."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return (0o777 if folder else 0o666) & ~_umask()


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed to it if the block succeeds, removed if not."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: Path, text: str, *, newline: str | None = None) -> None:
    """``text`` as UTF-8; ``newline=""`` writes line ends exactly as they are in ``text``."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline=newline)


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


def copy_file(source: Path, target: Path, *, keep_times: bool = False) -> None:
    """Copy ``source`` to ``target`` whole; ``keep_times`` also copies its modification time (as ``cp -p``)."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
        if keep_times:
            st = Path(source).stat()
            os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))


def copy_tree(source: Path, target: Path) -> None:
    """Copy every file under ``source`` into ``target`` (merging with what is there), each file whole, with
    its modification time (so Sphinx sees an unchanged file as unchanged)."""
    source = Path(source)
    for path in sorted(source.rglob("*")):
        if path.is_file():
            copy_file(path, Path(target) / path.relative_to(source), keep_times=True)


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """A temporary folder beside ``target`` to fill; if the block succeeds it replaces ``target`` whole (an
    old ``target`` is moved aside and removed), if not it is removed and ``target`` is left as it was."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent))
    try:
        fresh = work / "new"
        fresh.mkdir()
        yield fresh
        os.chmod(fresh, _mode_for(target, folder=True))
        if target.exists():
            target.rename(work / "old")
        fresh.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


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
