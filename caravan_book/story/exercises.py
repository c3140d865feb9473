"""Exercises with solutions (sphinx-exercise directives), worked out from the data.

Labels carry the section and a digest of its parameters, so one notebook can make several
pages of one book without two exercises sharing a label. Solutions are dropdowns; the
student edition hides them (``hide_solutions``).
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup

from caravan_book import story
from caravan_book.data import queries
from caravan_book.data.kinds import COUNTRY_NAMES
from caravan_book.data.selection import Selection
from caravan_book.settings import medium
from caravan_book.story import templates
from caravan_book.story.display import (
    article,
    article_phrase,
    capital,
    figure_sentence,
    fmt_date,
    fmt_number,
    printed_qualifier,
)
from caravan_book.text.vocabulary import WEEKDAYS


def _label(section: str, *selections: Selection) -> str:
    digest = hashlib.sha1("|".join(s.describe() for s in selections).encode()).hexdigest()[:6]
    return f"{section}-{'-'.join(s.incident for s in selections)}-{digest}"


def render(section: str, items: list[tuple[str, str]], *selections: Selection) -> str:
    """MyST for a list of (question, solution) pairs, numbered from 1 (plain Markdown outside the Sphinx site)."""
    prefix = _label(section, *selections)
    exercises = [
        {"n": n, "label": f"{prefix}-{n}", "question": Markup(q), "solution": Markup(a)}
        for n, (q, a) in enumerate(items, 1)
    ]
    return templates.render("exercises/list.md.j2", exercises=exercises, medium=medium())


def _items(template: str, **values: object) -> list[tuple[str, str]]:
    """The (question, solution) pairs a template in ``book/templates/exercises/`` writes, in its order.

    Each exercise in the template opens with a ``<!-- question -->`` line and its solution with a
    ``<!-- solution -->`` line; an exercise the data cannot support is left out by the template."""
    text = templates.render(f"exercises/{template}.md.j2", **values)
    items = []
    for block in text.split(QUESTION)[1:]:
        question, _, solution = block.partition(SOLUTION)
        items.append((question.strip(), solution.strip()))
    return items


QUESTION, SOLUTION = "<!-- question -->", "<!-- solution -->"


def _event(row) -> dict[str, object]:
    return {
        "summary": row["summary"],
        "date": fmt_date(row["date"], row["date_basis"]),
        "month_or_day": fmt_date(row["date"], None, row["date_precision"]),
        "note": row["date_note"],
    }


def narrative(sel: Selection) -> str:
    events = queries.timeline(sel)
    by_source = events.groupby("label").size()
    top = by_source[by_source == by_source.max()]
    guessed = events[events["date_basis"] == "inferred"]
    dated = events[events["date_precision"] == "day"]  # a day count needs dates known to the day
    values: dict[str, object] = {"sources": len(by_source)}
    if dated["date"].nunique() > 1:
        first, last = dated.iloc[dated["date"].argmin()], dated.iloc[dated["date"].argmax()]
        values |= {
            "first": _event(first),
            "last": _event(last),
            "days": (last["date"] - first["date"]).days,
            "skipped": len(events) - len(dated),
            "skipped_kinds": sorted(set(events.loc[events["date_precision"] != "day", "date_precision"])),
            "all_worked_out": bool((dated["date_basis"] == "inferred").all()),
        }
    if len(by_source) > 1:
        values |= {"leaders": sorted(top.index), "most": int(top.iloc[0])}
    if not guessed.empty:
        g = guessed.iloc[0]
        values["guessed"] = _event(g) | {"risk": _risk(str(g["date_note"]))}
    return render("narrative", _items("narrative", **values), sel)


def _risk(note: str) -> str:
    """How a worked-out date was worked out (a weekday, a bound, a month): the template says what could go wrong."""
    if any(day in note for day in WEEKDAYS):
        return "weekday"
    if "bound" in note or "more than" in note or "before" in note:
        return "bound"
    return "reading"


def numbers(sel: Selection) -> str:
    disputed = queries.disagreements(sel)
    values: dict[str, object] = {}
    if not disputed.empty:
        metric, group = next(iter(disputed.groupby("quantity")))
        values["disputed"] = {
            "label": Markup(story.metric_label(metric)),
            "versions": [Markup(figure_sentence(r)) for _, r in group.iterrows()],
        }
    figures = queries.figures(sel)
    words = [printed_qualifier(r) for _, r in figures.iterrows()]
    qualified = figures[[w is not None for w in words]]
    if not qualified.empty:
        q = qualified.iloc[0]
        values["qualified"] = {
            "article": Markup(capital(article_phrase(q))),
            "printed": q["as_printed"],
            "word": printed_qualifier(q),
            "qualifier": q["qualifier"],
        }
    month = queries.incident_month(sel)
    count = queries.encounters_in_month(month)
    if count is not None:
        values["month"] = {
            "month": fmt_date(month, None, "month"),
            "count": fmt_number(count),
            "fiscal_year": queries.fiscal_year(month),
        }
    return render("numbers", _items("numbers", **values), sel)


def responses(sel: Selection) -> str:
    frame = queries.statements(sel)
    counts = frame.groupby("group_label").size()
    if counts.empty:
        return render("responses", [], sel)
    most, least = int(counts.max()), int(counts.min())
    official_groups = {"us-federal", "mexico-federal"}
    by_group = frame.groupby("group")["group_label"].first()
    values: dict[str, object] = {
        "most": most,
        "least": least,
        "most_groups": sorted(counts[counts == most].index),
        "least_groups": sorted(counts[counts == least].index),
    }
    # Which officials the counts put first and last, from the counts (review 2, M5): "officials have the fewest"
    # only when every government quoted has the fewest.
    officials = {by_group[g]: int(counts[by_group[g]]) for g in by_group.index if g in official_groups}
    values |= {
        "officials_most": [],
        "officials_fewest": False,
        "officials_quoted": bool(officials),
        "groups": len(counts),
    }
    if officials and most != least:
        values["officials_most"] = sorted(g for g, n in officials.items() if n == most)
        values["officials_fewest"] = all(n == least for n in officials.values())
    official = frame[
        frame["group"].isin(list(official_groups))
        & (frame["quote_kind"] == "direct")
        & (frame["quote"].str.split().str.len() >= 6)
    ]
    if not official.empty:
        o = official.iloc[0]
        values["official"] = {
            "quote": o["quote"],
            "speaker": o["speaker"],
            "institution": o["institution"],
            "a": article(o["channel"]),
            "channel": o["channel"],
            "article": Markup(article_phrase(o)),
        }
    repeated = frame[frame["quote_kind"] == "direct"].groupby(["speaker", "quote"])["source_id"].nunique()
    repeated = repeated[repeated > 1]
    if not repeated.empty:
        speaker, quote = repeated.index[0]
        values["repeated"] = {"speaker": speaker, "quote": quote, "articles": int(repeated.iloc[0])}
    return render("responses", _items("responses", **values), sel)


def _force(sel: Selection, facts) -> dict[str, object] | None:
    """The first force used an article reports itself (own) and the first an official's statement gives (said,
    who): none when the data holds no force used."""
    from caravan_book.story.comparison import _speakers

    speakers = _speakers(sel)
    rows = facts[facts["topic"] == "force_used"]
    if rows.empty:
        return None
    own, said, who = None, None, None
    for _, r in rows.iterrows():
        speaker = speakers.get((r["source_id"], r["excerpt"]))
        if speaker is None and own is None:
            own = r["value"]
        elif speaker is not None and said is None:
            said, who = r["value"], speaker[0]
    return {"own": own, "said": said, "who": who}


def comparison(left: Selection, right: Selection) -> str:
    """The comparison's exercises, each solution computed from the two incidents' rows (issue 19: nothing the
    articles do not say, no month the CBP table does not cover)."""
    li, ri = queries.incident(left), queries.incident(right)
    lm, rm = queries.incident_month(left), queries.incident_month(right)
    lc, rc = queries.encounters_in_month(lm), queries.encounters_in_month(rm)

    def side(sel: Selection, incident) -> dict[str, object]:
        facts = queries.facts(sel)
        return {
            "title": incident["title"],
            "place": incident["place"],
            "country": COUNTRY_NAMES.get(incident["country"], incident["country"]),
            "on_border": _on_the_us_border(str(incident["place"])),
            "date": fmt_date(incident["start_date"], incident["start_date_basis"]),
            "articles": len(sel.sources),
            # what the articles report of officers and force, in the data's words (none: the template says so):
            # every police line the articles report (one article may not say whose it was), the first force used
            "officers": {
                topic: list(values) if topic == "mexican_police" else values.iloc[0]
                for topic, values in facts[facts["topic"].isin(["mexican_police", "force_used"])].groupby(
                    "topic", sort=False
                )["value"]
            },
            # both sides of the force, as the comparison table gives them (review 9, m8): the first force the
            # articles report in their own words, and the first an official's statement gives, with its speaker
            "force": _force(sel, facts),
        }

    def quotes(sel: Selection) -> list[dict[str, object]]:
        frame = queries.statements(sel)
        direct = frame[frame["quote_kind"] == "direct"]
        return [
            {"speaker": r["speaker"], "quote": r["quote"], "article": Markup(article_phrase(r))}
            for _, r in direct.iterrows()
        ]

    values: dict[str, object] = {
        "left": side(left, li),
        "right": side(right, ri),
        "quotes": quotes(left) + quotes(right),
    }
    if lc is not None and rc is not None:
        monthly = queries.encounters_monthly()
        title42 = monthly[monthly["authority"] == "Title 42"].set_index("month_start")["encounters"]
        values["border"] = {
            "left_month": fmt_date(lm, None, "month"),
            "right_month": fmt_date(rm, None, "month"),
            "left": fmt_number(lc),
            "right": fmt_number(rc),
            "ratio": f"{rc / lc:.1f}",
            "left_title42": fmt_number(int(title42.get(lm, 0))) if title42.get(lm, 0) else None,
            "right_title42": fmt_number(int(title42.get(rm, 0))) if title42.get(rm, 0) else None,
        }
    return render("comparison", _items("comparison", **values), left, right)


def _on_the_us_border(place: str) -> bool:
    """Is a place within 100 km of a US place of the data (Tijuana is; Tapachula is not)?"""
    from caravan_book.data import tables

    us = tables.load("places").query("country == 'US'")["place"]
    return any(queries.distance_km(place, p) <= 100 for p in us)
