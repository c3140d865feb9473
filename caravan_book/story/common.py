"""The parts every page uses: metric names, a section the reader opens, the list of sources, discussion questions.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.story.display.md`, so it shows as text and never as markup.
"""

import html
import re

import pandas as pd
from markupsafe import Markup

from caravan_book.data import queries, tables
from caravan_book.data.kinds import ON_OR_BEFORE, OUTLET_BASIS
from caravan_book.data.selection import Selection
from caravan_book.settings import medium
from caravan_book.story.display import (
    OPEN_AFTER,
    article_phrase,
    bullet_list,
    cite,
    date_text,
    md,
    weekday_printed,
)
from caravan_book.story.templates import render, render_text


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


# ---------------------------------------------------------------- a page's first line
def _key_day(sel: Selection, events: pd.DataFrame) -> tuple[pd.Timestamp, pd.DataFrame]:
    """The day the page leads with and its lead events: the incident's day when it is known by the page's date
    (as_of), else the latest day the chosen articles report."""
    info = queries.incident(sel)
    start = pd.Timestamp(info["start_date"])
    # a lead event known only to be on or after a day (an undated photo caption) is not news of that day
    lead = events[(events["prominence"] == 0) & ~events["date_precision"].isin(OPEN_AFTER)]
    if (sel.as_of is None or start <= sel.as_of) and not lead.empty:
        return start, lead
    days = events[events["date_precision"].isin(("day", ON_OR_BEFORE))]  # news of a day, or reported by then
    day = days["date"].max() if not days.empty else events["date"].max()
    on_day = events[events["date"] == day]
    return day, on_day[on_day["prominence"] == on_day["prominence"].min()]


def _precision_of(news: pd.DataFrame) -> str:
    """How precisely a page's first line can date its news: to the day, unless every lead event is only known
    to be on or before that day."""
    if news.empty or "date_precision" not in news or (news["date_precision"] == "day").any():
        return "day"
    return str(news["date_precision"].iloc[0])


def headline(sel: Selection) -> dict:
    """What a page's first line says: the incident's title, its day and place; on an as_of page from before the
    incident, the day of the latest news instead (nothing from after that day)."""
    info = queries.incident(sel)
    events = queries.timeline(sel)
    known = sel.as_of is None or pd.Timestamp(info["start_date"]) <= sel.as_of
    day, news = _key_day(sel, events) if not events.empty else (pd.Timestamp(info["start_date"]), events)
    on_day = events[events["date"] == day]
    basis = info["start_date_basis"] if known else "inferred"
    shown = date_text(day, basis, _precision_of(news), weekday=weekday_printed(day, on_day))
    # a day one article prints and the book works out for others' events says so once (review 6, m4)
    dated = on_day[on_day["date_precision"] == "day"] if "date_precision" in on_day else on_day.iloc[0:0]
    printed = int(dated.loc[dated["date_basis"] == "stated", "source_id"].nunique())
    mixed = basis == "stated" and printed and (dated["date_basis"] == "inferred").any()
    return {
        "title": info["title"] if known else None,
        "as_of": date_text(sel.as_of) if sel.as_of is not None else None,
        "day": shown,
        "printed": printed if mixed and known else 0,
        "place": info["place"],
        "news": news,
    }


# ---------------------------------------------------------------- discussion questions
def discussion(section: str, sel: Selection | None = None, other: Selection | None = None) -> str:
    """Discussion questions that fit the page's selection (one article or several): ``common/discussion.md.j2``.
    With ``other`` (the comparison's second incident), whether the two incidents' articles share an outlet, come
    from different ones, or do not all name theirs (a question asserts only what the data says)."""
    outlets = None
    if sel is not None and other is not None:
        sides = [queries.sources(s) for s in (sel, other)]
        named_basis = [b for b in OUTLET_BASIS if b != OUTLET_BASIS[-1]]  # stated or inferred; the last: not stated
        named = [set(f.loc[f["outlet_basis"].isin(named_basis), "outlet"]) for f in sides]
        unnamed = any((~f["outlet_basis"].isin(named_basis)).any() for f in sides)
        outlets = "shared" if named[0] & named[1] else ("unknown" if unnamed else "different")
    return render(
        "common/discussion.md.j2", section=section, several=sel is None or len(sel.sources) > 1, outlets=outlets
    )


