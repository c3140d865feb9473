"""Every chart of the book, as Altair charts built from query results.

Each function returns a :class:`~caravan_book.render.Figure`: the chart plus its caption
(naming the source), a text alternative, and the exact data drawn.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from caravan_book import tables
from caravan_book.paths import data_dir
from caravan_book.prose import fmt_number
from caravan_book.render import Figure

WIDTH = 400
BASIS_SHAPES = alt.Scale(domain=["stated", "inferred"], range=["circle", "triangle-up"])
# Title 42 bars next to Title 8's dark blue: a mid orange, so the two stay apart in greyscale print
TITLE42_COLOUR = "#e39b2d"
PALETTE = ["#1b6ca8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#34495e", "#b8860b"]


def _source_list(frame: pd.DataFrame) -> str:
    outlets = sorted(set(frame["label"]))
    return "; ".join(outlets)


def timeline_chart(events: pd.DataFrame, title: str, name: str) -> Figure:
    data = events[["date", "date_basis", "label", "source_id", "actor", "summary", "place"]].copy()
    data["reported by"] = data["label"]
    chart = (
        alt.Chart(data, title=title, width=WIDTH, height=max(120, 40 * data["reported by"].nunique()))
        .mark_point(filled=True, size=110, opacity=0.85)
        .encode(
            x=alt.X("date:T", title="Date", axis=alt.Axis(format="%d %b %Y", labelAngle=-30)),
            y=alt.Y("reported by:N", title=None, axis=alt.Axis(labelLimit=170)),
            shape=alt.Shape("date_basis:N", title="Date", scale=BASIS_SHAPES),
            color=alt.Color("date_basis:N", title="Date", scale=alt.Scale(domain=["stated", "inferred"], range=PALETTE[:2])),
            tooltip=[alt.Tooltip("date:T", format="%d %B %Y"), "date_basis", "actor", "summary", "reported by"],
        )
        .properties(description=f"Timeline: {len(data)} events reported by {data['reported by'].nunique()} sources")
    )
    first, last = data["date"].min(), data["date"].max()
    alt_text = (
        f"A timeline of {len(data)} events from {first:%d %B %Y} to {last:%d %B %Y}, one row per source. "
        f"{(data['date_basis'] == 'inferred').sum()} of the dates are inferred from the text (triangles); the rest are stated (circles)."
    )
    caption = f"Source: the book's events table, built from these articles: {_source_list(data)}."
    return Figure(chart, caption=caption, alt_text=alt_text, data=data.drop(columns=["reported by"]), name=name)


def _world() -> str:
    """The country outlines as TopoJSON text: Vega parses it, Altair need not walk it (much faster)."""
    tables._record_use("world")  # pages with a map depend on the outlines file
    return (data_dir() / "reference" / "world-110m.json").read_text(encoding="utf-8")


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
    land = (
        alt.Chart(outlines)
        .mark_geoshape(fill="#eceae4", stroke="#8a8a8a", strokeWidth=0.6)
        .project(**projection)
    )
    data = places[["place", "country", "latitude", "longitude", "reliability"]].copy()
    points = (
        alt.Chart(data)
        .mark_circle(size=90, color=PALETTE[1], opacity=0.9)
        .encode(longitude="longitude:Q", latitude="latitude:Q", tooltip=["place", "country", "reliability"])
        .project(**projection)
    )
    # places closer than about 30 km share one label, so their names do not print over each other
    cluster = (data["latitude"] / 0.3).round().astype(int).astype(str) + ":" + (data["longitude"] / 0.3).round().astype(int).astype(str)
    label_data = data.groupby(cluster, sort=False).agg(
        place=("place", "\n".join), latitude=("latitude", "first"), longitude=("longitude", "first")
    )
    # labels go on the side of the point that has more room
    east = label_data["longitude"] > center[0]
    labels = [
        alt.Chart(label_data[side])
        .mark_text(align=align, dx=dx, dy=-6, fontSize=12, color="#222", lineBreak="\n")  # one place a line
        .encode(longitude="longitude:Q", latitude="latitude:Q", text="place:N")
        .project(**projection)
        for side, align, dx in ((east, "right", -7), (~east, "left", 7))
        if side.any()
    ]
    chart = alt.layer(land, points, *labels, title=title, width=WIDTH, height=height).properties(
        description=f"Map of {len(data)} places"
    )
    alt_text = "A map marking " + ", ".join(f"{p} ({c})" for p, c in zip(data["place"], data["country"])) + "."
    approximate = data[data["reliability"].str.startswith("low")]["place"].tolist()
    named = []
    if places["coordinates_source"].str.contains("GeoNames").any():
        named.append("GeoNames city points (CC-BY 4.0)")
    if places["coordinates_source"].str.contains("BTS").any():
        named.append("the Bureau of Transportation Statistics point of the port of entry")
    caption = (
        "Places: " + (" and ".join(named) or "the book's places table") + "."
        + (f" Approximate position: {', '.join(approximate)}." if approximate else "")
        + " Country outlines: Natural Earth, via the vega-datasets package."
    )
    return Figure(chart, caption=caption, alt_text=alt_text, data=data, name=name)


def disagreement_chart(figures: pd.DataFrame, title: str, name: str) -> Figure:
    """Each source's figure for each disputed metric, side by side, one panel per metric."""
    data = figures[["metric", "quantity", "metric_label", "value", "value_text", "qualifier", "unit", "label", "source_id", "attributed_to", "excerpt"]].copy()
    data["who"] = data["label"] + (" — " + data["attributed_to"]).where(data["attributed_to"].notna(), "")
    repeats = data.groupby(["quantity", "who"]).cumcount()
    data["who"] = data["who"] + repeats.map(lambda n: "" if n == 0 else f" ({n + 1})")
    data["label"] = data["qualifier"].where(data["qualifier"] != "exactly", "") + " " + data["value_text"]
    data["label"] = data["label"].str.strip()
    data["metric label"] = [
        f"{label}{q[len(m):]} ({u})" for m, q, label, u in zip(data["metric"], data["quantity"], data["metric_label"], data["unit"])
    ]
    base = alt.Chart(data).encode(
        y=alt.Y("who:N", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title="Reported number"),
        tooltip=["metric label", "label", "who", "excerpt"],
    )
    bars = base.mark_bar(color=PALETTE[0], height=14)
    text = base.mark_text(align="left", dx=4, color="#111").encode(text="label:N")
    chart = (
        alt.layer(bars, text, data=data)
        .properties(width=260, height=alt.Step(26))
        .facet(
            row=alt.Row(
                "metric label:N",
                title=None,
                # each panel's name above it, not beside it: the chart keeps the column's width
                header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold", labelOrient="top", labelAnchor="start"),
            )
        )
        .resolve_scale(x="independent", y="independent")
        .properties(title=title, description=f"{data['quantity'].nunique()} figures on which the sources differ")
    )
    parts = []
    for metric, group in data.groupby("metric label", sort=True):
        versions = "; ".join(f"{w}: {l}" for w, l in zip(group["who"], group["label"]))
        parts.append(f"{metric}: {versions}")
    alt_text = "Bars compare what each source reported. " + " | ".join(parts)
    caption = f"Source: the book's figures table; each bar is one article's number as printed. Articles: {_source_list(data)}."
    return Figure(chart, caption=caption, alt_text=alt_text, data=data.drop(columns=["who", "label", "metric label"]), name=name)


