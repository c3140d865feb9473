"""Every chart of the book, as Altair charts built from query results.

One concern, long because the book has seven charts, one function each (drawing them is
:mod:`caravan_book.story.figures`). Each function returns a :class:`~caravan_book.story.figures.Figure`: the
chart plus its caption (naming the source), a text alternative, and the exact data drawn.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from typing import Any, Literal

import altair as alt
import pandas as pd

from caravan_book.data import tables
from caravan_book.data.kinds import GROUPS
from caravan_book.settings import data_dir
from caravan_book.story.display import (
    OPEN_AFTER,
    OPEN_BEFORE,
    date_span,
    date_text,
    event_date,
    figure_date,
    fmt_date,
    fmt_number,
)
from caravan_book.story.figures import Figure
from caravan_book.story.templates import render_text

#: Plot width (px at the drawn size): with axes and labels a chart is drawn about 450 px wide, then scaled (its
#: labels drawn large enough to stay 12 px on a phone: see ``figures.drawing``).
WIDTH = 340
#: A chart of more data rows than this draws them aggregated (per month and group) and its caption says so.
MAX_ROWS = 1000
#: How far a one-sided date's fading bar reaches towards its open side, in pixels (not a number of days).
OPEN_BAR_PX = 30
#: text alignments, typed as Vega-Lite names them
LEFT: Literal["left"] = "left"
RIGHT: Literal["right"] = "right"
PALETTE = ["#1b6ca8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#34495e", "#b8860b"]


#: Title 8 dark, Title 42 light orange: different in hue and far apart in greyscale (about 30% against 65% lightness).
@functools.cache
def _labels() -> dict[str, dict[str, str]]:
    """The charts' axis, legend, tooltip and table names (book/templates/charts/labels.yml)."""
    import yaml

    from caravan_book.story.templates import TEMPLATES_DIR

    return yaml.safe_load((TEMPLATES_DIR / "charts" / "labels.yml").read_text(encoding="utf-8"))


def _words(chart: str) -> dict[str, str]:
    return _labels()[chart]


def _plain(name: str, **values: object) -> str:
    """A caption or text alternative from ``book/templates/charts/NAME.txt.j2``: plain text (the figure
    HTML-escapes it), so values are passed through unescaped."""
    from markupsafe import Markup

    from caravan_book.story.templates import render

    def raw(value: object) -> object:
        if isinstance(value, str):
            return Markup(value)
        if isinstance(value, list):
            return [raw(v) for v in value]
        if isinstance(value, dict):
            return {k: raw(v) for k, v in value.items()}
        return value

    return " ".join(render(f"charts/{name}.txt.j2", **{k: raw(v) for k, v in values.items()}).split())


def _authority_names() -> dict[str, str]:
    """Title 8 / Title 42 -> the legend's name for it (labels.yml)."""
    return _labels()["authorities"]


AUTHORITY_COLOURS = ["#1b4f72", "#f0a030"]
#: One colour per group of speakers on every page, whichever groups a page shows (keys: kinds.GROUPS).
GROUP_COLOURS = {
    "us-federal": "#1b4f72",
    "mexico-federal": "#2e8b57",
    "local-official": "#b8860b",
    "organizer-advocate": "#8e44ad",
    "migrant": "#c0392b",
    "resident": "#d35400",
}


def group_scale(labels: pd.Series) -> alt.Scale:
    """The colours of the groups present, each group always in its own colour."""
    present = [(GROUPS[key], colour) for key, colour in GROUP_COLOURS.items() if GROUPS[key] in set(labels)]
    return alt.Scale(domain=[label for label, _ in present], range=[colour for _, colour in present])


class NoData:
    """What a chart's place on the page says when the selection has no rows for it (an incident entered
    step by step, a narrow choice of sources): a sentence instead of a crash."""

    def __init__(self, what: str):
        self.what = _labels().get("no_data", {}).get(what, what)  # a key of labels.yml, or the words themselves

    def _repr_markdown_(self) -> str:
        from caravan_book.story.templates import render

        return render("charts/no-data.md.j2", what=self.what).strip()


def needs_rows(what: str) -> Callable[[Callable[..., Figure]], Callable[..., Figure | NoData]]:
    """A chart whose first argument (a table) has no rows is replaced by a sentence saying so."""

    def wrap(chart: Callable[..., Figure]) -> Callable[..., Figure | NoData]:
        @functools.wraps(chart)
        def draw(frame: pd.DataFrame, *args: Any, **kwargs: Any) -> Figure | NoData:
            return NoData(what) if frame.empty else chart(frame, *args, **kwargs)

        return draw

    return wrap


def _source_list(frame: pd.DataFrame) -> str:
    outlets = sorted(set(frame["label"]))
    return "; ".join(outlets)


def _timeline_words(part: str, **values: Any) -> str:
    """The timeline's title, caption or text alternative, from its template (plain text: the figure escapes it)."""
    return render_text("narrative/timeline-chart.txt.j2", part=part, **values).strip()


