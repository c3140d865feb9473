"""What happened: the narrative page's lead, the day-by-day account, stated reasons and dating notes.

Python chooses the rows and the case; the words are in ``book/templates/narrative/``. Every value a template
prints is Markdown-escaped data text (see :mod:`caravan_book.story.templates`).
"""

import re

import pandas as pd
from markupsafe import Markup

from caravan_book.data import queries
from caravan_book.data.selection import Selection
from caravan_book.settings import medium
from caravan_book.story.common import ACCOUNT, collapsible, headline, lead_sentences, source_list
from caravan_book.story.display import (
    INFERRED,
    INFERRED_KEY,
    PRECISION_ORDER,
    article_phrase,
    capital,
    event_date,
    outlet_name,
    quoted,
    weekday_printed,
)
from caravan_book.story.responses import OFFICIAL, officials_before
from caravan_book.story.templates import render
from caravan_book.text.quotes import in_context

#: statements.csv's group of the migrants themselves: their own words are in the lead beside the officials'.
MIGRANTS = "migrant"
#: "FOX News reported", "according to the outlet": another outlet an article relies on, named in its own words.
_CITED = re.compile(r"\b((?:[A-Z][A-Za-z]+ )*(?:News|Post|Times|Reuters|CNN))\b(?= reported)")


def _ordered(events: pd.DataFrame) -> pd.DataFrame:
    """Events by date; on one date a bound ("before 6 November") before the day itself, then the news first."""
    rank = events["date_precision"].map(PRECISION_ORDER)
    return events.assign(_rank=rank).sort_values(["date", "_rank", "prominence"], kind="stable").drop(columns="_rank")


def cited_outlets(sel: Selection) -> list[str]:
    """Other outlets the chosen articles rely on, as their excerpts name them ("FOX News reported")."""
    texts = [queries.timeline(sel), queries.facts(sel), queries.statements(sel)]
    found: list[str] = []
    for frame in texts:
        for excerpt in frame.get("excerpt", pd.Series(dtype=str)).dropna():
            for name in _CITED.findall(str(excerpt)):
                if name not in found:
                    found.append(name)
    return found


def lead(sel: Selection) -> str:
    """The news first: when, where, how many, what happened and each side's account; one article said so."""
    info = queries.incident(sel)
    events = queries.timeline(sel)
    sources = queries.sources(sel)
    if events.empty:
        return render(
            "narrative/lead.md.j2",
            empty=True,
            title=info["title"],
            summary=info["summary"] if sel.as_of is None else None,
            sources=Markup(source_list(sel)),
            count=len(sources),
        )
    top = headline(sel)
    news = top.pop("news")
    ordered = lead_sentences(sel, news)
    actions = [s for s in ordered if not ACCOUNT.search(str(s["text"]))]
    accounts = [s for s in ordered if ACCOUNT.search(str(s["text"]))] if actions else []
    statements = queries.statements(sel)
    migrants = statements[statements["group"] == MIGRANTS]
    return render(
        "narrative/lead.md.j2",
        empty=False,
        **top,
        news=actions or ordered,
        headlines=_headline_news(sel, events, news),
        accounts=accounts,
        voices=_voices(migrants, news) if accounts else _voices(statements, news),
        migrants_only=bool(accounts),
        silent=not accounts and bool(officials_before(sel, statements)),
        count=len(sources),
        only=Markup(article_phrase(sources.iloc[0])) if len(sources) == 1 else None,
        # what the one article puts first, in its own words (review 9, M2: the lead had left its angle out)
        opens=str(sources.iloc[0]["headline"]) if len(sources) == 1 else None,
        cited=cited_outlets(sel) if len(sources) == 1 else [],
    )


def _headline_news(sel: Selection, events: pd.DataFrame, news: pd.DataFrame) -> list[dict[str, object]]:
    """An article's headline news that the lead's day leaves out (review 3, m6): the event told in the words
    of the article's own headline, on another day."""
    heads = queries.sources(sel).set_index("source_id")["headline"]
    rows = events[
        [
            str(e).strip() == str(heads.get(s, "")).strip()
            for e, s in zip(events["excerpt"], events["source_id"], strict=True)
        ]
    ]
    rows = rows[~rows["event_id"].isin(news["event_id"])]
    return [
        {"article": Markup(capital(article_phrase(r))), "day": event_date(r), "summary": r["summary"]}
        for _, r in rows.iterrows()
    ]


def _voices(statements: pd.DataFrame, news: pd.DataFrame) -> list[dict[str, object]]:
    """When the lead events give no one's account (review 2, M4): each non-government speaker's leading
    statement of the lead day, as the article gives it (the speaker's words, or the article's sentence)."""
    days = set(news["date"])
    told = set(news["excerpt"])  # a sentence the lead's events already tell is not repeated
    frame = statements[
        statements["date"].isin(days) & ~statements["group"].isin(OFFICIAL) & ~statements["excerpt"].isin(told)
    ]
    if frame.empty:
        return []
    frame = frame[frame["prominence"] == frame["prominence"].min()].drop_duplicates("speaker")
    return [
        {
            "speaker": r["speaker"],
            "role": r["role"] if isinstance(r["role"], str) else None,
            "sentence": in_context(r),
            "text": quoted(r["excerpt"] if in_context(r) else r["quote"], r["source_id"]),
            "article": Markup(capital(article_phrase(r))),
            "article_in": Markup(article_phrase(r)),
            "quote": quoted(r["quote"], r["source_id"]),
            "channel": r["channel"],
        }
        for _, r in frame.iterrows()
    ]