def parameters_sentence(sel: Selection) -> str:
    """The page's parameters as one plain sentence for readers, or nothing for the book's own parameters (all
    the articles, everything published): ``common/parameters.txt.j2``, every value HTML-escaped."""
    labels = tables.load("sources").set_index("source_id")["label"]
    return render_text(
        "common/parameters.txt.j2",
        title=html.escape(sel.title()),
        told_by=[] if sel.all_sources else [html.escape(str(labels[s])) for s in sel.sources],
        as_of=date_text(sel.as_of) if sel.as_of is not None else None,
    ).strip()


def colophon(sel: Selection) -> str:
    """The end of a page: how it was made and, for a page made with other parameters, what it tells."""
    return render("common/colophon.md.j2", tells=parameters_sentence(sel), several=len(sel.sources) > 1)


#: A lead event that is someone's account or a reaction, not the action itself: the lead's second paragraph
#: (here because the responses and comparison pages open with the same news lead as the narrative).
ACCOUNT = re.compile(r"\b(?:said|says that|told|defended|criticism|criticised)\b")


def other_versions(figures: pd.DataFrame, event: pd.Series) -> dict[str, object] | None:
    """The other versions of a number one lead sentence states (review 3, m7; review 4, M5): the event told in
    the words of one of its article's figures, and that figure's metric given differently elsewhere (another
    article, or a speaker). Said right after that sentence, with the metric named in words."""
    told = figures[(figures["source_id"] == event["source_id"]) & (figures["excerpt"] == event["excerpt"])]
    others = figures[figures["metric"].isin(told["metric"]) & ~figures["figure_id"].isin(told["figure_id"])]
    # the same article printing its own number again (in a headline) is no other version
    if told["attributed_to"].isna().any():
        others = others.loc[(others["source_id"] != event["source_id"]) | others["attributed_to"].notna()]
    if others.empty:
        return None
    return {
        "metric": others.iloc[0]["metric_label"],
        "list": [
            {
                "printed": r["as_printed"],
                "who": r["attributed_to"] if isinstance(r["attributed_to"], str) else None,
                "article": Markup(article_phrase(r)),
                "same": r["source_id"] == event["source_id"],  # "the same article", not its name again
            }
            for _, r in others.sort_values(["prominence", "figure_id"], kind="stable").iterrows()
        ],
    }


def news_lead(sel: Selection, sentences: int = 2) -> str:
    """A page's news lead in brief (review 4, m1): the incident, its day and place, and the first sentences of
    what happened (actions, not accounts), before the page's own matter and its "Words on this page" line."""
    return render("common/news-lead.md.j2", **news_values(sel, sentences))


def news_values(sel: Selection, sentences: int) -> dict[str, object]:
    """The values of a news lead: title (or as_of), day, place and up to ``sentences`` action sentences."""
    if queries.timeline(sel).empty:
        info = queries.incident(sel)
        return {"title": info["title"], "as_of": None, "day": None, "printed": 0, "place": info["place"], "news": []}
    top = headline(sel)
    ordered = lead_sentences(sel, top.pop("news"))
    actions = [s for s in ordered if not ACCOUNT.search(str(s["text"]))] or ordered
    return top | {"news": actions[:sentences]}


def lead_sentences(sel: Selection, news: pd.DataFrame) -> list[dict[str, object]]:
    """The lead events in order, each sentence with the other versions of a number it states (every lead gives
    them: review 9, M1)."""
    figures = queries.figures(sel)
    return [
        {"text": str(r["summary"]), "versions": other_versions(figures, r)}
        for _, r in news.sort_values(["date", "prominence"], kind="stable").iterrows()
    ]
