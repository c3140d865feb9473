"""Exercises with solutions (sphinx-exercise directives), worked out from the data.

Labels carry the section and a digest of its parameters, so one notebook can make several
pages of one book without two exercises sharing a label. Solutions are dropdowns; the
student edition hides them (``hide_solutions``).
"""

from __future__ import annotations

import hashlib

from caravan_book import story
from caravan_book.data import queries
from caravan_book.data.schemas import COUNTRY_NAMES
from caravan_book.data.selection import Selection
from caravan_book.story.display import (
    article,
    article_phrase,
    figure_sentence,
    fmt_date,
    fmt_number,
    md,
    plural,
    printed_qualifier,
)
from caravan_book.story.figures import medium


def _label(section: str, *selections: Selection) -> str:
    digest = hashlib.sha1("|".join(s.describe() for s in selections).encode()).hexdigest()[:6]
    return f"{section}-{'-'.join(s.incident for s in selections)}-{digest}"


def render(section: str, items: list[tuple[str, str]], *selections: Selection) -> str:
    """MyST for a list of (question, solution) pairs (plain Markdown outside the Sphinx site)."""
    if not items:
        return "There are no exercises on this page yet: the data has too few rows for this selection."
    kind = medium()
    if kind == "print":
        return "\n\n".join(f"**Exercise {n}.** {q}" for n, (q, _) in enumerate(items, 1))
    if kind == "page":
        return "\n\n".join(
            f'**Exercise {n}.** {q}\n\n<details class="caravan-solution">'
            f"<summary>Solution</summary>\n\n{a}\n\n</details>"
            for n, (q, a) in enumerate(items, 1)
        )
    prefix = _label(section, *selections)
    blocks = []
    for number, (question, solution) in enumerate(items, 1):
        label = f"{prefix}-{number}"
        blocks.append(
            f"::::{{exercise}}\n:label: {label}\n\n{question}\n::::\n\n"
            f"::::{{solution}} {label}\n:class: dropdown\n\n{solution}\n::::"
        )
    return "\n\n".join(blocks)


def capital_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def narrative(sel: Selection) -> str:
    events = queries.timeline(sel)
    by_source = events.groupby("label").size()
    top = by_source[by_source == by_source.max()]
    leaders = " and ".join(md(name) for name in sorted(top.index))
    guessed = events[events["date_basis"] == "inferred"]
    items = []
    # a day count needs dates known to the day: events the articles date only by month are left out
    dated = events[events["date_precision"] == "day"]
    if dated["date"].nunique() > 1:
        first, last = dated.iloc[dated["date"].argmin()], dated.iloc[dated["date"].argmax()]
        skipped = len(events) - len(dated)
        caveat = (
            f" ({plural(skipped, 'event')} dated only by month {'is' if skipped == 1 else 'are'} left out: "
            "a month gives no day to count from.)"
            if skipped
            else ""
        )
        items.append(
            (
                (
                    "How many days pass between the first and the last event on this timeline that the articles date "
                    "to the day?"
                ),
                (
                    f"From {fmt_date(first['date'], first['date_basis'])} to "
                    f"{fmt_date(last['date'], last['date_basis'])}: "
                    f"{plural((last['date'] - first['date']).days, 'day')}.{caveat} A date marked † is worked out by "
                    "the book, so the count is only as good as those dates."
                ),
            )
        )
    if len(by_source) > 1:
        items.append(
            (
                "Which article reports the most events here? Why might one article report more than another?",
                (
                    f"{leaders}, with {plural(int(top.iloc[0]), 'event')}{' each' if len(top) > 1 else ''}. "
                    "Articles differ "
                    "in length, in when they were written (before or after the main event) and in what the reporter "
                    "could see."
                ),
            )
        )
    if not guessed.empty:
        g = guessed.iloc[0]
        items.append(
            (
                (
                    f"The book gives “{md(g['summary'])}” the date {fmt_date(g['date'], None, g['date_precision'])}, "
                    "marked *inferred*. What in the article lets us work out that date, and what could go wrong?"
                ),
                f"{md(g['date_note'])} {_what_could_go_wrong(str(g['date_note']))}",
            )
        )
    return render("narrative", items, sel)


def _what_could_go_wrong(note: str) -> str:
    """The risk of a worked-out date, fitted to how it was worked out (a weekday, a bound, a month)."""
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    if any(day in note for day in weekdays):
        return (
            "If the article was published in a different week than we think, the weekday would point to a different "
            "date, so the date is marked as inferred, not stated."
        )
    if "bound" in note or "more than" in note or "before" in note:
        return "The article gives only a limit (before or after some point), so the true date could be earlier."
    return "The article does not print the date, so another reading of the text could give another date."