def _month_counts(frame: pd.DataFrame, when: str, groups: list[str], value: str | None = None) -> pd.DataFrame:
    """Rows aggregated per month and group: ``month_start``, the groups and ``count`` (rows, or sums of ``value``)."""
    keyed = frame.assign(month_start=frame[when].dt.to_period("M").dt.to_timestamp())
    grouped = keyed.groupby(["month_start", *groups], sort=True)
    counted = grouped[value].sum() if value else grouped.size()
    return counted.rename("count").reset_index()


def _aggregated_note(rows: int, what: str) -> str:
    """The caption's sentence on a chart whose rows were too many to draw one by one."""
    return _plain("aggregated", rows=fmt_number(rows), what=_words("aggregated")[what])


@needs_rows("events")
def timeline_chart(events: pd.DataFrame, title: str | None = None, name: str = "timeline") -> Figure:
    """Each event once per article: a day as a point, a vaguer date (a week, a month, "before 6 November") as the
    span it can mean, never on a made-up day. The mark's tooltip, the table and the CSV print the same date
    (:func:`~caravan_book.story.display.event_date`); marks on the same day and row are spread apart.
    More than :data:`MAX_ROWS` events are counted per month and article instead."""
    if len(events) > MAX_ROWS:
        return _timeline_by_month(events, title, name)
    w = _words("timeline")
    basis_names = {b: _timeline_words("basis", basis=b) for b in ("stated", "inferred")}
    spans = [date_span(d, p) for d, p in zip(events["date"], events["date_precision"], strict=False)]
    data = pd.DataFrame(
        {
            "date": [event_date(r) for _, r in events.iterrows()],
            "basis": events["date_basis"].map(basis_names),
            "what": events["summary"],
            "place": events["place"],
            "article": events["label"],
        }
    )
    precisions = list(events["date_precision"])
    # a one-sided bound ("before 6 November", "after 20 January") has no first or last day: it is drawn as a
    # tick on its bound with a fading bar towards the open side, of a fixed length in pixels, not in days
    opens = ["left" if p in OPEN_BEFORE else "right" if p in OPEN_AFTER else "" for p in precisions]
    plotted = data.assign(
        start=[s for s, _ in spans],
        end=[e + pd.Timedelta(hours=23) if not pd.isna(e) else pd.NaT for _, e in spans],
        bound=[d if o else pd.NaT for d, o in zip(events["date"], opens, strict=True)],
        open=opens,
        span=[p != "day" and not o for p, o in zip(precisions, opens, strict=True)],
    )
    # marks on one day of one article's row are spread over the row's height, so each can be seen and pointed at
    plotted["slot"] = plotted.groupby(["article", plotted["start"].fillna(plotted["bound"])]).cumcount()
    plotted["spread"] = (plotted["slot"] % 7 - 3) * 4 + 14  # below the article's name, at the top of the row
    basis_scale = list(basis_names.values())
    height = max(130, 64 * data["article"].nunique())  # room for an article's name over its marks
    # each article's name is written at the top of its own row, over the marks, not beside the plot: long names
    # ("Daniel Herborn (outlet not named)") would otherwise take half the drawing's width from the dates
    row_y = alt.Y("article:N", title=None, axis=alt.Axis(labels=False, ticks=False, domain=False))
    row_offset = alt.YOffset("spread:Q", scale=alt.Scale(domain=[-40, 40]), title=None)
    base = alt.Chart(plotted).encode(
        y=row_y,
        yOffset=row_offset,
        color=alt.Color(
            "basis:N",
            title=_timeline_words("legend"),
            scale=alt.Scale(domain=basis_scale, range=[PALETTE[0], PALETTE[1]]),
        ),
        tooltip=[
            alt.Tooltip("date:N", title=w["date"]),
            alt.Tooltip("basis:N", title=w["basis"]),
            alt.Tooltip("what:N", title=w["what"]),
            alt.Tooltip("article:N", title=w["article"]),
        ],
    )
    # the scale is padded by a fading bar's reach, so a bound at the first or last day keeps its open side visible
    padded = alt.Scale(padding=OPEN_BAR_PX)
    axis = alt.X("start:T", title=None, axis=alt.Axis(format="%d %b %Y", labelAngle=-30, tickCount=4), scale=padded)
    points = (
        base.transform_filter(~alt.datum.span & (alt.datum.open == ""))
        .mark_point(filled=True, size=90, opacity=0.85)
        .encode(
            x=axis,
            shape=alt.Shape(
                "basis:N",
                title=_timeline_words("legend"),
                scale=alt.Scale(domain=basis_scale, range=["circle", "triangle-up"]),
            ),
        )
    )
    bars = (
        base.transform_filter("datum.span")
        .mark_bar(height=6, opacity=0.6, cornerRadius=3)
        .encode(x=axis, x2=alt.X2("end:T"))
    )
    bound_axis = alt.X("bound:T", title=None, scale=padded)
    ticks = (
        base.transform_filter(alt.datum.open != "").mark_tick(thickness=3, size=14, opacity=0.9).encode(x=bound_axis)
    )
    fades = []
    for basis, colour in zip(basis_scale, PALETTE, strict=False):
        for side, reach in (("left", -OPEN_BAR_PX), ("right", OPEN_BAR_PX)):
            ends = [colour, "#ffffff"] if side == "right" else ["#ffffff", colour]
            stops = [alt.GradientStop(color=c, offset=i) for i, c in enumerate(ends)]
            fades.append(
                alt.Chart(plotted)
                .transform_filter(alt.datum.open == side)
                .transform_filter(alt.datum.basis == basis)
                .mark_bar(
                    height=6,
                    opacity=0.8,
                    clip=True,
                    x2Offset=reach,
                    color=alt.Gradient(gradient="linear", stops=stops, x1=0, x2=1),
                )
                .encode(x=bound_axis, x2=alt.X2("bound:T"), y=row_y, yOffset=row_offset)
            )
    names = (
        alt.Chart(pd.DataFrame({"article": data["article"].unique(), "top": -40}))
        # at most the plot's width (cut with an ellipsis: the caption and the table give every name whole), so
        # a long name cannot widen the drawing and, with it, the labels drawn to fit a phone (figures.drawing)
        .mark_text(align=LEFT, baseline="top", dx=4, dy=2, fontWeight="bold", color="#222", limit=WIDTH + 32)
        .encode(
            x=alt.value(0), y=row_y, yOffset=alt.YOffset("top:Q", scale=alt.Scale(domain=[-40, 40])), text="article:N"
        )
    )
    title = title or _timeline_words("title")
    description = _timeline_words("description", events=len(data), articles=data["article"].nunique())
    chart = alt.layer(*fades, bars, ticks, points, names, title=title).properties(
        width=WIDTH + 40, height=height, description=description
    )
    # the first and last rows in the timeline's order (a bound by its bound day; "on or after" last on its day)
    first, last = events.index[0], events.index[-1]
    inferred = int((events["date_basis"] == "inferred").sum())
    alt_text = _timeline_words(
        "alt",
        events=len(data),
        first=data.loc[first, "date"],
        last=data.loc[last, "date"],
        inferred=inferred,
        printed=len(data) - inferred,
        spans=int(plotted["span"].sum()),
        bounds=sum(1 for o in opens if o),
    )
    caption = _timeline_words("caption", sources=_source_list(events))
    shown = data.rename(columns={key: w[key] for key in data.columns})
    return Figure(chart, caption=caption, alt_text=alt_text, data=shown, name=name)


