"""The comparison page: two incidents side by side, in a table and in words.

Python picks the values and the case; the words are in ``book/templates/comparison/``. The table is raw HTML
(its row labels are row headers), so data text in it is HTML-escaped here (:func:`_h`) and passed to the
template as ``Markup``; Markdown is not parsed inside it.
"""

import contextlib
import html
from typing import Any

import pandas as pd
from markupsafe import Markup

from caravan_book.data import queries
from caravan_book.data.kinds import GROUPS
from caravan_book.data.selection import Selection
from caravan_book.story.common import news_values
from caravan_book.story.display import (
    INFERRED_KEY,
    figure_date,
    fmt_date,
    fmt_number,
    outlet_name,
)
from caravan_book.story.templates import render

#: The comparison's rows of facts (facts.csv topics), in the order the table gives them.
FACT_ROWS = (
    "mexican_police",
    "force_used",
    "us_administration",
    "us_response",
    "mexico_response",
    "origin",
    "destination",
    "stated_reasons",
    "carried",
)


def _h(text) -> Markup:
    """Data text for a raw HTML table: whitespace collapsed, HTML escaped (Markdown is not parsed there)."""
    return Markup(html.escape(" ".join(str(text).split()), quote=False))


def _article(row) -> dict[str, object]:
    """What the template needs to name an article: its label, or its byline when the outlet is not named."""
    unnamed = row.get("outlet_basis") == "not stated"
    byline = row.get("byline")
    name = outlet_name(row)
    return {
        "unnamed": unnamed,
        "byline": _h(byline) if unnamed and isinstance(byline, str) else None,
        "name": _h(name),
        "the": name.isupper(),
    }


def _speakers(sel: Selection) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Who gives a fact, when the fact's sentence is a statement's (review 4, M6): the speaker and role, so an
    official's account stands as theirs beside what the article itself reports; with the reporter's own words
    for the statement when it is reported, not quoted (None when it is quoted)."""
    frame = queries.statements(sel)
    found: dict[tuple[str, str], tuple[str, str | None]] = {}
    for _, r in frame.iterrows():
        role = r["role"] if isinstance(r["role"], str) and r["role"] else None
        reported = str(r["quote"]) if r["quote_kind"] == "reported" else None
        who = f"{r['speaker']} ({role})" if role else str(r["speaker"])
        found.setdefault((r["source_id"], r["excerpt"]), (who, reported))
    return found


def _facts(sel: Selection, topic: str) -> list[dict[str, object]]:
    frame = queries.facts(sel)
    speakers = _speakers(sel)
    items: list[dict[str, object]] = []
    for _, r in frame[frame["topic"] == topic].iterrows():
        who, reported = speakers.get((r["source_id"], r["excerpt"]), (None, None))
        # a value the reporter's own words give word for word ("criticism of the Trump administration from some
        # politicians") is the article's phrase, not the speaker's (review 8, M2)
        if reported is not None and str(r["value"]).casefold() in reported.casefold():
            who = None
        # a value that already names its speaker ("Interior Ministry says ...") does not name them twice
        named = who is not None and who.split(" (")[0].split()[-1].lower() in str(r["value"]).lower()
        items.append({"value": _h(r["value"]), "who": _h(who) if who and not named else None, "article": _article(r)})
    return items


def _figures(sel: Selection, metrics: list[str]) -> list[dict[str, object]]:
    frame = queries.figures(sel)
    items: list[dict[str, object]] = []
    for _, r in frame[frame["metric"].isin(metrics)].iterrows():
        items.append(
            {
                "label": _h(r["metric_label"]),
                "words": _h(r["as_printed"]),
                "who": _h(r["attributed_to"]) if isinstance(r["attributed_to"], str) else None,
                "article": _article(r),
                "when": _h(figure_date(r)),
            }
        )
    return items


def _statements(sel: Selection) -> dict[str, object]:
    frame = queries.statements(sel)
    counts = frame.groupby("group", sort=False).size()
    return {
        "groups": [{"group": _h(GROUPS[g]), "count": int(n)} for g, n in counts.items()],
        "articles": int(frame["source_id"].nunique()),
    }


def _border(sel: Selection) -> dict[str, object]:
    """The incident's month (border-wide) and the fiscal year that had just ended, with its Title 42 share."""
    month = queries.incident_month(sel)
    count = queries.encounters_in_month(month)
    first, last = queries.monthly_span()
    values: dict[str, object] = {
        "first": fmt_date(first, None, "month"),
        "last": fmt_date(last, None, "month"),
        "month": fmt_date(month, None, "month"),
    }
    if count is None:
        return values
    values["count"] = fmt_number(count)
    ended = queries.fiscal_year(month) - 1
    with contextlib.suppress(KeyError):
        totals = queries.encounters_fiscal_year(ended)
        total, title42 = int(totals["total_swb_encounters"]), int(totals["total_title42"])
        values |= {"ended": ended, "ended_total": fmt_number(total), "title42_pct": round(100 * title42 / total)}
    return values


