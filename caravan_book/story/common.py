"""The parts every page uses: metric names, a section the reader opens, the list of sources, discussion questions.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.story.display.md`, so it shows as text and never as markup.
"""

from caravan_book.data import queries
from caravan_book.data.selection import Selection
from caravan_book.settings import medium
from caravan_book.story.display import (
    bullet_list,
    cite,
    md,
)
from caravan_book.story.templates import render


def metric_label(metric: str) -> str:
    """The plain-English name of a metric (metrics.csv), or of a 'metric (Month YYYY)' quantity."""
    name, _, period = metric.partition(" (")
    label = queries.metric_labels().get(name, name.replace("_", " "))
    return md(label + (f" ({period}" if period else ""))


def collapsible(title: str, body: str) -> str:
    """A section the reader opens: a dropdown on the site, details on a page, plain text in print."""
    kind = medium()
    if kind == "print":
        return f"**{title}**\n\n{body}"
    if kind == "page":
        return f"<details><summary>{title}</summary>\n\n{body}\n\n</details>"
    return f":::{{dropdown}} {title}\n{body}\n:::"


def source_list(sel: Selection) -> str:
    rows = queries.sources(sel)
    return bullet_list(f"{cite(r)}: “{md(r['headline'])}”" for _, r in rows.iterrows())


# ---------------------------------------------------------------- discussion questions
def discussion(section: str, sel: Selection | None = None) -> str:
    """Discussion questions that fit the page's selection (one article or several): ``common/discussion.md.j2``."""
    return render("common/discussion.md.j2", section=section, several=sel is None or len(sel.sources) > 1)


def colophon(sel: Selection) -> str:
    """The end of a page: how it was made and what it tells (its parameters, in a reader's words)."""
    return render("common/colophon.md.j2", tells=sel.for_readers(), several=len(sel.sources) > 1)
