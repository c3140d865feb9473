"""The responses page: who responded, what they said, in their words.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.story.display.md`, so it shows as text and never as markup.
"""

import pandas as pd

from caravan_book.data import queries
from caravan_book.data.schemas import GROUPS
from caravan_book.data.selection import Selection
from caravan_book.story.display import (
    INFERRED_KEY,
    bullet_list,
    fmt_number,
    md,
    plural,
    quote_block,
)
from caravan_book.text.quotes import in_context


# ---------------------------------------------------------------- responses
def _statement_blocks(rows: pd.DataFrame) -> list[str]:
    """Quote blocks; statements shown in the same article sentence are shown once."""
    blocks, shown = [], set()
    for _, r in rows.iterrows():
        key = (r["speaker"], r["source_id"], r["excerpt"])
        if in_context(r):
            if key in shown:
                continue
            shown.add(key)
        blocks.append(quote_block(r))
    return blocks


def responses_text(sel: Selection) -> str:
    frame = queries.statements(sel)
    if frame.empty:
        return "The selected articles quote no one on this incident."
    parts = []
    for group, rows in frame.groupby("group", sort=False):
        intro = f"**{md(GROUPS[group])}** — {plural(len(rows), 'statement')}"
        quotes = "\n\n".join(_statement_blocks(rows))
        parts.append(f"{intro}\n\n{quotes}")
    return "\n\n---\n\n".join(parts) + f"\n\n{INFERRED_KEY}"


def responses_lead(sel: Selection) -> str:
    """Each group's leading statement, one per group, so every side is heard before the full lists."""
    frame = queries.statements(sel)
    if frame.empty:
        return ""
    items = []
    for group, rows in frame.groupby("group", sort=False):
        first = rows.iloc[0]
        items.append(f"**{md(GROUPS[group])}**\n\n{quote_block(first)}")
    return (
        "First, one statement from each group the articles quote, the one the articles give most weight to, "
        "so that every side is heard before the full lists:\n\n" + "\n\n".join(items)
    )


#: How a channel reads after a count ("5 at a town hall"); ``statement`` also covers words whose channel the
#: article does not give (see data/README.md).
CHANNEL_PHRASES = {
    "statement": "in statements or without saying how",
    "tweet": "on Twitter",
    "interview": "in interviews",
    "press briefing": "at press briefings",
    "town hall": "at a town hall",
    "chant": "chanted",
    "speech": "in speeches",
    "report": "in reports",
}


def responses_summary(sel: Selection) -> str:
    frame = queries.statements(sel)
    if frame.empty:
        return (
            f"No statements from {'this article' if len(sel.sources) == 1 else 'these articles'} are in the data yet."
        )
    counts = frame.groupby("group", sort=False).size()
    items = [f"{md(GROUPS[g])}: {plural(int(n), 'statement')}" for g, n in counts.items()]
    channels = frame["channel"].value_counts()
    by_channel = "; ".join(f"{fmt_number(int(n))} {CHANNEL_PHRASES.get(c, md(c))}" for c, n in channels.items())
    direct = int((frame["quote_kind"] == "direct").sum())
    return (
        f"The {'article reports' if len(sel.sources) == 1 else 'articles report'} "
        f"{plural(len(frame), 'statement')} by {plural(frame['speaker'].nunique(), 'speaker')}. "
        f"{plural(direct, 'statement')} {'is' if direct == 1 else 'are'} quoted in the speaker's own words, shown in "
        f"quotation marks; the other {fmt_number(len(frame) - direct)} {'is' if len(frame) - direct == 1 else 'are'} "
        "the article's own summary of what was said, shown as such.\n\n"
        f"By group:\n\n{bullet_list(items)}\n\nHow the words reached the articles: {by_channel}. "
        "A statement printed in two articles is listed once for each article, so you can compare their wording."
    )
