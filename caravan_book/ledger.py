"""Verify every excerpt: against the articles when they are here, otherwise against the excerpt ledger.

The articles are other outlets' work and are not republished with the project, so a clone has the data and
not the articles. The ledger (``data/excerpts-ledger.json``, described in ``data/README.md``) carries the
verification with the data: a run that had the articles records each article's fingerprint (sha256 of its
text, its length in characters) and, for each excerpt, its fingerprint and its character offsets in the
article. :func:`verify` is the one function that verifies excerpts (``caravan-book check``, the build):

- with the articles, every excerpt is compared with its article word for word, an article whose text no
  longer matches its fingerprint in the ledger is an error naming it, and the ledger is rewritten (through
  :mod:`caravan_book.atomic`) only when it changed;
- without them, every excerpt must be one the ledger vouches for (same table, row id, column, article and
  fingerprint); one that is new or changed is refused with file, row and column (:class:`UnvouchedError`,
  exit code 2).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from caravan_book import atomic
from caravan_book.errors import DataError, DataProblem, ReportedError
from caravan_book.paths import data_dir, seeds_dir

LEDGER_FILE = "excerpts-ledger.json"
FORMAT = 1
#: The column of every table of ``schemas.EXCERPT_TABLES`` that holds an excerpt of an article.
EXCERPT_COLUMN = "excerpt"


class UnvouchedError(DataError):
    """Excerpts that the ledger does not vouch for (new or changed), checked without the articles."""

    exit_code = 2

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class CannotVerifyError(ReportedError):
    """Neither the articles nor a readable ledger: the excerpts cannot be verified at all."""

    exit_code = 2


@dataclass(frozen=True)
class Verified:
    """How the excerpts were verified: ``how`` is "articles" or "ledger"."""

    how: Literal["articles", "ledger"]
    articles: int
    excerpts: int

    def describe(self) -> str:
        """``against the articles (…)`` / ``against the ledger (…)``: what ``check`` prints."""
        where = f"{self.articles} articles" if self.how == "articles" else f"{LEDGER_FILE}, {self.articles} articles"
        return f"against the {self.how} ({self.excerpts} excerpts, {where})"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Verified | None:
        """The value ``to_json`` wrote, or None for anything else (an empty or foreign string)."""
        try:
            value = json.loads(text)
            if value["how"] not in ("articles", "ledger"):
                return None
            return cls(value["how"], int(value["articles"]), int(value["excerpts"]))
        except (ValueError, TypeError, KeyError):
            return None


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ledger_path(folder: Path | None = None) -> Path:
    return (folder or data_dir()) / LEDGER_FILE


def _collapsed_with_offsets(text: str) -> tuple[str, list[int]]:
    """``" ".join(text.split())`` and, for each of its characters, its offset in ``text``."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space: int | None = None
    for at, char in enumerate(text):
        if char.isspace():
            if chars and pending_space is None:
                pending_space = at
            continue
        if pending_space is not None:
            chars.append(" ")
            offsets.append(pending_space)
            pending_space = None
        chars.append(char)
        offsets.append(at)
    collapsed = "".join(chars)
    if collapsed != " ".join(text.split()):  # the offsets must describe exactly the comparison check makes
        raise AssertionError("collapsed text differs from str.split's")
    return collapsed, offsets


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _excerpt_cells(folder: Path):
    """(table, row id, column, source_id, excerpt, file shown, line) for every excerpt in the data."""
    from caravan_book import tables
    from caravan_book.files import TABLE_FILES
    from caravan_book.schemas import EXCERPT_TABLES, TABLES

    for name in EXCERPT_TABLES:
        table = tables.load(name, folder)
        key = TABLES[name].key
        shown = _display(folder / TABLE_FILES[name])
        for line, row_id, source_id, excerpt in zip(
            table.attrs["lines"], table[key], table["source_id"], table[EXCERPT_COLUMN], strict=True
        ):
            yield name, str(row_id), EXCERPT_COLUMN, source_id, excerpt, shown, line


def _sources(folder: Path):
    from caravan_book import tables

    sources = tables.load("sources", folder)
    return list(zip(sources["source_id"], sources["document"], sources.attrs["lines"], strict=True))


