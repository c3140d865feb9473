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

This is decided article by article: a clone that has only an article of its own (a new story) compares that
article's excerpts with it and verifies the others against the ledger.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, get_args

from caravan_book import atomic
from caravan_book.errors import DataError, DataProblem, ReportedError, shown_path
from caravan_book.messages import say
from caravan_book.settings import data_dir, seeds_dir

LEDGER_FILE = "excerpts-ledger.json"
FORMAT = 1
#: The column of every table of ``schemas.EXCERPT_TABLES`` that holds an excerpt of an article.
EXCERPT_COLUMN = "excerpt"
#: How the excerpts were verified: against the articles, the ledger, or (some articles at hand) both.
How = Literal["articles", "ledger", "articles and ledger"]
ARTICLES, LEDGER, BOTH = get_args(How)


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
    """How the excerpts were verified: ``how`` is "articles", "ledger", or, when only some of the articles
    were at hand, "articles and ledger" (``from_ledger`` of the ``articles`` through the ledger)."""

    how: How
    articles: int
    excerpts: int
    from_ledger: int = 0

    def describe(self) -> str:
        """``against the articles (…)`` / ``against the ledger (…)``: what ``check`` prints."""
        key = {ARTICLES: "verified_articles", LEDGER: "verified_ledger", BOTH: "verified_both"}[self.how]
        return say(
            key,
            excerpts=self.excerpts,
            articles=self.articles,
            read=self.articles - self.from_ledger,
            from_ledger=self.from_ledger,
            ledger=LEDGER_FILE,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Verified | None:
        """The value ``to_json`` wrote, or None for anything else (an empty or foreign string)."""
        try:
            value = json.loads(text)
            if value["how"] not in get_args(How):
                return None
            return cls(value["how"], int(value["articles"]), int(value["excerpts"]), int(value["from_ledger"]))
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


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _excerpt_cells(folder: Path):
    """(table, row id, column, source_id, excerpt, file shown, line) for every excerpt in the data."""
    from caravan_book.data import tables
    from caravan_book.data.files import TABLE_FILES
    from caravan_book.data.schemas import EXCERPT_TABLES, TABLES

    for name in EXCERPT_TABLES:
        table = tables.load(name, folder)
        key = TABLES[name].key
        shown = shown_path(folder / TABLE_FILES[name])
        for line, row_id, source_id, excerpt in zip(
            table.attrs["lines"], table[key], table["source_id"], table[EXCERPT_COLUMN], strict=True
        ):
            yield name, str(row_id), EXCERPT_COLUMN, source_id, excerpt, shown, line


def _sources(folder: Path):
    from caravan_book.data import tables

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
            f"{shown_path(path)}: is not a readable excerpt ledger ({error}); regenerate it with the articles: "
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
        f'  "about": {json.dumps(say("ledger_about"))},\n'
        f'  "articles": [\n{block(articles)}\n  ],\n'
        f'  "excerpts": [\n{block(excerpts)}\n  ]\n'
        "}\n"
    )


def _unvouched(shown: str, line: int, column: str, excerpt: str, why: str, ledger: str) -> DataProblem:
    return DataProblem(shown, line, column, _shorten(excerpt), say("unvouched", ledger=ledger, why=why))


@dataclass
class _Outcome:
    problems: list[DataProblem]  # an excerpt not in its article, a changed or missing article (exit 2)
    unvouched: list[DataProblem]  # an excerpt the ledger does not vouch for (exit 2)
    text: str  # the ledger's text after this run
    read: int  # articles read and compared
    vouched: int  # articles whose excerpts were verified against the ledger
    excerpts: int