def _timeline_by_month(events: pd.DataFrame, title: str | None, name: str) -> Figure:
    """The timeline of too many events to draw one by one: how many each article dates to each month."""
    w = _words("timeline")
    counts = _month_counts(events, "date", ["label"]).rename(columns={"label": "article"})
    counts["month"] = [date_text(m, None, "month") for m in counts["month_start"]]
    chart = (
        alt.Chart(counts, title=title or _timeline_words("title"), width=WIDTH, height=alt.Step(44))
        .mark_circle(color=PALETTE[0], opacity=0.85)
        .encode(
            x=alt.X("month_start:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=-30, tickCount=4)),
            y=alt.Y("article:N", title=None, axis=alt.Axis(labelLimit=200)),
            size=alt.Size("count:Q", title=w["count"], legend=alt.Legend(orient="bottom", direction="horizontal")),
            tooltip=[
                alt.Tooltip("month:N", title=w["month"]),
                alt.Tooltip("article:N", title=w["article"]),
                alt.Tooltip("count:Q", title=w["count"], format=","),
            ],
        )
        .properties(
            description=_timeline_words("description", events=len(events), articles=counts["article"].nunique())
        )
    )
    caption = _timeline_words("caption", sources=_source_list(events)) + " " + _aggregated_note(len(events), "events")
    alt_text = caption
    shown = counts[["month", "article", "count"]].rename(columns={key: w[key] for key in ("month", "article", "count")})
    return Figure(chart, caption=caption, alt_text=alt_text, data=shown, name=name)


def _world() -> str:
    """The country outlines as TopoJSON text: Vega parses it, Altair need not walk it (much faster)."""
    tables.record_use("world")  # pages with a map depend on the outlines file
    return (data_dir() / "reference" / "world-110m.json").read_text(encoding="utf-8")


#: The numeric country codes (ISO 3166-1) of the two countries whose border the maps draw, in the world file.
US_NUMERIC_CODE, MX_NUMERIC_CODE = 840, 484


@functools.cache
def border_lines(
    first: int = US_NUMERIC_CODE, second: int = MX_NUMERIC_CODE
) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The border between two countries of the world file, as lines of (longitude, latitude) points: the arcs
    the two countries' outlines share (TopoJSON stores a shared border once, as an arc both outlines name)."""
    topology = json.loads(_world())
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]

    def arcs_of(code: int) -> set[int]:
        found: set[int] = set()

        def walk(node: Any) -> None:
            if isinstance(node, list):
                for item in node:
                    walk(item)
            elif isinstance(node, int):
                found.add(node if node >= 0 else ~node)

        for geometry in topology["objects"]["countries"]["geometries"]:
            if int(geometry.get("id", -1)) == code:
                walk(geometry["arcs"])
        return found

    lines = []
    for index in sorted(arcs_of(first) & arcs_of(second)):
        x = y = 0
        points = []
        for dx, dy in topology["arcs"][index]:  # delta-encoded, quantized positions
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        lines.append(tuple(points))
    return tuple(lines)


