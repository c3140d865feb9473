"""The book's charts, drawn from the real data: hover text that prints dates as the tables beside the charts do,
maps that show the border and where a caravan was heading, large data aggregated instead of refused, and the
notebook's PNG drawn once (from the chart cache)."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pandas as pd
import pytest

from caravan_book import settings
from caravan_book.data import queries
from caravan_book.data.selection import select
from caravan_book.story import charts
from caravan_book.story import figures as render
from caravan_book.story import numbers as story
from caravan_book.story.display import date_text, figure_date
from caravan_book.story.templates import render_text
from tests.conftest import INCIDENT_IDS

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.CHART_CACHE_ENV, str(tmp_path / "chart-cache"))


def _titles(figure) -> list[dict[str, str]]:
    """Each data mark's hover text (its SVG title), as {name: value}."""
    svg, _ = render.drawing(figure.chart)
    marks = []
    for title in re.findall(r"<title>([^<]*)</title>", svg):
        fields = {}
        # a value may hold '; ' ('not stated; reported on ...'): a field starts with a capitalised name and ': '
        for part in re.split(r"; (?=[A-Z][^:;]*: )", unescape(title)):
            name, _, value = part.partition(": ")
            fields[name] = value
        marks.append(fields)
    return marks


def _words(chart: str) -> dict:
    return charts._labels()[chart]


@pytest.mark.parametrize("incident", INCIDENT_IDS)
def test_encounters_marks_print_their_month_as_the_table_does(incident):
    """Every bar's month is the month its table row prints (display's date_text); every diamond of an article's
    monthly figure prints that figure's date as the book's pages do (display's figure_date)."""
    sel = select(incident)
    start = queries.incident(sel)["start_date"]
    reported = story.monthly_reported(sel)
    figure = charts.encounters_chart(
        queries.encounters_monthly(), mark=start, mark_label="x", reported=reported, title="t", name="n"
    )
    w = _words("encounters")
    marks = _titles(figure)
    bars = [m for m in marks if w["legend"] in m]
    diamonds = [m for m in marks if w["in_words"] in m]
    assert len(bars) == len(figure.data) and len(diamonds) == len(reported)
    assert Counter(m[w["month"]] for m in bars) == Counter(figure.data[w["month"]])
    for month in figure.data[w["month"]]:
        assert re.fullmatch(r"[A-Z][a-z]+ \d{4}", month)  # a month, never a day
    assert sorted(m[w["month"]] for m in diamonds) == sorted(figure_date(r) for _, r in reported.iterrows())


def test_around_marks_print_their_month_as_the_table_does():
    left, right = (select(i) for i in INCIDENT_IDS)
    around = pd.concat([queries.encounters_around(left), queries.encounters_around(right)], ignore_index=True)
    figure = charts.around_chart(around, title="t", name="n")
    w = _words("around")
    marks = [m for m in _titles(figure) if w["month"] in m]
    assert len(marks) == len(figure.data)
    assert Counter((m[w["incident"]], m[w["month"]]) for m in marks) == Counter(
        zip(figure.data[w["incident"]], figure.data[w["month"]], strict=True)
    )
    assert set(figure.data[w["month"]]) == {date_text(m, None, "month") for m in around["month_start"]}


@pytest.mark.parametrize("incident", INCIDENT_IDS)
def test_timeline_marks_print_their_date_as_the_table_does(incident):
    figure = charts.timeline_chart(queries.timeline(select(incident)), name="t")
    w = _words("timeline")
    marks = _titles(figure)
    assert Counter(m[w["date"]] for m in marks) == Counter(figure.data[w["date"]])


