"""What a standards editor checks, pinned across every built page of the book.

Each test states one class of defect in general terms (the articles' words, attribution, the news
first, dates, claims, balance, labels) and checks it on every page where it can occur, from the
data, so a new row or a new page is covered without editing the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import generated_pages, require_seeds

from caravan_book.build import sections
from caravan_book.data import claims, queries, tables
from caravan_book.data.selection import select
from caravan_book.story.narrative import _story_key
from caravan_book.text.quotes import in_context


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _articles() -> str:
    seeds = require_seeds()
    documents = tables.load("sources")["document"]
    return "\n".join(_collapse((seeds / d).read_text(encoding="utf-8")) for d in documents)


@pytest.fixture(scope="module")
def pages(built_book) -> dict[str, BeautifulSoup]:
    return generated_pages(built_book)


def _text(node) -> str:
    return _collapse(node.get_text(" ")).replace(" ,", ",").replace(" .", ".")


def _page_text(soup: BeautifulSoup) -> str:
    main = soup.select_one("main") or soup
    return _collapse(main.get_text(""))


def _incident_pages(prefix: str) -> list[tuple[str, str]]:
    return [(p.page, p.parameters["incident"]) for p in sections.load().pages if p.page.startswith(prefix)]


def _quoted(text: str) -> str:
    """The text inside the outer curly quotation marks the book puts around an article's words."""
    text = _collapse(text)
    assert text.startswith("“") and text.endswith("”"), text
    return text[1:-1]


# ------------------------------------------------------------ 1. the articles' words are the articles'
def test_every_figure_shown_as_the_articles_words_is_in_the_article(pages):
    articles = _articles()
    checked = 0
    for name, soup in pages.items():
        for table in soup.select("table:not(.caravan-data-table)"):
            headers = [_collapse(th.get_text()) for th in table.select("thead th")]
            if "The article’s words" not in headers and "The article's words" not in headers:
                continue
            column = [h.replace("’", "'") for h in headers].index("The article's words")
            for row in table.select("tbody tr"):
                cell = row.select("td")[column]
                words = _quoted(cell.get_text(""))
                assert words in articles, f"{name}: {words!r} is not in any article"
                checked += 1
    figures = tables.load("figures")
    # figures an article prints with the same words (three children's ages in "ages 4, 5 and 12") share a row
    shown = figures.drop_duplicates(["source_id", "as_printed", "attributed_to"])
    assert checked == len(shown), "every figure appears once in a numbers table"


def test_claims_and_comparison_quote_the_article_character_for_character(pages):
    articles = _articles()
    phrases = set(tables.load("figures")["as_printed"])
    found = 0
    for name, soup in pages.items():
        text = _page_text(soup)
        for quoted in re.findall(r"“([^“”]*(?:“[^“”]*”[^“”]*)*)”", text):
            if any(p in quoted for p in phrases) and len(quoted) < 200:
                assert quoted in articles, f"{name}: {quoted!r} is not in any article"
                found += 1
    assert found > 0


def test_headlines_printed_in_quotation_marks_are_the_articles_words(pages):
    articles = _articles()
    text = _page_text(pages["methods"])
    for headline in tables.load("sources")["headline"]:
        assert headline in articles, headline
        assert f"“{_collapse(headline)}”" in text, headline


def test_exercises_quote_the_articles_own_qualifier(pages):
    articles = _articles()
    for name, soup in pages.items():
        for match in re.finditer(r"writes “([^”]+)”\. What does the word “([^”]+)”", _page_text(soup)):
            phrase, word = match.groups()
            assert phrase in articles, f"{name}: {phrase!r}"
            assert word in phrase, f"{name}: {word!r} is not the article's word in {phrase!r}"


# ------------------------------------------------------------ 3. every figure keeps its speaker
def test_comparison_names_the_speaker_of_every_attributed_figure(pages):
    text = _page_text(pages["comparison"])
    page = next(p for p in sections.load().pages if p.page == "comparison")
    metrics = {m for group in queries.compare_groups().values() for m in group}
    figures = tables.load("figures")
    incidents = set(page.parameters.values())
    shown = figures[figures["incident"].isin(incidents) & figures["metric"].isin(metrics)]
    assert not shown.empty
    for _, f in shown.iterrows():
        phrase = _collapse(f["as_printed"])
        assert f"“{phrase}”" in text, f["figure_id"]
        if isinstance(f["attributed_to"], str):
            assert f"“{phrase}” — {f['attributed_to']}, according to" in text, f["figure_id"]


def test_comparison_row_labels_are_row_headers(pages):
    table = pages["comparison"].select_one("table.caravan-compare")
    assert table is not None
    for row in table.select("tbody tr"):
        header = row.find(["th", "td"])
        assert header.name == "th" and header.get("scope") == "row", header