def timeline_intro(sel: Selection) -> str:
    """What the timeline shows and how to read it (one article or several)."""
    return render("narrative/timeline-intro.md.j2", several=len(sel.sources) > 1)


def _story_key(event_id: str, source_id: str) -> str:
    """The event an id names, without its article: '2018-teargas-bbc' -> '2018-teargas'."""
    return event_id[: -len(source_id) - 1] if event_id.endswith("-" + source_id) else event_id


def _days(events: pd.DataFrame, weekday: bool = False) -> list[tuple[str, pd.DataFrame]]:
    """Events by their shown date: a day, or the week, month or bound the article gives, each under its own
    heading (never a made-up day); a weekday only where an article prints it."""
    events = _ordered(events)
    shown = [
        event_date(
            r,
            weekday=weekday
            and r["date_precision"] == "day"
            and weekday_printed(r["date"], events[events["date"] == r["date"]]),
        )
        for _, r in events.iterrows()
    ]
    events = events.assign(_shown=[s.rstrip("†") for s in shown])
    groups = []
    for key, group in events.groupby("_shown", sort=False):
        inferred = (group["date_basis"] == "inferred").all()
        groups.append((str(key) + ("†" if inferred else ""), group.drop(columns="_shown")))
    return groups


def day_by_day(sel: Selection) -> str:
    """For each day (or month), its main events: the news first, one line per event however many articles report it."""
    events = queries.timeline(sel)
    if events.empty:
        return render("narrative/day-by-day.md.j2", days=[], key=INFERRED_KEY)
    events["story"] = [_story_key(e, s) for e, s in zip(events["event_id"], events["source_id"], strict=False)]
    days = []
    for heading, group in _days(events):
        top = group[group["prominence"] <= max(1, group["prominence"].min())]
        items = []
        for _, story_rows in top.groupby("story", sort=False):
            first = story_rows.iloc[0]
            items.append(
                {
                    "summary": first["summary"],
                    "article": outlet_name(first),
                    "also": [outlet_name(r) for _, r in story_rows.iloc[1:].iterrows()],
                }
            )
        # a day one article prints and the book works out for others' events says so (review 6, m4)
        printed = int(group.loc[group["date_basis"] == "stated", "source_id"].nunique())
        mixed = printed and (group["date_basis"] == "inferred").any() and (group["date_precision"] == "day").all()
        days.append(
            {"heading": heading, "items": items, "more": len(group) - len(top), "printed": printed if mixed else 0}
        )
    return render("narrative/day-by-day.md.j2", days=days, key=INFERRED_KEY)


def events_by_day(sel: Selection) -> str:
    """Every event with the article's own words, in a section the reader opens."""
    events = queries.timeline(sel)
    if events.empty:
        return ""
    days = [
        {
            "heading": heading,
            "items": [
                {
                    "summary": e["summary"],
                    "place": e["place"] if isinstance(e["place"], str) else None,
                    "article": outlet_name(e),
                    "excerpt": quoted(e["excerpt"], e["source_id"]),
                    # a day whose heading has no † (some of its items are printed) marks its worked-out items
                    "mark": INFERRED if e["date_basis"] == "inferred" and not heading.endswith(INFERRED) else "",
                }
                for _, e in group.iterrows()
            ],
        }
        for heading, group in _days(events, weekday=True)
    ]
    title = render("narrative/events-by-day-title.md.j2", count=len(events)).strip()
    return collapsible(title, render("narrative/events-by-day.md.j2", days=days))


def inferred_dates(sel: Selection) -> str:
    """How the book worked out each date the articles do not print in full."""
    events = _ordered(queries.timeline(sel))
    guessed = events[events["date_basis"] == "inferred"]
    if guessed.empty:
        return render("narrative/dating-notes.md.j2", items=[])
    if medium() == "student":  # an exercise asks how the first of them was dated: its note would answer it
        guessed = guessed.iloc[1:]
        if guessed.empty:
            return ""
    items = [
        {
            "date": event_date(e),
            "summary": e["summary"],
            "note": e["date_note"] if isinstance(e["date_note"], str) else None,
        }
        for _, e in guessed.iterrows()
    ]
    title = render("narrative/dating-notes-title.md.j2", count=len(guessed), several=len(sel.sources) > 1).strip()
    return collapsible(title, render("narrative/dating-notes.md.j2", items=items))


def stated_reasons(sel: Selection) -> str:
    """Why the migrants travelled, as the articles report it, each with the article's own words."""
    frame = queries.facts(sel)

    def rows(topic: str) -> list[dict]:
        return [
            {
                "value": capital(str(r["value"])),
                "article": Markup(capital(article_phrase(r))),
                "excerpt": quoted(r["excerpt"], r["source_id"]),
            }
            for _, r in frame[frame["topic"] == topic].iterrows()
        ]

    return render("narrative/reasons.md.j2", reasons=rows("stated_reasons"), carried=rows("carried"))