def read_ledger(path: Path) -> dict:
    """The ledger's records, or one clear error for a file that is not a ledger."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        if value.get("format") != FORMAT:
            raise ValueError(f"format {value.get('format')!r}, expected {FORMAT}")
        articles = {a["document"]: a for a in value["articles"]}
        excerpts = {(e["table"], e["id"], e["column"]): e for e in value["excerpts"]}
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise CannotVerifyError(
            f"{_display(path)}: is not a readable excerpt ledger ({error}); regenerate it with the articles: "
            "caravan-book check --seeds DIR"
        ) from None
    return {"articles": articles, "excerpts": excerpts}


def ledger_text(articles: list[dict], excerpts: list[dict]) -> str:
    """The ledger file: one record a line, in data order, so a reviewer can read its diff."""

    def block(records: list[dict]) -> str:
        return ",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in records)

    return (
        "{\n"
        f'  "format": {FORMAT},\n'
        '  "about": "Written by caravan-book check with the source articles; see data/README.md",\n'
        f'  "articles": [\n{block(articles)}\n  ],\n'
        f'  "excerpts": [\n{block(excerpts)}\n  ]\n'
        "}\n"
    )


def articles_here(seeds: Path | None, folder: Path | None = None) -> bool:
    """True if ``seeds`` holds at least one of the articles ``sources.csv`` names."""
    if seeds is None or not seeds.is_dir():
        return False
    return any((seeds / document).is_file() for _, document, _ in _sources((folder or data_dir()).resolve()))


def against_articles(folder: Path, seeds: Path) -> tuple[list[DataProblem], str, int, int]:
    """Every excerpt compared with its article: (problems, the ledger's new text, articles, excerpts)."""
    path = ledger_path(folder)
    old = read_ledger(path)["articles"] if path.is_file() else {}
    problems: list[DataProblem] = []
    texts: dict[str, tuple[str, list[int]]] = {}
    documents: dict[str, str] = {}
    article_records: list[dict] = []
    for source_id, document, line in _sources(folder):
        documents[source_id] = document
        article = seeds / document
        if not article.is_file():
            problems.append(
                DataProblem(_display(folder / "sources.csv"), line, "document", document, f"is not a file in {seeds}")
            )
            continue
        text = article.read_text(encoding="utf-8")
        record = {"document": document, "source_id": source_id, "sha256": fingerprint(text), "length": len(text)}
        before = old.get(document)
        if before is not None and (before.get("sha256"), before.get("length")) != (record["sha256"], len(text)):
            problems.append(
                DataProblem(
                    _display(article),
                    None,
                    None,
                    None,
                    f"its text no longer matches its fingerprint in {_display(path)} ({before.get('length')} "
                    f"characters then, {len(text)} now; sha256 differs): the article changed since its excerpts "
                    "were verified; restore the article, or, if the change is intended, delete its record from "
                    "the ledger and check again",
                )
            )
        texts[source_id] = _collapsed_with_offsets(text)
        article_records.append(record)
    excerpt_records: list[dict] = []
    for table, row_id, column, source_id, excerpt, shown, line in _excerpt_cells(folder):
        if source_id not in texts:
            continue  # its source row is reported (missing article) or the tables' own checks report it
        collapsed, offsets = texts[source_id]
        needle = " ".join(excerpt.split())
        at = collapsed.find(needle) if needle else -1
        if at == -1:
            problems.append(
                DataProblem(
                    shown, line, column, _shorten(excerpt), f"is not found word for word in {documents[source_id]}"
                )
            )
            continue
        excerpt_records.append(
            {
                "table": table,
                "id": row_id,
                "column": column,
                "source_id": source_id,
                "sha256": fingerprint(excerpt),
                "start": offsets[at],
                "end": offsets[at + len(needle) - 1] + 1,
            }
        )
    return problems, ledger_text(article_records, excerpt_records), len(article_records), len(excerpt_records)


def against_ledger(folder: Path) -> tuple[list[DataProblem], int, int]:
    """Every excerpt must be one the ledger vouches for: (problems, articles, excerpts)."""
    path = ledger_path(folder)
    if not path.is_file():
        raise CannotVerifyError(
            f"the source articles were not found ($CARAVAN_BOOK_SEEDS or ../shared/seeds) and there is "
            f"no excerpt ledger {_display(path)}, so the excerpts cannot be verified; give the articles with "
            "--seeds DIR or $CARAVAN_BOOK_SEEDS"
        )
    ledger = read_ledger(path)
    shown = _display(path)
    problems: list[DataProblem] = []
    documents: dict[str, str] = {}
    for source_id, document, line in _sources(folder):
        documents[source_id] = document
        record = ledger["articles"].get(document)
        if record is None or record.get("source_id") != source_id:
            problems.append(
                DataProblem(
                    _display(folder / "sources.csv"),
                    line,
                    "document",
                    document,
                    f"is not an article of {source_id!r} in the excerpt ledger {shown}; check with the articles "
                    "(--seeds DIR) to verify its excerpts",
                )
            )
    count = 0
    for table, row_id, column, source_id, excerpt, file_shown, line in _excerpt_cells(folder):
        count += 1
        record = ledger["excerpts"].get((table, row_id, column))
        if record is not None and record.get("source_id") == source_id and record.get("sha256") == fingerprint(excerpt):
            continue
        why = "is new" if record is None else "changed"
        problems.append(
            DataProblem(
                file_shown,
                line,
                column,
                _shorten(excerpt),
                f"is not vouched for by the excerpt ledger {shown} (the excerpt {why} since the ledger was written "
                "from the articles); verify it with the articles: caravan-book check --seeds DIR",
            )
        )
    return problems, len(documents), count


def verify(folder: Path | None = None, seeds: Path | None = None, log=None) -> Verified:
    """Verify every excerpt of ``folder`` (default: the data in use), one way or the other.

    ``seeds`` given: against the articles in it (a missing article is an error). Not given: against the
    articles of :func:`~caravan_book.paths.seeds_dir` if it holds any of them, otherwise against the ledger.
    The tables must be valid (``tables.load``'s DataError otherwise). Raises DataError (an excerpt not in its
    article, a changed article), UnvouchedError (exit 2) or CannotVerifyError (exit 2).
    """
    folder = (folder or data_dir()).resolve()
    if seeds is None:
        found = seeds_dir()
        seeds = found if articles_here(found, folder) else None
    if seeds is not None:
        problems, text, articles, excerpts = against_articles(folder, Path(seeds))
        if problems:
            raise DataError(problems)
        if atomic.write_if_changed(ledger_path(folder), text) and log is not None:
            log(f"wrote {_display(ledger_path(folder))} (the excerpt ledger changed)")
        return Verified("articles", articles, excerpts)
    problems, articles, excerpts = against_ledger(folder)
    if problems:
        raise UnvouchedError(problems)
    return Verified("ledger", articles, excerpts)