# ------------------------------------------------------------ 4. fragments keep their context
def test_reported_speech_and_fragments_are_shown_in_the_articles_sentence(pages):
    statements = tables.load("statements")
    for page, incident in _incident_pages("responses-"):
        text = _page_text(pages[page]).replace(" [sic]", "")  # the book marks the articles' errors
        rows = statements[statements["incident"] == incident]
        for _, s in rows.iterrows():
            if in_context(s):
                assert _collapse(s["excerpt"]) in text, s["statement_id"]
            else:
                assert f"“{_collapse(s['quote'])}”" in text, s["statement_id"]
    for name, soup in pages.items():
        text = _page_text(soup)
        assert "— about" not in text, name
        assert "in its own words: " not in text.replace("in its own words: “", ""), name


def test_statements_of_one_speaker_keep_the_order_they_were_written(pages):
    statements = tables.load("statements")
    for page, incident in _incident_pages("responses-"):
        text = _page_text(pages[page]).replace(" [sic]", "")  # the book marks the articles' errors
        mine = statements[statements["incident"] == incident]
        for (_, _), rows in mine.groupby(["speaker", "source_id"], sort=False):
            quotes = [q for (_, r), q in zip(rows.iterrows(), rows["quote"], strict=False) if not in_context(r)]
            positions = [text.find(f"“{_collapse(q)}”") for q in quotes]
            assert -1 not in positions and positions == sorted(positions), rows["statement_id"].tolist()


# ------------------------------------------------------------ 5. balance
def test_each_group_quoted_is_heard_in_the_brief_before_the_full_lists(pages):
    statements = tables.load("statements")
    for page, incident in _incident_pages("responses-"):
        soup = pages[page]
        heading = soup.find(lambda tag: tag.name in ("h2", "h3") and "Each side, in brief" in tag.get_text())
        assert heading is not None, page
        section = heading.find_parent("section")
        groups = statements[statements["incident"] == incident]["group"].unique()
        assert len(section.select("blockquote")) == len(groups), page


def test_narrative_pages_give_the_migrants_stated_reasons(pages):
    facts = tables.load("facts")
    for page, incident in _incident_pages("narrative-"):
        text = _page_text(pages[page])
        for excerpt in facts[(facts["incident"] == incident) & (facts["topic"] == "stated_reasons")]["excerpt"]:
            assert _collapse(excerpt) in text, page


# ------------------------------------------------------------ 6. the news first
def test_numbers_tables_lead_with_the_news(pages):
    figures = tables.load("figures")
    for page, incident in _incident_pages("numbers-"):
        table = next(
            t
            for t in pages[page].select("table:not(.caravan-data-table)")
            if any("article" in _collapse(th.get_text()).lower() and "words" in th.get_text() for th in t.select("th"))
        )
        first = _quoted(table.select_one("tbody tr").select("td")[1].get_text(""))
        lead = figures[(figures["incident"] == incident) & (figures["as_printed"].map(_collapse) == first)]
        assert (lead["prominence"] == 1).all() and not lead.empty, page


def test_day_summaries_keep_every_headline_event(pages):
    """Every event of prominence 0 (the lead) or 1 is in the day's summary, once per story however many articles
    report it."""
    events = tables.load("events")
    events["story"] = [_story_key(e, s) for e, s in zip(events["event_id"], events["source_id"], strict=False)]
    for page, incident in _incident_pages("narrative-"):
        heading = pages[page].find(lambda tag: tag.name == "h2" and "Day by day" in tag.get_text())
        text = _text(heading.find_parent("section").find("ul"))
        top = events[(events["incident"] == incident) & (events["prominence"] <= 1)]
        for story, rows in top.groupby("story"):
            assert any(_collapse(s) in text for s in rows["summary"]), f"{page}: {story}"


# ------------------------------------------------------------ 7. claims checked, with a verdict
def _claims_table(soup: BeautifulSoup):
    heading = soup.find(lambda tag: tag.name in ("h2", "h3") and "claims, checked" in tag.get_text())
    return heading.find_parent("section").select_one("table:not(.caravan-data-table)") if heading else None