def _destinations(facts: pd.DataFrame | None, shown: set[str]) -> pd.DataFrame:
    """The places of the places table that the articles name as where the caravan was heading (the facts of
    topic ``destination`` whose value names the place), with the fact that names each."""
    places = tables.load("places")
    if facts is None or facts.empty:
        return places.iloc[0:0].assign(fact_id="", article="")
    heading = facts[facts["topic"] == "destination"]
    sources = tables.load("sources")
    labels = dict(zip(sources["source_id"], sources["label"], strict=False))
    rows = []
    for _, place in places.iterrows():
        if place["place"] in shown:
            continue
        naming = heading[heading["value"].str.contains(place["place"], regex=False)]
        if not naming.empty:
            fact = naming.iloc[0]
            rows.append({**place.to_dict(), "fact_id": fact["fact_id"], "article": labels.get(fact["source_id"], "")})
    return pd.DataFrame(rows, columns=[*places.columns, "fact_id", "article"])


@needs_rows("places")
def route_map(
    places: pd.DataFrame, facts: pd.DataFrame | None = None, title: str | None = None, name: str = "places"
) -> Figure:
    """A map of the main places of an incident, on offline country outlines, with the US–Mexico border drawn
    and its two countries named; a place the articles name as the caravan's destination (``facts``) is marked
    as such, with a dashed line from where the incident began."""
    w = _words("map")
    heading = _destinations(facts, set(places["place"]))
    data = pd.concat(
        [
            places[["place", "country", "latitude", "longitude", "reliability"]].assign(role=w["named"]),
            heading[["place", "country", "latitude", "longitude", "reliability"]].assign(role=w["destination"]),
        ],
        ignore_index=True,
    )
    border = [point for line in border_lines() for point in line]
    # the drawn area holds every place and the whole US–Mexico border, so the reader sees where the border is
    lons = [*data["longitude"], *(x for x, _ in border)]
    lats = [*data["latitude"], *(y for _, y in border)]
    lon_min, lon_max, lat_min, lat_max = min(lons), max(lons), min(lats), max(lats)
    height = round(WIDTH * 0.9)
    # Mercator: the scale that fits both the longitudes and the (stretched) latitudes, with a margin around them

    def north(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    across = max(math.radians(lon_max - lon_min), math.radians(4.0))
    down = max(north(lat_max) - north(lat_min), math.radians(3.0))
    scale = min(WIDTH / across, height / down) / 1.3
    middle = math.degrees(2 * math.atan(math.exp((north(lat_max) + north(lat_min)) / 2)) - math.pi / 2)
    center = [(lon_min + lon_max) / 2, middle]
    # outlines are cut to the drawn area, so the page does not carry the rest of the world (~150 KB of SVG)
    projection = {"type": "mercator", "scale": scale, "center": center, "clipExtent": [[0, 0], [WIDTH, height]]}
    outlines = alt.InlineData(values=_world(), format=alt.DataFormat(type="topojson", feature="countries"))
    # the United States a cooler tint than its neighbours, so the border shows where the two tints meet
    land = (
        alt.Chart(outlines)
        .mark_geoshape(stroke="#8a8a8a", strokeWidth=0.6)
        .encode(fill=alt.condition(f"datum.id == {US_NUMERIC_CODE}", alt.value("#d6e0ea"), alt.value("#eceae4")))
        .project(**projection)
    )
    border_shape = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "MultiLineString", "coordinates": [list(map(list, line)) for line in border_lines()]},
    }
    border_line = (
        alt.Chart(alt.InlineData(values=[border_shape], format=alt.DataFormat(type="json")))
        .mark_geoshape(filled=False, stroke="#333", strokeWidth=2.2)
        .project(**projection)
    )
    # each country's name on its side of the border: the United States above its eastern part, Mexico well below
    # its middle (places on the border have their own labels there)
    west, east_end = min(x for x, _ in border), max(x for x, _ in border)

    def border_at(lon: float) -> float:
        return min(border, key=lambda point: abs(point[0] - lon))[1]

    gap = (lat_max - lat_min) * 0.12 + 0.5
    us_lon, mx_lon = west + 0.75 * (east_end - west), west + 0.45 * (east_end - west)
    # the United States' name near the top of the drawing, clear of the labels of places on the border
    top = math.degrees(2 * math.atan(math.exp(north(middle) + (height / 2 - 28) / scale)) - math.pi / 2)
    countries = pd.DataFrame(
        {
            "name": [w["countries"][US_NUMERIC_CODE], w["countries"][MX_NUMERIC_CODE]],
            "longitude": [us_lon, mx_lon],
            "latitude": [top, border_at(mx_lon) - 2.5 * gap],
        }
    )
    country_names = [
        alt.Chart(countries)
        .mark_text(color="#444", fontStyle="italic", fontWeight="bold")
        .encode(longitude="longitude:Q", latitude="latitude:Q", text="name:N")
        .project(**projection)
    ]
    tooltip = [
        alt.Tooltip("place:N", title=w["place"]),
        alt.Tooltip("role:N", title=w["role"]),
        alt.Tooltip("country:N", title=w["country"]),
        alt.Tooltip("reliability:N", title=w["reliability"]),
    ]
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=110, opacity=0.95)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            shape=alt.Shape(
                "role:N",
                scale=alt.Scale(domain=[w["named"], w["destination"]], range=["circle", "diamond"]),
                legend=None,
            ),
            color=alt.Color(
                "role:N",
                scale=alt.Scale(domain=[w["named"], w["destination"]], range=[PALETTE[1], "#111111"]),
                legend=None,
            ),
            tooltip=tooltip,
        )
        .project(**projection)
    )
    layers: list[Any] = [land, border_line, *country_names]
    if not heading.empty:
        start = places.iloc[0]
        route = pd.DataFrame(
            {
                "longitude": [start["longitude"]] * len(heading),
                "latitude": [start["latitude"]] * len(heading),
                "longitude2": heading["longitude"].to_numpy(),
                "latitude2": heading["latitude"].to_numpy(),
            }
        )
        layers.append(
            alt.Chart(route)
            .mark_rule(color="#111", strokeDash=[5, 4], strokeWidth=1.5)
            .encode(longitude="longitude:Q", latitude="latitude:Q", longitude2="longitude2:Q", latitude2="latitude2:Q")
            .project(**projection)
        )
    layers.append(points)
    # places closer than about 30 km share one label, so their names do not print over each other
    cluster = (
        (data["latitude"] / 0.3).round().astype(int).astype(str)
        + ":"
        + (data["longitude"] / 0.3).round().astype(int).astype(str)
    )
    named = data.assign(
        label=[
            w["destination_label"].format(place=p) if r == w["destination"] else p
            for p, r in zip(data["place"], data["role"], strict=False)
        ]
    )
    label_data = named.groupby(cluster, sort=False).agg(
        label=("label", "\n".join), latitude=("latitude", "first"), longitude=("longitude", "first")
    )
    # labels go on the side of the point that has more room
    east = label_data["longitude"] > center[0]
    # each label twice: a white halo under the dark text keeps it readable over borders and coasts
    layers += [
        alt.Chart(label_data[side])
        .mark_text(align=align, dx=dx, dy=-8, fontWeight="bold", lineBreak="\n", **paint)  # one place a line
        .encode(longitude="longitude:Q", latitude="latitude:Q", text="label:N")
        .project(**projection)
        for paint in ({"color": "#fff", "stroke": "#fff", "strokeWidth": 4, "strokeJoin": "round"}, {"color": "#111"})
        for side, align, dx in ((east, RIGHT, -8), (~east, LEFT, 8))
        if side.any()
    ]
    chart = alt.layer(*layers, title=title or w["title"], width=WIDTH, height=height).properties(
        description=w["description"].format(count=len(data))
    )
    approximate = data[data["reliability"].str.startswith("low")]["place"].tolist()
    sources = pd.concat([places, heading], ignore_index=True)["coordinates_source"]
    origins = [key for key, needle in (("geonames", "GeoNames"), ("bts", "BTS")) if sources.str.contains(needle).any()]
    values = {
        "places": [{"place": p, "country": c} for p, c in zip(places["place"], places["country"], strict=False)],
        "destinations": [
            {"place": p, "article": a} for p, a in zip(heading["place"], heading["article"], strict=False)
        ],
        "origins": origins,
        "approximate": approximate,
        "countries": [w["countries"][US_NUMERIC_CODE], w["countries"][MX_NUMERIC_CODE]],
    }
    alt_text = _plain("map-alt", **values)
    caption = _plain("map-caption", **values)
    shown = data[["place", "role", "country", "latitude", "longitude", "reliability"]].rename(
        columns={key: w[key] for key in ("place", "role", "country", "latitude", "longitude", "reliability")}
    )
    return Figure(chart, caption=caption, alt_text=alt_text, data=shown, name=name)


