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


def _published_places() -> pd.DataFrame:
    """The places of the published book: every row of places.csv but those that only draft incidents' rows name
    (a place a new story adds stays out of the published counts until the story is published). A place is named
    by a row when the row gives it as its place or its excerpt contains it."""
    keep = set(queries.published_incidents())
    texts: dict[bool, list[str]] = {True: [], False: []}
    for name in ("incidents", "events", "figures", "facts", "statements"):
        frame = tables.load(name)
        columns = [c for c in ("place", "excerpt") if c in frame.columns]
        for _, row in frame.iterrows():
            texts[row["incident"] in keep] += [str(row[c]) for c in columns if isinstance(row[c], str)]
    published, drafts = " | ".join(texts[True]), " | ".join(texts[False])
    places = tables.load("places")
    draft_only = [p in drafts and p not in published for p in places["place"]]
    return places[[not d for d in draft_only]].reset_index(drop=True)


def data_counts_text() -> str:
    """How many rows each data file holds; statements counted as the pages show them, like the table above."""
    counts = {
        n: fmt_number(len(queries.published(n))) for n in ("sources", "events", "figures", "facts", "claims", "defects")
    }
    counts["places"] = fmt_number(len(_published_places()))
    counts["statements"] = fmt_number(len(_statements_shown()))
    counts["distinct_claims"] = fmt_number(queries.published("claims")["claim"].nunique())
    return render("methods/counts.md.j2", **counts)