def test_one_verdict_row_per_distinct_claim_with_the_figures_recomputed(pages):
    """The claims table has one row per distinct claim (claims.csv's ``claim``), the article's words of every
    figure of the claim in it, and the official figure recomputed here from the reference files."""
    claims = tables.load("claims").merge(tables.load("figures"), on="figure_id")
    for page, incident in _incident_pages("numbers-"):
        mine = claims[claims["incident"] == incident]
        table = _claims_table(pages[page])
        if mine.empty:
            assert table is None, page
            continue
        rows = table.select("tbody tr")
        assert len(rows) == mine["claim"].nunique(), page
        for row, (_, group) in zip(rows, mine.groupby("claim", sort=False), strict=True):
            text = _text(row)
            for phrase, words in zip(group["as_printed"], group["claim_words"], strict=True):
                assert f"“{_collapse(words if isinstance(words, str) else phrase)}”" in text, (page, phrase)
            assert re.search(r"\*\*|Holds|hold|right|fit|True", text), (page, text)
            for value in _official_figures(group):
                assert f"{value:,}" in text, (page, group["claim"].iloc[0], value)


def _reference(name: str, data: Path | None = None) -> pd.DataFrame:
    return pd.read_csv((data or Path(__file__).resolve().parents[1] / "data") / "reference" / name)


def _official_figures(group: pd.DataFrame) -> list[int]:
    """The official counts a claim's verdict must give, computed from the reference CSVs without the package."""
    monthly = pd.concat(
        [
            _reference("cbp_swb_encounters_monthly_fy2018_fy2021.csv"),
            _reference("cbp_swb_encounters_monthly_fy2022_fy2023.csv"),
        ]
    )
    test, year = group["test"].iloc[0], int(group["fiscal_year"].iloc[0])
    fy = monthly[monthly["fiscal_year"] == year]
    if test == "fiscal_year_total":
        return [int(fy["total_swb_encounters"].sum()), int(fy["total_title42"].sum())]
    if test in ("record", "record_attempts", "highest_since", "highest_in_years"):
        annual = _reference("usbp_southwest_border_apprehensions_by_sector_fy1960_fy2019.csv")
        return [int(fy["usbp_total_encounters"].sum()), int(annual["southwest_border_total"].max())]
    as_of = pd.Timestamp(group["as_of"].iloc[0])
    month = monthly[(monthly["calendar_year"] == as_of.year) & (monthly["calendar_month"] == as_of.month)]
    return [int(month["total_swb_encounters"].iloc[0])]


def test_claim_verdicts_follow_the_official_tables():
    """The review's reading of the 2021 claims (C6, M1, M2), from the reference tables: one check per claim."""
    checks = {c.claim: c for c in claims.claim_checks(select("2021-tapachula", "all", None))}
    assert list(checks) == list(dict.fromkeys(tables.load("claims")["claim"]))
    total = checks["2021-fy-total"]
    assert total.case == "number_right" and total.holds == "partly"  # the number is right, "arrested" is not
    assert (total.values["total"], total.values["title42"], total.values["title42_pct"]) == (1_734_686, 1_063_526, 61)
    assert total.values["this_year_meant_last"] == 1 and total.values["written_year"] == 2022  # C6
    assert len(total.figures) == 3  # CBP, the Washington Post and MailOnline: one claim
    record = checks["2021-record"].values
    assert (record["usbp"], record["peak_year"], record["peak"]) == (1_659_206, 2000, 1_643_679)
    assert 0 < record["margin_pct"] < 1 and record["title8_between_year"] == 2019
    # review 4, C1/M4: one rule; "the most ever recorded" holds only by counting expulsions (misleading as worded),
    # "since 1986" on neither count (1986 was not as high; 2019 was, on arrests). Review 5, C1: "20-year highs in
    # 2021", checked month by month, is misleading in the same way; M2: "new records" of attempts holds on encounters
    record_claims = ("2021-record", "2021-new-records", "2021-highest-since-1986", "2021-twenty-year-high")
    assert {c: (checks[c].case, checks[c].holds) for c in record_claims} == {
        "2021-record": ("fits_usbp", claims.MISLEADING),
        "2021-new-records": ("attempts", "holds"),
        "2021-highest-since-1986": ("fits_none", claims.NOT_HOLD),
        "2021-twenty-year-high": ("fits_usbp", claims.MISLEADING),
    }
    since = checks["2021-highest-since-1986"].values
    assert (since["named_year"], since["usbp_named_count"], since["usbp_between_n"]) == (1986, 1_615_844, 0)
    assert since["title8_between_year"] == 2019 and since["title8_between_count"] == 851_508
    assert checks["2021-twenty-year-high"].values["named_year"] == 2001
    assert checks["2021-twenty-year-high"].values["calendar_year"] == 2021  # m8: "in 2021" is a calendar year
    assert checks["2021-july"].holds == "holds" and checks["2021-july"].values["is_peak"] == 1
    september = checks["2021-september"].values
    assert (september["change_pct"], september["change_from_peak_pct"]) == (8.5, 10.1)  # minor 17