@needs_rows("disagreement")
def disagreement_chart(figures: pd.DataFrame, title: str, name: str) -> Figure:
    """Each source's figure for each disputed metric, side by side, one panel per metric."""
    data = figures[
        [
            "metric",
            "quantity",
            "metric_label",
            "value",
            "value_text",
            "as_printed",
            "qualifier",
            "unit",
            "label",
            "source_id",
            "attributed_to",
            "excerpt",
        ]
    ].copy()
    w = _words("disagreement")
    data["who"] = (data["attributed_to"] + w["according_to"] + data["label"]).where(
        data["attributed_to"].notna(), data["label"]
    )
    repeats = data.groupby(["quantity", "who"]).cumcount()
    data["who"] = data["who"] + repeats.map(lambda n: "" if n == 0 else f" ({n + 1})")
    data["label"] = data["qualifier"].where(data["qualifier"] != "exactly", "") + " " + data["value_text"]
    data["label"] = data["label"].str.strip()
    data["metric_unit_label"] = [
        f"{label}{q[len(m) :]} ({u})"
        for m, q, label, u in zip(data["metric"], data["quantity"], data["metric_label"], data["unit"], strict=False)
    ]
    base = alt.Chart(data).encode(
        y=alt.Y("who:N", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title=w["x"]),
        tooltip=[
            alt.Tooltip("metric_unit_label:N", title=w["counted"]),
            alt.Tooltip("as_printed:N", title=w["words"]),
            alt.Tooltip("who:N", title=w["who"]),
        ],
    )
    bars = base.mark_bar(color=PALETTE[0], height=14)
    text = base.mark_text(align="left", dx=4, color="#111").encode(text="label:N")
    chart = (
        alt.layer(bars, text, data=data)
        .properties(width=170, height=alt.Step(26))
        .facet(
            row=alt.Row(
                "metric_unit_label:N",
                title=None,
                # each panel's name above it, not beside it: the chart keeps the column's width
                header=alt.Header(
                    labelAngle=0, labelAlign="left", labelFontWeight="bold", labelOrient="top", labelAnchor="start"
                ),
            )
        )
        .resolve_scale(x="independent", y="independent")
        .properties(title=title, description=w["description"].format(count=data["quantity"].nunique()))
    )
    parts = [
        {
            "metric": metric,
            "versions": [{"who": a, "label": b} for a, b in zip(group["who"], group["label"], strict=False)],
        }
        for metric, group in data.groupby("metric_unit_label", sort=True)
    ]
    alt_text = _plain("disagreement-alt", parts=parts)
    caption = _plain("disagreement-caption", articles=_source_list(figures))
    shown = pd.DataFrame(
        {
            w["counted"]: data["metric_unit_label"],
            w["number"]: data["value"].map(fmt_number),
            w["words"]: data["as_printed"],
            w["who"]: data["who"],
            w["article"]: figures["label"].to_numpy(),
            w["sentence"]: data["excerpt"],
        }
    )
    return Figure(chart, caption=caption, alt_text=alt_text, data=shown, name=name)


