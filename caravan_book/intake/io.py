"""The review folder: one CSV file per table, a README listing each column's allowed values, the article.

Each file has the schema's columns (:data:`caravan_book.data.schemas.TABLES`) plus the review columns:
``status`` (``proposed``; a person sets ``accepted`` or ``rejected``), ``reason`` (what a person must
still decide), ``rule`` (the rule that proposed the row), ``start`` and ``end`` (the excerpt's
character offsets in the article) and ``confidence`` (high, medium, low). ``README.md`` lists, file by
file, the columns whose values come from a vocabulary with the values allowed, so a review does not
need ``data/README.md`` open. The folder is written atomically; nothing is written into ``data/``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from caravan_book import atomic
from caravan_book.intake.proposer import REVIEW_TABLES, Proposal
from caravan_book.text.article import Article

#: Columns every review file adds to the schema's columns (``accept`` drops them before merging).
REVIEW_COLUMNS = ("status", "reason", "rule", "start", "end", "confidence")
STATUSES = ("proposed", "accepted", "rejected")
CONFIDENCES = ("high", "medium", "low")
ARTICLE_FOLDER = "article"
README = "README.md"


def allowed_values() -> dict[str, dict[str, list[str]]]:
    """Per table, the columns filled from a vocabulary and the values each allows (the schemas allow these)."""
    from caravan_book.data import kinds, schemas
    from caravan_book.text.vocabulary import QUALIFIERS

    common = {
        "status": list(STATUSES),
        "confidence": list(CONFIDENCES),
        "prominence": [str(p) for p in kinds.PROMINENCE],
    }
    per_column = {
        "qualifier": list(QUALIFIERS),
        "quote_kind": list(kinds.QUOTE_KINDS),
        "date_precision": list(kinds.DATE_PRECISIONS),
        "channel": list(kinds.CHANNELS),
        "group": list(kinds.GROUPS),
        "outlet_basis": list(kinds.OUTLET_BASIS),
        "date_basis": list(kinds.BASIS),
        "as_of_basis": list(kinds.BASIS),
        "published_basis": list(kinds.BASIS),
        "start_date_basis": list(kinds.BASIS),
        "coordinates_basis": list(kinds.BASIS),
    }
    out: dict[str, dict[str, list[str]]] = {}
    for table in REVIEW_TABLES:
        columns = [*schemas.TABLES[table].columns, *REVIEW_COLUMNS]
        out[table] = {c: per_column.get(c) or common[c] for c in columns if c in per_column or c in common}
    return out


def write_review(proposal: Proposal, article: Article, out: Path) -> dict[str, int]:
    """Write the review folder atomically (a temporary folder renamed into place); rows per file."""
    from caravan_book.data.schemas import TABLES
    from caravan_book.story.templates import render

    counts: dict[str, int] = {}
    allowed = allowed_values()
    with atomic.atomic_dir(out.resolve()) as tmp:
        for table in REVIEW_TABLES:
            spec = TABLES[table]
            columns = [*spec.columns, *REVIEW_COLUMNS]
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in proposal.rows[table]:
                writer.writerow({c: row.get(c, "") for c in columns})
            atomic.write_text(tmp / spec.file, text.getvalue(), newline="")
            counts[table] = len(proposal.rows[table])
        files = [
            {"file": TABLES[t].file, "rows": counts[t], "allowed": allowed[t], "points": _points(t)}
            for t in REVIEW_TABLES
        ]
        atomic.write_text(tmp / README, render("intake/review-readme.md.j2", files=files, article=article.path.name))
        atomic.copy_file(article.path, tmp / ARTICLE_FOLDER / article.path.name, keep_times=True)
    return counts


def _points(table: str) -> dict[str, str]:
    """Columns whose value is an id of another table: the file that holds the ids."""
    from caravan_book.data.schemas import TABLES

    return {c: TABLES[t].file for c, (t, _) in TABLES[table].references.items() if t in TABLES}
