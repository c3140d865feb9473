"""The sources-and-methods page: the articles, their defects, the reference tables and the data counts.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.story.display.md`, so it shows as text and never as markup.
"""

import pandas as pd

from caravan_book.data import queries
from caravan_book.data.selection import select
from caravan_book.story.display import (
    INFERRED_KEY,
    bullet_list,
    code,
    fmt_date,
    fmt_number,
    md,
    outlet_name,
)


# ---------------------------------------------------------------- methods
def sources_table() -> str:

    sources = queries.published("sources")  # drafts are for custom books, not the published one
    counts = {name: queries.published(name).groupby("source_id").size() for name in ("events", "figures", "facts")}
    # statements as the responses pages show them (one block per article sentence), so the counts agree
    shown = [queries.statements(select(i, "all", None)) for i in queries.published_incidents()]
    counts["statements"] = pd.concat(shown).groupby("source_id").size()
    lines = [
        "| Article | Published | Events | Figures | Statements | Comparison facts | What it contributes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, s in sources.sort_values("published").iterrows():
        n = {k: int(v.get(s["source_id"], 0)) for k, v in counts.items()}
        byline = f", by {md(s['byline'])}" if isinstance(s["byline"], str) else ""
        lines.append(
            f"| **{md(outlet_name(s))}**{byline}: “{md(s['headline'])}” (id for re-running a page: "
            f"{code(s['source_id'])}) | "
            f"{fmt_date(s['published'], s['published_basis'])} | {n['events']} | {n['figures']} | "
            f"{n['statements']} | {n['facts']} | {md(s['contributes'])} |"
        )
    return (
        "\n".join(lines)
        + "\n\n*Events* are dated happenings for the timelines; *figures* are numbers as printed; *statements* are "
        "what someone said, in their own words or as the article sums it up; *comparison facts* are short "
        "descriptions (who governed, the force used, where the group came from) used to compare the two caravans.\n\n"
        + INFERRED_KEY
    )


def publication_notes() -> str:

    sources = queries.published("sources")
    rows = sources[sources["published_basis"] == "inferred"]
    return bullet_list(f"**{md(outlet_name(s))}**: {md(s['published_note'])}" for _, s in rows.iterrows())


def defects_list() -> str:
    from caravan_book.data import tables

    labels = tables.load("sources").set_index("source_id")["label"]
    rows = queries.published("defects").sort_values(["source_id", "defect_id"])
    return bullet_list(
        f"**{md(labels[r['source_id']])}**: {md(r['defect'])} As printed: “{md(r['excerpt'])}”"
        for _, r in rows.iterrows()
    )


def provenance_list() -> str:
    from caravan_book.data import tables

    items = []
    for _, r in tables.load("provenance").iterrows():
        checks = f" {md(r['checks'])}" if isinstance(r["checks"], str) else ""
        items.append(
            f"{code(r['file'])}: {md(r['title'].rstrip('.'))}. Publisher: {md(r['publisher'])}. Taken from "
            f"{md(r['repository'])}, {code(r['path'])} (version {code(r['version'])}).{checks}"
        )
    return bullet_list(items)


def data_counts_text() -> str:

    names = {
        "sources": "articles",
        "events": "events",
        "figures": "figures",
        "statements": "statements",
        "facts": "comparison facts",
        "claims": "claims checked against CBP's tables",
        "places": "places",
        "defects": "known source defects",
    }
    counts = ", ".join(f"{fmt_number(len(queries.published(n)))} {label}" for n, label in names.items())
    return (
        f"The data folder holds {counts}. Each file and column is described in the data folder's README, and "
        "`caravan-book check` validates them all."
    )