def _annual_series(year: int, data: Path | None = None) -> dict[str, pd.Series]:
    """Each record count's earlier fiscal years, from the reference CSVs without the package: the Border
    Patrol total (all Title 8 before fiscal year 2020) and Title 8 apprehensions alone."""
    annual = _reference("usbp_southwest_border_apprehensions_by_sector_fy1960_fy2019.csv", data)
    annual = annual.set_index("fiscal_year")["southwest_border_total"]
    monthly = pd.concat(
        [
            _reference("cbp_swb_encounters_monthly_fy2018_fy2021.csv", data),
            _reference("cbp_swb_encounters_monthly_fy2022_fy2023.csv", data),
        ]
    )
    by_year = monthly.groupby("fiscal_year")[["usbp_total_encounters", "usbp_title8_apprehensions"]].sum()
    series = {}
    for count, column in (("usbp", "usbp_total_encounters"), ("title8", "usbp_title8_apprehensions")):
        later = by_year.loc[by_year.index > annual.index.max(), column]
        series[count] = pd.concat([annual, later]).loc[lambda s: s.index <= year]
    return series


def _monthly_series(data: Path | None = None) -> dict[str, pd.Series]:
    """Each record count by month, from the reference CSVs without the package: the Border Patrol's monthly table
    (Southwest Border rows, fiscal years 2000 to 2019), then CBP's monthly table from fiscal year 2020."""
    old = _reference("usbp_monthly_apprehensions_by_sector_fy2000_fy2019.csv", data)
    old = old[old["sector_or_region"] == "Southwest Border"]
    names = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    old_index = pd.to_datetime({"year": old["calendar_year"], "month": old["month"].map(names.index) + 1, "day": 1})
    monthly = pd.concat(
        [
            _reference("cbp_swb_encounters_monthly_fy2018_fy2021.csv", data),
            _reference("cbp_swb_encounters_monthly_fy2022_fy2023.csv", data),
        ]
    )
    monthly = monthly[monthly["fiscal_year"] >= 2020]
    new_index = pd.to_datetime({"year": monthly["calendar_year"], "month": monthly["calendar_month"], "day": 1})
    series = {}
    for count, column in (("usbp", "usbp_total_encounters"), ("title8", "usbp_title8_apprehensions")):
        early = pd.Series(old["usbp_apprehensions"].to_numpy(), index=pd.DatetimeIndex(old_index))
        later = pd.Series(monthly[column].to_numpy(), index=pd.DatetimeIndex(new_index))
        series[count] = pd.concat([early, later]).sort_index()
    return series


def _month_rule(calendar_year: int, years: int, data: Path | None = None) -> tuple[pd.Timestamp, dict[str, bool]]:
    """Review 5, C1: "an N-year high in <calendar year>", month by month: the Border Patrol's highest month of that
    year (with expulsions), and on each count no month in the N years before it as high."""
    series = _monthly_series(data)
    month = series["usbp"][series["usbp"].index.year == calendar_year].idxmax()
    fits = {}
    for count, counts in series.items():
        window = counts[(counts.index < month) & (counts.index > month - pd.DateOffset(years=years))]
        fits[count] = bool((window < counts.loc[month]).all())
    return month, fits


def _rule(check, data: Path | None = None) -> dict[str, bool]:
    """Review 4, C1: the one rule, from the reference CSVs without the package. "The most ever recorded": no
    earlier year as high. "Since year Y": no year after Y as high, and Y as high or higher. "An N-year high" (review
    5, C1): no year in the last N as high, so a record is one too; "in <calendar year>" is checked by month. On
    each count: (a) "usbp", expulsions included, and (b) "title8"."""
    claimed = int(check.figures.iloc[0]["value"])
    if check.kind == "highest_in_years" and check.values.get("calendar_year"):
        return _month_rule(int(check.values["calendar_year"]), claimed, data)[1]
    named = {"record": None, "highest_since": claimed}.get(check.kind, check.fiscal_year - claimed)
    fits = {}
    for count, series in _annual_series(check.fiscal_year, data).items():
        value = int(series.loc[check.fiscal_year])
        earlier = series[series.index < check.fiscal_year]
        window = earlier if named is None else earlier[earlier.index > named]
        fits[count] = bool((window < value).all()) and (
            named is None
            or (named in earlier.index and (check.kind == "highest_in_years" or int(earlier.loc[named]) >= value))
        )
    return fits


#: The label the page gives each outcome of the rule (whether a record claim holds on (a) and on (b)).
RULE_LABELS = {
    (True, True): "Holds",
    (True, False): "Misleading as worded",
    (False, True): "Holds on arrests",
    (False, False): "Not supported as worded",
}