def numbers(sel: Selection) -> str:
    disputed = queries.disagreements(sel)
    items = []
    if not disputed.empty:
        metric, group = next(iter(disputed.groupby("quantity")))
        versions = "\n".join(f"- {figure_sentence(r)}" for _, r in group.iterrows())
        items.append(
            (
                (
                    f"The sources give different numbers for: *{story.metric_label(metric)}*. "
                    "Write one sentence that reports this fairly to a friend, naming every source."
                ),
                (
                    f"Any sentence that keeps every version and says who gave it. The versions are:\n\n{versions}\n\n"
                    "For example: “Reports differ: …”, followed by each number with its source. Averaging them would "
                    "invent a number nobody reported."
                ),
            )
        )
    figures = queries.figures(sel)
    words = [printed_qualifier(r) for _, r in figures.iterrows()]
    qualified = figures[[w is not None for w in words]]
    if not qualified.empty:
        q = qualified.iloc[0]
        word = md(printed_qualifier(q))
        side = {"at least": "higher", "more than": "higher", "nearly": "lower", "fewer than": "lower", "up to": "lower"}
        items.append(
            (
                (
                    f"{capital_first(article_phrase(q))} writes “{md(q['as_printed'])}”. What does the word "
                    f"“{word}” tell "
                    "you that the number alone does not?"
                ),
                (
                    f"It says the number is not an exact count: “{word}” means the true number may be "
                    f"{side.get(q['qualifier'], 'a little higher or lower')}."
                ),
            )
        )
    month = queries.incident_month(sel)
    count = queries.encounters_in_month(month)
    if count is not None:
        items.append(
            (
                (
                    f"Use the chart's data table: how many Southwest border encounters did CBP count in {month:%B %Y}? "
                    "Which fiscal year is that month in?"
                ),
                (
                    f"{fmt_number(count)} encounters, in fiscal year {queries.fiscal_year(month)} "
                    "(US fiscal years start in October)."
                ),
            )
        )
    return render("numbers", items, sel)


def responses(sel: Selection) -> str:
    frame = queries.statements(sel)
    counts = frame.groupby("group_label").size()

    def named(n: int) -> str:
        return " and ".join(md(g) for g in sorted(counts[counts == n].index))

    items: list[tuple[str, str]] = []
    if counts.empty:
        return render("responses", items, sel)
    most, least = int(counts.max()), int(counts.min())
    items = [
        (
            "Which group has the most statements on this page, and which the fewest? What might explain the "
            "difference?",
            f"Most: {named(most)} ({plural(most, 'statement')}"
            + (
                f"); fewest: {named(least)} "
                f"({plural(least, 'statement')}{' each' if (counts == least).sum() > 1 else ''})."
                if least != most
                else ", the same for every group)."
            )
            + " Officials issue statements and posts that reporters can quote; other people are quoted only when a "
            "reporter talks to them.",
        )
    ]
    official = frame[
        frame["group"].isin(["us-federal", "mexico-federal"])
        & (frame["quote_kind"] == "direct")
        & (frame["quote"].str.split().str.len() >= 6)
    ]
    if not official.empty:
        o = official.iloc[0]
        items.append(
            (
                f"A classmate writes “{md(o['quote'])}” in a report as if it were a fact. Rewrite it so that it is "
                "attributed.",
                (
                    f"For example: “{md(o['speaker'])} said that …”, or “According to {md(o['speaker'])}, …”. "
                    f"The words are a claim made by {md(o['speaker'])} ({md(o['institution'])}) in "
                    f"{article(o['channel'])} {md(o['channel'])}, as reported in {article_phrase(o)}."
                ),
            )
        )
    repeated = frame[frame["quote_kind"] == "direct"].groupby(["speaker", "quote"])["source_id"].nunique()
    repeated = repeated[repeated > 1]
    if not repeated.empty:
        speaker, quote = repeated.index[0]
        items.append(
            (
                f"Find a quotation that appears in more than one article (hint: look at {md(speaker)}). Do the "
                "articles agree on the words?",
                (
                    f"“{md(quote)}” appears in {plural(int(repeated.iloc[0]), 'article')} with the same words, which "
                    "suggests they come from the same official statement."
                ),
            )
        )
    return render("responses", items, sel)


def _country(code: str) -> str:
    """A country's name for a code of the data (the code itself if the book has no name for it)."""
    return md(COUNTRY_NAMES.get(code, code))


def comparison(left: Selection, right: Selection) -> str:
    li, ri = queries.incident(left), queries.incident(right)
    lm, rm = queries.incident_month(left), queries.incident_month(right)
    lc, rc = queries.encounters_in_month(lm), queries.encounters_in_month(rm)
    items = [
        (
            "Name one way the places of the two incidents differ, and why it matters for who could respond.",
            (
                f"The first ({md(li['title'])}) happened in {md(li['place'])}, {_country(li['country'])}; the second "
                f"({md(ri['title'])}) in {md(ri['place'])}, {_country(ri['country'])}. Which government's officers are "
                "present depends on where the group is."
            ),
        ),
        (
            (
                "Write one neutral sentence comparing the two incidents, with no adjectives like “massive” or "
                "“violent” "
                "unless you quote and attribute them."
            ),
            (
                "For example: “In both cases the articles report a group trying to move past officers; the articles "
                "attribute "
                "descriptions such as ‘violent’ to the officials who used them.”"
            ),
        ),
    ]
    if lc is not None and rc is not None:
        items.append(
            (
                (
                    "Using the CBP data, how many times as many Southwest border encounters were there in "
                    f"{rm:%B %Y} as in {lm:%B %Y}? "
                    "Is this a like-for-like comparison?"
                ),
                (
                    f"{fmt_number(rc)} ÷ {fmt_number(lc)} ≈ {rc / lc:.1f}. Not fully: the later count includes "
                    "Title 42 expulsions, "
                    "which began in March 2020, and a person caught several times counts each time."
                ),
            )
        )
    return render("comparison", items, left, right)
