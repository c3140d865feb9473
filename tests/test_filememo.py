"""The warm process's file memos (``build/filememo.py``): a value is computed again when its file changed, and a
file written a moment ago is not trusted by its time alone."""

from __future__ import annotations

import os
import time

import pytest

from caravan_book.build import filememo

pytestmark = pytest.mark.unit


def counting():
    calls = []

    def read(path):
        calls.append(path)
        return path.read_text(encoding="utf-8")

    return calls, read


def age(path, seconds: float = 5.0) -> None:
    """The file's modification time set ``seconds`` back, as if it had been written then."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_unchanged_file_is_read_once_and_a_changed_one_again(tmp_path):
    memo: filememo.FileMemo[str] = filememo.FileMemo()
    path = tmp_path / "a.txt"
    path.write_text("one", encoding="utf-8")
    age(path)
    calls, read = counting()
    assert memo.get(path, read) == "one"
    assert memo.get(path, read) == "one"
    assert len(calls) == 1
    path.write_text("two", encoding="utf-8")  # same size, a new time
    assert memo.get(path, read) == "two"
    assert len(calls) == 2


def test_a_file_written_a_moment_ago_is_read_again_even_with_the_same_time_and_size(tmp_path):
    memo: filememo.FileMemo[str] = filememo.FileMemo()
    path = tmp_path / "a.txt"
    path.write_text("one", encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    calls, read = counting()
    assert memo.get(path, read) == "one"
    path.write_text("two", encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))  # a second write within the clock's granularity: the same time and size
    assert memo.get(path, read) == "two"
    assert len(calls) == 2


def test_a_replaced_file_is_read_again(tmp_path):
    memo: filememo.FileMemo[str] = filememo.FileMemo()
    path, other = tmp_path / "a.txt", tmp_path / "b.txt"
    path.write_text("one", encoding="utf-8")
    other.write_text("two", encoding="utf-8")
    age(path)
    os.utime(other, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    calls, read = counting()
    assert memo.get(path, read) == "one"
    os.replace(other, path)  # another inode with the same time and size (an editor's save by rename)
    assert memo.get(path, read) == "two"
    assert len(calls) == 2