def _verdict_labels(sel) -> dict[str, tuple[str, str]]:
    """claim -> (its verdict's bold label, the whole verdict) as the claims table prints them."""
    from caravan_book.story.numbers import claims_text

    rows = [line for line in claims_text(sel).splitlines() if line.startswith("| “")]
    found = {}
    for check in claims.claim_checks(sel):
        verdict = next(r for r in rows if f"“{check.words[0]}”" in r).split(" | ")[-1]
        found[check.claim] = (re.search(r"\*\*([^*]+)\*\*", verdict).group(1).rstrip("."), verdict)
    return found


def test_record_claims_are_judged_by_the_one_stated_rule():
    """Review 4, C1/M4: on every incident, each record claim's verdict is the rule's outcome on the two counts,
    computed from the reference tables; its label is the one label of that outcome; the rule is said above."""
    from caravan_book.story.numbers import claims_text

    for _, incident in _incident_pages("numbers-"):
        sel = select(incident, "all", None)
        records = [c for c in claims.claim_checks(sel) if c.kind in claims.RECORD_TESTS]
        if not records:
            continue
        assert "One rule checks the record claims" in claims_text(sel), incident
        labels = _verdict_labels(sel)
        for check in records:
            fits = _rule(check)
            assert check.case == claims.RECORD_CASES[(int(fits["usbp"]), int(fits["title8"]))], (incident, check.claim)
            expected = {(True, True): "holds", (True, False): claims.MISLEADING, (False, False): claims.NOT_HOLD}
            assert check.holds == expected.get((fits["usbp"], fits["title8"]), "partly"), (incident, check.claim)
            assert labels[check.claim][0] == RULE_LABELS[(fits["usbp"], fits["title8"])], (incident, check.claim)


@pytest.mark.parametrize(
    ("fiscal_year", "claim", "fits"),
    [
        (1986, "2021-highest-since-1986", {"usbp": True, "title8": False}),  # 1986 as high: the year named fits
        (2001, "2021-twenty-year-high", {"usbp": True, "title8": False}),  # checked by month: a year changes nothing
        (2000, "2021-record", {"usbp": False, "title8": False}),  # 2000 higher: no longer a record on (a)
    ],
)
def test_record_verdicts_follow_a_changed_table_value(data_copy, monkeypatch, fiscal_year, claim, fits):
    """Review 4, C1: the verdicts are computed from the tables, not typed: raise one year of the Border Patrol's
    yearly table above fiscal year 2021 in a copy of the data, and the verdict and its label follow the rule."""
    from caravan_book import settings

    path = data_copy / "reference" / "usbp_southwest_border_apprehensions_by_sector_fy1960_fy2019.csv"
    annual = pd.read_csv(path)
    row = annual.index[annual["fiscal_year"] == fiscal_year][0]
    extra = 1_700_000 - int(annual.loc[row, "southwest_border_total"])
    annual.loc[row, ["southwest_border_total", "san_diego", "nationwide_total_usbp_apprehensions"]] += extra
    annual.to_csv(path, index=False)
    monkeypatch.setenv(settings.DATA_ENV, str(data_copy))
    sel = select("2021-tapachula", "all", None)
    check = next(c for c in claims.claim_checks(sel) if c.claim == claim)
    assert _rule(check, data_copy) == fits
    assert check.case == claims.RECORD_CASES[(int(fits["usbp"]), int(fits["title8"]))]
    assert _verdict_labels(sel)[claim][0] == RULE_LABELS[(fits["usbp"], fits["title8"])]


def test_twenty_year_high_is_checked_by_month_from_the_tables():
    """Review 5, C1: "20-year highs in 2021" on the monthly series: the Border Patrol's highest month of 2021 and
    the last month as high on each count, every number from the reference CSVs (none typed here)."""
    sel = select("2021-tapachula", "all", None)
    check = next(c for c in claims.claim_checks(sel) if c.claim == "2021-twenty-year-high")
    series = _monthly_series()
    month, fits = _month_rule(2021, 20)
    assert check.values["m_month"] == f"{month:%B %Y}"
    verdict = _verdict_labels(sel)[check.claim][1]
    for count in ("usbp", "title8"):
        counts = series[count]
        value = int(counts.loc[month])
        higher = counts[(counts.index < month) & (counts >= value)]
        assert check.values[f"m_{count}"] == value
        assert check.values[f"m_{count}_higher_month"] == f"{higher.index.max():%B %Y}"
        assert check.values[f"m_{count}_higher"] == int(higher.loc[higher.index.max()])
        assert f"{value:,}" in verdict and f"{int(higher.loc[higher.index.max()]):,}" in verdict
        assert f"{higher.index.max():%B %Y}" in verdict
    assert fits == {"usbp": True, "title8": False}