def comparison_table(left: Selection, right: Selection) -> str:
    """The two incidents side by side, as an HTML table whose row labels are row headers.

    The rows that show article figures come from ``metrics.compare_group``, so the comparison works
    for any two incidents in the data; a row shows only when one of the two incidents has something in it.
    """
    li, ri = queries.incident(left), queries.incident(right)
    figure_rows: list[dict[str, Any]] = [
        {"label": _h(group), "cells": [_figures(left, metrics), _figures(right, metrics)], "several": len(metrics) > 1}
        for group, metrics in queries.compare_groups().items()
    ]
    fact_rows = [{"topic": t, "cells": [_facts(left, t), _facts(right, t)]} for t in FACT_ROWS]
    background = [_facts(left, "us_background"), _facts(right, "us_background")]
    return render(
        "comparison/table.md.j2",
        titles=[_h(li["title"]), _h(ri["title"])],
        places=[_h(li["place"]), _h(ri["place"])],
        dates=[
            _h(fmt_date(li["start_date"], li["start_date_basis"])),
            _h(fmt_date(ri["start_date"], ri["start_date_basis"])),
        ],
        figure_rows=[r for r in figure_rows if any(r["cells"])],
        fact_rows=[r for r in fact_rows if any(r["cells"]) or r["topic"] == "us_response"],
        background=background,
        statements=[_statements(left), _statements(right)],
        border=[_border(left), _border(right)],
        inferred_key=Markup(INFERRED_KEY),
    )


def comparison_lead(left: Selection, right: Selection) -> str:
    """The comparison's news lead (review 4, m1): each incident's day, place and first news sentence, before the
    table and the page's "Words on this page" line."""
    return render("comparison/lead.md.j2", sides=[news_values(sel, 1) for sel in (left, right)])


def _first_fact(sel: Selection, topic: str) -> pd.Series | None:
    frame = queries.facts(sel)
    rows = frame[frame["topic"] == topic]
    return None if rows.empty else rows.iloc[0]


def _months_apart(a: pd.Timestamp, b: pd.Timestamp) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month) - (1 if b.day < a.day else 0)


def _far_from_the_border(sel: Selection, other: Selection) -> dict[str, object] | None:
    """Where the incident's place is more than 100 km from every US place of the data: the straight-line
    distance to the other incident's place (the data holds no line of the border, so the book gives no distance
    "to the border", and no article names where a caravan meant to cross)."""
    from caravan_book.data import tables

    place, there = queries.incident(sel)["place"], queries.incident(other)
    us = tables.load("places").query("country == 'US'")["place"]
    if us.empty or place == there["place"]:
        return None
    if min(queries.distance_km(place, p) for p in us) <= 100:
        return None
    # where the article says the group set out from, when that is the incident's place: the article does not
    # say where the group was for the rest of the month (review 8, m11)
    start = _first_fact(sel, "route_start")
    return {
        "place": place,
        "start": str(start["value"]) if start is not None and str(start["value"]).startswith(place) else None,
        "year": f"{queries.incident(sel)['start_date']:%Y}",
        "other": there["place"],
        "other_year": f"{there['start_date']:%Y}",
        "km": fmt_number(round(queries.distance_km(place, there["place"]), -2)),
    }


def _km_apart(a: str, b: str) -> str | None:
    """The distance shown between two places: to 100 km, or to 1 km when nearer; None for one place
    (never "about 0 km")."""
    km = queries.distance_km(a, b) if a != b else 0.0
    distance = round(km, -2) if km >= 100 else round(km)
    return fmt_number(distance) if distance >= 1 else None


def comparison_text(left: Selection, right: Selection) -> str:
    li, ri = queries.incident(left), queries.incident(right)
    months = abs(_months_apart(li["start_date"], ri["start_date"]))
    values: dict[str, object] = {
        "left": li,
        "right": ri,
        "years": months // 12,
        "months": months % 12,
        "km": _km_apart(li["place"], ri["place"]),
    }
    first_admin, second_admin = _first_fact(left, "us_administration"), _first_fact(right, "us_administration")
    if first_admin is not None and second_admin is not None:
        values["admins"] = [first_admin["value"], second_admin["value"]]
    lm, rm = queries.incident_month(left), queries.incident_month(right)
    lc, rc = queries.encounters_in_month(lm), queries.encounters_in_month(rm)
    first, last = queries.monthly_span()
    # each incident's own month, never the table's last month before it (issue 19: no borrowed month)
    values["uncovered"] = [
        {"title": inc["title"], "month": fmt_date(month, None, "month")}
        for inc, month, count in ((li, lm, lc), (ri, rm, rc))
        if count is None
    ]
    values["span"] = {"first": fmt_date(first, None, "month"), "last": fmt_date(last, None, "month")}
    if lc is not None and rc is not None:
        frame = queries.encounters_monthly()
        months_shown = []
        for month, count in ((lm, lc), (rm, rc)):
            title42 = int(
                frame[(frame["month_start"] == month) & (frame["authority"] == "Title 42")]["encounters"].sum()
            )
            months_shown.append(
                {
                    "month": fmt_date(month, None, "month"),
                    "count": fmt_number(count),
                    "title42": fmt_number(title42) if title42 else None,
                }
            )
        ratio = rc / lc
        values |= {
            "border": months_shown,
            "ratio": f"{ratio if ratio >= 1 else 1 / ratio:.1f}",
            "more": ratio >= 1,
            "mixed": any(m["title42"] for m in months_shown) and not all(m["title42"] for m in months_shown),
            "far": [f for f in (_far_from_the_border(left, right), _far_from_the_border(right, left)) if f],
        }
    return render("comparison/text.md.j2", **values)


def comparison_around(left: Selection, right: Selection) -> str:
    """The paragraph over the chart of the months around each incident: which incidents it draws a line for,
    and which incident's month CBP's monthly table does not cover (its line is missing, never another month's)."""
    first, last = queries.monthly_span()
    sides = []
    for sel in (left, right):
        month = queries.incident_month(sel)
        sides.append(
            {
                "title": queries.incident(sel)["title"],
                "month": fmt_date(month, None, "month"),
                "drawn": not queries.encounters_around(sel).empty,
                "covered": queries.encounters_in_month(month) is not None,
            }
        )
    return render(
        "comparison/around.md.j2",
        sides=sides,
        first=fmt_date(first, None, "month"),
        last=fmt_date(last, None, "month"),
    )
