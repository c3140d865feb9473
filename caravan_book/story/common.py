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
    """Discussion questions that fit the page's selection (one article or several)."""
    several = sel is None or len(sel.sources) > 1
    questions = {
        "narrative": [
            "Which events on this page did a reporter see, and which did they learn from officials or agencies? How "
            "can you tell?",
            "If you only had one of these articles, what would you miss?"
            if several
            else "This page uses a single article. What would you want a second source to confirm?",
            "Pick one event reported by two articles. Do they describe it with the same words? Why might they differ?"
            if several
            else "The article dates some events only roughly (a weekday, a month). How would the story change if you "
            "knew the exact day?",
        ],
        "numbers": [
            "Why might a reporter write “about” or “at least” instead of an exact number?",
            "When two sources disagree, should a news story pick one number? What else could it do?",
            "A record claim can be true for one way of counting and false for another. Why does it matter what is "
            "counted?",
        ],
        "responses": [
            "Do the governments and the migrants describe the same events in the same way? Give an example.",
            "What is the difference between a speaker's own words in quotation marks and an article's summary of "
            "what they said?",
            "Whose voices are missing from these articles?",
        ],
        "comparison": [
            "Which differences between the two caravans come from the places, and which from the governments of the "
            "time?",
            "The articles about the two caravans come from different outlets. How might that shape the comparison?",
            "What would you want to know that none of the articles tells us?",
        ],
    }[section]
    return (
        "These questions have no single right answer. Talk them through with a partner, and point to the "
        "line of the page that supports what you say.\n\n" + "\n".join(f"{n}. {q}" for n, q in enumerate(questions, 1))
    )