def test_twenty_year_verdict_follows_a_changed_month(data_copy, monkeypatch):
    """Review 5, C1: raise one Border Patrol month within 20 years of July 2021 above it in a copy of the data,
    and "20-year highs" no longer holds on the count with expulsions."""
    from caravan_book import settings

    path = data_copy / "reference" / "usbp_monthly_apprehensions_by_sector_fy2000_fy2019.csv"
    monthly = pd.read_csv(path)
    row = monthly.index[
        (monthly["fiscal_year"] == 2005)
        & (monthly["month"] == "MAR")
        & (monthly["sector_or_region"] == "Southwest Border")
    ][0]
    monthly.loc[row, "usbp_apprehensions"] = 250_000
    monthly.to_csv(path, index=False)
    monkeypatch.setenv(settings.DATA_ENV, str(data_copy))
    sel = select("2021-tapachula", "all", None)
    check = next(c for c in claims.claim_checks(sel) if c.claim == "2021-twenty-year-high")
    assert _rule(check, data_copy) == {"usbp": False, "title8": False}
    assert check.case == "fits_none" and check.values["m_usbp_higher_month"] == "March 2005"


def test_a_weaker_record_claim_never_gets_a_harsher_label():
    """Review 5, C1: a record is an N-year high too, so on every incident an "N-year high" claim's verdict is never
    harsher than "the most ever recorded" on the same counts and fiscal year."""
    for _, incident in _incident_pages("numbers-"):
        checks = claims.claim_checks(select(incident, "all", None))
        for strong in (c for c in checks if c.kind == "record"):
            for weak in (c for c in checks if c.kind == "highest_in_years" and c.fiscal_year == strong.fiscal_year):
                assert claims.SEVERITY.index(weak.holds) <= claims.SEVERITY.index(strong.holds), (incident, weak.claim)


def test_a_claim_about_attempts_is_judged_on_encounters():
    """Review 5, M2: a record claim about people trying to enter has its own row, judged on encounters with the
    two cautions (events, not people; Title 42 changed counting), on every incident."""
    for _, incident in _incident_pages("numbers-"):
        sel = select(incident, "all", None)
        attempts = [c for c in claims.claim_checks(sel) if c.kind == claims.ATTEMPTS_TEST]
        labels = _verdict_labels(sel) if attempts else {}
        for check in attempts:
            fits = _rule_attempts(check)
            assert check.holds == ("holds" if fits else claims.NOT_HOLD), check.claim
            label, verdict = labels[check.claim]
            if fits:
                assert label == "Holds on encounters, the count of attempts"
                assert "events, not people" in verdict and "Title 42" in verdict
                assert f"{check.values['title42_first_month']}" in verdict


def _rule_attempts(check) -> bool:
    series = _annual_series(check.fiscal_year)["usbp"]
    return bool((series[series.index < check.fiscal_year] < series.loc[check.fiscal_year]).all())


_ARRESTS = re.compile(r"\b(arrest|detain)", re.IGNORECASE)


def test_no_true_label_for_a_claim_about_arrests_that_fails_on_arrests():
    """Review 4, M4: a claim whose article sentence speaks of arrests ("arrested", "detained") and does not hold on
    apprehensions (arrests) alone never gets a label beginning "True" or "Holds", and its verdict says it does not
    hold of arrests; the labels of one outcome are one label on every page."""
    seen: dict[tuple[int, int], set[str]] = {}
    for _, incident in _incident_pages("numbers-"):
        sel = select(incident, "all", None)
        records = [c for c in claims.claim_checks(sel) if c.kind in claims.RECORD_TESTS]
        labels = _verdict_labels(sel) if records else {}
        for check in records:
            label, verdict = labels[check.claim]
            seen.setdefault((int(check.values["usbp_fits"]), int(check.values["title8_fits"])), set()).add(label)
            if any(_ARRESTS.search(str(e)) for e in check.figures["excerpt"]) and not check.values["title8_fits"]:
                assert not label.startswith(("True", "Holds")), (check.claim, label)
                assert "does not hold of arrests" in verdict, check.claim
    assert all(len(found) == 1 for found in seen.values()), seen


def test_chart_series_labels_say_which_count_a_point_is(built_book):
    generated = built_book / "_build" / "html" / "book" / "generated"
    for page, incident in _incident_pages("numbers-"):
        html = (generated / f"{page}.html").read_text(encoding="utf-8")
        records = [c for c in claims.claim_checks(select(incident, "all", None)) if c.tests[0] in claims.RECORD_TESTS]
        for check in records[:1]:
            year = check.fiscal_year
            assert f"FY{year}: Border Patrol encounters, Title 8 and Title 42" in html, page
            assert f"FY{year}: Border Patrol Title 8 apprehensions only" in html, page
            assert f"FY{year}, all encounters" not in html, page
        assert "Counted under" in html and '"Under"' not in html, page


