"""Values computed from files, computed again only when a file changed: what lets a warm process (the preview)
skip reading and parsing the files an edit did not touch.

A file counts as unchanged when its modification time, size and inode are the ones it had when its value was
computed, and that time was already older than ``RACY`` then (as git does for its index: two writes within the
clock's granularity can leave the same time, so a value of a file that had just been written is not trusted
and is computed again next time).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

#: Nanoseconds a file's modification time must be older than the moment its value was computed.
RACY = 100_000_000


class FileMemo(Generic[T]):
    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, int, int], int, T]] = {}

    def get(self, path: Path, compute: Callable[[Path], T]) -> T:
        """``compute(path)``, or the value it gave last time if the file did not change since."""
        stat = os.stat(path)
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        known = self._known.get(str(path))
        if known is not None and known[0] == stamp and known[1] - stamp[0] > RACY:
            return known[2]
        now = time.time_ns()
        value = compute(path)
        self._known[str(path)] = (stamp, now, value)
        return value

    def clear(self) -> None:
        self._known.clear()
