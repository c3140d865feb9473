"""Every chart of the book, as Altair charts built from query results.

One concern, long because the book has seven charts, one function each (drawing them is
:mod:`caravan_book.story.figures`). Each function returns a :class:`~caravan_book.story.figures.Figure`: the
chart plus its caption (naming the source), a text alternative, and the exact data drawn.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, Literal

import altair as alt
import pandas as pd

from caravan_book.data import tables
from caravan_book.data.schemas import GROUPS
from caravan_book.settings import data_dir
from caravan_book.story.display import OPEN_AFTER, OPEN_BEFORE, date_span, event_date, fmt_date, fmt_number
from caravan_book.story.figures import Figure
from caravan_book.story.templates import render_text

#: Plot width (px at the drawn size): with axes and labels a chart is drawn about 470 px wide, then scaled.
WIDTH = 380
#: How far a one-sided date's fading bar reaches towards its open side, in pixels (not a number of days).
OPEN_BAR_PX = 44
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


#: The United States' numeric country code (ISO 3166-1), the id of its outline in the world file.
US_NUMERIC_CODE = 840
AUTHORITY_COLOURS = ["#1b4f72", "#f0a030"]
#: One colour per group of speakers on every page, whichever groups a page shows (keys: schemas.GROUPS).
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
        return f"*No chart here yet: the data has no {self.what} for this selection.*"


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


@needs_rows("dated events")
def timeline_chart(events: pd.DataFrame, title: str | None = None, name: str = "timeline") -> Figure:
    """Each event once per article: a day as a point, a vaguer date (a week, a month, "before 6 November") as the
    span it can mean, never on a made-up day. The mark's tooltip, the table and the CSV print the same date
    (:func:`~caravan_book.story.display.event_date`); marks on the same day and row are spread apart."""
    basis_names = {b: _timeline_words("basis", basis=b) for b in ("stated", "inferred")}
    spans = [date_span(d, p) for d, p in zip(events["date"], events["date_precision"], strict=False)]
    data = pd.DataFrame(
        {
            "Date": [event_date(r) for _, r in events.iterrows()],
            "Date in the article": events["date_basis"].map(basis_names),
            "What happened": events["summary"],
            "Place": events["place"],
            "Article": events["label"],
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
    plotted["slot"] = plotted.groupby(["Article", plotted["start"].fillna(plotted["bound"])]).cumcount()
    plotted["spread"] = (plotted["slot"] % 7 - 3) * 5
    basis_scale = list(basis_names.values())
    height = max(120, 40 * data["Article"].nunique())
    row_y = alt.Y("Article:N", title=None, axis=alt.Axis(labelLimit=170))
    row_offset = alt.YOffset("spread:Q", scale=alt.Scale(domain=[-40, 40]), title=None)
    base = alt.Chart(plotted).encode(
        y=row_y,
        yOffset=row_offset,
        color=alt.Color(
            "Date in the article:N",
            title=_timeline_words("legend"),
            scale=alt.Scale(domain=basis_scale, range=[PALETTE[0], PALETTE[1]]),
        ),
        tooltip=["Date", "Date in the article", "What happened", "Article"],
    )
    # the scale is padded by a fading bar's reach, so a bound at the first or last day keeps its open side visible
    padded = alt.Scale(padding=OPEN_BAR_PX)
    axis = alt.X("start:T", title=None, axis=alt.Axis(format="%d %b %Y", labelAngle=-30), scale=padded)
    points = (
        base.transform_filter(~alt.datum.span & (alt.datum.open == ""))
        .mark_point(filled=True, size=90, opacity=0.85)
        .encode(
            x=axis,
            shape=alt.Shape(
                "Date in the article:N",
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
                .transform_filter(alt.datum["Date in the article"] == basis)
                .mark_bar(
                    height=6,
                    opacity=0.8,
                    clip=True,
                    x2Offset=reach,
                    color=alt.Gradient(gradient="linear", stops=stops, x1=0, x2=1),
                )
                .encode(x=bound_axis, x2=alt.X2("bound:T"), y=row_y, yOffset=row_offset)
            )
    title = title or _timeline_words("title")
    description = _timeline_words("description", events=len(data), articles=data["Article"].nunique())
    chart = alt.layer(*fades, bars, ticks, points, title=title).properties(
        width=WIDTH, height=height, description=description
    )
    first, last = events["date"].idxmin(), events["date"].idxmax()
    inferred = int((events["date_basis"] == "inferred").sum())
    alt_text = _timeline_words(
        "alt",
        events=len(data),
        first=data.loc[first, "Date"],
        last=data.loc[last, "Date"],
        inferred=inferred,
        printed=len(data) - inferred,
        spans=int(plotted["span"].sum()),
        bounds=sum(1 for o in opens if o),
    )
    caption = _timeline_words("caption", sources=_source_list(events))
    return Figure(chart, caption=caption, alt_text=alt_text, data=data, name=name)


def _world() -> str:
    """The country outlines as TopoJSON text: Vega parses it, Altair need not walk it (much faster)."""
    tables.record_use("world")  # pages with a map depend on the outlines file
    return (data_dir() / "reference" / "world-110m.json").read_text(encoding="utf-8")


@needs_rows("places")
def route_map(places: pd.DataFrame, title: str, name: str) -> Figure:
    """A map of the places of an incident, on offline country outlines."""
    lon_min, lon_max = places["longitude"].min(), places["longitude"].max()
    lat_min, lat_max = places["latitude"].min(), places["latitude"].max()
    span = max(lon_max - lon_min, (lat_max - lat_min) * 1.4, 4.0) * 1.6
    height = 380
    scale = WIDTH / math.radians(span)
    center = [(lon_min + lon_max) / 2, (lat_min + lat_max) / 2]
    # outlines are cut to the drawn area, so the page does not carry the rest of the world (~150 KB of SVG)
    projection = {"type": "mercator", "scale": scale, "center": center, "clipExtent": [[0, 0], [WIDTH, height]]}
    outlines = alt.InlineData(values=_world(), format=alt.DataFormat(type="topojson", feature="countries"))
    # the United States a cooler tint than its neighbours, so the border shows where the two tints meet
    land = (
        alt.Chart(outlines)
        .mark_geoshape(stroke="#6f6f6f", strokeWidth=0.8)
        .encode(fill=alt.condition(f"datum.id == {US_NUMERIC_CODE}", alt.value("#d6e0ea"), alt.value("#eceae4")))
        .project(**projection)
    )
    data = places[["place", "country", "latitude", "longitude", "reliability"]].copy()
    points = (
        alt.Chart(data)
        .mark_circle(size=90, color=PALETTE[1], opacity=0.9)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            tooltip=[
                alt.Tooltip("place:N", title="Place"),
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("reliability:N", title="How exact the position is"),
            ],
        )
        .project(**projection)
    )
    # places closer than about 30 km share one label, so their names do not print over each other
    cluster = (
        (data["latitude"] / 0.3).round().astype(int).astype(str)
        + ":"
        + (data["longitude"] / 0.3).round().astype(int).astype(str)
    )
    label_data = data.groupby(cluster, sort=False).agg(
        place=("place", "\n".join), latitude=("latitude", "first"), longitude=("longitude", "first")
    )
    # labels go on the side of the point that has more room
    east = label_data["longitude"] > center[0]
    labels = [
        alt.Chart(label_data[side])
        .mark_text(align=align, dx=dx, dy=-6, fontSize=13, color="#222", lineBreak="\n")  # one place a line
        .encode(longitude="longitude:Q", latitude="latitude:Q", text="place:N")
        .project(**projection)
        for side, align, dx in ((east, RIGHT, -7), (~east, LEFT, 7))
        if side.any()
    ]
    chart = alt.layer(land, points, *labels, title=title, width=WIDTH, height=height).properties(
        description=f"Map of {len(data)} places"
    )
    alt_text = (
        "A map marking " + ", ".join(f"{p} ({c})" for p, c in zip(data["place"], data["country"], strict=False)) + "."
    )
    shown = data.rename(
        columns={
            "place": "Place",
            "country": "Country",
            "latitude": "Latitude",
            "longitude": "Longitude",
            "reliability": "How exact the position is",
        }
    )
    approximate = data[data["reliability"].str.startswith("low")]["place"].tolist()
    named = []
    if places["coordinates_source"].str.contains("GeoNames").any():
        named.append("GeoNames city points (CC-BY 4.0)")
    if places["coordinates_source"].str.contains("BTS").any():
        named.append("the Bureau of Transportation Statistics point of the port of entry")
    caption = (
        "Places: "
        + (" and ".join(named) or "the book's places table")
        + "."
        + (f" Approximate position: {', '.join(approximate)}." if approximate else "")
        + " Country outlines: Natural Earth, via the vega-datasets package."
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
        .properties(width=220, height=alt.Step(26))
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
    data["counted_under"] = data["authority"].map(_authority_names())
    bars = (
        alt.Chart(data)
        .mark_bar(stroke="#fff", strokeWidth=0.5)  # a thin edge keeps stacked parts apart in print
        .encode(
            x=alt.X("yearmonth(month_start):T", title=w["x"], axis=alt.Axis(format="%b %Y", labelAngle=-40)),
            y=alt.Y("sum(encounters):Q", title=w["y"], stack="zero"),
            color=alt.Color(
                "counted_under:N",
                title=w["legend"],
                scale=alt.Scale(domain=list(_authority_names().values()), range=AUTHORITY_COLOURS),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("yearmonth(month_start):T", title=w["month"], format="%B %Y"),
                alt.Tooltip("counted_under:N", title=w["legend"]),
                alt.Tooltip("encounters:Q", title=w["encounters"], format=","),
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
    layers = [bars, rule, rule_text]
    if not reported.empty:
        points = reported[["as_of", "value", "as_printed", "label", "attributed_to"]].rename(
            columns={"label": w["article"]}
        )
        points[w["who"]] = points["attributed_to"].fillna(w["own_voice"])
        points = points.drop(columns="attributed_to")
        points["month_start"] = points["as_of"].dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
        layers.append(
            alt.Chart(points)
            .mark_point(shape="diamond", size=120, filled=True, color="#111")
            .encode(
                x="month_start:T",
                y="value:Q",
                tooltip=[
                    alt.Tooltip("as_of:T", format="%B %Y", title=w["month"]),
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
        mark=mark_label,
        reported=not reported.empty,
    )
    years = sorted(data["fiscal_year"].unique())
    caption = _plain("encounters-caption", first_year=int(years[0]), last_year=int(years[-1]))
    # Title 42 was in use only from March 2020 to May 2023: a month with no Title 42 count says so, not "0"
    unused = (data["authority"] == "Title 42") & (data["encounters"] == 0)
    shown = pd.DataFrame(
        {
            w["month"]: data["month_start"].dt.strftime("%B %Y"),
            w["fiscal_year"]: data["fiscal_year"],
            w["legend"]: data["counted_under"].where(~unused, data["counted_under"] + w["not_in_use"]),
            w["encounters"]: data["encounters"].astype(object).where(~unused, ""),
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
    layers = [line, rule, rule_text]
    table = data.assign(series=w["series"])
    peak_year = int(data.loc[data["apprehensions"].idxmax(), "fiscal_year"])
    peak = int(data["apprehensions"].max())
    alt_text = _plain(
        "annual-alt",
        first=int(data["fiscal_year"].min()),
        last=int(data["fiscal_year"].max()),
        peak_year=peak_year,
        peak=fmt_number(peak),
        marked=marked,
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
    data = counts.copy()
    chart = (
        alt.Chart(data, title=title, width=WIDTH - 120, height=alt.Step(26))
        .mark_bar()
        .encode(
            x=alt.X(
                "statements:Q", title="Statements quoted in the articles", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            y=alt.Y("institution:N", sort="-x", title=None, axis=alt.Axis(labelLimit=280)),
            color=alt.Color("group_label:N", title="Group", scale=group_scale(data["group_label"])),
            tooltip=[
                alt.Tooltip("institution:N", title="Institution"),
                alt.Tooltip("group_label:N", title="Group"),
                alt.Tooltip("statements:Q", title="Statements"),
            ],
        )
        .properties(description="Number of statements by institution")
    )
    alt_text = (
        "Bars count the statements quoted from each institution: "
        + "; ".join(f"{i}: {n}" for i, n in zip(data["institution"], data["statements"], strict=False))
        + "."
    )
    caption = "Source: the book's statements table (one row per quotation per article)."
    shown = data.rename(columns={"group_label": "Group", "institution": "Institution", "statements": "Statements"})
    return Figure(chart, caption=caption, alt_text=alt_text, data=shown, name=name)


@needs_rows("monthly")
def around_chart(around: pd.DataFrame, title: str, name: str) -> Figure:
    """Monthly encounters around two incidents, aligned on the incident's month."""
    w = _words("around")
    data = around.copy()
    data["Incident"] = data["incident_title"]
    data["Month"] = data["month_start"].dt.strftime("%B %Y")
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
    alt_text = _plain("around-alt", parts=parts, short=short)
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