# ------------------------------------------------------------ 8. dates as precise as the article
def test_month_only_dates_never_show_a_day(pages):
    events = tables.load("events")
    for page, incident in _incident_pages("narrative-"):
        text = _page_text(pages[page])
        mine = events[events["incident"] == incident]
        day_dates = set(mine[mine["date_precision"] == "day"]["date"])
        for _, e in mine[mine["date_precision"] == "month"].iterrows():
            assert f"{e['date']:%B %Y}" in text, e["event_id"]
            if e["date"] not in day_dates:
                assert not re.search(rf"(?<!\d){e['date'].day} {e['date']:%B %Y}", text), e["event_id"]


def test_statements_dated_only_by_month_never_show_a_day(pages):
    statements = tables.load("statements")
    for page, incident in _incident_pages("responses-"):
        text = _page_text(pages[page]).replace(" [sic]", "")  # the book marks the articles' errors
        mine = statements[statements["incident"] == incident]
        day_dates = set(mine[mine["date_precision"] != "month"]["date"])
        for _, s in mine[mine["date_precision"] == "month"].iterrows():
            assert f"{s['date']:%B %Y}" in text, s["statement_id"]
            if s["date"] not in day_dates:
                assert not re.search(rf"(?<!\d){s['date'].day} {s['date']:%B %Y}", text), s["statement_id"]


def test_printed_dates_are_not_marked_inferred(pages):
    events = tables.load("events")
    for page, incident in _incident_pages("narrative-"):
        text = _page_text(pages[page])
        stated = events[(events["incident"] == incident) & (events["date_basis"] == "stated")]
        for when in stated["date"]:
            shown = f"{when.day} {when:%B %Y}"
            assert shown in text
            others = events[
                (events["incident"] == incident) & (events["date"] == when) & (events["date_basis"] == "inferred")
            ]
            if others.empty:
                assert f"{shown}†" not in text, shown


def test_printed_incident_dates_are_not_marked_inferred(pages):
    text = _page_text(pages["comparison"])
    for _, incident in tables.load("incidents").iterrows():
        when = incident["start_date"]
        shown = f"{when.day} {when:%B %Y}"
        assert shown in text, incident["incident"]
        if incident["start_date_basis"] == "stated":
            assert f"{shown}†" not in text, incident["incident"]


# ------------------------------------------------------------ 9. the reference series covers both incidents
def test_months_around_each_incident_are_in_the_reference_series():
    for incident in tables.load("incidents")["incident"]:
        around = queries.encounters_around(select(incident, "all", None), months=6)
        assert sorted(around["months_from_incident"]) == list(range(-6, 7)), incident


# ------------------------------------------------------------ 12. labels an editor would write
MACHINE_WORDS = ("1986 year", "value_text", "source_id", "as_printed", "2018-tijuana,", "reports it, in its own words")


def test_no_machine_made_labels_in_text_or_data_tables(pages):
    ids = list(tables.load("incidents")["incident"])  # the parameter line names incidents by title
    for name, soup in pages.items():
        main = soup.select_one("main") or soup
        for code in main.select("div.cell_input, pre, code"):
            code.decompose()
        assert not re.search(r"Incident: \d{4}-[a-z]", _collapse(main.get_text(" "))), name
        text = _collapse(main.get_text(" "))
        for word in MACHINE_WORDS:
            assert word not in text, f"{name}: {word}"
        for word in ids:  # a download's file name ("timeline-2018-tijuana.csv") may hold the id
            assert not re.search(rf"(?<![\w-]){re.escape(word)}(?!\.csv)", text), f"{name}: {word}"
        for cell in main.select("td"):
            assert not re.fullmatch(r"[\d,]+\.0", _collapse(cell.get_text())), f"{name}: {cell.get_text()!r}"
        for th in main.select("th"):
            label = _collapse(th.get_text())
            assert "_" not in label, f"{name}: column {label!r}"


def _tooltips(html: str) -> list[dict]:
    """Every field a chart's marks name when a reader points at them (the SVG titles of the drawn charts)."""
    found = []
    for title in BeautifulSoup(html, "html.parser").select(".caravan-chart svg title"):
        for part in title.get_text().split("; "):
            name, colon, _ = part.partition(": ")
            if colon:
                found.append({"title": name})
    return found


