"""``caravan-book accept``: merge the reviewed rows of a review folder into a data folder, then check.

A review folder (written by ``caravan-book extract``) holds CSV files named like the data files,
with the schema's columns plus ``status`` and ``reason``. Rows a person marked ``accepted`` are
appended to the matching data files; ``proposed`` and ``rejected`` rows are left out. The merged
tables are checked first in a scratch copy, with the same check as ``caravan-book check`` (and
excerpts against the articles, the review's own article included). Only a clean result is written
back, all files or none (a journal lets the next accept or check finish a merge a crash stopped), one
accept at a time (a lock on the data folder). Problems in
accepted rows are reported at their place in the review folder: file, row, column.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from caravan_book import atomic
from caravan_book.data import ledger
from caravan_book.data.problems import rule as say
from caravan_book.errors import BusyError, DataError, DataProblem, ParameterError, shown_path
from caravan_book.intake.io import ARTICLE_FOLDER, REVIEW_COLUMNS, REVIEW_TABLES, STATUSES


@dataclass
class Merge:
    """What an accept did: rows merged per table, rows left out, and the problems found."""

    merged: dict[str, int] = field(default_factory=dict)
    left_out: int = 0
    problems: list[DataProblem] = field(default_factory=list)
    #: the review's articles that are not yet in the folder of source articles
    articles_to_copy: list[Path] = field(default_factory=list)


@dataclass
class _Accepted:
    rows: list[dict[str, str]]
    lines: list[int]  # line of each row in the review file


def _read_review(path: Path, table: str, problems: list[DataProblem]) -> tuple[_Accepted, int]:
    """The accepted rows of one review file and how many rows were left out; layout problems to ``problems``."""
    from caravan_book.data.schemas import TABLES

    shown = shown_path(path)
    accepted = _Accepted([], [])
    left_out = 0
    try:
        # utf-8-sig: a spreadsheet that saves CSV often puts a byte-order mark before the header
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None) or []
            missing = [c for c in ("status", *TABLES[table].columns) if c not in header]
            if missing:
                problems.append(DataProblem(shown, 1, missing[0], None, "is missing from the header"))
                return accepted, 0
            start = reader.line_num + 1
            for row in reader:
                if not any(cell.strip() for cell in row):
                    start = reader.line_num + 1
                    continue
                if len(row) != len(header):
                    problems.append(
                        DataProblem(shown, start, None, None, f"has {len(row)} fields but the header has {len(header)}")
                    )
                else:
                    record = dict(zip(header, row, strict=True))
                    status = record["status"].strip().lower()  # "Accepted" typed in a spreadsheet is meant
                    if status not in STATUSES:
                        problems.append(
                            DataProblem(
                                shown, start, "status", status, "is not allowed; allowed values: " + ", ".join(STATUSES)
                            )
                        )
                    elif status == "accepted":
                        accepted.rows.append(record)
                        accepted.lines.append(start)
                    else:
                        left_out += 1
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        problems.append(DataProblem(shown, None, None, None, f"is not UTF-8 text ({exc.reason})"))
    except csv.Error as exc:
        problems.append(DataProblem(shown, None, None, None, f"is not valid CSV ({exc})"))
    return accepted, left_out


def _appended(path: Path, rows: list[dict[str, str]]) -> tuple[str, int]:
    """The data file's text with ``rows`` added at its end (existing bytes kept), and its number of data rows."""
    text = path.read_bytes().decode("utf-8")  # line endings kept as they are
    first = text.split("\n", 1)[0]
    ending = "\r\n" if first.endswith("\r") else "\n"
    header = next(csv.reader([first.rstrip("\r")]))
    count = sum(1 for _ in csv.reader(io.StringIO(text))) - 1
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=ending)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    if text and not text.endswith("\n"):
        text += ending
    return text + buffer.getvalue(), count


def _row_lines(path: Path) -> list[int]:
    """The line each data row of a CSV file starts on, counted the way ``check`` counts them."""
    lines: list[int] = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        start = reader.line_num + 1
        for row in reader:
            if row and any(cell.strip() for cell in row):
                lines.append(start)
            start = reader.line_num + 1
    return lines


def _seeds_with_article(review: Path, seeds: Path | None, scratch: Path) -> Path:
    """A folder with the source articles and the review's own article, for the excerpt check."""
    folder = scratch / "seeds"
    folder.mkdir()
    for source in [*(sorted(seeds.glob("*.txt")) if seeds else []), *sorted((review / ARTICLE_FOLDER).glob("*.txt"))]:
        target = folder / source.name
        if not target.exists():
            target.symlink_to(source.resolve())
    return folder


#: Written (atomically) once every new file of a merge is whole on disk, removed when all are in place: a merge
#: that stopped between two renames is finished by the next accept or check (see :func:`recover`).
JOURNAL = ".accept-journal.json"
#: The suffix of a merged file written beside the one it replaces.
NEW_SUFFIX = ".accept-new"
#: How long a second accept waits for the first to finish before it gives up (exit 3).
WAIT_SECONDS = 120


