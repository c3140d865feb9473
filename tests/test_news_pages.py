"""The narrative and responses pages, held to the standards review's classes on every page the data makes
(issue 17): one display of every date, vague dates never shown or drawn as a day, no worked-out date after
the article that reports it, each page opening with the news, and wording that lives in templates."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest
import yaml

from caravan_book.data import queries, tables
from caravan_book.data.kinds import GROUPS
from caravan_book.data.selection import select
from caravan_book.story import charts, common, narrative, responses
from caravan_book.story.display import (
    OPEN_AFTER,
    OPEN_BEFORE,
    date_span,
    date_text,
    event_date,
    outlet_name,
    published_date,
)
from caravan_book.story.figures import figure_html
from tests.conftest import INCIDENT_IDS, REPO, run_cli

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundreds?|thousands?|dozens?)\b", re.I)


def _pages(notebook: str) -> list[dict]:
    """Every page of the book made from this notebook, with its parameters (sections.yml)."""
    spec = yaml.safe_load((REPO / "sections.yml").read_text(encoding="utf-8"))
    return [p["parameters"] for part in spec["parts"] for p in part["pages"] if p.get("notebook") == notebook]


def _selections() -> list:
    """Each incident with all its articles, plus each day an article on it was published (as_of pages)."""
    sources = tables.load("sources")
    known = sources["published"] + pd.to_timedelta(
        (sources.get("published_precision", pd.Series(index=sources.index, dtype=object)) == "day or next").astype(int),
        unit="D",
    )  # a page "as known on" a day knows an article dated "15 or 16 November" from the 16th
    out = []
    for incident in INCIDENT_IDS:
        out.append(select(incident))
        for day in sorted(set(known[sources["incident"] == incident])):
            out.append(select(incident, "all", f"{day:%Y-%m-%d}"))
    return out


SELECTIONS = _selections()
IDS = [s.describe() for s in SELECTIONS]


def _article_last_day() -> pd.Series:
    """source_id -> the last day each article can be from (the next day for one dated '25 or 26 November')."""
    sources = tables.load("sources").set_index("source_id")
    precision = sources.get("published_precision", pd.Series(index=sources.index, dtype=object))
    last = {
        sid: date_span(s["published"], p if isinstance(p := precision.get(sid), str) else "day")[1]
        for sid, s in sources.iterrows()
    }
    # an article dated only "on or after" a day has no last day: nothing it reports can be after it
    return pd.Series({sid: pd.Timestamp.max if pd.isna(day) else day for sid, day in last.items()})


def _dated_rows() -> pd.DataFrame:
    """Every event and statement with its date and the publication date of its article."""
    published = _article_last_day()
    frames = []
    for name in ("events", "statements"):
        frame = tables.load(name).copy()
        frame["table"] = name
        frame["published"] = frame["source_id"].map(published)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_every_page_of_these_notebooks_is_tested():
    assert {p["incident"] for p in _pages("narrative")} | {p["incident"] for p in _pages("responses")} <= set(
        INCIDENT_IDS
    )


@pytest.mark.parametrize("incident", INCIDENT_IDS)
def test_a_chart_mark_and_its_table_row_give_the_same_date(incident):
    events = queries.timeline(select(incident))
    figure = charts.timeline_chart(events, name="t")
    assert list(figure.data["Date"]) == [event_date(r) for _, r in events.iterrows()]
    html = figure_html(figure.chart, caption=figure.caption, alt_text=figure.alt_text, data=figure.data, name="t")
    # a date may hold a ';' ('not stated; reported on ...'): it ends at the next field's name
    tooltips = Counter(m for m in re.findall(r"<title>[^<]*?Date: (.+?)(?:; [A-Z][a-z ]+: |</title>)", html))
    assert tooltips == Counter(figure.data["Date"])
    # the mark is drawn where the date says: a day on that day, anything vaguer over the days it can mean
    candidates = [figure.chart.data] + [layer.data for layer in figure.chart.layer]
    plotted = next(d for d in candidates if isinstance(d, pd.DataFrame))
    for (_, e), start, bound in zip(events.iterrows(), plotted["start"], plotted["bound"], strict=True):
        first = date_span(e["date"], e["date_precision"])[0]
        assert (pd.isna(start) and pd.isna(first)) or start == first, e["event_id"]
        if e["date_precision"] in OPEN_BEFORE + OPEN_AFTER:  # a one-sided date is drawn from its bound day
            assert bound == e["date"], e["event_id"]


@pytest.mark.parametrize("incident", INCIDENT_IDS)
def test_no_timeline_mark_of_an_open_date_has_an_invented_start_or_end(incident):
    """Review 3, M2: a date bounded on one side ("before 15 October", "on or before 15 November", "after 20
    January") has no first (or last) day in the chart's data, and no bar of days is drawn for it: only the tick
    on its bound and a fading bar of a fixed length in pixels."""
    events = queries.timeline(select(incident))
    figure = charts.timeline_chart(events, name="t")
    plotted = next(d for d in [figure.chart.data] + [x.data for x in figure.chart.layer] if isinstance(d, pd.DataFrame))
    plotted = plotted.assign(precision=list(events["date_precision"]))
    left = plotted[plotted["precision"].isin(OPEN_BEFORE)]
    right = plotted[plotted["precision"].isin(OPEN_AFTER)]
    assert left["start"].isna().all() and not left["span"].any(), left
    assert right["end"].isna().all() and not right["span"].any(), right
    assert (plotted["open"] != "").sum() == len(left) + len(right)
    spec = figure.chart.to_dict()
    fades = [layer for layer in spec["layer"] if isinstance(layer.get("mark"), dict) and "x2Offset" in layer["mark"]]
    assert fades and all(f["encoding"]["x"]["field"] == f["encoding"]["x2"]["field"] == "bound" for f in fades)


def test_no_date_an_article_leaves_open_is_shown_as_a_bare_day():
    """Review 3, M1: an event or statement whose dating note says "on or before" a day, or that it "may have
    come" or "may date from" the next day, carries that precision in the data; every display of it (prose,
    tables, tooltips, CSVs: the one date_text) says the bound or both days, never the day alone."""
    rows = _dated_rows()
    bare_day = re.compile(rf"(\w+day )?\d{{1,2}} ({MONTHS}) \d{{4}}†?")
    loose = rows[
        rows["date_note"].str.contains(r"on or before|may have (?:come|been issued) on|may date from", na=False)
    ]
    assert len(loose) >= 10
    for _, r in loose.iterrows():
        assert r["date_precision"] in ("on or before", "day or next", "reported"), (
            r.get("event_id"),
            r.get("statement_id"),
        )
        assert not bare_day.fullmatch(event_date(r)), (r.get("event_id"), r.get("statement_id"), event_date(r))
    assert date_text(pd.Timestamp("2018-11-25"), "inferred", "day or next") == "25 or 26 November 2018†"
    assert date_text(pd.Timestamp("2018-11-30"), None, "day or next") == "30 November or 1 December 2018"
    assert date_text(pd.Timestamp("2021-01-20"), "inferred", "after") == "after 20 January 2021†"
    assert date_text(pd.Timestamp("2018-11-15"), "inferred", "on or before") == "on or before 15 November 2018†"
    assert date_text(pd.Timestamp("2018-11-26"), "stated", "reported") == "not stated; reported on 26 November 2018"


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_an_article_dated_to_one_of_two_days_is_never_shown_as_one_day(sel):
    """Review 3, m2: an article the text dates only to one of two days (the BBC's: 25 or 26 November) is cited
    with both days everywhere a page names it, and the statements it does not date are 'reported on' both."""
    sources = queries.sources(sel)
    vague = sources[sources.get("published_precision", pd.Series(dtype=object)).fillna("day") != "day"]
    text = responses.responses_text(sel) + responses.responses_lead(sel) + narrative.inferred_dates(sel)
    for _, a in vague.iterrows():
        if a["published_precision"] == "on or after":  # review 4, M1: MailOnline, from a first day only
            assert published_date(a) == f"on or after {a['published']:%-d %B %Y}†", a["source_id"]
        else:
            assert published_date(a).endswith(f"or {a['published'] + pd.Timedelta(days=1):%-d %B %Y}†"), a["source_id"]
        assert f"{outlet_name(a)}, {a['published']:%-d %B %Y}" not in text, a["source_id"]


def test_an_undated_statement_is_dated_by_its_article():
    """Review 3, m5: a statement whose article does not say when it was made is dated "not stated; reported on"
    the article's date, with the article's own basis (no † on a date the article prints)."""
    sources = tables.load("sources").set_index("source_id")
    statements = tables.load("statements")
    reported = statements[statements["date_precision"] == "reported"]
    assert not reported.empty
    for _, s in reported.iterrows():
        article = sources.loc[s["source_id"]]
        assert s["date"] == article["published"], s["statement_id"]
        assert s["date_basis"] == article["published_basis"], s["statement_id"]


def test_no_date_known_to_less_than_a_day_is_shown_with_a_day():
    rows = _dated_rows()
    vague = rows[rows["date_precision"].fillna("day") != "day"]
    assert not vague.empty
    for _, r in vague.iterrows():
        assert not re.fullmatch(rf"(\w+day )?\d{{1,2}} ({MONTHS}) \d{{4}}†?", event_date(r)), r.to_dict()


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_no_placeholder_day_is_printed_on_a_page(sel):
    events = queries.timeline(sel)
    text = "\n".join(
        [narrative.lead(sel), narrative.day_by_day(sel), narrative.events_by_day(sel), narrative.inferred_dates(sel)]
    )
    days = set(events[events["date_precision"] == "day"]["date"])
    for _, e in events[events["date_precision"] != "day"].iterrows():
        shown = f"{e['date'].day} {e['date']:%B %Y}"
        if e["date"] in days or (sel.as_of is not None and e["date"] == sel.as_of):
            continue
        if e["date_precision"] in OPEN_BEFORE + OPEN_AFTER:  # the bound is a real day, always printed as a bound
            bound = {"after": "after "}.get(e["date_precision"], "before ")
            # or the second of two days ("reported on 15 or 16 November"), a real day of a statement's article
            assert text.count(shown) == text.count(bound + shown) + text.count("or " + shown), e["event_id"]
        elif e["date_precision"] == "day or next":
            nxt = e["date"] + pd.Timedelta(days=1)
            assert text.count(shown) == text.count(f"or {nxt.day} {nxt:%B %Y}"), e["event_id"]
        else:
            assert shown not in text, e["event_id"]


def test_no_worked_out_date_is_later_than_the_article_that_reports_it():
    rows = _dated_rows()
    for _, r in rows[rows["date_basis"] == "inferred"].iterrows():
        start, end = date_span(r["date"], r["date_precision"] if isinstance(r["date_precision"], str) else "day")
        assert (start if pd.isna(end) else end) <= r["published"], (
            r.get("event_id"),
            r.get("statement_id"),
            event_date(r),
        )


def test_no_event_on_a_timeline_starts_after_the_article_that_reports_it():
    """Review 2, M3: a date later than the article (a planned end, a deadline) is not something that happened;
    it is told in the text of the event that set it, never plotted as an event, whatever its date basis."""
    published = _article_last_day()
    for sel in SELECTIONS:
        events = queries.timeline(sel)
        for _, e in events.iterrows():
            start, end = date_span(e["date"], e["date_precision"] if isinstance(e["date_precision"], str) else "day")
            assert (end if pd.isna(start) else start) <= published[e["source_id"]], (e["event_id"], event_date(e))


def test_a_figure_is_dated_only_as_precisely_as_its_article_dates_it():
    """Review 2, M2: every figure's date goes through the one display (figure_date): a fiscal year's total by
    its months, a worked-out date by month with its †, a day only where the article prints that day."""
    from caravan_book.story.display import INFERRED, date_text, figure_date

    sources = tables.load("sources").set_index("source_id")
    for _, f in tables.load("figures").iterrows():
        f = pd.concat([f, sources.loc[f["source_id"], ["published", "published_basis"]]])
        shown = figure_date(f)
        day = date_text(f["as_of"], None, "day")
        # review 3, m9: no † on a month the article prints in its own date line
        month_printed = f["published_basis"] == "stated" and f"{f['published']:%Y-%m}" == f"{f['as_of']:%Y-%m}"
        precision = f.get("as_of_precision")
        if str(f["metric"]).endswith("_fiscal_year"):
            assert shown.startswith("fiscal year ") and day not in shown, (f["figure_id"], shown)
        elif isinstance(precision, str) and precision:  # review 3, m15: the figure's own precision ("before")
            assert shown == date_text(f["as_of"], f["as_of_basis"], precision), (f["figure_id"], shown)
            assert not re.fullmatch(rf"\d{{1,2}} ({MONTHS}) \d{{4}}†?", shown), (f["figure_id"], shown)
        elif f["as_of_basis"] != "stated":
            assert day not in shown and shown.endswith(INFERRED) != month_printed, (f["figure_id"], shown)
        else:
            assert shown == day, (f["figure_id"], shown)


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_responses_exercise_answer_agrees_with_the_counts(sel):
    """Review 2, M5: the answer on who is quoted most and fewest is the page's counts, read from the data."""
    from caravan_book.story import exercises

    frame = queries.statements(sel)
    counts = frame.groupby("group")["statement_id"].count()
    text = " ".join(exercises.responses(sel).split())
    officials = counts[counts.index.isin(["us-federal", "mexico-federal"])]
    if "officials have the fewest" in text:
        assert not officials.empty and (officials == counts.min()).all(), dict(counts)
    if "officials are quoted most" in text:
        assert (officials == counts.max()).any() and counts.max() > counts.min(), dict(counts)
    if not officials.empty and counts.max() > counts.min() and (officials == counts.max()).any():
        assert "officials are quoted most" in text and "officials have the fewest" not in text, dict(counts)


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_lead_gives_each_sides_account_as_the_article_does(sel):
    """Review 2, M4: a lead whose events give no one's account gives each non-government speaker's leading
    statement of the lead day, in the article's own words, and says when no government statement is reported."""
    from caravan_book.story.common import headline

    text = " ".join(narrative.lead(sel).split())
    statements = queries.statements(sel)
    if statements.empty or queries.timeline(sel).empty:
        return
    news = headline(sel)["news"]
    if any(common.ACCOUNT.search(str(s)) for s in news["summary"]):
        return
    day = statements[statements["date"].isin(set(news["date"])) & ~statements["group"].isin(responses.OFFICIAL)]
    day = day[~day["excerpt"].isin(set(news["excerpt"]))]
    for _, r in day[day["prominence"] == day["prominence"].min()].drop_duplicates("speaker").iterrows():
        words = r["quote"] if r["quote_kind"] == "direct" and r["quote"] in r["excerpt"] else r["excerpt"]
        assert " ".join(str(words).split())[:60] in text, (r["statement_id"], text)
    silent = bool(responses.officials_before(sel, statements))
    assert ("no statement by the US or Mexican government" in text) == silent, text


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_day_count_exercise_says_how_the_left_out_events_are_dated(sel):
    """Review 2, minors 1-2: the events the day count leaves out are named by how they are dated (never "by
    month" for a week or a bound), and the question says who dated the days (the book, when all are †)."""
    from caravan_book.story import exercises

    events = queries.timeline(sel)
    dated = events[events["date_precision"] == "day"]
    if dated["date"].nunique() < 2:
        return
    text = " ".join(re.sub(r"\\(.)", r"\1", exercises.narrative(sel)).split())  # as read: no Markdown escapes
    kinds = set(events.loc[events["date_precision"] != "day", "date_precision"])
    # review 6, m5: in plain words, each kind of date named once ("the articles give only a week, a limit ...")
    left_out = re.search(
        r"left out because (?:it has|they have) no exact day: the articles? gives? only ([^.]*)\.", text
    )
    assert (left_out is not None) == bool(kinds), text[:600]
    given = left_out.group(1) if left_out else ""
    words = {"month": "a month", "early month": "part of a month", "week": "a week", "year": "a year"}
    words |= {"day or next": "two possible days", "reported": "the date of the report"}
    bounds = {"before", "on or before", "after", "on or after"}
    for kind, phrase in words.items():
        assert (re.search(rf"(^|, | or ){phrase}(,| or |$)", given) is not None) == (kind in kinds), (kind, given)
    assert ("a limit (a day before or after the event)" in given) == bool(kinds & bounds), given
    assert given.count("a limit") <= 1, given
    assert ("the book dates to the day" in text) == bool((dated["date_basis"] == "inferred").all())


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_each_page_opens_with_the_news(sel):
    info = queries.incident(sel)
    first = narrative.lead(sel).strip().split("\n\n")[0]
    assert "This page" not in first and "parameters" not in first
    assert re.search(rf"\d{{1,2}} ({MONTHS}) \d{{4}}", first), first
    assert NUMBER.search(re.sub(rf"\d{{1,2}} ({MONTHS}) \d{{4}}", "", first)), first
    if sel.as_of is None:
        assert info["place"] in first
    # an as_of page says only what was published by then: never the after-the-fact summary
    assert str(info["summary"])[:60] not in narrative.lead(sel)


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_responses_page_opens_with_the_news(sel):
    # the news lead first (review 4, m1), then "Each side, in brief" with its counts
    first = common.news_lead(sel).strip().split("\n\n")[0]
    assert re.search(rf"\d{{1,2}} ({MONTHS}) \d{{4}}", first), first
    assert queries.incident(sel)["place"] in first or sel.as_of is not None
    counts = responses.responses_lead(sel).strip().split("\n\n")[0]
    assert re.search(r"\d+ (?:person or group|people or groups), \d+ times? in all", counts), counts


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_a_page_on_one_article_says_so_in_its_lead(sel):
    lead = narrative.lead(sel)
    assert ("comes from one article" in lead) == (len(sel.sources) == 1)


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_when_no_government_answered_the_incident_the_responses_page_says_so(sel):
    frame = queries.statements(sel)
    start = pd.Timestamp(queries.incident(sel)["start_date"])
    official = frame[frame["group"].isin(responses.OFFICIAL)]
    before_it = sel.as_of is not None and sel.as_of < start
    # a statement the article does not date ("reported") answers the incident unless its sentence tells of
    # something earlier (review 3, m5: judged by content, not by the date of its article)
    # (review 5, M4: or it is about an earlier event, ``about_event``)
    earlier = set(queries.timeline(sel).loc[lambda e: e["date"] < start, "excerpt"])
    about = official["statement_id"].isin(list(queries.earlier_subjects(sel, frame)))
    reported = official["date_precision"].isin(OPEN_BEFORE) | about
    answered = (
        official.empty
        or (official[~reported]["date"] >= start).any()
        or not (official[reported]["excerpt"].isin(earlier) | about[reported]).all()
        or before_it
    )
    said = "no statement by the US or Mexican government" in responses.responses_lead(sel)
    assert said == (not answered)


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_no_article_summary_is_printed_as_the_books_own_words(sel):
    """Reported speech is shown as the article's sentence in quotation marks, so a loaded word it holds
    ("storm") is always inside quotation marks."""
    text = responses.responses_text(sel) + responses.responses_lead(sel)
    assert "as summed up by" not in text
    for line in text.splitlines():
        for word in ("storm", "invasion", "hordes"):
            for hit in re.finditer(word, line):
                assert line[: hit.start()].count("“") > line[: hit.start()].count("”"), line


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_a_weekday_is_shown_only_where_an_article_prints_it(sel):
    events = queries.timeline(sel)
    text = narrative.events_by_day(sel) + narrative.lead(sel)
    for weekday, day in re.findall(rf"\b(\w+day) (\d{{1,2}} (?:{MONTHS}) \d{{4}})", text):
        on_day = events[events["date"] == pd.Timestamp(day)]
        assert any(weekday in str(x) for x in on_day["excerpt"]), (weekday, day)


@pytest.mark.build
def test_changing_a_sentence_in_a_template_changes_the_page(book_copy):
    template = book_copy / "book" / "templates" / "narrative" / "timeline-intro.md.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace("Point at a mark", "Rest the pointer on a mark"),
        encoding="utf-8",
    )
    done = run_cli("build", root=book_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    page = book_copy / "_build" / "html" / "book" / "generated" / "narrative-2018-tijuana.html"
    assert "Rest the pointer on a mark" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_parameter_line_and_the_method_close_the_page(sel):
    from caravan_book.story import common

    notebooks = {n: (REPO / "notebooks" / f"{n}.ipynb").read_text(encoding="utf-8") for n in ("narrative", "responses")}
    for name, source in notebooks.items():
        assert "state=False" in source, name  # the page does not open with its parameter line
        assert source.rfind("story.colophon(sel)") > source.rfind("exercises."), name  # it ends with it
    sentence = common.parameters_sentence(sel)
    if sel.all_sources and sel.as_of is None:  # the book's own parameters: no line to read (review 2, M6)
        assert sentence == ""
    else:  # a plain sentence at the very end: the incident, the articles, the day; no "·" list of settings
        assert sentence.startswith("This page tells “") and sentence.endswith(".") and "·" not in sentence
        assert sel.as_of is None or date_text(sel.as_of) in sentence
        assert sentence in common.colophon(sel)
    source = (REPO / "notebooks" / "numbers.ipynb").read_text(encoding="utf-8")
    assert "state=False" in source and source.rfind("notebook.end(sel)") > source.rfind("exercises."), "numbers"


def test_an_article_dated_to_a_range_never_bounds_a_date_before_its_last_day():
    """Review 4, M1: an article the text dates only to a range ("15 or 16 November") bounds what it reports by
    the range's last day ("on or before 16 November"), and a statement it does not date is "reported on" the
    whole range, never on its first day alone."""
    sources = tables.load("sources").set_index("source_id")
    last = _article_last_day()
    ranged = [
        sid for sid, p in sources.get("published_precision", pd.Series(dtype=object)).items() if p == "day or next"
    ]
    assert "independent-ap" in ranged
    rows = _dated_rows()
    checked = 0
    for _, r in rows[rows["source_id"].isin(ranged)].iterrows():
        article = sources.loc[r["source_id"]]
        if r["date_precision"] == "on or before":
            assert r["date"] >= last[r["source_id"]], (r.get("event_id"), r.get("statement_id"), event_date(r))
            checked += 1
        elif r["date_precision"] == "reported":
            shown = event_date(pd.concat([r, article[["published_precision"]]]))
            assert shown.endswith(published_date(article)), (r.get("statement_id"), shown)
            checked += 1
    assert checked >= 15


def test_no_undated_photo_caption_is_given_one_day():
    """Review 4, M3: a photo caption carries no date; it is never placed on one day (here: on or after the day
    the caravan set out), and every page draws it as an open bound."""
    events = tables.load("events")
    captions = events[events["date_note"].str.contains("caption", case=False, na=False)]
    assert len(captions) >= 3
    for _, e in captions.iterrows():
        start, end = date_span(e["date"], e["date_precision"])
        assert pd.isna(start) or pd.isna(end) or start != end, (e["event_id"], event_date(e))
        assert e["date_precision"] in OPEN_BEFORE + OPEN_AFTER, e["event_id"]
    for sel in SELECTIONS:
        text = narrative.lead(sel) + narrative.day_by_day(sel) + narrative.events_by_day(sel)
        for _, e in queries.timeline(sel).iterrows():
            if e["event_id"] in set(captions["event_id"]):
                lead_day = f"{e['date']:%A} {e['date'].day} {e['date']:%B %Y}"
                assert f"{lead_day}†: {e['summary']}" not in text, e["event_id"]


def _dating_phrases(row: pd.Series) -> list[str]:
    """The date phrases that date a row's own sentence: those ``find_dates`` reads in its excerpt, and those its
    date note quotes from the article ('On Thursday') that ``find_dates`` reads as a date."""
    from caravan_book.text.dates import find_dates

    anchor = pd.Timestamp(row["date"]).date()
    phrases = [m.phrase for m in find_dates(str(row["excerpt"]), anchor, False)]
    note = row.get("date_note") if isinstance(row.get("date_note"), str) else ""
    for quoted in re.findall(r"'([^']+)'", note):
        phrases += [m.phrase for m in find_dates(quoted, anchor, False)]
    return phrases


def test_a_statement_is_dated_by_when_the_article_says_it_was_made_or_else_reported():
    """Review 5, M3: "A statement is dated by when the article says it was made, or else by the article that
    reports it." Every statement is 'reported' unless its sentence (or the article phrase its date note quotes)
    holds a date phrase; the five 2021 sayings the article does not date are 'reported'."""
    statements = tables.load("statements")
    assert len(statements) >= 60
    for _, s in statements.iterrows():
        if s["date_precision"] != "reported":
            assert _dating_phrases(s), (s["statement_id"], s["date_precision"], s["excerpt"])
    undated = {
        "2021-leader-resist-peacefully-mailonline",
        "2021-caravan-hopes-us-border-mailonline",
        "2021-mujica-protest-mailonline",
        "2021-mujica-money-mailonline",
        "2021-mujica-papers-mailonline",
    }
    assert set(statements.loc[statements["date_precision"] == "reported", "statement_id"]) >= undated


def test_an_event_that_retells_a_statement_has_its_date():
    """Review 5, M3: every event whose excerpt is a statement's excerpt (same article) has the statement's date and
    precision, unless its own sentence dates what it tells ("rounded up after trying to cross ... on Sunday");
    and no event folds in the words of another statement of a different date ("said troops could use lethal
    force" in the week of 19-25 November)."""
    events = tables.load("events")
    statements = tables.load("statements")
    checked = 0
    for _, e in events.iterrows():
        same = statements[(statements["source_id"] == e["source_id"]) & (statements["excerpt"] == e["excerpt"])]
        for _, s in same.iterrows():
            alike = (e["date"], e["date_precision"]) == (s["date"], s["date_precision"])
            action = bool(_dating_phrases(e[["date", "excerpt"]]))
            assert alike or action, (e["event_id"], e["date"], e["date_precision"], s["statement_id"], s["date"])
            checked += 1
        if same.empty:
            continue
        summary = str(e["summary"]).lower()
        for _, s in statements[
            (statements["source_id"] == e["source_id"]) & (statements["excerpt"] != e["excerpt"])
        ].iterrows():
            words = re.findall(r"[a-z']+", str(s["quote"]).lower())
            shingles = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
            folded = sum(sh in summary for sh in shingles) >= 2
            assert not folded or e["date"] == s["date"], (e["event_id"], s["statement_id"])
    assert checked >= 20


def _said_events() -> list[tuple[pd.Series, pd.Series]]:
    """(event, statement) pairs that are one saying: the same article's same sentence, by the same speaker."""
    events = queries._with_outlet(tables.load("events"))
    statements = queries._with_outlet(tables.load("statements"))
    pairs = []
    for _, e in events.iterrows():
        same = statements[(statements["source_id"] == e["source_id"]) & (statements["excerpt"] == e["excerpt"])]
        for _, s in same.iterrows():
            if e["actor"] in (s["speaker"], s["institution"]):
                pairs.append((e, s))
    return pairs


def test_the_narrative_and_responses_pages_date_one_saying_alike():
    """Review 4, M2: an event that is a statement (the INM's words on the earlier caravan) has the statement's
    date on the narrative (timeline, table, day by day, dating notes) and on the responses page."""
    pairs = _said_events()
    assert len(pairs) >= 10
    for e, s in pairs:
        assert event_date(e) == event_date(s), (e["event_id"], event_date(e), s["statement_id"], event_date(s))
    inm = dict(pairs_by_id := {e["event_id"]: s for e, s in pairs}).get("2021-earlier-caravan-treatment-mailonline")
    assert inm is not None and pairs_by_id
    for sel in SELECTIONS:
        if sel.incident != "2021-tapachula":
            continue
        shown = event_date(inm)
        assert shown in responses.responses_text(sel)
        notes = narrative.inferred_dates(sel)
        assert "early September 2021†: Mexico's National Migration Institute said" not in notes
        figure = charts.timeline_chart(queries.timeline(sel), name="t")
        dates = dict(zip(queries.timeline(sel)["event_id"], figure.data["Date"], strict=True))
        assert dates["2021-earlier-caravan-treatment-mailonline"] == shown


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_timeline_table_is_in_date_order(sel):
    """Review 4, m13: the timeline's table (and its marks) in date order: a bound by its bound day, before the
    day's own events; "25 or 26 November" after the 25th's events; "after" a day last."""
    from caravan_book.data.kinds import PRECISION_ORDER

    events = queries.timeline(sel)
    keys = [
        (d, PRECISION_ORDER[p if isinstance(p, str) else "day"])
        for d, p in zip(events["date"], events["date_precision"], strict=True)
    ]
    assert keys == sorted(keys)
    figure = charts.timeline_chart(events, name="t")
    assert list(figure.data["Date"]) == [event_date(r) for _, r in events.iterrows()]


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_every_worked_out_item_carries_its_dagger(sel):
    """Review 4, m13: in the list of all events, a day heading without † (some items printed) marks each of its
    worked-out items."""
    text = narrative.events_by_day(sel)
    events = queries.timeline(sel)
    inferred = events[events["date_basis"] == "inferred"]
    for heading in re.findall(r"^\*\*(.+?)\*\*$", text, re.M):
        if heading.endswith("†"):
            continue
        block = text.split(f"**{heading}**", 1)[1].split("\n**", 1)[0]
        for _, e in inferred.iterrows():
            if f"- {e['summary']} (" in block or f"- {e['summary']} —" in block:
                assert f"- {e['summary']} (day worked out†)" in block, (heading, e["event_id"])


def test_a_count_start_is_not_an_event_on_that_day():
    """Review 4, m6: "turned back 11,000 since 19 October" is a statement of its article's date; 19 October is
    the count's start (said in the summary), not a mark on the timeline."""
    events = tables.load("events")
    since = events[events["excerpt"].str.contains(r"\bsince \d{1,2} [A-Z][a-z]+", na=False)]
    assert not since.empty
    for _, e in since.iterrows():
        day = re.search(r"since (\d{1,2} [A-Z][a-z]+)", e["excerpt"]).group(1)
        assert e["date_precision"] in OPEN_BEFORE, e["event_id"]
        assert day in e["summary"], e["event_id"]


def test_statements_dated_by_another_article_are_dated_by_their_own():
    """Review 4, m4: a statement whose own article does not date it is not given another article's day."""
    statements = tables.load("statements")
    borrowed = statements[statements["date_note"].str.contains("other article", na=False)]
    assert not borrowed.empty
    assert (borrowed["date_precision"] == "reported").all(), list(borrowed["statement_id"])


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_a_statement_about_an_earlier_matter_is_labelled_where_it_is_shown(sel):
    """Review 5, M4: words about another, earlier matter (the National Migration Institute on the caravan broken
    up in early September 2021) are labelled so in the lists by group, in "Each side, in brief" and in the group
    counts; the lead says no government statement is about this caravan; the comparison page's fact on the same
    sentence says it is "not about this caravan"."""
    frame = queries.statements(sel)
    subjects = queries.earlier_subjects(sel, frame)
    start = queries.incident(sel)["start_date"]
    events = tables.load("events").set_index("event_id")
    expected = {
        str(r["statement_id"])
        for _, r in frame.iterrows()
        if isinstance(r.get("about_event"), str) and events.loc[r["about_event"], "date"] < start
    }
    assert set(subjects) == expected
    if sel.incident == "2021-tapachula":
        assert "2021-inm-violent-treatment-mailonline" in subjects
    text, lead, summary = responses.responses_text(sel), responses.responses_lead(sel), responses.responses_summary(sel)
    notes = responses.earlier_notes(sel, frame)
    facts = tables.load("facts")
    for sid, event in subjects.items():
        row = frame[frame["statement_id"] == sid].iloc[0]
        assert str(notes[sid]) in text
        assert event_date(event) in str(notes[sid])
        if frame[frame["group"] == row["group"]].iloc[0]["statement_id"] == sid:
            assert str(notes[sid]) in lead
        assert re.search(rf"- {re.escape(GROUPS[row['group']])}: \d+ statements? \([^)]*earlier event", summary)
        same = facts[(facts["source_id"] == row["source_id"]) & (facts["excerpt"] == row["excerpt"])]
        assert same["value"].str.startswith("not about this caravan").all()
        if (frame[frame["group"] == row["group"]]["statement_id"].isin(list(subjects))).all():
            assert "no statement by the US or Mexican government about this caravan" in lead
    for line in summary.splitlines():
        if "earlier event" in line:
            assert any(
                line.startswith(f"- {GROUPS[frame.loc[frame['statement_id'] == s, 'group'].iloc[0]]}:")
                for s in subjects
            )
