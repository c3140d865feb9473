"""Questions the notebooks ask of the data. Each takes a :class:`~caravan_book.data.selection.Selection`.

One concern, one question a function; the claim checks are leaving for their own module (issue 17).
"""

from __future__ import annotations

import pandas as pd

from caravan_book.data import tables
from caravan_book.data.kinds import GROUPS, MONTHS, PRECISION_ORDER
from caravan_book.data.memo import per_data
from caravan_book.data.selection import Selection
from caravan_book.text.quotes import in_context


def incident(sel_or_id: Selection | str) -> pd.Series:
    key = sel_or_id if isinstance(sel_or_id, str) else sel_or_id.incident
    return tables.load("incidents").set_index("incident").loc[key]


def incident_month(sel_or_id: Selection | str) -> pd.Timestamp:
    """The first day of the month in which the incident started."""
    return incident(sel_or_id)["start_date"].to_period("M").to_timestamp()


def sources(sel: Selection) -> pd.DataFrame:
    """The articles this selection draws on, oldest first."""
    frame = tables.load("sources")
    return frame[frame["source_id"].isin(sel.sources)].sort_values(["published", "source_id"]).reset_index(drop=True)


def _with_outlet(frame: pd.DataFrame) -> pd.DataFrame:
    sources = tables.load("sources")
    if "published_precision" not in sources:
        sources = sources.assign(published_precision=None)
    outlets = sources[
        [
            "source_id",
            "outlet",
            "label",
            "outlet_basis",
            "byline",
            "published",
            "published_basis",
            "published_precision",
            "document",
        ]
    ]
    return frame.merge(outlets, on="source_id", how="left", validate="many_to_one")


@per_data
def _selected(name: str, sel: Selection, date_column: str | None = None) -> pd.DataFrame:
    frame = tables.load(name)
    frame = frame[(frame["incident"] == sel.incident) & frame["source_id"].isin(sel.sources)]
    if sel.as_of is not None and date_column:
        frame = frame[frame[date_column] <= sel.as_of]
    return _with_outlet(frame).reset_index(drop=True)


def timeline(sel: Selection) -> pd.DataFrame:
    """The incident's events by date (a bound by its bound day, before the day's own events; "25 or 26" after the
    25th's) and, within a day, the news first (``prominence``), then file order."""
    frame = _selected("events", sel, "date")
    frame["file_order"] = range(len(frame))
    frame["precision_rank"] = frame["date_precision"].fillna("day").map(PRECISION_ORDER)
    keys = ["date", "precision_rank", "prominence", "file_order"]
    return frame.sort_values(keys).drop(columns=["file_order", "precision_rank"]).reset_index(drop=True)


def metric_labels() -> dict[str, str]:
    """metric -> the plain-English label the book shows (metrics.csv)."""
    return dict(tables.load("metrics")[["metric", "label"]].itertuples(index=False))


def figures(sel: Selection) -> pd.DataFrame:
    """The incident's figures, with each metric's label, the news first.

    Metrics are ordered by their most prominent figure (1 = the news), then by the order in
    which the data file first lists them, so the figures of one quantity stay together.
    """
    frame = _selected("figures", sel)
    frame["metric_label"] = frame["metric"].map(metric_labels())
    frame["file_order"] = range(len(frame))
    first = frame.groupby("metric").agg(metric_rank=("prominence", "min"), metric_order=("file_order", "min"))
    frame = frame.join(first, on="metric")
    keys = ["metric_rank", "metric_order", "prominence", "file_order"]
    return frame.sort_values(keys).drop(columns=["metric_rank", "metric_order", "file_order"]).reset_index(drop=True)