@needs_rows("monthly")
def encounters_chart(
    monthly: pd.DataFrame, mark: pd.Timestamp, mark_label: str, reported: pd.DataFrame, title: str, name: str
) -> Figure:
    """CBP monthly encounters (Title 8 and Title 42 stacked), the incident's month marked,
    and any monthly figures the articles quote as points."""
    w = _words("encounters")
    data = monthly[["month_start", "authority", "encounters", "fiscal_year"]].copy()
    aggregated = len(data) > MAX_ROWS
    if aggregated:  # finer rows than months (days, say): one bar part per month and authority
        data = _month_counts(data, "month_start", ["authority", "fiscal_year"], "encounters")
        data = data.rename(columns={"count": "encounters"})
    data["counted_under"] = data["authority"].map(_authority_names())
    data["month"] = [date_text(m, None, "month") for m in data["month_start"]]
    # Title 42 was in use only from March 2020 to May 2023: a month with no Title 42 count says so, not "0",
    # in the hover text as in the table (review 4, m12)
    unused = (data["authority"] == "Title 42") & (data["encounters"] == 0)
    data["counted_as"] = data["counted_under"].where(~unused, data["counted_under"] + w["not_in_use"])
    # the count says so too: the mark's hover text names the authority once (the colour's entry has the same name)
    data["count_text"] = [
        w["not_in_use_count"] if u else fmt_number(int(n)) for u, n in zip(unused, data["encounters"], strict=True)
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(stroke="#fff", strokeWidth=0.5)  # a thin edge keeps stacked parts apart in print
        .encode(
            # the axis's name on the axis only: the hover text names the month as the table does (its tooltip)
            x=alt.X("yearmonth(month_start):T", axis=alt.Axis(title=w["x"], format="%b %Y", labelAngle=-40)),
            y=alt.Y("sum(encounters):Q", title=w["y"], stack="zero"),
            color=alt.Color(
                "counted_under:N",
                title=w["legend"],
                scale=alt.Scale(domain=list(_authority_names().values()), range=AUTHORITY_COLOURS),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("month:N", title=w["month"]),
                alt.Tooltip("counted_as:N", title=w["legend"]),
                alt.Tooltip("count_text:N", title=w["encounters"]),
            ],
        )
    )
    mark_frame = pd.DataFrame(
        {"month_start": [pd.Timestamp(year=mark.year, month=mark.month, day=15)], "label": [mark_label]}
    )
    rule = alt.Chart(mark_frame).mark_rule(color=PALETTE[1], strokeWidth=2, strokeDash=[4, 3]).encode(x="month_start:T")
    rule_text = (
        alt.Chart(mark_frame)
        .mark_text(align="left", dx=4, dy=-4, color=PALETTE[1], fontWeight="bold")
        .encode(x="month_start:T", y=alt.value(10), text="label:N")
    )
    # the incident's month is marked only where the table has it: a later month would be drawn outside the frame
    marked = (
        data["month_start"].min() <= pd.Timestamp(year=mark.year, month=mark.month, day=1) <= data["month_start"].max()
    )
    layers = [bars, rule, rule_text] if marked else [bars]
    if not reported.empty:
        points = reported[["as_of", "value", "as_printed", "label", "attributed_to"]].rename(
            columns={"label": w["article"]}
        )
        points[w["who"]] = points["attributed_to"].fillna(w["own_voice"])
        points = points.drop(columns="attributed_to")
        points["when"] = [figure_date(r) for _, r in reported.iterrows()]
        points["month_start"] = points["as_of"].dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
        layers.append(
            alt.Chart(points)
            .mark_point(shape="diamond", size=120, filled=True, color="#111")
            .encode(
                x="month_start:T",
                y="value:Q",
                tooltip=[
                    alt.Tooltip("when:N", title=w["month"]),
                    alt.Tooltip("as_printed:N", title=w["in_words"]),
                    w["who"],
                    w["article"],
                ],
            )
        )
    chart = alt.layer(*layers, title=title, width=WIDTH, height=300).properties(description=w["description"])
    peak = data.groupby("month_start")["encounters"].sum()
    alt_text = _plain(
        "encounters-alt",
        first=fmt_date(peak.index.min(), None, "month"),
        last=fmt_date(peak.index.max(), None, "month"),
        low=fmt_number(peak.min()),
        high=fmt_number(peak.max()),
        mark=mark_label if marked else None,
        reported=not reported.empty,
    )
    years = sorted(data["fiscal_year"].unique())
    caption = _plain("encounters-caption", first_year=int(years[0]), last_year=int(years[-1]))
    if aggregated:
        caption += " " + _aggregated_note(len(monthly), "monthly")
    shown = pd.DataFrame(
        {
            w["month"]: data["month"],
            w["fiscal_year"]: data["fiscal_year"],
            w["legend"]: data["counted_as"],
            w["encounters"]: data["encounters"].astype(object).where(~unused, w["not_in_use_count"]),
        }
    )
    return Figure(chart, caption=caption, alt_text=alt_text, data=shown, name=name)