@contextmanager
def locked(data: Path, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """One accept at a time per data folder: an exclusive lock on the folder itself (no lock file in it)."""
    fd = os.open(data, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BusyError(
                        f"another accept into {data} has been running for {wait:.0f} s; try again when it has finished"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the lock


def recover(data: Path) -> str | None:
    """Finish a merge a crash interrupted, or undo one that never got as far as its journal; what was done."""
    journal = data / JOURNAL
    if journal.is_file():
        renames = json.loads(journal.read_text(encoding="utf-8"))
        for new, target in renames:
            if (data / new).is_file():
                os.replace(data / new, data / target)
        journal.unlink()
        return say("accept_finished", files=", ".join(target for _new, target in renames))
    left = sorted(data.glob(f".*{NEW_SUFFIX}"))
    for path in left:
        path.unlink()
    return say("accept_undone", count=len(left)) if left else None


def swap_in(data: Path, files: dict[Path, str]) -> None:
    """Replace every file of ``files`` or none: each new file is written whole beside its target first, then the
    journal that lists them, then the renames; a crash before the journal leaves the old data (and
    :func:`recover` removes the new files), a crash after it is finished by :func:`recover`."""
    renames: list[tuple[str, str]] = []
    try:
        for target, text in files.items():
            new = target.with_name(f".{target.name}{NEW_SUFFIX}")
            with open(new, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            if target.exists():
                shutil.copymode(target, new)
            renames.append((new.name, target.name))
        atomic.write_text(data / JOURNAL, json.dumps(renames))
    except BaseException:
        for new_name, _target in renames:
            (data / new_name).unlink(missing_ok=True)
        for target in files:
            target.with_name(f".{target.name}{NEW_SUFFIX}").unlink(missing_ok=True)
        raise
    recover(data)


def accept(review: Path, data: Path, seeds: Path | None) -> Merge:
    """Merge the accepted rows of ``review`` into ``data`` if the merged data passes the check: one accept at a
    time, all files or none."""
    if not data.is_dir():
        raise ParameterError(f"--data {data}: is not a folder")
    with locked(data):
        recover(data)
        return _accept(review, data, seeds)


def _accept(review: Path, data: Path, seeds: Path | None) -> Merge:
    from caravan_book.data.files import TABLE_FILES
    from caravan_book.data.tables import check_folder, clear_cache

    if not review.is_dir():
        raise ParameterError(f"{review}: is not a folder; give the review folder written by caravan-book extract")
    present = [t for t in REVIEW_TABLES if (review / TABLE_FILES[t]).is_file()]
    if not present:
        names = ", ".join(TABLE_FILES[t] for t in REVIEW_TABLES)
        raise ParameterError(f"{review}: holds none of the review files ({names}); run caravan-book extract first")
    if not data.is_dir():
        raise ParameterError(f"--data {data}: is not a folder")
    result = Merge()
    accepted: dict[str, _Accepted] = {}
    for table in present:
        rows, left_out = _read_review(review / TABLE_FILES[table], table, result.problems)
        result.left_out += left_out
        if rows.rows:
            accepted[table] = rows
    if result.problems or not accepted:
        return result
    with tempfile.TemporaryDirectory(prefix="caravan-accept-") as tmp:
        scratch = Path(tmp)
        merged_dir = scratch / "data"
        shutil.copytree(data, merged_dir)
        texts: dict[str, str] = {}
        where: dict[str, dict[int, int]] = {}  # table -> merged line -> review line
        for table, rows in accepted.items():
            target = merged_dir / TABLE_FILES[table]
            if not target.is_file():
                raise ParameterError(f"{data / TABLE_FILES[table]}: is missing; the data folder is not complete")
            texts[table], before = _appended(
                target, [{k: v for k, v in r.items() if k not in REVIEW_COLUMNS} for r in rows.rows]
            )
            target.write_text(texts[table], encoding="utf-8", newline="")
            new_lines = _row_lines(target)[before:]
            where[table] = dict(zip(new_lines, rows.lines, strict=True))
        clear_cache()
        problems = check_folder(merged_dir, None)
        if not problems:  # the new article's excerpts against it; the others against the articles or the ledger
            try:
                ledger.verify(merged_dir, _seeds_with_article(review, seeds, scratch))
            except DataError as error:
                problems = error.problems
        clear_cache()
        result.problems = [_place(p, merged_dir, data, review, where) for p in problems]
        if result.problems:
            return result
        files = {data / TABLE_FILES[table]: text for table, text in texts.items()}
        merged_ledger, data_ledger = merged_dir / ledger.LEDGER_FILE, data / ledger.LEDGER_FILE
        vouched = merged_ledger.read_text(encoding="utf-8") if merged_ledger.is_file() else None
        if vouched is not None and (not data_ledger.is_file() or data_ledger.read_text(encoding="utf-8") != vouched):
            files[data_ledger] = vouched  # the merged rows' excerpts, now verified, are vouched for
        swap_in(data, files)
        result.merged = {table: len(accepted[table].rows) for table in texts}
    for article in sorted((review / ARTICLE_FOLDER).glob("*.txt")):
        if seeds is None or not (seeds / article.name).is_file():
            result.articles_to_copy.append(article)
    return result


def _place(
    problem: DataProblem, merged: Path, data: Path, review: Path, where: dict[str, dict[int, int]]
) -> DataProblem:
    """Report a problem where a person can fix it: the review file's row for an accepted row."""
    from caravan_book.data.files import TABLE_FILES

    for table, lines in where.items():
        name = TABLE_FILES[table]
        if Path(problem.file).name == Path(name).name and problem.row in lines:
            return replace(problem, file=shown_path(review / name), row=lines[problem.row])
    path = Path(problem.file)
    try:
        relative = path.resolve().relative_to(merged.resolve())
        return replace(problem, file=shown_path(data / relative))
    except ValueError:
        return problem
