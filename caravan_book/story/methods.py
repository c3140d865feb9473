"""The sources-and-methods page: the articles, their defects, the reference tables and the data counts.

Python picks the values; the words are in ``book/templates/methods/``. Data text is Markdown-escaped by the
template environment; links and code the book itself makes are passed as ``Markup``.
"""

import pandas as pd
from markupsafe import Markup

from caravan_book.data import queries, tables
from caravan_book.data.selection import select
from caravan_book.story.display import INFERRED_KEY, fmt_number, outlet_name, published_date
from caravan_book.story.templates import render


def _statements_shown() -> pd.DataFrame:
    """Statements as the responses pages show them (one block per article sentence), so every count agrees."""
    shown = [queries.statements(select(i, "all", None)) for i in queries.published_incidents()]
    return pd.concat(shown, ignore_index=True)


def sources_table() -> str:
    sources = queries.published("sources")  # drafts are for custom books, not the published one
    counts = {name: queries.published(name).groupby("source_id").size() for name in ("events", "figures", "facts")}
    counts["statements"] = _statements_shown().groupby("source_id").size()
    rows = [
        {
            "name": outlet_name(s),
            "byline": s["byline"] if isinstance(s["byline"], str) else None,
            "headline": s["headline"],
            "published": published_date(s),
            "counts": {k: int(v.get(s["source_id"], 0)) for k, v in counts.items()},
            "contributes": s["contributes"],
        }
        for _, s in sources.sort_values("published").iterrows()
    ]
    return render("methods/sources.md.j2", rows=rows, inferred_key=Markup(INFERRED_KEY))


def publication_notes() -> str:
    sources = queries.published("sources")
    rows = sources[sources["published_basis"] == "inferred"]
    return render(
        "methods/notes.md.j2", notes=[{"name": outlet_name(s), "note": s["published_note"]} for _, s in rows.iterrows()]
    )


def defects_list() -> str:
    labels = tables.load("sources").set_index("source_id")["label"]
    rows = queries.published("defects").sort_values(["source_id", "defect_id"])
    defects = [
        {"name": labels[r["source_id"]], "defect": r["defect"], "excerpt": r["excerpt"]} for _, r in rows.iterrows()
    ]
    return render("methods/defects.md.j2", defects=defects)


#: provenance.csv's word for "the same files and version as the row before".
SAME_AS_ABOVE = "as above"


def provenance_list() -> str:
    items = [
        {
            "file": r["file"],
            "title": str(r["title"]).rstrip("."),
            "publisher": str(r["publisher"]).rstrip("."),
            "repository": r["repository"],
            "path": r["path"],
            "version": r["version"],
            "same": r["path"] == SAME_AS_ABOVE,
            "checks": r["checks"] if isinstance(r["checks"], str) else None,
        }
        for _, r in tables.load("provenance").iterrows()
    ]
    return render("methods/provenance.md.j2", items=items)


def data_counts_text() -> str:
    """How many rows each data file holds; statements counted as the pages show them, like the table above."""
    counts = {
        n: fmt_number(len(queries.published(n)))
        for n in ("sources", "events", "figures", "facts", "claims", "places", "defects")
    }
    counts["statements"] = fmt_number(len(_statements_shown()))
    counts["distinct_claims"] = fmt_number(queries.published("claims")["claim"].nunique())
    return render("methods/counts.md.j2", **counts)