@needs_rows("yearly")
def annual_chart(annual: pd.DataFrame, *, check: dict | None, mark_year: int, title: str, name: str) -> Figure:
    """Border Patrol Southwest apprehensions by fiscal year, one year marked. With a record
    ``check`` (see ``queries.record_check``), the later year's encounters are added as points."""
    w = _words("annual")
    data = annual[["fiscal_year", "southwest_border_total"]].rename(columns={"southwest_border_total": "apprehensions"})
    last_year = max(int(data["fiscal_year"].max()), check["fiscal_year"] if check else 0)
    line = (
        alt.Chart(data)
        .mark_line(color=PALETTE[0], point=alt.OverlayMarkDef(size=18, color=PALETTE[0]))
        .encode(
            x=alt.X(
                "fiscal_year:Q",
                title=w["x"],
                axis=alt.Axis(format="d"),
                scale=alt.Scale(domain=[int(data["fiscal_year"].min()), last_year + 1], nice=False),
            ),
            y=alt.Y("apprehensions:Q", title=w["y"]),
            tooltip=[
                alt.Tooltip("fiscal_year:Q", title=w["x"]),
                alt.Tooltip("apprehensions:Q", format=",", title=w["apprehensions"]),
            ],
        )
    )
    marked = check["claim_year"] if check else mark_year
    marks = pd.DataFrame({"fiscal_year": [marked], "label": [f"FY{marked}"]})
    rule = alt.Chart(marks).mark_rule(color="#555", strokeDash=[3, 3]).encode(x="fiscal_year:Q")
    # the label sits left of the line, inside the plot, since the marked year is often the last one
    rule_text = (
        alt.Chart(marks).mark_text(align="right", dx=-4, y=8, color="#333").encode(x="fiscal_year:Q", text="label:N")
    )
    inside = int(data["fiscal_year"].min()) <= marked <= last_year + 1  # the x domain: a later year is off the frame
    layers = [line, rule, rule_text] if inside else [line]
    table = data.assign(series=w["series"])
    peak_year = int(data.loc[data["apprehensions"].idxmax(), "fiscal_year"])
    peak = int(data["apprehensions"].max())
    alt_text = _plain(
        "annual-alt",
        first=int(data["fiscal_year"].min()),
        last=int(data["fiscal_year"].max()),
        peak_year=peak_year,
        peak=fmt_number(peak),
        marked=marked if inside else None,
        check=bool(check),
        check_year=check["fiscal_year"] if check else None,
        usbp=fmt_number(check["usbp_encounters"]) if check else None,
        title8=fmt_number(check["usbp_title8"]) if check else None,
    )
    if check:
        later = pd.DataFrame(
            {
                "fiscal_year": [check["fiscal_year"]] * 2,
                "apprehensions": [check["usbp_encounters"], check["usbp_title8"]],
                "series": [
                    w["both"].format(year=check["fiscal_year"]),
                    w["title8"].format(year=check["fiscal_year"]),
                ],
            }
        )
        layers.append(
            alt.Chart(later)
            .mark_point(filled=True, size=130)
            .encode(
                x="fiscal_year:Q",
                y="apprehensions:Q",
                shape=alt.Shape(
                    "series:N", title=None, legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=360)
                ),
                color=alt.Color("series:N", title=None, scale=alt.Scale(range=[PALETTE[1], "#111111"])),
                tooltip=[
                    alt.Tooltip("series:N", title=w["counted"]),
                    alt.Tooltip("fiscal_year:Q", title=w["x"]),
                    alt.Tooltip("apprehensions:Q", format=",", title=w["count"]),
                ],
            )
        )
        table = pd.concat([table, later], ignore_index=True)
    chart = alt.layer(*layers, title=title, width=WIDTH, height=320).properties(description=w["description"])
    caption = _plain("annual-caption", check=bool(check))
    table = table.rename(columns={"fiscal_year": w["x"], "apprehensions": w["count"], "series": w["counted"]})
    return Figure(chart, caption=caption, alt_text=alt_text, data=table, name=name)