def encounters_chart(monthly: pd.DataFrame, mark: pd.Timestamp, mark_label: str, reported: pd.DataFrame, title: str, name: str) -> Figure:
    """CBP monthly encounters (Title 8 and Title 42 stacked), the incident's month marked,
    and any monthly figures the articles quote as points."""
    data = monthly[["month_start", "authority", "encounters", "fiscal_year"]].copy()
    bars = (
        alt.Chart(data)
        .mark_bar(stroke="#fff", strokeWidth=0.5)  # a thin edge keeps stacked parts apart in print
        .encode(
            x=alt.X("yearmonth(month_start):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-40)),
            y=alt.Y("sum(encounters):Q", title="Encounters in the month", stack="zero"),
            color=alt.Color("authority:N", title="Under", scale=alt.Scale(domain=["Title 8", "Title 42"], range=[PALETTE[0], TITLE42_COLOUR])),
            tooltip=[alt.Tooltip("yearmonth(month_start):T", title="Month", format="%B %Y"), "authority", alt.Tooltip("encounters:Q", format=",")],
        )
    )
    mark_frame = pd.DataFrame({"month_start": [pd.Timestamp(year=mark.year, month=mark.month, day=15)], "label": [mark_label]})
    rule = alt.Chart(mark_frame).mark_rule(color=PALETTE[1], strokeWidth=2, strokeDash=[4, 3]).encode(x="month_start:T")
    rule_text = (
        alt.Chart(mark_frame)
        .mark_text(align="left", dx=4, dy=-4, color=PALETTE[1], fontWeight="bold")
        .encode(x="month_start:T", y=alt.value(10), text="label:N")
    )
    layers = [bars, rule, rule_text]
    if not reported.empty:
        points = reported[["as_of", "value", "value_text", "qualifier", "label"]].rename(columns={"label": "article"})
        points["month_start"] = points["as_of"].dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
        layers.append(
            alt.Chart(points)
            .mark_point(shape="diamond", size=120, filled=True, color="#111")
            .encode(
                x="month_start:T",
                y="value:Q",
                tooltip=[alt.Tooltip("as_of:T", format="%B %Y", title="Month"), "qualifier", "value_text", "article"],
            )
        )
    chart = alt.layer(*layers, title=title, width=WIDTH, height=300).properties(
        description="Monthly CBP Southwest border encounters"
    )
    peak = data.groupby("month_start")["encounters"].sum()
    alt_text = (
        f"Bars show CBP's Southwest border encounters each month from {peak.index.min():%B %Y} to {peak.index.max():%B %Y}, "
        f"between {fmt_number(peak.min())} and {fmt_number(peak.max())} a month; a dashed line marks {mark_label}."
    )
    if not reported.empty:
        alt_text += " Black diamonds show the monthly numbers an article quoted."
    caption = (
        "Source: US Customs and Border Protection, Southwest Land Border Encounters (monthly, FY2018–FY2021), "
        "as archived in the public repository named in the book's data notes."
    )
    return Figure(chart, caption=caption, alt_text=alt_text, data=data, name=name)


def annual_chart(annual: pd.DataFrame, *, check: dict | None, mark_year: int, title: str, name: str) -> Figure:
    """Border Patrol Southwest apprehensions by fiscal year, one year marked. With a record
    ``check`` (see ``queries.record_check``), the later year's encounters are added as points."""
    data = annual[["fiscal_year", "southwest_border_total"]].rename(columns={"southwest_border_total": "apprehensions"})
    last_year = max(int(data["fiscal_year"].max()), check["fiscal_year"] if check else 0)
    line = (
        alt.Chart(data)
        .mark_line(color=PALETTE[0], point=alt.OverlayMarkDef(size=18, color=PALETTE[0]))
        .encode(
            x=alt.X(
                "fiscal_year:Q",
                title="Fiscal year",
                axis=alt.Axis(format="d"),
                scale=alt.Scale(domain=[int(data["fiscal_year"].min()), last_year + 1], nice=False),
            ),
            y=alt.Y("apprehensions:Q", title="Southwest border apprehensions"),
            tooltip=["fiscal_year", alt.Tooltip("apprehensions:Q", format=",")],
        )
    )
    marked = check["claim_year"] if check else mark_year
    marks = pd.DataFrame({"fiscal_year": [marked], "label": [f"FY{marked}"]})
    rule = alt.Chart(marks).mark_rule(color="#555", strokeDash=[3, 3]).encode(x="fiscal_year:Q")
    # the label sits left of the line, inside the plot, since the marked year is often the last one
    rule_text = alt.Chart(marks).mark_text(align="right", dx=-4, y=8, color="#333").encode(x="fiscal_year:Q", text="label:N")
    layers = [line, rule, rule_text]
    table = data.assign(series="Border Patrol apprehensions (annual table)")
    peak_year = int(data.loc[data["apprehensions"].idxmax(), "fiscal_year"])
    peak = int(data["apprehensions"].max())
    alt_text = (
        f"A line of Border Patrol Southwest border apprehensions for fiscal years {int(data['fiscal_year'].min())} to "
        f"{int(data['fiscal_year'].max())}, highest in FY{peak_year} at {fmt_number(peak)}; a dashed line marks FY{marked}."
    )
    if check:
        later = pd.DataFrame(
            {
                "fiscal_year": [check["fiscal_year"]] * 2,
                "apprehensions": [check["usbp_encounters"], check["usbp_title8"]],
                "series": [f"FY{check['fiscal_year']}, all encounters", f"FY{check['fiscal_year']}, Title 8 only"],
            }
        )
        layers.append(
            alt.Chart(later)
            .mark_point(filled=True, size=130)
            .encode(
                x="fiscal_year:Q",
                y="apprehensions:Q",
                shape=alt.Shape("series:N", title=None, legend=alt.Legend(orient="bottom", direction="vertical")),
                color=alt.Color("series:N", title=None, scale=alt.Scale(range=[PALETTE[1], PALETTE[2]])),
                tooltip=["series", alt.Tooltip("apprehensions:Q", format=",")],
            )
        )
        table = pd.concat([table, later], ignore_index=True)
        alt_text += (
            f" Two points show FY{check['fiscal_year']}: {fmt_number(check['usbp_encounters'])} Border Patrol encounters "
            f"in all, {fmt_number(check['usbp_title8'])} of them Title 8 apprehensions."
        )
    chart = alt.layer(*layers, title=title, width=WIDTH, height=320).properties(description="Annual Border Patrol apprehensions")
    caption = "Source: US Border Patrol, Southwest Border Sector Apprehensions FY1960–FY2019 (CBP PDF table)" + (
        "; US Customs and Border Protection, Southwest Land Border Encounters (monthly, summed over the fiscal year)." if check else "."
    )
    return Figure(chart, caption=caption, alt_text=alt_text, data=table, name=name)


def statements_chart(counts: pd.DataFrame, title: str, name: str) -> Figure:
    data = counts.copy()
    chart = (
        alt.Chart(data, title=title, width=WIDTH - 180, height=alt.Step(24))
        .mark_bar()
        .encode(
            x=alt.X("statements:Q", title="Statements quoted in the articles", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("institution:N", sort="-x", title=None, axis=alt.Axis(labelLimit=280)),
            color=alt.Color("group_label:N", title="Group", scale=alt.Scale(range=PALETTE)),
            tooltip=["institution", "group_label", "statements"],
        )
        .properties(description="Number of statements by institution")
    )
    alt_text = "Bars count the statements quoted from each institution: " + "; ".join(
        f"{i}: {n}" for i, n in zip(data["institution"], data["statements"])
    ) + "."
    caption = "Source: the book's statements table (one row per quotation per article)."
    return Figure(chart, caption=caption, alt_text=alt_text, data=data, name=name)


def around_chart(around: pd.DataFrame, title: str, name: str) -> Figure:
    """Monthly encounters around two incidents, aligned on the incident's month."""
    data = around.copy()
    chart = (
        alt.Chart(data, title=title, width=WIDTH, height=300)
        .mark_line(point=True)
        .encode(
            x=alt.X("months_from_incident:Q", title="Months before (−) and after (+) the incident's month", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("total_swb_encounters:Q", title="CBP Southwest border encounters"),
            color=alt.Color("incident:N", title="Incident", scale=alt.Scale(range=PALETTE)),
            # a dash and a point shape as well as a colour, so the lines stay apart in greyscale print
            strokeDash=alt.StrokeDash("incident:N", title="Incident", scale=alt.Scale(range=[[1, 0], [6, 3]])),
            shape=alt.Shape("incident:N", title="Incident", scale=alt.Scale(range=["circle", "square"])),
            tooltip=["incident", alt.Tooltip("month_start:T", format="%B %Y"), alt.Tooltip("total_swb_encounters:Q", format=",")],
        )
        .properties(description="Monthly encounters around each incident")
    )
    parts = []
    for key, group in data.groupby("incident"):
        at = group[group["months_from_incident"] == 0]["total_swb_encounters"]
        if not at.empty:
            parts.append(f"{key}: {fmt_number(at.iloc[0])} in the incident's month")
    alt_text = "Two lines of monthly CBP Southwest border encounters, lined up on each incident's month. " + "; ".join(parts) + "."
    ends = [f"{key}: the table ends {int(-group['months_from_incident'].max())} month(s) before the incident's month"
            for key, group in data.groupby("incident") if group["months_from_incident"].max() < 0]
    ends += [f"{key}: the table ends in the incident's month" for key, group in data.groupby("incident")
             if group["months_from_incident"].max() == 0]
    if ends:
        alt_text += " Where a line stops early, CBP's monthly table (October 2017 to September 2021) has no later months (" + "; ".join(ends) + ")."
    caption = "Source: US Customs and Border Protection, Southwest Land Border Encounters (monthly, October 2017 to September 2021)."
    return Figure(chart, caption=caption, alt_text=alt_text, data=data, name=name)
