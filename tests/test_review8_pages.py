"""The eighth standards review's findings (M2; m2-m7, m9-m13), held against the data and the text the pages
print (the story functions the notebooks display), each failing on the text the review quoted."""

from __future__ import annotations

import re

import pandas as pd
from bs4 import BeautifulSoup

from caravan_book.data import queries, tables
from caravan_book.data.selection import select
from caravan_book.story import comparison, responses
from caravan_book.story.display import date_text, figure_date
from caravan_book.text.quotes import holds_speakers_words
from tests.conftest import REPO, require_seeds

TIJUANA = select("2018-tijuana", "all", None)
TAPACHULA = select("2021-tapachula", "all", None)


def _flat(markdown: str) -> str:
    """Rendered Markdown as a reader reads it: no escapes, no bold marks, one space between words."""
    return " ".join(re.sub(r"\\(.)", r"\1", markdown).replace("**", "").split())


def _rows() -> dict[str, list[str]]:
    soup = BeautifulSoup(comparison.comparison_table(TIJUANA, TAPACHULA), "html.parser")
    return {
        row.th.get_text(" ", strip=True): [td.get_text(" ", strip=True) for td in row.find_all("td")]
        for row in soup.select("tbody tr")
    }


def _article_text(number: str) -> str:
    path = next(require_seeds().glob(f"{number}_*.txt"))
    return " ".join(path.read_text(encoding="utf-8").split())


# ---------------------------------------------------------------- M2: "Trump administration" is the outlet's phrase
def test_the_trump_administration_is_the_unsigned_reports_phrase_not_the_critics():
    cell = _rows()["US administration"][0]
    assert "Trump administration — an unsigned article (outlet not named)" in cell
    assert "Critics (not named), according to" not in cell
    # an official's account still stands as theirs (review 4, M6)
    force = _rows()["Force used"][0]
    assert "Kirstjen Nielsen (US Secretary of Homeland Security), according to" in force


# ---------------------------------------------------------------- m3: a sentence without a day takes its report's date
def test_sentences_that_give_no_day_take_the_date_of_their_report():
    nielsen = tables.load("statements").set_index("statement_id").loc["2018-nielsen-dangerous-border-closure-report"]
    assert "Sunday" not in nielsen["excerpt"]
    assert nielsen["date_precision"] == "reported"
    when = date_text(nielsen["date"], nielsen["date_basis"], nielsen["date_precision"])
    assert when == "not stated; reported on 26 November 2018†"
    page = _flat(responses.responses_text(TIJUANA))
    assert "Kirstjen Nielsen, US Secretary of Homeland Security (statement, not stated; reported on 26 November" in page
    family = tables.load("events").set_index("event_id").loc["2021-family-knocked-down-mailonline"]
    assert "Saturday" not in family["excerpt"]
    assert family["date_precision"] == "reported"
    assert "Article says 'On Saturday'" not in family["date_note"]
    assert date_text(family["date"], family["date_basis"], family["date_precision"]).startswith("not stated; reported")


# ---------------------------------------------------------------- m5, m6, m7: the timeline's summaries
def test_the_bbc_dates_the_closure_of_san_ysidro_not_its_reopening():
    row = tables.load("events").set_index("event_id").loc["2018-port-closed-bbc"]
    assert "for a number of hours" in row["excerpt"] and "for a number of hours" in row["summary"]
    assert "several hours" not in row["summary"]
    assert "then reopened it, the BBC reports." not in row["summary"]
    assert "but not when" in row["summary"]


def test_the_weeks_in_shelters_keep_the_bbcs_words_without_about():
    row = tables.load("events").set_index("event_id").loc["2018-shelters-bbc"]
    figure = tables.load("figures").set_index("figure_id").loc["2018-weeks-in-shelters-bbc"]
    assert figure["qualifier"] == "exactly"
    assert "about two weeks" not in row["summary"]
    assert "the past two weeks" in row["summary"] and "the past two weeks" in row["excerpt"]


def test_the_troop_deployment_gives_both_sides_of_the_articles_sentence():
    summary = tables.load("events").set_index("event_id").loc["2018-troops-deployed-border-closure-report", "summary"]
    article = _article_text("003")
    assert "Critics insisted the move was a political stunt" in article
    assert "Mr Trump insisted it was a necessary step to stop illegal migration" in article
    assert "political stunt" in summary and "necessary step to stop illegal migration" in summary