@needs_rows("statements")
def statements_chart(counts: pd.DataFrame, title: str, name: str) -> Figure:
    w = _words("statements")
    data = counts.copy()
    chart = (
        alt.Chart(data, title=title, width=WIDTH - 140, height=alt.Step(26))
        .mark_bar()
        .encode(
            x=alt.X("statements:Q", title=w["x"], axis=alt.Axis(tickMinStep=1, format="d", tickCount=4)),
            y=alt.Y("institution:N", sort="-x", title=None, axis=alt.Axis(labelLimit=280)),
            color=alt.Color("group_label:N", title=w["group"], scale=group_scale(data["group_label"])),
            tooltip=[
                alt.Tooltip("institution:N", title=w["institution"]),
                alt.Tooltip("group_label:N", title=w["group"]),
                alt.Tooltip("statements:Q", title=w["statements"]),
            ],
        )
        .properties(description=w["description"])
    )
    parts = [{"institution": i, "count": n} for i, n in zip(data["institution"], data["statements"], strict=False)]
    alt_text = _plain("statements-alt", parts=parts)
    caption = _plain("statements-caption")
    shown = data.rename(
        columns={"group_label": w["group"], "institution": w["institution"], "statements": w["statements"]}
    )
    return Figure(chart, caption=caption, alt_text=alt_text, data=shown, name=name)


@needs_rows("monthly")
def around_chart(around: pd.DataFrame, title: str, name: str) -> Figure:
    """Monthly encounters around two incidents, aligned on the incident's month."""
    w = _words("around")
    data = around.copy()
    data["Incident"] = data["incident_title"]
    data["Month"] = [date_text(m, None, "month") for m in data["month_start"]]
    chart = (
        alt.Chart(data, title=title, width=WIDTH, height=300)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "months_from_incident:Q",
                title=w["x"],
                axis=alt.Axis(format="d", tickMinStep=1),
            ),
            y=alt.Y("total_swb_encounters:Q", title=w["y"]),
            color=alt.Color(
                "Incident:N",
                title=w["incident"],
                scale=alt.Scale(range=[PALETTE[0], PALETTE[4]]),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320),
            ),
            strokeDash=alt.StrokeDash("Incident:N", title=w["incident"], scale=alt.Scale(range=[[1, 0], [6, 3]])),
            tooltip=[
                alt.Tooltip("Incident:N", title=w["incident"]),
                alt.Tooltip("Month:N", title=w["month"]),
                alt.Tooltip("total_swb_encounters:Q", title=w["encounters"], format=","),
            ],
        )
        .properties(description=w["description"])
    )
    parts = []
    for key, group in data.groupby("Incident", sort=False):
        at = group[group["months_from_incident"] == 0]
        if not at.empty:
            parts.append(
                {"incident": key, "count": fmt_number(at["total_swb_encounters"].iloc[0]), "month": at["Month"].iloc[0]}
            )
    short = [
        {
            "incident": key,
            "low": f"{group['months_from_incident'].min():+d}",
            "high": f"{group['months_from_incident'].max():+d}",
        }
        for key, group in data.groupby("Incident", sort=False)
        if group["months_from_incident"].min() > -6 or group["months_from_incident"].max() < 6
    ]
    alt_text = _plain("around-alt", lines=int(data["Incident"].nunique()), parts=parts, short=short)
    first, last = data["month_start"].min(), data["month_start"].max()
    caption = _plain("around-caption", first=fmt_date(first, None, "month"), last=fmt_date(last, None, "month"))
    shown = pd.DataFrame(
        {
            w["incident"]: data["Incident"],
            w["month"]: data["Month"],
            w["from_incident"]: data["months_from_incident"],
            w["encounters"]: data["total_swb_encounters"],
        }
    )
    return Figure(chart, caption=caption, alt_text=alt_text, data=shown, name=name)