@pytest.mark.parametrize("incident", INCIDENT_IDS)
def test_the_timeline_gives_its_dates_most_of_the_drawing_and_names_each_article_in_its_row(incident):
    """Article names beside the plot took half the drawing on a desktop: they sit in their rows now."""
    events = queries.timeline(select(incident))
    figure = charts.timeline_chart(events, name="t")
    svg, spec = render.drawing(figure.chart)
    drawn = float(re.search(r"--drawn: ([\d.]+)px", svg).group(1))
    assert spec["width"] / drawn >= 0.8
    texts = {unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
    assert set(events["label"]) <= texts


def test_a_very_long_article_name_does_not_widen_the_timeline():
    """A name is written in its row, cut to the plot's width: 300 characters once made the drawing, and the
    labels drawn to fit a phone, grow round after round until the PNG copy needed tens of gigabytes."""
    events = queries.timeline(select("2018-tijuana"))
    events["label"] = events["label"] + " word" * 60
    figure = charts.timeline_chart(events, name="t")
    svg, spec = render.drawing(figure.chart)
    assert float(re.search(r"--drawn: ([\d.]+)px", svg).group(1)) < 1.3 * spec["width"]
    assert len(render.png(spec)) < 2_000_000


def test_the_2021_map_shows_the_destination_the_border_and_both_countries():
    sel = select("2021-tapachula")
    facts = queries.facts(sel)
    figure = charts.route_map(queries.places(sel), facts, name="m")
    w = _words("map")
    svg, _ = render.drawing(figure.chart)
    texts = {unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
    assert {"United States", "Mexico", "Tapachula"} <= texts
    assert w["destination_label"].format(place="Mexico City") in texts
    # Mexico City is marked because a destination fact of the articles names it; its coordinates are the table's
    destination = figure.data[figure.data[w["role"]] == w["destination"]]
    assert list(destination[w["place"]]) == ["Mexico City"]
    named = facts[(facts["topic"] == "destination") & facts["value"].str.contains("Mexico City")]
    assert not named.empty and "Mexico City" in named["excerpt"].iloc[0]
    # the border: the arcs both outlines share, from the Pacific near Tijuana to the Gulf near Brownsville
    lines = charts.border_lines()
    points = [p for line in lines for p in line]
    assert min(x for x, _ in points) < -116.5 and max(x for x, _ in points) > -98
    assert all(25 < y < 33 for _, y in points)
    assert "MailOnline" in figure.caption and "Mexico City" in figure.alt_text


def test_the_2018_map_says_it_shows_the_main_places():
    sel = select("2018-tijuana")
    figure = charts.route_map(queries.places(sel), queries.facts(sel), name="m")
    assert "main places" in figure.caption
    assert _words("map")["destination"] not in set(figure.data[_words("map")["role"]])  # "the US" is no place


def _many_events(rows: int) -> pd.DataFrame:
    days = pd.date_range("2018-01-01", periods=rows // 10, freq="D").repeat(10)[:rows]
    return pd.DataFrame(
        {
            "date": days,
            "date_basis": ["stated", "inferred"] * (rows // 2),
            "date_precision": "day",
            "summary": [f"event {n}" for n in range(rows)],
            "place": "Tijuana",
            "label": [("BBC", "MailOnline", "Daniel Herborn (outlet not named)")[n % 3] for n in range(rows)],
            "excerpt": "",
        }
    )


def test_a_timeline_of_20000_events_is_drawn_per_month_and_says_so():
    events = _many_events(20_000)
    figure = charts.timeline_chart(events, name="many")
    w = _words("timeline")
    _svg, spec = render.drawing(figure.chart)  # drawn, not refused
    assert max(len(rows) for rows in spec["datasets"].values()) <= charts.MAX_ROWS
    assert figure.data[w["count"]].sum() == 20_000
    assert len(figure.data) == events["date"].dt.to_period("M").nunique() * 3
    assert set(figure.data[w["month"]]) == {date_text(m, None, "month") for m in events["date"]}
    note = render_text("charts/aggregated.txt.j2", rows="20,000", what=charts._labels()["aggregated"]["events"])
    assert " ".join(note.split()) in figure.caption
    marks = _titles(figure)
    assert Counter(m[w["month"]] for m in marks) == Counter(figure.data[w["month"]])


def test_20000_daily_counts_are_drawn_per_month_and_say_so():
    days = pd.date_range("1970-01-01", periods=10_000, freq="D")
    monthly = pd.DataFrame(
        {
            "month_start": days.repeat(2),
            "authority": ["Title 8", "Title 42"] * 10_000,
            "encounters": 3,
            "fiscal_year": [d.year + (d.month >= 10) for d in days.repeat(2)],
        }
    )
    figure = charts.encounters_chart(
        monthly, mark=days[0], mark_label="x", reported=pd.DataFrame(), title="t", name="n"
    )
    w = _words("encounters")
    render.drawing(figure.chart)
    assert len(figure.data) == 2 * days.to_period("M").nunique()
    assert figure.data[w["encounters"]].replace("", 0).astype(int).sum() == 60_000
    assert "20,000" in figure.caption


def test_a_plain_altair_chart_of_too_many_rows_is_still_refused_clearly():
    import altair as alt

    frame = pd.DataFrame({"x": range(render.MAX_MARKS + 1)})
    with pytest.raises(ValueError, match="aggregate"):
        render.drawing(alt.Chart(frame).mark_point().encode(x="x:Q"))


def test_the_notebook_png_comes_from_the_chart_cache(tmp_path):
    sel = select("2021-tapachula")
    figure = charts.timeline_chart(queries.timeline(sel), name="t")
    first, _ = figure._repr_mimebundle_()
    cached = list((tmp_path / "chart-cache").rglob("*.png"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    again, _ = figure._repr_mimebundle_()
    assert again["image/png"] == first["image/png"] and cached[0].stat().st_mtime_ns == stamp


def test_labels_stay_12_px_when_a_drawing_is_scaled_to_a_phone():
    """Each of the book's charts is drawn with labels large enough for the phone's column (the browser test
    measures the built pages; this checks the rule on the drawings themselves)."""
    sel = select("2018-tijuana")
    _claims, check = story.record_claim(sel)
    start = queries.incident(sel)["start_date"]
    built = [
        charts.timeline_chart(queries.timeline(sel), name="t"),
        charts.route_map(queries.places(sel), queries.facts(sel), name="m"),
        charts.disagreement_chart(queries.disagreements(sel), title="A title of some length, as pages give", name="d"),
        charts.annual_chart(
            queries.apprehensions_annual(),
            check=check,
            mark_year=queries.fiscal_year(start),
            title="Border Patrol apprehensions at the Southwest border, by fiscal year",
            name="a",
        ),
    ]
    for figure in built:
        svg, _spec = render.drawing(figure.chart)
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
        assert min(sizes) * render.PHONE_COLUMN / width >= 12, figure.name