def test_chart_tooltips_name_their_values_in_words(built_book):
    generated = built_book / "_build" / "html" / "book" / "generated"
    checked = 0
    for page in sections.load().pages:
        html = (generated / f"{page.page}.html").read_text(encoding="utf-8")
        for tip in _tooltips(html):
            shown = tip.get("title", tip.get("field", ""))
            assert "_" not in shown and shown[:1].isupper(), f"{page.page}: tooltip {shown!r}"
            checked += 1
    assert checked > 0


def _group_blocks(soup: BeautifulSoup) -> dict[str, tuple[int, int]]:
    """On a responses page: each group heading's count ("— 8 statements") and the quote blocks under it."""
    counts = {}
    for para in soup.select("main p"):
        match = re.fullmatch(r"(.+?) — ([\d,]+) statements?", _collapse(para.get_text("")))
        if not match or not para.find("strong"):
            continue
        shown = 0
        for sibling in para.find_next_siblings():
            if sibling.name in ("hr", "section") or sibling.find("hr") or sibling.get("class") == ["caravan-key"]:
                break
            if sibling.name == "p" and re.fullmatch(r".+ — [\d,]+ statements?", _collapse(sibling.get_text(""))):
                break
            shown += sibling.name == "blockquote"
        counts[match.group(1)] = (int(match.group(2).replace(",", "")), shown)
    return counts


def test_statement_counts_are_counts_of_the_statements_shown(pages):
    for page, _ in _incident_pages("responses-"):
        counts = _group_blocks(pages[page])
        assert counts, page
        for group, (said, shown) in counts.items():
            assert said == shown, f"{page}: {group} says {said} statements and shows {shown}"


def test_quotations_shown_alone_are_whole_sentences_not_fragments(pages):
    for page, _ in _incident_pages("responses-"):
        for quote in pages[page].select("main blockquote"):
            text = _collapse(quote.get_text(""))
            if text.startswith("“"):
                first = next(c for c in text if c.isalpha())
                assert first.isupper(), f"{page}: a fragment shown without its sentence: {text[:80]!r}"


def test_quotation_marks_on_the_numbers_pages_hold_the_articles_words(pages):
    """Whatever the claims put in quotation marks is the article's, character for character ("the highest
    number since 1986", never "the highest since 1986"), in the article's case ("in 2021", not "In 2021")."""
    articles = _articles()
    for page, _ in _incident_pages("numbers-"):
        text = _page_text(pages[page])
        for quoted in re.findall(r"“([^“”]{3,200})”", text):
            if len(quoted.split()) >= 2 and not quoted.endswith("…"):  # "…" ends a sentence pattern, not a quote
                assert quoted in articles, f"{page}: {quoted!r} is not in any article"


def _selections():
    from tests.test_news_pages import IDS, SELECTIONS

    return pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)


@_selections()
def test_the_numbers_lead_says_a_disputed_claim_is_checked_below(sel):
    """Review 4, m14: a headline number of the numbers page's lead that is a claim the claims table does not find
    holding as worded says "(checked below)"; a claim that holds does not."""
    from caravan_book.story.display import md
    from caravan_book.story.numbers import numbers_lead

    lead = [line for line in numbers_lead(sel).splitlines() if line.startswith("- ")]
    checks = {f: c for c in claims.claim_checks(sel) for f in c.figures["figure_id"]}
    figures = queries.figures(sel)
    for _, f in figures[figures["prominence"] == figures["prominence"].min()].drop_duplicates("metric").iterrows():
        line = next(item for item in lead if item.startswith(f"- {md(f['metric_label'])}: "))
        disputed = f["figure_id"] in checks and checks[f["figure_id"]].holds != "holds"
        assert ("(checked below)" in line) == disputed, (f["figure_id"], line)


@_selections()
def test_a_verdict_saying_when_a_claim_was_written_marks_an_inferred_date(sel):
    """Review 4, m8; review 6, M2: when a claim was written is its article's date as the book prints it, no more
    precisely than the text allows ("on or after 23 October 2021†", never "October 2021"), with its †."""
    from caravan_book.story.display import published_date
    from caravan_book.story.numbers import claims_text

    text = claims_text(sel)
    for check in claims.claim_checks(sel):
        if check.values.get("this_year_meant_last"):
            figures = check.figures
            latest = figures[pd.to_datetime(figures["published"]) == pd.to_datetime(figures["published"]).max()]
            when = published_date(latest.iloc[0])
            assert f"The article was written {'' if when.startswith('on or ') else 'on '}{when}, after fiscal" in text
            assert when.endswith("†") == (check.values["written_basis"] == "inferred"), when
            assert "Written in" not in text