# ---------------------------------------------------------------- m4: sentences holding the speaker's own words
def test_the_count_of_sentences_holding_the_speakers_words_counts_quoted_phrases():
    summary = _flat(responses.responses_summary(TAPACHULA))
    assert "the other 7 are shown as the article's sentence" in summary
    assert "(3 of these sentences hold a short phrase in the speaker's own words)" in summary
    frame = queries.statements(TAPACHULA)
    reported = frame[(frame["quote_kind"] == "reported") & frame.apply(holds_speakers_words, axis=1)]
    # Psaki's 'had been there before' and Biden's 'guesses', beside the direct 'a whole hell of a lot of time'
    assert sorted(reported["quote"].str[:12]) == ["he 'guesses'", "he 'had been"]
    # an apostrophe is not a quotation mark
    assert not holds_speakers_words({"quote": "the caravan's leader said it isn't over", "quote_kind": "reported"})


# ---------------------------------------------------------------- m9: fiscal year in the glossary
def test_the_glossary_names_the_months_of_the_next_fiscal_year():
    text = " ".join((REPO / "book" / "glossary.md").read_text(encoding="utf-8").split())
    assert "a month in the autumn" not in text
    assert "So October, November and December belong to the fiscal year named for the next calendar year" in text


# ---------------------------------------------------------------- m10: a photo caption is not a stated reason
def test_the_photo_caption_is_where_one_migrant_was_heading_not_a_reason_the_migrants_gave():
    rows = _rows()
    assert "photo caption" not in rows["Why they said they travelled"][1]
    assert (
        "for one migrant in a photo caption: the Mexican capital, to apply for asylum"
        in rows["Where it was heading"][1]
    )
    facts = tables.load("facts")
    reasons = facts[facts["topic"] == "stated_reasons"]
    assert not reasons["value"].str.contains("caption").any()


# ---------------------------------------------------------------- m11: the article says only where the group set out
def test_the_comparison_says_where_the_2021_group_set_out_not_where_it_was_all_month():
    text = _flat(comparison.comparison_text(TIJUANA, TAPACHULA))
    assert "In that month the 2021 group was in Tapachula" not in text
    assert (
        "In that month the 2021 group set out from Tapachula, near the Guatemala border: it was not at the US border"
        in text
    )


# ---------------------------------------------------------------- m2: the BBC's dating note does not undercut itself
def test_the_week_of_the_threat_is_said_to_hold_only_if_the_bbc_article_is_from_sunday():
    note = tables.load("sources").set_index("source_id").loc["bbc", "published_note"]
    assert "The book reads 'this week' as 19–25 November." not in note
    # review 9, m3: the span now fits both possible days of the article, so the note no longer needs a condition
    assert "a span that fits both days" in note
    for table, key in (("events", "event_id"), ("statements", "statement_id")):
        row = tables.load(table).set_index(key).loc["2018-trump-lose-control-bbc"]
        assert "a span that fits both possible dates of the article" in row["date_note"], table


# ---------------------------------------------------------------- m13: correction 70 points to events that exist
def test_the_el_chaparral_correction_points_to_events_dated_to_the_sunday():
    corrections = tables.load("corrections")
    right = corrections[corrections["fact_id"] == "events/2018-chaparral-attempt-bbc"]["right"].iloc[0]
    assert "is the event of the group rounded up" not in right
    assert "in the events of the march and the tear gas" in right
    events = tables.load("events").set_index("event_id")
    for event_id in ("2018-march-bbc", "2018-teargas-bbc"):
        assert events.loc[event_id, "date_precision"] == "day", event_id
        assert date_text(events.loc[event_id, "date"], "inferred", "day") == "25 November 2018†"


# ---------------------------------------------------------------- m12: a figure's working day is documented, not shown
def test_a_figures_working_day_is_documented_and_never_shown():
    readme = " ".join((REPO / "data" / "README.md").read_text(encoding="utf-8").split())
    assert "the day in `as_of` is only a working value: the text supports the month" in readme
    for sel in (TIJUANA, TAPACHULA):
        frame = queries.figures(sel)
        working = frame[(frame["as_of_basis"] == "inferred") & frame["as_of_precision"].isna()]
        assert not working.empty
        for _, row in working.iterrows():
            shown = figure_date(row)
            assert not re.match(r"\d{1,2} ", shown), (row["figure_id"], shown)
            assert pd.Timestamp(row["as_of"]).strftime("%B %Y") in shown, (row["figure_id"], shown)