def disagreements(sel: Selection) -> pd.DataFrame:
    """Figures of every quantity that the selected sources report in more than one way.

    A quantity is a metric, or a metric on one date when a single source reports the metric
    on several dates (a series, such as encounters in July and in September: not a dispute).
    It is disputed when its rows hold more than one (value, qualifier) pair, e.g. "at least
    500" against "nearly 500", coming from more than one voice (article or person quoted):
    one article printing "3,000" in a headline and "around 3,000" below is not a dispute.
    All rows of a disputed quantity are returned, one per source and attribution, with a
    ``quantity`` column naming it: nothing is averaged.
    """
    frame = figures(sel)
    dates_per_source = frame.groupby(["metric", "source_id"])["as_of"].nunique()
    series = set(dates_per_source[dates_per_source > 1].index.get_level_values("metric"))
    frame["quantity"] = [
        f"{m} ({d:%B %Y})" if m in series else m for m, d in zip(frame["metric"], frame["as_of"], strict=False)
    ]
    frame["voice"] = frame["source_id"] + "|" + frame["attributed_to"].fillna("")

    def disputed(group: pd.DataFrame) -> bool:
        return len(set(zip(group["value"], group["qualifier"], strict=False))) > 1 and group["voice"].nunique() > 1

    keep = [q for q, group in frame.groupby("quantity") if disputed(group)]
    frame = frame[frame["quantity"].isin(keep)]
    # one row per voice and value: the same figure from the same voice, however many rows repeat it, is one
    # point of the chart (a folder with thousands of copies still makes a small chart, issue 21)
    frame = frame.drop_duplicates(["quantity", "voice", "value", "qualifier"])
    return frame.drop(columns="voice").reset_index(drop=True)


def statements(sel: Selection) -> pd.DataFrame:
    """Who said what, grouped as the responses section presents them.

    Groups whose words the articles lead with come first (their most prominent statement), then
    in the order of ``GROUPS``, so the page does not always open with officials.

    Within a group, speakers whose words the articles lead with come first (``prominence``);
    a speaker's statements keep the order of the data file, which is the order the article
    prints them, so the parts of one tweet or answer stay in the order they were written.
    """
    frame = _selected("statements", sel, "date")
    frame["group_label"] = frame["group"].map(GROUPS)
    frame["group_order"] = frame["group"].map({g: i for i, g in enumerate(GROUPS)})
    frame["file_order"] = range(len(frame))
    frame["group_rank"] = frame.groupby("group")["prominence"].transform("min")
    frame["speaker_rank"] = frame.groupby("speaker")["prominence"].transform("min")
    frame["speaker_order"] = frame.groupby("speaker")["file_order"].transform("min")
    keys = ["group_rank", "group_order", "speaker_rank", "speaker_order", "file_order"]
    frame = frame.sort_values(keys).drop(columns=["file_order", "group_rank", "speaker_rank", "speaker_order"])
    return _one_per_sentence(frame.reset_index(drop=True))


def earlier_subjects(sel: Selection, frame: pd.DataFrame | None = None) -> dict[str, pd.Series]:
    """statement_id -> the earlier event its words are about (``about_event``), for the statements of ``frame``
    (default: the selection's) whose event is dated before the incident began: words about another matter, such
    as an earlier caravan, not a response to this one (review 5, M4)."""
    frame = statements(sel) if frame is None else frame
    if "about_event" not in frame:
        return {}
    start = incident(sel)["start_date"]
    events = tables.load("events").set_index("event_id")
    subjects = {}
    for sid, event_id in zip(frame["statement_id"], frame["about_event"], strict=True):
        if isinstance(event_id, str) and events.loc[event_id, "date"] < start:
            subjects[str(sid)] = events.loc[event_id]
    return subjects


