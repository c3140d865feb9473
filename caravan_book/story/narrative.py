"""What happened: the narrative page's lead, the day-by-day account, stated reasons and dating notes.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.story.display.md`, so it shows as text and never as markup.
"""

import pandas as pd

from caravan_book.data import queries
from caravan_book.data.selection import Selection
from caravan_book.settings import medium
from caravan_book.story.common import collapsible, source_list
from caravan_book.story.display import (
    INFERRED_KEY,
    article_phrase,
    bullet_list,
    capital,
    fmt_date,
    md,
    outlet_name,
    plural,
)


# ---------------------------------------------------------------- what happened
def lead(sel: Selection) -> str:
    info = queries.incident(sel)
    events = queries.timeline(sel)
    count = len(sel.sources)
    inferred = int((events["date_basis"] == "inferred").sum())
    articles = "one article" if count == 1 else f"{plural(count, 'article')}"
    their = "it reports" if count == 1 else "they report"
    dates = (
        f"For {plural(inferred, 'event')}, {'the article does' if count == 1 else 'the articles do'} not print the "
        "full "
        "date: the book worked it out "
        "(for example from a weekday such as “Sunday”) and marks it †."
        if inferred
        else "Every date on this page is printed in the articles."
    )
    if events.empty:
        return (
            f"**{md(info['title'])}.** {md(info['summary'])}\n\n"
            f"This page is built from {articles}. No events from {'it' if count == 1 else 'them'} are in the data "
            f"yet, so the sections below are empty.\n\n"
            f"{'The article' if count == 1 else 'The articles'} used here:\n\n{source_list(sel)}"
        )
    return (
        f"**{md(info['title'])}.** {md(info['summary'])}\n\n"
        f"This page is built from {articles} and the {plural(len(events), 'event')} {their}. "
        f"Each event names the article it comes from. {dates}\n\n"
        f"{'The article' if count == 1 else 'The articles'} used here:\n\n{source_list(sel)}"
    )


def _story_key(event_id: str, source_id: str) -> str:
    """The event an id names, without its article: '2018-teargas-bbc' -> '2018-teargas'."""
    return event_id[: -len(source_id) - 1] if event_id.endswith("-" + source_id) else event_id


def _day_heading(day: pd.Timestamp, group: pd.DataFrame, weekday: bool = False) -> str:
    """A day's heading, or the month's when the articles give only the month."""
    basis = "inferred" if (group["date_basis"] == "inferred").all() else "stated"
    precision = "month" if (group["date_precision"] == "month").all() else "day"
    shown = fmt_date(day, basis, precision)
    return f"{day:%A} {shown}" if weekday and precision == "day" else shown


def _days(events: pd.DataFrame):
    """Events by day; events the articles date only by month are gathered under their month, before its days."""
    month_only = events["date_precision"] == "month"
    key = events["date"].where(~month_only, events["date"].dt.to_period("M").dt.to_timestamp())
    return events.groupby([key.rename("day"), (~month_only).rename("has_day")], sort=True)


def day_by_day(sel: Selection) -> str:
    """For each day (or month), its main events: the news first, one line per event however many articles report it."""
    events = queries.timeline(sel)
    if events.empty:
        return "No events are in the data for this selection yet."
    events["story"] = [_story_key(e, s) for e, s in zip(events["event_id"], events["source_id"], strict=False)]
    lines = []
    for (day, _), group in _days(events):
        top = group[group["prominence"] == group["prominence"].min()]
        items = []
        for _, story_rows in top.groupby("story", sort=False):
            first = story_rows.iloc[0]
            others = [outlet_name(r) for _, r in story_rows.iloc[1:].iterrows()]
            also = f" (also reported by {', '.join(md(o) for o in others)})" if others else ""
            items.append(f"{md(first['summary'])} — *{md(outlet_name(first))}*{also}")
        more = len(group) - len(top)
        tail = f" (and {plural(more, 'other event')} in the full list below)" if more else ""
        if len(items) == 1:
            lines.append(f"**{_day_heading(day, group)}**{tail}: {items[0]}")
        else:
            lines.append(f"**{_day_heading(day, group)}**{tail}:\n" + "\n".join(f"  - {item}" for item in items))
    return bullet_list(lines) + f"\n\n{INFERRED_KEY}"


def events_by_day(sel: Selection) -> str:
    """Every event with the article's own words, in a section the reader opens."""
    events = queries.timeline(sel)
    if events.empty:
        return ""
    blocks = []
    for (day, _), group in _days(events):
        items = []
        for _, e in group.iterrows():
            place = f" ({md(e['place'])})" if isinstance(e["place"], str) else ""
            items.append(f"{md(e['summary'])}{place} — *{md(outlet_name(e))}*: “{md(e['excerpt'])}”")
        blocks.append(f"**{_day_heading(day, group, weekday=True)}**\n\n" + bullet_list(items))
    title = f"All {plural(len(events), 'event')}, each with the article's own words"
    return collapsible(title, "\n\n".join(blocks))


def inferred_dates(sel: Selection) -> str:
    events = queries.timeline(sel)
    guessed = events[events["date_basis"] == "inferred"]
    if guessed.empty:
        return "Every date on this page is printed in the articles."
    if medium() == "student":  # an exercise asks how the first of them was dated: its note would answer it
        guessed = guessed.iloc[1:]
        if guessed.empty:
            return ""
    items = [
        f"{fmt_date(e['date'], None, e['date_precision'])}: {md(e['summary'])} — "
        f"{md(e['date_note']) or 'the article gives no full date.'}"
        for _, e in guessed.iterrows()
    ]
    title = f"How the book dated {plural(len(guessed), 'event')} the articles do not fully date"
    return collapsible(title, bullet_list(items))


def stated_reasons(sel: Selection) -> str:
    """Why the migrants travelled, as the articles report it, each with the article's own words."""
    frame = queries.facts(sel)
    rows = frame[frame["topic"] == "stated_reasons"]
    if rows.empty:
        return "The selected articles do not say why the migrants travelled."
    reasons = bullet_list(
        f"{md(capital(str(r['value'])))} — {capital(article_phrase(r))}: “{md(r['excerpt'])}”"
        for _, r in rows.iterrows()
    )
    carried = frame[frame["topic"] == "carried"]
    if carried.empty:
        return reasons
    return (
        reasons
        + "\n\nWhat they carried, which the articles report but which is not a stated reason:\n\n"
        + bullet_list(
            f"{md(capital(str(r['value'])))} — {capital(article_phrase(r))}: “{md(r['excerpt'])}”"
            for _, r in carried.iterrows()
        )
    )
