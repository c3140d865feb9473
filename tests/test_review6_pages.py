"""The sixth standards review's findings (M1-M3; m1-m9), held against the data and the text the
pages print (the story functions the notebooks display), each failing on the text the review quoted."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from caravan_book.data import queries, tables
from caravan_book.data.selection import select
from caravan_book.story import common, comparison, exercises, methods, narrative, numbers
from caravan_book.story.display import date_text
from tests.conftest import REPO

TIJUANA = select("2018-tijuana", "all", None)
TAPACHULA = select("2021-tapachula", "all", None)


def _flat(markdown: str) -> str:
    """Rendered Markdown as a reader reads it: no escapes, no bold marks, one space between words."""
    return " ".join(re.sub(r"\\(.)", r"\1", markdown).replace("**", "").split())


def _rows(left, right) -> dict[str, list[str]]:
    soup = BeautifulSoup(comparison.comparison_table(left, right), "html.parser")
    return {
        row.th.get_text(" ", strip=True): [td.get_text(" ", strip=True) for td in row.find_all("td")]
        for row in soup.select("tbody tr")
    }


# ---------------------------------------------------------------- M1: what came "after" Sunday is not dated Sunday
def test_what_an_article_says_came_after_a_sunday_event_is_not_dated_to_that_sunday():
    """003 and 001 date the breakaway and the attempt "on Sunday"; the arrests and the rounding-up came "after",
    on a day neither text gives: 25 or 26 November 2018†, never the day itself."""
    events = tables.load("events").set_index("event_id")
    for event_id in ("2018-arrests-border-closure-report", "2018-rounded-up-bbc"):
        row = events.loc[event_id]
        assert re.search(r"\bafter\b.*\bon Sunday\b", str(row["excerpt"])), event_id
        assert row["date_precision"] != "day", event_id
        assert date_text(row["date"], row["date_basis"], row["date_precision"]) == "25 or 26 November 2018†"
    figure = tables.load("figures").set_index("figure_id").loc["2018-arrests-border-closure-report"]
    assert figure["as_of_precision"] == "day or next"
    label = tables.load("metrics").set_index("metric").loc["arrests", "label"]
    assert "on the day" not in label and label == "People arrested after the breakaway"
    assert "People arrested after the breakaway: “" in _flat(numbers.numbers_lead(TIJUANA))
    assert "it does not say by which authority or on which day" in _flat(narrative.lead(TIJUANA))


def test_the_day_count_leaves_out_the_arrests_and_the_rounding_up():
    solution = _flat(exercises.narrative(TIJUANA))
    timeline = queries.timeline(TIJUANA)
    by_day = timeline[timeline["date_precision"] == "day"]
    assert not by_day["event_id"].isin(["2018-arrests-border-closure-report", "2018-rounded-up-bbc"]).any()
    left_out = len(timeline) - len(by_day)
    assert f"{left_out} events are left out because they have no exact day" in solution


# ---------------------------------------------------------------- M2: MailOnline written on or after 23 October 2021
def test_the_mailonline_article_is_never_said_to_be_of_october_2021():
    text = _flat(numbers.claims_text(TAPACHULA))
    assert "The article was written on or after 23 October 2021†, after fiscal year 2022 had begun" in text
    assert "Written in October 2021" not in text
    defects = _flat(methods.defects_list())
    assert "(October 2021)" not in defects
    assert "on or after 23 October 2021†" in defects
    for table, column in (("claims", "note"), ("defects", "defect"), ("figures", "note")):
        for value in tables.load(table)[column].dropna():
            assert not re.search(r"(in|from|\() ?Oct(ober)? 2021\b", str(value)), (table, value)


# ---------------------------------------------------------------- M3, m1: each article credited with its own words
def test_the_bbc_cordon_is_not_called_mexican_and_the_solution_cites_the_mexican_police():
    row = _rows(TIJUANA, TAPACHULA)["Police and security lines on the Mexican side"]
    assert "a security cordon the marchers got past (the BBC does not say whose)" in row[0]
    assert "a blockade of Mexican police" in row[0]
    solution = _flat(exercises.comparison(TIJUANA, TAPACHULA))
    assert "Mexican officers facing the group: a security cordon" not in solution
    assert "a blockade of Mexican police" in solution


def test_a_comparison_fact_is_in_the_words_of_the_article_it_credits():
    """m1: the BBC writes "US President Donald Trump", never "Trump administration"; every fact's value, apart
    from the book's own brackets, is words its article prints or the review's plain paraphrase of them."""
    administration = _rows(TIJUANA, TAPACHULA)["US administration"][0]
    assert "Trump administration (President Donald Trump) — the BBC" not in administration
    assert "US President Donald Trump — the BBC" in administration
    facts = tables.load("facts")
    for _, f in facts[facts["topic"] == "us_administration"].iterrows():
        assert str(f["value"]).lower() in str(f["excerpt"]).lower(), f["fact_id"]
    text = _flat(comparison.comparison_text(TIJUANA, TAPACHULA))
    assert "under US President Donald Trump and the second under the Biden administration" in text


# ---------------------------------------------------------------- m2: counts that differ are not one "size"
def test_the_comparison_does_not_call_different_counts_the_size_of_the_caravan():
    rows = _rows(TIJUANA, TAPACHULA)
    assert "Size of the caravan" not in rows
    assert "Numbers of migrants the articles give" in rows


# ---------------------------------------------------------------- m3: the lede names an article once in a row
def test_the_2018_lede_does_not_name_herborn_twice_in_a_row():
    lead = _flat(narrative.lead(TIJUANA))
    assert "in the words of the article by Daniel Herborn. Other versions" in lead
    # the same article's version first: after "the BBC gives …", "the same article" would mean the BBC's
    assert (
        "Other versions of the figure for the group at the border fence: the same article also gives “a group of "
        "about 500 migrants”, from Mexico's Interior Ministry; the BBC gives" in lead
    )
    assert "leads with other news, of" not in lead
    assert "An unsigned article (outlet not named) leads instead with news of 26 November 2018†" in lead


# ---------------------------------------------------------------- m5: the day count's solution in plain sentences
def test_the_day_count_solution_names_no_precision_in_the_data_s_words():
    for sel in (TIJUANA, TAPACHULA):
        solution = _flat(exercises.narrative(sel))
        article = "the article gives" if sel is TAPACHULA else "the articles give"  # review 9, m10: one article
        assert f"left out because they have no exact day: {article} only" in solution
        for jargon in ("dated only", "as earlier than a given day", "by the article that reports them", "on or after,"):
            assert jargon not in solution, (sel.describe(), jargon)


# ---------------------------------------------------------------- m6: no non sequitur in "Border numbers"
def test_border_numbers_do_not_repeat_the_distance():
    text = _flat(comparison.comparison_text(TIJUANA, TAPACHULA))
    border = text[text.index("Border numbers.") :]
    assert "km in a straight line from" not in border
    # review 8, m11: the article says only that the group set out from Tapachula
    assert (
        "set out from Tapachula, near the Guatemala border: it was not at the US border, so these counts do not"
        in border
    )


# ---------------------------------------------------------------- m8: the BBC's date in two plain sentences
def test_the_bbc_dating_note_is_plain():
    note = str(tables.load("sources").set_index("source_id").loc["bbc", "published_note"])
    assert "so it is from Sunday 25 or Monday 26 November 2018" in note
    assert "read loosely" not in note and "could not say" not in note
    assert len(note.split()) < 70


# ---------------------------------------------------------------- m4: a printed day beside worked-out ones says so
def test_a_headline_day_printed_in_one_article_and_worked_out_for_others_says_so():
    from caravan_book.story.common import headline

    note = "printed in one article and worked out by the book from the others"
    top = headline(TIJUANA)
    assert (top["day"], top["printed"]) == ("Sunday 25 November 2018", 1)
    first = f"Tear gas at the Tijuana–San Ysidro border: Sunday 25 November 2018 ({note}), Tijuana."
    assert first in _flat(narrative.lead(TIJUANA))
    assert first in _flat(numbers.numbers_lead(TIJUANA))
    assert first in _flat(common.news_lead(TIJUANA))  # the responses page
    assert f"(Sunday 25 November 2018, Tijuana; a date {note}):" in _flat(
        comparison.comparison_lead(TIJUANA, TAPACHULA)
    )
    assert f"25 November 2018 ({note}; 4 other events" in _flat(narrative.day_by_day(TIJUANA))
    # a day whose every event is worked out keeps its † and no note
    top = headline(TAPACHULA)
    assert (top["day"], top["printed"]) == ("Saturday 23 October 2021†", 0)


# ---------------------------------------------------------------- m7: citation code labelled for its software
def test_the_citation_code_is_labelled_for_reference_manager_software():
    page_end = (REPO / "book" / "templates" / "trust" / "page-end.md.j2").read_text(encoding="utf-8")
    assert "<summary>For reference-manager software" in page_end
    assert "<summary>BibTeX and CSL-JSON</summary>" not in page_end


# ---------------------------------------------------------------- m9: one sentence, two speakers, said how counted
def test_a_sentence_reporting_two_speakers_is_said_to_count_once_for_each():
    from caravan_book.story.responses import responses_lead

    frame = queries.statements(TIJUANA)
    shared = frame.groupby(["source_id", "excerpt"])["speaker"].nunique()
    assert (shared > 1).any()
    lead = _flat(responses_lead(TIJUANA))
    assert "an article sentence that reports more than one speaker counts once for each of them" in lead
    assert "counts once for each" not in _flat(responses_lead(TAPACHULA))