def _verify(folder: Path, seeds: Path | None, strict: bool) -> _Outcome:
    """One pass over the data: each article's excerpts against the article if it is in ``seeds``, else
    (unless ``strict``) against the ledger's record of it."""
    path = ledger_path(folder)
    shown_ledger = shown_path(path)
    old = read_ledger(path) if path.is_file() else None
    if (
        old is None
        and not strict
        and not any(seeds is not None and (seeds / document).is_file() for _, document, _ in _sources(folder))
    ):
        raise CannotVerifyError(
            f"the source articles were not found ($CARAVAN_BOOK_SEEDS or ../shared/seeds) and there is "
            f"no excerpt ledger {shown_ledger}, so the excerpts cannot be verified; give the articles with "
            "--seeds DIR or $CARAVAN_BOOK_SEEDS"
        )
    old_articles = old["articles"] if old else {}
    old_excerpts = old["excerpts"] if old else {}
    out = _Outcome([], [], "", 0, 0, 0)
    texts: dict[str, tuple[str, list[int]]] = {}  # source_id -> collapsed text and offsets (articles read)
    vouched: set[str] = set()  # source_ids verified against the ledger
    unknown: set[str] = set()  # source_ids whose article is neither here nor in the ledger
    documents: dict[str, str] = {}
    article_records: list[dict] = []
    unreadable: set[str] = set()  # source_ids whose article is not UTF-8 (reported once, for the article)
    for source_id, document, line in _sources(folder):
        documents[source_id] = document
        article = seeds / document if seeds is not None else None
        before = old_articles.get(document)
        if article is None or not article.is_file():
            if not strict and before is not None and before.get("source_id") == source_id:
                vouched.add(source_id)
                article_records.append(before)
                continue
            where = say("article_not_in_seeds", seeds=seeds) if seeds is not None else say("article_not_here")
            if strict:
                out.problems.append(DataProblem(shown_path(folder / "sources.csv"), line, "document", document, where))
                continue
            rule = say("article_not_in_ledger", where=where, ledger=shown_ledger, source=source_id)
            out.unvouched.append(DataProblem(shown_path(folder / "sources.csv"), line, "document", document, rule))
            unknown.add(source_id)  # the ledger vouches for none of its excerpts
            continue
        try:
            text = article.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            rule = say("not_utf8_article", byte=error.start)
            out.problems.append(DataProblem(shown_path(article), None, None, None, rule))
            unreadable.add(source_id)
            continue
        record = {"document": document, "source_id": source_id, "sha256": fingerprint(text), "length": len(text)}
        if before is not None and (before.get("sha256"), before.get("length")) != (record["sha256"], len(text)):
            said = say("article_changed", ledger=shown_ledger, then=before.get("length"), now=len(text))
            out.problems.append(DataProblem(shown_path(article), None, None, None, said))
        texts[source_id] = _collapsed_with_offsets(text)
        article_records.append(record)
    excerpt_records: list[dict] = []
    for table, row_id, column, source_id, excerpt, shown, line in _excerpt_cells(folder):
        out.excerpts += 1
        if source_id in unknown:
            why = say("article_unknown", document=documents[source_id])
            out.unvouched.append(_unvouched(shown, line, column, excerpt, why, shown_ledger))
            continue
        if source_id in vouched:
            kept = old_excerpts.get((table, row_id, column))
            if kept is None or kept.get("source_id") != source_id or kept.get("sha256") != fingerprint(excerpt):
                why = say("excerpt_new" if kept is None else "excerpt_changed")
                out.unvouched.append(_unvouched(shown, line, column, excerpt, why, shown_ledger))
            else:
                excerpt_records.append(kept)
            continue
        if source_id not in texts:
            continue  # its source row is reported above (missing article) or by the tables' own checks
        collapsed, offsets = texts[source_id]
        needle = " ".join(excerpt.split())
        at = collapsed.find(needle) if needle else -1
        if at == -1:
            rule = say("not_in_article", document=documents[source_id])
            if unicodedata.normalize("NFC", needle) in unicodedata.normalize("NFC", collapsed):
                rule += say("normalisation")
            out.problems.append(DataProblem(shown, line, column, _shorten(excerpt), rule))
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
    out.read, out.vouched = len(texts), len(vouched)
    out.text = ledger_text(article_records, excerpt_records)
    return out


def against_articles(folder: Path, seeds: Path) -> list[DataProblem]:
    """Every excerpt compared with its article in ``seeds`` (each must be there); the ledger is not written.
    What ``tables.check_folder`` (and so ``accept``) runs when it is given the articles."""
    return _verify(folder, seeds, strict=True).problems


def verify(folder: Path | None = None, seeds: Path | None = None, log=None) -> Verified:
    """Verify every excerpt of ``folder`` (default: the data in use), one way or the other.

    Each article that is in ``seeds`` (default: :func:`~caravan_book.settings.seeds_dir`, the one setting) is
    read and its excerpts compared with it; the excerpts of an article that is not there are verified
    against the ledger. When at least one article was read and all is well, the ledger is rewritten if its
    text changed. The tables must be valid (``tables.load``'s DataError otherwise). Raises DataError (an
    excerpt not in its article, a changed article, one neither here nor in the ledger), UnvouchedError
    (exit 2: an excerpt the ledger does not vouch for) or CannotVerifyError (exit 2: neither articles nor
    ledger).
    """
    folder = (folder or data_dir()).resolve()
    outcome = _verify(folder, Path(seeds) if seeds is not None else seeds_dir(), strict=False)
    if outcome.problems:
        raise DataError(outcome.problems + outcome.unvouched)
    if outcome.unvouched:
        raise UnvouchedError(outcome.unvouched)
    if outcome.read and atomic.write_if_changed(ledger_path(folder), outcome.text) and log is not None:
        log(f"wrote {shown_path(ledger_path(folder))} (the excerpt ledger changed)")
    how: How = LEDGER if not outcome.read else ARTICLES if not outcome.vouched else BOTH
    return Verified(how, outcome.read + outcome.vouched, outcome.excerpts, outcome.vouched)