def _one_per_sentence(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop a statement the book would show as the same article sentence as an earlier one.

    Reported speech and fragments are shown as the article's whole sentence (``prose.in_context``),
    so two rows quoting parts of one sentence by one speaker would show the reader the same block
    twice. Every count of statements (pages, chart, exercises) is a count of what the reader sees.
    """
    if frame.empty:
        return frame
    shown = frame.apply(in_context, axis=1)
    repeated = frame.duplicated(subset=["speaker", "source_id", "excerpt"]) & shown
    return frame[~repeated].reset_index(drop=True)


def statements_by_institution(sel: Selection) -> pd.DataFrame:
    frame = statements(sel)
    counts = frame.groupby(["group_label", "institution"], as_index=False).size().rename(columns={"size": "statements"})
    return counts.sort_values(["statements", "institution"], ascending=[False, True]).reset_index(drop=True)


def compare_groups() -> dict[str, list[str]]:
    """Comparison row name -> the metrics it shows, in the order metrics.csv lists them."""
    frame = tables.load("metrics").dropna(subset=["compare_group"])
    groups: dict[str, list[str]] = {}
    for metric, group in zip(frame["metric"], frame["compare_group"], strict=False):
        groups.setdefault(group, []).append(metric)
    return groups


def facts(sel: Selection) -> pd.DataFrame:
    return _selected("facts", sel).sort_values(["topic", "fact_id"]).reset_index(drop=True)


def places(sel: Selection) -> pd.DataFrame:
    """Places named in the incident's timeline (and its main place), with coordinates."""
    named = set(timeline(sel)["place"].dropna()) | {incident(sel)["place"]}
    frame = tables.load("places")
    return frame[frame["place"].isin(named)].reset_index(drop=True)


def fiscal_year(when: pd.Timestamp) -> int:
    """US federal fiscal year: FY2019 runs from October 2018 to September 2019."""
    return when.year + 1 if when.month >= 10 else when.year


#: CBP's monthly files, oldest first: one table of months once joined.
MONTHLY_TABLES = ("encounters_monthly", "encounters_monthly_fy2022")


@per_data
def monthly_table() -> pd.DataFrame:
    """CBP's monthly Southwest border files joined into one table, in month order, with ``month_start``."""
    frame = pd.concat([tables.load(name) for name in MONTHLY_TABLES], ignore_index=True)
    frame["month_start"] = pd.to_datetime({"year": frame["calendar_year"], "month": frame["calendar_month"], "day": 1})
    doubled = frame["month_start"].duplicated()
    if doubled.any():
        raise ValueError(f"CBP's monthly files both hold {frame.loc[doubled, 'month_start'].iloc[0]:%B %Y}")
    return frame.sort_values("month_start").reset_index(drop=True)


def monthly_span() -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last month CBP's monthly table covers."""
    months = monthly_table()["month_start"]
    return months.min(), months.max()


def encounters_monthly() -> pd.DataFrame:
    """CBP Southwest border encounters by month, long form.

    One row per month and series: Title 8 (apprehensions and inadmissibles) and Title 42
    (public-health expulsions), plus ``month_start`` as a date.
    """
    frame = monthly_table()
    long = frame.melt(
        id_vars=["fiscal_year", "month", "month_start", "total_swb_encounters"],
        value_vars=["total_title8", "total_title42"],
        var_name="authority",
        value_name="encounters",
    )
    long["authority"] = long["authority"].map({"total_title8": "Title 8", "total_title42": "Title 42"})
    return long.sort_values(["month_start", "authority"]).reset_index(drop=True)


def latest_month_until(month_start: pd.Timestamp) -> pd.Timestamp | None:
    """The last month in CBP's monthly table that is not after ``month_start``."""
    months = monthly_table()["month_start"]
    earlier = months[months <= month_start]
    return None if earlier.empty else earlier.max()


def distance_km(place_a: str, place_b: str) -> float:
    """Great-circle distance between two places of places.csv."""
    import math

    places = tables.load("places").set_index("place")
    lat1, lon1 = map(math.radians, places.loc[place_a, ["latitude", "longitude"]])
    lat2, lon2 = map(math.radians, places.loc[place_b, ["latitude", "longitude"]])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def encounters_in_month(month_start: pd.Timestamp) -> int | None:
    frame = monthly_table()
    hit = frame[(frame["calendar_year"] == month_start.year) & (frame["calendar_month"] == month_start.month)]
    return None if hit.empty else int(hit["total_swb_encounters"].iloc[0])


def encounters_fiscal_year(year: int) -> pd.Series:
    """Totals of one fiscal year by column (needs all twelve months in the table)."""
    frame = monthly_table()
    months = frame[frame["fiscal_year"] == year]
    if len(months) != len(MONTHS):
        raise KeyError(f"fiscal year {year} is not complete in the CBP monthly table")
    counts = months.select_dtypes("number").drop(columns=["fiscal_year", "calendar_year", "calendar_month"])
    return counts.sum()


def apprehensions_annual() -> pd.DataFrame:
    return tables.load("apprehensions_annual")[["fiscal_year", "southwest_border_total", "san_diego"]]


def encounters_around(sel: Selection, months: int = 6) -> pd.DataFrame:
    """Total CBP Southwest encounters from ``months`` before to ``months`` after the incident's month."""
    origin = incident_month(sel)
    frame = monthly_table()
    frame["months_from_incident"] = (frame["month_start"].dt.year - origin.year) * 12 + (
        frame["month_start"].dt.month - origin.month
    )
    near = frame[frame["months_from_incident"].abs() <= months]
    result = near[["month_start", "months_from_incident", "total_swb_encounters"]].copy()
    result["incident"] = sel.incident
    result["incident_title"] = incident(sel)["title"]
    return result.reset_index(drop=True)


def yearly_counts(column: str, before: int) -> pd.Series:
    """A count by fiscal year before ``before``: the Border Patrol's yearly table, then complete years of CBP's
    monthly table for the same count. Only Title 8 apprehensions continue the yearly table like for like."""
    annual = apprehensions_annual().set_index("fiscal_year")["southwest_border_total"]
    frame = monthly_table()
    months = frame.groupby("fiscal_year")[column].agg(["sum", "size"])
    later = months[(months["size"] == len(MONTHS)) & (months.index > annual.index.max())]["sum"]
    series = pd.concat([annual, later]).astype(int)
    return series[series.index < before]


#: The first fiscal year of CBP's monthly table that continues the Border Patrol's monthly table (FY2000-FY2019).
MONTHLY_CONTINUES_FROM = 2020


@per_data
def usbp_monthly_counts(column: str) -> pd.Series:
    """A Border Patrol count by month at the Southwest border, indexed by ``month_start``: the Border Patrol's
    monthly table (Title 8 apprehensions, fiscal years 2000 to 2019), then ``column`` of CBP's monthly table."""
    old = tables.load("usbp_monthly")
    old = old[old["sector_or_region"] == "Southwest Border"]
    number = {
        name: i + 1
        for i, name in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"))
    }
    starts = pd.to_datetime({"year": old["calendar_year"], "month": old["month"].map(number), "day": 1})
    early = pd.Series(old["usbp_apprehensions"].to_numpy(), index=pd.DatetimeIndex(starts))
    frame = monthly_table()
    frame = frame[frame["fiscal_year"] >= MONTHLY_CONTINUES_FROM]
    later = pd.Series(frame[column].to_numpy(), index=pd.DatetimeIndex(frame["month_start"]))
    return pd.concat([early[early.index < later.index.min()], later]).astype(int).sort_index()


def record_check(claim_year: int, fiscal: int) -> dict:
    """Compare a fiscal year's CBP encounters with the Border Patrol's long annual table.

    Returns the numbers the book shows when it checks a claim such as "the highest number
    since 1986": the claimed year's apprehensions, the table's peak, and the fiscal year's
    Border Patrol encounters split into Title 8 apprehensions and Title 42 expulsions.
    """
    annual = apprehensions_annual().set_index("fiscal_year")["southwest_border_total"]
    year = encounters_fiscal_year(fiscal)
    peak_year = int(annual.idxmax())
    usbp = int(year["usbp_total_encounters"])
    higher = annual[annual >= usbp]
    return {
        "claim_year": claim_year,
        "claim_year_apprehensions": int(annual.loc[claim_year]),
        "peak_year": peak_year,
        "peak_apprehensions": int(annual.loc[peak_year]),
        "table_first_year": int(annual.index.min()),
        "table_last_year": int(annual.index.max()),
        "fiscal_year": fiscal,
        "usbp_encounters": usbp,
        "usbp_title8": int(year["usbp_title8_apprehensions"]),
        "usbp_title42": int(year["usbp_title42_expulsions"]),
        "cbp_encounters": int(year["total_swb_encounters"]),
        "years_at_or_above": [int(y) for y in higher.index],
        "title8_years_at_or_above": [int(y) for y in annual[annual >= int(year["usbp_title8_apprehensions"])].index],
    }


# ---------------------------------------------------------------- drafts and the published book
def published_incidents() -> list[str]:
    """The incidents the published book shows: those marked ``published`` (a draft is for custom books)."""
    frame = tables.load("incidents")
    return frame.loc[frame["publication"] == "published", "incident"].tolist()


def published(name: str) -> pd.DataFrame:
    """The rows of an article table that belong to published incidents (by ``incident``, else by source)."""
    frame = tables.load(name)
    keep = set(published_incidents())
    if "incident" in frame.columns:
        return frame[frame["incident"].isin(keep)].reset_index(drop=True)
    if "source_id" in frame.columns:
        sources = tables.load("sources")
        ids = set(sources.loc[sources["incident"].isin(keep), "source_id"])
        return frame[frame["source_id"].isin(ids)].reset_index(drop=True)
    return frame
